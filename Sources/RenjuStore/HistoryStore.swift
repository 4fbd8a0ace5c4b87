import Foundation
import GRDB
import RenjuModel

/// The history store: accepted figures by period, unit and indicator, with the sign-offs,
/// explanations and findings of each import and an audit trail of every import (who, when, file,
/// digest, what changed). SQLite through GRDB; every import is one transaction.
public final class HistoryStore {
    let queue: DatabaseQueue
    public let path: String

    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(5)
        queue = try Self.busyAware(path) { try DatabaseQueue(path: path, configuration: config) }
        try Self.busyAware(path) { try Self.migrator.migrate(queue) }
    }

    /// SQLite's "database is locked" after the 5 s wait, said as what it means.
    static func busyAware<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as DatabaseError where e.resultCode == .SQLITE_BUSY || e.resultCode == .SQLITE_LOCKED {
            throw StoreError.busy(path)
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE imports (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    who TEXT NOT NULL,
                    file TEXT NOT NULL,
                    digest TEXT,
                    period TEXT NOT NULL,
                    unit TEXT NOT NULL,
                    forced INTEGER NOT NULL DEFAULT 0,
                    reason TEXT,
                    replaced INTEGER NOT NULL DEFAULT 0,
                    changes TEXT NOT NULL DEFAULT ''
                );
                CREATE TABLE observations (
                    period TEXT NOT NULL,
                    unit TEXT NOT NULL,
                    indicator TEXT NOT NULL,
                    value REAL NOT NULL,
                    import_id INTEGER NOT NULL REFERENCES imports(id),
                    PRIMARY KEY (period, unit, indicator)
                );
                CREATE INDEX observations_unit ON observations(unit, indicator);
                CREATE TABLE signoffs (
                    period TEXT NOT NULL, unit TEXT NOT NULL, role TEXT NOT NULL, name TEXT NOT NULL,
                    date TEXT, digest TEXT, signature TEXT,
                    import_id INTEGER NOT NULL REFERENCES imports(id)
                );
                CREATE TABLE explanations (
                    period TEXT NOT NULL, unit TEXT NOT NULL, rule TEXT, indicator TEXT, text TEXT NOT NULL,
                    import_id INTEGER NOT NULL REFERENCES imports(id)
                );
                CREATE TABLE findings (
                    period TEXT NOT NULL, unit TEXT, rule TEXT NOT NULL, severity TEXT NOT NULL, indicator TEXT,
                    value REAL, expected REAL, message TEXT NOT NULL, explained INTEGER NOT NULL,
                    import_id INTEGER NOT NULL REFERENCES imports(id)
                );
                """)
        }
        return m
    }

    /// One submission to store.
    public struct Entry: Sendable {
        public let submission: Submission
        public let root: UnitCode
        public let digest: String?
        public let signOffs: [SignOff]
        public let explanations: [Explanation]
        public let findings: [Finding]
        public init(submission: Submission, root: UnitCode, digest: String?, signOffs: [SignOff], explanations: [Explanation], findings: [Finding]) {
            self.submission = submission; self.root = root; self.digest = digest; self.signOffs = signOffs
            self.explanations = explanations; self.findings = findings
        }
    }

    /// What an import did, for the audit trail and the user.
    public struct ImportRecord: Sendable, Equatable {
        public let id: Int64
        public let at: String
        public let who: String
        public let file: String
        public let digest: String?
        public let period: String
        public let unit: String
        public let forced: Bool
        public let reason: String?
        public let replaced: Bool
        public let changes: String
    }

    /// Stores submissions in one transaction. A unit's period that is already stored is replaced,
    /// and the replacement is recorded with what changed. `pause` is a test hook: seconds to wait
    /// inside the transaction, after the figures are written, before it commits.
    @discardableResult
    public func importSubmissions(_ entries: [Entry], who: String, forced: Bool, reason: String?,
                                  now: Date = Date(), pause: Double = 0) throws -> [ImportRecord] {
        let stamp = ISO8601DateFormatter().string(from: now)
        return try Self.busyAware(path) { try queue.write { db -> [ImportRecord] in
            var records: [ImportRecord] = []
            for e in entries {
                guard let period = e.submission.period?.description else { continue }
                let units = e.submission.rows.map(\.code.rawValue)
                // What is stored now for these units and period.
                var old: [String: Double] = [:]
                for u in units {
                    for row in try Row.fetchAll(db, sql: "SELECT indicator, value FROM observations WHERE period = ? AND unit = ?", arguments: [period, u]) {
                        let ind: String = row["indicator"]; let v: Double = row["value"]
                        old["\(u)|\(ind)"] = v
                    }
                }
                var new: [String: Double] = [:]
                for u in e.submission.values.units {
                    for (id, v) in e.submission.values.figures(of: u) { new["\(u)|\(id)"] = v }
                }
                let replaced = !old.isEmpty
                var changes: [String] = []
                if replaced {
                    for k in Set(old.keys).union(new.keys).sorted() {
                        let a = old[k], b = new[k]
                        if a == b { continue }
                        changes.append("\(k): \(a.map(shortestDecimal) ?? "—") → \(b.map(shortestDecimal) ?? "—")")
                    }
                }
                try db.execute(sql: """
                    INSERT INTO imports (at, who, file, digest, period, unit, forced, reason, replaced, changes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [stamp, who, e.submission.file, e.digest, period, e.root.rawValue, forced, reason, replaced, changes.joined(separator: "\n")])
                let id = db.lastInsertedRowID
                for u in units {
                    try db.execute(sql: "DELETE FROM observations WHERE period = ? AND unit = ?", arguments: [period, u])
                    try db.execute(sql: "DELETE FROM findings WHERE period = ? AND unit = ?", arguments: [period, u])
                    try db.execute(sql: "DELETE FROM explanations WHERE period = ? AND unit = ?", arguments: [period, u])
                }
                try db.execute(sql: "DELETE FROM signoffs WHERE period = ? AND unit = ?", arguments: [period, e.root.rawValue])
                for (k, v) in new.sorted(by: { $0.key < $1.key }) {
                    let parts = k.split(separator: "|", maxSplits: 1).map(String.init)
                    try db.execute(sql: "INSERT INTO observations (period, unit, indicator, value, import_id) VALUES (?, ?, ?, ?, ?)",
                                   arguments: [period, parts[0], parts[1], v, id])
                }
                for s in e.signOffs {
                    try db.execute(sql: "INSERT INTO signoffs (period, unit, role, name, date, digest, signature, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                   arguments: [period, s.unit.rawValue, s.role, s.name, s.date?.description ?? s.dateText, s.digest, s.signature, id])
                }
                for x in e.explanations {
                    try db.execute(sql: "INSERT INTO explanations (period, unit, rule, indicator, text, import_id) VALUES (?, ?, ?, ?, ?, ?)",
                                   arguments: [period, x.unit.rawValue, x.rule, x.indicator?.rawValue, x.text, id])
                }
                for f in e.findings {
                    try db.execute(sql: """
                        INSERT INTO findings (period, unit, rule, severity, indicator, value, expected, message, explained, import_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [period, f.unit?.rawValue, f.rule.description, f.severity.rawValue, f.indicator?.rawValue,
                                         f.value, f.expected, f.message.zh, f.explained, id])
                }
                records.append(ImportRecord(id: id, at: stamp, who: who, file: e.submission.file, digest: e.digest, period: period,
                                            unit: e.root.rawValue, forced: forced, reason: reason, replaced: replaced,
                                            changes: changes.joined(separator: "\n")))
            }
            if pause > 0 {
                FileHandle.standardError.write(Data("renju: importing (paused inside the transaction)\n".utf8))
                Thread.sleep(forTimeInterval: pause)
            }
            return records
        } }
    }

    /// Stored figures of the given periods (all periods when nil) as a dataset.
    public func dataset(periods: [Period]? = nil) throws -> Dataset {
        try queue.read { db in
            var ds = Dataset()
            let rows: [Row]
            if let periods {
                let list = periods.map(\.description)
                rows = try Row.fetchAll(db, sql: "SELECT period, unit, indicator, value FROM observations WHERE period IN (\(list.map { _ in "?" }.joined(separator: ",")))",
                                        arguments: StatementArguments(list))
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT period, unit, indicator, value FROM observations")
            }
            var byPeriod: [Period: PeriodValues] = [:]
            for r in rows {
                let p: String = r["period"], u: String = r["unit"], i: String = r["indicator"], v: Double = r["value"]
                guard let period = Period.parse(p), let unit = UnitCode(u) else { continue }
                byPeriod[period, default: PeriodValues()].set(unit, IndicatorID(i), Observation(v, source: SourceRef(file: path)))
            }
            for (p, v) in byPeriod { ds.merge(p, v) }
            return ds
        }
    }

    public func periods() throws -> [(period: String, units: Int, values: Int)] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT period, COUNT(DISTINCT unit) AS units, COUNT(*) AS n FROM observations GROUP BY period").map {
                ($0["period"], $0["units"], $0["n"])
            }.sorted { (Period.parse($0.0) ?? Period(year: 0)) < (Period.parse($1.0) ?? Period(year: 0)) }
        }
    }

    public func history(unit: UnitCode, indicator: IndicatorID) throws -> [(period: String, value: Double)] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT period, value FROM observations WHERE unit = ? AND indicator = ?", arguments: [unit.rawValue, indicator.rawValue])
                .map { ($0["period"], $0["value"]) }
                .sorted { (Period.parse($0.0) ?? Period(year: 0)) < (Period.parse($1.0) ?? Period(year: 0)) }
        }
    }

    public func imports() throws -> [ImportRecord] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM imports ORDER BY id").map { r in
                ImportRecord(id: r["id"], at: r["at"], who: r["who"], file: r["file"], digest: r["digest"], period: r["period"],
                             unit: r["unit"], forced: r["forced"], reason: r["reason"], replaced: r["replaced"], changes: r["changes"])
            }
        }
    }

    /// Counts of open errors and late sign-offs by unit for a period (for the ranking penalties).
    public func penalties(period: Period) throws -> [UnitCode: (errors: Int, late: Int)] {
        try queue.read { db in
            var out: [UnitCode: (errors: Int, late: Int)] = [:]
            for r in try Row.fetchAll(db, sql: """
                SELECT unit, SUM(severity = 'error' AND explained = 0) AS e, SUM(rule = 'signoff.late' AND explained = 0) AS l
                FROM findings WHERE period = ? AND unit IS NOT NULL GROUP BY unit
                """, arguments: [period.description]) {
                let u: String = r["unit"]
                if let code = UnitCode(u) { out[code] = (r["e"] ?? 0, r["l"] ?? 0) }
            }
            return out
        }
    }

    /// Number of stored observations (for tests and `db periods`).
    public func observationCount() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM observations") ?? 0 }
    }
}

/// What went wrong with the store, in words for the user.
public enum StoreError: Error, CustomStringConvertible {
    /// Another process holds the store (an import running) past the wait.
    case busy(String)

    public var description: String {
        switch self {
        case let .busy(p): return "the store \(p) is busy: another import is running; try again when it has finished / 数据库正忙：另一次入库正在进行，请稍后再试"
        }
    }
}

/// What the application layer needs of a history store: the SQLite file today, a database server
/// next. Every method is one read or one transaction.
public protocol HistoryStoring: AnyObject {
    /// Where the store is, for messages (a path, or a server's address without its password).
    var path: String { get }
    func dataset(periods: [Period]?) throws -> Dataset
    @discardableResult
    func importSubmissions(_ entries: [HistoryStore.Entry], who: String, forced: Bool, reason: String?, now: Date, pause: Double) throws -> [HistoryStore.ImportRecord]
    func periods() throws -> [(period: String, units: Int, values: Int)]
    func history(unit: UnitCode, indicator: IndicatorID) throws -> [(period: String, value: Double)]
    func imports() throws -> [HistoryStore.ImportRecord]
    func penalties(period: Period) throws -> [UnitCode: (errors: Int, late: Int)]
}

extension HistoryStore: HistoryStoring {}
