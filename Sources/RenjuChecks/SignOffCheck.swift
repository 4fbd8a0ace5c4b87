import Foundation
import RenjuModel
import RenjuReference

/// `signoff.*`: the chain of the submitting unit's level (township: 填表人 → 统计负责人 → 单位负责人;
/// county: 填表人 → 分管领导 → 部门主要领导 → 县政府分管领导) must be complete, signed by different
/// people, in order, not in the future, before the deadline, over the figures submitted.
public struct SignOffCheck: Check {
    public static let missingRole = RuleID(.signoff, "missing_role")
    public static let samePerson = RuleID(.signoff, "same_person")
    public static let order = RuleID(.signoff, "order")
    public static let late = RuleID(.signoff, "late")
    public static let future = RuleID(.signoff, "future")
    public static let digest = RuleID(.signoff, "digest")
    public static let mismatch = RuleID(.signoff, "footer_mismatch")
    public static let signature = RuleID(.signoff, "signature")
    public static let unsigned = RuleID(.signoff, "unsigned")
    public static let signatureMissing = RuleID(.signoff, "signature_missing")
    public static let conflict = RuleID(.signoff, "conflict")
    /// On the desk: the workbook's own 签字 names someone else than who signed on the desk.
    public static let declared = RuleID(.signoff, "declared_differs")

    public init() {}
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.missingRole, .error, Message(zh: "缺少签字", en: "Sign-off role missing")),
         RuleDescriptor(Self.samePerson, .error, Message(zh: "一人签多个角色", en: "One person in two roles")),
         RuleDescriptor(Self.order, .error, Message(zh: "签字日期顺序颠倒", en: "Sign-off dates out of order")),
         RuleDescriptor(Self.future, .error, Message(zh: "签字日期在今天之后", en: "Sign-off dated in the future")),
         RuleDescriptor(Self.late, .warning, Message(zh: "逾期报送", en: "Signed after the deadline")),
         RuleDescriptor(Self.digest, .error, Message(zh: "签字后数据被改动", en: "Figures changed after sign-off")),
         RuleDescriptor(Self.mismatch, .warning, Message(zh: "表尾与签字表不一致", en: "Footer and sign-off sheet disagree")),
         RuleDescriptor(Self.signature, .error, Message(zh: "电子签名无效", en: "Invalid signature")),
         RuleDescriptor(Self.unsigned, .info, Message(zh: "未使用电子签名", en: "Sign-off without a signature")),
         RuleDescriptor(Self.signatureMissing, .error, Message(zh: "缺少必需的电子签名", en: "Required signature missing")),
         RuleDescriptor(Self.conflict, .error, Message(zh: "同一角色两行签字不一致", en: "Two sign-offs for one role disagree")),
         RuleDescriptor(Self.declared, .warning, Message(zh: "文件声明的签字人与系统签批人不同", en: "Signer on the desk differs from the file's"))]
    }
    /// Two sign-off rows say the same thing: one person (as written), digest and signature.
    static func same(_ a: SignOff, _ b: SignOff) -> Bool {
        TextNormalizer.key(a.name) == TextNormalizer.key(b.name) && (a.digest ?? "") == (b.digest ?? "")
            && (a.signature ?? "") == (b.signature ?? "") && a.date == b.date
    }

    public var explanation: Message {
        Message(zh: "按报送单位所在层级的签字链核对：各角色都要签字且不能一人兼签，签字日期按顺序、不晚于今天、不超过报送期限（期末后规定天数），签字时的数据摘要须与所报数据一致，电子签名须由该签字人登记的公钥验证通过。",
                en: "Against the chain of the submitting unit's level: every role signs, no one signs twice, dates in order, not in the future, within the deadline; the digest signed must match the figures; signatures must verify with the signer's registered key.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        var out: [Finding] = []
        let chains = ctx.reference.chains
        // Sign-off sheet rows by unit, once (a province has tens of thousands).
        var sheetByUnit: [UnitCode: [SignOff]] = [:]
        for s in ctx.signOffs { sheetByUnit[s.unit, default: []].append(s) }
        var tally = UnitCounter()
        defer { ctx.tally.add(tally) }
        let ids = rules.map { tally.slot($0.id) }
        for sub in ctx.submissions {
            // Every top unit of the submission signs (a file may hold several townships).
            let roots = ctx.roots(of: sub).filter { ctx.tree.position(of: $0) != nil }
            let top = roots.compactMap { ctx.level(of: $0)?.depth }.min()
            for root in roots where ctx.level(of: root)?.depth == top {
            guard let level = ctx.level(of: root), let chain = chains.chains[level], !chain.isEmpty else { continue }
            // Each reporting unit's sign-offs are held against every sign-off rule.
            for id in ids { tally.add(id, evaluated: 1) }
            let mine = { (s: SignOff) -> Bool in s.unit == root && (s.period == nil || s.period == ctx.period) }
            let sheet = (sheetByUnit[root] ?? []).filter(mine)
            let footer = sub.signOffs.filter(mine)
            let src = sheet.first?.source ?? footer.first?.source ?? SourceRef(file: sub.file)
            let uname = ctx.name(of: root, in: sub) ?? root.rawValue
            func find(_ list: [SignOff], _ role: ChainRole) -> SignOff? { list.first { role.matches($0.role) } }

            // Footer and sheet must agree; the sheet gives per-role dates and digests.
            var merged: [(role: ChainRole, signOff: SignOff)] = []
            for role in chain {
                // Two sheet rows for one role that disagree: neither is trusted over the other.
                let rows = sheet.filter { role.matches($0.role) }
                if let a = rows.first, let b = rows.dropFirst().first(where: { !Self.same($0, a) }) {
                    let at = a.source?.description ?? "", bt = b.source?.description ?? ""
                    out += [ctx.finding(Self.conflict, unit: root, sub: sub, message: Message(
                        zh: "\(uname)的\(role.role)有两行不一致的签字：\(at)（\(a.name)）和 \(bt)（\(b.name)）——姓名、摘要或签名不同，须删除不实的一行",
                        en: "\(uname): two sign-offs for \(role.role) disagree: \(at) (\(a.name)) and \(bt) (\(b.name)) — name, digest or signature differ; remove the false one"),
                        source: b.source ?? src)]
                }
                let s = find(sheet, role), f = find(footer, role)
                if let s, let f, TextNormalizer.key(s.name) != TextNormalizer.key(f.name) {
                    out += [ctx.finding(Self.mismatch, unit: root, sub: sub, message: Message(
                        zh: "\(uname)表尾的\(role.role)是“\(f.name)”，签字表中却是“\(s.name)”：两处签字应一致",
                        en: "The footer names \(f.name) as \(role.role), the sign-off sheet \(s.name): they must agree"),
                        source: s.source)]
                }
                if let x = s ?? f { merged.append((role, x)) }
            }
            let missing = chain.filter { r in !merged.contains { $0.role == r } }
            if !missing.isEmpty {
                let names = missing.map(\.role).joined(separator: "、")
                let chainText = chain.map(\.role).joined(separator: " → ")
                out += [ctx.finding(Self.missingRole, unit: root, sub: sub, message: Message(
                    zh: merged.isEmpty ? "\(uname)的报表没有任何签字：须按 \(chainText) 逐级签字后才能上报"
                                       : "\(uname)的报表缺少\(names)签字：须按 \(chainText) 逐级签字后才能上报",
                    en: merged.isEmpty ? "No sign-off for \(uname): the chain \(chainText) must sign before reporting"
                                       : "\(uname) is missing the sign-off of \(missing.map(\.role).joined(separator: ", ")) (chain: \(chainText))"),
                    source: src)]
            }
            // One person, two roles.
            var byPerson: [String: [String]] = [:]
            for m in merged where !m.signOff.name.isEmpty { byPerson[TextNormalizer.key(m.signOff.name), default: []].append(m.role.role) }
            for (_, roles) in byPerson.sorted(by: { $0.key < $1.key }) where roles.count > 1 && !chains.samePersonAllowed {
                let person = merged.first { $0.role.role == roles[0] }?.signOff.name ?? ""
                out += [ctx.finding(Self.samePerson, unit: root, sub: sub, message: Message(
                    zh: "“\(person)”一人签了\(roles.joined(separator: "和"))两个角色：各级审核须由不同的人分别签字，不能自己审核自己",
                    en: "\(person) signed as both \(roles.joined(separator: " and ")): each level must be signed by a different person"),
                    source: src)]
            }
            // Dates in chain order.
            let dated = merged.filter { $0.signOff.date != nil }
            for (a, b) in zip(dated, dated.dropFirst()) {
                guard let da = a.signOff.date, let db = b.signOff.date, db < da else { continue }
                out += [ctx.finding(Self.order, unit: root, sub: sub, message: Message(
                    zh: "\(b.role.role)\(b.signOff.name)的签字日期 \(db) 早于\(a.role.role)\(a.signOff.name)的 \(da)：应先由\(a.role.role)签字，再由\(b.role.role)审核签字",
                    en: "\(b.role.role) \(b.signOff.name) signed on \(db), before \(a.role.role) \(a.signOff.name) on \(da): the chain must sign in order"),
                    source: b.signOff.source ?? src)]
            }
            // Dates in the future of --as-of.
            if let asOf = ctx.asOf {
                for m in merged {
                    guard let d = m.signOff.date, asOf < d else { continue }
                    out += [ctx.finding(Self.future, unit: root, sub: sub, message: Message(
                        zh: "\(m.role.role)\(m.signOff.name)的签字日期 \(d) 晚于今天（\(asOf)）：签字日期不能预填",
                        en: "\(m.role.role) \(m.signOff.name) is dated \(d), after today (\(asOf))"),
                        source: m.signOff.source ?? src)]
                }
            }
            // Deadline: period end + N days, judged on the last signature (the 报出日期).
            let deadline = ctx.period.endDate.adding(days: chains.deadlineDays)
            if let last = (merged.compactMap(\.signOff.date) + footer.compactMap(\.date)).max(), deadline < last {
                out += [ctx.finding(Self.late, unit: root, sub: sub, message: Message(
                    zh: "\(uname)的报表 \(last) 才签字报出，晚于报送期限 \(deadline)（期末后 \(chains.deadlineDays) 天），逾期 \(last.dayNumber - deadline.dayNumber) 天",
                    en: "\(uname) was signed off on \(last), \(last.dayNumber - deadline.dayNumber) days after the deadline \(deadline)"),
                    source: src)]
            }
            // Digest: the figures signed are the figures submitted.
            if merged.contains(where: { !($0.signOff.digest ?? "").isEmpty }), let actual = ContentDigest.of(sub) {
                let wrong = merged.filter { ($0.signOff.digest ?? "").isEmpty == false && $0.signOff.digest != actual }
                if !wrong.isEmpty {
                    out += [ctx.finding(Self.digest, unit: root, sub: sub, message: Message(
                        zh: "\(wrong.map { "\($0.role.role)\($0.signOff.name)" }.joined(separator: "、"))签字时的数据摘要与现在报送的数据不符：数据在签字后被改动过，须重新审核签字",
                        en: "The digest signed by \(wrong.map { "\($0.role.role) \($0.signOff.name)" }.joined(separator: ", ")) does not match the figures submitted: they changed after sign-off"),
                        source: wrong.first?.signOff.source ?? src)]
                }
            }
            // Signatures: required of everyone (signatures: required), or of each signer with a registered key.
            var unsigned: [String] = []
            for m in merged {
                guard let sig = m.signOff.signature, !sig.isEmpty else {
                    let hasKey = !ctx.reference.keys.keys(for: m.signOff.name).isEmpty
                    if hasKey || chains.signaturesRequired {
                        out += [ctx.finding(Self.signatureMissing, unit: root, sub: sub, message: Message(
                            zh: hasKey ? "\(m.role.role)\(m.signOff.name)已登记电子签名公钥，但这份签字没有电子签名：无法证明是本人签字，须用 renju sign 重新签名"
                                       : "\(m.role.role)\(m.signOff.name)的签字没有电子签名，而签字规则要求电子签名（signoff.yaml: signatures: required）",
                            en: hasKey ? "\(m.role.role) \(m.signOff.name) has a registered key but this sign-off carries no signature: sign again with renju sign"
                                       : "\(m.role.role) \(m.signOff.name) signed without an electronic signature, which signoff.yaml requires"),
                            source: m.signOff.source ?? src)]
                    } else if !m.signOff.fromFooter {
                        unsigned.append(m.role.role)
                    }
                    continue
                }
                let keys = ctx.reference.keys.keys(for: m.signOff.name)
                if keys.contains(where: { SignOffSignature.verify(m.signOff, publicKey: $0) }) { continue }
                let why: Message = keys.isEmpty
                    ? Message(zh: "没有为“\(m.signOff.name)”登记公钥，无法验证其电子签名", en: "no public key is registered for \(m.signOff.name)")
                    : Message(zh: "电子签名与“\(m.signOff.name)”登记的公钥不符（签名被伪造、他人代签，或签字内容被改动）", en: "the signature does not verify with \(m.signOff.name)'s registered key")
                out += [ctx.finding(Self.signature, unit: root, sub: sub, message: Message(
                    zh: "\(m.role.role)\(m.signOff.name)的电子签名无效：\(why.zh)", en: "\(m.role.role) \(m.signOff.name): invalid signature — \(why.en)"),
                    source: m.signOff.source ?? src)]
            }
            if !unsigned.isEmpty, !ctx.reference.keys.isEmpty {
                out += [ctx.finding(Self.unsigned, unit: root, sub: sub, message: Message(
                    zh: "\(unsigned.joined(separator: "、"))的签字没有电子签名（可用 renju sign 签名）",
                    en: "\(unsigned.joined(separator: ", ")) signed without an electronic signature (see renju sign)"),
                    source: src)]
            }
            }
        }
        return out
    }
}
