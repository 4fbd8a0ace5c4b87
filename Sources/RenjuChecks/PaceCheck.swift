import Foundation
import RenjuModel
import RenjuReference

/// `outlier.ytd_pace`: a year-to-date figure whose increase this period is far beyond the pace
/// of the unit's own earlier periods this year, and out of line with its peers' pace.
public struct PaceCheck: Check {
    public static let id = RuleID(.outlier, "ytd_pace")
    public init() {}
    public static let factor = RuleParameter("factor", default: 3, range: 1...1_000,
        Message(zh: "本期增量是本年此前平均增量的倍数阈值", en: "this period's increase over the year's earlier average increase"))
    public static let threshold = RuleParameter("threshold", default: 3.5, range: 0.5...1_000,
        Message(zh: "与同县同级单位比较的稳健 Z 分数阈值", en: "robust z-score of the pace against the peers'"))
    public static let minSteps = RuleParameter("min_steps", default: 5, range: 1...1_000_000,
        Message(zh: "此前平均增量至少为末位单位的倍数（太小的数不检验）", en: "smallest earlier average increase, in units of the last decimal"))
    public static let minUnits = RuleParameter("min_units", default: 8, range: 3...1_000_000, wholeNumber: true,
        Message(zh: "同组单位少于此数不检验", en: "fewest peer units for the test"))
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.id, .warning, Message(zh: "本年累计的本期增量远超本年进度", en: "Year-to-date increase far beyond the year's pace"),
                        parameters: [Self.factor, Self.threshold, Self.minSteps, Self.minUnits])]
    }
    public var explanation: Message {
        Message(zh: "本年累计指标（如新增绿地面积）本期新增量与本年此前各期平均新增量之比（进度倍数），与同县同级单位比较：倍数大且稳健 Z 分数高的，可能是集中突击虚报。",
                en: "For year-to-date figures, this period's increase divided by the average increase of the year's earlier periods, compared with the peers' pace.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        let rd = ctx.figures
        let factor = ctx.reference.checks.value(Self.factor, of: Self.id)
        let threshold = ctx.reference.checks.value(Self.threshold, of: Self.id)
        let minSteps = ctx.reference.checks.value(Self.minSteps, of: Self.id)
        let minUnits = Int(ctx.reference.checks.value(Self.minUnits, of: Self.id))
        var tally = UnitCounter()
        let slot = tally.slot(Self.id)
        defer { ctx.tally.add(tally) }
        // The earlier periods of the year, oldest first (none in the year's first period).
        var earlier: [Period] = []
        var p = ctx.period.previous
        while p.year == ctx.period.year && p.kind == ctx.period.kind && p.kind != .year { earlier.insert(p, at: 0); p = p.previous }
        guard !earlier.isEmpty else { return [] }
        var out: [Finding] = []
        let earlierValues = earlier.map { ctx.history[$0] ?? PeriodValues() }
        for (level, allUnits) in ctx.unitsByLevel {
            var tested = Set<Int>()
            let figs = UnitFigures.all(ctx, level, allUnits)
            let earlierRows = earlierValues.map { pv in pv.rows(of: allUnits.lazy.map(\.unit)) }
            for ind in ctx.catalog.indicators where ind.kind == .ytd {
                let earlierCols = earlierValues.map { $0.column(for: ind.id) }
                let step = pow(10, -Double(ind.decimals))
                for group in ctx.peerGroups(at: level) {
                    var members: [(k: Int, pace: Double, inc: Double, base: Double)] = []
                    for k in group {
                        let f = figs[k]
                        guard let cur = rd.now(f, ind.id) else { continue }
                        var vs: [Double] = []
                        for (j, pv) in earlierValues.enumerated() {
                            guard let v = pv.value(row: earlierRows[j][k], column: earlierCols[j]) else { break }
                            vs.append(v)
                        }
                        guard vs.count == earlierValues.count else { continue }
                        var incs: [Double] = []
                        var last = 0.0
                        for v in vs { incs.append(v - last); last = v }
                        let base = incs.reduce(0, +) / Double(incs.count)
                        guard base >= minSteps * step else { continue }
                        let inc = cur - last
                        members.append((k, inc / base, inc, base))
                    }
                    let positive = members.filter { $0.pace > 0 }
                    guard positive.count >= minUnits, let (m, s) = Robust.center(positive.map { log($0.pace) }) else { continue }
                    for mb in members { tested.insert(mb.k) }
                    let scale = max(s, 0.1)
                    for mb in positive {
                        let z = (log(mb.pace) - m) / scale
                        guard mb.pace >= factor, z >= threshold else { continue }
                        let u = allUnits[mb.k]
                        let sub = ctx.submissions[u.submission]
                        out += [ctx.finding(Self.id, unit: u.unit, sub: sub, indicator: ind.id, value: rounded(mb.inc, ind.decimals),
                                            expected: rounded(mb.base, ind.decimals), message: Message(
                            zh: "本期新增\(ind.name) \(figure(mb.inc, ind))\(ind.unit)，是本年此前平均每期新增 \(figure(mb.base, ind))\(ind.unit) 的 \(String(format: "%.1f", mb.pace)) 倍；同县 \(positive.count) 个\(level.chinese)的中位倍数为 \(String(format: "%.1f", exp(m)))（稳健 Z 分数 \(String(format: "%.1f", z))）：请核实是否集中填报",
                            en: "\(ind.englishName) rose by \(figure(mb.inc, ind)) this period, \(String(format: "%.1f", mb.pace)) times the year's earlier average increase of \(figure(mb.base, ind)); the peers' median pace is \(String(format: "%.1f", exp(m))) (robust z \(String(format: "%.1f", z)))"),
                            source: sub.values.observation(u.unit, ind.id)?.source)]
                    }
                }
            }
            tally.add(slot, evaluated: tested.count, skipped: allUnits.count - tested.count)
        }
        return out
    }
}
