import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuExport

/// The rule set in force as a 审核公式 workbook (`renju rules export --xlsx`): the layout
/// `rules import` reads, plus where each rule comes from — built-in, the county's own (rules.yaml),
/// or imported (the workbook and cell) — so that a county can print it or send its own rules up.
extension Workspace {
    public func exportRules(to path: String, period: Period? = nil) throws -> Int {
        var ref = try reference()
        if let period { ref.checks = ref.checks.forPeriod(period.kind) }
        let cat = ref.catalog
        let types: [Severity: String] = [.error: "强制性", .warning: "核实性", .info: "提示性"]
        func levels(_ l: Set<Level>?) -> String {
            guard let l, !l.isEmpty else { return "全部" }
            let names: [Level: String] = [.village: "村", .township: "乡镇", .county: "县", .prefecture: "州/市", .province: "省"]
            return l.sorted().map { names[$0] ?? $0.rawValue }.joined(separator: "、")
        }
        var rows: [[String]] = []
        // The county's own and the imported rules: formulas as the reporting systems print them.
        for r in ref.checks.userRules where period.map({ r.inForce($0) }) ?? true {
            let origin = r.origin.map { "导入：\($0)" } ?? "本县：rules.yaml\(r.line.map { ":\($0)" } ?? "")"
            // An imported rule's title is "审核关系 N：说明": the 说明 goes back as it came.
            let note = r.ref.flatMap { ref in r.title.hasPrefix("审核关系 \(ref)：") ? String(r.title.dropFirst("审核关系 \(ref)：".count)) : nil } ?? r.title
            rows.append([r.ref ?? r.id.description, r.printed ?? Self.printed(r.assertion, cat), types[r.severity] ?? r.severity.rawValue,
                         levels(r.levels), note, r.from?.description ?? "", r.until?.description ?? "", origin])
        }
        // Part ≤ whole and "when one then the other": formulas too.
        for (i, pair) in ref.checks.partWhole.enumerated() {
            rows.append(["identity.part_whole-\(i + 1)", "[\(cat[pair.part]?.name ?? pair.part.rawValue)]<=[\(cat[pair.whole]?.name ?? pair.whole.rawValue)]",
                         "强制性", "全部", "部分不大于总体", "", "", "内置：rules.yaml identities"])
        }
        for (i, pair) in ref.checks.requires.enumerated() {
            rows.append(["identity.requires-\(i + 1)", "IF([\(cat[pair.when]?.name ?? pair.when.rawValue)]>0,[\(cat[pair.then]?.name ?? pair.then.rawValue)]>0)",
                         "强制性", "全部", "有前者必有后者", "", "", "内置：rules.yaml identities"])
        }
        // The built-in checks: what each looks for, in words (not a formula: a statistical test or a sign-off rule is not one).
        for d in CheckRegistry.descriptors {
            let s = ref.checks.setting(d.id, default: d.severity)
            guard s.enabled else { continue }
            rows.append([d.id.description, "", types[s.severity] ?? s.severity.rawValue, levels(s.levels), d.title.zh, "", "", "内置检查（renju rules explain \(d.id)）"])
        }
        let book = try XlsxBook(path: path)
        let sheet = try book.addSheet("审核公式")
        let header = ["序号", "审核公式", "审核类型", "适用层级", "说明", "生效报告期", "停用报告期", "来源"]
        for (j, h) in header.enumerated() { try sheet.write(0, j, h, CellStyle(bold: true, border: true)) }
        for (i, row) in rows.enumerated() {
            for (j, text) in row.enumerated() where !text.isEmpty { try sheet.write(i + 1, j, text, CellStyle(border: true, wrap: j == 1 || j == 4)) }
        }
        for (j, w) in [18.0, 60, 10, 12, 32, 12, 12, 36].enumerated() { try sheet.setColumn(j, j, width: w) }
        try book.close()
        return rows.count
    }

    /// A rule as the reporting systems print it: indicators by name in brackets, 上期, 上年同期, SUM下级.
    static func printed(_ e: RuleExpression, _ cat: Catalog) -> String {
        func inner(_ e: RuleExpression) -> String {
            if case .binary = e { return "(\(printed(e, cat)))" }
            return printed(e, cat)
        }
        switch e {
        case let .number(x): return shortestDecimal(x)
        case let .indicator(id): return "[\(cat[id]?.name ?? id.rawValue)]"
        case let .negate(x): return "-\(inner(x))"
        case let .not(x): return "NOT(\(printed(x, cat)))"
        case let .binary(op, a, b):
            let ops: [RuleExpression.BinaryOperator: String] = [.equal: "=", .notEqual: "<>", .and: " AND ", .or: " OR "]
            return inner(a) + (ops[op] ?? op.rawValue) + inner(b)
        case let .call(f, args):
            let names: [RuleExpression.Function: String] = [.abs: "ABS", .min: "MIN", .max: "MAX", .round: "ROUND", .prev: "上期",
                                                            .last_year: "上年同期", .sum_children: "SUM下级", .if: "IF"]
            return "\(names[f] ?? f.rawValue.uppercased())(\(args.map { printed($0, cat) }.joined(separator: ",")))"
        }
    }
}
