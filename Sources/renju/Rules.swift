import ArgumentParser
import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuExport

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the checks that will run (审核规则), or check a rule file.",
        discussion: """
        Every check's id, severity, levels and title, as configured in reference-data/rules.yaml,
        and the user's own rules with their conditions.

          renju rules
          renju rules --check my-rules.yaml     # exit 0 when the file loads, 2 with file:line:column when not
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("Validate this rule file against the catalog; exit 0 or 2.", valueName: "file"))
    var check: String?

    func run() throws {
        let reference: ReferenceData
        do { reference = try common.loadReference() } catch let e as CouldNotRun { writeStderr("renju: \(e)"); throw ExitCode(2) }
        if let check {
            do {
                let settings = try CheckSettings.load(path: check, catalog: reference.catalog)
                try settings.verify(knownRules: CheckRegistry.knownRules)
                print("\(check): OK — \(settings.settings.count) check settings, \(settings.userRules.count) user rules, \(settings.partWhole.count + settings.requires.count) identities")
                return
            } catch let e as ReferenceError {
                writeStderr("renju: \(e)")
                throw ExitCode(2)
            }
        }
        let lang = common.lang
        var rows: [(id: String, severity: String, levels: String, title: String, detail: String)] = []
        func levels(_ s: CheckSetting) -> String {
            guard let l = s.levels else { return lang == .zh ? "全部" : "all" }
            return l.sorted().map(\.rawValue).joined(separator: ",")
        }
        for (id, sev, title) in CheckRegistry.readingRules {
            let s = reference.checks.setting(id, default: sev)
            rows.append((id.description, s.enabled ? s.severity.rawValue : "off", levels(s), title.text(lang), ""))
        }
        for check in CheckRegistry.builtIn {
            for (id, sev, title) in check.rules {
                let s = reference.checks.setting(id, default: sev)
                let params = s.params.sorted { $0.key < $1.key }.map { "\($0.key)=\(shortestDecimal($0.value))" }.joined(separator: " ")
                rows.append((id.description, s.enabled ? s.severity.rawValue : "off", levels(s), title.text(lang), params))
            }
        }
        for r in reference.checks.userRules {
            let l = r.levels.map { $0.sorted().map(\.rawValue).joined(separator: ",") } ?? (lang == .zh ? "全部" : "all")
            rows.append((r.id.description, r.severity.rawValue, l, r.title, "assert: \(r.source) (missing: \(r.missing.rawValue))"))
        }
        switch common.format {
        case .json:
            let items = rows.map { r in
                "  {\"id\": \(JSONReport.quote(r.id)), \"severity\": \(JSONReport.quote(r.severity)), \"levels\": \(JSONReport.quote(r.levels)), \"title\": \(JSONReport.quote(r.title)), \"detail\": \(JSONReport.quote(r.detail))}"
            }
            print("[\n" + items.joined(separator: ",\n") + "\n]")
        case .text:
            let w = rows.map(\.id.count).max() ?? 20
            for r in rows {
                let pad = String(repeating: " ", count: max(0, w - r.id.count))
                print("\(r.id)\(pad)  \(r.severity.padding(toLength: 7, withPad: " ", startingAt: 0))  \(r.levels.padding(toLength: 16, withPad: " ", startingAt: 0))  \(r.title)\(r.detail.isEmpty ? "" : "  [\(r.detail)]")")
            }
            print(lang == .zh ? "\n共 \(rows.count) 条规则（\(reference.directory)/rules.yaml）" : "\n\(rows.count) rules (\(reference.directory)/rules.yaml)")
        }
    }
}
