import Foundation
import RenjuModel
import RenjuRanking
import RenjuReference
import RenjuChecks

/// The ranking bulletin (`templates/monthly-bulletin.yaml`): the ranking table with each township's
/// score breakdown, red flags, yellow cards and admonishment alerts, and a native column chart.
public struct BulletinWriter {
    public let template: ReportTemplate
    public init(template: ReportTemplate) { self.template = template }

    public func write(to path: String, ranking: Ranking, unitName: String) throws {
        let book = try XlsxBook(path: path)
        let sheet = try book.addSheet(template.sheet)
        let font = template.font
        func st(_ s: CellStyle) -> CellStyle { var s = s; s.fontName = font; if s.fontSize == 11 { s.fontSize = template.fontSize }; return s }
        let partLabels = ranking.entries.first?.parts.filter { $0.maximum != nil }.map(\.label) ?? []
        let penaltyLabels = Array(Set(ranking.entries.flatMap { $0.parts.filter { $0.maximum == nil }.map(\.label) })).sorted()
        let headers = ["名次", "区划代码", "乡镇", "得分"] + partLabels.map { label in
            let m = ranking.entries.first?.parts.first { $0.label == label }?.maximum
            return m.map { "\(label)（\(shortestDecimal($0)) 分）" } ?? label
        } + penaltyLabels.map { "\($0)（扣分）" } + ["奖惩", "说明"]
        let last = headers.count - 1
        try sheet.merge(0, 0, 0, last, ReportTemplate.fill(template.title, unit: unitName, period: ranking.period), st(CellStyle(bold: true, fontSize: 16, align: .center)))
        try sheet.merge(1, 0, 1, last, ReportTemplate.fill(template.unitLine, unit: unitName, period: ranking.period), st(CellStyle(align: .center)))
        let head = st(CellStyle(bold: true, align: .center, border: true, background: 0xDDEBF7, wrap: true))
        for (j, h) in headers.enumerated() { try sheet.write(3, j, h, head) }
        try sheet.setRow(3, height: 40)
        for (i, e) in ranking.entries.enumerated() {
            let r = 4 + i
            var base = st(CellStyle(align: .center, border: true))
            if e.award == .redFlag { base.background = 0xFCE4D6 }
            if e.award == .yellowCard { base.background = 0xFFF2CC }
            var num = base; num.numberFormat = "0.00"; num.align = .right
            try sheet.write(r, 0, e.reported ? .number(Double(e.rank)) : .text("未报"), base)
            try sheet.write(r, 1, e.unit.rawValue, base)
            try sheet.write(r, 2, e.name, base)
            try sheet.write(r, 3, .number(e.score), num)
            for (j, label) in partLabels.enumerated() {
                let p = e.parts.first { $0.label == label }
                try sheet.write(r, 4 + j, p.map { .number($0.points) } ?? .blank, num)
                if let p, !p.detail.isEmpty { try sheet.comment(r, 4 + j, p.detail) }
            }
            for (j, label) in penaltyLabels.enumerated() {
                let p = e.parts.first { $0.label == label }
                try sheet.write(r, 4 + partLabels.count + j, p.map { .number($0.points) } ?? .blank, num)
                if let p, !p.detail.isEmpty { try sheet.comment(r, 4 + partLabels.count + j, p.detail) }
            }
            let award = [e.award?.rawValue, e.admonish ? "诫勉谈话" : nil].compactMap { $0 }.joined(separator: "、")
            try sheet.write(r, last - 1, award, base)
            var left = base; left.align = .left; left.wrap = true
            try sheet.write(r, last, e.notes.joined(separator: "；"), left)
        }
        var r = 4 + ranking.entries.count + 1
        for n in ranking.notes { try sheet.merge(r, 0, r, last, "注：\(n)", st(CellStyle(align: .left))); r += 1 }
        try sheet.merge(r, 0, r, last, "得分 = 各项得分之和（各项见单元格批注）；排名相同者名次并列。", st(CellStyle(align: .left)))
        try sheet.setColumn(0, 0, width: 6)
        try sheet.setColumn(1, 1, width: 14)
        try sheet.setColumn(2, 2, width: 10)
        try sheet.setColumn(3, last - 2, width: template.columnWidth)
        try sheet.setColumn(last - 1, last - 1, width: 16)
        try sheet.setColumn(last, last, width: 40)
        try sheet.freeze(rows: 4, columns: 3)
        try sheet.printSetup(repeatRows: 3...3)
        if let chart = template.chart, !ranking.entries.isEmpty {
            let cs = try book.addSheet(chart.sheet)
            let n = ranking.entries.count
            try book.addColumnChart(on: cs, row: 1, column: 0, title: ReportTemplate.fill(chart.title, unit: unitName, period: ranking.period),
                                    categories: XlsxRange(sheet: template.sheet, firstRow: 4, firstColumn: 2, lastRow: 3 + n, lastColumn: 2),
                                    series: [("得分", XlsxRange(sheet: template.sheet, firstRow: 4, firstColumn: 3, lastRow: 3 + n, lastColumn: 3))],
                                    yAxisTitle: chart.axis)
        }
        try book.close()
    }
}
