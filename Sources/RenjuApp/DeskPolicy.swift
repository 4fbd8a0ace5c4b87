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
    public enum ManageAccounts: PermissionKind { public static let permission = DeskPermission.manageAccounts }
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
