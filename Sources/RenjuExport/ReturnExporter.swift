import Foundation
import RenjuModel
import RenjuReference

/// Writes the prefecture's return (and other `kind: return` templates): one row per unit of the
/// template's level under the reporting unit, a computed 合计 row, the footer from the sign-offs,
/// and a second sheet with a native column chart of the main rates.
public struct ReturnExporter {
    public let reference: ReferenceData
    public let template: ReportTemplate

    public init(reference: ReferenceData, template: ReportTemplate) { self.reference = reference; self.template = template }

    /// The rows of the return: the unit's descendants at the template's level (its children when
    /// no level is given), then the 合计 row first. Figures are consolidated from what was reported.
    public func rows(unit: UnitCode, reported: PeriodValues) -> [FormRow] {
        let tree = reference.tree
        let rollUp = RollUp(catalog: reference.catalog)
        let values = rollUp.consolidate(root: unit, tree: tree, reported: reported)
        let flag = template.columns.compactMap { c -> IndicatorID? in if case let .share(id, _) = c { return id }; return nil }.first
        func villages(_ code: UnitCode) -> Int {
            guard let flag else { return 0 }
            let n = rollUp.reportingVillages(of: code, tree: tree, flag: flag, reported: reported)
            return n > 0 ? n : (tree.descendants(of: code).filter { tree[$0]?.level == .village }.count)
        }
        let level = template.rowLevel
        let members: [UnitCode] = level.map { lv in
            tree.descendants(of: unit).filter { tree[$0]?.level == lv }
        } ?? tree.children(of: unit)
        var out = [FormRow(code: unit, name: tree.name(of: unit) ?? unit.rawValue,
                           values: values.figures(of: unit), villages: villages(unit), isTotal: true)]
        for m in members {
            out.append(FormRow(code: m, name: tree.name(of: m) ?? m.rawValue,
                               values: values.figures(of: m), villages: villages(m), isTotal: false))
        }
        return out
    }

    /// `imputed`: the figures Renju filled in (already among `reported`): each cell that is one, or
    /// that sums one, carries a comment saying so, and a legend line under the table says what the
    /// comments mean. Texts go in as strings, never as formulas.
    /// `draft`: why the return is not final (units missing, errors open): said in red above the
    /// table and in the sheet's header when printed.
    public func write(to path: String, unit: UnitCode, period: Period, reported: PeriodValues, signOffs: [SignOff], imputed: [ImputedFigure] = [],
                      draft: String? = nil) throws {
        let name = reference.tree.name(of: unit) ?? unit.rawValue
        let form = StatisticalForm(template: template, catalog: reference.catalog, unitName: name, period: period)
        let rows = rows(unit: unit, reported: reported)
        let book = try XlsxBook(path: path)
        let sheet = try book.addSheet(template.sheet)
        let first = try form.writeHeading(sheet)
        try form.writeRows(sheet, rows, at: first)
        try form.writeFooter(sheet, at: first + rows.count + 1, signOffs: signOffs)
        if !imputed.isEmpty { try writeNotes(sheet, rows: rows, first: first, imputed: imputed, legendRow: first + rows.count + 2) }
        if let draft {
            // Below the table (the heading's rows are the form's own): a red line no one can miss.
            var red = CellStyle(bold: true, fontSize: 14)
            red.fontColor = 0xC00000
            try sheet.write(first + rows.count + (imputed.isEmpty ? 2 : 3), 0, "草稿：" + draft, red)
        }
        if let chart = template.chart, rows.count > 1 {
            let chartSheet = try book.addSheet(chart.sheet)
            let cols = form.columns
            let series: [(String, XlsxRange)] = chart.indicators.compactMap { id in
                guard let j = cols.firstIndex(of: .indicator(id)) else { return nil }
                let c = StatisticalForm.firstDataColumn + j
                return (reference.catalog[id]?.name ?? id.rawValue,
                        XlsxRange(sheet: template.sheet, firstRow: first + 1, firstColumn: c, lastRow: first + rows.count - 1, lastColumn: c))
            }
            if !series.isEmpty {
                try chartSheet.write(0, 0, ReportTemplate.fill(chart.title, unit: name, period: period), CellStyle(bold: true, fontSize: 14))
                try book.addColumnChart(on: chartSheet, row: 2, column: 0, title: ReportTemplate.fill(chart.title, unit: name, period: period),
                                        categories: XlsxRange(sheet: template.sheet, firstRow: first + 1, firstColumn: 1, lastRow: first + rows.count - 1, lastColumn: 1),
                                        series: series, yAxisTitle: chart.axis)
            }
        }
        try book.close()
    }

    /// The status of each filled-in figure on the return: a comment on its cell (or on the cell
    /// that sums it), a comment on the name of a unit that did not report, and a legend line.
    func writeNotes(_ sheet: XlsxSheet, rows: [FormRow], first: Int, imputed: [ImputedFigure], legendRow: Int) throws {
        let tree = reference.tree, cat = reference.catalog
        // The figures (and rates of them) each row holds or sums that were filled in.
        func parts(_ id: IndicatorID) -> Set<IndicatorID> {
            if case let .rate(n, d)? = cat[id]?.kind { return [id, n, d] }
            return [id]
        }
        let unreported = Set(imputed.filter { $0.method == .unreported }.map(\.unit))
        for (k, r) in rows.enumerated() {
            let row = first + k
            if unreported.contains(r.code) {
                try sheet.comment(row, 1, "未报：本行各数按上期 × 已报单位的中位变动推算，不是填报数。")
            }
            for (j, c) in template.columns.enumerated() {
                guard case let .indicator(id) = c else { continue }
                let wanted = parts(id)
                let own = imputed.filter { $0.unit == r.code && wanted.contains($0.indicator) }
                let under = imputed.filter { $0.unit != r.code && wanted.contains($0.indicator) && tree.isAncestor(r.code, of: $0.unit) }
                var lines: [String] = []
                for f in own {
                    let was = f.reported.map { "填报值 \(shortestDecimal($0))" } ?? "未填报"
                    lines.append("\(cat[f.indicator]?.name ?? f.indicator.rawValue)：插补 \(shortestDecimal(f.value))（\(f.method.chinese)；\(f.basis.zh)；\(was)）")
                }
                if !under.isEmpty {
                    let units = Set(under.map(\.unit)).sorted()
                    let names = units.prefix(5).map { tree.name(of: $0) ?? $0.rawValue }.joined(separator: "、") + (units.count > 5 ? " 等" : "")
                    lines.append("含 \(under.count) 个插补或推算值（\(names)）")
                }
                if !lines.isEmpty { try sheet.comment(row, StatisticalForm.firstDataColumn + j, lines.joined(separator: "\n")) }
            }
        }
        let filled = imputed.filter { $0.method != .unreported }.count
        var legend = "注：带批注的数含 Renju 的插补值（\(filled) 个）"
        if !unreported.isEmpty { legend += "和未报单位的推算值（\(unreported.count) 个单位）" }
        legend += "，不是填报数；方法与依据见批注和审核结果工作簿“插补值”表。正式上报前须由填报单位核实确认。"
        try sheet.write(legendRow, 0, legend, CellStyle(bold: true))
    }
}
