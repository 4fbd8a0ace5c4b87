import Foundation
import RenjuModel
import RenjuText

/// A form laid out one unit a row, one indicator a column (the usual 附表), read row by row:
/// set up from the header, fed the body rows (all at once from a sheet, or one at a time as a
/// CSV is scanned — an ordinary row as its fields' bytes), finished into one submission.
struct WideTable {
    let reader: FormReader
    let file: String
    var sub: Submission
    /// The columns holding the unit code and (any of) its name, left to right.
    let codeColumn: FormReader.Span
    let nameColumns: [FormReader.Span]
    let headerRow: Int
    /// Every titled column, left to right: what it holds.
    private var columns: [(span: FormReader.Span, kind: FormReader.Column)] = []
    private var indicatorColumns: [(FormReader.Span, IndicatorID)] = []
    private var valueCols: [FormReader.ValueColumn] = []
    /// Where the value columns' figures go in the table (`PeriodValues.appendRow`).
    private var rowLayout = PeriodValues.RowColumns(slots: [], indicators: [], fileColumns: [])
    /// The value columns' file columns, left to right (read for every row: plain numbers, no
    /// indicator id counted in and out a figure).
    private var valueFileColumns: [Int] = []
    /// A row's names, reused from row to row.
    private var rowNames: [String] = []
    private var scratch = FormReader.RowScratch()
    /// 合计 rows without a code, resolved once every unit is known (their cells kept).
    private var pendingTotals: [(row: Int, name: String, cells: [Grid.Entry])] = []
    private var footerText: [(String, SourceRef)] = []
    private var seen = UnitIndex()
    /// The unknown columns, each followed for pictures.
    private var pictures: [PictureColumn] = []
    /// Whether the sheet has recomputed formula cells (never a CSV).
    private var hasFormulaNotes = false

    /// Columns are decided left to right, never in a dictionary's order: the leftmost `区划代码`
    /// column is the code, the first indicator column of a kind is read (a second is a duplicate),
    /// and a row's name is the first non-blank of its name columns (`单位` and `村名` side by side).
    init(_ reader: FormReader, _ grid: Grid, file: String, header table: TableHeader, meta: [Int], defaultPeriod: Period?) {
        self.reader = reader; self.file = file
        let catalog = reader.catalog
        var sub = Submission(file: file, period: nil)
        var columns: [(span: FormReader.Span, kind: FormReader.Column)] = []
        var seenIndicators: Set<IndicatorID> = []
        let header = table.bottom
        headerRow = header
        for (c, last, levels) in table.titles {
            let span = FormReader.Span(first: c, last: last)
            let title = levels.joined(separator: " / ")
            let meaning = reader.meaning(of: levels)
            if meaning.isCode, !columns.contains(where: { $0.kind == .code }) { columns.append((span, .code)) }
            else if meaning.isName { columns.append((span, .name)) }
            else if meaning.isDerived { continue }
            else if let id = meaning.indicator {
                if !seenIndicators.insert(id).inserted {
                    sub.findings.append(Finding(
                        rule: .duplicateValue, severity: .error, unit: nil, period: nil, indicator: id,
                        message: Message(zh: "指标“\(catalog[id]?.name ?? id.rawValue)”出现了两列，只读取第一列，请删除重复列",
                                         en: "Indicator \(id) appears in two columns; only the first is read — delete the duplicate"),
                        source: reader.source(file, grid, header, c)))
                    columns.append((span, .unknown(title)))
                } else {
                    columns.append((span, .indicator(id)))
                }
            } else { columns.append((span, .unknown(title))) }
        }
        codeColumn = columns.first { $0.kind == .code }?.span ?? FormReader.Span(first: 0, last: 0)
        nameColumns = columns.filter { $0.kind == .name }.map(\.span)
        indicatorColumns = columns.compactMap { col -> (FormReader.Span, IndicatorID)? in
            if case let .indicator(id) = col.kind { return (col.span, id) }; return nil
        }
        sub.columns = indicatorColumns.map(\.1)
        valueCols = reader.valueColumns(indicatorColumns, in: &sub.values)
        rowLayout = PeriodValues.RowColumns(slots: valueCols.map(\.slot), indicators: valueCols.map(\.id), fileColumns: valueCols.map(\.span.first))
        valueFileColumns = valueCols.map(\.span.first)

        // Period: a 报告期 cell above the header, else a period in the title, else the default.
        var period: Period?
        for r in meta {
            for (_, cell) in grid.cells(inRow: r) {
                let t = TextNormalizer.fold(cell.display)
                if let range = t.range(of: "报告期") ?? t.range(of: "period", options: .caseInsensitive) {
                    let rest = t[range.upperBound...].trimmingCharacters(in: Self.periodSeparators)
                    if let p = Period.parse(rest) ?? Period.find(in: rest) { period = p; break }
                }
            }
            if period != nil { break }
        }
        if period == nil {
            for r in meta { for (_, cell) in grid.cells(inRow: r) { if let p = Period.find(in: cell.display) { period = p; break } }; if period != nil { break } }
        }
        sub.period = period ?? defaultPeriod
        self.columns = columns
        self.sub = sub
        pictures = columns.compactMap { if case .unknown = $0.kind { return PictureColumn(column: $0.span.first) }; return nil }
        hasFormulaNotes = !grid.formulaNotes.isEmpty
    }

    static let periodSeparators = CharacterSet(charactersIn: ":：= ")

    mutating func reserve(rows: Int) { sub.values.reserveCapacity(rows: rows); sub.rows.reserveCapacity(rows) }

    /// Makes room for `more` rows beyond those read.
    mutating func reserve(more: Int) { reserve(rows: sub.values.codes.count + more) }

    /// Reads one body row of `grid`.
    mutating func read(row r: Int, of grid: Grid) { read(row: r, cells: grid.rawCells(inRow: r), grid: grid) }

    /// Reads one body row given as its stored cells, left to right (`grid` gives the sheet's
    /// name and formats; the row need not be in it).
    mutating func read(row r: Int, cells raw: [Grid.Entry], grid: Grid) {
        notePictures(raw)
        if raw.allSatisfy({ if case let .text(s) = $0.cell { return TextNormalizer.isBlank(s) }; return false }) { return }
        let codeEntry = FormReader.cell(in: raw, codeColumn)
        let codeCell = codeEntry?.cell
        if TableHeader.isColumnNumberRow(raw, codeCell: codeCell) { return }
        // The names the row gives, left to right (one name column on most forms).
        var names: [String] = []
        for span in nameColumns {
            if let e = FormReader.cell(in: raw, span), let name = TextNormalizer.foldedUnlessBlank(e.cell.display) {
                names.append(name)
            }
        }
        // A date (a number in a date-formatted cell) where the code belongs: its serial is no code.
        let dateCode = codeEntry.map { e in if case .number = e.cell { return grid.isDate(format: e.format) }; return false } ?? false
        let codeText: String? = codeCell.map { cell -> String in
            if case let .number(d) = cell, d >= 0, d < 1e13, d == d.rounded() { return String(Int64(d)) }
            return cell.display
        }
        guard !dateCode, let unit = codeText.flatMap(UnitCode.init) else {
            let givenName = names.first { FormReader.totalNames.contains(TextNormalizer.key($0)) } ?? names.first
            // Not a data row: perhaps the sign-off footer.
            let cells = raw.filter { if case let .text(s) = $0.cell { return !TextNormalizer.isBlank(s) }; return true }
            let rowText = cells.map { c -> String in
                if case let .number(d) = c.cell, grid.isDate(r, c.column), let date = grid.date(serial: d) { return date.description }
                return c.cell.display
            }.joined(separator: "  ")
            if reader.looksLikeFooter(rowText) {
                footerText.append((rowText, reader.source(file, grid, r, cells[0].column)))
                return
            }
            let catalog = reader.catalog
            let hasData = indicatorColumns.contains { CellParser.read(FormReader.cell(in: raw, $0.0)?.cell, kind: catalog[$0.1]?.kind ?? .flow) != .blank }
            if dateCode, hasData, let e = codeEntry {
                reader.refuseDate(e, grid: grid, file: file, row: r, unit: nil, indicator: nil, into: &sub)
                return
            }
            let codeBlank = codeText.map { TextNormalizer.isBlank($0) } ?? true
            if codeBlank, let n = givenName, FormReader.totalNames.contains(TextNormalizer.key(n)), hasData {
                pendingTotals.append((r, n, raw)); return
            }
            if hasData {
                sub.findings.append(Finding(
                    rule: .badCode, severity: .error, unit: nil, unitName: givenName, period: sub.period,
                    message: Message(zh: "第 \(r + 1) 行的区划代码“\(codeText ?? "")”不是有效的12位统计用区划代码，该行未读取",
                                     en: "Row \(r + 1): “\(codeText ?? "")” is not a valid 12-digit division code; the row was not read"),
                    source: reader.source(file, grid, r, codeEntry?.column ?? codeColumn.first)))
            }
            return
        }
        guard accept(unit, names: names, row: r, codeColumn: codeEntry?.column ?? codeColumn.first, grid: grid) else { return }
        reader.readValues(raw, grid: grid, file: file, row: r, unit: unit, columns: valueCols, into: &sub, scratch: &scratch)
    }

    /// Takes a data row's unit (named by `names`), unless the form already gave it.
    private mutating func accept(_ unit: UnitCode, names: [String], row r: Int, codeColumn column: Int, grid: Grid) -> Bool {
        let givenName = reader.givenName(names, of: unit)
        if let first = seen.insert(unit, Int32(truncatingIfNeeded: r)).map(Int.init) {
            sub.findings.append(Finding(
                rule: .duplicateUnit, severity: .error, unit: unit, unitName: reader.unitName(unit, given: givenName), period: sub.period,
                message: Message(zh: "单位 \(unit) 在本表中出现两次（第 \(first + 1) 行和第 \(r + 1) 行），只读取第一行，请删除重复行",
                                 en: "Unit \(unit) appears twice in this file (rows \(first + 1) and \(r + 1)); only the first is read"),
                source: reader.source(file, grid, r, column)))
            return false
        }
        sub.rows.append(UnitRow(code: unit, givenName: givenName, source: reader.source(file, grid, r, column)))
        return true
    }

    /// Whether `read(row:bytes:)` can read this table's rows: every column is one column (no
    /// title merged across several) and no cell of the sheet was recomputed from a formula — so
    /// a row's cells are its fields, one a column, and nothing but their text reads them.
    var readsPlainRows: Bool {
        !hasFormulaNotes && codeColumn.first == codeColumn.last && nameColumns.allSatisfy { $0.first == $0.last }
            && valueCols.allSatisfy { $0.span.first == $0.span.last }
    }

    /// Reads a CSV body row from its fields' bytes when it is an ordinary data row: a code of
    /// ASCII digits, each figure blank or a plain decimal. Such a row reads exactly as its text
    /// cells would (the same unit, name, figures, blanks, findings), without making text of its
    /// figures. Returns false, having changed nothing, for any other row: the caller then reads
    /// it as text cells (`read(row:cells:grid:)`).
    mutating func read(row r: Int, bytes row: CSVRow, grid: Grid) -> Bool {
        row.withFields { fields -> Bool in
            guard let codeBytes = fields.at(codeColumn.first), let unit = UnitCode(asciiDigits: codeBytes) else { return false }
            // Every figure first: a cell that is not a plain decimal sends the row to the text path untouched.
            // (Written through one buffer: an append a figure checked the array's uniqueness each time.)
            if scratch.plain.count != valueFileColumns.count {
                scratch.plain = Array(repeating: PeriodValues.blankEntry, count: valueFileColumns.count)
            }
            let plain = valueFileColumns.withUnsafeBufferPointer { columns in
                scratch.plain.withUnsafeMutableBufferPointer { out -> Bool in
                    for k in columns.indices {
                        guard let b = fields.at(columns[k]), !b.isEmpty else { out[k] = PeriodValues.blankEntry; continue }
                        guard let v = NumberText.plainDecimal(b) else { return false }
                        out[k] = v
                    }
                    return true
                }
            }
            guard plain else { return false }
            if !pictures.isEmpty {
                for i in pictures.indices {
                    pictures[i].note(fields.at(pictures[i].column).map { RawCell.text(CSV.text($0)) })
                }
            }
            rowNames.removeAll(keepingCapacity: true)
            for span in nameColumns {
                if let b = fields.at(span.first), !b.isEmpty, let name = TextNormalizer.foldedUnlessBlank(CSV.text(b)) {
                    rowNames.append(name)
                }
            }
            guard accept(unit, names: rowNames, row: r, codeColumn: codeColumn.first, grid: grid) else { return true }
            reader.readPlainValues(grid: grid, file: file, row: r, unit: unit, columns: valueCols, layout: rowLayout, into: &sub, scratch: &scratch)
            return true
        }
    }

    /// Follows the unknown columns' cells, row by row, to tell a column of WPS pictures (see `PictureColumn`).
    private mutating func notePictures(_ raw: [Grid.Entry]) {
        for i in pictures.indices {
            let c = pictures[i].column
            pictures[i].note(raw.first { $0.column == c }?.cell)
        }
    }

    /// An unknown column followed down the body: whether every filled cell in it is a WPS
    /// picture (`DISPIMG`). Followed as rows are read, so a CSV read a row at a time (its rows
    /// never all in a grid) is judged on all of them.
    struct PictureColumn {
        let column: Int
        private var any = false, other = false
        init(column: Int) { self.column = column }

        mutating func note(_ cell: RawCell?) {
            guard !other, let cell else { return }
            let text: String
            switch cell {
            case let .formulaWithoutValue(f): text = f
            case let .text(t): text = t
            default: other = true; return
            }
            if text.trimmingCharacters(in: .whitespaces).isEmpty { return }
            guard text.uppercased().contains("DISPIMG(") else { other = true; return }
            any = true
        }

        var isPictures: Bool { any && !other }
    }

    /// The submission: totals without a code given to their units' parent, unknown columns named,
    /// the sign-off footer read. `grid` supplies the sheet's name and formats.
    mutating func finish(_ grid: Grid) -> Submission {
        // A 合计 row without a code is the total of the units listed: their common parent.
        let tree = pendingTotals.isEmpty ? nil : reader.tree  // asked for only when needed: they may still be loading
        for t in pendingTotals {
            let parents = Set(sub.rows.compactMap { tree?[$0.code]?.parent })
            if parents.count == 1, let p = parents.first, seen[p] == nil {
                seen.set(p, Int32(truncatingIfNeeded: t.row))
                sub.rows.insert(UnitRow(code: p, givenName: t.name, source: reader.source(file, grid, t.row, codeColumn.first)), at: 0)
                reader.readValues(t.cells, grid: grid, file: file, row: t.row, unit: p, columns: valueCols, into: &sub, scratch: &scratch)
            } else {
                sub.findings.append(Finding(
                    rule: .badCode, severity: .error, unit: nil, period: sub.period,
                    message: Message(zh: "第 \(t.row + 1) 行“\(t.name)”没有区划代码，无法确定是哪个单位的合计，请填写区划代码",
                                     en: "Row \(t.row + 1) “\(t.name)” has no division code; cannot tell whose total it is"),
                    source: reader.source(file, grid, t.row, codeColumn.first)))
            }
        }
        pendingTotals = []
        for (span, col) in columns {
            // A column of pictures in cells (WPS writes `=DISPIMG("ID_…",1)`): not a figure, not a
            // stranger either — left out without a word.
            if case .unknown = col, pictures.contains(where: { $0.column == span.first && $0.isPictures }) { continue }
            if case let .unknown(title) = col {
                sub.findings.append(Finding(
                    rule: .unknownColumn, severity: .warning, unit: nil, period: sub.period,
                    message: Message(zh: "未知的列“\(title)”：不是指标目录中的指标，已忽略；如是新指标，请先加入 indicators.yaml",
                                     en: "Unknown column “\(title)”: not in the indicator catalog, ignored"),
                    source: reader.source(file, grid, headerRow, span.first)))
            }
        }
        if !footerText.isEmpty, let root = reader.rootUnit(sub) {
            sub.signOffs = reader.parseFooter(footerText, unit: root, period: sub.period)
        }
        return sub
    }
}
