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
}
