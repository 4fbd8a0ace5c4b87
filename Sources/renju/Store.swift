import ArgumentParser
import Foundation
import RenjuModel
import RenjuReading
import RenjuReference
import RenjuChecks
import RenjuStore

struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The history store (SQLite).", valueName: "path"))
    var db: String?

    /// Opens the store. Only `db import` creates one (`create`): anything else given a path where
    /// no store is (a typo) is refused, never answered from a new, empty store.
    func open(default path: String? = nil, create: Bool = false) throws -> HistoryStore? {
        guard let p = db ?? path else { return nil }
        let exists = FileManager.default.fileExists(atPath: p)
        if !exists && !create {
            writeStderr("renju: no store at \(p); create one with `renju db import --db \(p) INPUT…` / 找不到数据库 \(p)，请先用 renju db import 建立")
            throw ExitCode(2)
        }
        do {
            let store = try HistoryStore(path: p)
            if !exists { writeStderr("renju: created a new store at \(p) / 已新建数据库 \(p)") }
            return store
        } catch {
            writeStderr("renju: cannot open the store \(p): \(error)"); throw ExitCode(2)
        }
    }
}

struct DB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "The history store: import accepted returns, list periods, show a series, the audit trail.",
        subcommands: [DBImport.self, DBPeriods.self, DBHistory.self, DBAudit.self]
    )
}

struct DBImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Validate and store a period's submissions (figures, sign-offs, explanations, findings) in one transaction.",
        discussion: """
        Refused while errors are open, unless --force with a --reason, which is recorded. \
        Re-importing a unit's period replaces it and records who, when, which file, its digest and \
        what changed.

          renju db import --db renju.sqlite current/
          renju db import --force --reason "州里同意先入库，10月20日前更正" current/
        """
    )

    @OptionGroup var common: CommonOptions
    @OptionGroup var store: StoreOptions

    @Flag(name: .long, help: "Store even though errors are open (needs --reason).")
    var force = false

    @Option(name: .long, help: "Why the import is forced (recorded in the audit trail).")
    var reason: String?

    @Option(name: .long, help: "Who imports (default: the login name).")
    var who: String?

    @Argument(help: ArgumentHelp("Files and folders to read.", valueName: "input"))
    var inputs: [String]

    func validate() throws {
        if force, (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--force needs --reason \"…\": the reason is recorded")
        }
    }

    func run() throws {
        guard let db = try store.open(default: "renju.sqlite", create: true) else { throw ExitCode(2) }
        let session = try Session.run(common, inputs: inputs, history: try db.dataset())
        let result = session.result
        let s = result.summary
        if result.hasOpenError && !force {
            writeStderr(common.lang == .zh ? "拒绝入库：还有 \(s.errors) 条错误未改正（renju validate 查看）；确需入库请用 --force --reason \"…\""
                                          : "refused: \(s.errors) open errors (see renju validate); use --force --reason \"…\" to store anyway")
            throw ExitCode(1)
        }
        let tree = session.reference.tree
        let entries: [HistoryStore.Entry] = result.submissions.compactMap { sub in
            guard let period = sub.period else { return nil }
            let roots = sub.roots(in: tree)
            guard let root = roots.min(by: { (tree[$0]?.level.depth ?? 9) < (tree[$1]?.level.depth ?? 9) }) else { return nil }
            let units = Set(sub.rows.map(\.code))
            let offs = (session.input.signOffs + sub.signOffs).filter { roots.contains($0.unit) && ($0.period == nil || $0.period == period) }
            return HistoryStore.Entry(
                submission: sub, root: root, digest: ContentDigest.of(sub), signOffs: offs,
                explanations: session.input.explanations.filter { units.contains($0.unit) },
                findings: result.findings.filter { $0.unit.map(units.contains) ?? false })
        }
        // Who imported: --who, else the login of the process (USER may be unset under cron or a service).
        let login = NSUserName()
        let user = who ?? ProcessInfo.processInfo.environment["USER"] ?? (login.isEmpty ? "unknown" : login)
        let pause = Double(ProcessInfo.processInfo.environment["RENJU_TEST_IMPORT_PAUSE"] ?? "") ?? 0
        do {
            let records = try db.importSubmissions(entries, who: user, forced: force && result.hasOpenError, reason: reason, pause: pause)
            for r in records {
                let what = r.replaced ? (r.changes.isEmpty ? "replaced, no figure changed" : "replaced, \(r.changes.split(separator: "\n").count) figures changed") : "new"
                say("stored \(r.unit) \(r.period) from \(r.file) (\(what))")
            }
            print(common.lang == .zh ? "已入库 \(records.count) 份报表：\(db.path)" : "\(records.count) submissions stored in \(db.path)")
        } catch {
            writeStderr("renju: import failed, nothing was stored: \(error)"); throw ExitCode(2)
        }
    }
}

struct DBPeriods: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "periods", abstract: "List the periods in the store.")
    @OptionGroup var store: StoreOptions
    func run() throws {
        guard let db = try store.open(default: "renju.sqlite") else { throw ExitCode(2) }
        for p in try db.periods() { print("\(p.period)  \(p.units) units  \(p.values) figures") }
    }
}

struct DBHistory: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Print a unit's series of one indicator.")
    @OptionGroup var common: CommonOptions
    @OptionGroup var store: StoreOptions
    @Option(name: .long, help: "The unit's division code.") var unit: String
    @Option(name: .long, help: "The indicator (id or Chinese name).") var indicator: String

    func run() throws {
        let reference: ReferenceData
        do { reference = try common.loadReference() } catch let e as CouldNotRun { writeStderr("renju: \(e)"); throw ExitCode(2) }
        guard let u = UnitCode(unit) else { throw ValidationError("--unit: not a division code") }
        guard let id = reference.catalog.resolve(indicator), let ind = reference.catalog[id] else { throw ValidationError("--indicator: unknown indicator") }
        guard let db = try store.open(default: "renju.sqlite") else { throw ExitCode(2) }
        let series = try db.history(unit: u, indicator: id)
        if common.format == .json {
            print("[" + series.map { "{\"period\": \"\($0.period)\", \"value\": \(shortestDecimal($0.value))}" }.joined(separator: ", ") + "]")
            return
        }
        let en = common.lang == .en
        say(en ? "\(reference.tree.name(of: u) ?? u.rawValue) \(ind.englishName) (\(ind.unit))" : "\(reference.tree.name(of: u) ?? u.rawValue) \(ind.name)（\(ind.unit)）")
        var prev: Double?
        for (p, v) in series {
            let change = prev.map { $0 == 0 ? "" : String(format: "  %+.1f%%", (v - $0) / $0 * 100) } ?? ""
            print("\(p)  \(figure(v, ind))\(change)")
            prev = v
        }
        if series.isEmpty { print(en ? "(no data)" : "（无数据）") }
    }
}

struct DBAudit: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The audit trail: every import, who, when, file, digest, what changed.")
    @OptionGroup var store: StoreOptions
    func run() throws {
        guard let db = try store.open(default: "renju.sqlite") else { throw ExitCode(2) }
        for r in try db.imports() {
            say("#\(r.id) \(r.at) \(r.who) \(r.unit) \(r.period) \(r.file) digest \(r.digest ?? "—")\(r.forced ? " FORCED: \(r.reason ?? "")" : "")\(r.replaced ? " (replaced)" : "")")
            for c in r.changes.split(separator: "\n") { say("    \(c)") }
        }
    }
}
