import Foundation
import RenjuModel
import RenjuReference

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
                    out += [ctx.finding(Self.id, unit: p, sub: sub, indicator: hits[0].0.id, message: Message(
                        zh: "\(tree.name(of: p) ?? p.rawValue)各下级单位本期\(list)，均远高于同县其他单位和本单位上期的增长：请核实是否集中虚报",
                        en: "Under \(tree.name(of: p) ?? p.rawValue), the median growth this period of \(listEn) — far above the county's other units and its own last period: inflated together?"),
                        source: nil)]
                }
            }
        }
        return out
    }
}
