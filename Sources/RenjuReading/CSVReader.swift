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
    /// Body rows of a streamed CSV form held at once before they are read and dropped.
    public static let streamChunkRows = 4096

    public static func grid(from text: String, name: String? = nil) -> Grid { parse(text, name: name).grid }

    /// The whole file as a grid (tests, the fuzzer, small files).
    public static func parse(_ text: String, name: String? = nil) -> (grid: Grid, problems: [Problem]) {
        let r = scan(text, name: name, makeStream: { nil })
        return (r.grid, r.problems)
    }

    /// Reads a CSV form with its body rows streamed: once the header is known, rows pass a chunk
    /// at a time into the stream and are dropped, so a large file's memory is its figures, not a
    /// grid of its text. (A table that is not one unit a row is held whole, as `parse` does.)
    static func read(_ text: String, name: String?, stream makeStream: () -> CSVTableStream) -> (grid: Grid, problems: [Problem], stream: CSVTableStream) {
        let r = scan(text, name: name, makeStream: makeStream)
        return (r.grid, r.problems, r.stream ?? makeStream())
    }

    static func scan(_ text: String, name: String?, makeStream: () -> CSVTableStream?) -> (grid: Grid, problems: [Problem], stream: CSVTableStream?) {
        var text = text
        func run(_ spanning: Bool) -> CSVScanner<GridSink> {
            var s = CSVScanner(sink: GridSink(name: name, stream: makeStream()))
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
    /// its bytes (a 255 MiB one-line CSV was 128 million cells). Once the header is found, body
    /// rows go to the stream, if any, a chunk at a time.
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
        var rowsHeld = 0

        init(name: String?, stream: CSVTableStream?) { grid = Grid(name: name); self.stream = stream; given = stream }

        mutating func keeps(row: Int, column: Int) -> Bool {
            if column >= widthLimit || (!headerFound && nonEmptyRows >= FormReader.headerSearchRows) {
                if column >= CSVReader.maxColumns, !reportedWide, !headerFound || widthLimit == CSVReader.maxColumns {
                    reportedWide = true; problems.append(.rowTooWide(row: row))
                }
                return false
            }
            return true
        }

        mutating func field(row: Int, column: Int, text: String, quoted: Bool) {
            if !text.isEmpty || quoted { grid.set(row, column, .text(text)) }
        }

        mutating func cellTooLong(row: Int, column: Int) { problems.append(.cellTooLong(row: row, column: column)) }

        mutating func endLine(row: Int) {
            if headerFound, let stream {
                rowsHeld += 1
                if rowsHeld >= CSVTableStream.chunkRows {
                    rowsHeld = 0
                    if let keep = stream.take(grid) { grid.removeRows(after: keep) }
                    if stream.holdsWhole { self.stream = nil }
                }
            }
            if !headerFound {
                let cells = grid.cells(inRow: row)
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

/// The receiving end of a streamed CSV: decides the table's layout from its first rows, reads a
/// one-unit-a-row form chunk by chunk, and says which rows the scanner may drop.
final class CSVTableStream {
    static var chunkRows: Int { CSVReader.streamChunkRows }
    let reader: FormReader
    let file: String
    let defaultPeriod: Period?
    private var wide: WideTable?
    private var headerBottom = -1
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
        }
        for r in grid.rowIndices where r > headerBottom { wide?.read(row: r, of: grid) }
        return headerBottom
    }

    /// What the file holds, once the scan is done.
    func finish(_ grid: Grid) -> SheetContent {
        guard wide != nil, take(grid) != nil, var table = wide else { return reader.read(grid, file: file, defaultPeriod: defaultPeriod) }
        wide = nil
        return .submissions([table.finish(grid)])
    }
}
