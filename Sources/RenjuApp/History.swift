import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuStore
import RenjuStoreCore
import RenjuPostgres
import RenjuReading
import RenjuInspection

extension Workspace {
    /// Opens the history store at `path`. Only an import creates one (`create`): anything else
    /// given a path where no store is (a typo) is refused, never answered from a new, empty store.
    /// `created` says whether this call made it.
    /// `path` is a SQLite file, or a PostgreSQL server: `postgres://user@host:port/database`
    /// (`?host=/socket/folder` for a Unix socket).
    /// Opening only reads (a read-only replica or a copy on read-only media opens) unless
    /// `migrate` or `create`: a writing command brings the schema up to date first.
    public static func openStore(_ path: String, create: Bool = false, migrate: Bool = false) async throws -> OpenedStore {
        let opened = try await openDeskStore(path, create: create, migrate: migrate)
        return OpenedStore(store: opened.store, created: opened.created)
    }

    /// The store named by `RENJU_DB`, if any.
    public static var environmentStore: String? {
        ProcessInfo.processInfo.environment["RENJU_DB"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether a store address names a database server (PostgreSQL) rather than a file.
    public static func isServerStore(_ path: String) -> Bool { PostgresLocation.isURL(path) }

    /// The same store with the web desk's accounts, uploads and audit log.
    public static func openDeskStore(_ path: String, create: Bool = false, migrate: Bool = false) async throws -> OpenedDeskStore {
        let writing = create || migrate
        if PostgresLocation.isURL(path) {
            guard let location = PostgresLocation(path) else {
                throw AppError(zh: "数据库地址有误：\(path)", en: "not a PostgreSQL address: \(path)")
            }
            do { return OpenedDeskStore(store: try await PostgresStore(location, migrate: writing), created: false) } catch { throw AppError(Message.of(error)) }
        }
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists && !create {
            throw AppError(zh: "找不到数据库 \(path)，请先用 renju db import --db \(path) 建立",
                           en: "no store at \(path); create one with `renju db import --db \(path) INPUT…` or `renju user add --db \(path) …`")
        }
        do { return OpenedDeskStore(store: try HistoryStore(path: path, migrate: writing), created: !exists) } catch let e as StoreError {
            throw AppError(e.description)
        } catch {
            throw AppError(zh: "无法打开数据库 \(path)", en: "cannot open the store \(path)", cause: error)
        }
    }

    /// The earlier periods the checks of a period use: the four before it (the previous period,
    /// the one before for year-to-date increments, three back for repeated flows) and every
    /// earlier period of its year (the year-to-date pace), and the same period a year earlier
    /// (`last_year(x)`, 同比; for a month, twelve back).
    /// `depth` periods back at least (a frozen series over several reported years needs more).
    public static func historyPeriods(for p: Period, depth: Int = 4) -> [Period] {
        var out: [Period] = []
        var q = p.previous
        while out.count < max(4, depth) || (q.year == p.year && q.kind != .year) {
            out.append(q)
            if out.count > max(24, depth) { break }
            q = q.previous
        }
        if !out.contains(p.lastYear) { out.append(p.lastYear) }
        return out
    }

    /// The units whose history a check needs: those of the inputs (the checks compare a unit with
    /// its own earlier figures). Past a national quarter's few tens of thousands, the list costs
    /// more to send than the rows it saves: then every unit (nil).
    /// The codes their history was reported under before a division change are fetched too.
    public static func historyUnits(of input: InputSet, changes: DivisionChanges = DivisionChanges(), limit: Int = 50_000) -> [UnitCode]? {
        var units = Set<UnitCode>()
        for sub in input.submissions {
            for row in sub.rows { units.insert(row.code); if units.count > limit { return nil } }
        }
        let own = units.sorted()
        return own + changes.predecessors(of: own)
    }

    /// How far back the checks of a period look in the store: the frozen-series test's reported
    /// periods, with room for as many missing ones (rules.yaml `temporal.frozen`).
    public static func historyDepth(for p: Period, reference: ReferenceData) -> Int {
        let reported = Int(reference.checks.forPeriod(p.kind).value(RepeatCheck.reportedPeriods, of: RepeatCheck.frozen))
        return reported >= 2 ? 2 * reported : 4
    }

    /// Reads the inputs and checks the newest period (or `period`) with the store's earlier
    /// periods as history — only the periods the checks use are fetched.
    public func validate(_ inputs: [String], period: Period?, store: any HistoryStoring, asOf: CivilDate = .today) async throws -> Validation {
        let (reference, input) = try referenceAndInput(inputs, period: period)
        guard let p = period ?? input.submissions.compactMap(\.period).max() else {
            return check(input, reference: reference, period: period, asOf: asOf)
        }
        let history = try await store.dataset(periods: Self.historyPeriods(for: p, depth: Self.historyDepth(for: p, reference: reference)),
                                              units: Self.historyUnits(of: input, changes: reference.changes))
        var v = check(input, reference: reference, period: p, history: history, asOf: asOf)
        // What on-site checks found of each rule weights its findings' impact (and so the next sample's risk).
        if let s = store as? any InspectionStoring {
            let rates = HitRates.compute(samples: try await s.samples(), results: try await s.inspections())
            if !rates.rules.isEmpty {
                v = Validation(reference: v.reference, input: v.input, result: v.result.replacing(findings: rates.weighting(v.result.findings)))
            }
        }
        return v
    }

    /// What an import did.
    public struct Imported: Sendable {
        public let records: [ImportRecord]
        /// Refused: errors are open and the import was not forced.
        public let refusedForErrors: Int?
        /// Refused: these (unit, period) are stored already and the import was not forced.
        public var refusedAsStored: [(unit: UnitCode, period: Period)] = []
        /// Values imputed (`--impute`) and stored apart from the figures.
        public var imputed = 0
    }

    /// Validates the inputs (earlier periods in the store are their history) and stores each
    /// submission with its sign-offs, explanations and findings, in one transaction. Refused while
    /// errors are open unless forced with a reason, which the audit trail records.
    public func importInputs(_ inputs: [String], into store: any HistoryStoring, period: Period?, asOf: CivilDate = .today,
                             who: String? = nil, force: Bool = false, reason: String? = nil, pause: Double = 0) async throws -> Imported {
        if force, (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw AppError(zh: "--force 需要 --reason \"…\"：原因会被记录", en: "--force needs --reason \"…\": the reason is recorded")
        }
        let v = try await validate(inputs, period: period, store: store, asOf: asOf)
        let result = v.result
        if result.hasOpenError && !force { return Imported(records: [], refusedForErrors: result.summary.errors) }
        let tree = v.reference.tree
        // Sign-offs, explanations and findings by unit, once (filtering them for each of a
        // province's thousands of submissions was quadratic).
        let offsByUnit = Dictionary(grouping: v.input.signOffs, by: \.unit)
        let explanationsByUnit = Dictionary(grouping: v.input.explanations, by: \.unit)
        var findingsByUnit: [UnitCode: [Finding]] = [:]
        for f in result.findings { if let u = f.unit { findingsByUnit[u, default: []].append(f) } }
        let imputedByUnit = Dictionary(grouping: result.imputed, by: \.unit)
        let rulesDigest = RuleSetDigest.of(v.reference.checks)
        let entries: [StoreEntry] = result.submissions.compactMap { sub in
            guard let period = sub.period else { return nil }
            let roots = sub.roots(in: tree)
            guard let root = sub.reportingUnit(in: tree) else { return nil }
            let units = sub.rows.map(\.code)
            let offs = (roots.flatMap { offsByUnit[$0] ?? [] } + sub.signOffs.filter { roots.contains($0.unit) })
                .filter { $0.period == nil || $0.period == period }
            var entry = StoreEntry(
                submission: sub, root: root, digest: ContentDigest.of(sub), signOffs: offs,
                explanations: units.flatMap { explanationsByUnit[$0] ?? [] },
                findings: units.flatMap { findingsByUnit[$0] ?? [] })
            entry.imputed = units.flatMap { imputedByUnit[$0] ?? [] }
            entry.rulesDigest = rulesDigest
            return entry
        }
        // A period stored already is replaced only with --force and a reason (the audit trail then
        // says why and what changed).
        var stored: [Period: Set<UnitCode>] = [:]
        for p in Set(entries.compactMap(\.submission.period)) { stored[p] = try await store.importedUnits(period: p) }
        let again = entries.compactMap { e -> (unit: UnitCode, period: Period)? in
            guard let p = e.submission.period, stored[p]?.contains(e.root) == true else { return nil }
            return (e.root, p)
        }
        if !again.isEmpty && !force {
            var refused = Imported(records: [], refusedForErrors: nil)
            refused.refusedAsStored = again
            return refused
        }
        do {
            let records = try await store.importSubmissions(entries, who: who ?? Self.currentUser(), forced: force && (result.hasOpenError || !again.isEmpty),
                                                      reason: reason, now: Date(), pause: pause)
            var done = Imported(records: records, refusedForErrors: nil)
            done.imputed = entries.reduce(0) { $0 + $1.imputed.count }
            return done
        } catch let e as StoreError {
            throw AppError(e.description)
        } catch {
            throw AppError(zh: "入库失败，未存入任何数据", en: "import failed, nothing was stored", cause: error)
        }
    }

    /// Who is running Renju: the login of the process (USER may be unset under cron or a service).
    public static func currentUser(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let u = environment["USER"], !u.isEmpty { return u }
        let login = NSUserName()
        return login.isEmpty ? "unknown" : login
    }
}

/// A store opened for a command, and whether opening made it (a new file).
public struct OpenedStore: Sendable {
    public let store: any HistoryStoring
    public let created: Bool
}

/// A store opened for the desk (accounts, uploads, the audit log beside the history).
public struct OpenedDeskStore: Sendable {
    public let store: any DeskStoring
    public let created: Bool
}
