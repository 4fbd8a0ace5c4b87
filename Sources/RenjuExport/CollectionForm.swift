import Foundation
import RenjuModel
import RenjuReference

/// Writes the blank collection form for a township: its villages and a 合计 row, input cells
/// unlocked and validated (whole numbers ≥ 0, decimals ≥ 0, 0–100 for rates, 是/否 for flags),
/// everything else locked.
public struct CollectionFormWriter {
    public let reference: ReferenceData
    public let template: ReportTemplate

    public init(reference: ReferenceData, template: ReportTemplate) { self.reference = reference; self.template = template }

    public func write(to path: String, unit: UnitCode, period: Period) throws {
        let tree = reference.tree
        let name = tree.name(of: unit) ?? unit.rawValue
        let form = StatisticalForm(template: template, catalog: reference.catalog, unitName: name, period: period)
        let level = template.rowLevel
        let members: [UnitCode] = level.map { lv in tree.descendants(of: unit).filter { tree[$0]?.level == lv } } ?? tree.children(of: unit)
        var rows = [FormRow(code: unit, name: name, values: [:], villages: members.count, isTotal: true)]
        rows += members.map { FormRow(code: $0, name: tree.name(of: $0) ?? $0.rawValue, values: [:], villages: 1, isTotal: false) }
        let book = try XlsxBook(path: path)
        let sheet = try book.addSheet(template.sheet)
        let first = try form.writeHeading(sheet)
        try form.writeRows(sheet, rows, at: first, unlocked: true)
        let lastRow = first + rows.count - 1
        for (j, c) in form.columns.enumerated() {
            guard case let .indicator(id) = c, let ind = reference.catalog[id] else { continue }
            let col = StatisticalForm.firstDataColumn + j
            switch ind.kind {
            case .rate, .publishedRate:
                try sheet.validate(first, col, lastRow, col, .decimalBetween(0, 100), message: "\(ind.name)是百分比，请填 0–100 之间的数，可不填")
            case .flag:
                try sheet.validate(first, col, first, col, .wholeAtLeast(0), message: "合计行填“是”的村数（整数）")
                if lastRow > first { try sheet.validate(first + 1, col, lastRow, col, .list(["是", "否"]), message: "请选择 是 或 否") }
            default:
                if ind.integer { try sheet.validate(first, col, lastRow, col, .wholeAtLeast(0), message: "\(ind.name)请填不小于 0 的整数（\(ind.unit)）") }
                else { try sheet.validate(first, col, lastRow, col, .decimalAtLeast(0), message: "\(ind.name)请填不小于 0 的数（\(ind.unit)）") }
            }
        }
        try form.writeFooter(sheet, at: lastRow + 2, signOffs: [])
        if let notes = template.notes, !notes.isEmpty {
            try sheet.merge(lastRow + 3, 0, lastRow + 3, form.lastColumn, notes, form.base(CellStyle(align: .left, wrap: true)))
            try sheet.setRow(lastRow + 3, height: 30)
        }
        try sheet.protect()
        try book.close()
    }
}
