import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuStore
import RenjuStoreCore
import RenjuReading
import RenjuInspection
import RenjuRanking

/// What a desk user asks for: each request of the web desk needs one of these, and `DeskPolicy`
/// alone says which roles hold it.
public enum DeskPermission: String, Sendable, CaseIterable {
    /// See submissions, their findings and the status of units in scope.
    case read
    /// Upload a unit's return.
    case upload
    /// Write a 说明 for a warning.
    case explain
    /// Sign off in one's chain roles.
    case sign
    /// 退回: send a submission back with a message.
    case review
    /// Download the county's return and the bulletin.
    case export
    /// Manage accounts.
    case manageAccounts
}

/// Who may do what: the one place the desk's authorization is decided. A request passes when the
/// account is enabled, its role holds the permission, and the unit concerned lies in the
/// account's subtree.
public enum DeskPolicy {
    public static func permissions(of role: Role) -> Set<DeskPermission> {
        switch role {
        case .clerk: return [.read, .upload, .explain, .sign]
        case .signer: return [.read, .sign]
        case .reviewer: return [.read, .review, .export]
        case .viewer: return [.read, .export]
        case .admin: return [.read, .manageAccounts]
        }
    }

    public static func allows(_ account: Account, _ permission: DeskPermission) -> Bool {
        !account.disabled && permissions(of: account.role).contains(permission)
    }

    /// Whether a unit lies in the account's subtree (the account's own unit included).
    public static func inScope(_ unit: UnitCode, of account: Account, tree: DivisionTree) -> Bool {
        unit == account.unit || tree.isAncestor(account.unit, of: unit)
    }

    /// The one place a permission is granted: a grant of `P` for an enabled account whose role
    /// holds it, else nil. The desk's use cases take the grant of the permission they need, so
    /// they cannot be called without it and never ask again.
    public static func grant<P: PermissionKind>(_ account: Account, _ kind: P.Type) -> Grant<P>? {
        allows(account, P.permission) ? Grant(account: account) : nil
    }
}

/// A permission as a type, for `Grant`.
public protocol PermissionKind: Sendable { static var permission: DeskPermission { get } }

/// The permissions as types: `Grant<Permit.Sign>` is what signing takes.
public enum Permit {
    public enum Read: PermissionKind { public static let permission = DeskPermission.read }
    public enum Upload: PermissionKind { public static let permission = DeskPermission.upload }
    public enum Explain: PermissionKind { public static let permission = DeskPermission.explain }
    public enum Sign: PermissionKind { public static let permission = DeskPermission.sign }
    public enum Review: PermissionKind { public static let permission = DeskPermission.review }
    public enum Export: PermissionKind { public static let permission = DeskPermission.export }
}

/// Proof that an account holds permission `P`, made only by `DeskPolicy.grant`. What it may touch
/// is still limited to the account's subtree: each use case keeps to in-scope units.
public struct Grant<P: PermissionKind>: Sendable {
    public let account: Account
    fileprivate init(account: Account) { self.account = account }

    /// Every role reads its own subtree (DeskPolicy.permissions): a grant of anything is one to read.
    public var read: Grant<Permit.Read> { Grant<Permit.Read>(account: account) }
}

/// Why a desk request was refused, each with what the HTTP front end answers.
public enum DeskError: UserFacingError, CustomStringConvertible {
    case notAllowed(Message)
    case notFound(Message)
    case unreadable(Message, findings: [Finding])
    case tooLarge(limit: Int)
    case invalid(Message)
    /// The request does not fit where the submission stands (a returned or superseded version, a
    /// role signed already, a closed period, open errors): 409.
    case conflict(Message)

    public var message: Message {
        switch self {
        case let .notAllowed(m), let .notFound(m), let .invalid(m), let .conflict(m): return m
        case let .unreadable(m, _): return m
        case let .tooLarge(limit): return Message(zh: "文件过大（上限 \(limit / 1_048_576) MiB）", en: "the file is too large (limit \(limit / 1_048_576) MiB)")
        }
    }
    public var userMessage: Message { message }
    public var description: String { message.zh + " / " + message.en }
}

/// A submission as the desk shows it: the stored version and what checking it against the store's
/// history gives (with the 说明 and sign-offs given on the desk).
public struct DeskSubmission: Sendable {
    public let stored: StoredSubmission
    public let validation: Workspace.Validation
    /// The content digest (数据摘要) of the submission's figures: what a sign-off binds to.
    public let digest: String?
    /// The sign-offs given on the desk for this version: the version's sign-offs.
    public let signOffs: [SignOff]
    /// What the workbook's own 签字 sheet and footer declare: shown beside the desk's, compared
    /// with them, never taken for them.
    public let declaredSignOffs: [SignOff]
    public let explanations: [Explanation]
    /// Whether this is the unit's latest version of its period (earlier ones are superseded).
    public let isLatest: Bool
    /// The uploaded file's name as given, for display.
    public var filename: String { stored.filename }
}

/// One unit's line on the county's board.
public struct BoardLine: Sendable {
    public enum Status: String, Sendable { case notSubmitted = "not_submitted", submitted, returned, errors, warnings, explained, signed }
    public let unit: UnitCode
    public let unitName: String
    public let status: Status
    public let submission: StoredSubmission?
    public let errors: Int
    public let warnings: Int
    public let explained: Int
    public let signedRoles: [String]
    public let late: Bool
}

/// The web desk's use cases over one store and one set of reference data: upload, check, explain,
/// sign, return, the board, the return workbook. Every front end (the HTTP server, tests) calls
/// these; none reads files or the store itself.
public final class Desk: Sendable {
    public let workspace: Workspace
    /// Reached through the desk's use cases only: the web never touches the store.
    let store: any DeskStoring
    public let reference: ReferenceData
    /// "Today" for deadlines and sign-off dates (the `--as-of` of the command line), or the clock.
    public let asOf: CivilDate?
    /// The largest upload accepted.
    public let maxUploadBytes: Int
    let cache = ValidationCache()
    /// The checks of a version under way, shared by every request that wants the same one.
    let checking = SingleFlight<DeskSubmission>()
    /// The boards under way, likewise.
    let boarding = SingleFlight<[BoardLine]>()
    let scratch: URL

    public init(workspace: Workspace, store: any DeskStoring, asOf: CivilDate?, maxUploadBytes: Int = 16 * 1_048_576) throws {
        self.workspace = workspace; self.store = store; self.asOf = asOf; self.maxUploadBytes = maxUploadBytes
        reference = try workspace.reference()
        let temporary = FileManager.default.temporaryDirectory
        Self.removeStaleScratch(in: temporary)
        // Private to the desk's user: uploads are other people's figures.
        scratch = temporary.appendingPathComponent("renju-desk-\(getpid())-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw AppError(zh: "无法建立临时文件夹", en: "cannot create a scratch folder", cause: error)
        }
    }

    /// Scratch folders a desk left behind when it was killed (its process is gone) are removed
    /// when a desk starts; so are unnamed ones of older versions after a day.
    static func removeStaleScratch(in folder: URL) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix("renju-desk-") {
            let path = folder.appendingPathComponent(name).path
            let parts = name.dropFirst("renju-desk-".count).split(separator: "-", maxSplits: 1)
            if parts.count == 2, let pid = Int32(parts[0]), pid > 0 {
                if pid == getpid() { continue }
                if kill(pid, 0) == 0 || errno != ESRCH { continue }
                try? fm.removeItem(atPath: path)
            } else if let modified = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                      Date().timeIntervalSince(modified) > 86_400 {
                try? fm.removeItem(atPath: path)
            }
        }
    }

    deinit { try? FileManager.default.removeItem(at: scratch) }

    var today: CivilDate { asOf ?? .today }

    /// The desk's private scratch folder (stored files as read; nothing a refused upload left).
    public var scratchFolder: URL { scratch }

    // MARK: accounts

    /// A login's account and stored password hash for the sign-in check; nil when the login is
    /// unknown or disabled (the caller then checks against a decoy, so the time tells nothing).
    public func credentials(login: String) async throws -> Credentials? {
        guard let found = try await store.account(login: login), !found.account.disabled else { return nil }
        return Credentials(account: found.account, passwordHash: found.passwordHash)
    }

    /// The account a session belongs to, while it exists and is not disabled.
    public func activeAccount(login: String) async throws -> Account? {
        try await credentials(login: login)?.account
    }

    /// One stored password hash (the cost the accounts use, for the decoy); nil without accounts.
    public func samplePasswordHash() async throws -> String? {
        guard let first = try await store.accounts().first else { return nil }
        return try await store.account(login: first.login)?.passwordHash
    }

    /// Whether `renju user unlock` lifted a login's lock at or after `since` (ISO 8601): the
    /// audited account event in the store.
    public func unlockRecorded(login: String, since: String) async throws -> Bool {
        try await store.events().contains { $0.action == .account && $0.detail == "unlock \(login)" && $0.at >= since }
    }

    /// The account a login and password open, or nil (unknown, wrong password, disabled).
    public func authenticate(login: String, password: String, verify: (String, String) -> Bool) async throws -> Account? {
        guard let (account, hash) = try await store.account(login: login), !account.disabled, verify(password, hash) else { return nil }
        return account
    }

    /// Checks an account to be added against the reference data: its unit exists, a signer's
    /// chain roles are roles of the sign-off chain at its unit's level.
    public func checkAccount(_ a: Account) throws {
        guard reference.tree[a.unit] != nil else {
            throw AppError(zh: "--unit \(a.unit) 不在区划表中", en: "--unit \(a.unit) is not in the divisions file")
        }
        guard !a.login.isEmpty, a.login.count <= 64, a.login.allSatisfy({ $0.isLetter || $0.isNumber || "._-@".contains($0) }) else {
            throw AppError(zh: "登录名只能由字母、数字和 . _ - @ 组成（最多 64 个）", en: "a login is letters, digits and . _ - @ (at most 64)")
        }
        let level = reference.tree.level(of: a.unit)
        let chain = level.flatMap { reference.chains.chains[$0] } ?? []
        for r in a.signs where !chain.contains(where: { $0.matches(r) }) {
            let known = chain.map(\.role).joined(separator: "、")
            throw AppError(zh: "--signs \(r) 不是该级签批链中的角色（\(known)）", en: "--signs \(r) is not a role of the sign-off chain at that level (\(known))")
        }
    }

    // MARK: submissions

    /// The scratch file a stored file is read from: named by its digest, never by the user.
    func scratchFile(sha256: String, bytes: Data) throws -> String {
        let isZip = bytes.starts(with: [0x50, 0x4B])
        let url = scratch.appendingPathComponent("\(sha256).\(isZip ? "xlsx" : "csv")")
        if !FileManager.default.fileExists(atPath: url.path) {
            // Written under a temporary name, readable by the desk's user only, then renamed.
            let partial = scratch.appendingPathComponent(".\(UUID().uuidString)")
            guard FileManager.default.createFile(atPath: partial.path, contents: bytes, attributes: [.posixPermissions: 0o600]) else {
                throw AppError("cannot write a scratch file in \(scratch.path)")
            }
            if rename(partial.path, url.path) != 0 {
                try? FileManager.default.removeItem(at: partial)
                if !FileManager.default.fileExists(atPath: url.path) { throw AppError("cannot write a scratch file \(url.path)") }
            }
        }
        return url.path
    }

    /// Uploads a unit's return: one reporting unit's return for one period. The file is read (the
    /// reader's limits apply); every row of it — figures on every sheet, 签字, 说明 — must belong
    /// to the uploader's unit; the unit's own row must be there (a village alone or a file without
    /// the total is not the township's return); the period is the newest in the file and must be
    /// open. Then the bytes are stored as the unit's next version and checked against the history.
    public func upload(_ bytes: Data, filename: String, by grant: Grant<Permit.Upload>, now: Date = Date()) async throws -> DeskSubmission {
        let account = grant.account
        guard bytes.count <= maxUploadBytes else { throw DeskError.tooLarge(limit: maxUploadBytes) }
        let tree = reference.tree
        let unit = account.unit
        guard tree.level(of: unit) == Self.reportingLevel else {
            throw DeskError.notAllowed(Message(zh: "报表以乡镇为单位上报：只有乡镇的账号可以上传", en: "returns are uploaded per township: only a township's account uploads"))
        }
        let shown = Self.displayName(filename)
        let sha = ContentSHA.hex(bytes)
        let path = try scratchFile(sha256: sha, bytes: bytes)
        // A refused file is not kept: only stored versions stay in the scratch folder.
        var stored = false
        defer { if !stored { removeScratch(path, sha256: sha) } }
        let input = try workspace.read([path], reference: reference)
        let withRows = input.submissions.filter { !$0.rows.isEmpty }
        guard let period = withRows.compactMap(\.period).max() else {
            let findings = input.findings + input.submissions.flatMap(\.findings)
            throw DeskError.unreadable(Message(zh: "无法读取文件 \(shown)：找不到带报告期的报表", en: "cannot read \(shown): no table with a period"),
                                       findings: findings.map { Self.renamed($0, from: path, to: shown) })
        }
        try checkBelongs(input, to: unit, account: account, path: path, shown: shown)
        let name = tree.name(of: unit) ?? unit.rawValue
        guard withRows.contains(where: { $0.period == period && $0.unitCodes.contains(unit) }) else {
            throw DeskError.unreadable(Message(
                zh: "文件 \(shown) 不是\(name)（\(unit)）\(period) 的完整报表：其中没有\(name)本级（合计）这一行。请上报本单位的整张报表（各村和合计行）",
                en: "\(shown) is not the whole \(period) return of \(name) (\(unit)): it has no row for \(name) itself (the total). Upload the unit's whole return (its villages and the total row)"),
                findings: [])
        }
        if let closed = try await closure(unit: unit, period: period) {
            throw DeskError.conflict(closed)
        }
        let added = try await store.addSubmission(bytes: bytes, filename: shown, unit: unit, period: period, who: account.login, now: now)
        stored = true
        cache.bump()
        return try await submission(added)
    }

    /// The level whose units upload returns and line the county's board: the township.
    public static let reportingLevel = Level.township

    /// Every row of an upload belongs to the uploader's unit: each unit row on every sheet lies in
    /// its subtree, each 签字 row is the unit's own, each 说明 names a unit of its subtree. The
    /// first row that does not is refused with its cell.
    func checkBelongs(_ input: InputSet, to unit: UnitCode, account: Account, path: String, shown: String) throws {
        let tree = reference.tree
        func cell(_ src: SourceRef?) -> String {
            guard let src else { return shown }
            return Self.renamed(src, from: path, to: shown).description
        }
        for s in input.submissions {
            for row in s.rows where !DeskPolicy.inScope(row.code, of: account, tree: tree) {
                throw DeskError.notAllowed(Message(zh: "文件中 \(cell(row.source)) 的单位 \(row.code) 不在您的管辖范围内：只能上报本单位的数据",
                                                   en: "\(cell(row.source)): unit \(row.code) is outside your unit; upload your own unit's figures only"))
            }
        }
        for o in input.signOffs + input.submissions.flatMap(\.signOffs) where o.unit != unit {
            throw DeskError.notAllowed(Message(zh: "文件中 \(cell(o.source)) 是单位 \(o.unit) 的签字（\(o.role) \(o.name)），不是本单位（\(unit)）的：只能上报本单位的签字",
                                               en: "\(cell(o.source)) is a sign-off of unit \(o.unit) (\(o.role) \(o.name)), not of your unit \(unit)"))
        }
        for x in input.explanations where !DeskPolicy.inScope(x.unit, of: account, tree: tree) {
            throw DeskError.notAllowed(Message(zh: "文件中 \(cell(x.source)) 的说明属于单位 \(x.unit)，不在您的管辖范围内",
                                               en: "\(cell(x.source)): an explanation for unit \(x.unit), outside your unit"))
        }
    }

    /// Why a unit's period takes no upload, or nil when it is open. A period is closed for a unit
    /// once its figures were imported into the store (`renju db import`: the period's history is
    /// settled) — unless the county reopened it on the desk after that import (audited).
    func closure(unit: UnitCode, period: Period) async throws -> Message? {
        let tree = reference.tree
        let related = { (u: UnitCode) -> Bool in u == unit || tree.isAncestor(u, of: unit) || tree.isAncestor(unit, of: u) }
        guard try await store.importedUnits(period: period).contains(where: related) else { return nil }
        let lastImport = try await store.imports().filter { $0.period == period && related($0.unit) }.map(\.at).max() ?? ""
        let reopened = try await store.events().contains { e in
            e.action == .reopen && e.period == period && e.unit.map { $0 == unit || tree.isAncestor($0, of: unit) } == true && e.at >= lastImport
        }
        if reopened { return nil }
        return Message(zh: "\(period) 已经入库（报告期已关闭），不能再上报：如确需更正，请县统计局在系统中重新开放该期",
                       en: "\(period) has been imported into the store (the period is closed): the county office must reopen it before a new upload")
    }

    /// 重新开放: the county lets a unit upload again for a closed period (audited, with a reason).
    public func reopen(unit: UnitCode, period: Period, reason: String, by grant: Grant<Permit.Review>, now: Date = Date()) async throws {
        let account = grant.account
        guard DeskPolicy.inScope(unit, of: account, tree: reference.tree) else {
            throw DeskError.notFound(Message(zh: "没有单位 \(unit)", en: "no unit \(unit)"))
        }
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty, why.count <= 2000 else {
            throw DeskError.invalid(Message(zh: "重新开放须写明原因（不超过 2000 字）", en: "reopening needs a reason (at most 2000 characters)"))
        }
        guard try await closure(unit: unit, period: period) != nil else {
            throw DeskError.conflict(Message(zh: "\(period) 对该单位并未关闭", en: "\(period) is not closed for that unit"))
        }
        try await store.log(.reopen, who: account.login, submission: nil, unit: unit, period: period, detail: "reopened: \(why)", now: now)
        cache.bump()
    }

    /// A refused upload's scratch file, unless a stored version with the same bytes reads from it.
    func removeScratch(_ path: String, sha256: String) {
        guard cache.input(sha256) == nil else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A submission by id, for an account allowed to read it.
    public func submission(id: Int64, for grant: Grant<Permit.Read>) async throws -> DeskSubmission {
        let account = grant.account
        guard let stored = try await store.submission(id: id) else {
            throw DeskError.notFound(Message(zh: "没有编号为 \(id) 的报表", en: "no submission \(id)"))
        }
        // Outside the account's units it is as if it did not exist: ids of others' uploads tell nothing.
        guard DeskPolicy.inScope(stored.unit, of: account, tree: reference.tree) else {
            throw DeskError.notFound(Message(zh: "没有编号为 \(id) 的报表", en: "no submission \(id)"))
        }
        return try await submission(stored)
    }

    /// What a stored file reads as (cached by its SHA-256: a file never changes).
    func read(_ stored: StoredSubmission) async throws -> (path: String, input: InputSet) {
        if let hit = cache.input(stored.sha256) { return hit }
        guard let bytes = try await store.file(sha256: stored.sha256) else {
            throw DeskError.notFound(Message(zh: "报表 \(stored.id) 的文件缺失", en: "the file of submission \(stored.id) is missing"))
        }
        let path = try scratchFile(sha256: stored.sha256, bytes: bytes)
        let input = try workspace.read([path], reference: reference)
        cache.putInput(stored.sha256, (path, input))
        return (path, input)
    }

    /// The county (or higher unit) whose figures a unit is checked among: its nearest ancestor
    /// at county level or above.
    func scope(of unit: UnitCode) -> UnitCode {
        let tree = reference.tree
        var u = unit
        while let l = tree.level(of: u), l > .county, let p = tree.parent(of: u) { u = p }
        return u
    }

    /// What the store holds around a county for a period, built once until the next desk write:
    /// its figures of the period, a submission per township, and the earlier periods as history.
    struct Frame: Sendable {
        let stored: [(top: UnitCode, submission: Submission)]
        let history: Dataset
    }

    func frame(period: Period, county: UnitCode) async throws -> Frame {
        let key = "\(period)|\(county)"
        if let hit = cache.frame(key) { return hit }
        let tree = reference.tree
        // The county's own units only (its divisions' list): a province's store holds half a million.
        let own = [county] + tree.descendants(of: county)
        let earlier = try await store.dataset(periods: Workspace.historyPeriods(for: period) + [period], units: own.count > 1 ? own : nil)
        var history = Dataset()
        for (p, v) in earlier.periods where p < period { history.merge(p, v) }
        var groups: [UnitCode: [UnitCode]] = [:]
        if let stock = earlier.periods[period] {
            for u in stock.units where u == county || tree.isAncestor(county, of: u) {
                var top = u
                while let p = tree.parent(of: top), tree.level(of: p).map({ $0 >= .township }) == true { top = p }
                groups[top, default: []].append(u)
            }
            let subs = groups.sorted(by: { $0.key < $1.key }).map { top, units -> (UnitCode, Submission) in
                var sub = Submission(file: "\(store.path)#\(period)/\(top)", period: period)
                for u in units.sorted() {
                    sub.rows.append(UnitRow(code: u, givenName: nil, source: nil))
                    for (id, v) in stock.figures(of: u) { sub.values.set(u, id, Observation(v, source: nil)) }
                }
                return (top, sub)
            }
            let f = Frame(stored: subs, history: history)
            cache.putFrame(key, f)
            return f
        }
        let f = Frame(stored: [], history: history)
        cache.putFrame(key, f)
        return f
    }

    /// The other units' figures of the same period that a submission is checked among (peers of
    /// the outlier tests, the rest of its county): the latest version of every other unit's upload
    /// in the county not sent back, and for units with none, the figures the store holds.
    func context(of stored: StoredSubmission, excluding own: Set<UnitCode>, frame: Frame) async throws -> [Submission] {
        let county = scope(of: stored.unit), tree = reference.tree
        var out: [Submission] = []
        var covered = own
        for other in try await latest(period: stored.period).values.sorted(by: { $0.unit < $1.unit })
        where other.id != stored.id && other.state != .returned && !own.contains(other.unit)
            && (other.unit == county || tree.isAncestor(county, of: other.unit)) {
            let subs = try await read(other).input.submissions.filter { $0.period == stored.period && $0.unitCodes.allSatisfy { !covered.contains($0) } }
            for s in subs { covered.formUnion(s.unitCodes) }
            out += subs
        }
        for (top, sub) in frame.stored where !covered.contains(top) {
            if sub.unitCodes.contains(where: { covered.contains($0) }) {
                // Partly covered by an upload: only the rest.
                var rest = Submission(file: sub.file, period: sub.period)
                for r in sub.rows where !covered.contains(r.code) {
                    rest.rows.append(r)
                    for (id, v) in sub.values.figures(of: r.code) { rest.values.set(r.code, id, Observation(v, source: nil)) }
                }
                out.append(rest)
            } else {
                out.append(sub)
            }
        }
        return out
    }

    /// A stored file as the desk checks it: the submissions of its own period only, without the
    /// workbook's own 签字 (declared, not signed on the desk), and what it holds besides — sheets of
    /// other periods (never history: earlier periods come from the store) and the declared sign-offs.
    struct Prepared {
        let path: String
        let input: InputSet
        let declared: [SignOff]
        let otherPeriods: [Submission]
    }

    func prepared(_ stored: StoredSubmission) async throws -> Prepared {
        let (path, read) = try await read(stored)
        var input = read
        let declared = input.signOffs + input.submissions.flatMap(\.signOffs)
        input.signOffs = []
        let others = input.submissions.filter { $0.period != nil && $0.period != stored.period }
        input.submissions = input.submissions.filter { $0.period == nil || $0.period == stored.period }
        for i in input.submissions.indices { input.submissions[i].signOffs = [] }
        return Prepared(path: path, input: input, declared: declared, otherPeriods: others)
    }

    /// Reads and checks a stored submission among its county's other figures of the period; its
    /// own findings only. Cached until the next desk write (upload, 说明, sign-off, 退回).
    func submission(_ stored: StoredSubmission) async throws -> DeskSubmission {
        let key = ValidationCache.Key(id: stored.id, generation: cache.generation)
        if let hit = cache.get(key) { return hit }
        // A hundred board views arriving together check each version once, not a hundred times.
        return try await checking.run("\(key.id)|\(key.generation)") { try await self.checkedSubmission(stored, key: key) }
    }

    private func checkedSubmission(_ stored: StoredSubmission, key: ValidationCache.Key) async throws -> DeskSubmission {
        if let hit = cache.get(key) { return hit }
        let explanations = try await store.explanations(submission: stored.id)
        let signOffs = try await store.signOffs(submission: stored.id)
        let p = try await prepared(stored)
        let path = p.path, own = p.input
        let ownUnits = Set(own.submissions.filter { $0.period == stored.period }.flatMap(\.unitCodes))
        let frame = try await frame(period: stored.period, county: scope(of: stored.unit))
        var input = own
        input.explanations += explanations
        input.signOffs += signOffs
        input.submissions += try await context(of: stored, excluding: ownUnits, frame: frame)
        let checked = workspace.check(input, reference: reference, period: stored.period, history: frame.history, asOf: today)
        // This file's findings: its units', and those of the file itself. A role not yet signed is
        // where the version stands on the desk (the board says who is to sign), not an error.
        let tree = reference.tree, fileName = URL(fileURLWithPath: path).lastPathComponent
        var mine = checked.result.findings.filter { f in
            f.rule != SignOffCheck.missingRole
                && (f.unit.map { ownUnits.contains($0) || $0 == stored.unit || tree.isAncestor(stored.unit, of: $0) }
                    ?? (f.source?.file == path || f.source?.file == fileName))
        }
        mine += otherPeriodFindings(p, stored: stored, history: frame.history)
        mine += declaredFindings(p.declared, desk: signOffs, stored: stored)
        var result = ValidationResult(period: checked.result.period, findings: Validator.ordered(mine).map { Self.renamed($0, from: path, to: stored.filename) },
                                      // The file's own submissions come first among the checked period's (the
                                      // county's others follow and are never shown as this file's).
                                      submissions: Array(checked.result.submissions.prefix(own.submissions.filter { $0.period == stored.period }.count)),
                                      history: checked.result.history, unitsChecked: ownUnits.count)
        result.tallies = checked.result.tallies; result.filesRead = 1
        let v = Workspace.Validation(reference: checked.reference, input: own, result: result)
        let digest = own.submissions.first { $0.period == stored.period }.flatMap { ContentDigest.of($0) }
        let latest = try await self.latest(period: stored.period)[stored.unit]?.version ?? stored.version
        let s = DeskSubmission(stored: stored, validation: v, digest: digest, signOffs: signOffs, declaredSignOffs: p.declared,
                               explanations: explanations, isLatest: stored.version >= latest)
        cache.put(key, s)
        return s
    }

    /// Sheets of other periods in an upload are not history: the store's figures are. A figure
    /// that differs from the store's is a warning the county sees, naming both values; figures of
    /// periods the store does not hold are said to be left aside, once.
    func otherPeriodFindings(_ p: Prepared, stored: StoredSubmission, history: Dataset) -> [Finding] {
        var out: [Finding] = []
        var ignored: [Period: Int] = [:]
        for s in p.otherPeriods {
            guard let period = s.period else { continue }
            let kept = history[period]
            for row in s.rows {
                for ind in reference.catalog.indicators {
                    guard let o = s.values.observation(row.code, ind.id) else { continue }
                    guard let known = kept?[row.code, ind.id] else { ignored[period, default: 0] += 1; continue }
                    guard abs(known - o.value) > 1e-9 else { continue }
                    let name = reference.tree.name(of: row.code) ?? row.code.rawValue
                    var f = Finding(rule: .historyConflict, severity: .warning, unit: row.code, unitName: name, period: stored.period,
                                    indicator: ind.id, value: o.value, expected: known, message: Message(
                        zh: "上传文件中 \(period) 的\(ind.name)是 \(shortestDecimal(o.value))，系统库中已入库的 \(period) 数字是 \(shortestDecimal(known))：以前各期以库中为准，文件中的不予采用，请核实",
                        en: "The upload gives \(ind.englishName) for \(period) as \(shortestDecimal(o.value)); the store holds \(shortestDecimal(known)): earlier periods come from the store, the file's figure is not used"),
                        source: o.source)
                    f.source = o.source.map { Self.renamed($0, from: p.path, to: stored.filename) }
                    out.append(f)
                }
            }
        }
        for (period, n) in ignored.sorted(by: { $0.key < $1.key }) {
            out.append(Finding(rule: .historyConflict, severity: .info, unit: nil, period: stored.period, message: Message(
                zh: "上传文件中有 \(period) 的 \(n) 个数字，系统库中没有该期数据，已忽略：以前各期的数据以系统库中为准（由县统计局入库）",
                en: "The upload holds \(n) figures of \(period), a period the store does not hold; they were left aside: earlier periods come from the store"),
                source: SourceRef(file: stored.filename)))
        }
        return out
    }

    /// The workbook's own 签字 compared with the desk's sign-offs: a role signed on the desk by
    /// someone else than the file names is a warning (not a conflict: the desk's signature is the
    /// sign-off; the file only declares).
    func declaredFindings(_ declared: [SignOff], desk: [SignOff], stored: StoredSubmission) -> [Finding] {
        guard !declared.isEmpty, !desk.isEmpty, let level = reference.tree.level(of: stored.unit),
              let chain = reference.chains.chains[level] else { return [] }
        var out: [Finding] = []
        for role in chain {
            guard let d = desk.first(where: { role.matches($0.role) }),
                  let f = declared.first(where: { $0.unit == stored.unit && role.matches($0.role) }),
                  TextNormalizer.key(d.name) != TextNormalizer.key(f.name) else { continue }
            out.append(Finding(rule: SignOffCheck.declared, severity: .warning, unit: stored.unit, unitName: reference.tree.name(of: stored.unit),
                               period: stored.period, message: Message(
                zh: "文件中声明的\(role.role)是“\(f.name)”，在系统上签批的却是“\(d.name)”：请核实由谁审核",
                en: "The file declares \(f.name) as \(role.role), but \(d.name) signed on the desk: check who reviewed it"),
                source: SourceRef(file: stored.filename)))
        }
        return out
    }

    /// Every version of a unit's period, newest first, for an account allowed to read it.
    public func versions(unit: UnitCode, period: Period, for grant: Grant<Permit.Read>) async throws -> [StoredSubmission] {
        let account = grant.account
        guard DeskPolicy.inScope(unit, of: account, tree: reference.tree) else {
            throw DeskError.notAllowed(Message(zh: "无权查看", en: "not allowed"))
        }
        return try await store.submissions(period: period).filter { $0.unit == unit }.reversed()
    }

    /// Writes a 说明 for a submission's warnings (a rule id or category, a unit and indicator or
    /// blank for any). An unknown rule is refused.
    public func explain(submission id: Int64, rule: String?, unit: UnitCode?, indicator: String?, text: String, by grant: Grant<Permit.Explain>,
                        now: Date = Date()) async throws {
        let account = grant.account
        let s = try await submission(id: id, for: grant.read)
        try requireCurrent(s, doing: Message(zh: "填写说明", en: "explain"))
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 2000 else {
            throw DeskError.invalid(Message(zh: "说明不能为空，且不超过 2000 字", en: "an explanation is 1 to 2000 characters"))
        }
        let target = unit ?? s.stored.unit
        guard s.validation.result.submissions.contains(where: { $0.unitCodes.contains(target) }) else {
            throw DeskError.invalid(Message(zh: "单位 \(target) 不在该报表中", en: "unit \(target) is not in this submission"))
        }
        var ind: IndicatorID?
        if let indicator, !indicator.isEmpty {
            guard let id = reference.catalog.resolve(indicator) else {
                throw DeskError.invalid(Message(zh: "未知指标 \(indicator)", en: "unknown indicator \(indicator)"))
            }
            ind = id
        }
        let rule = rule.flatMap { $0.isEmpty ? nil : $0 }
        let x = Explanation(unit: target, period: s.stored.period, rule: rule, indicator: ind, text: text, source: nil)
        do { try CheckRegistry.verify([x], reference: reference) } catch {
            throw DeskError.invalid(Message.of(error))
        }
        try await store.addExplanation(x, submission: id, who: account.login, now: now)
        cache.bump()
    }

    /// Signs a submission in one of the account's chain roles: the sign-off carries the digest of
    /// exactly these figures, the account's name and today's date. The desk's sign-off is the
    /// sign-off: it is refused on a returned or superseded version, while errors are open (they
    /// are fixed by a new upload, which starts unsigned), for a role signed already, before the
    /// roles ahead of it in the chain, and by a person who signed another role of this version
    /// unless `signoff.yaml` allows it (`same_person: allowed`).
    public func signOff(submission id: Int64, role: String, by grant: Grant<Permit.Sign>, now: Date = Date()) async throws -> SignOff {
        let account = grant.account
        let s = try await submission(id: id, for: grant.read)
        guard let mine = account.signs.first(where: { $0 == role }) else {
            throw DeskError.notAllowed(Message(zh: "您不能以“\(role)”身份签批", en: "you do not sign as \(role)"))
        }
        try requireCurrent(s, doing: Message(zh: "签批", en: "sign"))
        guard let digest = s.digest else {
            throw DeskError.invalid(Message(zh: "该报表没有可签批的数据", en: "the submission has no figures to sign"))
        }
        let errors = s.validation.result.findings.filter { $0.severity == .error && $0.isOpen }.count
        guard errors == 0 else {
            throw DeskError.conflict(Message(zh: "该版本还有 \(errors) 个错误未改正，不能签批：请先改正后重新上报（新版本从未签批开始）",
                                             en: "this version has \(errors) open errors and cannot be signed: fix them and upload again (a new version starts unsigned)"))
        }
        let chain = reference.tree.level(of: s.stored.unit).flatMap { reference.chains.chains[$0] } ?? []
        guard let position = chain.firstIndex(where: { $0.matches(mine) }) else {
            throw DeskError.notAllowed(Message(zh: "“\(mine)”不是该单位签批链中的角色", en: "\(mine) is not a role of the unit's chain"))
        }
        if let done = s.signOffs.first(where: { chain[position].matches($0.role) }) {
            throw DeskError.conflict(Message(zh: "\(chain[position].role)已由\(done.name)签批，同一角色只签一次",
                                             en: "\(chain[position].role) was signed already by \(done.name); a role signs once"))
        }
        let waiting = chain[..<position].filter { r in !s.signOffs.contains { r.matches($0.role) } }.map(\.role)
        guard waiting.isEmpty else {
            throw DeskError.conflict(Message(zh: "须先由\(waiting.joined(separator: "、"))签字，再由\(chain[position].role)签批",
                                             en: "\(waiting.joined(separator: ", ")) must sign before \(chain[position].role)"))
        }
        if !reference.chains.samePersonAllowed,
           let other = s.signOffs.first(where: { TextNormalizer.key($0.name) == TextNormalizer.key(account.name) }) {
            throw DeskError.conflict(Message(zh: "\(account.name)已以\(other.role)身份签批：各角色须由不同的人签字（signoff.yaml 中 same_person: forbidden）",
                                             en: "\(account.name) signed already as \(other.role): each role is signed by a different person (same_person: forbidden)"))
        }
        let off = SignOff(unit: s.stored.unit, period: s.stored.period, role: chain[position].role, name: account.name, date: today, digest: digest, source: nil)
        try await store.addSignOff(off, submission: id, who: account.login, now: now)
        cache.bump()
        return off
    }

    /// A 说明 or a sign-off goes on the unit's current version only: not on one sent back, not on
    /// one a newer upload superseded.
    func requireCurrent(_ s: DeskSubmission, doing what: Message) throws {
        if s.stored.state == .returned {
            throw DeskError.conflict(Message(zh: "该版本已被退回，不能再\(what.zh)：请上报新版本", en: "this version was sent back; you cannot \(what.en) it: upload a new version"))
        }
        guard s.isLatest else {
            throw DeskError.conflict(Message(zh: "该版本已被新上报的版本取代，不能再\(what.zh)", en: "a newer version replaced this one; you cannot \(what.en) it"))
        }
    }

    /// 退回: sends a submission back with a message; the unit uploads a new version. Only the
    /// unit's current version, and only once.
    public func returnSubmission(id: Int64, message: String, by grant: Grant<Permit.Review>, now: Date = Date()) async throws {
        let account = grant.account
        let s = try await submission(id: id, for: grant.read)
        try requireCurrent(s, doing: Message(zh: "退回", en: "return"))
        let m = message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !m.isEmpty, m.count <= 2000 else {
            throw DeskError.invalid(Message(zh: "退回须写明原因（不超过 2000 字）", en: "a return needs a message (at most 2000 characters)"))
        }
        try await store.returnSubmission(id: id, message: m, who: account.login, now: now)
        cache.bump()
    }

    /// The versions the board shows as accepted: for each unit on the account's board, its latest
    /// version unless it was sent back — what the return, the ranking and 抽查 are built from.
    func shownVersions(period: Period, for account: Account) async throws -> [StoredSubmission] {
        let latest = try await latest(period: period)
        return boardUnits(for: account).compactMap { latest[$0] }.filter { $0.state != .returned }
    }

    /// The latest version of each unit's period.
    /// (Read once per desk write: every write starts a new generation.)
    func latest(period: Period) async throws -> [UnitCode: StoredSubmission] {
        let generation = cache.generation
        if let hit = cache.latest(period, generation: generation) { return hit }
        var out: [UnitCode: StoredSubmission] = [:]
        for s in try await store.submissions(period: period) where (out[s.unit]?.version ?? 0) < s.version { out[s.unit] = s }
        cache.putLatest(period, generation: generation, out)
        return out
    }

    /// The units a board lists for an account: the townships in its subtree (its own unit when it
    /// is one), in code order.
    func boardUnits(for account: Account) -> [UnitCode] { boardUnits(under: account.unit) }

    /// The townships under a unit (the unit itself when it is one), in code order.
    func boardUnits(under unit: UnitCode) -> [UnitCode] {
        let tree = reference.tree
        if tree.level(of: unit).map({ $0 >= .township }) == true { return [unit] }
        var out: [UnitCode] = []
        var stack = [unit]
        while let u = stack.popLast() {
            for c in tree.children(of: u) {
                if tree.level(of: c) == .township { out.append(c) } else if tree.level(of: c).map({ $0 < .township }) == true { stack.append(c) }
            }
        }
        return out.sorted()
    }

    /// The board: every township of the period in the account's subtree, with where it stands.
    public func board(period: Period, for grant: Grant<Permit.Read>) async throws -> [BoardLine] {
        let account = grant.account
        let generation = cache.generation
        let key = "\(period)|\(account.unit)"
        if let hit = cache.board(key, generation: generation) { return hit }
        return try await boarding.run("\(key)|\(generation)") { try await self.computedBoard(period: period, for: account, key: key, generation: generation) }
    }

    private func computedBoard(period: Period, for account: Account, key: String, generation: Int) async throws -> [BoardLine] {
        if let hit = cache.board(key, generation: generation) { return hit }
        let latest = try await latest(period: period)
        let tree = reference.tree
        var lines: [BoardLine] = []
        for u in try boardUnits(for: account) {
            let name = tree.name(of: u) ?? u.rawValue
            guard let stored = latest[u] else {
                lines.append(BoardLine(unit: u, unitName: name, status: .notSubmitted, submission: nil, errors: 0, warnings: 0, explained: 0, signedRoles: [], late: false))
                continue
            }
            let s = try await submission(stored)
            let c = counts(of: s)
            lines.append(BoardLine(unit: u, unitName: name, status: c.status, submission: stored, errors: c.errors, warnings: c.warnings,
                                   explained: c.explained, signedRoles: c.signedRoles, late: c.late))
        }
        cache.putBoard(key, generation: generation, lines)
        return lines
    }

    /// Where a submission stands: its open errors and warnings, what was explained, the roles that
    /// signed these very figures, and one status word.
    public func counts(of s: DeskSubmission) -> SubmissionCounts {
        let findings = s.validation.result.findings
        let errors = findings.filter { $0.severity == .error && $0.isOpen }.count
        let warnings = findings.filter { $0.severity == .warning && $0.isOpen }.count
        let explained = findings.filter { $0.explained }.count
        let roles = s.signOffs.filter { $0.digest == s.digest }.map(\.role)
        let chain = reference.tree.level(of: s.stored.unit).flatMap { reference.chains.chains[$0] } ?? []
        let allSigned = !chain.isEmpty && chain.allSatisfy { c in roles.contains { c.matches($0) } }
        let late = findings.contains { $0.rule == SignOffCheck.late }
        // Lateness is the board's own flag, not a figure to confirm: a late but signed return is signed.
        let toConfirm = findings.filter { $0.severity == .warning && $0.isOpen && $0.rule != SignOffCheck.late }.count
        let status: BoardLine.Status = s.stored.state == .returned ? .returned
            : errors > 0 ? .errors : toConfirm > 0 ? .warnings : allSigned ? .signed : explained > 0 ? .explained : .submitted
        return SubmissionCounts(status: status, errors: errors, warnings: warnings, explained: explained, signedRoles: roles, late: late)
    }

    /// The return (上报表) of the account's unit for a period, from the latest version of every
    /// submission under it that was not sent back: the workbook's bytes.
    public func returnWorkbook(period: Period, template: String = "prefecture-quarterly", for grant: Grant<Permit.Export>, now: Date = Date()) async throws -> Download {
        let account = grant.account
        let subs = try await shownVersions(period: period, for: account)
        guard !subs.isEmpty else { throw DeskError.notFound(Message(zh: "\(period) 还没有可导出的报表", en: "nothing to export for \(period)")) }
        // Exactly the versions the board shows: each township's latest not sent back, its figures
        // of this period only, its desk sign-offs (a workbook's own 签字 only declares).
        var input = InputSet()
        for s in subs.sorted(by: { $0.unit < $1.unit }) {
            let one = try await prepared(s).input
            input.submissions += one.submissions; input.findings += one.findings
            input.signOffs += try await store.signOffs(submission: s.id); input.explanations += one.explanations
            input.explanations += try await store.explanations(submission: s.id)
            input.files += one.files
        }
        let history = try await frame(period: period, county: scope(of: account.unit)).history
        let v = workspace.check(input, reference: reference, period: period, history: history, asOf: today)
        let out = scratch.appendingPathComponent("return-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: out) }
        let unit: String? = reference.tree.level(of: account.unit).map { $0 <= .county } == true ? account.unit.rawValue : nil
        let w = try workspace.writeReturn(v, template: template, unit: unit, to: out.path, strict: false)
        let bytes: Data
        do { bytes = try Data(contentsOf: out) } catch { throw AppError(zh: "无法读取写出的报表", en: "cannot read the written return", cause: error) }
        try await store.log(.export, who: account.login, submission: nil, unit: w.unit, period: period,
                      detail: "return \(template), \(subs.count) submissions\(w.openErrors > 0 ? ", draft: \(w.openErrors) open errors" : "")", now: now)
        return Download(name: "\(w.unitName)-\(period)-季报.xlsx", bytes: bytes)
    }

    /// The ranking of the townships under the account's unit for a period: the store's figures and
    /// the latest version of each submission not sent back.
    /// A township's account sees its own line of its county's ranking (its rank among all the
    /// county's townships), not the other townships' scores: every answer is filtered to the
    /// user's units.
    public func ranking(period: Period, for grant: Grant<Permit.Read>) async throws -> Workspace.RankingResult {
        let account = grant.account
        let tree = reference.tree
        let above = tree.level(of: account.unit).map { $0 <= .county } == true
        let root = above ? account.unit : scope(of: account.unit)
        let latest = try await latest(period: period)
        let subs = boardUnits(under: root).compactMap { latest[$0] }.filter { $0.state != .returned }
        var paths: [String] = []
        for s in subs { paths.append(try await read(s).path) }
        let r = try await workspace.rank(inputs: paths, store: store, period: period, unit: root.rawValue, asOf: today)
        if above { return r }
        let mine = r.ranking.entries.filter { DeskPolicy.inScope($0.unit, of: account, tree: tree) }
        return Workspace.RankingResult(ranking: Ranking(period: r.ranking.period, entries: mine, notes: [], englishNotes: []),
                                       unit: r.unit, unitName: r.unitName, reference: r.reference)
    }

    /// 抽查 from the county board: a sample of the villages of the latest submissions in the
    /// account's scope (not sent back), stored, and its inspection workbook.
    public func inspectionSample(period: Period, size: Int, seed: UInt64, randomShare: Double, for grant: Grant<Permit.Review>, now: Date = Date()) async throws -> SampleDownload {
        let account = grant.account
        let subs = try await shownVersions(period: period, for: account)
        guard !subs.isEmpty else { throw DeskError.notFound(Message(zh: "\(period) 还没有可抽查的报表", en: "nothing to sample for \(period)")) }
        var paths: [String] = []
        for s in subs.sorted(by: { $0.unit < $1.unit }) { await paths.append(try read(s).path) }
        let out = scratch.appendingPathComponent("sample-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: out) }
        let sample = try await workspace.sample(paths, store: store, period: period, size: size, seed: seed, randomShare: randomShare,
                                          grouping: .township, out: out.path, who: account.login, asOf: today, now: now)
        let bytes: Data
        do { bytes = try Data(contentsOf: out) } catch { throw AppError(zh: "无法读取写出的工作簿", en: "cannot read the written workbook", cause: error) }
        try await store.log(.sample, who: account.login, submission: nil, unit: account.unit, period: period,
                      detail: "sample \(sample.id ?? 0): \(sample.units.count) villages, seed \(seed)", now: now)
        return SampleDownload(name: "抽查核实表-\(period)-\(sample.id ?? 0).xlsx", bytes: bytes, sample: sample)
    }

    /// A filled inspection workbook brought back: every result recorded beside the figures, when
    /// every unit in it lies in the account's scope (else nothing is recorded).
    public func verifyInspection(_ bytes: Data, by grant: Grant<Permit.Review>, now: Date = Date()) async throws -> Workspace.Verified {
        let account = grant.account
        guard bytes.count <= maxUploadBytes else { throw DeskError.tooLarge(limit: maxUploadBytes) }
        let path = try scratchFile(sha256: ContentSHA.hex(bytes), bytes: bytes)
        let tree = reference.tree
        let v = try await Workspace.verifyImport(path, store: store, who: account.login, now: now,
                                           allowed: { DeskPolicy.inScope($0, of: account, tree: tree) })
        try await store.log(.verify, who: account.login, submission: nil, unit: account.unit, period: v.results.first?.period,
                      detail: "sample \(v.sampleID): \(v.results.count) figures, \(v.corrected) wrong", now: now)
        return v
    }

    /// The rules' hit rates over the inspections of the account's units only, and how many
    /// inspection results that is.
    public func hitRates(for grant: Grant<Permit.Review>) async throws -> HitRateSummary {
        let account = grant.account
        let tree = reference.tree
        return try await workspace.hitRates(store: store, within: { DeskPolicy.inScope($0, of: account, tree: tree) })
    }

    /// The findings workbook of a submission.
    public func findingsWorkbook(submission id: Int64, for grant: Grant<Permit.Read>, lang: Language) async throws -> Download {
        let account = grant.account
        let s = try await submission(id: id, for: grant.read)
        let out = scratch.appendingPathComponent("findings-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: out) }
        try await Workspace.writeFindingsWorkbook(s.validation, to: out.path, lang: lang)
        do { return Download(name: "\(s.stored.unit)-\(s.stored.period)-审核结果.xlsx", bytes: try Data(contentsOf: out)) } catch {
            throw AppError(zh: "无法读取写出的工作簿", en: "cannot read the written workbook", cause: error)
        }
    }

    /// A unit's blank collection form for a period.
    public func collectionForm(unit: UnitCode, period: Period, for grant: Grant<Permit.Read>) throws -> Download {
        let account = grant.account
        guard DeskPolicy.inScope(unit, of: account, tree: reference.tree) else {
            throw DeskError.notAllowed(Message(zh: "无权下载", en: "not allowed"))
        }
        let out = scratch.appendingPathComponent("form-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: out) }
        try workspace.writeCollectionForm(unit: unit.rawValue, period: period, template: "collection-form", to: out.path)
        do { return Download(name: "\(unit)-\(period)-采集表.xlsx", bytes: try Data(contentsOf: out)) } catch {
            throw AppError(zh: "无法读取写出的采集表", en: "cannot read the written form", cause: error)
        }
    }

    /// A unit's series of one indicator from the store.
    public func history(unit: UnitCode, indicator: IndicatorID, for grant: Grant<Permit.Read>) async throws -> [SeriesPoint] {
        let account = grant.account
        guard DeskPolicy.inScope(unit, of: account, tree: reference.tree) else {
            throw DeskError.notAllowed(Message(zh: "无权查看", en: "not allowed"))
        }
        return try await store.history(unit: unit, indicator: indicator)
    }

    // MARK: helpers

    /// The unit a file reports for: its single root, or the parent all its roots share.
    static func root(of subs: [Submission], tree: DivisionTree) -> UnitCode? {
        let roots = Set(subs.flatMap { $0.roots(in: tree) })
        if roots.count == 1 { return roots.first }
        let parents = Set(roots.map { tree.parent(of: $0) })
        if parents.count == 1, let p = parents.first { return p }
        return nil
    }

    /// A file name as given, fit for display: no folders, no control characters, at most 120 characters.
    public static func displayName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        // No control characters, and no bidirectional overrides or isolates (U+202A–202E,
        // U+2066–2069, the marks U+200E/F and U+061C), which make a shown name read other than it is.
        let bidi: Set<UInt32> = [0x061C, 0x200E, 0x200F]
        let clean = String(last.unicodeScalars.filter { u in
            u.value >= 0x20 && !(0x7F...0x9F).contains(u.value) && !(0x202A...0x202E).contains(u.value)
                && !(0x2066...0x2069).contains(u.value) && !bidi.contains(u.value)
        }.map(Character.init))
        let short = String(clean.prefix(120))
        return short.isEmpty ? "upload" : short
    }

    /// A stored file is read under its digest's name: what the user sees is the name it was
    /// uploaded under. (Readers name a file by its last path component.)
    static func renamed(_ s: SourceRef, from path: String, to shown: String) -> SourceRef {
        s.file == path || s.file == URL(fileURLWithPath: path).lastPathComponent
            ? SourceRef(file: shown, sheet: s.sheet, row: s.row, column: s.column) : s
    }

    static func renamed(_ f: Finding, from path: String, to shown: String) -> Finding {
        guard let s = f.source, s.file == path || s.file == URL(fileURLWithPath: path).lastPathComponent else { return f }
        var g = f
        g.source = SourceRef(file: shown, sheet: s.sheet, row: s.row, column: s.column)
        return g
    }

    static func renamed(_ r: ValidationResult, from path: String, to shown: String) -> ValidationResult {
        var out = ValidationResult(period: r.period, findings: r.findings.map { renamed($0, from: path, to: shown) }, submissions: r.submissions,
                                   history: r.history, unitsChecked: r.unitsChecked)
        out.tallies = r.tallies; out.filesRead = r.filesRead
        return out
    }
}

/// Checked submissions by id, the stores' frames by period and county, and files as read by
/// their digest. Every desk write starts a new generation: what was checked before is checked again
/// (a frame stays: desk writes do not change the stored figures).
/// One computation per key at a time: a caller arriving while it runs waits for the same result
/// instead of starting its own (the board's first view by a hundred readers at once).
actor SingleFlight<Value: Sendable> {
    private var running: [String: Task<Value, any Error>] = [:]

    func run(_ key: String, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let task = running[key] { return try await task.value }
        let task = Task { try await work() }
        running[key] = task
        defer { running[key] = nil }
        return try await task.value
    }
}

final class ValidationCache: @unchecked Sendable {
    struct Key: Hashable { let id: Int64; let generation: Int }
    private var entries: [Int64: (Key, DeskSubmission)] = [:]
    private var frames: [String: Desk.Frame] = [:]
    private var inputs: [String: (path: String, input: InputSet)] = [:]
    private var current = 0
    private let lock = NSLock()
    var generation: Int { lock.withLock { current } }
    func bump() { lock.withLock { current += 1; entries.removeAll() } }
    func get(_ k: Key) -> DeskSubmission? { lock.withLock { entries[k.id].flatMap { $0.0 == k ? $0.1 : nil } } }
    func put(_ k: Key, _ s: DeskSubmission) { lock.withLock { if k.generation == current { entries[k.id] = (k, s) } } }
    private var boards: [String: (generation: Int, lines: [BoardLine])] = [:]
    func board(_ k: String, generation: Int) -> [BoardLine]? { lock.withLock { boards[k].flatMap { $0.generation == generation ? $0.lines : nil } } }
    func putBoard(_ k: String, generation: Int, _ lines: [BoardLine]) { lock.withLock { if generation == current { boards[k] = (generation, lines) } } }
    private var latestVersions: [Period: (generation: Int, versions: [UnitCode: StoredSubmission])] = [:]
    func latest(_ p: Period, generation: Int) -> [UnitCode: StoredSubmission]? {
        lock.withLock { latestVersions[p].flatMap { $0.generation == generation ? $0.versions : nil } }
    }
    func putLatest(_ p: Period, generation: Int, _ v: [UnitCode: StoredSubmission]) {
        lock.withLock { if generation == current { latestVersions[p] = (generation, v) } }
    }
    func frame(_ k: String) -> Desk.Frame? { lock.withLock { frames[k] } }
    func putFrame(_ k: String, _ f: Desk.Frame) { lock.withLock { frames[k] = f } }
    func input(_ sha: String) -> (path: String, input: InputSet)? { lock.withLock { inputs[sha] } }
    func putInput(_ sha: String, _ v: (path: String, input: InputSet)) {
        lock.withLock {
            if inputs.count >= 512 { inputs.removeAll(keepingCapacity: true) }  // bounded: read again when needed
            inputs[sha] = v
        }
    }
}

/// A login's account and stored password hash (for the sign-in check only).
public struct Credentials: Sendable {
    public let account: Account
    public let passwordHash: String
}

/// Where a submission stands on the board: its status, its open findings, who has signed.
public struct SubmissionCounts: Sendable, Equatable {
    public let status: BoardLine.Status
    public let errors: Int
    public let warnings: Int
    public let explained: Int
    public let signedRoles: [String]
    public let late: Bool
}

/// A workbook the desk hands out: the name to download it under, and its bytes.
public struct Download: Sendable {
    public let name: String
    public let bytes: Data
}

/// An inspection sample as drawn, and its workbook.
public struct SampleDownload: Sendable {
    public let name: String
    public let bytes: Data
    public let sample: InspectionSample
}
