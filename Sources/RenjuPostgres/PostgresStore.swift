import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import RenjuModel
import RenjuStoreCore

/// Where a PostgreSQL store is: `postgres://user[:password]@host[:port]/database`, or with
/// `?host=/socket/folder` a Unix socket (as libpq reads it).
public struct PostgresLocation: Sendable, CustomStringConvertible {
    public let user: String
    public let password: String?
    public let host: String?
    public let port: Int
    public let database: String
    /// The folder of the server's Unix socket, when connecting through one.
    public let socketFolder: String?

    public static func isURL(_ s: String) -> Bool { s.hasPrefix("postgres://") || s.hasPrefix("postgresql://") }

    public init?(_ url: String) {
        guard Self.isURL(url), let c = URLComponents(string: url) else { return nil }
        user = c.user ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        password = c.password
        port = c.port ?? 5432
        let db = c.path.hasPrefix("/") ? String(c.path.dropFirst()) : c.path
        database = db.isEmpty ? user : db
        socketFolder = c.queryItems?.first { $0.name == "host" }?.value
        host = c.host.flatMap { $0.isEmpty ? nil : $0 }
        guard host != nil || socketFolder != nil else { return nil }
    }

    /// Without the password: for messages and the audit trail.
    public var description: String {
        "postgres://\(user)@\(host ?? "")\(host != nil ? ":\(port)" : "")/\(database)\(socketFolder.map { "?host=\($0)" } ?? "")"
    }

    var configuration: PostgresConnection.Configuration {
        if let socketFolder {
            return .init(unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        }
        return .init(host: host ?? "localhost", port: port, username: user, password: password, database: database, tls: .disable)
    }

    var clientConfiguration: PostgresClient.Configuration {
        if let socketFolder {
            return .init(unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        }
        return .init(host: host ?? "localhost", port: port, username: user, password: password, database: database, tls: .disable)
    }

    /// The same server, another database (for creating and dropping test databases).
    public func with(database: String) -> PostgresLocation {
        PostgresLocation(user: user, password: password, host: host, port: port, database: database, socketFolder: socketFolder)
    }

    init(user: String, password: String?, host: String?, port: Int, database: String, socketFolder: String?) {
        self.user = user; self.password = password; self.host = host; self.port = port; self.database = database; self.socketFolder = socketFolder
    }
}

/// The history store on a PostgreSQL server: the same tables and migrations as the SQLite file,
/// bulk figures by `COPY … FROM STDIN`, one transaction per submission, and an advisory lock per
/// period and reporting unit so that two imports of one county never mix (the second waits).
/// Every operation leases a connection from `PostgresClient`'s pool for its own duration: the
/// desk's requests run side by side, as many as the pool has connections.
public final class PostgresStore: HistoryStoring, Sendable {
    public let location: PostgresLocation
    public var path: String { location.description }
    let client: PostgresClient
    /// The pool's own task (`PostgresClient.run`), cancelled when the store is released.
    let running: Task<Void, Never>
    let logger: Logger

    /// How many rows of a period's first units name its indicators before the figures are fetched
    /// (an indicator they miss is fetched by name afterwards).
    let nameSampleRows: Int

    /// Opens the store. `migrate`: bring the schema up to date (what a writing command does: `db
    /// migrate`, `db import`, `user add`, `serve`); without it opening only reads, so a read-only
    /// replica opens — and a schema behind this version is refused with what to run.
    /// `connections`: the most the pool opens at once.
    public init(_ location: PostgresLocation, nameSampleRows: Int = 2000, migrate: Bool = true, connections: Int = 16) async throws {
        self.location = location
        self.nameSampleRows = max(1, nameSampleRows)
        var quiet = Logger(label: "renju.postgres")
        quiet.logLevel = .critical
        logger = quiet
        var config = location.clientConfiguration
        config.options.maximumConnections = max(2, connections)
        let client = PostgresClient(configuration: config, backgroundLogger: quiet)
        self.client = client
        running = Task { await client.run() }
        do {
            // The first lease opens a connection: a wrong address or password is said here.
            try await client.withConnection { c in try await c.query("SELECT 1", logger: quiet) }
        } catch {
            running.cancel()
            throw PostgresStoreError.connect(location.description, Self.reason(error))
        }
        if migrate {
            try await self.migrate()
        } else if let pending = try await pendingMigrations(), !pending.isEmpty {
            throw PostgresStoreError.query(location.description,
                "数据库结构需要升级（\(pending.joined(separator: ", "))），请先运行 renju db migrate / the store's schema is behind this version (\(pending.joined(separator: ", "))): run `renju db migrate`")
        }
    }

    /// Runs statements on a server without a store (creating and dropping test databases).
    public static func administer(_ location: PostgresLocation, _ statements: [String]) async throws {
        var quiet = Logger(label: "renju.postgres")
        quiet.logLevel = .critical
        let log = quiet
        let c: PostgresConnection
        do {
            c = try await PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: location.configuration, id: 1, logger: log)
        } catch { throw PostgresStoreError.connect(location.description, reason(error)) }
        do {
            for sql in statements { try await c.query(PostgresQuery(unsafeSQL: sql), logger: log) }
        } catch {
            try? await c.close()
            throw PostgresStoreError.query(location.description, reason(error))
        }
        try await c.close()
    }

    /// The migrations not yet applied, read without writing (nil: not a Renju store at all).
    func pendingMigrations() async throws -> [String]? {
        try await run { c, l in
            var exists = false
            for try await present in try await c.query("SELECT to_regclass('renju_migrations') IS NOT NULL", logger: l).decode(Bool.self) { exists = present }
            guard exists else { return Self.migrations.map(\.0) }
            var done = Set<String>()
            for try await id in try await c.query("SELECT identifier FROM renju_migrations", logger: l).decode(String.self) { done.insert(id) }
            return Self.migrations.map(\.0).filter { !done.contains($0) }
        }
    }

    deinit { running.cancel() }

    /// The server's own words for what went wrong.
    static func reason(_ error: any Error) -> String {
        if let e = error as? PSQLError { return e.serverInfo?[.message] ?? "\(String(reflecting: e))" }
        return "\(String(reflecting: error))"
    }

    /// One operation on a connection leased from the pool for its duration.
    func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) async throws -> T {
        let l = logger
        do { return try await client.withConnection { c in try await body(c, l) } } catch let e as PSQLError {
            throw PostgresStoreError.query(location.description, e.serverInfo?[.message] ?? "\(String(reflecting: e))")
        } catch let e as PostgresTransactionError {
            let inner = e.closureError ?? e.commitError ?? e.beginError
            if let p = inner as? PSQLError { throw PostgresStoreError.query(location.description, p.serverInfo?[.message] ?? "\(String(reflecting: p))") }
            throw inner ?? e
        }
    }

    // MARK: schema

    /// The schema's migrations (`StoreSchema`, written once for both backends) in PostgreSQL's words.
    static var migrations: [(String, [String])] { StoreSchema.migrations(for: .postgres).map { ($0.id, $0.statements(for: .postgres)) } }

    /// Every table's columns, "table.column", sorted (what the two backends are compared by).
    public func schemaColumns() async throws -> [String] {
        try await run { c, l in
            var out: [String] = []
            for try await (t, col) in try await c.query("""
                SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name <> 'renju_migrations'
                """, logger: l).decode((String, String).self) { out.append("\(t).\(col)") }
            return out.sorted()
        }
    }

    /// The collation of each text column of a table that has its own (a column of the database's
    /// default has none), by column name.
    public func columnCollations(of table: String) async throws -> [String: String] {
        try await run { c, l in
            var out: [String: String] = [:]
            for try await (col, coll) in try await c.query("""
                SELECT column_name::TEXT, collation_name::TEXT FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = \(table) AND collation_name IS NOT NULL
                """, logger: l).decode((String, String).self) { out[col] = coll }
            return out
        }
    }

    public func migrate() async throws {
        try await run { c, l in
            try await c.withTransaction(logger: l) { c in
                // One migrator at a time, whoever else connects.
                try await c.query("SELECT pg_advisory_xact_lock(7311)", logger: l)
                try await c.query("CREATE TABLE IF NOT EXISTS renju_migrations (identifier TEXT PRIMARY KEY)", logger: l)
                var done = Set<String>()
                for try await id in try await c.query("SELECT identifier FROM renju_migrations", logger: l).decode(String.self) { done.insert(id) }
                for (id, statements) in Self.migrations where !done.contains(id) {
                    for sql in statements { try await c.query(PostgresQuery(unsafeSQL: sql), logger: l) }
                    try await c.query("INSERT INTO renju_migrations (identifier) VALUES (\(id))", logger: l)
                }
            }
        }
    }

    // MARK: HistoryStoring

    /// Imports run on two connections side by side (the server's COPY and index upkeep of one
    /// submission overlaps the next one's; a national quarter's 2,778 went from one after another
    /// to two at a time). What is stored does not depend on it: the imports' ids are drawn first, in
    /// the files' order; the files of one unit's period go through one connection in their order
    /// (the later replaces the earlier, as before); the records come back in the files' order.
    /// After a failure no further file is started (one already under way on the other connection
    /// finishes or is cancelled).
    public func importSubmissions(_ entries: [StoreEntry], who: String, forced: Bool, reason: String?, now: Date, pause: Double) async throws -> [ImportRecord] {
        let stamp = ISO8601DateFormatter().string(from: now)
        let dated = entries.filter { $0.submission.period != nil }
        guard !dated.isEmpty else { return [] }
        let ids: [Int64] = try await run { c, l in
            var out: [Int64] = []
            for try await v in try await c.query(
                "SELECT nextval(pg_get_serial_sequence('imports', 'id')) FROM generate_series(1, \(dated.count))", logger: l
            ).decode(Int64.self) { out.append(v) }
            return out.sorted()
        }
        guard ids.count == dated.count else { throw PostgresStoreError.query(path, "could not number the imports") }
        // Work in groups: a unit's period, its files in order.
        var groupOf: [String: Int] = [:], groups: [[Int]] = []
        for (i, e) in dated.enumerated() {
            let key = "\(e.submission.period?.description ?? "")|\(e.root.rawValue)"
            if let g = groupOf[key] { groups[g].append(i) } else { groupOf[key] = groups.count; groups.append([i]) }
        }
        let line = ImportLine(groups)
        let parts: [[(Int, ImportRecord)]] = try await withThrowingTaskGroup(of: [(Int, ImportRecord)].self) { group in
            for _ in 0..<min(2, groups.count) {
                group.addTask {
                    var done: [(Int, ImportRecord)] = []
                    while let g = line.next() {
                        for i in g {
                            do {
                                done.append((i, try await self.importOne(dated[i], id: ids[i], stamp: stamp, who: who, forced: forced, reason: reason, pause: pause)))
                            } catch { line.stop(); throw error }
                        }
                    }
                    return done
                }
            }
            var out: [[(Int, ImportRecord)]] = []
            for try await part in group { out.append(part) }
            return out
        }
        return parts.flatMap { $0 }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// The groups of files handed to the import connections one at a time; stopped after a failure.
    final class ImportLine: @unchecked Sendable {
        private var items: [[Int]]
        private var stopped = false
        private let lock = NSLock()
        init(_ items: [[Int]]) { self.items = items.reversed() }
        func next() -> [Int]? { lock.lock(); defer { lock.unlock() }; return stopped ? nil : items.popLast() }
        func stop() { lock.lock(); stopped = true; lock.unlock() }
    }

    /// One file's import, in one transaction, under the import id drawn for it.
    func importOne(_ e: StoreEntry, id: Int64, stamp: String, who: String, forced: Bool, reason: String?, pause: Double) async throws -> ImportRecord {
        guard let period = e.submission.period else { throw PostgresStoreError.query(path, "a submission without a period") }
        let units = e.submission.rows.map(\.code.rawValue)
        let new = e.submission.values.orderedFigures()
        // Each indicator's COPY text once (not escaped again for every unit).
        var texts: [Int32: String] = [:]
        for n in new where texts[n.indicator.slot] == nil { texts[n.indicator.slot] = Self.copyText(n.indicator.rawValue) }
        let indicatorText = texts
        return try await run { c, l in
            try await c.withTransaction(logger: l) { c in
                let p = period.description, root = e.root.rawValue
                // Two imports of one unit's period: the second waits here for the first to commit.
                // With the settings of `byKeyOnly` (why: there), in one round trip — a national import makes 2,778.
                var lockKey = PostgresBindings()
                lockKey.append(p + "|" + root)
                try await c.query(PostgresQuery(unsafeSQL: "SELECT pg_advisory_xact_lock(hashtext($1)), \(Self.byKeyOnlySettings)", binds: lockKey), logger: l)
                var old: [String: Double] = [:]
                // The submission's units lie between its least and greatest code (a township's
                // villages share its prefix): a range of the primary key, then the list.
                let lo = units.min() ?? "", hi = units.max() ?? ""
                for try await (u, i, v) in try await c.query(
                    "SELECT unit, indicator, value FROM observations WHERE period = \(p) AND unit BETWEEN \(lo) AND \(hi) AND unit = ANY(\(units))", logger: l
                ).decode((String, String, Double).self) { old["\(u) \(i)"] = v }
                // The new figures by key only when there are old ones to compare them with.
                var newByKey: [String: (UnitCode, IndicatorID, Double)] = [:]
                if !old.isEmpty { for n in new { newByKey["\(n.unit) \(n.indicator)"] = (n.unit, n.indicator, n.value) } }
                let replaced = !old.isEmpty
                var changes: [FigureChange] = []
                if replaced {
                    for k in Set(old.keys).union(newByKey.keys).sorted() where old[k] != newByKey[k]?.2 {
                        let parts = k.split(separator: " ", maxSplits: 1).map(String.init)
                        guard parts.count == 2, let u = UnitCode(parts[0]) else { continue }
                        changes.append(FigureChange(unit: u, indicator: IndicatorID(parts[1]), old: old[k], new: newByKey[k]?.2))
                    }
                }
                try await c.query("""
                    INSERT INTO imports (id, at, who, file, digest, period, unit, forced, reason, replaced, rules_digest)
                    VALUES (\(id), \(stamp), \(who), \(e.submission.file), \(e.digest), \(p), \(root), \(forced), \(reason), \(replaced), \(e.rulesDigest))
                    """, logger: l)
                for ch in changes {
                    try await c.query("INSERT INTO figure_changes (import_id, unit, indicator, old, new) VALUES (\(id), \(ch.unit.rawValue), \(ch.indicator.rawValue), \(ch.old), \(ch.new))", logger: l)
                }
                try await c.query("DELETE FROM observations WHERE period = \(p) AND unit BETWEEN \(lo) AND \(hi) AND unit = ANY(\(units))", logger: l)
                try await c.query(PostgresQuery(unsafeSQL: """
                    WITH f AS (DELETE FROM findings WHERE period = $1 AND unit = ANY($2)),
                         x AS (DELETE FROM explanations WHERE period = $1 AND unit = ANY($2))
                    DELETE FROM imputed_figures WHERE period = $1 AND unit = ANY($2)
                    """, binds: try Self.binds(p, units)), logger: l)
                try await c.query("DELETE FROM signoffs WHERE period = \(p) AND unit = \(root)", logger: l)
                // The figures in bulk.
                if !new.isEmpty {
                    try await c.copyFrom(table: "observations", columns: ["period", "unit", "indicator", "value", "import_id"], logger: l) { w in
                        var buffer = ByteBuffer()
                        buffer.reserveCapacity(8192 * 48)
                        let tail = "\t\(id)\n", head = "\(Self.copyText(p))\t"
                        // Figures come by unit: a unit's code (and the head before it) written once as bytes.
                        var lastUnit: UnitCode?, unitField: [UInt8] = []
                        for (k, n) in new.enumerated() {
                            if n.unit != lastUnit { lastUnit = n.unit; unitField = Array((head + n.unit.rawValue + "\t").utf8) }
                            buffer.writeBytes(unitField)
                            buffer.writeString(indicatorText[n.indicator.slot] ?? Self.copyText(n.indicator.rawValue)); buffer.writeInteger(UInt8(ascii: "\t"))
                            buffer.writeString(shortestDecimal(n.value)); buffer.writeString(tail)
                            if k % 8192 == 8191 { try await w.write(buffer); buffer.clear() }
                        }
                        if buffer.readableBytes > 0 { try await w.write(buffer) }
                    }
                }
                for s in e.signOffs {
                    try await c.query("""
                        INSERT INTO signoffs (period, unit, role, name, date, digest, signature, import_id)
                        VALUES (\(p), \(s.unit.rawValue), \(s.role), \(s.name), \(s.date?.description ?? s.dateText), \(s.digest), \(s.signature), \(id))
                        """, logger: l)
                }
                for x in e.explanations {
                    try await c.query("INSERT INTO explanations (period, unit, rule, indicator, text, import_id) VALUES (\(p), \(x.unit.rawValue), \(x.rule), \(x.indicator?.rawValue), \(x.text), \(id))", logger: l)
                }
                for f in e.findings {
                    try await c.query("""
                        INSERT INTO findings (period, unit, rule, severity, indicator, value, expected, message, explained, import_id)
                        VALUES (\(p), \(f.unit?.rawValue), \(f.rule.description), \(f.severity.rawValue), \(f.indicator?.rawValue), \(f.value), \(f.expected), \(f.message.zh), \(f.explained), \(id))
                        """, logger: l)
                }
                for f in e.imputed {
                    try await c.query("""
                        INSERT INTO imputed_figures (import_id, period, unit, indicator, value, reported, method, basis)
                        VALUES (\(id), \(p), \(f.unit.rawValue), \(f.indicator.rawValue), \(f.value), \(f.reported), \(f.method.rawValue), \(f.basis.zh))
                        """, logger: l)
                }
                if pause > 0 {
                    FileHandle.standardError.write(Data("renju: importing (paused inside the transaction)\n".utf8))
                    try await Task.sleep(nanoseconds: UInt64(pause * 1e9))
                }
                return ImportRecord(id: id, at: stamp, who: who, file: e.submission.file, digest: e.digest, period: period,
                                    unit: e.root, forced: forced, reason: reason, replaced: replaced, changes: changes)
            }
        }
    }

    /// Within this transaction, rows are found by key only. A province's bulk import outruns the
    /// server's statistics (analysed at 171,000 of 12.5 million rows, it took each unit for 439
    /// rows) and the planner then read the whole period for every submission — a hash join over a
    /// sequential scan, quadratic.
    static func byKeyOnly(_ c: PostgresConnection, _ l: Logger) async throws {
        try await c.query(PostgresQuery(unsafeSQL: "SELECT \(byKeyOnlySettings)"), logger: l)
    }

    /// The settings of `byKeyOnly` as select-list items (`SET LOCAL` each, in one statement), for a
    /// query that has other work to do in the same round trip.
    static let byKeyOnlySettings =
        "set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)"

    static func binds(_ period: String, _ units: [String]) throws -> PostgresBindings {
        var b = PostgresBindings()
        b.append(period)
        b.append(units)
        return b
    }

    /// A text field of COPY's text format: backslash, tab and line breaks escaped.
    static func copyText(_ s: String) -> String {
        // Ids and codes never hold these: only a string that does is rewritten.
        guard s.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return s }
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    public func dataset(periods: [Period]?, units: [UnitCode]?) async throws -> Dataset {
        // Period by period, each row straight into the period's figures as it arrives: a national
        // quarter is 12 million figures, never held as rows.
        let wanted: [Period]
        if let periods { wanted = periods } else { wanted = try await self.periods().map(\.period) }
        let source = SourceRef(file: path)
        var ds = Dataset()
        for period in wanted {
            let p = period.description
            let only = units.map { $0.map(\.rawValue) }
            let lo = only?.min() ?? "", hi = only?.max() ?? ""
            // Codes are digits (UnitCode); a county's list goes as literals: a range of the primary
            // key from its least to its greatest code (its units share its prefix), then the list.
            let unitFilter = only.map { list -> String in
                let quoted = list.map { "'" + $0.filter(\.isNumber) + "'" }.joined(separator: ",")
                return " AND unit BETWEEN '\(lo.filter(\.isNumber))' AND '\(hi.filter(\.isNumber))' AND unit = ANY(ARRAY[\(quoted)]::TEXT[])"
            } ?? ""
            // Indicators travel as small numbers (their place in a list sent with the query), not as
            // text on each of millions of rows. The list: those of the period's first units (an
            // index range, not a scan of 12 million rows); a figure of another indicator comes back
            // as 0 and is fetched by name afterwards.
            let sample = nameSampleRows
            let (names, bounds): ([String], (String, String)?) = try await run { c, l in
                var names: [String] = []
                for try await n in try await c.query(PostgresQuery(unsafeSQL: """
                    SELECT DISTINCT indicator FROM observations WHERE period = $1 AND unit IN
                      (SELECT unit FROM observations WHERE period = $1\(unitFilter) ORDER BY unit LIMIT \(sample))
                    """, binds: Self.bind(p)), logger: l).decode(String.self) { names.append(n) }
                var bounds: (String, String)? = nil
                for try await (a, b) in try await c.query("SELECT min(unit), max(unit) FROM observations WHERE period = \(p)", logger: l)
                    .decode((String?, String?).self) { if let a, let b { bounds = (a, b) } }
                return (names.sorted(), bounds)
            }
            guard let bounds else { continue }
            // A county's units: one query. A province's period: slices of the code range on two
            // connections at once — the server groups one slice while the other is decoded here.
            let slices = only == nil ? Self.slices(from: bounds.0, to: bounds.1, count: 16) : [""]
            var values = PeriodValues()
            var others = false
            if slices.count == 1 {
                let r = try await run { c, l in try await c.withTransaction(logger: l) { c in
                    try await Self.byKeyOnly(c, l)
                    var pv = PeriodValues()
                    let others = try await Self.fetch(c, l, p, names, unitFilter, source: source, into: &pv)
                    return (pv, others)
                } }
                values = r.0; others = r.1
            } else {
                // Two connections of the pool at once, each taking the next slice as it finishes one.
                let queue = SliceQueue(slices)
                let parts: [(PeriodValues, Bool)] = try await withThrowingTaskGroup(of: (PeriodValues, Bool).self) { group in
                    for _ in 0..<2 {
                        group.addTask {
                            try await self.run { c, l in
                                try await c.withTransaction(logger: l) { c in
                                    var pv = PeriodValues(), other = false
                                    try await c.query("SET LOCAL jit = off", logger: l)
                                    while let slice = queue.next() {
                                        // Straight into this connection's figures: no copy a slice.
                                        if try await Self.fetch(c, l, p, names, slice, source: source, into: &pv) { other = true }
                                    }
                                    return (pv, other)
                                }
                            }
                        }
                    }
                    var out: [(PeriodValues, Bool)] = []
                    for try await r in group { out.append(r) }
                    return out
                }
                for (pv, o) in parts { values.merge(pv, overwrite: true); others = others || o }
            }
            if others {
                let rest: [(String, String, Double)] = try await run { c, l in
                    var rows: [(String, String, Double)] = []
                    for try await r in try await c.query(PostgresQuery(unsafeSQL: """
                        SELECT unit, indicator, value FROM observations WHERE period = $1\(unitFilter) AND NOT (indicator = ANY($2::TEXT[]))
                        """, binds: try Self.binds(p, names)), logger: l).decode((String, String, Double).self) { rows.append(r) }
                    return rows
                }
                for (u, i, v) in rest { if let unit = UnitCode(u) { values.set(unit, IndicatorID(i), Observation(v, source: source)) } }
            }
            if !values.units.isEmpty { ds.merge(period, values) }
        }
        return ds
    }

    /// One query's figures into `pv`: a unit a row, its indicators' places and values as arrays
    /// (per-row decoding cost more than the figures); true when a figure's indicator was not in `names`.
    static func fetch(_ c: PostgresConnection, _ l: Logger, _ p: String, _ names: [String], _ filter: String, source: SourceRef,
                      into pv: inout PeriodValues) async throws -> Bool {
        let ids = names.map { IndicatorID($0) }
        var others = false
        let slots = pv.register(ids)
        let origin = pv.origin(file: source.file, sheet: nil)
        var row: [(slot: Int, value: Double)] = []
        row.reserveCapacity(ids.count)
        for try await (u, ks, vs) in try await c.query(PostgresQuery(unsafeSQL: """
            SELECT unit, array_agg(coalesce(array_position($2::TEXT[], indicator), 0)), array_agg(value) FROM observations
            WHERE period = $1\(filter) GROUP BY unit
            """, binds: try binds(p, names)), logger: l).decode((String, ByteBuffer, ByteBuffer).self) {
            // The two arrays read in PostgreSQL's binary array format, side by side: postgres-nio's
            // generic array decoding was a third of the whole fetch.
            var kb = ks, vb = vs
            guard let unit = UnitCode(u), let n = arrayLength(&kb), arrayLength(&vb) == n else { continue }
            row.removeAll(keepingCapacity: true)
            defer { pv.setStored(unit, row, origin: origin) }
            for _ in 0..<n {
                guard let kl = kb.readInteger(as: Int32.self), let vl = vb.readInteger(as: Int32.self) else { break }
                guard kl == 4, vl == 8, let k = kb.readInteger(as: Int32.self), let bits = vb.readInteger(as: UInt64.self) else {
                    // A null or a width never sent: skip the element.
                    if kl > 0 { kb.moveReaderIndex(forwardBy: Int(kl)) }
                    if vl > 0 { vb.moveReaderIndex(forwardBy: Int(vl)) }
                    continue
                }
                if k >= 1 && Int(k) <= ids.count { row.append((slots[Int(k) - 1], Double(bitPattern: bits))) }
                else { others = true }
            }
        }
        return others
    }

    /// The element count of a one-dimensional array in binary format, the reader left at its
    /// first element (0 for an empty array; nil for anything else).
    static func arrayLength(_ b: inout ByteBuffer) -> Int? {
        guard let dims = b.readInteger(as: Int32.self), b.readInteger(as: Int32.self) != nil, b.readInteger(as: UInt32.self) != nil else { return nil }
        if dims == 0 { return 0 }
        guard dims == 1, let n = b.readInteger(as: Int32.self), n >= 0, b.readInteger(as: Int32.self) != nil else { return nil }
        return Int(n)
    }

    /// The code range split in `count` slices of equal numeric width, as SQL conditions (codes are
    /// 12 digits, compared as text: the same order).
    static func slices(from lo: String, to hi: String, count: Int) -> [String] {
        guard let a = UInt64(lo), let b = UInt64(hi), b > a, count > 1, lo.count == 12, hi.count == 12 else { return [""] }
        let step = max(1, (b - a) / UInt64(count) + 1)
        var out: [String] = []
        var start = a
        while start <= b {
            let end = start &+ step
            let s = String(format: "%012llu", start), e = String(format: "%012llu", end)
            out.append(end > b ? " AND unit >= '\(s)'" : " AND unit >= '\(s)' AND unit < '\(e)'")
            if end > b || end < start { break }
            start = end
        }
        return out
    }

    /// Slices handed out to the connections one at a time.
    final class SliceQueue: @unchecked Sendable {
        private var items: [String]
        private let lock = NSLock()
        init(_ items: [String]) { self.items = items.reversed() }
        func next() -> String? { lock.lock(); defer { lock.unlock() }; return items.popLast() }
    }

    static func bind(_ p: String) -> PostgresBindings { var b = PostgresBindings(); b.append(p); return b }

    public func periods() async throws -> [StoredPeriod] {
        let rows: [(String, Int, Int)] = try await run { c, l in
            var out: [(String, Int, Int)] = []
            for try await r in try await c.query("SELECT period, COUNT(DISTINCT unit)::BIGINT, COUNT(*)::BIGINT FROM observations GROUP BY period", logger: l)
                .decode((String, Int, Int).self) { out.append(r) }
            return out
        }
        return try rows.map { p, u, n in
            guard let period = Period.parse(p) else { throw PostgresStoreError.query(path, "a stored period does not parse: \(p)") }
            return StoredPeriod(period: period, units: u, figures: n)
        }.sorted { $0.period < $1.period }
    }

    public func history(unit: UnitCode, indicator: IndicatorID) async throws -> [SeriesPoint] {
        let u = unit.rawValue, i = indicator.rawValue
        let rows: [(String, Double)] = try await run { c, l in
            var out: [(String, Double)] = []
            // By the primary key, period by period: every stored figure came with an import of its period.
            for try await r in try await c.query("""
                SELECT period, value FROM observations WHERE period IN (SELECT DISTINCT period FROM imports) AND unit = \(u) AND indicator = \(i)
                """, logger: l)
                .decode((String, Double).self) { out.append(r) }
            return out
        }
        return try rows.map { p, v in
            guard let period = Period.parse(p) else { throw PostgresStoreError.query(path, "a stored period does not parse: \(p)") }
            return SeriesPoint(period: period, value: v)
        }.sorted { $0.period < $1.period }
    }

    public func imports() async throws -> [ImportRecord] {
        typealias Row = (Int64, String, String, String, String?, String, String, Bool, String?, Bool)
        let (rows, changeRows): ([Row], [(Int64, String, String, Double?, Double?)]) = try await run { c, l in
            var out: [Row] = []
            for try await r in try await c.query("SELECT id, at, who, file, digest, period, unit, forced, reason, replaced FROM imports ORDER BY id", logger: l)
                .decode(Row.self) { out.append(r) }
            var ch: [(Int64, String, String, Double?, Double?)] = []
            for try await r in try await c.query("SELECT import_id, unit, indicator, old, new FROM figure_changes ORDER BY ctid", logger: l)
                .decode((Int64, String, String, Double?, Double?).self) { ch.append(r) }
            return (out, ch)
        }
        var changes: [Int64: [FigureChange]] = [:]
        for (id, u, i, o, n) in changeRows {
            guard let unit = UnitCode(u) else { continue }
            changes[id, default: []].append(FigureChange(unit: unit, indicator: IndicatorID(i), old: o, new: n))
        }
        return try rows.map { r in
            guard let period = Period.parse(r.5), let unit = UnitCode(r.6) else { throw PostgresStoreError.query(path, "an import's period or unit does not parse") }
            return ImportRecord(id: r.0, at: r.1, who: r.2, file: r.3, digest: r.4, period: period, unit: unit, forced: r.7, reason: r.8,
                                replaced: r.9, changes: changes[r.0] ?? [])
        }
    }

    public func importedUnits(period: Period) async throws -> Set<UnitCode> {
        let p = period.description
        return try await run { c, l in
            var out = Set<UnitCode>()
            for try await u in try await c.query("SELECT DISTINCT unit FROM imports WHERE period = \(p)", logger: l).decode(String.self) {
                if let code = UnitCode(u) { out.insert(code) }
            }
            return out
        }
    }

    public func findings(period: Period) async throws -> [StoredFinding] {
        let p = period.description
        typealias Row = (String?, String, String, String?, Double?, Double?, String, Bool)
        let rows: [Row] = try await run { c, l in
            var out: [Row] = []
            for try await r in try await c.query("SELECT unit, rule, severity, indicator, value, expected, message, explained FROM findings WHERE period = \(p)", logger: l)
                .decode(Row.self) { out.append(r) }
            return out
        }
        return try rows.map { r in
            guard let rule = RuleID(r.1), let severity = Severity(rawValue: r.2) else { throw PostgresStoreError.query(path, "a stored finding's rule or severity does not parse") }
            return StoredFinding(unit: r.0.flatMap { UnitCode($0) }, rule: rule, severity: severity, indicator: r.3.map { IndicatorID($0) },
                                 value: r.4, expected: r.5, message: r.6, explained: r.7)
        }
    }

    public func imputed(period: Period) async throws -> [StoredImputation] {
        let p = period.description
        typealias Row = (String, String, Double, Double?, String, String)
        let rows: [Row] = try await run { c, l in
            var out: [Row] = []
            for try await r in try await c.query("SELECT unit, indicator, value, reported, method, basis FROM imputed_figures WHERE period = \(p) ORDER BY unit, indicator", logger: l)
                .decode(Row.self) { out.append(r) }
            return out
        }
        return rows.compactMap { r in
            UnitCode(r.0).map { StoredImputation(unit: $0, indicator: IndicatorID(r.1), value: r.2, reported: r.3, method: r.4, basis: r.5) }
        }
    }

    /// Figures stored (for tests and benchmarks).
    public func observationCount() async throws -> Int {
        try await run { c, l in
            var n = 0
            for try await v in try await c.query("SELECT COUNT(*)::BIGINT FROM observations", logger: l).decode(Int.self) { n = v }
            return n
        }
    }

    /// Runs statements as given (tests and the README's query plans only: never with user text).
    public func administer(_ sql: String) async throws -> [String] {
        try await run { c, l in
            var out: [String] = []
            for try await r in try await c.query(PostgresQuery(unsafeSQL: sql), logger: l) {
                if let s = try? r.decode(String.self) { out.append(s) }
            }
            return out
        }
    }
}

/// What went wrong with a PostgreSQL store, in words for the user.
public enum PostgresStoreError: UserFacingError, CustomStringConvertible {
    case connect(String, String)
    case query(String, String)
    public var userMessage: Message {
        switch self {
        case let .connect(w, e): return Message(zh: "无法连接数据库 \(w)：\(e)", en: "cannot connect to \(w): \(e)")
        case let .query(w, e): return Message(zh: "\(w)：\(e)", en: "\(w): \(e)")
        }
    }
    public var description: String {
        switch self {
        case let .connect(w, e): return "cannot connect to \(w): \(e) / 无法连接数据库 \(w)"
        case let .query(w, e): return "\(w): \(e)"
        }
    }
}
