import Foundation
import RenjuModel

/// What the web desk keeps beside the history: accounts, every uploaded file byte-exact (by its
/// SHA-256), each upload a new version, the 说明 and sign-offs given on the desk, and an audit
/// log of every state change.
public protocol DeskStoring: HistoryStoring {
    func addAccount(_ account: Account, passwordHash: String) async throws
    func accounts() async throws -> [Account]
    func account(login: String) async throws -> (account: Account, passwordHash: String)?
    /// Whether the account existed.
    func setDisabled(login: String, _ disabled: Bool) async throws -> Bool
    /// A new password hash for a login (a reset by an administrator); false when unknown.
    func setPasswordHash(login: String, _ hash: String) async throws -> Bool

    /// Stores an upload as the next version of its unit's period, and logs it.
    func addSubmission(bytes: Data, filename: String, unit: UnitCode, period: Period, who: String, now: Date) async throws -> StoredSubmission
    func submission(id: Int64) async throws -> StoredSubmission?
    /// The bytes of a stored file.
    func file(sha256: String) async throws -> Data?
    /// Every version of a period's submissions (all periods when nil), oldest first.
    func submissions(period: Period?) async throws -> [StoredSubmission]

    func addExplanation(_ x: Explanation, submission: Int64, who: String, now: Date) async throws
    func explanations(submission: Int64) async throws -> [Explanation]
    func addSignOff(_ s: SignOff, submission: Int64, who: String, now: Date) async throws
    func signOffs(submission: Int64) async throws -> [SignOff]
    func returnSubmission(id: Int64, message: String, who: String, now: Date) async throws

    /// An event that changed nothing stored (an export), for the audit log.
    func log(_ action: DeskAction, who: String, submission: Int64?, unit: UnitCode?, period: Period?, detail: String, now: Date) async throws
    func events() async throws -> [DeskEvent]
}

/// One uploaded file as stored: a version of a unit's period.
public struct StoredSubmission: Sendable, Equatable {
    public let id: Int64
    public let unit: UnitCode
    public let period: Period
    public let version: Int
    public let sha256: String
    /// The name it was uploaded under (shown, never used as a path).
    public let filename: String
    public let uploadedBy: String
    public let uploadedAt: String
    public let state: SubmissionState
    public let returnMessage: String?

    public init(id: Int64, unit: UnitCode, period: Period, version: Int, sha256: String, filename: String, uploadedBy: String,
                uploadedAt: String, state: SubmissionState, returnMessage: String?) {
        self.id = id; self.unit = unit; self.period = period; self.version = version; self.sha256 = sha256; self.filename = filename
        self.uploadedBy = uploadedBy; self.uploadedAt = uploadedAt; self.state = state; self.returnMessage = returnMessage
    }
}

/// What a desk event did.
public enum DeskAction: String, Sendable, Codable {
    case upload, explain, signoff, `return`, export, account, sample, verify, reopen
}

/// One line of the desk's audit log.
public struct DeskEvent: Sendable, Equatable, CustomStringConvertible {
    public let id: Int64
    public let at: String
    public let who: String
    public let action: DeskAction
    public let submission: Int64?
    public let unit: UnitCode?
    public let period: Period?
    public let detail: String

    public init(id: Int64, at: String, who: String, action: DeskAction, submission: Int64?, unit: UnitCode?, period: Period?, detail: String) {
        self.id = id; self.at = at; self.who = who; self.action = action; self.submission = submission; self.unit = unit
        self.period = period; self.detail = detail
    }

    public var description: String {
        "#\(id) \(at) \(who) \(action.rawValue)\(submission.map { " submission \($0)" } ?? "") \(unit.map(\.rawValue) ?? "") \(period.map(\.description) ?? "") \(detail)"
    }
}

/// A desk request the store refuses.
public enum DeskStoreError: UserFacingError, CustomStringConvertible {
    case duplicateLogin(String)
    case unknownSubmission(Int64)
    public var userMessage: Message {
        switch self {
        case let .duplicateLogin(l): return Message(zh: "账号 \(l) 已存在", en: "an account named \(l) exists already")
        case let .unknownSubmission(id): return Message(zh: "没有编号为 \(id) 的报表", en: "no submission \(id)")
        }
    }
    public var description: String { "\(userMessage.en) / \(userMessage.zh)" }
}
