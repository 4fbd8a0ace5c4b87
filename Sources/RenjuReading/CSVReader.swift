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
    }

    public static let maxCellCharacters = 32_767

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

    static func scan(_ text: String, name: String?, quotesSpanLines: Bool) -> Scan {
        var grid = Grid(name: name)
        var problems: [Problem] = []
        var row = 0, col = 0
        var field = String.UnicodeScalarView()
        var count = 0
        var inQuotes = false, quoteRow = 0
        var fieldWasQuoted = false, tooLong = false
        var it = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func append(_ c: Unicode.Scalar) {
            if count < maxCellCharacters { field.append(c); count += 1 } else if !tooLong {
                tooLong = true; problems.append(.cellTooLong(row: row, column: col))
            }
        }
        func flush() {
            if !field.isEmpty || fieldWasQuoted { grid.set(row, col, .text(String(field))) }
            field = String.UnicodeScalarView(); count = 0; fieldWasQuoted = false; tooLong = false
        }
        func endLine() { flush(); row += 1; col = 0 }
        while true {
            let next: Unicode.Scalar?
            if let p = pending { next = p; pending = nil } else { next = it.next() }
            guard let c = next else { break }
            if inQuotes {
                if c == "\"" {
                    if let n = it.next() {
                        if n == "\"" { append("\"") } else { inQuotes = false; pending = n }
                    } else { inQuotes = false }
                } else if !quotesSpanLines && (c == "\n" || c == "\r") {
                    // The quote never closed on its line: the line ends here.
                    inQuotes = false
                    if c == "\r", let n = it.next(), n != "\n" { pending = n }
                    endLine()
                } else {
                    append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !fieldWasQuoted:
                inQuotes = true; fieldWasQuoted = true; quoteRow = row
            case ",":
                flush(); col += 1
            case "\r":
                if let n = it.next(), n != "\n" { pending = n }
                endLine()
            case "\n":
                endLine()
            default:
                append(c)
            }
        }
        let unterminated = inQuotes && quotesSpanLines ? quoteRow : nil
        flush()
        return Scan(grid: grid, problems: problems, unterminated: unterminated)
    }
}
