import Foundation
import RenjuModel
import RenjuEditing
import RenjuInspection

/// `renju rules --check`: the rule-set analysis as text or JSON.
public enum RuleAnalysisReport {
    static func levels(_ ls: [Level], _ lang: Language) -> String {
        if Set(ls) == Set(Level.allCases) { return lang == .zh ? "各级" : "every level" }
        return ls.map { lang == .zh ? $0.chinese : $0.rawValue }.joined(separator: lang == .zh ? "、" : ", ")
    }
    static func rule(_ r: RuleSetAnalysis.RuleRef) -> String { "\(r.rule)  \(r.text)  (\(r.origin))" }
    static func bound(_ x: Double?) -> String { x.map(shortestDecimal) ?? "∞" }

    public static func text(_ a: RuleSetAnalysis, lang: Language) -> String {
        let zh = lang == .zh
        var out = zh ? "按一个单位的 \(a.figures) 个指标逐级分析：\(a.hardRules) 条错误规则（另有各指标的取值范围）合在一起，\(a.softRules) 条核实规则逐条对照错误规则。\n"
                     : "Analysed over one unit's \(a.figures) figures, level by level: \(a.hardRules) error rules (and each figure's own range) together, \(a.softRules) warning rules each against them.\n"
        for item in a.items {
            let sev = item.severity == .error ? (zh ? "错误规则" : "error rules") : (zh ? "核实规则" : "a warning rule")
            out += "\n"
            switch item.kind {
            case .infeasible:
                out += zh ? "矛盾（\(sev)不可能同时成立，\(levels(item.levels, lang))）：以下规则互相冲突\n"
                          : "INFEASIBLE (\(sev), \(levels(item.levels, lang))): no figures satisfy these together\n"
                for r in item.rules { out += "  \(rule(r))\n" }
            case .redundant, .equality:
                // A rule, then the rules that imply it (redundant) or force it to an equality.
                guard let first = item.rules.first else { continue }
                if item.kind == .redundant {
                    out += zh ? "冗余（\(levels(item.levels, lang))）：\(first.rule) 总是成立，永远不会报出\n"
                              : "REDUNDANT (\(levels(item.levels, lang))): \(first.rule) always holds and never fires\n"
                } else {
                    out += zh ? "隐含等式（\(levels(item.levels, lang))）：\(first.rule) 只能以等号成立（规则合在一起迫使两边相等）\n"
                              : "IMPLICIT EQUALITY (\(levels(item.levels, lang))): \(first.rule) can only hold with equality — the rules together force it\n"
                }
                out += "  \(rule(first))\n"
                if item.rules.count > 1 {
                    out += item.kind == .redundant ? (zh ? "  由以下规则推出：\n" : "  implied by:\n") : (zh ? "  由以下规则迫使：\n" : "  forced with:\n")
                    for r in item.rules.dropFirst() { out += "    \(rule(r))\n" }
                }
            case .equivalent:
                out += zh ? "等价（\(levels(item.levels, lang))）：以下两条规则互相推出，保留一条即可（不要两条都删）\n"
                          : "EQUIVALENT PAIR (\(levels(item.levels, lang))): each implies the other — keep one (deleting both loses the constraint)\n"
                for r in item.rules { out += "  \(rule(r))\n" }
            case .bound, .fixed:
                let f = item.figure?.rawValue ?? ""
                if item.kind == .fixed {
                    out += zh ? "固定值（\(levels(item.levels, lang))）：规则迫使 \(f) = \(bound(item.lower))\n"
                              : "FIXED VALUE (\(levels(item.levels, lang))): the rules force \(f) = \(bound(item.lower))\n"
                } else {
                    out += zh ? "隐含范围（\(levels(item.levels, lang))）：规则把 \(f) 限定在 [\(item.lower.map(shortestDecimal) ?? "-∞"), \(bound(item.upper))]\n"
                              : "IMPLIED BOUNDS (\(levels(item.levels, lang))): the rules confine \(f) to [\(item.lower.map(shortestDecimal) ?? "-∞"), \(bound(item.upper))]\n"
                }
                for r in item.rules { out += "  \(rule(r))\n" }
            }
        }
        if !a.notAnalysed.isEmpty {
            out += zh ? "\n未参加分析（\(a.notAnalysed.count) 条，原因如下）：\n" : "\nNot analysed (\(a.notAnalysed.count), with why):\n"
            var byReason: [(String, [RuleSetAnalysis.NotAnalysed])] = []
            for n in a.notAnalysed {
                let k = n.reason.text(lang)
                if let i = byReason.firstIndex(where: { $0.0 == k }) { byReason[i].1.append(n) } else { byReason.append((k, [n])) }
            }
            for (reason, list) in byReason {
                out += "  \(reason):\n"
                for n in list { out += "    \(rule(n.rule))\n" }
            }
        }
        for u in a.undecided { out += zh ? "无法判定：\(u)\n" : "undecided: \(u)\n" }
        out += "\n" + (a.isClean ? (zh ? "结论：规则集没有矛盾、冗余或隐含限定。\n" : "Clean: no conflicts, redundant rules or implied bounds.\n")
                                 : (zh ? "结论：发现 \(a.items.count) 项，请修改规则文件。\n" : "\(a.items.count) findings: revise the rule file.\n"))
        return out
    }

    public static func json(_ a: RuleSetAnalysis, file: String, lang: Language) -> String {
        func q(_ s: String) -> String { JSONReport.quote(s) }
        func ref(_ r: RuleSetAnalysis.RuleRef) -> String {
            "{\"rule\": \(q(r.rule.description)), \"text\": \(q(r.text)), \"origin\": \(q(r.origin)), \"severity\": \(q(r.severity.rawValue))}"
        }
        let items = a.items.map { i in
            "    {\"kind\": \(q(i.kind.rawValue)), \"severity\": \(q(i.severity.rawValue)), \"levels\": [\(i.levels.map { q($0.rawValue) }.joined(separator: ", "))], "
                + "\"figure\": \(i.figure.map { q($0.rawValue) } ?? "null"), \"lower\": \(JSONReport.number(i.lower)), \"upper\": \(JSONReport.number(i.upper)), "
                + "\"rules\": [\(i.rules.map(ref).joined(separator: ", "))]}"
        }
        let na = a.notAnalysed.map { "    {\"rule\": \(ref($0.rule)), \"reason\": \(q($0.reason.text(lang)))}" }
        return "{\n  \"file\": \(q(file)),\n  \"clean\": \(a.isClean),\n  \"findings\": [\n" + items.joined(separator: ",\n")
            + "\n  ],\n  \"not_analysed\": [\n" + na.joined(separator: ",\n") + "\n  ]\n}"
    }

    // MARK: hit rates

    static func percent(_ x: Double?) -> String { x.map { String(format: "%.1f %%", $0 * 100) } ?? "—" }

    public static func hitRatesText(_ h: HitRates, lang: Language) -> String {
        let zh = lang == .zh
        var out = zh ? "规则命中率（抽查核实的结果，按入样概率的倒数加权）\n" : "Rule hit rates (from on-site checks, weighted by 1 ÷ inclusion probability)\n"
        guard !h.rules.isEmpty || h.missedFigures > 0 else {
            return out + (zh ? "还没有核实结果：先 renju sample，核查后 renju verify import。\n" : "No inspections yet: renju sample, then renju verify import.\n")
        }
        let w = max(24, h.rules.map { $0.rule.description.count }.max() ?? 0)
        out += (zh ? "规则" : "rule").padding(toLength: w, withPad: " ", startingAt: 0) + (zh ? "  核查单位  有误  命中率    报告期数\n" : "  inspected  wrong  hit rate  periods\n")
        for r in h.rules {
            out += r.rule.description.padding(toLength: w, withPad: " ", startingAt: 0)
                + String(format: "  %8d  %5d  ", r.units, r.hits) + String(repeating: " ", count: max(0, 8 - percent(r.rate).count)) + percent(r.rate)
                + String(format: "  %7d", r.periods)
                + (r.relaxCandidate ? (zh ? "  ← 可考虑放宽" : "  ← candidate to relax") : "") + "\n"
        }
        out += zh ? "随机部分中未被标记的数：核查 \(h.missedFigures) 个，有误 \(h.missedWrong) 个，加权比例 \(percent(h.missedRate))（规则漏掉的）\n"
                  : "Un-flagged figures in the random part: \(h.missedFigures) inspected, \(h.missedWrong) wrong, weighted share \(percent(h.missedRate)) (what the rules miss)\n"
        let relax = h.rules.filter(\.relaxCandidate)
        if !relax.isEmpty {
            out += (zh ? "命中率持续接近零、可考虑放宽的规则：" : "Rules whose hit rate stays near zero, candidates to relax: ") + relax.map(\.rule.description).joined(separator: ", ") + "\n"
        }
        return out
    }

    public static func hitRatesJSON(_ h: HitRates) -> String {
        let rules = h.rules.map { r in
            "    {\"rule\": \(JSONReport.quote(r.rule.description)), \"units\": \(r.units), \"hits\": \(r.hits), \"rate\": \(JSONReport.number(r.rate)), \"periods\": \(r.periods), \"relax_candidate\": \(r.relaxCandidate)}"
        }
        return "{\n  \"rules\": [\n" + rules.joined(separator: ",\n") + "\n  ],\n  \"missed\": {\"figures\": \(h.missedFigures), \"wrong\": \(h.missedWrong), \"rate\": \(JSONReport.number(h.missedRate))}\n}"
    }
}
