import Foundation
import RenjuModel

/// A cell as stored in a CSV or a worksheet, before it is interpreted.
public enum RawCell: Hashable, Sendable {
    case text(String)
    case number(Double)
    case bool(Bool)
    /// An Excel error value such as `#DIV/0!`.
    case error(String)
    /// A formula cell without a cached value.
    case formulaWithoutValue(String)

    public var text: String? { if case let .text(s) = self { return s }; return nil }

    /// A display string, for messages and header matching.
    public var display: String {
        switch self {
        case let .text(s): return s
        case let .number(d): return shortestDecimal(excelPrecision(d))
        case let .bool(b): return b ? "TRUE" : "FALSE"
        case let .error(e): return e
        case let .formulaWithoutValue(f): return "=" + f
        }
    }
}

/// One sheet (or one CSV file): sparse cells by zero-based row and column.
public struct Grid: Sendable {
    public let name: String?
    public private(set) var rows: [Int: [Int: RawCell]] = [:]
    /// Number-format ids by cell, for date detection (xlsx only).
    public private(set) var formats: [Int: [Int: Int]] = [:]

    /// Number-format ids that format dates (built-in and the workbook's own).
    public var dateFormats: Set<Int> = []

    public init(name: String?) { self.name = name }

    /// Whether a numeric cell carries a date format (an Excel date serial).
    public func isDate(_ row: Int, _ column: Int) -> Bool {
        guard let f = format(row, column) else { return false }
        return dateFormats.contains(f)
    }

    public mutating func set(_ row: Int, _ column: Int, _ cell: RawCell, format: Int? = nil) {
        rows[row, default: [:]][column] = cell
        if let format { formats[row, default: [:]][column] = format }
    }

    public subscript(row: Int, column: Int) -> RawCell? { rows[row]?[column] }

    public func format(_ row: Int, _ column: Int) -> Int? { formats[row]?[column] }

    public var rowIndices: [Int] { rows.keys.sorted() }

    /// The non-empty cells of a row, left to right.
    public func cells(inRow row: Int) -> [(column: Int, cell: RawCell)] {
        (rows[row] ?? [:]).sorted { $0.key < $1.key }.compactMap { entry in
            if case let .text(s) = entry.value, TextNormalizer.fold(s).isEmpty { return nil }
            return (entry.key, entry.value)
        }
    }
}
