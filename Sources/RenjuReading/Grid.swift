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
///
/// Rows are kept as short arrays sorted by column (a form row has a few dozen cells), found
/// through a row table; cells arrive row by row, so the last row is cached. A `<dimension>` or
/// a row number can lie: nothing is allocated for rows or columns without cells.
public struct Grid: Sendable {
    /// A stored cell: its column, content and number-format id (−1 for none).
    public struct Entry: Sendable {
        public let column: Int
        public var cell: RawCell
        public internal(set) var format: Int32
    }

    public let name: String?
    private var slotOfRow: [Int: Int] = [:]
    private var rowNumbers: [Int] = []
    private var rowData: [[Entry]] = []
    private var ordered = true
    private var lastRow = -1, lastSlot = -1
    public private(set) var cellCount = 0

    /// Number-format ids that format dates (built-in and the workbook's own).
    public var dateFormats: Set<Int> = [] { didSet { dateFlags = Self.flags(dateFormats) } }
    /// Number-format ids that show a number as a percentage (`0%`, `0.00%`, custom ones with `%`):
    /// the cell holds 0.7464 and shows 74.64 %.
    public var percentFormats: Set<Int> = [] { didSet { percentFlags = Self.flags(percentFormats) } }
    /// The two sets as flags by format id, asked for every figure's cell (a set is hashed each time).
    private var dateFlags: [Bool] = [], percentFlags: [Bool] = []
    /// The workbook counts dates from 1904-01-01 (Mac Excel's `date1904`), not from 1900.
    public var date1904 = false
    /// The sheet is hidden or very hidden in its workbook.
    public var hidden = false
    /// Merged ranges of the sheet (zero-based, inclusive), as `<mergeCells>` lists them.
    public var merges: [CellRange] = []
    /// What recomputing a formula cell found, by `FormulaNote.key(row, column)`; empty for most sheets.
    public var formulaNotes: [Int: FormulaNote] = [:]

    public init(name: String?) { self.name = name }

    /// Whether a numeric cell carries a date format (an Excel date serial).
    public func isDate(_ row: Int, _ column: Int) -> Bool {
        guard let f = format(row, column) else { return false }
        return dateFormats.contains(f)
    }

    /// Whether a number-format id (an entry's `format`) formats dates.
    public func isDate(format f: Int32) -> Bool { f >= 0 && Int(f) < dateFlags.count && dateFlags[Int(f)] }

    /// Whether a numeric cell is shown as a percentage.
    public func isPercent(format f: Int32) -> Bool { f >= 0 && Int(f) < percentFlags.count && percentFlags[Int(f)] }

    /// Flags by id; ids are a workbook's style numbers (at most 65,430 in Excel) — beyond a
    /// million (a foreign file's nonsense) an id is not flagged.
    private static func flags(_ ids: Set<Int>) -> [Bool] {
        let kept = ids.filter { $0 >= 0 && $0 < 1 << 20 }
        guard let top = kept.max() else { return [] }
        var out = [Bool](repeating: false, count: top + 1)
        for i in kept { out[i] = true }
        return out
    }

    /// The date of an Excel serial in this workbook's date system.
    public func date(serial: Double) -> CivilDate? {
        CivilDate(excelSerial: date1904 ? serial + 1462 : serial)
    }

    /// The merged range whose top-left cell or interior holds (row, column), if any.
    public func merge(containing row: Int, _ column: Int) -> CellRange? {
        merges.first { $0.contains(row, column) }
    }

    public mutating func set(_ row: Int, _ column: Int, _ cell: RawCell, format: Int? = nil) {
        let fmt = format.map { Int32(clamping: $0) } ?? -1
        let slot: Int
        if row == lastRow { slot = lastSlot } else if let s = slotOfRow[row] { slot = s } else {
            slot = rowData.count
            if let last = rowNumbers.last, last > row { ordered = false }
            // Rows of a form are alike: room for as many cells as the row before.
            var cells: [Entry] = []
            cells.reserveCapacity(rowData.last?.count ?? 0)
            slotOfRow[row] = slot; rowNumbers.append(row); rowData.append(cells)
        }
        lastRow = row; lastSlot = slot
        let entry = Entry(column: column, cell: cell, format: fmt)
        if let last = rowData[slot].last, last.column >= column {
            if let i = rowData[slot].firstIndex(where: { $0.column >= column }) {
                if rowData[slot][i].column == column { rowData[slot][i] = entry; return }
                rowData[slot].insert(entry, at: i)
            }
        } else {
            rowData[slot].append(entry)
        }
        cellCount += 1
    }

    /// Drops every row below `row` (kept: `row` and the rows above it): a CSV scanned in chunks
    /// keeps its title and header rows while its body rows pass through.
    public mutating func removeRows(after row: Int) {
        guard rowNumbers.contains(where: { $0 > row }) else { return }
        var numbers: [Int] = [], data: [[Entry]] = []
        for (slot, r) in rowNumbers.enumerated() where r <= row { numbers.append(r); data.append(rowData[slot]) }
        rowNumbers = numbers; rowData = data
        slotOfRow = Dictionary(uniqueKeysWithValues: zip(numbers, numbers.indices))
        cellCount = data.reduce(0) { $0 + $1.count }
        ordered = zip(numbers, numbers.dropFirst()).allSatisfy { $0 < $1 }
        lastRow = -1; lastSlot = -1
    }

    /// The slot of a row: the last one set, or by position when rows are dense, else by the table.
    @inline(__always)
    private func slot(of row: Int) -> Int? {
        if row == lastRow { return lastSlot }
        if let first = rowNumbers.first {
            let guess = row - first
            if guess >= 0, guess < rowNumbers.count, rowNumbers[guess] == row { return guess }
        }
        return slotOfRow[row]
    }

    private func entry(_ row: Int, _ column: Int) -> Entry? {
        guard let slot = slot(of: row) else { return nil }
        let cells = rowData[slot]
        // Binary search by column.
        var lo = 0, hi = cells.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cells[mid].column < column { lo = mid + 1 } else { hi = mid }
        }
        return lo < cells.count && cells[lo].column == column ? cells[lo] : nil
    }

    public subscript(row: Int, column: Int) -> RawCell? { entry(row, column)?.cell }

    public func format(_ row: Int, _ column: Int) -> Int? {
        guard let f = entry(row, column)?.format, f >= 0 else { return nil }
        return Int(f)
    }

    /// Rows that have cells, top to bottom.
    public var rowIndices: [Int] { ordered ? rowNumbers : rowNumbers.sorted() }

    /// Every stored cell of a row, left to right, blank text included.
    public func rawCells(inRow row: Int) -> [Entry] {
        guard let slot = slot(of: row) else { return [] }
        return rowData[slot]
    }

    /// The non-empty cells of a row, left to right.
    public func cells(inRow row: Int) -> [(column: Int, cell: RawCell)] {
        guard let slot = slot(of: row) else { return [] }
        var out: [(column: Int, cell: RawCell)] = []
        out.reserveCapacity(rowData[slot].count)
        for e in rowData[slot] {
            if case let .text(s) = e.cell, TextNormalizer.isBlank(s) { continue }
            out.append((e.column, e.cell))
        }
        return out
    }
}

/// A rectangle of cells, zero-based and inclusive (`A4:A5` is rows 3–4 of column 0).
public struct CellRange: Hashable, Sendable {
    public let top: Int, left: Int, bottom: Int, right: Int
    public init(top: Int, left: Int, bottom: Int, right: Int) {
        self.top = min(top, bottom); self.bottom = max(top, bottom)
        self.left = min(left, right); self.right = max(left, right)
    }
    public func contains(_ row: Int, _ column: Int) -> Bool {
        row >= top && row <= bottom && column >= left && column <= right
    }
}

/// What Renju found when it recomputed a formula cell (SPEC §4: a formula without a value is an
/// error; the formulas forms use are recomputed, so a stale cached value is caught).
public enum FormulaNote: Hashable, Sendable {
    /// No cached value; the formula's result was computed and is the cell's value.
    case computed(formula: String, value: Double)
    /// The cached value differs from what the formula gives; the formula's result is the cell's value.
    case stale(formula: String, cached: String, computed: Double)
    /// A cached value was kept: the formula is beyond what Renju recomputes (named in `reason`).
    case notRecomputed(formula: String, reason: String)

    public static func key(_ row: Int, _ column: Int) -> Int { row &* 16_385 &+ column }
}
