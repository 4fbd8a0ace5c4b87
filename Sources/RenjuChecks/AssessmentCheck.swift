import Foundation
import RenjuModel
import RenjuReference

/// What a ranking and a yearly assessment (考核) invite:
/// - `target.bunching` — many units just at or above their target, few just below it: a smooth
///   distribution has about as many on either side;
/// - `target.exact_at_due` — a year-to-date figure that reaches its target almost exactly in the
///   period the assessment counts, after a pace that would have fallen well short;
/// - `duplicate.pasted` — one value (a province's figure, a template's number) in nearly every
///   unit of a group, in the first period as in any other.
public struct AssessmentCheck: Check {
    public var cost: CheckCost { .large }
    public static let bunching = RuleID(.target, "bunching")
    public static let exact = RuleID(.target, "exact_at_due")
    public static let pasted = RuleID(.duplicate, "pasted")
    public init() {}

    public static let band = RuleParameter("band", default: 0.02, range: 0.001...0.5,
        Message(zh: "“刚好达标”的范围：完成率在 100% 到 100%+band 之间（0.02 即 2%），与其下同样宽的范围比较",
                en: "“just at target”: achievement from 100 % to 100 % + band, compared with as wide a band just below"))
    public static let factor = RuleParameter("factor", default: 3, range: 1...1_000,
        Message(zh: "刚好达标的单位数至少是刚好未达标的几倍（加 1 后）", en: "how many times the units just below (plus one) those just at or above must be"))
    public static let minUnits = RuleParameter("min_units", default: 5, range: 2...1_000_000, wholeNumber: true,
        Message(zh: "刚好达标的单位少于此数不提示", en: "fewest units just at or above the target"))
    public static let exactBand = RuleParameter("band", default: 0.01, range: 0.0001...0.5,
        Message(zh: "年末累计数在目标的 100% 到 100%+band 之间算“恰好完成”", en: "a year-end figure within 100 % to 100 % + band of its target is “exactly on target”"))
    public static let paceFactor = RuleParameter("factor", default: 3, range: 1...1_000,
        Message(zh: "本期新增量至少是本年此前各期平均新增量的几倍", en: "how many times the year's earlier average increase this period's must be"))
    public static let pastedShare = RuleParameter("share", default: 0.8, range: 0.5...1,
        Message(zh: "同组单位中填同一数值的比例达到此值即提示", en: "share of a group's units with one and the same value"))
    public static let pastedUnits = RuleParameter("min_units", default: 5, range: 2...1_000_000, wholeNumber: true,
        Message(zh: "同组有此数值的单位少于此数不检验", en: "fewest units with the figure for the test"))
    public static let pastedSteps = RuleParameter("min_steps", default: 100, range: 1...1_000_000_000,
        Message(zh: "数值至少为末位单位的多少倍（保洁员 2 人、公厕 1 座这样的小数相同不足为奇）",
                en: "smallest value, in units of its last decimal (2 cleaners or 1 toilet in every village is no coincidence to flag)"))

    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.bunching, .warning, Message(zh: "扎堆刚好达标", en: "Units bunched just at their target"), parameters: [Self.band, Self.factor, Self.minUnits]),
         RuleDescriptor(Self.exact, .warning, Message(zh: "到考核期恰好完成目标", en: "Target reached exactly when due"), parameters: [Self.exactBand, Self.paceFactor]),
         RuleDescriptor(Self.pasted, .warning, Message(zh: "同一数值填遍各单位", en: "One value pasted across units"), parameters: [Self.pastedShare, Self.pastedUnits, Self.pastedSteps])]
    }
    public var explanation: Message {
        Message(zh: "考核和排名容易引出的几种做法：很多单位刚好达到或略超目标、而刚好差一点的很少（真实分布两侧应差不多）；年末累计数恰好完成目标、而此前的进度远远不够；同一组单位几乎都填同一个数（如把全省数填到每个市）。",
                en: "What an assessment invites: many units just at or above target and few just below (an honest distribution has both); a year-end figure exactly on target after a pace far short of it; one value in nearly every unit of a group.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        let settings = ctx.reference.checks
        var out: [Finding] = []
        var tally = UnitCounter()
        let sBunch = tally.slot(Self.bunching), sExact = tally.slot(Self.exact), sPasted = tally.slot(Self.pasted)
        defer { ctx.tally.add(tally) }
        let rd = ctx.figures
        let targets = ctx.reference.targets
        let band = settings.value(Self.band, of: Self.bunching), factor = settings.value(Self.factor, of: Self.bunching)
        let minBunched = Int(settings.value(Self.minUnits, of: Self.bunching))
        let exactBand = settings.value(Self.exactBand, of: Self.exact), pace = settings.value(Self.paceFactor, of: Self.exact)
        let share = settings.value(Self.pastedShare, of: Self.pasted), minPasted = Int(settings.value(Self.pastedUnits, of: Self.pasted))
        let steps = settings.value(Self.pastedSteps, of: Self.pasted)
        let amounts = ctx.catalog.indicators.filter { $0.kind.isSummed }
        // Units each test was held against (once a unit, however many indicators).
        var bunchUnits = 0, pastedUnits = 0
        defer { tally.add(sBunch, evaluated: bunchUnits); tally.add(sPasted, evaluated: pastedUnits) }
        for (level, allUnits) in ctx.unitsByLevel {
            let index = ctx.levelIndex(at: level)
            let figs = allUnits.indices.map { UnitFigures(allUnits[$0], index, $0) }
            var withTargetAt = [Bool](repeating: false, count: allUnits.count)
            defer { bunchUnits += withTargetAt.reduce(0) { $0 + ($1 ? 1 : 0) } }
            // Targets: rates in any period, year-to-date figures at year end (when the year is judged).
            if !targets.all.isEmpty {
                // The units with any target, found once (most units of a province have none).
                let targeted = figs.indices.filter { targets.hasTargets(for: figs[$0].unit) }
                for ind in ctx.catalog.indicators where ind.kind.isRate || (ind.kind == .ytd && ctx.period.isYearEnd) {
                    var justAbove: [Int] = [], justBelow = 0, withTarget = 0
                    for k in targeted {
                        let f = figs[k]
                        guard let t = targets.target(year: ctx.period.year, unit: f.unit, indicator: ind.id), t > 0,
                              let x = rd.nowOrRate(f, ind) else { continue }
                        withTarget += 1
                        withTargetAt[k] = true
                        let r = x / t
                        if r >= 1 - 1e-9 && r < 1 + band { justAbove.append(k) } else if r >= 1 - band && r < 1 { justBelow += 1 }
                        if ind.kind == .ytd, let finding = exactFinding(ctx, rd, f, ind, x, t, exactBand: exactBand, pace: pace, tally: &tally, slot: sExact) {
                            out.append(finding)
                        }
                    }
                    guard withTarget > 0 else { continue }
                    guard justAbove.count >= minBunched, Double(justAbove.count) >= factor * Double(justBelow + 1) else { continue }
                    let units = justAbove.map { figs[$0].unit }
                    let names = units.prefix(5).map { ctx.name(of: $0) ?? $0.rawValue }.joined(separator: "、")
                    out.append(ctx.finding(Self.bunching, unit: ctx.tree.commonAncestor(of: units) ?? units.first, indicator: ind.id, message: Message(
                        zh: "\(withTarget) 个有目标的\(level.chinese)中，\(justAbove.count) 个的\(ind.name)刚好达到或略超年度目标（完成率 100%–\(shortestDecimal(100 * (1 + band)))%：\(names)\(units.count > 5 ? "等" : "")），而刚好差一点（\(shortestDecimal(100 * (1 - band)))%–100%）的只有 \(justBelow) 个：真实数据在目标两侧应差不多，请核实是否凑数达标",
                        en: "\(justAbove.count) of \(withTarget) units with a target have \(ind.englishName) just at or above it (100–\(shortestDecimal(100 * (1 + band)))%) and only \(justBelow) just below: honest figures fall on both sides")))
                }
            }
            // One value pasted across a group's units.
            for group in ctx.peerGroups(at: level) {
                var values: [Double] = []
                var counted = false
                for ind in amounts {
                    values.removeAll(keepingCapacity: true)
                    for k in group { if let x = rd.now(figs[k], ind.id), x != 0 { values.append(x) } }
                    let seen = values.count
                    guard seen >= minPasted else { continue }
                    if !counted { pastedUnits += group.count; counted = true }
                    // The value most units share, if any holds a majority (Boyer–Moore: one pass, no hashing
                    // — a province has half a million units), then how many hold it.
                    var candidate = values[0], votes = 0
                    for x in values { if votes == 0 { candidate = x; votes = 1 } else if x == candidate { votes += 1 } else { votes -= 1 } }
                    let value = candidate, n = values.reduce(0) { $0 + ($1 == candidate ? 1 : 0) }
                    guard n >= minPasted, Double(n) >= share * Double(seen), abs(value) >= steps * pow(10, -Double(ind.decimals)) - 1e-9,
                          let scope = ctx.peerScope(of: figs[group[0]].unit) else { continue }
                    out.append(ctx.finding(Self.pasted, unit: scope, indicator: ind.id, value: value, message: Message(
                        zh: "\(seen) 个\(level.chinese)中有 \(n) 个的\(ind.name)都是 \(figure(value, ind))\(ind.unit)：各单位的实际数不会完全相同，请核实是否把同一个数（上级合计、模板数）填到了每个单位",
                        en: "\(n) of \(seen) units report \(ind.englishName) as exactly \(figure(value, ind)): one number pasted into every unit?")))
                }
            }
        }
        return out
    }

    /// A year-end figure within `exactBand` above its target whose last increase is `pace` times the
    /// year's earlier average, and whose earlier pace would have ended well short (below 90 %).
    func exactFinding(_ ctx: CheckContext, _ rd: FigureReader, _ f: UnitFigures, _ ind: Indicator, _ x: Double, _ t: Double,
                      exactBand: Double, pace: Double, tally: inout UnitCounter, slot: UnitCounter.Slot) -> Finding? {
        let periods = ctx.period.kind.perYear
        guard periods > 1, let last = rd.before(f, ind.id, 1), ctx.period.previous.year == ctx.period.year else { return nil }
        tally.add(slot, evaluated: 1)
        let r = x / t
        guard r >= 1 - 1e-9, r < 1 + exactBand else { return nil }
        let earlierPeriods = periods - 1
        let earlierAverage = last / Double(earlierPeriods)
        let increase = x - last
        let projected = last + earlierAverage
        guard increase > 0, earlierAverage >= 0, increase >= pace * max(earlierAverage, 1e-9), projected < 0.9 * t else { return nil }
        return ctx.finding(Self.exact, unit: f.unit, sub: ctx.submissions[f.s], indicator: ind.id, value: x, expected: t, message: Message(
            zh: "\(ind.name)年末累计 \(figure(x, ind))\(ind.unit)，恰好完成年度目标 \(figure(t, ind))\(ind.unit)；本期新增 \(figure(increase, ind))\(ind.unit)，是此前各期平均每期 \(figure(earlierAverage, ind))\(ind.unit)的 \(String(format: "%.1f", increase / max(earlierAverage, 1e-9))) 倍（按此前进度年末只能到 \(String(format: "%.0f", 100 * projected / t))%）：请核实",
            en: "\(ind.englishName) ends the year at \(figure(x, ind)), exactly its target \(figure(t, ind)); this period added \(figure(increase, ind)), \(String(format: "%.1f", increase / max(earlierAverage, 1e-9))) times the earlier average \(figure(earlierAverage, ind)) (that pace would have reached \(String(format: "%.0f", 100 * projected / t))%)"),
            source: rd.source(f, ind.id))
    }
}
