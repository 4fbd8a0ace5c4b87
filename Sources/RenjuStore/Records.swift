import Foundation
import GRDB
import RenjuModel
import RenjuStoreCore

// Domain values stored as themselves: a period as `2025Q3`, a code as its digits, a rule as its id.
// A value that does not parse back (a file edited by hand) fails the fetch instead of becoming
// something else.

extension Period: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { description.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Period? {
        String.fromDatabaseValue(dbValue).flatMap(Period.parse)
    }
}

extension UnitCode: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { rawValue.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> UnitCode? {
        String.fromDatabaseValue(dbValue).flatMap { UnitCode($0) }
    }
}

extension IndicatorID: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { rawValue.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> IndicatorID? {
        String.fromDatabaseValue(dbValue).map { IndicatorID($0) }
    }
}

extension RuleID: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { description.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> RuleID? {
        String.fromDatabaseValue(dbValue).flatMap { RuleID($0) }
    }
}

extension Severity: DatabaseValueConvertible {}

/// A row of `imports`: one submission stored, who, when, from which file.
struct ImportRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "imports"
    static let changes = hasMany(ChangeRow.self)
    var id: Int64?
    var at: String
    var who: String
    var file: String
    var digest: String?
    var period: Period
    var unit: UnitCode
    var forced: Bool
    var reason: String?
    var replaced: Bool
    /// The rule set's content digest (v7); nil for imports before it.
    var rulesDigest: String? = nil

    enum CodingKeys: String, CodingKey {
        case id, at, who, file, digest, period, unit, forced, reason, replaced, rulesDigest = "rules_digest"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `figure_changes`: one figure a replacing import changed.
struct ChangeRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "figure_changes"
    var importId: Int64
    var unit: UnitCode
    var indicator: IndicatorID
    var old: Double?
    var new: Double?

    enum CodingKeys: String, CodingKey { case importId = "import_id", unit, indicator, old, new }
}

/// A row of `observations`: one accepted figure.
struct ObservationRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "observations"
    var period: Period
    var unit: UnitCode
    var indicator: IndicatorID
    var value: Double
    var importId: Int64

    enum CodingKeys: String, CodingKey { case period, unit, indicator, value, importId = "import_id" }
    enum Columns {
        static let period = Column(CodingKeys.period)
        static let unit = Column(CodingKeys.unit)
        static let indicator = Column(CodingKeys.indicator)
    }
}

/// A row of `signoffs`.
struct SignOffRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "signoffs"
    var period: Period
    var unit: UnitCode
    var role: String
    var name: String
    var date: String?
    var digest: String?
    var signature: String?
    var importId: Int64

    enum CodingKeys: String, CodingKey { case period, unit, role, name, date, digest, signature, importId = "import_id" }
}

/// A row of `explanations` (说明). The rule is kept as written: a rule id or a category.
struct ExplanationRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "explanations"
    var period: Period
    var unit: UnitCode
    var rule: String?
    var indicator: IndicatorID?
    var text: String
    var importId: Int64

    enum CodingKeys: String, CodingKey { case period, unit, rule, indicator, text, importId = "import_id" }
}

/// A row of `findings`: what the checks said when the submission was stored.
struct FindingRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "findings"
    var period: Period
    var unit: UnitCode?
    var rule: RuleID
    var severity: Severity
    var indicator: IndicatorID?
    var value: Double?
    var expected: Double?
    var message: String
    var explained: Bool
    var importId: Int64

    enum Columns {
        static let period = Column("period"), unit = Column("unit"), rule = Column("rule"), severity = Column("severity")
        static let indicator = Column("indicator"), value = Column("value"), expected = Column("expected")
        static let message = Column("message"), explained = Column("explained"), importId = Column("import_id")
    }

    init(period: Period, finding f: Finding, importId: Int64) {
        self.period = period; unit = f.unit; rule = f.rule; severity = f.severity; indicator = f.indicator
        value = f.value; expected = f.expected; message = f.message.zh; explained = f.explained; self.importId = importId
    }

    init(row: Row) throws {
        period = try row.decode(forColumn: Columns.period.name); unit = try row.decode(forColumn: Columns.unit.name)
        rule = try row.decode(forColumn: Columns.rule.name); severity = try row.decode(forColumn: Columns.severity.name)
        indicator = try row.decode(forColumn: Columns.indicator.name); value = try row.decode(forColumn: Columns.value.name)
        expected = try row.decode(forColumn: Columns.expected.name); message = try row.decode(forColumn: Columns.message.name)
        explained = try row.decode(forColumn: Columns.explained.name); importId = try row.decode(forColumn: Columns.importId.name)
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.period] = period; container[Columns.unit] = unit; container[Columns.rule] = rule
        container[Columns.severity] = severity; container[Columns.indicator] = indicator; container[Columns.value] = value
        container[Columns.expected] = expected; container[Columns.message] = message; container[Columns.explained] = explained
        container[Columns.importId] = importId
    }

    var stored: StoredFinding {
        StoredFinding(unit: unit, rule: rule, severity: severity, indicator: indicator, value: value, expected: expected,
                      message: message, explained: explained)
    }
}
