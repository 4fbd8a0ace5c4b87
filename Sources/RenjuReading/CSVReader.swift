import Foundation
import RenjuModel

/// Reads CSV text (RFC 4180: quoted fields, doubled quotes, LF or CRLF) into a grid of text cells.
/// Our own small reader rather than a library: it keeps exact row/column positions for
/// `file:cell` references, and a broken quote or an oversized cell is a problem to report, not a
/// reason to swallow the rest of the file.
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

    public static let maxCellCharacters = 32_767
    /// Excel's own width: no sheet a clerk saves has more columns.
    public static let maxColumns = 16_384
    /// Body rows of a streamed CSV form held at once before they are read and dropped.
    public static let streamChunkRows = 4096

    public static func grid(from text: String, name: String? = nil) -> Grid { parse(text, name: name).grid }

    public static func parse(_ text: String, name: String? = nil) -> (grid: Grid, problems: [Problem]) {
        let first = scan(text, name: name, quotesSpanLines: true)
        if let open = first.unterminated {
            var second = scan(text, name: name, quotesSpanLines: false)
            second.problems.insert(.unterminatedQuote(row: open), at: 0)
            return (second.grid, second.problems)
        }
        return (first.grid, first.problems)
    }

    struct Scan { var grid: Grid; var problems: [Problem]; var unterminated: Int? }

    /// Reads a CSV form with its body rows streamed: once the header is known, rows pass a chunk
    /// at a time into `stream` and are dropped, so a large file's memory is its figures, not a
    /// grid of its text. (A table that is not one unit a row is held whole, as `parse` does.)
    static func read(_ text: String, name: String?, stream makeStream: () -> CSVTableStream) -> (grid: Grid, problems: [Problem], stream: CSVTableStream) {
        var text = text
        func run(_ spanning: Bool) -> (ByteScanner, CSVTableStream) {
            let stream = makeStream()
            var s = ByteScanner(name: name)
            s.stream = stream
            text.withUTF8 { s.run($0, quotesSpanLines: spanning) }
            return (s, stream)
        }
        let (first, firstStream) = run(true)
        if let open = first.unterminated {
            // Rows read through a quote that never closed are read again, quotes ending at the line end.
            var (second, secondStream) = run(false)
            second.problems.insert(.unterminatedQuote(row: open), at: 0)
            return (second.grid, second.problems, secondStream)
        }
        return (first.grid, first.problems, firstStream)
    }

    /// The records of a CSV text as rows of fields (zero-based row numbers, empty lines left out),
    /// without building a grid: for large reference files (a national divisions list).
    public static func records(from text: String) -> [(row: Int, fields: [String])] {
        var text = text
        func run(_ spanning: Bool) -> ByteScanner {
            var s = ByteScanner(name: nil, collectRows: true)
            text.withUTF8 { s.run($0, quotesSpanLines: spanning) }
            return s
        }
        let first = run(true)
        return first.unterminated == nil ? first.records : run(false).records
    }

    static func scan(_ text: String, name: String?, quotesSpanLines: Bool) -> Scan {
        var text = text
        return text.withUTF8 { scan(bytes: $0, name: name, quotesSpanLines: quotesSpanLines) }
    }

    /// The scanner works on UTF-8 bytes: the separators (`,` `"` CR LF) are ASCII and never part
    /// of a multi-byte character, so fields are cut without decoding.
    static func scan(bytes: UnsafeBufferPointer<UInt8>, name: String?, quotesSpanLines: Bool) -> Scan {
        var s = ByteScanner(name: name)
        s.run(bytes, quotesSpanLines: quotesSpanLines)
        return Scan(grid: s.grid, problems: s.problems, unterminated: s.unterminated)
    }

    /// The scanner's state (a struct with methods, not closures over locals: captured variables
    /// are boxed and their every access checked at run time).
    struct ByteScanner {
        var grid: Grid
        var problems: [Problem] = []
        var unterminated: Int?
        var row = 0, col = 0
        /// The field's bytes are `field[..<length]` (the buffer is reused, never shrunk).
        var field: [UInt8] = []
        var length = 0
        var count = 0
        var fieldWasQuoted = false, tooLong = false, dropping = false

        /// Rows of fields instead of a grid (`records(from:)`).
        let collectRows: Bool
        var records: [(row: Int, fields: [String])] = []
        var current: [String] = []

        init(name: String?, collectRows: Bool = false) {
            grid = Grid(name: name); self.collectRows = collectRows; field = Array(repeating: 0, count: 64)
        }

        @inline(__always) mutating func put(_ b: UInt8) {
            if length < field.count { field[length] = b } else { field.append(b) }
            length += 1
        }

        var text: String { field.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[..<length]), as: UTF8.self) } }

        @inline(__always) mutating func append(_ b: UInt8) {
            if b & 0xC0 == 0x80 { if !dropping { put(b) }; return }
            if count < maxCellCharacters { put(b); count += 1; dropping = false; return }
            dropping = true
            if !tooLong { tooLong = true; problems.append(.cellTooLong(row: row, column: col)) }
        }

        /// What is kept of a table: a row's cells up to Excel's width; under the header, only the
        /// header's columns (a cell under no title is never read); and nothing at all when no
        /// header is found where the form reader looks for one. So a file's memory follows its
        /// figures, not its bytes (a 255 MiB one-line CSV was 128 million cells).
        var widthLimit = CSVReader.maxColumns
        var headerFound = false
        var nonEmptyRows = 0
        var reportedWide = false
        /// Where body rows go once the header is found (`read(_:name:stream:)`); nil: kept in the grid.
        var stream: CSVTableStream?
        var rowsHeld = 0

        mutating func flush() {
            if !collectRows, col >= widthLimit || (!headerFound && nonEmptyRows >= FormReader.headerSearchRows) {
                if col >= CSVReader.maxColumns, !reportedWide, !headerFound || widthLimit == CSVReader.maxColumns {
                    reportedWide = true; problems.append(.rowTooWide(row: row))
                }
                length = 0; count = 0; fieldWasQuoted = false; tooLong = false; dropping = false
                return
            }
            if collectRows {
                if length > 0 || fieldWasQuoted || !current.isEmpty {
                    while current.count < col { current.append("") }
                    current.append(text)
                }
            } else if length > 0 || fieldWasQuoted { grid.set(row, col, .text(text)) }
            length = 0; count = 0; fieldWasQuoted = false; tooLong = false; dropping = false
        }

        mutating func endLine() {
            flush()
            if collectRows, !current.isEmpty { records.append((row, current)); current = [] }
            if headerFound, let stream {
                rowsHeld += 1
                if rowsHeld >= CSVTableStream.chunkRows {
                    rowsHeld = 0
                    if let keep = stream.take(grid) { grid.removeRows(after: keep) }
                    if stream.holdsWhole { self.stream = nil }
                }
            }
            if !collectRows, !headerFound {
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
            row += 1; col = 0
        }

        mutating func run(_ bytes: UnsafeBufferPointer<UInt8>, quotesSpanLines: Bool) {
            let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
            var inQuotes = false, quoteRow = 0
            let n = bytes.count
            var i = 0
            var slowUntil = 0  // a run too long for the fast path is taken byte by byte (cut exactly)
            while i < n {
                let c = bytes[i]
                // Fast path: the rest of an unquoted field, copied at once while under the length limit.
                if i >= slowUntil, !inQuotes, c != quote || length > 0 || fieldWasQuoted, c != comma, c != cr, c != lf {
                    var j = i, chars = 0
                    while j < n {
                        let d = bytes[j]
                        if d == comma || d == cr || d == lf { break }
                        if d & 0xC0 != 0x80 { chars += 1 }
                        j += 1
                    }
                    if count + chars < maxCellCharacters, !dropping {
                        if length + (j - i) > field.count { field.append(contentsOf: repeatElement(0, count: length + (j - i) - field.count)) }
                        let at = length
                        field.withUnsafeMutableBufferPointer { dst in
                            if let d = dst.baseAddress, let s = bytes.baseAddress { (d + at).update(from: s + i, count: j - i) }
                        }
                        length += j - i; count += chars
                        i = j
                        continue
                    }
                    slowUntil = j
                }
                i += 1
                if inQuotes {
                    if c == quote {
                        if i < n, bytes[i] == quote { append(quote); i += 1 } else { inQuotes = false }
                    } else if !quotesSpanLines && (c == lf || c == cr) {
                        // The quote never closed on its line: the line ends here.
                        inQuotes = false
                        if c == cr, i < n, bytes[i] == lf { i += 1 }
                        endLine()
                    } else {
                        append(c)
                    }
                    continue
                }
                switch c {
                case quote where length == 0 && !fieldWasQuoted:
                    inQuotes = true; fieldWasQuoted = true; quoteRow = row
                case comma:
                    flush(); col += 1
                case cr:
                    if i < n, bytes[i] == lf { i += 1 }
                    endLine()
                case lf:
                    endLine()
                default:
                    append(c)
                }
            }
            unterminated = inQuotes && quotesSpanLines ? quoteRow : nil
            endLine()
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
