import Foundation
import RenjuModel

/// A table one figure a row: unit, (period,) indicator, value.
extension FormReader {
    func readLong(_ grid: Grid, file: String, header: Int, body: [Int], defaultPeriod: Period?) -> [Submission] {
        let map = columnMap(grid, header: header, [(Self.codeKeys, .code), (Self.periodKeys, .period), (Self.indicatorKeys, .indicatorName),
                                                   (Self.valueKeys, .value), (Self.nameKeys, .name)])
        guard let codeCol = map[.code], let indCol = map[.indicatorName], let valCol = map[.value] else { return [] }
        var subs: [String: Submission] = [:]
        var order: [String] = []
        var unknownIndicators: [String: SourceRef] = [:]
        var noPeriodRows = 0
        var seenRows: [String: Set<UnitCode>] = [:]
        for r in body {
            let cells = grid.cells(inRow: r)
            if cells.isEmpty { continue }
            let codeText: String? = grid[r, codeCol].map { cell in
                if case let .number(d) = cell, d >= 0, d < 1e13, d == d.rounded() { return String(Int64(d)) }
                return cell.display
            }
            let periodText = map[.period].flatMap { grid[r, $0]?.display }
            let period = periodText.flatMap(Period.parse) ?? defaultPeriod
            let key = period?.description ?? "?"
            if subs[key] == nil {
                var s = Submission(file: file, period: period); s.isLongFormat = true; s.columns = catalog.indicators.map(\.id)
                subs[key] = s; order.append(key)
            }
            guard var sub = subs[key] else { continue }
            defer { subs[key] = sub }
            if period == nil { noPeriodRows += 1 }
            if case .number? = grid[r, codeCol], let f = grid.format(r, codeCol), grid.isDate(format: Int32(f)),
               let entry = grid.rawCells(inRow: r).first(where: { $0.column == codeCol }) {
                refuseDate(entry, grid: grid, file: file, row: r, unit: nil, indicator: nil, into: &sub)
                continue
            }
            guard let code = codeText.flatMap(UnitCode.init) else {
                sub.findings.append(Finding(
                    rule: .badCode, severity: .error, unit: nil, period: period,
                    message: Message(zh: "第 \(r + 1) 行的区划代码“\(codeText ?? "")”不是有效的12位统计用区划代码，该行未读取",
                                     en: "Row \(r + 1): “\(codeText ?? "")” is not a valid division code; the row was not read"),
                    source: source(file, grid, r, codeCol)))
                continue
            }
            if !(seenRows[key]?.contains(code) ?? false) {
                seenRows[key, default: []].insert(code)
                let given = map[.name].flatMap { grid[r, $0]?.display }
                sub.rows.append(UnitRow(code: code, givenName: given, source: source(file, grid, r, codeCol)))
            }
            let indText = grid[r, indCol]?.display ?? ""
            guard let id = catalog.resolve(indText), let ind = catalog[id] else {
                if unknownIndicators[indText] == nil { unknownIndicators[indText] = source(file, grid, r, indCol) }
                continue
            }
            var cell = grid[r, valCol]
            if case .number? = cell, let f = grid.format(r, valCol), grid.isDate(format: Int32(f)),
               let entry = grid.rawCells(inRow: r).first(where: { $0.column == valCol }) {
                refuseDate(entry, grid: grid, file: file, row: r, unit: code, indicator: ind, into: &sub)
                continue
            }
            if ind.kind.isRate, case let .number(d)? = cell, let f = grid.format(r, valCol), grid.isPercent(format: Int32(f)) { cell = .number(d * 100) }
            record(CellParser.read(cell, kind: ind.kind), unit: code, indicator: ind.id,
                   source: source(file, grid, r, valCol), period: period, into: &sub)
        }
        for (text, src) in unknownIndicators.sorted(by: { $0.key < $1.key }) {
            let k = order.first ?? "?"
            let p = subs[k]?.period
            subs[k]?.findings.append(Finding(
                rule: .unknownIndicator, severity: .warning, unit: nil, period: p,
                message: Message(zh: "未知的指标“\(text)”：不在指标目录中，相关行已忽略", en: "Unknown indicator “\(text)”: not in the catalog; its rows were ignored"),
                source: src))
        }
        return order.compactMap { subs[$0] }
    }

    /// The folded text of a mapped column on a row, nil when blank.
    func text(_ grid: Grid, _ map: [Column: Int], _ r: Int, _ col: Column) -> String? {
        map[col].flatMap { grid[r, $0]?.display }.map(TextNormalizer.fold).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The unit code of a side-table row (sign-offs, explanations), or a `format.bad_code` finding.
    func rowCode(_ grid: Grid, _ map: [Column: Int], _ r: Int, file: String, table: (zh: String, en: String),
                 period: Period?, findings: inout [Finding]) -> UnitCode? {
        guard let codeText = text(grid, map, r, .code) else { return nil }
        guard let code = UnitCode(codeText) else {
            findings.append(Finding(
                rule: .badCode, severity: .error, unit: nil, period: period,
                message: Message(zh: "\(table.zh)第 \(r + 1) 行的区划代码“\(codeText)”无效", en: "\(table.en) row \(r + 1): invalid division code “\(codeText)”"),
                source: source(file, grid, r, map[.code] ?? 0)))
            return nil
        }
        return code
    }
}
