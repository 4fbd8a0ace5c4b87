import Foundation
import RenjuModel
import RenjuReference

/// `outlier.hb`: Hidiroglou–Berthelot on period-to-period ratios of every flow and of year-to-date
/// increments, per indicator, across the peer units of one level under the same county.
public struct HBCheck: Check {
    public var cost: CheckCost { .large }
    public static let id = RuleID(.outlier, "hb")
    /// The same test on year-to-date increments: its own rule, so that its severity can differ
    /// (quarterly increments of cumulative amounts are lumpy by nature: info by default).
    public static let ytdID = RuleID(.outlier, "hb_ytd")
    public init() {}
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.id, .warning, Message(zh: "与上期相比变动异常（HB 检验）", en: "Unusual change from last period (Hidiroglou–Berthelot)"),
                        parameters: Self.parameters),
         RuleDescriptor(Self.ytdID, .info, Message(zh: "本期新增量与上期新增量相比异常（HB 检验）", en: "Unusual year-to-date increment (Hidiroglou–Berthelot)"),
                        parameters: Self.parameters)]
    }
    public static let u = RuleParameter("U", default: 0.5, range: 0...1, Message(zh: "规模权重指数 U（0–1）", en: "size exponent U (0–1)"))
    public static let a = RuleParameter("A", default: 0.05, range: 0...1_000_000, Message(zh: "防止小偏差被放大的常数 A", en: "constant A keeping small deviations small"))
    public static let c = RuleParameter("C", default: 4, range: 0.5...1_000, Message(zh: "四分位距的倍数 C", en: "multiple C of the quartile distances"))
    public static let minUnits = RuleParameter("min_units", default: 5, range: 3...1_000_000, wholeNumber: true,
                                               Message(zh: "同级单位少于此数不检验", en: "fewest peer units for the test"))
    public static let minChange = RuleParameter("min_change", default: 0.2, range: 0...10,
        Message(zh: "重要性：与同级中位比值至少相差的比例（0.2 即 20%）；同级比值很集中时，HB 区间很窄，3% 的变动也会显得“异常”，变动须足够大才提示",
                en: "materiality: how far (a fraction) the ratio must be from the peers' median ratio; with tight ratios HB's interval is narrow, and a 3 % change is improbable without mattering"))
    public static let minSteps = RuleParameter("min_steps", default: 10, range: 0...1_000_000,
        Message(zh: "重要性：与“上期 × 中位比值”至少相差多少个末位单位（吨保留 1 位小数：10 即 1 吨；户：10 户）",
                en: "materiality: how many units of the last decimal the figure must be from last period's × the median ratio (tonnes to 0.1: 10 is 1 t; households: 10)"))
    static var parameters: [RuleParameter] { [u, a, c, minUnits, minChange, minSteps] }
    static func test(_ ctx: CheckContext, _ id: RuleID, _ ind: Indicator? = nil) -> HidiroglouBerthelot {
        let v = { (p: RuleParameter) in ctx.reference.checks.value(p, of: id) }
        let step = ind.map { pow(10, -Double($0.decimals)) } ?? 0
        return HidiroglouBerthelot(u: v(u), a: v(a), c: v(c), minUnits: Int(v(minUnits)), minRelative: v(minChange), minAbsolute: v(minSteps) * step)
    }
    public var explanation: Message {
        Message(zh: "对当期量和本年累计的本期增量，计算各单位本期与上期的比值，以同级单位比值的中位数为基准，结合规模（HB 检验）找出变动异常的单位。",
                en: "Ratios of this period to the last (flows, and year-to-date increments), compared with the peers' median ratio and weighted by size.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        // One test an indicator: the materiality floor is in the indicator's own units.
        let tests = Dictionary(ctx.catalog.indicators.map { ind in (ind.id, (Self.test(ctx, Self.id, ind), Self.test(ctx, Self.ytdID, ind))) },
                               uniquingKeysWith: { a, _ in a })
        var out: [Finding] = []
        let prev = ctx.period.previous
        // Year-to-date amounts are increments within the year: the first quarter's is the amount itself.
        let nowIsFirst = prev.year != ctx.period.year, prevIsFirst = prev.previous.year != prev.year
        var tally = UnitCounter()
        let slotFlows = tally.slot(Self.id), slotIncrements = tally.slot(Self.ytdID)
        defer { ctx.tally.add(tally) }
        let rd = ctx.figures
        // Peers: the units of one level under the same county (not every county of the input).
        for (level, allUnits) in ctx.unitsByLevel {
          let index = ctx.levelIndex(at: level)
          for group in ctx.peerGroups(at: level) {
            let units = group.map { allUnits[$0] }
            // Units a test ran on (a unit without last period's figures, or among too few peers, is skipped).
            var testedFlow = Array(repeating: false, count: units.count), testedYTD = testedFlow
            defer {
                let f = testedFlow.filter { $0 }.count, y = testedYTD.filter { $0 }.count
                tally.add(slotFlows, evaluated: f, skipped: units.count - f)
                tally.add(slotIncrements, evaluated: y, skipped: units.count - y)
            }
            // Each unit's rows in its submission and in the two periods before, resolved once for every check.
            let figs = group.map { UnitFigures(allUnits[$0], index, $0) }
            for ind in ctx.catalog.indicators where ind.kind == .flow || ind.kind == .ytd {
                let isYTD = ind.kind == .ytd
                var members: [(UnitCode, Int)] = []
                var memberIndex: [Int] = []
                var pairs: [(current: Double, previous: Double)] = []
                // A seasonal flow (garbage around the Spring Festival) is judged against the same
                // period a year earlier (同比) when most of the group has it; else the period before.
                let back = Self.base(for: ind, figs, rd, ctx.period)
                for (k, (u, i)) in units.enumerated() {
                    guard let cur = rd.now(figs[k], ind.id), let last = rd.before(figs[k], ind.id, back) else { continue }
                    var now = cur, before = last
                    if isYTD {
                        if !nowIsFirst { now = cur - last }
                        if !prevIsFirst {
                            guard let e = rd.before(figs[k], ind.id, 2) else { continue }
                            before = last - e
                        }
                    }
                    members.append((u, i)); pairs.append((now, before)); memberIndex.append(k)
                }
                let rule = ind.kind == .ytd ? Self.ytdID : Self.id
                guard let test = tests[ind.id], let summary = (ind.kind == .ytd ? test.1 : test.0).run(pairs) else { continue }
                if isYTD { for k in memberIndex { testedYTD[k] = true } } else { for k in memberIndex { testedFlow[k] = true } }
                let what = ind.kind == .ytd ? "本期新增的\(ind.name)" : ind.name
                let whatEn = ind.kind == .ytd ? "the increase of \(ind.englishName) this period" : ind.englishName
                for r in summary.outliers {
                    let (u, i) = members[r.index]
                    let sub = ctx.submissions[i]
                    let (now, before) = pairs[r.index]
                    let basePeriod = ctx.period.back(back)
                    let last = "\(back == 1 ? "上期" : "去年同期")（\(basePeriod)）\(figure(before, ind))\(ind.unit)"
                    let change: String
                    if r.ratio >= 2 { change = "是\(last)的 \(String(format: "%.1f", r.ratio)) 倍" }
                    else if r.ratio <= 0.5 { change = "只有\(last)的 \(String(format: "%.0f", r.ratio * 100))%" }
                    else { change = "比\(last)\(r.ratio >= 1 ? "增加" : "减少") \(String(format: "%.1f", abs(r.ratio - 1) * 100))%" }
                    out += [ctx.finding(rule, unit: u, sub: sub, indicator: ind.id, value: now, expected: before, message: Message(
                        zh: "\(what) \(figure(now, ind))\(ind.unit)，\(change)；同级 \(summary.results.count) 个\(level.chinese)的中位比值为 \(String(format: "%.2f", summary.medianRatio))（HB 检验异常）：请核实",
                        en: "\(whatEn) is \(figure(now, ind)), \(String(format: "%.2f", r.ratio)) times \(back == 1 ? "last period's" : "the same period a year earlier's") (\(basePeriod)) \(figure(before, ind)); the median ratio of \(summary.results.count) peer units is \(String(format: "%.2f", summary.medianRatio)) (Hidiroglou–Berthelot outlier)"),
                        source: sub.values.observation(u, ind.id)?.source)]
                }
            }
          }
        }
        return Self.mergeRelated(out, ctx.catalog)
    }

    /// A unit's findings on indicators that move together (`related:` in indicators.yaml: the
    /// garbage generated, collected and treated) become one, naming all — one change, not three.
    static func mergeRelated(_ findings: [Finding], _ catalog: Catalog) -> [Finding] {
        guard !catalog.related.isEmpty else { return findings }
        var out: [Finding] = []
        var at: [String: Int] = [:]
        var names: [Int: [Finding]] = [:]
        for f in findings {
            guard let i = f.indicator, let g = catalog.relatedGroup(of: i), let u = f.unit else { out.append(f); continue }
            let key = "\(u)|\(f.rule)|\(g)"
            if let k = at[key] { names[k, default: []].append(f); continue }
            at[key] = out.count
            out.append(f)
        }
        for (k, others) in names.sorted(by: { $0.key < $1.key }) {
            var f = out[k]
            let zh = others.map { o -> String in
                let ind = o.indicator.flatMap { catalog[$0] }
                return "\(ind?.name ?? "")\(o.value.map { " " + figure($0, ind) + (ind?.unit ?? "") } ?? "")"
            }
            let en = others.map { o in "\(o.indicator.flatMap { catalog[$0]?.englishName } ?? "")\(o.value.map { " " + figure($0, o.indicator.flatMap { catalog[$0] }) } ?? "")" }
            f.message = Message(zh: f.message.zh + "；同组的\(zh.joined(separator: "、"))也一同异常（一处变动，合并为一条）",
                                en: f.message.en + "; the related \(en.joined(separator: ", ")) moved with it (one change, one finding)")
            out[k] = f
        }
        return out
    }

    /// How many periods back a flow's ratio looks: a year (the same period a year earlier) for a
    /// seasonal flow of a month, quarter or half-year when at least half of the units with this
    /// period's figure have that one; else 1.
    static func base(for ind: Indicator, _ figs: [UnitFigures], _ rd: FigureReader, _ period: Period) -> Int {
        let year = period.kind.perYear
        guard ind.seasonal, ind.kind == .flow, year > 1, rd.history[period.back(year)] != nil else { return 1 }
        var now = 0, then = 0
        for f in figs where rd.now(f, ind.id) != nil {
            now += 1
            if rd.before(f, ind.id, year) != nil { then += 1 }
        }
        return now > 0 && 2 * then >= now ? year : 1
    }
}
