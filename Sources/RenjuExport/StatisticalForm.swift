import Foundation
import RenjuModel
import RenjuReference

/// One row of a statistical form: a unit with its figures.
public struct FormRow: Sendable {
    public let code: UnitCode
    public let name: String
    public let values: [IndicatorID: Double]
    /// Villages under the unit (the denominator of coverage shares).
    public let villages: Int
    public let isTotal: Bool
    public init(code: UnitCode, name: String, values: [IndicatorID: Double], villages: Int, isTotal: Bool) {
        self.code = code; self.name = name; self.values = values; self.villages = villages; self.isTotal = isTotal
    }
}

/// Lays out the statistical form of a template on a sheet: title, top-right block (表号 / 制定机关 /
/// 批准文号 / 有效期至), 填报单位 and 报告期 line, two-level merged headers (group → indicator, with
/// units), data rows with number formats from the indicators' decimals, the footer, frozen header
/// and A4 landscape print setup with the header rows repeated.
struct StatisticalForm {
    let template: ReportTemplate
    let catalog: Catalog
    let unitName: String
    let period: Period

    static let firstDataColumn = 2

    var columns: [ReportTemplate.Column] { template.columns }
    var lastColumn: Int { Self.firstDataColumn + columns.count - 1 }

    func base(_ s: CellStyle) -> CellStyle {
        var s = s
        s.fontName = template.font
        if s.fontSize == 11 { s.fontSize = template.fontSize }
        return s
    }

    func title(_ c: ReportTemplate.Column) -> (name: String, unit: String) {
        switch c {
        case let .indicator(id):
            let ind = catalog[id]
            return (ind?.name ?? id.rawValue, ind?.unit ?? "")
        case let .share(_, title): return (title, "%")
        case let .field(f): return (f, "")
        }
    }

    func numberFormat(_ c: ReportTemplate.Column, isTotal: Bool) -> String {
        switch c {
        case let .indicator(id):
            guard let ind = catalog[id] else { return "General" }
            if ind.kind.isFlag { return "0" }
            if ind.decimals == 0 { return "#,##0" }
            return "#,##0." + String(repeating: "0", count: ind.decimals)
        case .share: return "0.00"
        case .field: return "General"
        }
    }

    /// Writes the heading rows; returns the index of the first data row.
    func writeHeading(_ sheet: XlsxSheet) throws -> Int {
        let last = lastColumn
        let titleStyle = base(CellStyle(bold: true, fontSize: 16, align: .center))
        try sheet.merge(0, 0, 0, last, ReportTemplate.fill(template.title, unit: unitName, period: period), titleStyle)
        try sheet.setRow(0, height: 30)
        var row = 1
        // Top-right block.
        let blockStart = max(Self.firstDataColumn, last - 3)
        for (label, value) in template.form {
            try sheet.merge(row, blockStart, row, last, "\(label)：\(value)", base(CellStyle(align: .left)))
            row += 1
        }
        // 填报单位 … 报告期 line.
        let unitLine = ReportTemplate.fill(template.unitLine, unit: unitName, period: period)
        let mid = max(Self.firstDataColumn + 1, last / 2)
        try sheet.merge(row, 0, row, mid - 1, unitLine, base(CellStyle(align: .left)))
        try sheet.merge(row, mid, row, last, "报告期：\(period.chinese)", base(CellStyle(align: .right)))
        row += 1
        // Two-level headers: groups, then 区划代码 / 单位名称 / indicators with units.
        let head = base(CellStyle(bold: true, align: .center, border: true, background: 0xDDEBF7, wrap: true))
        try sheet.write(row, 0, .blank, head)
        try sheet.write(row, 1, .blank, head)
        var col = Self.firstDataColumn
        for g in template.groups {
            let end = col + g.columns.count - 1
            if end > col { try sheet.merge(row, col, row, end, g.title, head) } else { try sheet.write(row, col, g.title, head) }
            col = end + 1
        }
        row += 1
        try sheet.write(row, 0, "区划代码", head)
        try sheet.write(row, 1, "单位名称", head)
        for (i, c) in columns.enumerated() {
            let t = title(c)
            try sheet.write(row, Self.firstDataColumn + i, t.unit.isEmpty ? t.name : "\(t.name)（\(t.unit)）", head)
        }
        try sheet.setRow(row, height: 54)
        try sheet.setColumn(0, 0, width: 14)
        try sheet.setColumn(1, 1, width: 12)
        try sheet.setColumn(Self.firstDataColumn, last, width: template.columnWidth)
        try sheet.freeze(rows: row + 1, columns: 2)
        try sheet.printSetup(repeatRows: (row - 1)...row)
        return row + 1
    }

    func value(_ c: ReportTemplate.Column, _ r: FormRow) -> Double? {
        switch c {
        case let .indicator(id):
            // Written as reported: rounded to the indicator's decimals (the number format shows no more).
            guard let v = r.values[id] else { return nil }
            let p = pow(10, Double(catalog[id]?.decimals ?? 2))
            return (v * p).rounded() / p
        case let .share(id, _):
            guard let covered = r.values[id], r.villages > 0 else { return nil }
            return (100 * covered / Double(r.villages) * 100).rounded() / 100
        case .field: return nil
        }
    }

    func writeRows(_ sheet: XlsxSheet, _ rows: [FormRow], at first: Int, unlocked: Bool = false) throws {
        for (i, r) in rows.enumerated() {
            let row = first + i
            let text = base(CellStyle(bold: r.isTotal, align: .center, border: true))
            try sheet.write(row, 0, r.code.rawValue, text)
            try sheet.write(row, 1, r.isTotal ? template.totalLabel : r.name, text)
            for (j, c) in columns.enumerated() {
                var style = base(CellStyle(bold: r.isTotal, align: .right, border: true, numberFormat: numberFormat(c, isTotal: r.isTotal)))
                style.unlocked = unlocked
                if unlocked { style.background = 0xFFFDE7 }
                if let v = value(c, r) { try sheet.write(row, Self.firstDataColumn + j, .number(v), style) }
                else { try sheet.write(row, Self.firstDataColumn + j, .blank, style) }
            }
        }
    }

    /// `单位负责人：张三    统计负责人：李四    填表人：王五    报出日期：2025年10月8日`, spread across the width.
    func writeFooter(_ sheet: XlsxSheet, at row: Int, signOffs: [SignOff]) throws {
        guard !template.footer.isEmpty else { return }
        let width = lastColumn + 1
        let per = max(1, width / template.footer.count)
        for (i, f) in template.footer.enumerated() {
            let text: String
            if f.isDate {
                let date = signOffs.compactMap(\.date).max()
                text = "\(f.label)：\(date.map { "\($0.year)年\($0.month)月\($0.day)日" } ?? "")"
            } else {
                let who = f.roles.lazy.compactMap { role in
                    signOffs.first { TextNormalizer.key($0.role) == TextNormalizer.key(role) }?.name
                }.first
                text = "\(f.label)：\(who ?? "")"
            }
            let start = i * per
            let end = i == template.footer.count - 1 ? width - 1 : start + per - 1
            if end > start { try sheet.merge(row, start, row, end, text, base(CellStyle(align: .left))) }
            else { try sheet.write(row, start, text, base(CellStyle(align: .left))) }
        }
    }
}
