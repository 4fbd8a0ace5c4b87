import ArgumentParser
import Foundation
import RenjuModel
import RenjuReport
import RenjuApp

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the checks that will run (审核规则), or check a rule file.",
        discussion: """
        Every check's id, severity, levels, title and parameters (an override shows the default it \
        replaces), as configured in reference-data/rules.yaml, and the user's own rules with their conditions.

          renju rules
          renju rules --check my-rules.yaml     # exit 0 when the file loads, 2 with file:line when not
        """
    )

    @OptionGroup var reference: ReferenceOptions
    @OptionGroup var format: FormatOption
    @OptionGroup var language: LanguageOption

    @Option(name: .long, help: ArgumentHelp("Validate this rule file against the catalog and the rules' parameters; exit 0 or 2.", valueName: "file"))
    var check: String?

    func run() throws {
        let workspace = reference.workspace()
        if let check {
            let n = try workspace.checkRuleFile(check)
            say("\(check): OK — \(n.settings) check settings, \(n.userRules) user rules, \(n.identities) identities")
            return
        }
        let lang = language.lang
        let (ref, rules) = try workspace.rules()
        let all = lang == .zh ? "全部" : "all"
        let rows = rules.map { r -> (id: String, severity: String, levels: String, title: String, detail: String) in
            let params = r.parameters.map { p -> String in
                let text = "\(p.name)=\(shortestDecimal(p.value))"
                guard p.value != p.defaultValue else { return text }
                return text + (lang == .zh ? "（默认 \(shortestDecimal(p.defaultValue))）" : " (default \(shortestDecimal(p.defaultValue)))")
            }.joined(separator: " ")
            return (r.id.description, r.severity?.rawValue ?? "off", r.levels.map { $0.map(\.rawValue).joined(separator: ",") } ?? all,
                    r.title.text(lang), r.condition ?? params)
        }
        switch format.format {
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
                say("\(padded(r.id, to: w))  \(padded(r.severity, to: 7))  \(padded(r.levels, to: lw))  \(r.detail.isEmpty ? r.title : padded(r.title, to: tw) + "  " + r.detail)")
            }
            say(lang, zh: "\n共 \(rows.count) 条规则（\(ref.directory)/rules.yaml）", en: "\n\(rows.count) rules (\(ref.directory)/rules.yaml)")
        }
    }
}
