import Foundation
import RenjuModel
import RenjuReference
import RenjuInspection
import RenjuChecks

/// The findings workbook (`renju validate --xlsx FILE`): the submitted figures with every flagged
/// cell highlighted by severity and the messages as a cell comment, and a 审核情况 sheet listing
/// every finding.
public struct FindingsWorkbook {
    public let reference: ReferenceData
    public init(reference: ReferenceData) { self.reference = reference }

    static func colour(_ s: Severity) -> UInt32 {
        switch s {
        case .error: return 0xFFC7CE
        case .warning: return 0xFFEB9C
        case .info: return 0xDDEBF7
        }
    }

    public func write(to path: String, result: ValidationResult, lang: Language, hitRates: HitRates? = nil) throws {
        let catalog = reference.catalog
        let book = try XlsxBook(path: path)
        let zh = lang == .zh
        let data = try book.addSheet(zh ? "审核数据" : "Figures")
        let head = CellStyle(bold: true, align: .center, border: true, background: 0xDDEBF7, wrap: true)
        let title = "\(result.period.map { zh ? $0.chinese : $0.description } ?? "") \(zh ? "审核结果（红：错误  黄：待核实  蓝：提示）" : "findings (red: error, yellow: warning, blue: info)")"
        try data.merge(0, 0, 0, catalog.indicators.count + 1, title, CellStyle(bold: true, fontSize: 14, align: .left))
        try data.write(1, 0, zh ? "区划代码" : "unit_code", head)
        try data.write(1, 1, zh ? "单位名称" : "name", head)
        for (j, ind) in catalog.indicators.enumerated() {
            try data.write(1, 2 + j, zh ? "\(ind.name)（\(ind.unit)）" : "\(ind.id)", head)
        }
        try data.setRow(1, height: 54)
        try data.setColumn(0, 0, width: 14)
        try data.setColumn(1, 1, width: 12)
        try data.setColumn(2, catalog.indicators.count + 1, width: 11)
        try data.freeze(rows: 2, columns: 2)

        // Findings by unit and indicator (nil: the row as a whole).
        var byCell: [String: [Finding]] = [:]
        for f in result.findings { byCell["\(f.unit?.rawValue ?? "")|\(f.indicator?.rawValue ?? "")", default: []].append(f) }
        var row = 2
        var seen = Set<UnitCode>()
        var rowsInOrder: [(UnitCode, String?, Submission)] = []
        for sub in result.submissions { for r in sub.rows where !seen.contains(r.code) { seen.insert(r.code); rowsInOrder.append((r.code, r.givenName, sub)) } }
        // Units named by findings but without a row (a missing village) get a row too.
        for f in result.findings { if let u = f.unit, !seen.contains(u) { seen.insert(u); rowsInOrder.append((u, f.unitName, Submission(file: "", period: nil))) } }
        for (code, given, sub) in rowsInOrder {
            let name = reference.tree.name(of: code) ?? given ?? ""
            let rowFindings = byCell["\(code.rawValue)|"] ?? []
            var codeStyle = CellStyle(align: .center, border: true)
            if let worst = rowFindings.filter(\.isOpen).map(\.severity).max() { codeStyle.background = Self.colour(worst) }
            try data.write(row, 0, code.rawValue, codeStyle)
            try data.write(row, 1, name, CellStyle(align: .center, border: true))
            if !rowFindings.isEmpty { try data.comment(row, 0, rowFindings.map { "[\($0.rule)] \($0.message.text(lang))" }.joined(separator: "\n")) }
            for (j, ind) in catalog.indicators.enumerated() {
                let fs = byCell["\(code.rawValue)|\(ind.id.rawValue)"] ?? []
                var style = CellStyle(align: .right, border: true)
                if let worst = fs.filter(\.isOpen).map(\.severity).max() { style.background = Self.colour(worst) }
                else if !fs.isEmpty { style.background = 0xE2EFDA }  // explained
                let value = sub.values[code, ind.id]
                if value == nil, ind.blank == .notApplicable, sub.columns.contains(ind.id) {
                    // Declared not applicable: said, not left to look like a figure forgotten.
                    style.fontColor = 0x808080
                    try data.write(row, 2 + j, .text(zh ? "不适用" : "n/a"), style)
                } else {
                    try data.write(row, 2 + j, value.map(XlsxValue.number) ?? .blank, style)
                }
                if !fs.isEmpty {
                    try data.comment(row, 2 + j, fs.map { "[\($0.rule)] \($0.message.text(lang))" + ($0.explanation.map { "\n说明：\($0)" } ?? "") }.joined(separator: "\n"))
                }
            }
            row += 1
        }

        let list = try book.addSheet(zh ? "审核情况" : "Findings")
        let headers = zh ? ["区划代码", "单位名称", "指标", "规则", "级别", "填报值", "应为", "审核意见", "来源", "已说明", "说明", "影响分", "建议修改"]
                         : ["unit", "name", "indicator", "rule", "severity", "value", "expected", "message", "source", "explained", "explanation", "score", "suggested fix"]
        for (j, h) in headers.enumerated() { try list.write(0, j, h, head) }
        for (i, f) in result.findings.enumerated() {
            let r = i + 1
            var sev = CellStyle(align: .center, border: true)
            if f.isOpen { sev.background = Self.colour(f.severity) }
            let plain = CellStyle(border: true)
            try list.write(r, 0, f.unit?.rawValue ?? "", plain)
            try list.write(r, 1, f.unitName ?? "", plain)
            try list.write(r, 2, f.indicator.map { zh ? (catalog[$0]?.name ?? $0.rawValue) : $0.rawValue } ?? "", plain)
            try list.write(r, 3, f.rule.description, plain)
            try list.write(r, 4, f.explained ? (zh ? "已说明" : "explained") : f.severity.label(lang), sev)
            try list.write(r, 5, f.value.map(XlsxValue.number) ?? .blank, plain)
            try list.write(r, 6, f.expected.map(XlsxValue.number) ?? .blank, plain)
            try list.write(r, 7, f.message.text(lang), CellStyle(border: true, wrap: true))
            try list.write(r, 8, f.source?.description ?? "", plain)
            try list.write(r, 9, f.explained ? (zh ? "是" : "yes") : (zh ? "否" : "no"), plain)
            try list.write(r, 10, f.explanation ?? "", plain)
            try list.write(r, 11, f.score.map(XlsxValue.number) ?? .blank, plain)
            try list.write(r, 12, f.fixMessage?.text(lang) ?? "", CellStyle(border: true, wrap: true))
        }
        let s = result.summary
        try list.write(result.findings.count + 2, 0, zh ? "共审核 \(s.units) 个单位：错误 \(s.errors) 条，待核实 \(s.warnings) 条，已说明 \(s.explained) 条，提示 \(s.infos) 条"
                                                      : "\(s.units) units: \(s.errors) errors, \(s.warnings) warnings, \(s.explained) explained, \(s.infos) infos",
                       CellStyle(bold: true))
        // What could not be checked, under the summary: a quiet list is not a clean county.
        if let c = result.coverage, !c.isComplete {
            try list.write(result.findings.count + 3, 0, (zh ? "未能审核的部分：" : "Not checked: ") + c.sentence(lang), CellStyle(bold: true))
        }
        for (j, w) in [14.0, 12, 16, 26, 8, 10, 10, 70, 36, 8, 30, 8, 40].enumerated() { try list.setColumn(j, j, width: w) }
        try list.freeze(rows: 1, columns: 0)
        try list.printSetup(repeatRows: 0...0)
        // Selective editing: the warnings that put most of the county's figures in doubt, first.
        let first = ImpactScore.first(result.findings)
        if !first.isEmpty {
            let top = try book.addSheet(zh ? "先看这些" : "Look first")
            let cols = zh ? ["影响分", "区划代码", "单位名称", "指标", "规则", "审核意见"] : ["score", "unit", "name", "indicator", "rule", "message"]
            for (j, h) in cols.enumerated() { try top.write(0, j, h, head) }
            for (i, f) in first.enumerated() {
                let plain = CellStyle(border: true)
                try top.write(i + 1, 0, f.score.map(XlsxValue.number) ?? .blank, plain)
                try top.write(i + 1, 1, f.unit?.rawValue ?? "", plain)
                try top.write(i + 1, 2, f.unitName ?? "", plain)
                try top.write(i + 1, 3, f.indicator.map { zh ? (catalog[$0]?.name ?? $0.rawValue) : $0.rawValue } ?? "", plain)
                try top.write(i + 1, 4, f.rule.description, plain)
                try top.write(i + 1, 5, f.message.text(lang), CellStyle(border: true, wrap: true))
            }
            for (j, w) in [8.0, 14, 12, 16, 26, 80].enumerated() { try top.setColumn(j, j, width: w) }
        }
        // Imputed values (`--impute`), beside the reported ones: status, method and basis.
        if !result.imputed.isEmpty {
            let sheet = try book.addSheet(zh ? "插补值" : "Imputed")
            let cols = zh ? ["区划代码", "单位名称", "指标", "填报值", "插补值", "状态", "方法", "依据"] : ["unit", "name", "indicator", "reported", "imputed", "status", "method", "basis"]
            for (j, h) in cols.enumerated() { try sheet.write(0, j, h, head) }
            let plain = CellStyle(border: true)
            for (i, f) in result.imputed.enumerated() {
                try sheet.write(i + 1, 0, f.unit.rawValue, plain)
                try sheet.write(i + 1, 1, reference.tree.name(of: f.unit) ?? "", plain)
                try sheet.write(i + 1, 2, zh ? (catalog[f.indicator]?.name ?? f.indicator.rawValue) : f.indicator.rawValue, plain)
                try sheet.write(i + 1, 3, f.reported.map(XlsxValue.number) ?? .blank, plain)
                try sheet.write(i + 1, 4, .number(f.value), plain)
                try sheet.write(i + 1, 5, zh ? "插补" : "imputed", plain)
                try sheet.write(i + 1, 6, zh ? f.method.chinese : f.method.rawValue, plain)
                try sheet.write(i + 1, 7, f.basis.text(lang), plain)
            }
            try sheet.write(result.imputed.count + 2, 0, zh ? "插补值不改动填报数：供核实和推算合计参考，上报前须由填报单位确认。" : "Imputed values never replace reported figures: for checking and estimating totals; the reporting unit confirms them before anything goes up.", CellStyle(bold: true))
            for (j, w) in [14.0, 12, 18, 10, 10, 8, 24, 50].enumerated() { try sheet.setColumn(j, j, width: w) }
        }
        // The units not compared with their past, one a row (and why).
        if let c = result.coverage, !c.unitsWithoutHistory.isEmpty || !c.missingPeriods.isEmpty || !c.skipped.isEmpty {
            let sheet = try book.addSheet(zh ? "审核范围" : "Coverage")
            try sheet.write(0, 0, c.sentence(lang), CellStyle(bold: true))
            let cols = zh ? ["区划代码", "单位名称", "未审核的内容", "原因"] : ["unit", "name", "not checked", "why"]
            for (j, h) in cols.enumerated() { try sheet.write(2, j, h, head) }
            let plain = CellStyle(border: true)
            var r = 3
            // Listed when some units have history and some not (with none, the sentence says it all).
            let listed = c.hasHistory ? c.unitsWithoutHistory.prefix(10_000) : []
            for u in listed {
                let changed = !reference.changes.changes(into: u).isEmpty
                try sheet.write(r, 0, u.rawValue, plain)
                try sheet.write(r, 1, reference.tree.name(of: u) ?? "", plain)
                try sheet.write(r, 2, zh ? "与上期（\(c.previousPeriod)）比较" : "comparison with \(c.previousPeriod)", plain)
                try sheet.write(r, 3, changed ? (zh ? "区划变更表有记载，但前身没有上期数据（或拆分未给比例）" : "in the change table, but its predecessors have no figures then (or a split without a share)")
                                              : (zh ? "没有上期数据，区划变更表中也没有记载" : "no figures of that period, and not in the change table"), plain)
                r += 1
            }
            if listed.count < c.unitsWithoutHistory.count, c.hasHistory {
                try sheet.write(r, 0, zh ? "……另有 \(c.unitsWithoutHistory.count - listed.count) 个单位" : "… and \(c.unitsWithoutHistory.count - listed.count) more units", plain)
                r += 1
            }
            for s in c.skipped {
                try sheet.write(r, 2, s.rule.description, plain)
                try sheet.write(r, 3, zh ? "\(s.units) 个单位因缺少数据或同级单位太少而跳过" : "\(s.units) units skipped for a missing figure or too few peers", plain)
                r += 1
            }
            for (j, w) in [14.0, 14, 30, 60].enumerated() { try sheet.setColumn(j, j, width: w) }
        }
        // What on-site checks said of each rule (the store's inspections, when there are any).
        if let h = hitRates, !h.rules.isEmpty {
            let sheet = try book.addSheet(zh ? "规则命中率" : "Hit rates")
            let cols = zh ? ["规则", "核查单位", "有误", "命中率（加权）", "报告期数", "建议", "精度估计", "影响分权重"]
                          : ["rule", "inspected", "wrong", "hit rate (weighted)", "periods", "advice", "estimated precision", "score weight"]
            for (j, c) in cols.enumerated() { try sheet.write(0, j, c, head) }
            let plain = CellStyle(border: true), pct = CellStyle(border: true, numberFormat: "0.0%")
            for (i, r) in h.rules.enumerated() {
                try sheet.write(i + 1, 0, r.rule.description, plain)
                try sheet.write(i + 1, 1, .number(Double(r.units)), plain)
                try sheet.write(i + 1, 2, .number(Double(r.hits)), plain)
                try sheet.write(i + 1, 3, .number(r.rate), pct)
                try sheet.write(i + 1, 4, .number(Double(r.periods)), plain)
                try sheet.write(i + 1, 5, r.relaxCandidate ? (zh ? "命中率持续接近零，可考虑放宽" : "near zero persistently: candidate to relax") : "", plain)
                // What the checks learnt: the precision shrunk toward the prior, and the factor on the findings' impact scores.
                try sheet.write(i + 1, 6, .number(h.precision(of: r.rule)), pct)
                try sheet.write(i + 1, 7, .number((h.weight(of: r.rule) * 100).rounded() / 100), plain)
            }
            let n = h.rules.count + 2
            try sheet.write(n, 0, zh ? "随机部分未被标记的数：核查 \(h.missedFigures) 个，有误 \(h.missedWrong) 个（规则漏掉的）"
                                     : "un-flagged figures in the random part: \(h.missedFigures) inspected, \(h.missedWrong) wrong (what the rules miss)", CellStyle(bold: true))
            if let m = h.missedRate { try sheet.write(n, 5, .number(m), pct) }
            try sheet.write(n + 1, 0, zh ? "精度估计 =（加权命中率 × 核查单位数 + \(shortestDecimal(HitRates.priorPrecision)) × \(shortestDecimal(HitRates.priorStrength))）÷（核查单位数 + \(shortestDecimal(HitRates.priorStrength))）；未经核查的规则按 \(shortestDecimal(HitRates.priorPrecision * 100))% 计。各条问题的影响分乘以“精度估计 ÷ \(shortestDecimal(HitRates.priorPrecision))”，先看这些和下次抽查的风险随之调整。"
                                         : "estimated precision = (weighted hit rate × units + \(shortestDecimal(HitRates.priorPrecision)) × \(shortestDecimal(HitRates.priorStrength))) ÷ (units + \(shortestDecimal(HitRates.priorStrength))); a rule not yet inspected counts as \(shortestDecimal(HitRates.priorPrecision * 100))%. Each finding's impact score is multiplied by precision ÷ \(shortestDecimal(HitRates.priorPrecision)): the look-first list and the next sample's risk follow.", CellStyle(bold: false))
            for (j, w) in [28.0, 10, 8, 16, 10, 30, 12, 12].enumerated() { try sheet.setColumn(j, j, width: w) }
        }
        try book.close()
    }
}
