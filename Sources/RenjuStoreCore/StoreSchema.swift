import Foundation

/// The SQL a backend speaks where the two differ: a few type names and one deliberate difference
/// (below). Every migration is written once, in `StoreSchema`, with these tokens.
public enum StoreDialect: Sendable {
    case sqlite, postgres

    /// A migration's text with its tokens replaced:
    /// - `{id}` an auto-numbered primary key; `{int64}` a 64-bit integer column;
    /// - `{double}` a floating-point column; `{bytes}` a byte string;
    /// - `{import_fk}` the foreign key of a figure to its import: SQLite keeps it; PostgreSQL does
    ///   not (the import row is written in the same transaction, and the per-row check made `COPY`
    ///   of a national quarter three times slower);
    /// - `{sequence}` a column numbering rows in insertion order where the backend has no row id
    ///   (PostgreSQL; SQLite orders by its rowid).
    public func sql(_ text: String) -> String {
        var s = text
        for (token, value) in tokens { s = s.replacingOccurrences(of: token, with: value) }
        return s
    }

    var tokens: [(String, String)] {
        switch self {
        case .sqlite:
            return [("{id}", "INTEGER PRIMARY KEY AUTOINCREMENT"), ("{int64}", "INTEGER"), ("{double}", "REAL"), ("{bytes}", "BLOB"),
                    ("{import_fk}", " REFERENCES imports(id)"), ("{sequence}", "")]
        case .postgres:
            return [("{id}", "BIGSERIAL PRIMARY KEY"), ("{int64}", "BIGINT"), ("{double}", "DOUBLE PRECISION"), ("{bytes}", "BYTEA"),
                    ("{import_fk}", ""), ("{sequence}", ", position BIGSERIAL")]
        }
    }
}

/// One step of the store's schema, identified as the store records it (`grdb_migrations` in the
/// file, `renju_migrations` on a server).
public struct StoreMigration: Sendable {
    public let id: String
    let statements: [String]
    /// The one backend the step is for (nil: both); the other never lists it — a file store is
    /// not made to migrate for a change that is not its own.
    let only: StoreDialect?
    init(id: String, statements: [String], only: StoreDialect? = nil) { self.id = id; self.statements = statements; self.only = only }
    public func statements(for dialect: StoreDialect) -> [String] {
        if let only, only != dialect { return [] }
        return statements.map(dialect.sql)
    }
}

/// The store's tables, written once for both backends. A store applies the migrations it has not
/// applied, in this order, each in one transaction; `renju db migrate` (or a writing command)
/// does it, opening never does.
public enum StoreSchema {
    /// The steps a backend applies, in order.
    public static func migrations(for dialect: StoreDialect) -> [StoreMigration] {
        migrations.filter { $0.only == nil || $0.only == dialect }
    }

    public static let migrations: [StoreMigration] = [
        StoreMigration(id: "v1", statements: [
            """
            CREATE TABLE imports (id {id}, at TEXT NOT NULL, who TEXT NOT NULL, file TEXT NOT NULL, digest TEXT,
              period TEXT NOT NULL, unit TEXT NOT NULL, forced BOOLEAN NOT NULL DEFAULT FALSE, reason TEXT,
              replaced BOOLEAN NOT NULL DEFAULT FALSE, changes TEXT NOT NULL DEFAULT '')
            """,
            """
            CREATE TABLE observations (period TEXT NOT NULL, unit TEXT NOT NULL, indicator TEXT NOT NULL,
              value {double} NOT NULL, import_id {int64} NOT NULL{import_fk},
              PRIMARY KEY (period, unit, indicator))
            """,
            "CREATE INDEX observations_unit ON observations(unit, indicator)",
            """
            CREATE TABLE signoffs (period TEXT NOT NULL, unit TEXT NOT NULL, role TEXT NOT NULL, name TEXT NOT NULL,
              date TEXT, digest TEXT, signature TEXT, import_id {int64} NOT NULL REFERENCES imports(id))
            """,
            """
            CREATE TABLE explanations (period TEXT NOT NULL, unit TEXT NOT NULL, rule TEXT, indicator TEXT, text TEXT NOT NULL,
              import_id {int64} NOT NULL REFERENCES imports(id))
            """,
            """
            CREATE TABLE findings (period TEXT NOT NULL, unit TEXT, rule TEXT NOT NULL, severity TEXT NOT NULL, indicator TEXT,
              value {double}, expected {double}, message TEXT NOT NULL, explained BOOLEAN NOT NULL,
              import_id {int64} NOT NULL REFERENCES imports(id))
            """,
        ]),
        // What a replacing import changed, a row per figure (v1 kept it as lines of text in
        // imports.changes; a SQLite store of v1 has them moved here once, by its own step).
        StoreMigration(id: "v2", statements: [
            """
            CREATE TABLE figure_changes (import_id {int64} NOT NULL REFERENCES imports(id), unit TEXT NOT NULL,
              indicator TEXT NOT NULL, old {double}, new {double})
            """,
            "CREATE INDEX figure_changes_import ON figure_changes(import_id)",
        ]),
        // The web desk: accounts, every uploaded file byte-exact, its versions, the desk's 说明 and
        // sign-offs, and the audit log.
        StoreMigration(id: "v3-desk", statements: [
            """
            CREATE TABLE accounts (login TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, unit TEXT NOT NULL,
              password_hash TEXT NOT NULL, disabled BOOLEAN NOT NULL DEFAULT FALSE)
            """,
            "CREATE TABLE account_signs (login TEXT NOT NULL REFERENCES accounts(login), role TEXT NOT NULL{sequence}, PRIMARY KEY (login, role))",
            "CREATE TABLE files (sha256 TEXT PRIMARY KEY, bytes {bytes} NOT NULL, size {int64} NOT NULL)",
            """
            CREATE TABLE submissions (id {id}, unit TEXT NOT NULL, period TEXT NOT NULL, version INTEGER NOT NULL,
              sha256 TEXT NOT NULL REFERENCES files(sha256), filename TEXT NOT NULL, uploaded_by TEXT NOT NULL, uploaded_at TEXT NOT NULL,
              state TEXT NOT NULL, return_message TEXT, UNIQUE (unit, period, version))
            """,
            """
            CREATE TABLE desk_explanations (id {id}, submission_id {int64} NOT NULL REFERENCES submissions(id), unit TEXT NOT NULL,
              period TEXT, rule TEXT, indicator TEXT, text TEXT NOT NULL, who TEXT NOT NULL, at TEXT NOT NULL)
            """,
            """
            CREATE TABLE desk_signoffs (id {id}, submission_id {int64} NOT NULL REFERENCES submissions(id), unit TEXT NOT NULL,
              period TEXT, role TEXT NOT NULL, name TEXT NOT NULL, date TEXT, digest TEXT, who TEXT NOT NULL, at TEXT NOT NULL)
            """,
            """
            CREATE TABLE desk_events (id {id}, at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL,
              submission_id {int64}, unit TEXT, period TEXT, detail TEXT NOT NULL)
            """,
        ]),
        // On-site checks (抽查): samples as drawn and what inspectors found.
        StoreMigration(id: "v4-inspections", statements: [
            """
            CREATE TABLE samples (id {id}, period TEXT NOT NULL, at TEXT NOT NULL, who TEXT NOT NULL, seed TEXT NOT NULL,
              size INTEGER NOT NULL, random_share {double} NOT NULL, grouping TEXT NOT NULL)
            """,
            """
            CREATE TABLE sample_figures (sample_id {int64} NOT NULL REFERENCES samples(id), unit TEXT NOT NULL, part TEXT NOT NULL,
              probability {double} NOT NULL, indicator TEXT NOT NULL, reported {double}, rules TEXT NOT NULL,
              PRIMARY KEY (sample_id, unit, indicator))
            """,
            """
            CREATE TABLE inspections (id {id}, sample_id {int64} NOT NULL REFERENCES samples(id), period TEXT NOT NULL, unit TEXT NOT NULL,
              indicator TEXT NOT NULL, reported {double}, found {double}, wrong BOOLEAN NOT NULL, inspector TEXT NOT NULL,
              inspected_on TEXT, recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL)
            """,
            "CREATE INDEX inspections_sample ON inspections(sample_id, unit, indicator)",
        ]),
        // The indexes the server's store had from its start and the file's lacked (the schemas
        // had drifted): a period's findings, a unit's sign-offs and explanations.
        StoreMigration(id: "v5-indexes", statements: [
            "CREATE INDEX IF NOT EXISTS findings_period ON findings(period)",
            "CREATE INDEX IF NOT EXISTS signoffs_period_unit ON signoffs(period, unit)",
            "CREATE INDEX IF NOT EXISTS explanations_period_unit ON explanations(period, unit)",
        ]),
        // Imputed values (`--impute` on a forced import), kept apart from the reported figures:
        // never read as history, never in a return unless asked for.
        StoreMigration(id: "v6-imputed", statements: [
            """
            CREATE TABLE imputed_figures (import_id {int64} NOT NULL{import_fk}, period TEXT NOT NULL, unit TEXT NOT NULL,
                indicator TEXT NOT NULL, value {double} NOT NULL, reported {double}, method TEXT NOT NULL, basis TEXT NOT NULL)
            """,
            "CREATE INDEX imputed_figures_period_unit ON imputed_figures(period, unit)",
        ]),
        // Which rule set (its content digest, RuleSetDigest) checked each import.
        StoreMigration(id: "v7-rules-digest", statements: [
            "ALTER TABLE imports ADD COLUMN rules_digest TEXT",
        ]),
        // The server's figures, cheaper to load: their keys compared byte by byte whatever the
        // cluster's locale (a code, a period and an indicator id are ASCII: nothing sorts
        // differently), and one index, not two — every read names its periods, so the primary key
        // (period, unit, indicator) serves them all, a unit's series too (period by period). The
        // server's raw COPY of a national quarter's 12.5 M figures: 38 s with both indexes in the
        // locale's comparison, 30 s in bytes, 21 s and less with the key alone. SQLite keeps its
        // index (its reads of a unit's series use it) and compares bytes already.
        StoreMigration(id: "v8-code-collation", statements: [
            "DROP INDEX IF EXISTS observations_unit",
            """
            ALTER TABLE observations ALTER COLUMN period TYPE TEXT COLLATE "C", ALTER COLUMN unit TYPE TEXT COLLATE "C",
              ALTER COLUMN indicator TYPE TEXT COLLATE "C"
            """,
        ], only: .postgres),
    ]
}
