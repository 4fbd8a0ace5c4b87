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

    public func write(to path: String, unit: UnitCode, period: Period, reported: PeriodValues, signOffs: [SignOff]) throws {
        let name = reference.tree.name(of: unit) ?? unit.rawValue
        let form = StatisticalForm(template: template, catalog: reference.catalog, unitName: name, period: period)
        let rows = rows(unit: unit, reported: reported)
        let book = try XlsxBook(path: path)
        let sheet = try book.addSheet(template.sheet)
        let first = try form.writeHeading(sheet)
        try form.writeRows(sheet, rows, at: first)
        try form.writeFooter(sheet, at: first + rows.count + 1, signOffs: signOffs)
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
}
