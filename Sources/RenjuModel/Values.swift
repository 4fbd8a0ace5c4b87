import Foundation

/// Where a figure came from: `file.xlsx:数据!F7`, `file.csv:D12`.
public struct SourceRef: Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let sheet: String?
    public let cell: String?

    public init(file: String, sheet: String? = nil, cell: String? = nil) {
        self.file = file; self.sheet = sheet; self.cell = cell
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
public struct PeriodValues: Sendable {
    public var byUnit: [UnitCode: [IndicatorID: Observation]] = [:]
    public init() {}

    public subscript(unit: UnitCode, indicator: IndicatorID) -> Double? {
        byUnit[unit]?[indicator]?.value
    }
    public func observation(_ unit: UnitCode, _ indicator: IndicatorID) -> Observation? { byUnit[unit]?[indicator] }
    public mutating func set(_ unit: UnitCode, _ indicator: IndicatorID, _ obs: Observation) {
        byUnit[unit, default: [:]][indicator] = obs
    }
    public var units: [UnitCode] { byUnit.keys.sorted() }
    public var isEmpty: Bool { byUnit.isEmpty }
}

/// Figures of several periods: the checked period and its history.
public struct Dataset: Sendable {
    public var periods: [Period: PeriodValues] = [:]
    public init() {}
    public subscript(period: Period) -> PeriodValues? { periods[period] }
    public func value(_ period: Period, _ unit: UnitCode, _ indicator: IndicatorID) -> Double? {
        periods[period]?[unit, indicator]
    }
    /// Merges figures, the later call winning for the same period, unit and indicator.
    public mutating func merge(_ period: Period, _ values: PeriodValues) {
        var cur = periods[period] ?? PeriodValues()
        for (u, m) in values.byUnit { for (i, o) in m { cur.set(u, i, o) } }
        periods[period] = cur
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

    public init(file: String, period: Period?) { self.file = file; self.period = period }

    public var unitCodes: [UnitCode] { rows.map(\.code) }

    /// The units of the submission whose parent is not in it: normally the single total row.
    public func roots(in tree: DivisionTree) -> [UnitCode] {
        let present = Set(rows.map(\.code))
        return rows.map(\.code).filter { code in
            guard let p = tree[code]?.parent else { return true }
            return !present.contains(p)
        }
    }
}
