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
                try settings.verify(CheckRegistry.descriptors)
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
        for d in CheckRegistry.descriptors {
            let s = reference.checks.setting(d.id, default: d.severity)
            // Every parameter with its value; an override says the default it replaces.
            let params = d.parameters.map { p -> String in
                let v = reference.checks.value(p, of: d.id)
                let text = "\(p.name)=\(shortestDecimal(v))"
                guard v != p.defaultValue else { return text }
                return text + (lang == .zh ? "（默认 \(shortestDecimal(p.defaultValue))）" : " (default \(shortestDecimal(p.defaultValue)))")
            }.joined(separator: " ")
            rows.append((d.id.description, s.enabled ? s.severity.rawValue : "off", levels(s), d.title.text(lang), params))
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
            // Columns padded by display width: a Chinese character takes two.
            let w = rows.map { displayWidth($0.id) }.max() ?? 20
            let lw = rows.map { displayWidth($0.levels) }.max() ?? 8
            let tw = rows.map { displayWidth($0.title) }.max() ?? 10
            for r in rows {
                let line = "\(padded(r.id, to: w))  \(padded(r.severity, to: 7))  \(padded(r.levels, to: lw))  \(r.detail.isEmpty ? r.title : padded(r.title, to: tw) + "  " + r.detail)"
                say(line)
            }
            print(lang == .zh ? "\n共 \(rows.count) 条规则（\(reference.directory)/rules.yaml）" : "\n\(rows.count) rules (\(reference.directory)/rules.yaml)")
        }
    }
}
