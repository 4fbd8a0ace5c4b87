import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuStore
import RenjuStoreCore
import RenjuReading
import RenjuInspection
import RenjuRanking

// The desk's use cases: versions, 说明, sign-offs, sending back.
extension Desk {

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
        let text = try Self.writtenText(text, refusal: Message(zh: "说明不能为空，且不超过 2000 字", en: "an explanation is 1 to 2000 characters"))
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
        let m = try Self.writtenText(message, refusal: Message(zh: "退回须写明原因（不超过 2000 字）", en: "a return needs a message (at most 2000 characters)"))
        try await store.returnSubmission(id: id, message: m, who: account.login, now: now)
        cache.bump()
    }
}
