import Foundation
import PostgresNIO
import RenjuModel
import RenjuStoreCore

extension PostgresStore {
    static func stamp(_ d: Date) -> String { ISO8601DateFormatter().string(from: d) }

    static func event(_ c: PostgresConnection, _ l: Logger, _ action: DeskAction, who: String, submission: Int64?, unit: UnitCode?,
                      period: Period?, detail: String, now: Date) async throws {
        try await c.query("""
            INSERT INTO desk_events (at, who, action, submission_id, unit, period, detail)
            VALUES (\(stamp(now)), \(who), \(action.rawValue), \(submission), \(unit?.rawValue), \(period?.description), \(detail))
            """, logger: l)
    }

    typealias SubmissionRow = (Int64, String, String, Int, String, String, String, String, String, String?)
    static let submissionColumns = "id, unit, period, version, sha256, filename, uploaded_by, uploaded_at, state, return_message"

    func stored(_ r: SubmissionRow) throws -> StoredSubmission {
        guard let unit = UnitCode(r.1), let period = Period.parse(r.2), let state = SubmissionState(rawValue: r.8) else {
            throw PostgresStoreError.query(path, "a stored submission's unit, period or state does not parse")
        }
        return StoredSubmission(id: r.0, unit: unit, period: period, version: r.3, sha256: r.4, filename: r.5, uploadedBy: r.6,
                                uploadedAt: r.7, state: state, returnMessage: r.9)
    }
}

extension PostgresStore: DeskStoring {
    public func addAccount(_ account: Account, passwordHash: String) async throws {
        let exists: Bool = try await run { c, l in
            try await c.withTransaction(logger: l) { c in
                var n = 0
                for try await v in try await c.query("SELECT COUNT(*)::BIGINT FROM accounts WHERE login = \(account.login)", logger: l).decode(Int.self) { n = v }
                if n > 0 { return true }
                try await c.query("""
                    INSERT INTO accounts (login, name, role, unit, password_hash, disabled)
                    VALUES (\(account.login), \(account.name), \(account.role.rawValue), \(account.unit.rawValue), \(passwordHash), \(account.disabled))
                    """, logger: l)
                for r in account.signs { try await c.query("INSERT INTO account_signs (login, role) VALUES (\(account.login), \(r))", logger: l) }
                try await Self.event(c, l, .account, who: account.login, submission: nil, unit: account.unit, period: nil,
                                     detail: "added \(account.role.rawValue)", now: Date())
                return false
            }
        }
        if exists { throw DeskStoreError.duplicateLogin(account.login) }
    }

    func accountRows(_ login: String?) async throws -> [(Account, String)] {
        typealias Row = (String, String, String, String, String, Bool)
        let (rows, signs): ([Row], [(String, String)]) = try await run { c, l in
            var out: [Row] = [], s: [(String, String)] = []
            let q: PostgresQuery = login.map { "SELECT login, name, role, unit, password_hash, disabled FROM accounts WHERE login = \($0)" }
                ?? "SELECT login, name, role, unit, password_hash, disabled FROM accounts ORDER BY login"
            for try await r in try await c.query(q, logger: l).decode(Row.self) { out.append(r) }
            for try await r in try await c.query("SELECT login, role FROM account_signs ORDER BY position", logger: l).decode((String, String).self) { s.append(r) }
            return (out, s)
        }
        return try rows.map { r in
            guard let role = Role(rawValue: r.2), let unit = UnitCode(r.3) else { throw PostgresStoreError.query(path, "an account's role or unit does not parse") }
            return (Account(login: r.0, name: r.1, role: role, unit: unit, signs: signs.filter { $0.0 == r.0 }.map(\.1), disabled: r.5), r.4)
        }
    }

    public func accounts() async throws -> [Account] { try await accountRows(nil).map(\.0) }

    public func account(login: String) async throws -> (account: Account, passwordHash: String)? {
        try await accountRows(login).first.map { ($0.0, $0.1) }
    }

    public func setPasswordHash(login: String, _ hash: String) async throws -> Bool {
        try await run { c, l in
            var found = false
            for try await _ in try await c.query("UPDATE accounts SET password_hash = \(hash) WHERE login = \(login) RETURNING login", logger: l).decode(String.self) { found = true }
            return found
        }
    }

    public func setDisabled(login: String, _ disabled: Bool) async throws -> Bool {
        try await run { c, l in
            try await c.withTransaction(logger: l) { c in
                var unit: String?
                for try await u in try await c.query("UPDATE accounts SET disabled = \(disabled) WHERE login = \(login) RETURNING unit", logger: l).decode(String.self) { unit = u }
                guard let unit else { return false }
                try await Self.event(c, l, .account, who: login, submission: nil, unit: UnitCode(unit), period: nil,
                                     detail: disabled ? "disabled" : "enabled", now: Date())
                return true
            }
        }
    }

    public func addSubmission(bytes: Data, filename: String, unit: UnitCode, period: Period, who: String, now: Date) async throws -> StoredSubmission {
        let sha = ContentSHA.hex(bytes)
        let row: SubmissionRow = try await run { c, l in
            try await c.withTransaction(logger: l) { c in
                let u = unit.rawValue, p = period.description
                try await c.query("SELECT pg_advisory_xact_lock(hashtext(\("desk|" + p + "|" + u)))", logger: l)
                try await c.query("INSERT INTO files (sha256, bytes, size) VALUES (\(sha), \(ByteBuffer(bytes: bytes)), \(bytes.count)) ON CONFLICT (sha256) DO NOTHING", logger: l)
                var last = 0
                for try await v in try await c.query("SELECT COALESCE(MAX(version), 0) FROM submissions WHERE unit = \(u) AND period = \(p)", logger: l).decode(Int.self) { last = v }
                var out: SubmissionRow?
                for try await r in try await c.query(PostgresQuery(unsafeSQL: """
                    INSERT INTO submissions (unit, period, version, sha256, filename, uploaded_by, uploaded_at, state)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, 'submitted') RETURNING \(Self.submissionColumns)
                    """, binds: try Self.row(u, p, last + 1, sha, filename, who, Self.stamp(now))), logger: l).decode(SubmissionRow.self) { out = r }
                guard let out else { throw DeskStoreError.unknownSubmission(-1) }
                try await Self.event(c, l, .upload, who: who, submission: out.0, unit: unit, period: period,
                                     detail: "version \(last + 1), \(bytes.count) bytes, sha256 \(sha)", now: now)
                return out
            }
        }
        return try stored(row)
    }

    static func row(_ u: String, _ p: String, _ v: Int, _ sha: String, _ f: String, _ who: String, _ at: String) throws -> PostgresBindings {
        var b = PostgresBindings()
        b.append(u); b.append(p); b.append(v); b.append(sha); b.append(f); b.append(who); b.append(at)
        return b
    }

    public func submission(id: Int64) async throws -> StoredSubmission? {
        let rows: [SubmissionRow] = try await run { c, l in
            var out: [SubmissionRow] = []
            for try await r in try await c.query(PostgresQuery(unsafeSQL: "SELECT \(Self.submissionColumns) FROM submissions WHERE id = $1", binds: try Self.one(id)), logger: l)
                .decode(SubmissionRow.self) { out.append(r) }
            return out
        }
        return try rows.first.map(stored)
    }

    static func one(_ v: some PostgresEncodable & Sendable) throws -> PostgresBindings {
        var b = PostgresBindings()
        try b.append(v)
        return b
    }

    public func file(sha256: String) async throws -> Data? {
        try await run { c, l in
            var out: Data?
            for try await b in try await c.query("SELECT bytes FROM files WHERE sha256 = \(sha256)", logger: l).decode(ByteBuffer.self) {
                out = Data(buffer: b)
            }
            return out
        }
    }

    public func submissions(period: Period?) async throws -> [StoredSubmission] {
        let rows: [SubmissionRow] = try await run { c, l in
            var out: [SubmissionRow] = []
            let q: PostgresQuery
            if let period {
                q = PostgresQuery(unsafeSQL: "SELECT \(Self.submissionColumns) FROM submissions WHERE period = $1 ORDER BY id", binds: try Self.one(period.description))
            } else {
                q = PostgresQuery(unsafeSQL: "SELECT \(Self.submissionColumns) FROM submissions ORDER BY id")
            }
            for try await r in try await c.query(q, logger: l).decode(SubmissionRow.self) { out.append(r) }
            return out
        }
        return try rows.map(stored)
    }

    public func addExplanation(_ x: Explanation, submission: Int64, who: String, now: Date) async throws {
        try await run { c, l in
            try await c.withTransaction(logger: l) { c in
                try await c.query("""
                    INSERT INTO desk_explanations (submission_id, unit, period, rule, indicator, text, who, at)
                    VALUES (\(submission), \(x.unit.rawValue), \(x.period?.description), \(x.rule), \(x.indicator?.rawValue), \(x.text), \(who), \(Self.stamp(now)))
                    """, logger: l)
                try await Self.event(c, l, .explain, who: who, submission: submission, unit: x.unit, period: x.period,
                                     detail: "\(x.rule ?? "*") \(x.indicator?.rawValue ?? "*"): \(x.text)", now: now)
            }
        }
    }

    public func explanations(submission: Int64) async throws -> [Explanation] {
        typealias Row = (String, String?, String?, String?, String)
        let rows: [Row] = try await run { c, l in
            var out: [Row] = []
            for try await r in try await c.query("SELECT unit, period, rule, indicator, text FROM desk_explanations WHERE submission_id = \(submission) ORDER BY id", logger: l)
                .decode(Row.self) { out.append(r) }
            return out
        }
        return rows.compactMap { r in
            UnitCode(r.0).map { Explanation(unit: $0, period: r.1.flatMap(Period.parse), rule: r.2, indicator: r.3.map { IndicatorID($0) }, text: r.4, source: nil) }
        }
    }

    public func addSignOff(_ s: SignOff, submission: Int64, who: String, now: Date) async throws {
        try await run { c, l in
            try await c.withTransaction(logger: l) { c in
                try await c.query("""
                    INSERT INTO desk_signoffs (submission_id, unit, period, role, name, date, digest, who, at)
                    VALUES (\(submission), \(s.unit.rawValue), \(s.period?.description), \(s.role), \(s.name), \(s.date?.description), \(s.digest), \(who), \(Self.stamp(now)))
                    """, logger: l)
                try await Self.event(c, l, .signoff, who: who, submission: submission, unit: s.unit, period: s.period,
                                     detail: "\(s.role) \(s.name) digest \(s.digest ?? "—")", now: now)
            }
        }
    }

    public func signOffs(submission: Int64) async throws -> [SignOff] {
        typealias Row = (String, String?, String, String, String?, String?)
        let rows: [Row] = try await run { c, l in
            var out: [Row] = []
            for try await r in try await c.query("SELECT unit, period, role, name, date, digest FROM desk_signoffs WHERE submission_id = \(submission) ORDER BY id", logger: l)
                .decode(Row.self) { out.append(r) }
            return out
        }
        return rows.compactMap { r in
            UnitCode(r.0).map { SignOff(unit: $0, period: r.1.flatMap(Period.parse), role: r.2, name: r.3, date: r.4.flatMap(CivilDate.parse),
                                        dateText: r.4, digest: r.5, source: nil) }
        }
    }

    public func returnSubmission(id: Int64, message: String, who: String, now: Date) async throws {
        let found: Bool = try await run { c, l in
            try await c.withTransaction(logger: l) { c in
                var unit: String?, period: String?
                for try await (u, p) in try await c.query("UPDATE submissions SET state = 'returned', return_message = \(message) WHERE id = \(id) RETURNING unit, period", logger: l)
                    .decode((String, String).self) { unit = u; period = p }
                guard let unit else { return false }
                try await Self.event(c, l, .return, who: who, submission: id, unit: UnitCode(unit), period: period.flatMap(Period.parse), detail: message, now: now)
                return true
            }
        }
        if !found { throw DeskStoreError.unknownSubmission(id) }
    }

    public func log(_ action: DeskAction, who: String, submission: Int64?, unit: UnitCode?, period: Period?, detail: String, now: Date) async throws {
        try await run { c, l in try await Self.event(c, l, action, who: who, submission: submission, unit: unit, period: period, detail: detail, now: now) }
    }

    public func events() async throws -> [DeskEvent] {
        typealias Row = (Int64, String, String, String, Int64?, String?, String?, String)
        let rows: [Row] = try await run { c, l in
            var out: [Row] = []
            for try await r in try await c.query("SELECT id, at, who, action, submission_id, unit, period, detail FROM desk_events ORDER BY id", logger: l)
                .decode(Row.self) { out.append(r) }
            return out
        }
        return rows.compactMap { r in
            DeskAction(rawValue: r.3).map { DeskEvent(id: r.0, at: r.1, who: r.2, action: $0, submission: r.4, unit: r.5.flatMap { UnitCode($0) },
                                                      period: r.6.flatMap(Period.parse), detail: r.7) }
        }
    }
}
