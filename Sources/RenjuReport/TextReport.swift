import Foundation
import RenjuModel
import RenjuChecks

/// The default text report: grouped by unit, errors first, a summary line at the end.
/// Colour only when writing to a terminal.
public enum TextReport {
    public static func render(_ result: ValidationResult, lang: Language, colour: Bool, rules: [RuleSummary] = []) -> String {
        func paint(_ s: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        var out = ""
        let zh = lang == .zh
        if let p = result.period {
            out += paint(zh ? "报告期 \(p) 审核结果" : "Validation of \(p)", "1") + "\n\n"
        }
        // Selective editing: the few warnings that carry most of the county's figures in doubt.
        let first = ImpactScore.first(result.findings)
        if !first.isEmpty {
            out += paint(zh ? "先看这些（影响县级数据最大的待核实项，按影响分排列）" : "Look at these first (the warnings that move the county's figures most, by score)", "1") + "\n"
            for f in first {
                out += "  \(String(format: "%6.2f", f.score ?? 0))  \(f.unit.map(\.rawValue) ?? "") \(terminalSafe(f.unitName ?? ""))  \(f.rule)  \(terminalSafe(f.message.text(lang)))\n"
            }
            out += "\n"
        }
        var groups: [(key: String, items: [Finding])] = []
        for f in result.findings {
            let key = f.unit?.rawValue ?? ""
            if let i = groups.firstIndex(where: { $0.key == key }) { groups[i].items.append(f) } else { groups.append((key, [f])) }
        }
        for g in groups {
            let first = g.items[0]
            let head: String
            if let u = first.unit { head = "\(u) \(terminalSafe(first.unitName ?? ""))" } else { head = zh ? "（文件）" : "(files)" }
            out += paint(head, "1") + "\n"
            for f in g.items.sorted(by: { ($0.explained ? 0 : $0.severity.rank) > ($1.explained ? 0 : $1.severity.rank) }) {
                let label: String
                if f.explained { label = paint(zh ? "已说明" : "explained", "32") }
                else {
                    switch f.severity {
                    case .error: label = paint(f.severity.label(lang), "31;1")
                    case .warning: label = paint(f.severity.label(lang), "33")
                    case .info: label = paint(f.severity.label(lang), "36")
                    }
                }
                out += "  [\(label)] \(f.rule)  \(terminalSafe(f.message.text(lang)))\n"
                if let s = f.source { out += "         \(paint(terminalSafe(s.description), "2"))\n" }
                if let e = f.explanation {
                    let note = f.explained ? "" : (zh ? "（说明不能消除错误）" : " (an explanation never clears an error)")
                    out += "         \(zh ? "说明" : "explanation")\(note): \(terminalSafe(e))\n"
                }
            }
            // Error localisation: one suggestion for the unit (the same on each of its errors).
            if let fix = g.items.first(where: { $0.fixMessage != nil })?.fixMessage {
                out += "  " + paint(terminalSafe(fix.text(lang)), "1") + "\n"
            }
            out += "\n"
        }
        // Imputed values (`--impute`), each with how: beside the reported figures, never in their place.
        if !result.imputed.isEmpty {
            out += zh ? "插补值（不改动填报数，须由填报单位确认）：\n" : "Imputed values (reported figures unchanged; to be confirmed):\n"
            for i in result.imputed {
                let reported = i.reported.map(shortestDecimal) ?? (zh ? "空" : "blank")
                out += "  \(i.unit) \(i.indicator)：\(reported) → \(shortestDecimal(i.value))（\(zh ? i.method.chinese : i.method.rawValue)；\(terminalSafe(i.basis.text(lang)))）\n"
            }
        }
        // What could not be checked is said, so that a quiet report is not read as a clean one.
        if let c = result.coverage, !c.isComplete {
            out += (zh ? "未能审核的部分：" : "Not checked: ") + terminalSafe(c.sentence(lang)) + (zh ? "。\n" : ".\n")
        }
        let s = result.summary
        if zh {
            out += "共审核 \(s.units) 个单位：错误 \(s.errors) 条，待核实 \(s.warnings) 条，已说明 \(s.explained) 条，提示 \(s.infos) 条。"
            out += s.errors > 0 ? "有错误，须改正后才能上报。\n" : "无错误。\n"
        } else {
            out += "\(s.units) units checked: \(s.errors) errors, \(s.warnings) warnings, \(s.explained) explained, \(s.infos) infos."
            out += s.errors > 0 ? " Errors must be fixed before reporting upward.\n" : "\n"
        }
        if !rules.isEmpty {
            // What was checked, not only what failed.
            let failing = rules.filter { $0.failed > 0 }.count, skipping = rules.filter { $0.skipped > 0 }.count
            let history = rules.filter { $0.skippedNoHistory > 0 }.count
            out += zh ? "共 \(rules.count) 条规则，\(failing) 条发现问题，\(skipping) 条有因缺数而跳过的单位\(history > 0 ? "（其中 \(history) 条是因为没有足够的历史数据）" : "")。\n"
                      : "\(rules.count) rules, \(failing) with failures, \(skipping) with skipped units\(history > 0 ? " (\(history) for not enough history)" : "").\n"
        }
        return out
    }
}
