import Foundation
import RenjuModel

/// Reads CSV text (RFC 4180: quoted fields, doubled quotes, LF or CRLF) into a grid of text cells.
/// Our own small reader rather than a library: it keeps exact row/column positions for
/// `file:cell` references and never fails on a broken quote (the rest of the line is one field).
public enum CSVReader {
    public struct Failure: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public static func grid(from text: String, name: String? = nil) -> Grid {
        var grid = Grid(name: name)
        var row = 0, col = 0
        var field = ""
        var inQuotes = false
        var fieldWasQuoted = false
        var it = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func flush() {
            if !field.isEmpty || fieldWasQuoted { grid.set(row, col, .text(field)) }
            field = ""; fieldWasQuoted = false
        }
        while true {
            let next: Unicode.Scalar?
            if let p = pending { next = p; pending = nil } else { next = it.next() }
            guard let c = next else { break }
            if inQuotes {
                if c == "\"" {
                    if let n = it.next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = n }
                    } else { inQuotes = false }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !fieldWasQuoted:
                inQuotes = true; fieldWasQuoted = true
            case ",":
                flush(); col += 1
            case "\r":
                if let n = it.next(), n != "\n" { pending = n }
                flush(); row += 1; col = 0
            case "\n":
                flush(); row += 1; col = 0
            default:
                field.unicodeScalars.append(c)
            }
        }
        flush()
        return grid
    }
}
