import Foundation
import GRDB
import RenjuModel
import RenjuStoreCore

/// The history store: accepted figures by period, unit and indicator, with the sign-offs,
/// explanations and findings of each import and an audit trail of every import (who, when, file,
/// digest, what changed). SQLite through GRDB: a record type per table, domain values stored as
/// themselves; every import is one transaction.
public final class HistoryStore: Sendable {
    let queue: DatabaseQueue
    public let path: String

    /// Opens the store file. `migrate`: bring the schema up to date (a writing command); without
    /// it the file is opened read-only — a copy on read-only media opens — and a schema behind
    /// this version is refused with what to run.
    public convenience init(path: String, migrate: Bool = true) throws {
        try self.init(path: path, mode: migrate ? .migrate : .read)
    }

    /// How a store is opened: to read (a schema behind this version refused), to write (brought
    /// up to date), or for maintenance (written, but its schema left as it is: `db migrate`
    /// backs it up before migrating).
    public enum OpenMode: Sendable { case read, migrate, maintain }

    public init(path: String, mode: OpenMode) throws {
        let migrate = mode == .migrate
        self.path = path
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(5)
        config.readonly = mode == .read
        queue = try Self.busyAware(path) { try DatabaseQueue(path: path, configuration: config) }
        // A store a newer Renju wrote is never opened (let alone migrated) by this one.
        let unknown = try queue.read { db in
            try db.tableExists("grdb_migrations") ? try Self.migrator.appliedIdentifiers(db).subtracting(StoreSchema.migrations(for: .sqlite).map(\.id)).sorted() : []
        }
        if !unknown.isEmpty { throw StoreError.newer(path, unknown) }
        if migrate {
            try Self.busyAware(path) { try Self.migrator.migrate(queue) }
        } else if mode == .read, try queue.read({ try !Self.migrator.hasCompletedMigrations($0) }) {
            throw StoreError.behind(path)
        }
    }

    /// Brings the schema up to date (`renju db migrate`).
    public func migrate() throws {
        try Self.busyAware(path) { try Self.migrator.migrate(queue) }
    }

    /// SQLite's "database is locked" after the 5 s wait, said as what it means.
    static func busyAware<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as DatabaseError where e.resultCode == .SQLITE_BUSY || e.resultCode == .SQLITE_LOCKED {
            throw StoreError.busy(path)
        }
    }

    /// The schema's migrations (`StoreSchema`, written once for both backends) in SQLite's words;
    /// v2 also moves a v1 store's changes, kept as text, into their rows.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        for migration in StoreSchema.migrations(for: .sqlite) {
            m.registerMigration(migration.id) { db in
                for sql in migration.statements(for: .sqlite) { try db.execute(sql: sql) }
                if migration.id == "v2" {
                    for row in try Row.fetchAll(db, sql: "SELECT id, changes FROM imports WHERE changes <> ''") {
                        let id: Int64 = try row.decode(forColumn: "id"), text: String = try row.decode(forColumn: "changes")
                        for line in text.split(separator: "\n") { try LegacyChange(line, importId: id)?.row.insert(db) }
                    }
                    try db.execute(sql: "UPDATE imports SET changes = ''")
                }
            }
        }
        return m
    }

    /// Every table's columns, "table.column", sorted (what the two backends are compared by).
    public func schemaColumns() throws -> [String] {
        try queue.read { db in
            var out: [String] = []
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'") {
                for column in try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table]) {
                    let name: String = column[0]
                    out.append("\(table).\(name)")
                }
            }
            return out.sorted()
        }
    }

    /// A "unit|indicator: old → new" line of a v1 store.
    struct LegacyChange {
        let row: ChangeRow
        init?(_ line: Substring, importId: Int64) {
            guard let colon = line.range(of: ": "), let arrow = line.range(of: " → ") else { return nil }
            let key = line[..<colon.lowerBound].split(separator: "|", maxSplits: 1)
            guard key.count == 2, let unit = UnitCode(String(key[0])) else { return nil }
            let old = Double(line[colon.upperBound..<arrow.lowerBound]), new = Double(line[arrow.upperBound...])
            row = ChangeRow(importId: importId, unit: unit, indicator: IndicatorID(String(key[1])), old: old, new: new)
        }
    }

    /// One figure of a unit, the key of what an import changes.
    struct FigureKey: Hashable, Comparable {
        let unit: UnitCode
        let indicator: IndicatorID
        static func < (a: FigureKey, b: FigureKey) -> Bool { (a.unit, a.indicator) < (b.unit, b.indicator) }
    }

    /// The figures of the given units stored for a period.
    static func stored(_ db: Database, period: Period, units: [UnitCode]) throws -> [FigureKey: Double] {
        var out: [FigureKey: Double] = [:]
        for u in units {
            for o in try ObservationRow.filter(of(period, u)).fetchAll(db) {
                out[FigureKey(unit: o.unit, indicator: o.indicator)] = o.value
            }
        }
        return out
    }

    /// The rows of one unit's period, in any table keyed by period and unit.
    static func of(_ period: Period, _ unit: UnitCode) -> SQLExpression { Column("period") == period && Column("unit") == unit }

    @discardableResult
    public func importSubmissions(_ entries: [StoreEntry], who: String, forced: Bool, reason: String?,
                                  now: Date = Date(), pause: Double = 0) throws -> [ImportRecord] {
        let stamp = ISO8601DateFormatter().string(from: now)
        return try Self.busyAware(path) { try queue.write { db -> [ImportRecord] in
            var records: [ImportRecord] = []
            for e in entries {
                guard let period = e.submission.period else { continue }
                let units = e.submission.rows.map(\.code)
                let old = try Self.stored(db, period: period, units: units)
                var new: [FigureKey: Double] = [:]
                for u in e.submission.values.units {
                    for (id, v) in e.submission.values.figures(of: u) { new[FigureKey(unit: u, indicator: id)] = v }
                }
                let replaced = !old.isEmpty
                var changes: [FigureChange] = []
                if replaced {
                    for k in Set(old.keys).union(new.keys).sorted() where old[k] != new[k] {
                        changes.append(FigureChange(unit: k.unit, indicator: k.indicator, old: old[k], new: new[k]))
                    }
                }
                var imp = ImportRow(id: nil, at: stamp, who: who, file: e.submission.file, digest: e.digest, period: period,
                                    unit: e.root, forced: forced, reason: reason, replaced: replaced, rulesDigest: e.rulesDigest)
                try imp.insert(db)
                guard let id = imp.id else { continue }
                for c in changes {
                    try ChangeRow(importId: id, unit: c.unit, indicator: c.indicator, old: c.old, new: c.new).insert(db)
                }
                for u in units {
                    try ObservationRow.filter(Self.of(period, u)).deleteAll(db)
                    try FindingRow.filter(Self.of(period, u)).deleteAll(db)
                    try ExplanationRow.filter(Self.of(period, u)).deleteAll(db)
                    try db.execute(sql: "DELETE FROM imputed_figures WHERE period = ? AND unit = ?", arguments: [period, u])
                }
                try SignOffRow.filter(Self.of(period, e.root)).deleteAll(db)
                // The figures through one prepared statement (a record built per figure cost more than SQLite).
                let insert = try db.cachedStatement(sql: "INSERT INTO observations (period, unit, indicator, value, import_id) VALUES (?, ?, ?, ?, ?)")
                for (k, v) in new.sorted(by: { $0.key < $1.key }) {
                    try insert.execute(arguments: [period, k.unit, k.indicator, v, id])
                }
                for s in e.signOffs {
                    try SignOffRow(period: period, unit: s.unit, role: s.role, name: s.name, date: s.date?.description ?? s.dateText,
                                   digest: s.digest, signature: s.signature, importId: id).insert(db)
                }
                for x in e.explanations {
                    try ExplanationRow(period: period, unit: x.unit, rule: x.rule, indicator: x.indicator, text: x.text, importId: id).insert(db)
                }
                for f in e.findings { try FindingRow(period: period, finding: f, importId: id).insert(db) }
                for f in e.imputed {
                    try db.execute(sql: "INSERT INTO imputed_figures (import_id, period, unit, indicator, value, reported, method, basis) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                   arguments: [id, period, f.unit, f.indicator, f.value, f.reported, f.method.rawValue, f.basis.zh])
                }
                records.append(ImportRecord(id: id, at: stamp, who: who, file: e.submission.file, digest: e.digest, period: period,
                                            unit: e.root, forced: forced, reason: reason, replaced: replaced, changes: changes))
            }
            if pause > 0 {
                FileHandle.standardError.write(Data("renju: importing (paused inside the transaction)\n".utf8))
                Thread.sleep(forTimeInterval: pause)
            }
            return records
        } }
    }

    public func dataset(periods: [Period]? = nil, units: [UnitCode]? = nil) throws -> Dataset {
        // Period by period, rows straight into the period's figures (a national quarter is 12
        // million rows: decoded by column, not through a record type each).
        let wanted = try periods ?? self.periods().map(\.period)
        let source = SourceRef(file: path)
        return try queue.read { db in
            var ds = Dataset()
            for period in wanted {
                var pv = PeriodValues()
                var ids: [String: IndicatorID] = [:]
                // A list of units goes as one JSON array argument: `unit IN json_each(?)` is a
                // lookup on the primary key (period, unit, indicator) for each.
                let rows = try units.map { list in
                    try Row.fetchCursor(db, sql: "SELECT unit, indicator, value FROM observations WHERE period = ? AND unit IN (SELECT value FROM json_each(?))",
                                        arguments: [period, Self.jsonArray(list.map(\.rawValue))])
                } ?? Row.fetchCursor(db, sql: "SELECT unit, indicator, value FROM observations WHERE period = ?", arguments: [period])
                while let r = try rows.next() {
                    let u: String = try r.decode(atIndex: 0), i: String = try r.decode(atIndex: 1), v: Double = try r.decode(atIndex: 2)
                    guard let unit = UnitCode(u) else { throw StoreError.corrupt(path, "observations: “\(u)” is not a division code") }
                    let id: IndicatorID
                    if let known = ids[i] { id = known } else { id = IndicatorID(i); ids[i] = id }
                    pv.set(unit, id, Observation(v, source: source))
                }
                if !pv.units.isEmpty { ds.merge(period, pv) }
            }
            return ds
        }
    }

    /// Division codes as a JSON array (12 digits each, from `UnitCode`).
    static func jsonArray(_ codes: [String]) -> String {
        "[" + codes.map { "\"" + $0 + "\"" }.joined(separator: ",") + "]"
    }

    public func periods() throws -> [StoredPeriod] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT period, COUNT(DISTINCT unit) AS units, COUNT(*) AS n FROM observations GROUP BY period").map {
                StoredPeriod(period: try $0.decode(forColumn: "period"), units: try $0.decode(forColumn: "units"), figures: try $0.decode(forColumn: "n"))
            }.sorted { $0.period < $1.period }
        }
    }

    public func history(unit: UnitCode, indicator: IndicatorID) throws -> [SeriesPoint] {
        try queue.read { db in
            try ObservationRow.filter(ObservationRow.Columns.unit == unit && ObservationRow.Columns.indicator == indicator).fetchAll(db)
                .map { SeriesPoint(period: $0.period, value: $0.value) }
                .sorted { $0.period < $1.period }
        }
    }

    public func imports() throws -> [ImportRecord] {
        try queue.read { db in
            var changes: [Int64: [FigureChange]] = [:]
            for c in try ChangeRow.order(Column("rowid")).fetchAll(db) {
                changes[c.importId, default: []].append(FigureChange(unit: c.unit, indicator: c.indicator, old: c.old, new: c.new))
            }
            return try ImportRow.order(Column("id")).fetchAll(db).compactMap { r in
                guard let id = r.id else { return nil }
                return ImportRecord(id: id, at: r.at, who: r.who, file: r.file, digest: r.digest, period: r.period, unit: r.unit,
                                    forced: r.forced, reason: r.reason, replaced: r.replaced, changes: changes[id] ?? [])
            }
        }
    }

    public func importedUnits(period: Period) throws -> Set<UnitCode> {
        try queue.read { db in
            Set(try ImportRow.filter(Column("period") == period).fetchAll(db).map(\.unit))
        }
    }

    public func imputed(period: Period) throws -> [StoredImputation] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT unit, indicator, value, reported, method, basis FROM imputed_figures WHERE period = ? ORDER BY unit, indicator", arguments: [period]).compactMap { r in
                guard let u = UnitCode(r["unit"] as String) else { return nil }
                return StoredImputation(unit: u, indicator: IndicatorID(r["indicator"] as String), value: r["value"], reported: r["reported"], method: r["method"], basis: r["basis"])
            }
        }
    }

    public func findings(period: Period) throws -> [StoredFinding] {
        try queue.read { db in try FindingRow.filter(FindingRow.Columns.period == period).fetchAll(db).map(\.stored) }
    }

    /// Number of stored observations (for tests and `db periods`).
    public func observationCount() throws -> Int {
        try queue.read { db in try ObservationRow.fetchCount(db) }
    }
}

extension HistoryStore: HistoryStoring {}

// Operations: backup, restore, check (`renju db backup|restore|check`).
extension HistoryStore {
    /// The migrations not yet applied to the store.
    public func pendingMigrations() throws -> [String] {
        try queue.read { db in
            let applied = try db.tableExists("grdb_migrations") ? try Self.migrator.appliedIdentifiers(db) : []
            return StoreSchema.migrations(for: .sqlite).map(\.id).filter { !applied.contains($0) }
        }
    }

    /// A consistent copy of the whole store in a new file, taken with SQLite's online backup
    /// while others read and write it (one read transaction: the copy is the store as it was
    /// when the backup began). Refuses to write over an existing file.
    public func backup(to destination: String) throws {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw StoreError.corrupt(destination, "the backup file exists already; choose a new name")
        }
        let copy = try DatabaseQueue(path: destination)
        try Self.busyAware(path) { try queue.backup(to: copy) }
        try copy.close()
    }

    /// Replaces this store's contents with a backup's (after checking the backup), in one step.
    public func restore(from source: String) throws {
        var config = Configuration()
        config.readonly = true
        let backup = try DatabaseQueue(path: source, configuration: config)
        let problems = try HistoryStore.problems(in: backup, path: source)
        guard problems.isEmpty else { throw StoreError.corrupt(source, problems.joined(separator: "; ")) }
        try Self.busyAware(path) { try backup.backup(to: queue) }
    }

    /// What is wrong with the store: SQLite's integrity check, migrations this version does not
    /// know or has not applied, submissions whose file is missing, stored files no submission
    /// names. Empty when all is well.
    public func check() throws -> [String] { try Self.problems(in: queue, path: path) }

    static func problems(in reader: some DatabaseReader, path: String) throws -> [String] {
        try reader.read { db in
            var out: [String] = []
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if integrity != ["ok"] { out.append("integrity: " + integrity.prefix(5).joined(separator: "; ")) }
            let applied = try db.tableExists("grdb_migrations") ? try Self.migrator.appliedIdentifiers(db) : []
            let known = StoreSchema.migrations(for: .sqlite).map(\.id)
            let unknown = applied.subtracting(known).sorted()
            if !unknown.isEmpty { out.append("written by a newer Renju (migrations \(unknown.joined(separator: ", ")))") }
            let pending = known.filter { !applied.contains($0) }
            if !pending.isEmpty { out.append("migrations not applied: \(pending.joined(separator: ", ")) (renju db migrate)") }
            if try db.tableExists("submissions") && db.tableExists("files") {
                let missing = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM submissions s WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.sha256 = s.sha256)") ?? 0
                if missing > 0 { out.append("\(missing) submissions whose file is missing") }
                let orphans = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM files f WHERE NOT EXISTS (SELECT 1 FROM submissions s WHERE s.sha256 = f.sha256)") ?? 0
                if orphans > 0 { out.append("\(orphans) stored files no submission names") }
            }
            return out
        }
    }
}

