import Foundation
import GRDB
import RenjuModel
import RenjuStoreCore

// The desk's tables (migration v3) and their records.

extension Role: DatabaseValueConvertible {}
extension SubmissionState: DatabaseValueConvertible {}
extension DeskAction: DatabaseValueConvertible {}

struct AccountRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "accounts"
    var login: String
    var name: String
    var role: Role
    var unit: UnitCode
    var passwordHash: String
    var disabled: Bool
    enum CodingKeys: String, CodingKey { case login, name, role, unit, passwordHash = "password_hash", disabled }
}

/// A chain role an account signs in: a row each, not a list in a column.
struct AccountSignsRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "account_signs"
    var login: String
    var role: String
}

/// A file's bytes by their SHA-256: the same file uploaded twice is stored once.
struct FileRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "files"
    var sha256: String
    var bytes: Data
    var size: Int
}

struct SubmissionRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "submissions"
    var id: Int64?
    var unit: UnitCode
    var period: Period
    var version: Int
    var sha256: String
    var filename: String
    var uploadedBy: String
    var uploadedAt: String
    var state: SubmissionState
    var returnMessage: String?
    enum CodingKeys: String, CodingKey {
        case id, unit, period, version, sha256, filename, uploadedBy = "uploaded_by", uploadedAt = "uploaded_at", state, returnMessage = "return_message"
    }
    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
    var stored: StoredSubmission? {
        id.map { StoredSubmission(id: $0, unit: unit, period: period, version: version, sha256: sha256, filename: filename,
                                  uploadedBy: uploadedBy, uploadedAt: uploadedAt, state: state, returnMessage: returnMessage) }
    }
}

struct DeskExplanationRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "desk_explanations"
    var submissionId: Int64
    var unit: UnitCode
    var period: Period?
    var rule: String?
    var indicator: IndicatorID?
    var text: String
    var who: String
    var at: String
    enum CodingKeys: String, CodingKey { case submissionId = "submission_id", unit, period, rule, indicator, text, who, at }
}

struct DeskSignOffRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "desk_signoffs"
    var submissionId: Int64
    var unit: UnitCode
    var period: Period?
    var role: String
    var name: String
    var date: String?
    var digest: String?
    var who: String
    var at: String
    enum CodingKeys: String, CodingKey { case submissionId = "submission_id", unit, period, role, name, date, digest, who, at }
}

struct EventRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "desk_events"
    var id: Int64?
    var at: String
    var who: String
    var action: DeskAction
    var submissionId: Int64?
    var unit: UnitCode?
    var period: Period?
    var detail: String
    enum CodingKeys: String, CodingKey { case id, at, who, action, submissionId = "submission_id", unit, period, detail }
    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension HistoryStore {
    static func stamp(_ d: Date) -> String { ISO8601DateFormatter().string(from: d) }

    @discardableResult
    static func logEvent(_ db: Database, _ action: DeskAction, who: String, submission: Int64?, unit: UnitCode?, period: Period?,
                         detail: String, now: Date) throws -> Int64? {
        var e = EventRow(id: nil, at: stamp(now), who: who, action: action, submissionId: submission, unit: unit, period: period, detail: detail)
        try e.insert(db)
        return e.id
    }
}

extension HistoryStore: DeskStoring {
    public func addAccount(_ account: Account, passwordHash: String) throws {
        try Self.busyAware(path) { try queue.write { db in
            if try AccountRow.fetchOne(db, key: account.login) != nil { throw DeskStoreError.duplicateLogin(account.login) }
            try AccountRow(login: account.login, name: account.name, role: account.role, unit: account.unit,
                           passwordHash: passwordHash, disabled: account.disabled).insert(db)
            for r in account.signs { try AccountSignsRow(login: account.login, role: r).insert(db) }
            try Self.logEvent(db, .account, who: account.login, submission: nil, unit: account.unit, period: nil,
                              detail: "added \(account.role.rawValue)", now: Date())
        } }
    }

    static func account(_ db: Database, _ row: AccountRow) throws -> Account {
        let signs = try AccountSignsRow.filter(Column("login") == row.login).order(Column("rowid")).fetchAll(db).map(\.role)
        return Account(login: row.login, name: row.name, role: row.role, unit: row.unit, signs: signs, disabled: row.disabled)
    }

    public func accounts() throws -> [Account] {
        try queue.read { db in try AccountRow.order(Column("login")).fetchAll(db).map { try Self.account(db, $0) } }
    }

    public func account(login: String) throws -> (account: Account, passwordHash: String)? {
        try queue.read { db in
            guard let row = try AccountRow.fetchOne(db, key: login) else { return nil }
            return (try Self.account(db, row), row.passwordHash)
        }
    }

    public func setPasswordHash(login: String, _ hash: String) throws -> Bool {
        try Self.busyAware(path) { try queue.write { db in
            guard var row = try AccountRow.fetchOne(db, key: login) else { return false }
            row.passwordHash = hash
            try row.update(db)
            return true
        } }
    }

    public func setDisabled(login: String, _ disabled: Bool) throws -> Bool {
        try Self.busyAware(path) { try queue.write { db in
            guard var row = try AccountRow.fetchOne(db, key: login) else { return false }
            row.disabled = disabled
            try row.update(db)
            try Self.logEvent(db, .account, who: login, submission: nil, unit: row.unit, period: nil,
                              detail: disabled ? "disabled" : "enabled", now: Date())
            return true
        } }
    }

    public func addSubmission(bytes: Data, filename: String, unit: UnitCode, period: Period, who: String, now: Date) throws -> StoredSubmission {
        let sha = ContentSHA.hex(bytes)
        return try Self.busyAware(path) { try queue.write { db in
            if try FileRow.fetchOne(db, key: sha) == nil { try FileRow(sha256: sha, bytes: bytes, size: bytes.count).insert(db) }
            let last = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM submissions WHERE unit = ? AND period = ?", arguments: [unit, period]) ?? 0
            var row = SubmissionRow(id: nil, unit: unit, period: period, version: last + 1, sha256: sha, filename: filename,
                                    uploadedBy: who, uploadedAt: Self.stamp(now), state: .submitted, returnMessage: nil)
            try row.insert(db)
            try Self.logEvent(db, .upload, who: who, submission: row.id, unit: unit, period: period,
                              detail: "version \(row.version), \(bytes.count) bytes, sha256 \(sha)", now: now)
            guard let stored = row.stored else { throw DeskStoreError.unknownSubmission(-1) }
            return stored
        } }
    }

    public func submission(id: Int64) throws -> StoredSubmission? {
        try queue.read { db in try SubmissionRow.fetchOne(db, key: id)?.stored }
    }

    public func file(sha256: String) throws -> Data? {
        try queue.read { db in try FileRow.fetchOne(db, key: sha256)?.bytes }
    }

    public func submissions(period: Period?) throws -> [StoredSubmission] {
        try queue.read { db in
            var r = SubmissionRow.order(Column("id"))
            if let period { r = r.filter(Column("period") == period) }
            return try r.fetchAll(db).compactMap(\.stored)
        }
    }

    public func addExplanation(_ x: Explanation, submission: Int64, who: String, now: Date) throws {
        try Self.busyAware(path) { try queue.write { db in
            try DeskExplanationRow(submissionId: submission, unit: x.unit, period: x.period, rule: x.rule, indicator: x.indicator,
                                   text: x.text, who: who, at: Self.stamp(now)).insert(db)
            try Self.logEvent(db, .explain, who: who, submission: submission, unit: x.unit, period: x.period,
                              detail: "\(x.rule ?? "*") \(x.indicator?.rawValue ?? "*"): \(x.text)", now: now)
        } }
    }

    public func explanations(submission: Int64) throws -> [Explanation] {
        try queue.read { db in
            try DeskExplanationRow.filter(Column("submission_id") == submission).order(Column("rowid")).fetchAll(db).map {
                Explanation(unit: $0.unit, period: $0.period, rule: $0.rule, indicator: $0.indicator, text: $0.text, source: nil)
            }
        }
    }

    public func addSignOff(_ s: SignOff, submission: Int64, who: String, now: Date) throws {
        try Self.busyAware(path) { try queue.write { db in
            try DeskSignOffRow(submissionId: submission, unit: s.unit, period: s.period, role: s.role, name: s.name,
                               date: s.date?.description, digest: s.digest, who: who, at: Self.stamp(now)).insert(db)
            try Self.logEvent(db, .signoff, who: who, submission: submission, unit: s.unit, period: s.period,
                              detail: "\(s.role) \(s.name) digest \(s.digest ?? "—")", now: now)
        } }
    }

    public func signOffs(submission: Int64) throws -> [SignOff] {
        try queue.read { db in
            try DeskSignOffRow.filter(Column("submission_id") == submission).order(Column("rowid")).fetchAll(db).map {
                SignOff(unit: $0.unit, period: $0.period, role: $0.role, name: $0.name, date: $0.date.flatMap(CivilDate.parse),
                        dateText: $0.date, digest: $0.digest, source: nil)
            }
        }
    }

    public func returnSubmission(id: Int64, message: String, who: String, now: Date) throws {
        try Self.busyAware(path) { try queue.write { db in
            guard var row = try SubmissionRow.fetchOne(db, key: id) else { throw DeskStoreError.unknownSubmission(id) }
            row.state = .returned; row.returnMessage = message
            try row.update(db)
            try Self.logEvent(db, .return, who: who, submission: id, unit: row.unit, period: row.period, detail: message, now: now)
        } }
    }

    public func log(_ action: DeskAction, who: String, submission: Int64?, unit: UnitCode?, period: Period?, detail: String, now: Date) throws {
        try Self.busyAware(path) { try queue.write { db in
            try Self.logEvent(db, action, who: who, submission: submission, unit: unit, period: period, detail: detail, now: now)
        } }
    }

    public func events() throws -> [DeskEvent] {
        try queue.read { db in
            try EventRow.order(Column("id")).fetchAll(db).compactMap { e in
                e.id.map { DeskEvent(id: $0, at: e.at, who: e.who, action: e.action, submission: e.submissionId, unit: e.unit,
                                     period: e.period, detail: e.detail) }
            }
        }
    }
}
