import Foundation
import RenjuModel
import RenjuReference
import RenjuReading
import RenjuChecks
import RenjuEditing
import RenjuExport
import RenjuSynth

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
        /// Parameters written for one kind of period (`year: scale=4`), in month, quarter, year order.
        public var byPeriod: String? = nil
    }

    /// Every rule that will run, built-in (the readers' first) and the user's, as `rules.yaml` configures them.
    /// `period`: only the rules in force for it (an imported 审核公式's 生效/停用报告期; the
    /// settings of that kind of period).
    public func rules(period: Period? = nil) throws -> RuleList {
        var ref = try reference()
        if let period { ref.checks = ref.checks.forPeriod(period.kind) }
        var out: [RuleListing] = []
        for d in CheckRegistry.descriptors {
            let s = ref.checks.setting(d.id, default: d.severity)
            var listing = RuleListing(id: d.id, severity: s.enabled ? s.severity : nil, levels: s.levels.map { $0.sorted() }, title: d.title,
                                      parameters: d.parameters.map { ($0.name, ref.checks.value($0, of: d.id), $0.defaultValue) }, condition: nil)
            let kinds: [(Period.Kind, String)] = [Period.Kind.month, .quarter, .half, .year].map { ($0, $0.key) }
            let written = kinds.compactMap { kind, name in
                s.byPeriod[kind].map { own in "\(name): " + own.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\(shortestDecimal($0.value))" }.joined(separator: " ") }
            }
            if !written.isEmpty { listing.byPeriod = written.joined(separator: "; ") }
            out.append(listing)
        }
        for r in ref.checks.userRules where period.map({ r.inForce($0) }) ?? true {
            out.append(RuleListing(id: r.id, severity: r.severity, levels: r.levels.map { $0.sorted() }, title: Message(zh: r.title, en: r.title),
                                   parameters: [], condition: (r.ref.map { "审核关系 \($0)：\(r.printed ?? r.source) → " } ?? "") + "assert: \(r.source) (missing: \(r.missing.rawValue))"
                                       + (r.from.map { " from \($0)" } ?? "") + (r.until.map { " until \($0)" } ?? "")))
        }
        return RuleList(reference: ref, rules: out)
    }

    /// One rule as `renju rules explain ID` tells it: its listing (severity and levels as
    /// configured, parameters against their defaults), what its check looks for, its parameters'
    /// meanings and ranges, and for a user's rule its condition.
    public struct RuleExplanation: Sendable {
        public let listing: RuleListing
        public let defaultSeverity: Severity?
        /// What the check looks for (the check's own explanation); nil for a user's rule.
        public let about: Message?
        public let parameters: [RuleParameter]
    }

    public func explain(_ text: String) throws -> RuleExplanation {
        let rules = try self.rules().rules
        guard let listing = rules.first(where: { $0.id.description == text }) else {
            let near = rules.map(\.id.description).min { editDistance($0, text) < editDistance($1, text) }.flatMap { editDistance($0, text) <= 3 ? $0 : nil }
            throw AppError(zh: "没有规则 \(text)\(near.map { "（是否是 \($0)？）" } ?? "")：renju rules 列出全部规则",
                           en: "no rule \(text)\(near.map { " (did you mean \($0)?)" } ?? ""): `renju rules` lists them")
        }
        let descriptor = CheckRegistry.descriptors.first { $0.id == listing.id }
        return RuleExplanation(listing: listing, defaultSeverity: descriptor?.severity, about: descriptor?.about,
                               parameters: descriptor?.parameters ?? [])
    }

    /// Loads a rule file against the catalog and every rule's descriptor; what it holds.
    public func checkRuleFile(_ path: String) throws -> RuleFileCounts {
        let ref = try reference()
        do {
            let settings = try CheckSettings.load(path: path, catalog: ref.catalog)
            try settings.verify(CheckRegistry.descriptors)
            return RuleFileCounts(settings: settings.settings.count, userRules: settings.userRules.count, identities: settings.partWhole.count + settings.requires.count)
        } catch let e as ReferenceError {
            throw AppError(Message.of(e))
        }
    }

    /// The rule set analysed as a whole (`renju rules --check [FILE]`): FILE (a rules.yaml) with
    /// the reference folder's catalog, or the folder's own rules.yaml.
    /// The rule set as it will run (the reference folder's and `--rules` files) analysed.
    public func analyseImported() throws -> RuleSetAnalysis {
        RuleSetAnalysis.analyse(try reference())
    }

    public func analyseRules(_ path: String?) throws -> RuleFileAnalysis {
        var ref = try reference()
        let file = path ?? (ref.directory as NSString).appendingPathComponent("rules.yaml")
        do {
            let settings = try CheckSettings.load(path: file, catalog: ref.catalog)
            try settings.verify(CheckRegistry.descriptors)
            ref.checks = settings
        } catch let e as ReferenceError {
            throw AppError(Message.of(e))
        }
        let loaded = RuleFileCounts(settings: ref.checks.settings.count, userRules: ref.checks.userRules.count, identities: ref.checks.partWhole.count + ref.checks.requires.count)
        return RuleFileAnalysis(file: file, loaded: loaded, analysis: RuleSetAnalysis.analyse(ref))
    }
}

/// The rules that will run, as `renju rules` lists them.
public struct RuleList: Sendable {
    public let reference: ReferenceData
    public let rules: [Workspace.RuleListing]
}

/// What a rule file holds: rule settings, user rules, identities.
public struct RuleFileCounts: Sendable, Equatable {
    public let settings: Int
    public let userRules: Int
    public let identities: Int
}

/// A rule file checked and analysed (`renju rules --check`).
public struct RuleFileAnalysis: Sendable {
    public let file: String
    public let loaded: RuleFileCounts
    public let analysis: RuleSetAnalysis
}
