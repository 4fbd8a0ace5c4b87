import Foundation
import RenjuModel

/// What a sheet (or a CSV file) holds.
public enum SheetContent: Sendable {
    case submissions([Submission])
    case signOffs([SignOff], findings: [Finding])
    case explanations([Explanation], findings: [Finding])
    case none
}

/// What a column's titles name, for `FormReader.meaning(of:)`: every reading the form reader
/// makes of them, in the order it asks.
struct TitleMeaning: Sendable {
    let isCode: Bool
    let isName: Bool
    let isDerived: Bool
    let indicator: IndicatorID?
}

/// What a reader has worked out and keeps for the next file, shared by the threads reading files
/// (the titles' meanings, the headers' titles). Bounded: past `limit` entries (no real set of
/// forms has them) an answer is worked out each time.
final class ReaderMemo<Key: Hashable, Value>: @unchecked Sendable {
    let limit: Int
    private let lock = NSLock()
    private var known: [Key: Value] = [:]

    init(limit: Int) { self.limit = limit }

    subscript(key: Key) -> Value? {
        get { lock.withLock { known[key] } }
        set {
            lock.withLock {
                if known.count < limit || known[key] != nil { known[key] = newValue }
            }
        }
    }
}

/// The titles' meanings a reader has worked out (see `FormReader.meaning(of:)`).
typealias TitleMeanings = ReaderMemo<[String], TitleMeaning>

/// Turns a grid into submissions: finds the header row by scanning, maps columns by id or Chinese
/// name in any order, reads the period from the metadata rows, reads every data row and the
/// sign-off footer. Long tables (`period,unit_code,indicator,value`) and sign-off tables too.
public struct FormReader: Sendable {
    /// What the reader reads with, held once: a reader goes with every row of a file read, and a
    /// copy of a catalog and a national tree (dozens of arrays) counted each of them in and out.
    private final class Parts: Sendable {
        let catalog: Catalog
        /// The divisions, perhaps still loading: asked for (rarely — a unit's name, a total row
        /// without a code, a sign-off footer's unit), they are waited for.
        let tree: Pending<DivisionTree?>
        let vocabulary: SignOffVocabulary
        /// What the titles of forms already read mean (see `meaning(of:)`).
        let meanings = TitleMeanings(limit: 4096)
        /// The titles of the headers of forms already read (see `TableHeader`).
        let headers = HeaderTitles(limit: 256)
        init(_ catalog: Catalog, _ tree: Pending<DivisionTree?>, _ vocabulary: SignOffVocabulary) {
            self.catalog = catalog; self.tree = tree; self.vocabulary = vocabulary
        }
    }
    private let parts: Parts

    public var catalog: Catalog { parts.catalog }
    public var tree: DivisionTree? { parts.tree.value }
    public var vocabulary: SignOffVocabulary { parts.vocabulary }
    private var meanings: TitleMeanings { parts.meanings }

    public init(catalog: Catalog, tree: DivisionTree? = nil, vocabulary: SignOffVocabulary = .standard) {
        parts = Parts(catalog, Pending(tree), vocabulary)
    }

    /// A reader that starts before the divisions have loaded: what it reads does not depend on
    /// when they arrive (a step that needs them waits for them).
    public init(catalog: Catalog, pendingTree: Pending<DivisionTree?>, vocabulary: SignOffVocabulary = .standard) {
        parts = Parts(catalog, pendingTree, vocabulary)
    }

    /// What a column's titles (top to bottom) name: the unit's code or name, a column derived
    /// from others, an indicator. Every township fills the same template, so the answer is kept
    /// for the next file: working it out (each title folded, keyed, looked up) cost more than
    /// reading a county's rows.
    func meaning(of levels: [String]) -> TitleMeaning {
        if let known = meanings[levels] { return known }
        let keys = levels.map(TextNormalizer.key)
        let m = TitleMeaning(isCode: keys.contains(where: Self.codeKeys.contains), isName: keys.contains(where: Self.nameKeys.contains),
                             isDerived: keys.contains(where: { catalog.isDerivedColumn(key: $0) }),
                             indicator: TableHeader.indicator(levels, keys: keys, catalog))
        meanings[levels] = m
        return m
    }

    enum Column: Hashable { case code, name, period, indicatorName, value, role, person, date, digest, signature, rule, explanation, indicator(IndicatorID), unknown(String) }

    /// How many non-empty rows from the top are searched for the header row.
    public static let headerSearchRows = 50
    static let codeKeys: Set<String> = ["区划代码", "unit_code", "统计用区划代码", "单位代码", "代码", "unitcode"]
    static let nameKeys: Set<String> = ["单位名称", "名称", "unit_name", "name", "村名", "单位"]
    static let periodKeys: Set<String> = ["报告期", "period"]
    static let indicatorKeys: Set<String> = ["指标", "indicator", "指标名称", "指标代码"]
    static let valueKeys: Set<String> = ["数值", "value", "指标值"]
    static let roleKeys: Set<String> = ["角色", "role"]
    static let personKeys: Set<String> = ["姓名", "name", "签字人"]
    static let dateKeys: Set<String> = ["日期", "date", "签字日期"]
    static let digestKeys: Set<String> = ["数据摘要", "digest", "摘要"]
    static let signatureKeys: Set<String> = ["签名", "signature", "电子签名"]
    static let ruleKeys: Set<String> = ["规则", "rule", "审核规则", "规则编号"]
    static let explanationKeys: Set<String> = ["说明", "explanation", "情况说明", "原因说明"]
    static let totalNames: Set<String> = ["合计", "总计", "小计", "全乡合计", "全镇合计", "全县合计", "total"]

    /// Where a sheet's table is and what kind it is.
    struct Layout {
        enum Kind { case wide, long, signOffs, explanations }
        let kind: Kind
        let header: TableHeader
        let meta: [Int]
        let body: [Int]
    }

    /// The header is among the first rows (title and metadata rows come above it); its titles
    /// say which kind of table follows.
    func layout(of grid: Grid) -> Layout? {
        let rowIndices = grid.rowIndices
        guard let headerAt = rowIndices.prefix(Self.headerSearchRows).firstIndex(where: { r in
            grid.cells(inRow: r).contains { c in
                if case .text = c.cell { return Self.codeKeys.contains(TextNormalizer.key(c.cell.display)) }
                return false
            }
        }) else {
            return nil
        }
        let header = TableHeader(grid, at: headerAt, of: rowIndices, catalog: catalog, known: parts.headers)
        let keys = header.keys
        let kind: Layout.Kind
        if !keys.isDisjoint(with: Self.explanationKeys), !keys.isDisjoint(with: Self.ruleKeys) { kind = .explanations }
        else if !keys.isDisjoint(with: Self.roleKeys), !keys.isDisjoint(with: Self.personKeys) { kind = .signOffs }
        else if !keys.isDisjoint(with: Self.indicatorKeys), !keys.isDisjoint(with: Self.valueKeys) { kind = .long }
        else { kind = .wide }
        return Layout(kind: kind, header: header, meta: Array(rowIndices[..<headerAt]),
                      body: Array(rowIndices[min(rowIndices.count, headerAt + header.rows.count)...]))
    }

    public func read(_ grid: Grid, file: String, defaultPeriod: Period?) -> SheetContent {
        guard let layout = layout(of: grid) else { return .none }
        let headerRow = layout.header.top
        switch layout.kind {
        case .explanations: return readExplanations(grid, file: file, header: headerRow, body: layout.body, defaultPeriod: defaultPeriod)
        case .signOffs: return readSignOffTable(grid, file: file, header: headerRow, body: layout.body, defaultPeriod: defaultPeriod)
        case .long: return .submissions(readLong(grid, file: file, header: headerRow, body: layout.body, defaultPeriod: defaultPeriod))
        case .wide: return .submissions([readWide(grid, file: file, header: layout.header, meta: layout.meta, body: layout.body, defaultPeriod: defaultPeriod)])
        }
    }

    func source(_ file: String, _ grid: Grid, _ row: Int, _ col: Int) -> SourceRef {
        SourceRef(file: file, sheet: grid.name, row: row, column: col)
    }

    /// Of the names a row gives (`单位` and `村名` side by side: the township and the village), the
    /// one that names the unit in the divisions file, else the leftmost.
    func givenName(_ names: [String], of unit: UnitCode) -> String? {
        guard names.count > 1, let known = tree?.name(of: unit) else { return names.first }
        let n = TextNormalizer.key(known)
        return names.first { name in
            let g = TextNormalizer.key(name)
            return !g.isEmpty && (g == n || g.contains(n) || n.contains(g))
        } ?? names.first
    }

    func unitName(_ code: UnitCode?, given: String? = nil) -> String? {
        if let code, let n = tree?.name(of: code) { return n }
        return given
    }

    // MARK: wide

    func readWide(_ grid: Grid, file: String, header table: TableHeader, meta: [Int], body: [Int], defaultPeriod: Period?) -> Submission {
        var wide = WideTable(self, grid, file: file, header: table, meta: meta, defaultPeriod: defaultPeriod)
        wide.reserve(rows: body.count)
        for r in body { wide.read(row: r, of: grid) }
        return wide.finish(grid)
    }

    func rootUnit(_ sub: Submission) -> UnitCode? {
        if let tree {
            let roots = sub.roots(in: tree)
            if roots.count == 1 { return roots[0] }
            return roots.min { (tree[$0]?.level.depth ?? 9) < (tree[$1]?.level.depth ?? 9) }
        }
        return sub.rows.first?.code
    }

    /// The columns one title covers: one column, or several under a title merged across them.
    struct Span: Equatable {
        let first: Int
        let last: Int
    }

    /// A row's cell under a title: the first non-blank cell of its span, left to right (the merged
    /// cell's anchor when it holds the value), else the first cell there; nil when none is stored.
    /// `cells` is a row's entries, sorted by column.
    static func cell(in cells: [Grid.Entry], _ span: Span) -> Grid.Entry? {
        var lo = 0, hi = cells.count
        while lo < hi { let mid = (lo + hi) / 2; if cells[mid].column < span.first { lo = mid + 1 } else { hi = mid } }
        var first: Grid.Entry?
        var k = lo
        while k < cells.count, cells[k].column <= span.last {
            if case let .text(t) = cells[k].cell, TextNormalizer.isBlank(t) { if first == nil { first = cells[k] }; k += 1; continue }
            return cells[k]
        }
        return first
    }

    /// An indicator column of a form: where it is and how its cells read.
    struct ValueColumn { let span: Span; let id: IndicatorID; let flag: Bool; let percent: Bool; var slot = -1 }

    func valueColumns(_ columns: [(Span, IndicatorID)], in values: inout PeriodValues) -> [ValueColumn] {
        var out = columns.compactMap { c, id in catalog.kind(of: id).map { ValueColumn(span: c, id: id, flag: $0.isFlag, percent: $0.isRate) } }
        for (i, s) in values.register(out.map(\.id)).enumerated() { out[i].slot = s }
        return out
    }

    /// A date (a number in a date-formatted cell) where a code or a figure belongs: Excel shows
    /// the clerk a date, and its serial (44893 for 2022-11-28) is no count and no code.
    func refuseDate(_ entry: Grid.Entry, grid: Grid, file: String, row r: Int, unit: UnitCode?, indicator: Indicator?,
                    into sub: inout Submission) {
        guard case let .number(d) = entry.cell else { return }
        let shown = grid.date(serial: d)?.description ?? shortestDecimal(d)
        let src = source(file, grid, r, entry.column)
        let cell = src.cell ?? ""
        if let unit, let indicator { sub.unreadable[unit, default: []].insert(indicator.id) }
        let message: Message
        if let indicator {
            message = Message(zh: "\(indicator.name)单元格 \(cell) 是日期（\(shown)），应填数值（单位：\(indicator.unit)）：请把单元格格式改为“常规”或“数值”后重新填写",
                              en: "\(indicator.englishName): cell \(cell) holds a date (\(shown)) where a figure (\(indicator.unit)) belongs: format the cell as General or Number and type the figure")
        } else {
            message = Message(zh: "第 \(r + 1) 行的区划代码单元格 \(cell) 是日期（\(shown)），不是区划代码，该行未读取：请把单元格格式改为“文本”并填写 12 位区划代码",
                              en: "Row \(r + 1): the division code cell \(cell) holds a date (\(shown)), not a code; the row was not read: format it as Text and type the 12-digit code")
        }
        sub.findings.append(Finding(rule: .dateValue, severity: .error, unit: unit, unitName: unitName(unit), period: sub.period,
                                    indicator: indicator?.id, value: nil, message: message, source: src))
    }

    /// Buffers one row's figures reuse (a national file has a million rows): the figures, and
    /// for each the index of its column in the form's `ValueColumn`s.
    struct RowScratch {
        var figures: [PeriodValues.RowFigure] = []
        var columnOf: [Int] = []
        /// A row read from its bytes: each value column's figure, `PeriodValues.blankEntry` for a blank.
        var plain: [Double] = []
    }

    func readValues(_ cells: [Grid.Entry], grid: Grid, file: String, row r: Int, unit: UnitCode,
                    columns: [ValueColumn], into sub: inout Submission, scratch: inout RowScratch) {
        // The row's cells and the indicator columns are both sorted by column: walk them together.
        // Figures are stored for the row at once; anything else (blanks, problems, a figure the
        // unit already has) goes through `record`. Columns are read in place (not copied: each
        // copy would count its indicator id's text in and out).
        var k = 0
        scratch.figures.removeAll(keepingCapacity: true)
        scratch.columnOf.removeAll(keepingCapacity: true)
        // Further figures under a title merged across columns: compared once the row's are stored.
        var further: [(indicator: IndicatorID, reading: CellReading, column: Int)] = []
        let notes = !grid.formulaNotes.isEmpty
        columns.withUnsafeBufferPointer { cols in
            for i in cols.indices {
                let span = cols[i].span
                var c = span.first
                while k < cells.count, cells[k].column < c { k += 1 }
                var entry = k < cells.count && cells[k].column == c ? cells[k] : nil
                if span.last > c, let e = Self.cell(in: cells, span) {
                    entry = e; c = e.column
                    for x in cells[k...] where x.column > c && x.column <= span.last {
                        let more = CellParser.read(x.cell, flag: cols[i].flag, percent: cols[i].percent)
                        if more != .blank { further.append((cols[i].id, more, x.column)) }
                    }
                }
                var cell = entry?.cell
                if let e = entry, case .number = e.cell, grid.isDate(format: e.format) {
                    refuseDate(e, grid: grid, file: file, row: r, unit: unit, indicator: catalog[cols[i].id], into: &sub)
                    continue
                }
                // A rate typed as 74.64 % in a percent-formatted cell is stored as 0.7464: the clerk meant what is shown.
                if cols[i].percent, case let .number(d)? = cell, let e = entry, grid.isPercent(format: e.format) { cell = .number(d * 100) }
                if notes, let note = grid.formulaNotes[FormulaNote.key(r, c)] {
                    noteFormula(note, unit: unit, indicator: cols[i].id, source: source(file, grid, r, c), period: sub.period, into: &sub)
                }
                let reading = CellParser.read(cell, flag: cols[i].flag, percent: cols[i].percent)
                if case let .value(v) = reading {
                    scratch.figures.append(.init(value: v, column: c, slot: cols[i].slot, indicator: cols[i].id))
                    scratch.columnOf.append(i)
                    continue
                }
                record(reading, unit: unit, indicator: cols[i].id, source: source(file, grid, r, c), period: sub.period, into: &sub)
            }
        }
        storeRow(grid: grid, file: file, row: r, unit: unit, columns: columns, into: &sub, scratch: scratch)
        // A second figure under one merged title is read only to say when it differs from the first.
        for f in further {
            guard case .value = f.reading, sub.values[unit, f.indicator] != nil else { continue }
            record(f.reading, unit: unit, indicator: f.indicator, source: source(file, grid, r, f.column), period: sub.period, into: &sub)
        }
    }

    /// Reads a row whose cells were read from their bytes (`WideTable.read(row:bytes:grid:)`):
    /// `scratch.plain` holds each value column's figure (`PeriodValues.blankEntry` for a blank
    /// cell), `layout` where they go. What it stores and records is what `readValues` does for
    /// the same cells as text.
    func readPlainValues(grid: Grid, file: String, row r: Int, unit: UnitCode, columns: [ValueColumn], layout: PeriodValues.RowColumns,
                         into sub: inout Submission, scratch: inout RowScratch) {
        for i in scratch.plain.indices where PeriodValues.figure(scratch.plain[i]) == nil {
            record(.blank, unit: unit, indicator: columns[i].id, source: source(file, grid, r, columns[i].span.first), period: sub.period, into: &sub)
        }
        // The row at once, as a new unit's (the usual case: a form gives each unit once).
        let origin = sub.values.origin(file: file, sheet: grid.name)
        if sub.values.appendRow(unit, scratch.plain, layout, origin: origin, row: r) { return }
        scratch.figures.removeAll(keepingCapacity: true)
        scratch.columnOf.removeAll(keepingCapacity: true)
        for (i, col) in columns.enumerated() {
            if let v = PeriodValues.figure(scratch.plain[i]) {
                scratch.figures.append(.init(value: v, column: col.span.first, slot: col.slot, indicator: col.id))
                scratch.columnOf.append(i)
            }
        }
        storeRow(grid: grid, file: file, row: r, unit: unit, columns: columns, into: &sub, scratch: scratch)
    }

    /// Stores a row's figures (`scratch.figures`) at once; a figure its unit already has is recorded as a duplicate.
    private func storeRow(grid: Grid, file: String, row r: Int, unit: UnitCode, columns: [ValueColumn],
                          into sub: inout Submission, scratch: RowScratch) {
        guard !scratch.figures.isEmpty else { return }
        let origin = sub.values.origin(file: file, sheet: grid.name)
        for i in sub.values.setRow(unit, scratch.figures, origin: origin, row: r) {
            let f = scratch.figures[i]
            record(.value(f.value), unit: unit, indicator: columns[scratch.columnOf[i]].id, source: source(file, grid, r, f.column),
                   period: sub.period, into: &sub)
        }
    }

    func record(_ reading: CellReading, unit: UnitCode, indicator id: IndicatorID, source src: SourceRef,
                period: Period?, into sub: inout Submission) {
        if case let .value(v) = reading, sub.values[unit, id] == nil {
            // The common case: a figure, the first for its unit and indicator.
            let origin = sub.values.origin(file: src.file, sheet: src.sheet)
            sub.values.set(unit, id, v, origin: origin, row: src.row ?? 0, column: src.column ?? 0)
            return
        }
        guard let ind = catalog[id] else { return }
        // A finding names its unit (looked up only for a finding: a blank cell needs no name).
        var name: String? { unitName(unit) }
        switch reading {
        case let .value(v):
            if let existing = sub.values.observation(unit, ind.id) {
                if existing.value != v {
                    sub.findings.append(Finding(
                        rule: .duplicateValue, severity: .error, unit: unit, unitName: name, period: period, indicator: ind.id, value: v,
                        message: Message(zh: "\(ind.name)填报了两个不同的数值（\(shortestDecimal(existing.value)) 和 \(shortestDecimal(v))），请只保留正确的一个",
                                         en: "\(ind.englishName) is given twice with different values (\(shortestDecimal(existing.value)) and \(shortestDecimal(v)))"),
                        source: src))
                }
                return
            }
            sub.values.set(unit, ind.id, Observation(v, source: src))
        case .blank:
            sub.blanks[unit, default: [:]][ind.id] = src
        case let .notANumber(t):
            sub.unreadable[unit, default: []].insert(ind.id)
            sub.findings.append(Finding(
                rule: .notANumber, severity: .error, unit: unit, unitName: name, period: period, indicator: ind.id,
                message: Message(zh: "\(ind.name)应填数值（单位：\(ind.unit)），但单元格内容是“\(t)”，请改为数字",
                                 en: "\(ind.englishName) must be a number (\(ind.unit)) but the cell holds “\(t)”"),
                source: src))
        case let .excelError(e):
            sub.unreadable[unit, default: []].insert(ind.id)
            sub.findings.append(Finding(
                rule: .excelError, severity: .error, unit: unit, unitName: name, period: period, indicator: ind.id,
                message: Message(zh: "\(ind.name)单元格是 Excel 错误值 \(e)（公式出错），请检查公式或直接填写数值",
                                 en: "\(ind.englishName) holds the Excel error \(e); fix the formula or type the figure"),
                source: src))
        case let .formulaWithoutValue(f):
            sub.unreadable[unit, default: []].insert(ind.id)
            sub.findings.append(Finding(
                rule: .formulaNoValue, severity: .error, unit: unit, unitName: name, period: period, indicator: ind.id,
                message: Message(zh: "\(ind.name)单元格只有公式“=\(f)”而没有计算结果，请在 Excel 中重新计算并保存，或直接填写数值",
                                 en: "\(ind.englishName) holds the formula =\(f) with no computed value; recalculate and save in Excel"),
                source: src))
        }
    }

    /// Tells what recomputing a formula cell found: a saved value the formula does not give (a
    /// program that did not recalculate), or a formula beyond what Renju recomputes.
    func noteFormula(_ note: FormulaNote, unit: UnitCode, indicator id: IndicatorID, source src: SourceRef,
                     period: Period?, into sub: inout Submission) {
        guard let ind = catalog[id] else { return }
        let cell = src.cell ?? ""
        switch note {
        case .computed:
            return
        case let .stale(formula, cached, computed):
            sub.findings.append(Finding(
                rule: .formulaStale, severity: .warning, unit: unit, unitName: unitName(unit), period: period, indicator: id, value: computed,
                message: Message(zh: "\(ind.name)单元格 \(cell) 的公式 =\(formula) 计算结果是 \(shortestDecimal(computed))，但文件中保存的值是 \(cached)（保存文件的软件没有重新计算）；已按公式结果读取，请在 Excel 中重新计算后保存",
                                 en: "\(ind.englishName): cell \(cell) holds =\(formula), which gives \(shortestDecimal(computed)), but the saved value is \(cached) (the program that saved it did not recalculate); the formula's result was read"),
                source: src))
        case let .notRecomputed(formula, reason):
            sub.findings.append(Finding(
                rule: .formulaNotRecomputed, severity: .info, unit: unit, unitName: unitName(unit), period: period, indicator: id,
                message: Message(zh: "\(ind.name)单元格 \(cell) 的公式 =\(formula) 无法复算（\(reason)），已采用文件中保存的值",
                                 en: "\(ind.englishName): cell \(cell) holds =\(formula), which Renju cannot recompute (\(reason)); the saved value was read"),
                source: src))
        }
    }

    /// Maps the header row's titles to columns, the first matching column winning.
    func columnMap(_ grid: Grid, header: Int, _ keys: [(Set<String>, Column)]) -> [Column: Int] {
        var map: [Column: Int] = [:]
        for (c, cell) in grid.cells(inRow: header) {
            let key = TextNormalizer.key(cell.display)
            if let col = keys.first(where: { $0.0.contains(key) && map[$0.1] == nil })?.1 { map[col] = c }
        }
        return map
    }
}
