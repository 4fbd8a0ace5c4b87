import Foundation
import RenjuModel
import RenjuReference
import RenjuReading
import RenjuChecks
import RenjuExport

extension Workspace {
    /// One rule as `renju rules` lists it: built-in or the user's, as configured.
    public struct RuleListing: Sendable {
        public let id: RuleID
        /// error, warning, info, or nil when switched off.
        public let severity: Severity?
        /// Levels it applies to; nil for all.
        public let levels: [Level]?
        public let title: Message
        /// Each parameter with its value and its default (an override when they differ).
        public let parameters: [(name: String, value: Double, defaultValue: Double)]
        /// A user rule's condition and missing-value policy.
        public let condition: String?
    }

    /// Every rule that will run, built-in (the readers' first) and the user's, as `rules.yaml` configures them.
    public func rules() throws -> (reference: ReferenceData, rules: [RuleListing]) {
        let ref = try reference()
        var out: [RuleListing] = []
        for d in CheckRegistry.descriptors {
            let s = ref.checks.setting(d.id, default: d.severity)
            out.append(RuleListing(id: d.id, severity: s.enabled ? s.severity : nil, levels: s.levels.map { $0.sorted() }, title: d.title,
                                   parameters: d.parameters.map { ($0.name, ref.checks.value($0, of: d.id), $0.defaultValue) }, condition: nil))
        }
        for r in ref.checks.userRules {
            out.append(RuleListing(id: r.id, severity: r.severity, levels: r.levels.map { $0.sorted() }, title: Message(zh: r.title, en: r.title),
                                   parameters: [], condition: "assert: \(r.source) (missing: \(r.missing.rawValue))"))
        }
        return (ref, out)
    }

    /// Loads a rule file against the catalog and every rule's descriptor; what it holds.
    public func checkRuleFile(_ path: String) throws -> (settings: Int, userRules: Int, identities: Int) {
        let ref = try reference()
        do {
            let settings = try CheckSettings.load(path: path, catalog: ref.catalog)
            try settings.verify(CheckRegistry.descriptors)
            return (settings.settings.count, settings.userRules.count, settings.partWhole.count + settings.requires.count)
        } catch let e as ReferenceError {
            throw AppError("\(e)")
        }
    }

    /// What Renju reads from files, without checking it: the figures, and whether a file (or a
    /// sheet of one) could not be read at all.
    public func figures(_ inputs: [String], period: Period?) throws -> (reference: ReferenceData, input: InputSet, unreadable: Bool) {
        let ref = try reference()
        let input = try read(inputs, period: period, reference: ref)
        let fileLevel: Set<RuleID> = [.unreadableFile, .unsupportedFile, .passwordProtected, .missingSheet, .encoding]
        let unreadable = (input.findings + input.submissions.flatMap(\.findings)).contains { $0.severity == .error && fileLevel.contains($0.rule) }
        return (ref, input, unreadable)
    }

    /// Synthetic returns at any scale, with the previous quarter (benchmarks and demos).
    public func synthesize(villages: Int, period: Period, seed: UInt64, to folder: String) throws -> Synthesizer.Summary {
        guard (1...2_000_000).contains(villages) else { throw AppError(zh: "--villages 须为 1–2,000,000", en: "--villages must be 1–2,000,000") }
        guard period.kind == .quarter else { throw AppError(zh: "--period 须为季度，如 2025Q3", en: "--period must be a quarter, e.g. 2025Q3") }
        var s = Synthesizer(catalog: try reference().catalog, villages: villages, period: period)
        s.seed = seed
        do { return try s.write(to: URL(fileURLWithPath: folder)) } catch { throw AppError("\(error)") }
    }
}
