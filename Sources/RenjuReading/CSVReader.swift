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

    /// `read` on a file's bytes as they lie, for bytes `TextDecoding.decode` would read as UTF-8
    /// unchanged (`TextDecoding.isUnmarkedUTF8`): no String is made of the whole file.
    static func read(bytes: UnsafeBufferPointer<UInt8>, name: String?, stream makeStream: () -> CSVTableStream) -> (grid: Grid, problems: [Problem], stream: CSVTableStream) {
        let r = scan(bytes: bytes, name: name, makeStream: makeStream)
        return (r.grid, r.problems, r.stream ?? makeStream())
    }

    static func scan(_ text: String, name: String?, makeStream: () -> CSVTableStream?) -> (grid: Grid, problems: [Problem], stream: CSVTableStream?) {
        var text = text
        return text.withUTF8 { scan(bytes: $0, name: name, makeStream: makeStream) }
    }

    static func scan(bytes: UnsafeBufferPointer<UInt8>, name: String?, makeStream: () -> CSVTableStream?) -> (grid: Grid, problems: [Problem], stream: CSVTableStream?) {
        // The file's lines (none after a last line feed): at most as many body rows, room for
        // which a form's table takes at once.
        let lines = CSV.lineFeeds(bytes) + (bytes.last == 0x0A ? 0 : 1)
        func run(_ spanning: Bool) -> CSVScanner<GridSink> {
            var s = CSVScanner(sink: GridSink(name: name, stream: makeStream(), lines: lines))
            s.run(bytes, quotesSpanLines: spanning)
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
                    // Room for the form's rows at once, before the first are read (a table grown row
                    // by row holds half as much again as it needs, and moves each time it grows).
                    if let keep = stream.take(grid, lines: lines) { grid.removeRows(after: keep) }
                    if stream.holdsWhole { self.stream = nil } else {
                        byRow = true; row.reserve(width: widthLimit)
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

/// One CSV row as the scanner cut it: its kept fields, each found by its column. A field the
/// scanner handed over where it stands in the file's bytes (`input`, valid while the file is
/// scanned) is kept as its place there; any other is copied. Reused from row to row: a column's
/// place is marked with the row's number, so a new row clears nothing (25 million fields a
/// national quarter, each kept without a check of an array's uniqueness). The places are one
/// object: a copy of a row (handed to a form to read) shares them — one row a scan.
struct CSVRow {
    /// The bytes being scanned.
    var input = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    /// Copied fields' bytes.
    private var own: [UInt8] = []
    private let places = Places()

    var isEmpty: Bool { places.count == 0 }

    /// Room for a field in each of the first `width` columns (a table's width); a field further
    /// right is kept aside.
    mutating func reserve(width: Int) { places.reserve(width) }

    mutating func append(column: Int, _ b: UnsafeBufferPointer<UInt8>) {
        if let base = input.baseAddress, let p = b.baseAddress, p >= base, p + b.count <= base + input.count {
            let start = p - base
            places.put(column, start: start, end: start + b.count, inInput: true)
        } else {
            let start = own.count
            own.append(contentsOf: b)
            places.put(column, start: start, end: own.count, inInput: false)
        }
    }

    mutating func removeAll() {
        places.nextRow()
        if !own.isEmpty { own.removeAll(keepingCapacity: true) }
    }

    /// The row's fields' bytes, for the length of `body`.
    func withFields<R>(_ body: (Fields) -> R) -> R {
        own.withUnsafeBufferPointer { own in body(Fields(input: input, own: own, places: places)) }
    }

    struct Fields {
        let input: UnsafeBufferPointer<UInt8>
        let own: UnsafeBufferPointer<UInt8>
        fileprivate let places: Places
        /// The field at a column, if the row has one there.
        @inline(__always)
        func at(_ column: Int) -> UnsafeBufferPointer<UInt8>? {
            guard let f = places.field(column) else { return nil }
            return UnsafeBufferPointer(rebasing: (f.inInput ? input : own)[f.start..<f.end])
        }
        /// The row's fields, left to right.
        var all: [(column: Int, bytes: UnsafeBufferPointer<UInt8>)] {
            places.columns().compactMap { c in at(c).map { (c, $0) } }
        }
    }

    /// The row as a grid row: text cells, left to right, as `GridSink` stores them.
    func cells() -> [Grid.Entry] {
        withFields { f in f.all.map { Grid.Entry(column: $0.column, cell: .text(CSV.text($0.bytes)), format: -1) } }
    }
}

/// Where each column's field of the current row lies: a column's entry counts only when it
/// carries the row's number (`row`). Owned memory, freed with the row.
private final class Places {
    struct Field { let start: Int; let end: Int; let inInput: Bool }
    private(set) var width = 0
    private var rowOf: UnsafeMutablePointer<Int> = .allocate(capacity: 1)
    private var starts: UnsafeMutablePointer<Int> = .allocate(capacity: 1)
    /// A field's end; negative (−end − 1) for bytes copied aside rather than in the input.
    private var ends: UnsafeMutablePointer<Int> = .allocate(capacity: 1)
    private var row = 1
    /// Fields of columns at or beyond `width`, in order.
    private var beyond: [(column: Int, field: Field)] = []
    private(set) var count = 0

    deinit { rowOf.deallocate(); starts.deallocate(); ends.deallocate() }

    func reserve(_ columns: Int) {
        guard columns > width else { return }
        let held = self.columns().compactMap { c in field(c).map { (c, $0) } }
        rowOf.deallocate(); starts.deallocate(); ends.deallocate()
        rowOf = .allocate(capacity: columns); starts = .allocate(capacity: columns); ends = .allocate(capacity: columns)
        // Marked with no row (rows count from 1).
        rowOf.initialize(repeating: 0, count: columns)
        starts.initialize(repeating: 0, count: columns)
        ends.initialize(repeating: 0, count: columns)
        width = columns
        beyond.removeAll(); count = 0
        for (c, f) in held { put(c, start: f.start, end: f.end, inInput: f.inInput) }
    }

    @inline(__always)
    func put(_ column: Int, start: Int, end: Int, inInput: Bool) {
        count += 1
        guard column >= 0, column < width else { beyond.append((column, Field(start: start, end: end, inInput: inInput))); return }
        rowOf[column] = row; starts[column] = start; ends[column] = inInput ? end : -end - 1
    }

    @inline(__always)
    func field(_ column: Int) -> Field? {
        if column >= 0, column < width {
            guard rowOf[column] == row else { return nil }
            let e = ends[column]
            return e >= 0 ? Field(start: starts[column], end: e, inInput: true) : Field(start: starts[column], end: -e - 1, inInput: false)
        }
        return beyond.first { $0.column == column }?.field
    }

    /// The columns with a field, left to right.
    func columns() -> [Int] { (0..<width).filter { rowOf[$0] == row } + beyond.map(\.column) }

    func nextRow() {
        row += 1; count = 0
        if !beyond.isEmpty { beyond.removeAll(keepingCapacity: true) }
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
    /// `lines`, the file's lines, makes room for the rows under the header when the layout is decided.
    func take(_ grid: Grid, lines: Int? = nil) -> Int? {
        if holdsWhole { return nil }
        if wide == nil {
            guard let layout = reader.layout(of: grid), layout.kind == .wide else { holdsWhole = true; return nil }
            wide = WideTable(reader, grid, file: file, header: layout.header, meta: layout.meta, defaultPeriod: defaultPeriod)
            headerBottom = layout.header.bottom
            plainRows = wide?.readsPlainRows ?? false
            if let lines { reserve(rows: lines - headerBottom - 1) }
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
