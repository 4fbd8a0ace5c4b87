import ArgumentParser
import Foundation
import RenjuModel
import RenjuChecks
import RenjuApp

struct DB: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "The history store: import accepted returns, list periods, show a series, the audit trail, migrate, back up, restore, check.",
        subcommands: [DBImport.self, DBPeriods.self, DBHistory.self, DBAudit.self, DBMigrate.self, DBBackup.self, DBRestore.self, DBCheck.self]
    )
}

/// The store: --db, else RENJU_DB, else renju.sqlite in the current folder.
func storePath(_ options: StoreOptions) -> String { options.path }

struct DBImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Validate and store a period's submissions (figures, sign-offs, explanations, findings) in one transaction.",
        discussion: """
        Refused while errors are open, or when a submission's period is stored already, unless \
        --force with a --reason, which is recorded (with every figure a replacement changed). \
        Every import records who, when, which file and its digest. The only command that creates a store.

          renju db import --db renju.sqlite current/
          renju db import --force --reason "州里同意先入库，10月20日前更正" current/
        """
    )

    @OptionGroup var checking: CheckOptions
    @OptionGroup var store: StoreOptions

    @Flag(name: .long, help: "Store even though errors are open, or replace a stored period (needs --reason).")
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

    mutating func run() async throws {
        let lang = checking.lang
        let path = storePath(store)
        let openedStore = try await Workspace.openStore(path, create: true)
        let db = openedStore.store, created = openedStore.created
        if created { note(lang, zh: "已新建数据库 \(path) / created a new store at \(path)", en: "created a new store at \(path)") }
        let pause = Double(ProcessInfo.processInfo.environment["RENJU_TEST_IMPORT_PAUSE"] ?? "") ?? 0
        let r = try await checking.workspace.importInputs(
            inputs, into: db, period: checking.period.value, asOf: checking.asOf.value, who: who, force: force, reason: reason, pause: pause)
        if let errors = r.refusedForErrors {
            note(lang, zh: "拒绝入库：还有 \(errors) 条错误未改正（renju validate 查看）；确需入库请用 --force --reason \"…\"",
                 en: "refused: \(errors) open errors (see renju validate); use --force --reason \"…\" to store anyway")
            throw ExitCode(1)
        }
        if !r.refusedAsStored.isEmpty {
            let list = r.refusedAsStored.prefix(5).map { "\($0.unit) \($0.period)" }.joined(separator: ", ") + (r.refusedAsStored.count > 5 ? " …" : "")
            note(lang, zh: "拒绝入库：\(r.refusedAsStored.count) 份报表已经入库（\(list)）；重新入库会替换已存的数据，确需替换请用 --force --reason \"…\"，原因和改动会被记录",
                 en: "refused: \(r.refusedAsStored.count) submissions are stored already (\(list)); replacing them needs --force --reason \"…\", which the audit trail records with what changed")
            throw ExitCode(1)
        }
        for rec in r.records {
            let what = rec.replaced ? (rec.changes.isEmpty ? "replaced, no figure changed" : "replaced, \(rec.changes.count) figures changed") : "new"
            say("stored \(rec.unit) \(rec.period) from \(rec.file) (\(what))")
        }
        say(lang, zh: "已入库 \(r.records.count) 份报表：\(db.path)", en: "\(r.records.count) submissions stored in \(db.path)")
        if r.imputed > 0 {
            say(lang, zh: "另存 \(r.imputed) 个插补值，与填报数分开（不作为历史数据）", en: "\(r.imputed) imputed values stored apart from the reported figures (never used as history)")
        }
    }
}

struct DBPeriods: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "periods", abstract: "List the periods in the store.")
    @OptionGroup var store: StoreOptions
    mutating func run() async throws {
        for p in try await Workspace.openStore(storePath(store)).store.periods() { print("\(p.period)  \(p.units) units  \(p.figures) figures") }
    }
}

struct DBHistory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Print a unit's series of one indicator.")
    @OptionGroup var reference: ReferenceOptions
    @OptionGroup var format: FormatOption
    @OptionGroup var language: LanguageOption
    @OptionGroup var store: StoreOptions
    @Option(name: .long, help: "The unit's division code.") var unit: UnitCode
    @Option(name: .long, help: "The indicator (id or Chinese name).") var indicator: String

    mutating func run() async throws {
        let ref = try reference.workspace().reference()
        let u = unit
        guard let id = ref.catalog.resolve(indicator), let ind = ref.catalog[id] else { throw ValidationError("--indicator: unknown indicator") }
        let series = try await Workspace.openStore(storePath(store)).store.history(unit: u, indicator: id)
        if format.format == .json {
            print("[" + series.map { "{\"period\": \"\($0.period)\", \"value\": \(shortestDecimal($0.value))}" }.joined(separator: ", ") + "]")
            return
        }
        let en = language.lang == .en
        say(en ? "\(ref.tree.name(of: u) ?? u.rawValue) \(ind.englishName) (\(ind.unit))" : "\(ref.tree.name(of: u) ?? u.rawValue) \(ind.name)（\(ind.unit)）")
        var prev: Double?
        for point in series {
            let p = point.period, v = point.value
            let change = prev.map { $0 == 0 ? "" : String(format: "  %+.1f%%", (v - $0) / $0 * 100) } ?? ""
            print("\(p)  \(figure(v, ind))\(change)")
            prev = v
        }
        if series.isEmpty { print(en ? "(no data)" : "（无数据）") }
    }
}

struct DBAudit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The audit trail: every import, who, when, file, digest, what changed.")
    @OptionGroup var store: StoreOptions
    mutating func run() async throws {
        for r in try await Workspace.openStore(storePath(store)).store.imports() {
            say("#\(r.id) \(r.at) \(r.who) \(r.unit) \(r.period) \(r.file) digest \(r.digest ?? "—")\(r.forced ? " FORCED: \(r.reason ?? "")" : "")\(r.replaced ? " (replaced)" : "")")
            for c in r.changes { say("    \(c)") }
        }
        // The web desk's events: uploads, 说明, sign-offs, 退回, exports, accounts.
        for e in try await Workspace.openDeskStore(storePath(store)).store.events() { say("desk \(e)") }
    }
}

/// Brings a store's schema up to this version. Commands that only read (validate, rank, db
/// periods/history/audit) never write to the store, so a read-only replica opens for them; the
/// writing ones (db import, user, serve, sample, verify) migrate as they open.
struct DBMigrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Bring the store's schema up to this version of Renju (a SQLite store is backed up first).",
        discussion: "A store written by a newer Renju is refused, never changed. The backup is STORE.before-MIGRATION-TIME.sqlite beside it.")
    @OptionGroup var store: StoreOptions
    mutating func run() async throws {
        let path = storePath(store)
        if let copy = try await Workspace.migrateStore(path) {
            writeStderr("renju: backed up \(path) to \(copy), then brought it up to date")
        } else {
            writeStderr("renju: the store \(path) is up to date")
        }
    }
}

struct DBBackup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup", abstract: "A consistent copy of the store, taken while the desk runs.",
        discussion: """
        A SQLite store is copied with SQLite's online backup (the store as it was when the backup \
        began; uploads and imports carry on meanwhile). A PostgreSQL store is dumped with \
        `pg_dump --format=custom` (restore it with `renju db restore`). DEST must not exist.

          renju db backup --db /var/lib/renju/renju.sqlite /var/backups/renju/renju-2025-11-01.sqlite
        """)
    @OptionGroup var store: StoreOptions
    @Argument(help: ArgumentHelp("The backup file to write.", valueName: "dest")) var destination: String
    mutating func run() async throws {
        let path = storePath(store)
        try Workspace.backupStore(path, to: destination)
        writeStderr("renju: backed up \(path) to \(destination)")
    }
}

struct DBRestore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore", abstract: "Put a backup's contents in place of the store's (stop the desk first).",
        discussion: "The backup is checked first (integrity, schema); --replace says you mean to replace what the store holds now.")
    @OptionGroup var store: StoreOptions
    @Flag(name: .long, help: "Replace the store's present contents.") var replace = false
    @Argument(help: ArgumentHelp("The backup to restore.", valueName: "backup")) var source: String
    mutating func run() async throws {
        let path = storePath(store)
        guard replace else {
            throw ValidationError("restoring replaces everything \(path) holds now: add --replace to do it / 恢复会替换数据库现有的全部内容：确认请加 --replace")
        }
        try Workspace.restoreStore(path, from: source)
        writeStderr("renju: restored \(path) from \(source)")
    }
}

struct DBCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Check the store: integrity, schema, stored files. Exit 1 when something is wrong.")
    @OptionGroup var store: StoreOptions
    mutating func run() async throws {
        let path = storePath(store)
        let problems = try await Workspace.checkStore(path)
        for p in problems { print("problem: \(p)") }
        if problems.isEmpty { print("ok: \(path)") } else { throw ExitCode(1) }
    }
}
