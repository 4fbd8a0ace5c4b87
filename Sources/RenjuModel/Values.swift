import Foundation

/// Where a figure came from: `file.xlsx:数据!F7`, `file.csv:D12`.
public struct SourceRef: Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let sheet: String?
    /// Zero-based row and column of the cell, when the source is a cell.
    public let row: Int?
    public let column: Int?

    public init(file: String, sheet: String? = nil, row: Int? = nil, column: Int? = nil) {
        self.file = file; self.sheet = sheet; self.row = row; self.column = column
    }

    /// The cell in A1 style (`F7`), when the source is a cell.
    public var cell: String? {
        guard let row else { return nil }
        return Self.a1(row: row, column: column ?? 0)
    }

    public var description: String {
        var s = file
        if let sheet, let cell { s += ":\(sheet)!\(cell)" } else if let sheet { s += ":\(sheet)" } else if let cell { s += ":\(cell)" }
        return s
    }

    /// A1-style reference for a zero-based row and column.
    public static func a1(row: Int, column: Int) -> String { columnLetters(column) + String(row + 1) }

    public static func columnLetters(_ column: Int) -> String {
        var n = column + 1
        var s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }
}

/// One reported figure.
public struct Observation: Hashable, Sendable {
    public let value: Double
    public let source: SourceRef?
    public init(_ value: Double, source: SourceRef? = nil) { self.value = value; self.source = source }
}

/// A row of a submission: one unit as it appeared in the file.
public struct UnitRow: Hashable, Sendable {
    public let code: UnitCode
    /// The name written on the row (`刘郝村`, or `合计` on a total row).
    public let givenName: String?
    public let source: SourceRef?
    public init(code: UnitCode, givenName: String?, source: SourceRef?) {
        self.code = code; self.givenName = givenName; self.source = source
    }
}

/// Figures by unit and indicator for one period.
///
/// Stored by column: one array of values per indicator, one row per unit, and where each value
/// was read (file, sheet, row, column packed into 64 bits). A form's figures share their cells'
/// parts: the figures of a row were read from one row of one file, the figures of a column from
/// one column of it. So a place is kept per row (file, sheet, row) and per column (the file's
/// column), and a column keeps a place for each of its figures only once one of them does not
/// fit that pattern (a long table, forms of different layouts merged). A national quarter is
/// about 25 million figures; this keeps them in ≈ 8 bytes each, looked up by two integer hashes.
public struct PeriodValues: Sendable {
    /// The file and sheet figures were read from.
    public struct Origin: Hashable, Sendable {
        public let file: String
        public let sheet: String?
        public init(file: String, sheet: String?) { self.file = file; self.sheet = sheet }
    }

    /// A registered origin of this table (see `origin(file:sheet:)`).
    public struct OriginID: Hashable, Sendable { let index: Int32 }

    /// Units by row.
    public private(set) var codes: [UnitCode] = []
    private var rowOf = UnitIndex()
    /// Indicators by column.
    public private(set) var indicators: [IndicatorID] = []
    private var columnOfSlot: [Int32] = []
    @usableFromInline var columns: [[Double]] = []
    /// Each figure's packed place, for the columns whose places are not derived (`ownPlaces`);
    /// empty for the others.
    private var places: [[UInt64]] = []
    private var ownPlaces: [Bool] = []
    /// The row part of the derived places (origin and row), a row each; `unsetPlace` until a
    /// figure of the row is placed.
    private var rowPlaces: [UInt64] = []
    /// The column part of the derived places (the file's column), a column each; `unsetPlace`
    /// until a figure of the column is placed.
    private var columnPlaces: [UInt64] = []
    private var origins: [Origin] = []
    private var originIndex: [Origin: Int32] = [:]
    /// Sources that do not fit the packed form, by `column << 32 | row`.
    private var overflow: [Int: SourceRef] = [:]

    @usableFromInline static let missingBits: UInt64 = 0x7FF8_DEAD_BEEF_0001
    static let missing = Double(bitPattern: missingBits)
    static let overflowPlace = UInt64.max
    static let unsetPlace = UInt64.max
    static let columnBits: UInt64 = 0x3FFF

    public init() {}

    // MARK: reading

    public subscript(unit: UnitCode, indicator: IndicatorID) -> Double? {
        guard let r = rowOf[unit], let c = column(of: indicator) else { return nil }
        let v = columns[c][Int(r)]
        return v.bitPattern == Self.missingBits ? nil : v
    }

    public func observation(_ unit: UnitCode, _ indicator: IndicatorID) -> Observation? {
        guard let r = rowOf[unit], let c = column(of: indicator) else { return nil }
        let v = columns[c][Int(r)]
        if v.bitPattern == Self.missingBits { return nil }
        return Observation(v, source: source(column: c, row: Int(r)))
    }

    /// Where a figure was read, if it was read from a file.
    public func source(_ unit: UnitCode, _ indicator: IndicatorID) -> SourceRef? {
        guard let r = rowOf[unit], let c = column(of: indicator) else { return nil }
        return source(column: c, row: Int(r))
    }

    /// The row of a unit in `codes`, if it has figures.
    public func row(of unit: UnitCode) -> Int? { rowOf[unit].map(Int.init) }

    /// `row(of:)`, tried first at `hint`: no look-up when the unit is there.
    @inlinable
    func row(of unit: UnitCode, near hint: Int) -> Int? {
        if hint >= 0, hint < codes.count, codes[hint] == unit { return hint }
        return row(of: unit)
    }

    /// Units' rows found one after another, each tried first after the last one found: rows
    /// walked in the order they were read (a form's rows, a county's units) mostly are — and a
    /// national table's hash look-ups miss the cache.
    public struct RowCursor: Sendable {
        @usableFromInline var next = 0
        public init() {}
        /// `values.row(of: unit)`.
        @inlinable
        public mutating func row(of unit: UnitCode, in values: PeriodValues) -> Int? {
            let r = values.row(of: unit, near: next)
            if let r { next = r + 1 }
            return r
        }
    }

    /// The rows of units, in their order (`row(of:)` of each), through one cursor.
    /// (Inlinable: made for the caller's own sequence, not worked out generically at run time.)
    @inlinable
    public func rows<S: Sequence>(of units: S) -> [Int?] where S.Element == UnitCode {
        var out: [Int?] = []
        out.reserveCapacity(units.underestimatedCount)
        var cursor = RowCursor()
        for u in units { out.append(cursor.row(of: u, in: self)) }
        return out
    }

    /// The column of an indicator in `indicators`, if any unit has it.
    public func column(for indicator: IndicatorID) -> Int? { column(of: indicator) }

    /// The columns of the given indicators (nil where no unit has one), for `value(row:column:)`.
    public func columns(for ids: [IndicatorID]) -> [Int?] { ids.map { column(of: $0) } }

    /// A whole column (one entry a row; a blank is a NaN payload — read it with `figure(_:)`),
    /// for a check that reads one column for many rows without a call per figure.
    public func columnValues(_ column: Int) -> [Double] { columns[column] }

    /// A column entry as a figure: nil for a blank.
    @inlinable
    public static func figure(_ v: Double) -> Double? { v.bitPattern == 0x7FF8_DEAD_BEEF_0001 ? nil : v }

    /// The figure at a row and an optional column, nil when either is missing. (Inlined into
    /// the checks: they ask for tens of millions of figures.)
    @inlinable
    public func value(row: Int?, column: Int?) -> Double? {
        guard let row, let column else { return nil }
        let v = columns[column][row]
        return v.bitPattern == Self.missingBits ? nil : v
    }

    /// The figure at a row and column, nil when missing.
    @inlinable
    public func value(row: Int, column: Int) -> Double? {
        let v = columns[column][row]
        return v.bitPattern == Self.missingBits ? nil : v
    }

    /// The units with at least one figure, sorted by code.
    public var units: [UnitCode] { codes.sorted() }
    public var isEmpty: Bool { codes.isEmpty }
    public func contains(_ unit: UnitCode) -> Bool { rowOf[unit] != nil }

    /// Number of figures held.
    public var count: Int {
        columns.reduce(0) { n, col in n + col.reduce(0) { $0 + ($1.bitPattern == Self.missingBits ? 0 : 1) } }
    }

    /// Bytes the table holds for its figures and their cells (the arrays' capacity, not their
    /// count): what a benchmark sets against the figures' own 8 bytes of value.
    public var allocatedBytes: Int {
        var n = 0
        for c in columns { n += c.capacity * 8 }
        for p in places { n += p.capacity * 8 }
        return n + codes.capacity * 8 + rowPlaces.capacity * 8 + columnPlaces.capacity * 8 + rowOf.allocatedBytes
    }

    /// A unit's figures with their sources, in column order.
    public func entries(of unit: UnitCode) -> [(indicator: IndicatorID, observation: Observation)] {
        guard let r = rowOf[unit].map(Int.init) else { return [] }
        var out: [(IndicatorID, Observation)] = []
        for c in columns.indices where columns[c][r].bitPattern != Self.missingBits {
            out.append((indicators[c], Observation(columns[c][r], source: source(column: c, row: r))))
        }
        return out
    }

    /// A unit's figures by indicator.
    /// Every figure, by unit code and then indicator id — the order a store writes them in — read
    /// straight from the columns (a national quarter through `figures(of:)` built a dictionary a unit).
    public func orderedFigures() -> [(unit: UnitCode, indicator: IndicatorID, value: Double)] {
        let order = indicators.indices.sorted { indicators[$0] < indicators[$1] }
        let rows = codes.indices.sorted { codes[$0] < codes[$1] }
        var out: [(unit: UnitCode, indicator: IndicatorID, value: Double)] = []
        out.reserveCapacity(rows.count * order.count)
        for r in rows {
            for c in order {
                let v = columns[c][r]
                if v.bitPattern != Self.missingBits { out.append((codes[r], indicators[c], v)) }
            }
        }
        return out
    }

    public func figures(of unit: UnitCode) -> [IndicatorID: Double] {
        guard let r = rowOf[unit].map(Int.init) else { return [:] }
        var out: [IndicatorID: Double] = [:]
        for c in columns.indices where columns[c][r].bitPattern != Self.missingBits { out[indicators[c]] = columns[c][r] }
        return out
    }

    /// Every figure, unit by unit in the order units were added.
    public func forEach(_ body: (UnitCode, IndicatorID, Double) -> Void) {
        for r in codes.indices {
            for c in columns.indices where columns[c][r].bitPattern != Self.missingBits { body(codes[r], indicators[c], columns[c][r]) }
        }
    }

    // MARK: writing

    /// Registers the file (and sheet) figures are read from; pass the id to the fast `set`.
    public mutating func origin(file: String, sheet: String?) -> OriginID {
        if let last = origins.last, last.file == file, last.sheet == sheet { return OriginID(index: Int32(origins.count - 1)) }
        let o = Origin(file: file, sheet: sheet)
        if let i = originIndex[o] { return OriginID(index: i) }
        let i = Int32(truncatingIfNeeded: origins.count)
        origins.append(o); originIndex[o] = i
        return OriginID(index: i)
    }

    public mutating func set(_ unit: UnitCode, _ indicator: IndicatorID, _ obs: Observation) {
        let (r, c) = slot(unit, indicator)
        columns[c][r] = obs.value
        guard let s = obs.source else { writePlace(c, r, 0); return }
        let o = origin(file: s.file, sheet: s.sheet)
        place(c, r, origin: o, row: s.row, column: s.column, fallback: s)
    }

    /// Sets a figure read from a cell of a registered origin.
    public mutating func set(_ unit: UnitCode, _ indicator: IndicatorID, _ value: Double, origin: OriginID, row: Int, column: Int) {
        let (r, c) = slot(unit, indicator)
        columns[c][r] = value
        place(c, r, origin: origin, row: row, column: column, fallback: nil)
    }

    /// Makes room for `rows` units in all, so that merging many submissions does not regrow.
    public mutating func reserveCapacity(rows: Int) {
        rowOf.reserve(rows)
        codes.reserveCapacity(rows)
        rowPlaces.reserveCapacity(rows)
        for i in columns.indices {
            columns[i].reserveCapacity(rows)
            if ownPlaces[i] { places[i].reserveCapacity(rows) }
        }
    }

    /// A figure of a row being read: its value, its column in the file and the column of its
    /// indicator in this table (a slot from `register(_:)`). No indicator id is carried: a row of a
    /// national file is read a million times, and the id's text would be counted in and out each time.
    public struct RowFigure: Sendable {
        public let value: Double
        public let column: Int
        public let slot: Int
        /// The indicator's interned number (`IndicatorID.slot`): a slot of another table, or of
        /// another indicator, is never written into.
        public let indicator: Int32
        public init(value: Double, column: Int, slot: Int, indicator: IndicatorID) {
            self.value = value; self.column = column; self.slot = slot; self.indicator = indicator.slot
        }
    }

    /// Adds columns for the indicators (a form's columns, before its rows are read); their slots.
    public mutating func register(_ ids: [IndicatorID]) -> [Int] { ids.map { slot(nil, $0).1 } }

    /// A blank in a row given to `appendRow` (the payload a column stores for a missing figure).
    public static var blankEntry: Double { missing }

    /// Where a form's figures go, one entry a value column of the form, left to right: the
    /// table's column (a slot from `register(_:)`), its indicator's interned number, and the
    /// file's column. Made once a form, for `appendRow`.
    public struct RowColumns: Sendable {
        let slots: [Int]
        let indicators: [Int32]
        let fileColumns: [Int]
        /// No two entries share a slot (a form reads an indicator from one column).
        let distinct: Bool
        public init(slots: [Int], indicators: [IndicatorID], fileColumns: [Int]) {
            self.slots = slots; self.indicators = indicators.map(\.slot); self.fileColumns = fileColumns
            distinct = Set(slots).count == slots.count && indicators.count == slots.count && fileColumns.count == slots.count
        }
        public var count: Int { slots.count }
    }

    /// Adds a unit the table does not have yet, with the figures of one row read from a
    /// registered origin: `values[k]` (`blankEntry` for a blank cell) for the form's value column
    /// `k` of `layout`. Stores and places them exactly as `setRow` would, a column at a time
    /// instead of a figure at a time (a national quarter is 25 million figures). Returns false,
    /// having changed nothing, when it cannot: the unit is already here, or a figure's place does
    /// not fit its row's and its column's — the caller then goes through `setRow`. A row of blanks
    /// stores nothing (true), as `setRow` stores nothing without figures.
    public mutating func appendRow(_ unit: UnitCode, _ values: [Double], _ layout: RowColumns, origin: OriginID, row: Int) -> Bool {
        let n = values.count
        let o = Int(origin.index)
        guard layout.distinct, n == layout.count, o < (1 << 24) - 1, row >= 0, row < (1 << 26) - 1 else { return false }
        let missingBits = Self.missingBits, unset = Self.unsetPlace, count = columns.count
        var any = false
        for k in 0..<n where values[k].bitPattern != missingBits {
            let s = layout.slots[k], c = layout.fileColumns[k]
            guard s >= 0, s < count, indicators[s].slot == layout.indicators[k], c >= 0, c < (1 << 14) else { return false }
            if !ownPlaces[s], columnPlaces[s] != unset, columnPlaces[s] != UInt64(c) { return false }
            any = true
        }
        guard any else { return true }
        let r = codes.count
        guard rowOf.insert(unit, Int32(truncatingIfNeeded: r)) == nil else { return false }
        codes.append(unit)
        let rowPlace = UInt64(o + 1) << 40 | UInt64(row + 1) << 14
        rowPlaces.append(rowPlace)
        // The form's columns are every column of the table (the usual case): each gets its entry
        // at once. Else every column gets a blank first and the form's entries are written in.
        let covers = n == count
        if !covers {
            for i in 0..<count {
                columns[i].append(Self.missing)
                if ownPlaces[i] { places[i].append(0) }
            }
        }
        columns.withUnsafeMutableBufferPointer { cols in
            for k in 0..<n {
                let s = layout.slots[k], v = values[k]
                let blank = v.bitPattern == missingBits
                if covers { cols[s].append(v) } else if !blank { cols[s][r] = v }
                if ownPlaces[s] {
                    let place = blank ? 0 : rowPlace | UInt64(layout.fileColumns[k])
                    if covers { places[s].append(place) } else if !blank { places[s][r] = place }
                } else if !blank {
                    columnPlaces[s] = UInt64(layout.fileColumns[k])
                }
            }
        }
        return true
    }

    /// Sets a unit's figures read from one row of a registered origin, the unit looked up once.
    /// Figures the unit already has, and figures whose slot is not their indicator's column in this
    /// table, are left alone; their positions in `figures` are returned (the caller records them one
    /// by one).
    public mutating func setRow(_ unit: UnitCode, _ figures: [RowFigure], origin: OriginID, row: Int) -> [Int] {
        let r = slot(unit, nil).0
        var kept: [Int] = []
        let o = Int(origin.index)
        // The packed place of every figure of the row but its column (see `place`).
        guard o < (1 << 24) - 1, row >= 0, row < (1 << 26) - 1 else {
            for (k, f) in figures.enumerated() {
                guard f.slot >= 0, f.slot < columns.count, indicators[f.slot].slot == f.indicator,
                      columns[f.slot][r].bitPattern == Self.missingBits else { kept.append(k); continue }
                columns[f.slot][r] = f.value
                place(f.slot, r, origin: origin, row: row, column: f.column, fallback: nil)
            }
            return kept
        }
        let rowPlace = UInt64(o + 1) << 40 | UInt64(row + 1) << 14
        let clearOverflow = !overflow.isEmpty
        var wide: [Int] = [], written: [Int] = [], apart: [Int] = []
        let count = columns.count, missingBits = Self.missingBits, unset = Self.unsetPlace
        // The row's figures share its place when it has none yet or the same one.
        if rowPlaces[r] == unset { rowPlaces[r] = rowPlace }
        let sameRow = rowPlaces[r] == rowPlace
        columns.withUnsafeMutableBufferPointer { cols in
            places.withUnsafeMutableBufferPointer { pls in
                columnPlaces.withUnsafeMutableBufferPointer { colPlaces in
                    for k in figures.indices {
                        let f = figures[k]
                        guard f.slot >= 0, f.slot < count, indicators[f.slot].slot == f.indicator,
                              cols[f.slot][r].bitPattern == missingBits else { kept.append(k); continue }
                        guard f.column >= 0, f.column < (1 << 14) else { wide.append(k); continue }
                        cols[f.slot][r] = f.value
                        let columnPlace = UInt64(f.column)
                        if ownPlaces[f.slot] {
                            pls[f.slot][r] = rowPlace | columnPlace
                            if clearOverflow { written.append(f.slot) }
                        } else if sameRow && (colPlaces[f.slot] == columnPlace || colPlaces[f.slot] == unset) {
                            colPlaces[f.slot] = columnPlace
                        } else {
                            apart.append(k)
                        }
                    }
                }
            }
        }
        for c in written { overflow[c << 32 | r] = nil }
        for k in apart { let f = figures[k]; writePlace(f.slot, r, rowPlace | UInt64(f.column)) }
        for k in wide {
            let f = figures[k]
            columns[f.slot][r] = f.value
            place(f.slot, r, origin: origin, row: row, column: f.column, fallback: nil)
        }
        return kept
    }

    /// Sets a unit's figures from a place without cells (a store), the unit looked up once:
    /// `figures` are (slot from `register(_:)`, value).
    public mutating func setStored(_ unit: UnitCode, _ figures: [(slot: Int, value: Double)], origin: OriginID) {
        let r = slot(unit, nil).0
        for f in figures where f.slot >= 0 && f.slot < columns.count {
            columns[f.slot][r] = f.value
            place(f.slot, r, origin: origin, row: nil, column: nil, fallback: nil)
        }
    }

    /// Adds the figures of `other`; where both have a figure, `overwrite` decides which stays.
    /// New units are added in bulk and values copied column by column.
    public mutating func merge(_ other: PeriodValues, overwrite: Bool) {
        if codes.isEmpty && overflow.isEmpty && other.overflow.isEmpty { self = other; return }
        var originMap: [UInt64] = []
        for o in other.origins { originMap.append(UInt64(origin(file: o.file, sheet: o.sheet).index + 1)) }
        var colMap: [Int] = []
        for id in other.indicators { colMap.append(slot(nil, id).1) }
        var rowMap = [Int](repeating: 0, count: other.codes.count)
        var added = 0
        for (or, unit) in other.codes.enumerated() {
            if let r = rowOf[unit] { rowMap[or] = Int(r); continue }
            let r = codes.count
            rowOf.set(unit, Int32(truncatingIfNeeded: r))
            codes.append(unit)
            rowMap[or] = r
            added += 1
        }
        // Every unit of `other` new here (files of different townships, a store's slices): its rows
        // follow ours in its order, and a column whose places both tables derive alike is copied whole.
        let allNew = added > 0 && added == other.codes.count
        var whole = [Bool](repeating: false, count: other.columns.count)
        if allNew {
            for oc in other.columns.indices where other.columns[oc].count == added {
                let c = colMap[oc]
                guard !other.ownPlaces[oc], !ownPlaces[c] else { continue }
                let columnPart = other.columnPlaces[oc]
                if columnPart == Self.unsetPlace { whole[oc] = true; continue }  // no figure in the column
                if columnPlaces[c] == Self.unsetPlace || columnPlaces[c] == columnPart {
                    columnPlaces[c] = columnPart
                    whole[oc] = true
                }
            }
        }
        if added > 0 {
            rowPlaces.append(contentsOf: repeatElement(Self.unsetPlace, count: added))
            var source = [Int](repeating: -1, count: columns.count)
            for oc in whole.indices where whole[oc] { source[colMap[oc]] = oc }
            for i in columns.indices {
                if source[i] >= 0 { columns[i].append(contentsOf: other.columns[source[i]]) } else {
                    columns[i].append(contentsOf: repeatElement(Self.missing, count: added))
                }
                if ownPlaces[i] { places[i].append(contentsOf: repeatElement(0, count: added)) }
            }
        }
        let first = codes.count - added
        if allNew {
            for or in 0..<added {
                let p = other.rowPlaces[or]
                rowPlaces[first + or] = p == Self.unsetPlace || p == 0 ? p : originMap[Int(p >> 40) - 1] << 40 | (p & 0xFF_FFFF_FFFF)
            }
        }
        let missingBits = Self.missingBits, overflowPlace = Self.overflowPlace
        for oc in other.columns.indices where !whole[oc] {
            let c = colMap[oc]
            let src = other.columns[oc]
            for or in 0..<src.count {
                let v = src[or]
                if v.bitPattern == missingBits { continue }
                let r = rowMap[or]
                if !overwrite, columns[c][r].bitPattern != missingBits { continue }
                columns[c][r] = v
                let p = other.packedPlace(column: oc, row: or)
                if p == overflowPlace {
                    writePlace(c, r, p)
                    overflow[c << 32 | r] = other.overflow[oc << 32 | or]
                } else if p == 0 {
                    writePlace(c, r, 0)
                } else {
                    writePlace(c, r, originMap[Int(p >> 40) - 1] << 40 | (p & 0xFF_FFFF_FFFF))
                }
            }
        }
    }

    /// A figure's packed place (`place`), derived or its own; 0 for a blank.
    private func packedPlace(column c: Int, row r: Int) -> UInt64 {
        if ownPlaces[c] { return places[c][r] }
        if columns[c][r].bitPattern == Self.missingBits { return 0 }
        return rowPlaces[r] | columnPlaces[c]
    }

    /// Stores a figure's packed place: derived from its row's and column's when it fits them (or
    /// they have none yet), else in the column's own places (made for the column the first time).
    private mutating func writePlace(_ c: Int, _ r: Int, _ p: UInt64) {
        if !overflow.isEmpty, p != Self.overflowPlace { overflow[c << 32 | r] = nil }
        if !ownPlaces[c] && p != Self.overflowPlace {
            let rowPart = p & ~Self.columnBits, columnPart = p & Self.columnBits
            if rowPlaces[r] == Self.unsetPlace { rowPlaces[r] = rowPart }
            if columnPlaces[c] == Self.unsetPlace { columnPlaces[c] = columnPart }
            if rowPlaces[r] == rowPart && columnPlaces[c] == columnPart { return }
        }
        if !ownPlaces[c] {
            // The column's figures so far, each with its derived place (this one is written below).
            let column = columns[c], columnPart = columnPlaces[c]
            places[c] = column.indices.map { i in
                column[i].bitPattern == Self.missingBits ? 0 : rowPlaces[i] | columnPart
            }
            ownPlaces[c] = true
        }
        places[c][r] = p
    }

    private func column(of indicator: IndicatorID) -> Int? {
        let s = Int(indicator.slot)
        guard s >= 0, s < columnOfSlot.count else { return nil }
        let c = columnOfSlot[s]
        return c < 0 ? nil : Int(c)
    }

    /// The row of `unit` and column of `indicator`, added when missing.
    private mutating func slot(_ unit: UnitCode?, _ indicator: IndicatorID?) -> (Int, Int) {
        var r = -1, c = -1
        if let unit {
            if let existing = rowOf[unit] { r = Int(existing) } else {
                r = codes.count
                rowOf.set(unit, Int32(truncatingIfNeeded: r))
                codes.append(unit)
                rowPlaces.append(Self.unsetPlace)
                for i in columns.indices {
                    columns[i].append(Self.missing)
                    if ownPlaces[i] { places[i].append(0) }
                }
            }
        }
        if let indicator {
            if let existing = column(of: indicator) { c = existing } else {
                let s = Int(indicator.slot)
                if s >= columnOfSlot.count { columnOfSlot.append(contentsOf: repeatElement(-1, count: s + 1 - columnOfSlot.count)) }
                c = columns.count
                columnOfSlot[s] = Int32(c)
                indicators.append(indicator)
                columns.append(Array(repeating: Self.missing, count: codes.count))
                places.append([])
                ownPlaces.append(false)
                columnPlaces.append(Self.unsetPlace)
            }
        }
        return (r, c)
    }

    // Packed place: origin + 1 (24 bits) | row + 1 (26 bits, 0 = no cell) | column (14 bits).
    private mutating func place(_ c: Int, _ r: Int, origin: OriginID, row: Int?, column: Int?, fallback: SourceRef?) {
        let o = Int(origin.index)
        if o < (1 << 24) - 1, (row ?? 0) >= 0, (row ?? 0) < (1 << 26) - 1, (column ?? 0) >= 0, (column ?? 0) < (1 << 14),
           row != nil || column == nil {
            let rowBits = row.map { UInt64($0 + 1) } ?? 0
            writePlace(c, r, UInt64(o + 1) << 40 | rowBits << 14 | UInt64(column ?? 0))
        } else {
            writePlace(c, r, Self.overflowPlace)
            let oo = origins[o]
            overflow[c << 32 | r] = fallback ?? SourceRef(file: oo.file, sheet: oo.sheet, row: row, column: column)
        }
    }

    private func source(column c: Int, row r: Int) -> SourceRef? {
        let p = packedPlace(column: c, row: r)
        if p == 0 { return nil }
        if p == Self.overflowPlace { return overflow[c << 32 | r] }
        let o = origins[Int(p >> 40) - 1]
        let rowBits = Int((p >> 14) & 0x3FF_FFFF)
        if rowBits == 0 { return SourceRef(file: o.file, sheet: o.sheet) }
        return SourceRef(file: o.file, sheet: o.sheet, row: rowBits - 1, column: Int(p & 0x3FFF))
    }
}

/// Figures of several periods: the checked period and its history.
public struct Dataset: Sendable {
    public var periods: [Period: PeriodValues] = [:]
    public init() {}
    public subscript(period: Period) -> PeriodValues? { periods[period] }
    public func value(_ period: Period, _ unit: UnitCode, _ indicator: IndicatorID) -> Double? {
        periods[period]?[unit, indicator]
    }
    /// Merges the figures of many submissions of one period, later ones winning, room made once.
    public mutating func merge(_ period: Period, all list: [PeriodValues]) {
        guard !list.isEmpty else { return }
        var cur = periods[period] ?? list[0]
        let rest = periods[period] == nil ? list.dropFirst() : list[...]
        cur.reserveCapacity(rows: cur.codes.count + rest.reduce(0) { $0 + $1.codes.count })
        for v in rest { cur.merge(v, overwrite: true) }
        periods[period] = cur
    }

    /// Merges figures, the later call winning for the same period, unit and indicator.
    public mutating func merge(_ period: Period, _ values: PeriodValues) {
        if periods[period] == nil { periods[period] = values; return }
        periods[period]?.merge(values, overwrite: true)
    }
}

/// One file's submission for one period, as read: rows, figures, sign-offs and reading problems.
public struct Submission: Sendable {
    public let file: String
    /// The submission's place among those being checked (set by the checks' context).
    public var index = 0
    public var period: Period?
    public var rows: [UnitRow] = []
    public var values = PeriodValues()
    /// Cells present in the form but left blank (or `—`, `/`), by unit and indicator.
    public var blanks: [UnitCode: [IndicatorID: SourceRef]] = [:]
    /// Cells that could not be read as a value (their problem is already a finding).
    public var unreadable: [UnitCode: Set<IndicatorID>] = [:]
    /// The indicators the form has columns for (all of the catalog for a long CSV).
    public var columns: [IndicatorID] = []
    public var signOffs: [SignOff] = []
    public var findings: [Finding] = []
    /// Sign-off rows found in the form's footer (unit of the total row).
    public var isLongFormat = false
    /// Read from a hidden (or very hidden) sheet of its workbook.
    public var hiddenSheet = false
    /// The place of its file among the files read (several submissions share one file).
    public var fileIndex = 0

    public init(file: String, period: Period?) { self.file = file; self.period = period }

    public var unitCodes: [UnitCode] { rows.map(\.code) }

    /// The unit the submission reports for: the highest of its roots (a township's form: the
    /// township's own total row); the first of them, in the rows' order, when several are as high.
    public func reportingUnit(in tree: DivisionTree) -> UnitCode? {
        roots(in: tree).min(by: { (tree[$0]?.level.depth ?? 9) < (tree[$1]?.level.depth ?? 9) })
    }

    /// The units of the submission whose parent is not in it: normally the single total row.
    public func roots(in tree: DivisionTree) -> [UnitCode] {
        let present = Set(rows.map(\.code))
        return rows.map(\.code).filter { code in
            guard let p = tree.treeParent(of: code) ?? nil else { return true }
            return !present.contains(p)
        }
    }
}
