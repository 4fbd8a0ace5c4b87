import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuStore
import RenjuStoreCore
import RenjuReading
import RenjuInspection
import RenjuRanking

// The desk's use cases: accounts and sign-in.
extension Desk {
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

    // MARK: the administrator's account page

    /// The accounts an administrator manages: those of units in its subtree, by login.
    public func managedAccounts(for grant: Grant<Permit.ManageAccounts>) async throws -> [Account] {
        try await store.accounts().filter { DeskPolicy.inScope($0.unit, of: grant.account, tree: reference.tree) }
    }

    /// The account of `login` if the administrator manages it, else refused (unknown and out of
    /// scope alike: nothing tells which logins exist elsewhere).
    func managed(_ login: String, _ grant: Grant<Permit.ManageAccounts>) async throws -> Account {
        guard let a = try await store.account(login: login)?.account, DeskPolicy.inScope(a.unit, of: grant.account, tree: reference.tree) else {
            throw DeskError.notFound(Message(zh: "没有这个账号：\(login)", en: "no such account: \(login)"))
        }
        return a
    }

    /// Adds an account (its password already hashed slowly by the caller); audited.
    public func addAccount(_ a: Account, passwordHash: String, by grant: Grant<Permit.ManageAccounts>, now: Date = Date()) async throws {
        try checkAccount(a)
        guard DeskPolicy.inScope(a.unit, of: grant.account, tree: reference.tree) else {
            throw DeskError.notAllowed(Message(zh: "只能为本单位及下级单位建账号", en: "accounts only for units under yours"))
        }
        do { try await store.addAccount(a, passwordHash: passwordHash) } catch let e as DeskStoreError {
            throw DeskError.conflict(e.userMessage)
        }
        try await store.log(.account, who: grant.account.login, submission: nil, unit: a.unit, period: nil, detail: "add \(a.login) \(a.role.rawValue)", now: now)
    }

    /// Disables or enables an account; audited. An administrator cannot disable itself.
    public func setDisabled(login: String, _ disabled: Bool, by grant: Grant<Permit.ManageAccounts>, now: Date = Date()) async throws {
        let a = try await managed(login, grant)
        if disabled && a.login == grant.account.login {
            throw DeskError.conflict(Message(zh: "不能停用自己的账号", en: "you cannot disable your own account"))
        }
        _ = try await store.setDisabled(login: a.login, disabled)
        try await store.log(.account, who: grant.account.login, submission: nil, unit: a.unit, period: nil,
                            detail: "\(disabled ? "disable" : "enable") \(a.login)", now: now)
    }

    /// Lifts a login's lock after failed sign-ins (as `renju user unlock`); audited.
    public func unlock(login: String, by grant: Grant<Permit.ManageAccounts>, now: Date = Date()) async throws {
        let a = try await managed(login, grant)
        try await store.log(.account, who: grant.account.login, submission: nil, unit: a.unit, period: nil, detail: "unlock \(a.login)", now: now)
    }

    /// Sets a new password (hashed slowly by the caller); audited (never the password).
    public func resetPassword(login: String, passwordHash: String, by grant: Grant<Permit.ManageAccounts>, now: Date = Date()) async throws {
        let a = try await managed(login, grant)
        _ = try await store.setPasswordHash(login: a.login, passwordHash)
        try await store.log(.account, who: grant.account.login, submission: nil, unit: a.unit, period: nil, detail: "reset password \(a.login)", now: now)
    }
}
