import Foundation
import RenjuModel
import RenjuReference

/// The inspection workbook (抽查核实表): a sheet explaining the sample, then one sheet per
/// township (or county) with each sampled village's figures to verify, why it was chosen, its
/// inclusion probability, and validated blank cells for what the inspector finds. `verify import`
/// reads the same layout back.
public struct InspectionWorkbook {
    /// The columns of a group sheet, in order (the reader finds them by these titles).
    public static let columns = ["区划代码", "单位名称", "指标", "指标代码", "填报值", "抽中原因", "入样概率", "核实结果", "核实值", "核查人", "核查日期", "备注"]
    public static let confirmed = "属实", wrong = "有误"
    public static let aboutSheet = "抽样说明", sampleIDLabel = "抽查编号"

    public let reference: ReferenceData
    public init(reference: ReferenceData) { self.reference = reference }

    public func write(to path: String, sample: InspectionSample, reasons: [UnitCode: String]) throws {
        guard let id = sample.id else { throw XlsxError(message: "the sample has no id: store it first") }
        let tree = reference.tree, cat = reference.catalog
        let book = try XlsxBook(path: path)
        let about = try book.addSheet(Self.aboutSheet)
        let bold = CellStyle(bold: true), wrap = CellStyle(wrap: true)
        let risk = sample.units.filter { $0.part == .risk }.count
        let lines: [(String, XlsxValue)] = [
            (Self.sampleIDLabel, .number(Double(id))), ("报告期", .text(sample.period.description)), ("随机种子", .text(String(sample.seed))),
            ("样本量（村）", .number(Double(sample.units.count))), ("按风险抽取", .number(Double(risk))),
            ("随机抽取", .number(Double(sample.units.count - risk))), ("随机部分比例", .number(sample.randomShare)),
            ("抽样时间", .text(sample.at)), ("抽样人", .text(sample.who)),
        ]
        for (i, (k, v)) in lines.enumerated() { try about.write(i, 0, k, bold); try about.write(i, 1, v) }
        try about.write(lines.count + 1, 0, """
            按风险抽取的村：入样概率与该村审核发现的影响分之和成正比（系统抽样；概率达到 1 的必抽）；其余名额在未被抽中的村中简单随机抽取，\
            使看似正常的数据也得到核查、命中率估计无偏。每个村的入样概率记录在各表中。核查后请在“核实结果”选择“属实”或“有误”，\
            有误时在“核实值”填写核实的真实数值，并填写核查人和核查日期，然后用 renju verify import 导入。
            """, wrap)
        try about.setColumn(0, 0, width: 16); try about.setColumn(1, 1, width: 60)

        // One sheet per township (or county), in code order.
        func group(of u: UnitCode) -> UnitCode {
            var g = u
            while let l = tree.level(of: g), l > sample.grouping, let p = tree.parent(of: g) { g = p }
            return g
        }
        var groups: [UnitCode: [SampledFigure]] = [:]
        for f in sample.figures { groups[group(of: f.unit), default: []].append(f) }
        var names = Set<String>([Self.aboutSheet])
        let head = CellStyle(bold: true, align: .center, border: true, background: 0xD9E1F2, wrap: true)
        let plain = CellStyle(border: true), input = CellStyle(border: true, background: 0xFFF2CC, unlocked: true)
        for g in groups.keys.sorted() {
            let figures = (groups[g] ?? []).sorted { ($0.unit, order($0.indicator)) < ($1.unit, order($1.indicator)) }
            var name = String((tree.name(of: g) ?? g.rawValue).filter { !"[]:*?/\\".contains($0) }.prefix(25))
            if name.isEmpty || names.contains(name) { name = String(g.rawValue) }
            names.insert(name)
            let sheet = try book.addSheet(name)
            for (j, h) in Self.columns.enumerated() { try sheet.write(0, j, h, head) }
            for (i, f) in figures.enumerated() {
                let r = i + 1, ind = cat[f.indicator]
                try sheet.write(r, 0, f.unit.rawValue, plain)
                try sheet.write(r, 1, tree.name(of: f.unit) ?? "", plain)
                try sheet.write(r, 2, ind.map { "\($0.name)（\($0.unit)）" } ?? f.indicator.rawValue, plain)
                try sheet.write(r, 3, f.indicator.rawValue, plain)
                try sheet.write(r, 4, f.reported.map(XlsxValue.number) ?? .blank, plain)
                let why = f.part == .random ? "随机抽取" : "风险：" + (reasons[f.unit] ?? "")
                let flagged = f.rules.isEmpty ? "" : "；本指标被标记：" + f.rules.map(\.description).joined(separator: "、")
                try sheet.write(r, 5, why + flagged, CellStyle(border: true, wrap: true))
                try sheet.write(r, 6, .number((f.probability * 10_000).rounded() / 10_000), plain)
                for c in 7...11 { try sheet.write(r, c, .blank, input) }
            }
            let last = figures.count
            if last > 0 {
                try sheet.validate(1, 7, last, 7, .list([Self.confirmed, Self.wrong]), message: "请选择 属实 或 有误")
                try sheet.validate(1, 8, last, 8, .decimalAtLeast(0), message: "有误时填写核实的真实数值（不小于 0）")
            }
            for (j, w) in [14.0, 12, 24, 0, 10, 40, 8, 9, 10, 10, 12, 20].enumerated() { try sheet.setColumn(j, j, width: w) }
            try sheet.freeze(rows: 1, columns: 2)
            try sheet.printSetup(repeatRows: 0...0)
            try sheet.protect()
        }
        try book.close()
    }

    func order(_ id: IndicatorID) -> Int { reference.catalog.indicators.firstIndex { $0.id == id } ?? 999 }
}
