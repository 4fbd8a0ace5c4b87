import Foundation
import RenjuModel
import RenjuReference

// Detectors of consistent fabrication: figures that satisfy every identity but are implausible
// against the unit's size, its own history or its peers. Each reports a warning with the numbers
// that make it so; parameters are in rules.yaml.

/// Robust location and scale: the median and the MAD scaled to a standard deviation (× 1.4826).
enum Robust {
    static func center(_ xs: [Double]) -> (median: Double, scale: Double)? {
        guard let m = OrderStatistics.median(xs), let mad = OrderStatistics.median(xs.map { abs($0 - m) }) else { return nil }
        return (m, mad * 1.4826)
    }

    /// The upper tail P(X ≥ k) of a binomial(n, p), in log space (no overflow at n in the thousands).
    static func binomialTail(_ k: Int, _ n: Int, _ p: Double) -> Double {
        guard k > 0 else { return 1 }
        guard k <= n, p > 0 else { return 0 }
        guard p < 1 else { return 1 }
        let lp = log(p), lq = log(1 - p)
        var total = 0.0
        for j in k...n {
            let l = lgamma(Double(n + 1)) - lgamma(Double(j + 1)) - lgamma(Double(n - j + 1)) + Double(j) * lp + Double(n - j) * lq
            total += exp(l)
        }
        return min(1, total)
    }
}

/// Where one unit's figures are, in the checked period and the two before it: indices only, so
/// that making one for each of half a million units copies nothing (a `Submission` or the context
/// copied per unit cost more than the checks).
struct UnitFigures {
    let unit: UnitCode
    /// The unit's submission (an index into the context's).
    let s: Int
    let row: Int?
    let prevRow: Int?
    let earlierRow: Int?

    init(_ ctx: CheckContext, _ u: (unit: UnitCode, submission: Int)) {
        unit = u.unit; s = u.submission
        row = ctx.submissions[u.submission].values.row(of: u.unit)
        prevRow = ctx.previousValues.row(of: u.unit)
        earlierRow = ctx.earlierValues.row(of: u.unit)
    }

    /// The k-th unit of a level, from the level's index (no lookups).
    init(_ u: (unit: UnitCode, submission: Int), _ index: LevelIndex, _ k: Int) {
        unit = u.unit; s = u.submission
        row = index.rows[k]; prevRow = index.prevRows[k]; earlierRow = index.earlierRows[k]
    }

    /// Every unit of a level.
    static func all(_ ctx: CheckContext, _ level: Level, _ units: [(unit: UnitCode, submission: Int)]) -> [UnitFigures] {
        let index = ctx.levelIndex(at: level)
        return units.indices.map { UnitFigures(units[$0], index, $0) }
    }

}

/// Reads figures by column for `UnitFigures`: each submission's column of each indicator (by the
/// indicator's slot), and the previous periods' columns, resolved once for every check.
struct FigureReader: Sendable {
    let subs: [Submission]
    /// Each submission's figures, held apart: reading `subs[i].values` copied them on every call.
    let values: [PeriodValues]
    let prev: PeriodValues
    let earlier: PeriodValues
    let history: Dataset
    let period: Period
    /// [slot][submission] → column.
    let subCols: [[Int?]]
    /// [slot][submission] → the column's entries (read without a call or a copy per figure).
    let subData: [[[Double]]]
    /// [slot] → the previous and the earlier period's column entries.
    let prevData: [[Double]]
    let earlierData: [[Double]]
    let prevCols: [Int?]
    let earlierCols: [Int?]

    init(_ ctx: CheckContext) {
        subs = ctx.submissions; values = ctx.submissions.map(\.values); prev = ctx.previousValues; earlier = ctx.earlierValues; history = ctx.history; period = ctx.period
        let ids = ctx.catalog.indicators.map(\.id)
        let n = (ids.map { Int($0.slot) }.max() ?? -1) + 1
        var sc = Array(repeating: [Int?](), count: n), pc = Array(repeating: Int?.none, count: n), ec = pc
        for id in ids {
            let k = Int(id.slot)
            sc[k] = ctx.submissions.map { $0.values.column(for: id) }
            pc[k] = ctx.previousValues.column(for: id); ec[k] = ctx.earlierValues.column(for: id)
        }
        subCols = sc; prevCols = pc; earlierCols = ec
        let vals = values
        subData = sc.map { cols in cols.isEmpty ? [] : cols.enumerated().map { i, c in c.map { vals[i].columnValues($0) } ?? [] } }
        let p = ctx.previousValues, e = ctx.earlierValues
        prevData = pc.map { c in c.map { p.columnValues($0) } ?? [] }
        earlierData = ec.map { c in c.map { e.columnValues($0) } ?? [] }
    }

    @inline(__always) func now(_ f: UnitFigures, _ id: IndicatorID) -> Double? {
        let k = Int(id.slot)
        guard k >= 0, k < subData.count, let r = f.row else { return nil }
        return subData[k].withUnsafeBufferPointer { bySub -> Double? in
            guard f.s < bySub.count else { return nil }
            return bySub[f.s].withUnsafeBufferPointer { col in r < col.count ? PeriodValues.figure(col[r]) : nil }
        }
    }

    /// The figure `back` periods before the checked one (1: the previous period).
    @inline(__always) func before(_ f: UnitFigures, _ id: IndicatorID, _ back: Int) -> Double? {
        let k = Int(id.slot)
        guard k >= 0, k < prevCols.count else { return nil }
        switch back {
        case 1:
            guard let r = f.prevRow else { return nil }
            return prevData.withUnsafeBufferPointer { d in d[k].withUnsafeBufferPointer { col in r < col.count ? PeriodValues.figure(col[r]) : nil } }
        case 2:
            guard let r = f.earlierRow else { return nil }
            return earlierData.withUnsafeBufferPointer { d in d[k].withUnsafeBufferPointer { col in r < col.count ? PeriodValues.figure(col[r]) : nil } }
        default:
            var p = period
            for _ in 0..<back { p = p.previous }
            return history[p]?[f.unit, id]
        }
    }

    func source(_ f: UnitFigures, _ id: IndicatorID) -> SourceRef? { subs[f.s].values.observation(f.unit, id)?.source }
}

extension CheckContext {
    /// The figure reader, built once for every check.
    var figures: FigureReader { shared.reader { FigureReader(self) } }
}

/// `outlier.ratio`: the ratios of `ratios.yaml` (garbage per household, cleaners per 100
/// households …) against the same level's units under the same county, by a robust z-score of the
/// log ratio; flagged when both far (z) and large (a factor from the peers' median).
public struct RatioCheck: Check {
    public static let id = RuleID(.outlier, "ratio")
    public init() {}
    public static let threshold = RuleParameter("threshold", default: 5, range: 1...1_000,
        Message(zh: "对数比值的稳健 Z 分数阈值", en: "robust z-score of the log ratio above which a unit is flagged"))
    public static let factor = RuleParameter("factor", default: 2.5, range: 1...1_000,
        Message(zh: "与同级中位数相差的最小倍数", en: "smallest factor from the peers' median"))
    public static let minUnits = RuleParameter("min_units", default: 8, range: 3...1_000_000, wholeNumber: true,
        Message(zh: "同组单位少于此数不检验", en: "fewest peer units for the test"))
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.id, .warning, Message(zh: "比值（如户均垃圾量）远离同县同级单位", en: "Ratio (per household …) far from the peers'"),
                        parameters: [Self.threshold, Self.factor, Self.minUnits])]
    }
    public var explanation: Message {
        Message(zh: "按 ratios.yaml 中的比值（户均生活垃圾量、每百户保洁员等），与同县同级单位比较：对数比值的稳健 Z 分数超过阈值、且是中位数的若干倍的，可能是单位错填或虚报。",
                en: "The ratios of ratios.yaml (garbage per household, cleaners per 100 households …) against the same level's units of the county: a robust z-score of the log ratio above the threshold and a factor from the median.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        let rd = ctx.figures
        let ratios = ctx.reference.ratios
        guard !ratios.isEmpty else { return [] }
        let threshold = ctx.reference.checks.value(Self.threshold, of: Self.id)
        let factor = log(ctx.reference.checks.value(Self.factor, of: Self.id))
        let minUnits = Int(ctx.reference.checks.value(Self.minUnits, of: Self.id))
        var out: [Finding] = []
        var tally = UnitCounter()
        let slot = tally.slot(Self.id)
        defer { ctx.tally.add(tally) }
        for (level, allUnits) in ctx.unitsByLevel {
            let mine = ratios.filter { $0.levels.contains(level) }
            guard !mine.isEmpty else { continue }
            let figs = UnitFigures.all(ctx, level, allUnits)
            var tested = Set<Int>()
            for def in mine {
                let groups: [[Int]]
                switch def.peers {
                case .all: groups = [Array(allUnits.indices)]
                case .county: groups = ctx.peerGroups(at: level)
                case .township:
                    var g: [UnitCode?: [Int]] = [:]
                    for (k, u) in allUnits.enumerated() { g[ctx.reference.tree.parent(of: u.unit), default: []].append(k) }
                    groups = g.keys.sorted { ($0?.rawValue ?? "") < ($1?.rawValue ?? "") }.map { g[$0] ?? [] }
                }
                let num = ctx.catalog[def.numerator], den = ctx.catalog[def.denominator]
                for group in groups {
                    var members: [(k: Int, x: Double, n: Double, d: Double)] = []
                    for k in group {
                        let f = figs[k]
                        guard let n = rd.now(f, def.numerator), let d = rd.now(f, def.denominator), n > 0, d > 0 else { continue }
                        members.append((k, log(n / d), n, d))
                    }
                    guard members.count >= minUnits, let (m, s) = Robust.center(members.map(\.x)) else { continue }
                    for mb in members { tested.insert(mb.k) }
                    let scale = max(s, 0.05)  // a spread under 5 % is treated as 5 %
                    for mb in members {
                        let z = (mb.x - m) / scale
                        guard abs(z) >= threshold, abs(mb.x - m) >= factor else { continue }
                        let u = allUnits[mb.k]
                        let sub = ctx.submissions[u.submission]
                        let value = exp(mb.x) * def.scale, median = exp(m) * def.scale
                        let times = exp(abs(mb.x - m))
                        let rel = mb.x > m ? "是中位数的 \(String(format: "%.1f", times)) 倍" : "只有中位数的 \(String(format: "%.0f", 100 / times))%"
                        let relEn = mb.x > m ? "\(String(format: "%.1f", times)) times" : "\(String(format: "%.0f", 100 / times)) % of"
                        out += [ctx.finding(Self.id, .warning, unit: u.unit, sub: sub, indicator: def.numerator, value: rounded(value, 2), expected: rounded(median, 2), message: Message(
                            zh: "\(def.name) \(String(format: "%.2f", value))\(def.unit)（\(num?.name ?? def.numerator.rawValue) \(figure(mb.n, num)) ÷ \(den?.name ?? def.denominator.rawValue) \(figure(mb.d, den))），\(rel)（同县 \(members.count) 个\(level.chinese)中位数 \(String(format: "%.2f", median))，稳健 Z 分数 \(String(format: "%.1f", z))）：请核实\(num?.name ?? "")的单位和口径",
                            en: "\(def.englishName) \(String(format: "%.2f", value)) \(def.unit) is \(relEn) the median \(String(format: "%.2f", median)) of \(members.count) peer units in the county (robust z \(String(format: "%.1f", z))): check the unit of \(num?.englishName ?? def.numerator.rawValue)"),
                            source: sub.values.observation(u.unit, def.numerator)?.source)].compactMap { $0 }
                    }
                }
            }
            tally.add(slot, evaluated: tested.count, skipped: allUnits.count - tested.count)
        }
        return out
    }
}

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
            let earlierRows = earlierValues.map { pv in allUnits.map { pv.row(of: $0.unit) } }
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
                        out += [ctx.finding(Self.id, .warning, unit: u.unit, sub: sub, indicator: ind.id, value: rounded(mb.inc, ind.decimals),
                                            expected: rounded(mb.base, ind.decimals), message: Message(
                            zh: "本期新增\(ind.name) \(figure(mb.inc, ind))\(ind.unit)，是本年此前平均每期新增 \(figure(mb.base, ind))\(ind.unit) 的 \(String(format: "%.1f", mb.pace)) 倍；同县 \(positive.count) 个\(level.chinese)的中位倍数为 \(String(format: "%.1f", exp(m)))（稳健 Z 分数 \(String(format: "%.1f", z))）：请核实是否集中填报",
                            en: "\(ind.englishName) rose by \(figure(mb.inc, ind)) this period, \(String(format: "%.1f", mb.pace)) times the year's earlier average increase of \(figure(mb.base, ind)); the peers' median pace is \(String(format: "%.1f", exp(m))) (robust z \(String(format: "%.1f", z)))"),
                            source: sub.values.observation(u.unit, ind.id)?.source)].compactMap { $0 }
                    }
                }
            }
            tally.add(slot, evaluated: tested.count, skipped: allUnits.count - tested.count)
        }
        return out
    }
}

/// Copies in time: `temporal.flows_repeated` — flows exactly equal to last period's where the
/// unit's own earlier changes make that improbable; `temporal.frozen` — stocks unchanged for
/// several periods while the unit's flows move.
public struct RepeatCheck: Check {
    public static let repeated = RuleID(.temporal, "flows_repeated")
    public static let frozen = RuleID(.temporal, "frozen")
    public init() {}
    public static let minFlows = RuleParameter("min_flows", default: 2, range: 1...100, wholeNumber: true,
        Message(zh: "与上期完全相同的非零当期量至少几个", en: "fewest non-zero flows equal to last period's"))
    public static let maxProbability = RuleParameter("max_probability", default: 0.001, range: 0...1,
        Message(zh: "按该单位以往变动估计的“碰巧相同”概率低于此值才提示", en: "flag only when the chance of so many equal flows, from the unit's earlier changes, is below this"))
    public static let periods = RuleParameter("periods", default: 3, range: 2...12, wholeNumber: true,
        Message(zh: "连续几期（含本期）数值完全不变", en: "periods (this one included) with the same stocks"))
    public static let share = RuleParameter("share", default: 0.8, range: 0...1,
        Message(zh: "不变的非零存量指标所占比例", en: "share of the non-zero stocks that stayed the same"))
    public static let minStocks = RuleParameter("min_stocks", default: 5, range: 1...100, wholeNumber: true,
        Message(zh: "非零存量指标少于此数不检验", en: "fewest non-zero stocks for the test"))
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.repeated, .warning, Message(zh: "当期量与上期完全相同", en: "Flows identical to last period's"),
                        parameters: [Self.minFlows, Self.maxProbability]),
         RuleDescriptor(Self.frozen, .warning, Message(zh: "存量指标连续多期一成不变", en: "Stocks frozen for several periods"),
                        parameters: [Self.periods, Self.share, Self.minStocks])]
    }
    public var explanation: Message {
        Message(zh: "当期量（如垃圾产生、收运、处理量）与上期完全相同、而该单位以往各期都有变动的，可能照抄上期；存量指标连续多期完全不变、而当期量在变的，可能未实际统计。",
                en: "Flows identical to last period's although the unit's flows changed every earlier period (copied forward); stocks unchanged for several periods while flows move (not counted).")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        let rd = ctx.figures
        let settings = ctx.reference.checks
        let minFlows = Int(settings.value(Self.minFlows, of: Self.repeated)), maxP = settings.value(Self.maxProbability, of: Self.repeated)
        let nPeriods = Int(settings.value(Self.periods, of: Self.frozen)), share = settings.value(Self.share, of: Self.frozen)
        let minStocks = Int(settings.value(Self.minStocks, of: Self.frozen))
        let flows = ctx.catalog.indicators.filter { $0.kind == .flow }
        let stocks = ctx.catalog.indicators.filter { if case .stock = $0.kind { return true }; return false }
        var tally = UnitCounter()
        let sRepeat = tally.slot(Self.repeated), sFrozen = tally.slot(Self.frozen)
        defer { ctx.tally.add(tally) }
        var out: [Finding] = []
        for (level, units) in ctx.unitsByLevel {
            let figs = UnitFigures.all(ctx, level, units)
            for (k, u) in units.enumerated() {
                let f = figs[k]
                // Flows equal to last period's, and how likely that is from the unit's own changes.
                var equal: [(Indicator, Double, Double)] = []
                var judged = false
                for ind in flows {
                    guard let now = rd.now(f, ind.id), now != 0, let last = rd.before(f, ind.id, 1) else { continue }
                    judged = true
                    guard now == last else { continue }
                    let step = pow(10, -Double(ind.decimals))
                    var changes: [Double] = []
                    for back in 1..<4 {
                        guard let a = rd.before(f, ind.id, back), let b = rd.before(f, ind.id, back + 1) else { break }
                        changes.append(abs(a - b) / step)
                    }
                    guard !changes.isEmpty else { continue }
                    let typical = changes.reduce(0, +) / Double(changes.count)
                    equal.append((ind, now, 1 / (2 * max(typical, 0.5) + 1)))
                }
                if judged { tally.ran(sRepeat) } else { tally.missing(sRepeat) }
                let chance = equal.map(\.2).reduce(1, *)
                if equal.count >= minFlows, chance <= maxP, let first = equal.first {
                    let list = equal.map { "\($0.0.name) \(figure($0.1, $0.0))\($0.0.unit)" }.joined(separator: "、")
                    let listEn = equal.map { "\($0.0.englishName) \(figure($0.1, $0.0))" }.joined(separator: ", ")
                    out += [ctx.finding(Self.repeated, .warning, unit: u.unit, sub: ctx.submissions[f.s], indicator: first.0.id, value: first.1, expected: nil, message: Message(
                        zh: "\(list) 与上期（\(ctx.period.previous)）完全相同；该单位此前各期都有变动，同时相同的可能约为 \(Self.odds(chance))：请核实是否照抄上期",
                        en: "\(listEn) are exactly last period's (\(ctx.period.previous)); the unit's flows changed every earlier period — about \(Self.odds(chance)) by chance: copied forward?"),
                        source: rd.source(f, first.0.id))].compactMap { $0 }
                }
                // Stocks frozen for `nPeriods` periods while a flow moved.
                var nonzero = 0, same: [Indicator] = [], complete = true
                for ind in stocks {
                    guard let now = rd.now(f, ind.id), now != 0 else { continue }
                    nonzero += 1
                    var unchanged = true
                    for back in 1..<nPeriods {
                        guard let v = rd.before(f, ind.id, back) else { complete = false; unchanged = false; break }
                        if v != now { unchanged = false; break }
                    }
                    if unchanged { same.append(ind) }
                }
                guard nonzero >= minStocks, complete else { tally.missing(sFrozen); tally.next(); continue }
                tally.ran(sFrozen)
                let moving = flows.contains { ind in
                    guard let a = rd.now(f, ind.id), let b = rd.before(f, ind.id, 1) else { return false }
                    return a != b
                }
                if moving, Double(same.count) >= share * Double(nonzero) {
                    out += [ctx.finding(Self.frozen, .warning, unit: u.unit, sub: ctx.submissions[f.s], message: Message(
                        zh: "\(nonzero) 项非零存量指标中有 \(same.count) 项（\(same.prefix(4).map(\.name).joined(separator: "、"))\(same.count > 4 ? "等" : "")）连续 \(nPeriods) 期完全不变，而当期量在变：请核实是否沿用旧数",
                        en: "\(same.count) of \(nonzero) non-zero stocks (\(same.prefix(4).map(\.englishName).joined(separator: ", "))…) are unchanged for \(nPeriods) periods while the flows move: old figures carried forward?"),
                        source: u.unit == f.unit ? ctx.submissions[f.s].rows.first { $0.code == u.unit }?.source : nil)].compactMap { $0 }
                }
                tally.next()
            }
        }
        return out
    }

    static func odds(_ p: Double) -> String {
        p >= 0.01 ? String(format: "%.0f%%", p * 100) : "1/\(Int((1 / max(p, 1e-12)).rounded()))"
    }
}

/// Copies across units: `duplicate.uniform_rate` — every child of a unit (the villages of a
/// township) reporting one rate, within the rounding their integer parts allow;
/// `duplicate.uniform_gain` — every child reporting the same non-zero gain of a stock;
/// `duplicate.flows_copied` — two children with the same non-zero flows.
public struct UniformityCheck: Check {
    public static let rate = RuleID(.duplicate, "uniform_rate")
    public static let gain = RuleID(.duplicate, "uniform_gain")
    public static let flows = RuleID(.duplicate, "flows_copied")
    public init() {}
    public static let minUnits = RuleParameter("min_units", default: 5, range: 2...1_000, wholeNumber: true,
        Message(zh: "下级单位少于此数不检验", en: "fewest children for the test"))
    public static let minFlows = RuleParameter("min_flows", default: 2, range: 1...100, wholeNumber: true,
        Message(zh: "相同的非零当期量至少几个", en: "fewest equal non-zero flows"))
    public static let minSteps = RuleParameter("min_steps", default: 20, range: 1...1_000_000,
        Message(zh: "当期量至少为末位单位的倍数（太小的数相同不足为奇）", en: "smallest flow, in units of its last decimal (small values coincide by chance)"))
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.rate, .warning, Message(zh: "下级单位的比率全都相同", en: "Every child reports the same rate"), parameters: [Self.minUnits]),
         RuleDescriptor(Self.gain, .warning, Message(zh: "下级单位的增量全都相同", en: "Every child reports the same gain"), parameters: [Self.minUnits]),
         RuleDescriptor(Self.flows, .warning, Message(zh: "两个单位的当期量完全相同", en: "Two units with identical flows"), parameters: [Self.minFlows, Self.minSteps])]
    }
    public var explanation: Message {
        Message(zh: "同一乡镇各村的比率在整数户数允许的舍入范围内完全一致、或各村的增量完全相同，多是按同一比例或同一数字推算；两个村的多项当期量完全相同，多是互相抄填。",
                en: "One rate across a township's villages (within what rounding allows), one identical gain, or two villages with the same flows: figures derived from one number, or copied.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        let rd = ctx.figures
        let settings = ctx.reference.checks
        let minUnits = Int(settings.value(Self.minUnits, of: Self.rate)), minGain = Int(settings.value(Self.minUnits, of: Self.gain))
        let minFlows = Int(settings.value(Self.minFlows, of: Self.flows)), minSteps = settings.value(Self.minSteps, of: Self.flows)
        let tree = ctx.reference.tree
        var tally = UnitCounter()
        let sRate = tally.slot(Self.rate), sGain = tally.slot(Self.gain), sFlows = tally.slot(Self.flows)
        defer { ctx.tally.add(tally) }
        var out: [Finding] = []
        let flowIndicators = ctx.catalog.indicators.filter { $0.kind == .flow }
        let stocks = ctx.catalog.indicators.filter { if case .stock = $0.kind { return $0.integer }; return false }
        for (level, units) in ctx.unitsByLevel {
            // Children by parent, in input order.
            let index = ctx.levelIndex(at: level)
            let figs = UnitFigures.all(ctx, level, units)
            var children: [UnitCode: [Int]] = [:]
            var parents: [UnitCode] = []
            for k in units.indices {
                guard let p = index.parents[k] else { continue }
                if children[p] == nil { parents.append(p) }
                children[p, default: []].append(k)
            }
            for p in parents {
                guard let kids = children[p] else { continue }
                let figures = kids.map { figs[$0] }
                let sub = ctx.submissions[figures[0].s]
                let pname = tree.name(of: p) ?? p.rawValue
                // One rate.
                if kids.count >= minUnits {
                    tally.add(sRate, evaluated: 1)
                    for ind in ctx.catalog.rates {
                        guard case let .rate(n, d) = ind.kind, let numInd = ctx.catalog[n] else { continue }
                        let q = pow(10, -Double(numInd.decimals)), r = 0.5 * pow(10, -Double(ind.decimals))
                        var lo = -Double.infinity, hi = Double.infinity, count = 0
                        var rates: [Double] = []
                        for f in figures {
                            guard let den = rd.now(f, d), den > 0, let num = rd.now(f, n) else { continue }
                            let x = rd.now(f, ind.id) ?? num / den * 100
                            let half = 50 * q / den + r
                            lo = max(lo, x - half); hi = min(hi, x + half); count += 1; rates.append(x)
                        }
                        // A rate at its bound (everyone at 100 %) is uniform by nature.
                        guard count >= minUnits, lo <= hi, hi < 99.5, lo > 0.5, let mn = rates.min(), let mx = rates.max() else { continue }
                        out += [ctx.finding(Self.rate, .warning, unit: p, sub: sub, indicator: ind.id, value: rounded((lo + hi) / 2, ind.decimals), message: Message(
                            zh: "\(pname)的 \(count) 个下级单位的\(ind.name)都在 \(figure((lo + hi) / 2, ind))% 左右（\(figure(mn, ind))%–\(figure(mx, ind))%），在各自\(numInd.name)取整所允许的范围内完全一致：请核实是否按同一比例推算",
                            en: "All \(count) units under \(pname) report \(ind.englishName) of about \(figure((lo + hi) / 2, ind))% (\(figure(mn, ind))–\(figure(mx, ind))%), one value within what rounding of \(numInd.englishName) allows: derived from one ratio?"),
                            source: nil)].compactMap { $0 }
                    }
                } else { tally.add(sRate, evaluated: 0, skipped: 1) }
                // One gain.
                if kids.count >= minGain {
                    tally.add(sGain, evaluated: 1)
                    for ind in stocks {
                        var gains: [Double] = []
                        for f in figures { if let a = rd.now(f, ind.id), let b = rd.before(f, ind.id, 1) { gains.append(a - b) } }
                        guard gains.count >= minGain, let g = gains.first, g != 0, gains.allSatisfy({ $0 == g }) else { continue }
                        out += [ctx.finding(Self.gain, .warning, unit: p, sub: sub, indicator: ind.id, value: g, message: Message(
                            zh: "\(pname)的 \(gains.count) 个下级单位的\(ind.name)本期都增加了 \(figure(g, ind))\(ind.unit)：请核实是否平均摊派",
                            en: "All \(gains.count) units under \(pname) report the same gain of \(figure(g, ind)) in \(ind.englishName): spread evenly from one number?"),
                            source: nil)].compactMap { $0 }
                    }
                } else { tally.add(sGain, evaluated: 0, skipped: 1) }
                // The same flows in two children.
                var seen: [[Double]: UnitCode] = [:]
                for f in figures {
                    var key: [Double] = []
                    for ind in flowIndicators {
                        guard let v = rd.now(f, ind.id), v != 0, abs(v) / pow(10, -Double(ind.decimals)) >= minSteps else { key.append(.nan); continue }
                        key.append(v)
                    }
                    let real = key.filter { !$0.isNaN }.count
                    guard real >= minFlows else { tally.add(sFlows, evaluated: 0, skipped: 1); continue }
                    tally.add(sFlows, evaluated: 1)
                    let hashable = key.map { $0.isNaN ? -Double.infinity : $0 }
                    if let other = seen[hashable] {
                        let names = zip(flowIndicators, key).filter { !$0.1.isNaN }.map { "\($0.0.name) \(figure($0.1, $0.0))" }.joined(separator: "、")
                        out += [ctx.finding(Self.flows, .warning, unit: f.unit, sub: ctx.submissions[f.s], message: Message(
                            zh: "\(names) 与 \(tree.name(of: other) ?? other.rawValue)（\(other)）完全相同：请核实是否互相抄填",
                            en: "The flows (\(names)) are exactly those of \(tree.name(of: other) ?? other.rawValue) (\(other)): copied?"),
                            source: ctx.submissions[f.s].rows.first { $0.code == f.unit }?.source)].compactMap { $0 }
                    } else { seen[hashable] = f.unit }
                }
            }
        }
        return out
    }
}

/// `digits.heaping`: too many counts of a unit's children ending in 0 or 5, against the share of
/// its peers (the other units of its county at that level) — figures estimated, not counted.
public struct HeapingCheck: Check {
    public static let id = RuleID(.digits, "heaping")
    public init() {}
    public static let minValues = RuleParameter("min_values", default: 30, range: 5...1_000_000, wholeNumber: true,
        Message(zh: "参与检验的计数至少几个", en: "fewest counts for the test"))
    public static let minValue = RuleParameter("min_value", default: 10, range: 1...1_000_000,
        Message(zh: "只看不小于此数的计数（小数字的末位并不均匀）", en: "only counts at least this large (small numbers' last digits are not uniform)"))
    public static let maxProbability = RuleParameter("max_probability", default: 1e-6, range: 0...1,
        Message(zh: "二项检验的概率阈值", en: "binomial tail probability below which a unit is flagged"))
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.id, .warning, Message(zh: "末位数字为 0 或 5 的计数过多", en: "Too many counts ending in 0 or 5"),
                        parameters: [Self.minValues, Self.minValue, Self.maxProbability])]
    }
    public var explanation: Message {
        Message(zh: "一个乡镇各村的计数（户数、处数等，不小于 10）末位是 0 或 5 的比例，按二项分布与同县其他乡镇的比例（至少 20%）比较，概率极小的，可能是估报。",
                en: "The share of a township's village counts (≥ 10) ending in 0 or 5, against the other townships of the county (at least 20 %), by a binomial test.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        let rd = ctx.figures
        let settings = ctx.reference.checks
        let minValues = Int(settings.value(Self.minValues, of: Self.id)), minValue = settings.value(Self.minValue, of: Self.id)
        let maxP = settings.value(Self.maxProbability, of: Self.id)
        let counts = ctx.catalog.indicators.filter { $0.integer && !$0.kind.isRate && !$0.kind.isFlag }.map(\.id)
        let tree = ctx.reference.tree
        var tally = UnitCounter()
        let slot = tally.slot(Self.id)
        defer { ctx.tally.add(tally) }
        var out: [Finding] = []
        for (level, units) in ctx.unitsByLevel {
            // Per parent: how many counts, how many end in 0 or 5.
            var stats: [UnitCode: (n: Int, k: Int, sub: Int)] = [:]
            var order: [UnitCode] = []
            let index = ctx.levelIndex(at: level)
            let figs = UnitFigures.all(ctx, level, units)
            for (k, u) in units.enumerated() {
                guard let p = index.parents[k] else { continue }
                let f = figs[k]
                var s = stats[p] ?? (0, 0, u.submission)
                if stats[p] == nil { order.append(p) }
                for id in counts {
                    guard let v = rd.now(f, id), v >= minValue, v == v.rounded(), v < 9e15 else { continue }
                    s.n += 1
                    if Int64(v) % 5 == 0 { s.k += 1 }
                }
                stats[p] = s
            }
            // Peers of a parent: the other parents under the same county (or the same grandparent).
            var byScope: [UnitCode?: [UnitCode]] = [:]
            for p in order { byScope[ctx.peerScope(of: p) ?? tree.parent(of: p), default: []].append(p) }
            for p in order {
                guard let s = stats[p], s.n >= minValues else { tally.add(slot, evaluated: 0, skipped: 1); continue }
                tally.add(slot, evaluated: 1)
                let peers = (byScope[ctx.peerScope(of: p) ?? tree.parent(of: p)] ?? []).filter { $0 != p }
                    .compactMap { stats[$0] }.filter { $0.n >= minValues }.map { Double($0.k) / Double($0.n) }
                let expected = max(0.2, OrderStatistics.median(peers) ?? 0.2)
                let tail = Robust.binomialTail(s.k, s.n, expected)
                guard tail <= maxP else { continue }
                let sub = ctx.submissions[s.sub]
                out += [ctx.finding(Self.id, .warning, unit: p, sub: sub, value: rounded(Double(s.k) / Double(s.n) * 100, 1), expected: rounded(expected * 100, 1), message: Message(
                    zh: "\(tree.name(of: p) ?? p.rawValue)下级单位的 \(s.n) 个计数中有 \(s.k) 个（\(String(format: "%.0f", Double(s.k) / Double(s.n) * 100))%）末位是 0 或 5，同县其他单位约 \(String(format: "%.0f", expected * 100))%（二项检验概率 \(String(format: "%.1e", tail))）：可能是估报而非实数",
                    en: "\(s.k) of \(s.n) counts (\(String(format: "%.0f", Double(s.k) / Double(s.n) * 100)) %) under \(tree.name(of: p) ?? p.rawValue) end in 0 or 5, against about \(String(format: "%.0f", expected * 100)) % in the county (binomial p \(String(format: "%.1e", tail))): estimated rather than counted?"),
                    source: nil)].compactMap { $0 }
            }
        }
        return out
    }
}

/// `outlier.inflated`: a unit whose children's achievement figures (the non-decreasing stocks:
/// toilets, treated households, hardened road …) all rose far more this period than the same
/// level's other units in the county and than the unit's own last period — several figures
/// together, across most of its children: the "inflate before the ranking" pattern, not one
/// village's slip or one honest campaign.
public struct InflationCheck: Check {
    public static let id = RuleID(.outlier, "inflated")
    public init() {}
    public static let minIndicators = RuleParameter("min_indicators", default: 3, range: 1...100, wholeNumber: true,
        Message(zh: "同时异常增长的成绩指标至少几个", en: "fewest achievement figures rising together"))
    public static let threshold = RuleParameter("threshold", default: 4, range: 0.5...1_000,
        Message(zh: "与同县同级单位比较的稳健 Z 分数阈值", en: "robust z-score against the county's units of the level"))
    public static let minExcess = RuleParameter("min_excess", default: 0.1, range: 0...10,
        Message(zh: "比同级中位增长至少多出的比例", en: "smallest growth above the peers' median (0.1: 10 %)"))
    public static let minUnits = RuleParameter("min_units", default: 5, range: 3...1_000_000, wholeNumber: true,
        Message(zh: "同组单位少于此数不检验", en: "fewest peer units for the test"))
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.id, .warning, Message(zh: "多项成绩指标本期同时大幅增长", en: "Several achievement figures inflated together"),
                        parameters: [Self.minIndicators, Self.threshold, Self.minExcess, Self.minUnits])]
    }
    public var explanation: Message {
        Message(zh: "一个乡镇各村的多项成绩指标（卫生厕所户数、污水治理户数、已硬化里程等）本期增长的中位数，同时远高于同县其他乡镇和本乡镇上期的增长，可能是排名前集中虚报。",
                en: "Several achievement figures of a township's villages (median growth) rising far more than the county's other townships and than its own last period.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        let rd = ctx.figures
        let settings = ctx.reference.checks
        let minIndicators = Int(settings.value(Self.minIndicators, of: Self.id)), threshold = settings.value(Self.threshold, of: Self.id)
        let minExcess = log(1 + settings.value(Self.minExcess, of: Self.id)), minUnits = Int(settings.value(Self.minUnits, of: Self.id))
        let achievements = ctx.catalog.indicators.filter { if case .stock(.nonDecreasing) = $0.kind { return true }; return false }
        let tree = ctx.reference.tree
        var tally = UnitCounter()
        let slot = tally.slot(Self.id)
        defer { ctx.tally.add(tally) }
        guard !achievements.isEmpty else { return [] }
        var out: [Finding] = []
        for (level, units) in ctx.unitsByLevel {
            // Children by parent; per parent and indicator, the children's median growth now and last period.
            let index = ctx.levelIndex(at: level)
            let figs = UnitFigures.all(ctx, level, units)
            var kids: [UnitCode: [Int]] = [:]
            var parents: [UnitCode] = []
            for k in units.indices {
                guard let p = index.parents[k] else { continue }
                if kids[p] == nil { parents.append(p) }
                kids[p, default: []].append(k)
            }
            var growth: [UnitCode: [IndicatorID: (now: Double, before: Double)]] = [:]
            for p in parents {
                let figures = (kids[p] ?? []).map { figs[$0] }
                for ind in achievements {
                    var now: [Double] = [], before: [Double] = []
                    for f in figures {
                        guard let a = rd.now(f, ind.id), let b = rd.before(f, ind.id, 1), let c = rd.before(f, ind.id, 2), a > 0, b > 0, c > 0 else { continue }
                        now.append(log(a / b)); before.append(log(b / c))
                    }
                    guard now.count >= 3, let mn = OrderStatistics.median(now), let mb = OrderStatistics.median(before) else { continue }
                    growth[p, default: [:]][ind.id] = (mn, mb)
                }
            }
            // Peers: the parents under the same county.
            var byScope: [UnitCode?: [UnitCode]] = [:]
            var scopes: [UnitCode?] = []
            for p in parents where growth[p] != nil {
                let scope = ctx.peerScope(of: p)
                if byScope[scope] == nil { scopes.append(scope) }
                byScope[scope, default: []].append(p)
            }
            for group in scopes.map({ byScope[$0] ?? [] }) {
                guard group.count >= minUnits else { tally.add(slot, evaluated: 0, skipped: group.count); continue }
                tally.add(slot, evaluated: group.count)
                var centers: [IndicatorID: (Double, Double)] = [:]
                for ind in achievements {
                    let xs = group.compactMap { growth[$0]?[ind.id]?.now }
                    if xs.count >= minUnits, let c = Robust.center(xs) { centers[ind.id] = (c.median, max(c.scale, 0.01)) }
                }
                for p in group {
                    guard let g = growth[p] else { continue }
                    var hits: [(Indicator, Double, Double)] = []
                    for ind in achievements {
                        guard let (now, before) = g[ind.id], let (m, s) = centers[ind.id] else { continue }
                        let z = (now - m) / s
                        if z >= threshold, now - m >= minExcess, now > 2 * max(before, 0.005) { hits.append((ind, now, m)) }
                    }
                    guard hits.count >= minIndicators, let sub = kids[p]?.first.map({ ctx.submissions[units[$0].submission] }) else { continue }
                    let list = hits.map { "\($0.0.name) +\(String(format: "%.0f", (exp($0.1) - 1) * 100))%（同县中位 +\(String(format: "%.0f", (exp($0.2) - 1) * 100))%）" }.joined(separator: "、")
                    let listEn = hits.map { "\($0.0.englishName) +\(String(format: "%.0f", (exp($0.1) - 1) * 100)) % (county median +\(String(format: "%.0f", (exp($0.2) - 1) * 100)) %)" }.joined(separator: ", ")
                    out += [ctx.finding(Self.id, .warning, unit: p, sub: sub, indicator: hits[0].0.id, message: Message(
                        zh: "\(tree.name(of: p) ?? p.rawValue)各下级单位本期\(list)，均远高于同县其他单位和本单位上期的增长：请核实是否集中虚报",
                        en: "Under \(tree.name(of: p) ?? p.rawValue), the median growth this period of \(listEn) — far above the county's other units and its own last period: inflated together?"),
                        source: nil)].compactMap { $0 }
                }
            }
        }
        return out
    }
}

/// The detectors' arithmetic, public for tests and for anyone checking a finding by hand.
public enum DetectorMath {
    public static func binomialTail(_ k: Int, _ n: Int, _ p: Double) -> Double { Robust.binomialTail(k, n, p) }
}
