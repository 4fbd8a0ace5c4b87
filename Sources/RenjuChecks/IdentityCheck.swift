import Foundation
import RenjuModel
import RenjuReference

/// `identity.*`, row by row: a part is never greater than its whole; a reported rate equals
/// `100 × numerator / denominator` (within the tolerance); no rate where the denominator is 0;
/// a figure that requires another (buildings removed → area removed).
public struct IdentityCheck: Check {
    public var cost: CheckCost { .large }
    public static let partWhole = RuleID(.identity, "part_whole")
    public static let rate = RuleID(.identity, "rate")
    public static let rateUndefined = RuleID(.identity, "rate_undefined")
    public static let requires = RuleID(.identity, "requires")

    public init() {}
    /// How far a reported rate may be from part ÷ whole × 100, in percentage points.
    public static let tolerance = RuleParameter("tolerance", default: 0.1, range: 0...100,
                                                Message(zh: "比率与分子÷分母×100 之差的容许值（百分点）", en: "allowed gap between a rate and part ÷ whole × 100, in percentage points"))
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.partWhole, .error, Message(zh: "部分大于整体", en: "Part greater than whole"), linear: .partWhole),
         RuleDescriptor(Self.rate, .error, Message(zh: "比率与分子分母不符", en: "Rate disagrees with its parts"), parameters: [Self.tolerance], linear: .rateIdentity),
         RuleDescriptor(Self.rateUndefined, .error, Message(zh: "分母为 0 却填了比率", en: "Rate given where the denominator is 0")),
         RuleDescriptor(Self.requires, .error, Message(zh: "有数量无面积等缺项", en: "A figure without the figure it requires"), linear: .requires)]
    }
    public var explanation: Message {
        Message(zh: "同一行内：部分不大于整体（如卫生厕所户数 ≤ 总户数）；填报的比率与 100×分子÷分母 相差不超过容差；分母为 0 时比率应空白；拆除了“两违”建筑就应有拆除面积。",
                en: "Within a row: parts never exceed wholes; a reported rate equals 100 × numerator / denominator within the tolerance; no rate where the denominator is 0; buildings removed need an area.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        var out: [Finding] = []
        var tally = UnitCounter()
        let slotPartwhole = tally.slot(Self.partWhole)
        let slotRate = tally.slot(Self.rate)
        let slotRateundefined = tally.slot(Self.rateUndefined)
        let slotRequires = tally.slot(Self.requires)
        defer { ctx.tally.add(tally) }
        let tol = ctx.reference.checks.value(Self.tolerance, of: Self.rate)
        let cat = ctx.catalog
        let rates = cat.rates
        let partWhole = ctx.reference.checks.partWhole, requires = ctx.reference.checks.requires
        // Each rate with its numerator and denominator, taken apart once (not for every unit).
        let rateParts: [(ind: Indicator, n: IndicatorID, d: IndicatorID)] = rates.compactMap { ind in
            if case let .rate(n, d) = ind.kind { return (ind, n, d) }
            return nil
        }
        for sub in ctx.submissions {
            // The submission's column of each indicator the identities read, found once.
            let values = sub.values
            let partWholeColumns = partWhole.map { (values.column(for: $0.0), values.column(for: $0.1)) }
            let rateColumns = rateParts.map { (values.column(for: $0.ind.id), values.column(for: $0.n), values.column(for: $0.d)) }
            let requiresColumns = requires.map { (values.column(for: $0.0), values.column(for: $0.1)) }
            var rows = PeriodValues.RowCursor()
            for row in sub.rows.indices {
                let u = sub.rows[row].code
                guard let r = rows.row(of: u, in: values) else { continue }
                let val: (Int?) -> Double? = { values.value(row: r, column: $0) }
                defer { tally.next() }
                for (k, (part, whole)) in partWhole.enumerated() {
                    guard let p = val(partWholeColumns[k].0), let w = val(partWholeColumns[k].1) else { tally.missing(slotPartwhole); continue }
                    tally.ran(slotPartwhole)
                    if p > w + 1e-9 * max(1, abs(w)), let pi = cat[part], let wi = cat[whole] {
                        out += [ctx.finding(Self.partWhole, unit: u, sub: sub, indicator: part, value: p, expected: w, message: Message(
                            zh: "\(pi.name)（\(figure(p, pi))\(pi.unit)）大于\(wi.name)（\(figure(w, wi))\(wi.unit)），部分不能大于整体：请核对这两个数",
                            en: "\(pi.englishName) (\(figure(p, pi)) \(pi.unit)) exceeds \(wi.englishName) (\(figure(w, wi)) \(wi.unit)): a part cannot exceed the whole"),
                            source: sub.values.observation(u, part)?.source)]
                    }
                }
                for (k, (ind, n, d)) in rateParts.enumerated() {
                    let columns = rateColumns[k]
                    guard let ov = val(columns.0), let nv = val(columns.1), let dv = val(columns.2) else { tally.missing(slotRate); continue }
                    tally.ran(slotRate); tally.ran(slotRateundefined)
                    let exact = dv == 0 ? 0 : 100 * nv / dv
                    if dv != 0, abs(ov - exact) <= tol + 1e-9 { continue }
                    let ni = cat[n], di = cat[d]
                    if dv == 0 {
                        out += [ctx.finding(Self.rateUndefined, unit: u, sub: sub, indicator: ind.id, value: ov, message: Message(
                            zh: "\(di?.name ?? d.rawValue)为 0，\(ind.name)无从计算，应空白，表中却填了 \(shortestDecimal(ov))%",
                            en: "\(di?.englishName ?? d.rawValue) is 0, so \(ind.englishName) is undefined and must be blank, but \(shortestDecimal(ov))% is given"),
                            source: sub.values.source(u, ind.id))]
                        continue
                    }
                    if abs(ov - exact) > tol + 1e-9 {
                        out += [ctx.finding(Self.rate, unit: u, sub: sub, indicator: ind.id, value: ov, expected: rounded(exact, ind.decimals), message: Message(
                            zh: "\(ind.name)填报为 \(shortestDecimal(ov))%，但按\(ni?.name ?? n.rawValue) \(figure(nv, ni)) ÷ \(di?.name ?? d.rawValue) \(figure(dv, di)) 计算应为 \(figure(exact, ind))%（相差 \(figure(abs(ov - exact), ind)) 个百分点，容差 \(shortestDecimal(tol))）：请核对比率或其分子分母",
                            en: "\(ind.englishName) is reported as \(shortestDecimal(ov))%, but \(figure(nv, ni)) / \(figure(dv, di)) gives \(figure(exact, ind))% (off by \(figure(abs(ov - exact), ind)) points, tolerance \(shortestDecimal(tol)))"),
                            source: sub.values.source(u, ind.id))]
                    }
                }
                for (k, (when, then)) in requires.enumerated() {
                    guard let a = val(requiresColumns[k].0), let b = val(requiresColumns[k].1) else { tally.missing(slotRequires); continue }
                    tally.ran(slotRequires)
                    guard a > 0, b <= 0, let wi = cat[when], let ti = cat[then] else { continue }
                    out += [ctx.finding(Self.requires, unit: u, sub: sub, indicator: then, value: b, message: Message(
                        zh: "\(wi.name)为 \(figure(a, wi))\(wi.unit)，\(ti.name)却是 \(figure(b, ti))\(ti.unit)：有前者就应有后者，请补填",
                        en: "\(wi.englishName) is \(figure(a, wi)) \(wi.unit) but \(ti.englishName) is \(figure(b, ti)): the one requires the other"),
                        source: sub.values.observation(u, then)?.source)]
                }
            }
        }
        return out
    }
}
