import Foundation
import RenjuModel
import RenjuText

/// Reads CSV text (RFC 4180: quoted fields, doubled quotes, LF or CRLF) into a grid of text cells,
/// through the byte scanner of `RenjuText`. Our own small reader rather than a library: it keeps
/// exact row/column positions for `file:cell` references, and a broken quote or an oversized cell
/// is a problem to report, not a reason to swallow the rest of the file.
public enum CSVReader {
    public enum Problem: Equatable, Sendable {
        /// A quote opened on this (zero-based) row and never closed; the file was re-read with
        /// quotes that cannot span lines.
        case unterminatedQuote(row: Int)
        /// A cell longer than the limit (Excel's own: 32,767 characters), cut.
        case cellTooLong(row: Int, column: Int)
        /// A row with more cells than Excel has columns (16,384); the rest of the row was not read.
        case rowTooWide(row: Int)
    }

    public static let maxCellCharacters = CSV.maxCellCharacters
    /// Excel's own width: no sheet a clerk saves has more columns.
    public static let maxColumns = 16_384

    public static func grid(from text: String, name: String? = nil) -> Grid { parse(text, name: name).grid }

    /// The whole file as a grid (tests, the fuzzer, small files).
    public static func parse(_ text: String, name: String? = nil) -> (grid: Grid, problems: [Problem]) {
        let r = scan(text, name: name, makeStream: { nil })
        return (r.grid, r.problems)
    }

    /// Reads a CSV form with its body rows streamed: once the header is known, rows pass one at a
    /// time into the stream and are dropped, so a large file's memory is its figures, not a grid
    /// of its text. (A table that is not one unit a row is held whole, as `parse` does.)
    static func read(_ text: String, name: String?, stream makeStream: () -> CSVTableStream) -> (grid: Grid, problems: [Problem], stream: CSVTableStream) {
        let r = scan(text, name: name, makeStream: makeStream)
        return (r.grid, r.problems, r.stream ?? makeStream())
    }

    static func scan(_ text: String, name: String?, makeStream: () -> CSVTableStream?) -> (grid: Grid, problems: [Problem], stream: CSVTableStream?) {
        var text = text
        // The file's lines: at most as many body rows, room for which a form's table takes at once.
        let lines = text.withUTF8 { bytes in CSV.lineFeeds(bytes) + 1 }
        func run(_ spanning: Bool) -> CSVScanner<GridSink> {
            var s = CSVScanner(sink: GridSink(name: name, stream: makeStream(), lines: lines))
            text.withUTF8 { s.run($0, quotesSpanLines: spanning) }
            return s
        }
        let first = run(true)
        if let open = first.unterminated {
            // Rows read through a quote that never closed are read again, quotes ending at the line end.
            var second = run(false)
            second.sink.problems.insert(.unterminatedQuote(row: open), at: 0)
            return (second.sink.grid, second.sink.problems, second.sink.given)
        }
        return (first.sink.grid, first.sink.problems, first.sink.given)
    }

    /// What is kept of a table: a row's cells up to Excel's width; under the header, only the
    /// header's columns (a cell under no title is never read); and nothing at all when no header
    /// is found where the form reader looks for one. So a file's memory follows its figures, not
    /// its bytes (a 255 MiB one-line CSV was 128 million cells).
    ///
    /// Once the header and the rows a header may span under it are in the grid, the stream (if
    /// any) decides the table's layout. A one-unit-a-row form then takes each body row as its
    /// fields' bytes, as it is scanned (`CSVRow`): no text is made of a figure, no row is held.
    /// Any other table is held whole and read at the end.
    struct GridSink: CSVSink {
        var grid: Grid
        var problems: [Problem] = []
        var widthLimit = CSVReader.maxColumns
        var headerFound = false
        var nonEmptyRows = 0
        var reportedWide = false
        var stream: CSVTableStream?
        /// The stream it was given (kept when it stops taking rows: it still finishes the table).
        let given: CSVTableStream?
        /// Rows with cells under the header row, until the layout is decided.
        var rowsUnderHeader = 0
        /// Body rows go to the stream as bytes (the stream took a one-unit-a-row form).
        var byRow = false
        var row = CSVRow()

        /// The file's lines (an upper bound on its rows but for quoted line breaks).
        let lines: Int

        init(name: String?, stream: CSVTableStream?, lines: Int) {
            grid = Grid(name: name); self.stream = stream; given = stream; self.lines = lines
        }

        mutating func keeps(row: Int, column: Int) -> Bool {
            if column >= widthLimit || (!headerFound && nonEmptyRows >= FormReader.headerSearchRows) {
                if column >= CSVReader.maxColumns, !reportedWide, !headerFound || widthLimit == CSVReader.maxColumns {
                    reportedWide = true; problems.append(.rowTooWide(row: row))
                }
                return false
            }
            return true
        }

        mutating func input(_ bytes: UnsafeBufferPointer<UInt8>) { row.input = bytes }

        mutating func field(row r: Int, column: Int, bytes: UnsafeBufferPointer<UInt8>, quoted: Bool) {
            guard !bytes.isEmpty || quoted else { return }
            if byRow { row.append(column: column, bytes) } else { grid.set(r, column, .text(CSV.text(bytes))) }
        }

        mutating func cellTooLong(row: Int, column: Int) { problems.append(.cellTooLong(row: row, column: column)) }

        mutating func endLine(row r: Int) {
            if byRow {
                if !row.isEmpty, let stream { stream.read(row: r, row, grid: grid) }
                row.removeAll()
                return
            }
            if headerFound, let stream, !grid.rawCells(inRow: r).isEmpty {
                // The header may span rows under its first (TableHeader.maxExtraRows): with them in, the layout is known.
                rowsUnderHeader += 1
                if rowsUnderHeader >= TableHeader.maxExtraRows {
                    if let keep = stream.take(grid) { grid.removeRows(after: keep) }
                    if stream.holdsWhole { self.stream = nil } else {
                        byRow = true; row.reserve(width: widthLimit)
                        // Room for the rest at once (a table grown row by row holds half as much again as it needs).
                        stream.reserve(rows: lines - r)
                    }
                }
            }
            if !headerFound {
                let cells = grid.cells(inRow: r)
                if !cells.isEmpty {
                    nonEmptyRows += 1
                    if cells.contains(where: { FormReader.codeKeys.contains(TextNormalizer.key($0.cell.display)) }),
                       let last = cells.last?.column {
                        headerFound = true
                        widthLimit = last + 1
                    }
                }
            }
        }
    }
}

/// One CSV row as the scanner cut it: its kept fields, left to right, each found by its column.
/// A field the scanner handed over where it stands in the file's bytes (`input`, valid while the
/// file is scanned) is kept as its place there; any other is copied. Reused from row to row.
struct CSVRow {
    struct Field { let column: Int; let start: Int; let end: Int; let inInput: Bool }
    /// The bytes being scanned.
    var input = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    /// Copied fields' bytes.
    private var own: [UInt8] = []
    private(set) var fields: [Field] = []
    /// The index in `fields` of each column's field, −1 for none.
    private var indexOf: [Int32] = []

    var isEmpty: Bool { fields.isEmpty }

    mutating func reserve(width: Int) { indexOf = Array(repeating: -1, count: width) }

    mutating func append(column: Int, _ b: UnsafeBufferPointer<UInt8>) {
        if column < indexOf.count { indexOf[column] = Int32(truncatingIfNeeded: fields.count) }
        if let base = input.baseAddress, let p = b.baseAddress, p >= base, p + b.count <= base + input.count {
            let start = p - base
            fields.append(Field(column: column, start: start, end: start + b.count, inInput: true))
        } else {
            let start = own.count
            own.append(contentsOf: b)
            fields.append(Field(column: column, start: start, end: own.count, inInput: false))
        }
    }

    mutating func removeAll() {
        for f in fields where f.column < indexOf.count { indexOf[f.column] = -1 }
        fields.removeAll(keepingCapacity: true)
        own.removeAll(keepingCapacity: true)
    }

    /// The row's fields' bytes, for the length of `body` (read through buffers: a row is read
    /// for every unit of a national quarter, and holding the row's arrays counted them in and out).
    func withFields<R>(_ body: (Fields) -> R) -> R {
        own.withUnsafeBufferPointer { own in
            fields.withUnsafeBufferPointer { fields in
                indexOf.withUnsafeBufferPointer { indexOf in
                    body(Fields(input: input, own: own, fields: fields, indexOf: indexOf))
                }
            }
        }
    }

    struct Fields {
        let input: UnsafeBufferPointer<UInt8>
        let own: UnsafeBufferPointer<UInt8>
        let fields: UnsafeBufferPointer<Field>
        let indexOf: UnsafeBufferPointer<Int32>
        func bytes(_ f: Field) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: (f.inInput ? input : own)[f.start..<f.end])
        }
        /// The field at a column, if the row has one there.
        func at(_ column: Int) -> UnsafeBufferPointer<UInt8>? {
            guard column >= 0, column < indexOf.count else { return nil }
            let i = Int(indexOf[column])
            return i >= 0 ? bytes(fields[i]) : nil
        }
    }

    /// The row as a grid row: text cells, left to right, as `GridSink` stores them.
    func cells() -> [Grid.Entry] {
        withFields { f in f.fields.map { Grid.Entry(column: $0.column, cell: .text(CSV.text(f.bytes($0))), format: -1) } }
    }
}

/// The receiving end of a streamed CSV: decides the table's layout from its first rows, then
/// reads a one-unit-a-row form a row at a time, and says which rows the scanner may drop.
final class CSVTableStream {
    let reader: FormReader
    let file: String
    let defaultPeriod: Period?
    private var wide: WideTable?
    private var headerBottom = -1
    /// Rows may be read from their bytes (`WideTable.readsPlainRows`).
    private var plainRows = false
    /// The table is not read row by row (long format, sign-offs, explanations): the scanner keeps it.
    private(set) var holdsWhole = false

    init(_ reader: FormReader, file: String, defaultPeriod: Period?) {
        self.reader = reader; self.file = file; self.defaultPeriod = defaultPeriod
    }

    /// Reads the body rows `grid` holds; returns the last row to keep (the header's), or nil to keep all.
    func take(_ grid: Grid) -> Int? {
        if holdsWhole { return nil }
        if wide == nil {
            guard let layout = reader.layout(of: grid), layout.kind == .wide else { holdsWhole = true; return nil }
            wide = WideTable(reader, grid, file: file, header: layout.header, meta: layout.meta, defaultPeriod: defaultPeriod)
            headerBottom = layout.header.bottom
            plainRows = wide?.readsPlainRows ?? false
        }
        for r in grid.rowIndices where r > headerBottom { wide?.read(row: r, of: grid) }
        return headerBottom
    }

    /// Reads one body row given as its fields' bytes (after `take` found a one-unit-a-row form):
    /// from the bytes when it is an ordinary data row, else as the text cells it holds.
    func read(row r: Int, _ row: CSVRow, grid: Grid) {
        guard wide != nil else { return }
        if plainRows, wide?.read(row: r, bytes: row, grid: grid) == true { return }
        wide?.read(row: r, cells: row.cells(), grid: grid)
    }

    /// Room taken at once for a form's rows, at most: a file of many lines and few rows (blank
    /// lines by the million) must not reserve for lines it does not hold; a larger form grows.
    static let reserveLimit = 1 << 16

    /// Makes room for this many more rows of the form (at most `reserveLimit`).
    func reserve(rows: Int) { wide?.reserve(more: min(max(rows, 0), Self.reserveLimit)) }

    /// What the file holds, once the scan is done.
    func finish(_ grid: Grid) -> SheetContent {
        guard wide != nil, take(grid) != nil, var table = wide else { return reader.read(grid, file: file, defaultPeriod: defaultPeriod) }
        wide = nil
        return .submissions([table.finish(grid)])
    }
}
