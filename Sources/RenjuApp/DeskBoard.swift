import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuStore
import RenjuStoreCore
import RenjuReading
import RenjuInspection
import RenjuRanking

// The desk's use cases: where each township stands (the board).
extension Desk {

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
        let imported = try await store.importedUnits(period: period)
        let tree = reference.tree
        let overdue = deadline(of: period) < today
        var lines: [BoardLine] = []
        for u in try boardUnits(for: account) {
            let name = tree.name(of: u) ?? u.rawValue
            guard let stored = latest[u] else {
                let status: BoardLine.Status = imported.contains(u) ? .imported : .notSubmitted
                lines.append(BoardLine(unit: u, unitName: name, status: status, submission: nil, errors: 0, warnings: 0, explained: 0, signedRoles: [],
                                       late: status == .notSubmitted && overdue))
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
        let toConfirm = findings.filter(Self.isToConfirm).count
        let status: BoardLine.Status = s.stored.state == .returned ? .returned
            : errors > 0 ? .errors : toConfirm > 0 ? .warnings : allSigned ? .signed : explained > 0 ? .explained : .submitted
        return SubmissionCounts(status: status, errors: errors, warnings: warnings, explained: explained, signedRoles: roles, late: late)
    }
}

// The reporting calendar on the desk: the period being reported, the periods to offer, deadlines.
extension Desk {
    /// The period being reported today (the calendar's, not the clock's quarter).
    public var currentPeriod: Period { reference.calendar.current(on: today) }

    /// The periods the period switch offers: the calendar's recent ones and every period the
    /// store holds (imported or uploaded), newest first.
    public func periodsOffered() async throws -> [Period] {
        let generation = cache.generation, now = Date()
        if let hit = cache.periods(generation: generation, now: now) { return reference.calendar.listed(on: today, known: hit) }
        var known = Set(try await store.periods().map(\.period))
        for s in try await store.submissions(period: nil) { known.insert(s.period) }
        let sorted = known.sorted()
        cache.putPeriods(sorted, generation: generation, now: now)
        return reference.calendar.listed(on: today, known: sorted)
    }

    /// A period's deadline: `deadline_days` (signoff.yaml) after its end.
    public func deadline(of period: Period) -> CivilDate { period.endDate.adding(days: reference.chains.deadlineDays) }

    /// A stored instant in the desk's time zone (`2026-12-07 08:54`).
    public func localTime(_ iso: String) -> String { reference.calendar.local(iso) }
}

/// What a unit's submission of a period needs next, for the person looking at it.
public enum NextStep: Sendable, Equatable {
    /// Nothing uploaded yet.
    case upload
    /// Sent back by the county, with its reason.
    case returned(String)
    /// Errors to fix, then upload again.
    case fixErrors(Int)
    /// Warnings to confirm: fix and upload again, or explain.
    case confirmWarnings(Int)
    /// Signatures still missing, in the chain's order; `mine` when the viewer may give the next one.
    case sign(missing: [String], mine: Bool)
    /// Every role signed: the county compiles the return.
    case done
}

extension Desk {
    /// An open warning the township must confirm (fix or explain) before its return is complete.
    /// Lateness is the board's own flag, and a file's 签字 that names other signers than the
    /// desk's is the county's to see: neither is a figure to confirm, and neither may stop the
    /// chain (the desk's signatures are the ones that count).
    public static func isToConfirm(_ f: Finding) -> Bool {
        f.severity == .warning && f.isOpen && f.rule != SignOffCheck.late && f.rule != SignOffCheck.declared
    }

    /// The next step of a unit's latest version (nil: nothing uploaded), for `account`.
    public func nextStep(of s: DeskSubmission?, for account: Account) -> NextStep {
        guard let s else { return .upload }
        if s.stored.state == .returned { return .returned(s.stored.returnMessage ?? "") }
        let c = counts(of: s)
        if c.errors > 0 { return .fixErrors(c.errors) }
        let toConfirm = s.validation.result.findings.filter(Self.isToConfirm).count
        if toConfirm > 0 { return .confirmWarnings(toConfirm) }
        let chain = reference.tree.level(of: s.stored.unit).flatMap { reference.chains.chains[$0] } ?? []
        let missing = chain.filter { r in !c.signedRoles.contains { r.matches($0) } }.map(\.role)
        if missing.isEmpty { return .done }
        let mine = DeskPolicy.allows(account, .sign) && account.signs.contains { r in chain.first { $0.role == missing[0] }?.matches(r) ?? (r == missing[0]) }
        return .sign(missing: missing, mine: mine)
    }

    /// The names of the desk's accounts by login (who uploaded, shown by name).
    public func accountNames() async throws -> [String: String] {
        var out: [String: String] = [:]
        for a in try await store.accounts() { out[a.login] = a.name }
        return out
    }
}
