import Foundation
import RenjuModel
import RenjuReference

/// Copies in time: `temporal.flows_repeated` — flows exactly equal to last period's where the
/// unit's own earlier changes make that improbable; `temporal.frozen` — stocks unchanged for
/// several periods while the unit's flows move.
public struct RepeatCheck: Check {
    public var cost: CheckCost { .large }
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
    public static let reportedPeriods = RuleParameter("reported_periods", default: 0, range: 0...24, wholeNumber: true,
        Message(zh: "一项稳定存量（如总户数）在最近几个报告期（中间缺报的期跳过并说明）完全相同、而本单位其他数据在变时提示；0 为不检验。年报、半年报默认 4：户籍数年内不变是常态，跨年不变才可疑",
                en: "a stable stock (households) identical over this many reported periods (missing periods skipped, and said) while the unit's other figures moved; 0: off. 4 for years and half-years: a register figure honestly stays the same within a year"))
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.repeated, .warning, Message(zh: "当期量与上期完全相同", en: "Flows identical to last period's"),
                        parameters: [Self.minFlows, Self.maxProbability]),
         RuleDescriptor(Self.frozen, .warning, Message(zh: "存量指标连续多期一成不变", en: "Stocks frozen for several periods"),
                        parameters: [Self.periods, Self.share, Self.minStocks, Self.reportedPeriods])]
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
        let reported = Int(settings.value(Self.reportedPeriods, of: Self.frozen))
        let stable = ctx.catalog.indicators.filter { if case .stock(.stable) = $0.kind { return true }; return false }
        // Each stable stock with the figures it makes a rate with (households: toilets, sewage).
        let partners: [IndicatorID: [Indicator]] = Dictionary(uniqueKeysWithValues: stable.map { ind in
            (ind.id, ctx.catalog.rates(using: ind.id).flatMap { rate -> [Indicator] in
                guard case let .rate(n, d) = rate.kind else { return [] }
                return [n, d].filter { $0 != ind.id }.compactMap { ctx.catalog[$0] }
            })
        })
        let flows = ctx.catalog.indicators.filter { $0.kind == .flow }
        let stocks = ctx.catalog.indicators.filter { if case .stock = $0.kind { return true }; return false }
        // Their interned numbers: the loops below run for every unit.
        let flowSlots = flows.map { Int($0.id.slot) }, stockSlots = stocks.map { Int($0.id.slot) }
        var tally = UnitCounter()
        let sRepeat = tally.slot(Self.repeated), sFrozen = tally.slot(Self.frozen)
        defer { ctx.tally.add(tally) }
        var out: [Finding] = []
        for (level, units) in ctx.unitsByLevel {
            let figs = UnitFigures.all(ctx, level, units)
            // A stock most of the level's units left unchanged over those periods (roads are built
            // rarely) is not frozen in one of them; with too few units, the unit's own series decides.
            var staticAtLevel = Set<IndicatorID>()
            if reported >= 2 {
                for ind in stable {
                    var seen = 0, same = 0
                    for f in figs {
                        guard let now = rd.now(f, ind.id) else { continue }
                        var earlier: [Double] = []
                        for back in 1..<reported { if let v = rd.before(f, ind.id, back) { earlier.append(v) } }
                        guard !earlier.isEmpty else { continue }
                        seen += 1
                        if earlier.allSatisfy({ $0 == now }) { same += 1 }
                    }
                    if seen >= minStocks, 2 * same > seen { staticAtLevel.insert(ind.id) }
                }
            }
            for (k, u) in units.enumerated() {
                let f = figs[k]
                // Flows equal to last period's, and how likely that is from the unit's own changes.
                var equal: [(Indicator, Double, Double)] = []
                var judged = false
                for (j, slot) in flowSlots.enumerated() {
                    guard let now = rd.now(f, slot: slot), now != 0, let last = rd.before(f, slot: slot, 1) else { continue }
                    judged = true
                    guard now == last else { continue }
                    let ind = flows[j]
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
                    out += [ctx.finding(Self.repeated, unit: u.unit, sub: ctx.submissions[f.s], indicator: first.0.id, value: first.1, expected: nil, message: Message(
                        zh: "\(list) 与上期（\(ctx.period.previous)）完全相同；该单位此前各期都有变动，同时相同的可能约为 \(Self.odds(chance))：请核实是否照抄上期",
                        en: "\(listEn) are exactly last period's (\(ctx.period.previous)); the unit's flows changed every earlier period — about \(Self.odds(chance)) by chance: copied forward?"),
                        source: rd.source(f, first.0.id))]
                }
                // Stocks frozen for `nPeriods` periods while a flow moved.
                var nonzero = 0, same: [Indicator] = [], complete = true
                for (j, slot) in stockSlots.enumerated() {
                    guard let now = rd.now(f, slot: slot), now != 0 else { continue }
                    nonzero += 1
                    var unchanged = true
                    for back in 1..<nPeriods {
                        let earlier = back <= 2 ? rd.before(f, slot: slot, back) : rd.before(f, stocks[j].id, back)
                        guard let v = earlier else { complete = false; unchanged = false; break }
                        if v != now { unchanged = false; break }
                    }
                    if unchanged { same.append(stocks[j]) }
                }
                // One stable stock over the last `reported` reported periods (gaps skipped, and said).
                var seriesFound = false
                if reported >= 2 {
                    for ind in stable where !staticAtLevel.contains(ind.id) {
                        switch Self.frozenSeries(ind, f, rd, ctx.period, reported: reported, others: partners[ind.id] ?? []) {
                        case .notEnough: tally.missing(sFrozen)
                        case .moving: tally.ran(sFrozen)
                        case let .frozen(value, periods, missing, moved):
                            tally.ran(sFrozen)
                            guard !seriesFound else { continue }
                            seriesFound = true
                            let list = periods.map(\.description).joined(separator: "、")
                            let gapZ = missing.isEmpty ? "" : "；其间 \(missing.map(\.description).joined(separator: "、")) 无数据"
                            let gapE = missing.isEmpty ? "" : "; no figure for \(missing.map(\.description).joined(separator: ", "))"
                            out += [ctx.finding(Self.frozen, unit: u.unit, sub: ctx.submissions[f.s], indicator: ind.id, value: value, message: Message(
                                zh: "\(ind.name)连续 \(periods.count) 个报告期（\(list)\(gapZ)）都是 \(figure(value, ind))\(ind.unit)，而\(moved.name)在变：请核实是否沿用旧数",
                                en: "\(ind.englishName) is \(figure(value, ind)) in each of \(periods.count) reported periods (\(periods.map(\.description).joined(separator: ", "))\(gapE)) while \(moved.englishName) moved: an old figure carried forward?"),
                                source: rd.source(f, ind.id))]
                        }
                    }
                }
                guard nonzero >= minStocks, complete else { tally.missing(sFrozen); tally.next(); continue }
                tally.ran(sFrozen)
                let moving = flowSlots.contains { slot in
                    guard let a = rd.now(f, slot: slot), let b = rd.before(f, slot: slot, 1) else { return false }
                    return a != b
                }
                if moving, !seriesFound, Double(same.count) >= share * Double(nonzero) {
                    out += [ctx.finding(Self.frozen, unit: u.unit, sub: ctx.submissions[f.s], message: Message(
                        zh: "\(nonzero) 项非零存量指标中有 \(same.count) 项（\(same.prefix(4).map(\.name).joined(separator: "、"))\(same.count > 4 ? "等" : "")）连续 \(nPeriods) 期完全不变，而当期量在变：请核实是否沿用旧数",
                        en: "\(same.count) of \(nonzero) non-zero stocks (\(same.prefix(4).map(\.englishName).joined(separator: ", "))…) are unchanged for \(nPeriods) periods while the flows move: old figures carried forward?"),
                        source: u.unit == f.unit ? ctx.submissions[f.s].rows.first { $0.code == u.unit }?.source : nil)]
                }
                tally.next()
            }
        }
        return out
    }

    enum Series { case notEnough, moving, frozen(Double, periods: [Period], missing: [Period], moved: Indicator) }

    /// A stock's last `reported` reported figures (this period's first; periods without one are
    /// skipped, up to three times as many back) all the same while a figure it makes a rate with
    /// moved (the same households while toilets were added).
    static func frozenSeries(_ ind: Indicator, _ f: UnitFigures, _ rd: FigureReader, _ period: Period, reported: Int, others: [Indicator]) -> Series {
        guard let now = rd.now(f, ind.id), now != 0 else { return .notEnough }
        var periods = [period], missing: [Period] = [], back = 0
        while periods.count < reported, back < 3 * reported {
            back += 1
            guard let v = rd.before(f, ind.id, back) else { missing.append(period.back(back)); continue }
            if v != now { return .moving }
            periods.append(period.back(back))
        }
        guard periods.count == reported, let oldest = periods.last else { return .notEnough }
        let span = period.kind == oldest.kind ? periodsBetween(oldest, period) : 0
        guard span > 0 else { return .notEnough }
        for other in others where other.id != ind.id {
            guard let a = rd.now(f, other.id), let b = rd.before(f, other.id, span) else { continue }
            if a != b { return .frozen(now, periods: periods.reversed(), missing: missing.filter { $0 > oldest }.sorted(), moved: other) }
        }
        return .moving
    }

    /// How many periods of one kind lie from `a` to `b` (a before b).
    static func periodsBetween(_ a: Period, _ b: Period) -> Int {
        var n = 0, p = b
        while p > a, n < 200 { p = p.previous; n += 1 }
        return p == a ? n : 0
    }

    static func odds(_ p: Double) -> String {
        p >= 0.01 ? String(format: "%.0f%%", p * 100) : "1/\(Int((1 / max(p, 1e-12)).rounded()))"
    }
}
