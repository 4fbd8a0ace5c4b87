import Foundation
import RenjuModel
import RenjuReference

/// `duplicate.too_alike`: a township whose villages are far more alike in a rate than the
/// villages of the county's other townships are among themselves — figures derived from one
/// number and spread over the villages, short of every village reporting the very same rate
/// (`duplicate.uniform_rate`).
public struct AlikeCheck: Check {
    public var cost: CheckCost { .large }
    public static let id = RuleID(.duplicate, "too_alike")
    public init() {}
    public static let factor = RuleParameter("factor", default: 0.2, range: 0.001...1,
        Message(zh: "本乡镇各村比率的离散程度（MAD）不到其他乡镇中位离散程度的此倍数即提示", en: "flag a township whose villages' spread (MAD) is below this fraction of the other townships' median spread"))
    public static let minUnits = RuleParameter("min_units", default: 5, range: 3...1_000_000, wholeNumber: true,
        Message(zh: "村数少于此数的乡镇不检验", en: "fewest villages a township needs"))
    public static let minGroups = RuleParameter("min_groups", default: 3, range: 2...1_000_000, wholeNumber: true,
        Message(zh: "可比较的其他乡镇少于此数不检验", en: "fewest other townships to compare with"))
    public static let minSpread = RuleParameter("min_spread", default: 1, range: 0...100,
        Message(zh: "其他乡镇的中位离散程度低于此值（百分点）不检验：比率普遍接近 0 或 100% 时各村本来就一样",
                en: "no test when the other townships' median spread is below this (points): near 0 or 100 % villages are alike honestly"))
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.id, .warning, Message(zh: "下级单位过于相似", en: "Children far more alike than their peers"),
                        parameters: [Self.factor, Self.minUnits, Self.minGroups, Self.minSpread])]
    }
    public var explanation: Message {
        Message(zh: "一个乡镇各村某项比率的差异（MAD），远小于本县其他乡镇各村之间的差异：多是按一个数推算后分摊到各村。",
                en: "A township whose villages differ in a rate far less than the villages of the county's other townships: one number spread over the villages.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        let settings = ctx.reference.checks
        let factor = settings.value(Self.factor, of: Self.id), minUnits = Int(settings.value(Self.minUnits, of: Self.id))
        let minGroups = Int(settings.value(Self.minGroups, of: Self.id)), floor = settings.value(Self.minSpread, of: Self.id)
        let rd = ctx.figures
        var out: [Finding] = []
        var tally = UnitCounter()
        let slot = tally.slot(Self.id)
        defer { ctx.tally.add(tally) }
        guard let villages = ctx.unitsByLevel.first(where: { $0.level == .village }) else { return [] }
        let index = ctx.levelIndex(at: .village)
        let figs = villages.units.indices.map { UnitFigures(villages.units[$0], index, $0) }
        var xs: [Double] = [], deviations: [Double] = [], others: [Double] = []
        let rates = ctx.catalog.rates
        for group in ctx.peerGroups(at: .village) {
            // The county's villages by township, in the order met.
            let (order, kids) = byParent(group, parents: index.parents)
            let kept = order.indices.filter { kids[$0].count >= minUnits }
            let townships = kept.map { order[$0] }
            guard townships.count > minGroups else { continue }
            tally.add(slot, evaluated: townships.count)
            for ind in rates {
                // Each township's spread, in the townships' order (no hashing: a county's townships
                // are compared with each other, the square of their number). The values and their
                // deviations go through two buffers reused from township to township.
                var spread: [(mad: Double, n: Int)?] = []
                spread.reserveCapacity(kept.count)
                for t in kept {
                    xs.removeAll(keepingCapacity: true)
                    for k in kids[t] { if let v = rd.nowOrRate(figs[k], ind) { xs.append(v) } }
                    let n = xs.count
                    guard n >= minUnits, let m = OrderStatistics.median(selecting: &xs) else { spread.append(nil); continue }
                    deviations.removeAll(keepingCapacity: true)
                    for x in xs { deviations.append(abs(x - m)) }
                    guard let mad = OrderStatistics.median(selecting: &deviations) else { spread.append(nil); continue }
                    spread.append((mad, n))
                }
                for (i, t) in townships.enumerated() {
                    guard let own = spread[i] else { continue }
                    // The other townships' spreads, in order, in a buffer reused from township to township.
                    others.removeAll(keepingCapacity: true)
                    for j in spread.indices where j != i { if let mad = spread[j]?.mad { others.append(mad) } }
                    guard others.count >= minGroups, let typical = OrderStatistics.median(selecting: &others), typical >= floor,
                          own.mad < factor * typical else { continue }
                    out.append(ctx.finding(Self.id, unit: t, indicator: ind.id, value: rounded(own.mad, 2), expected: rounded(typical, 2), message: Message(
                        zh: "本乡镇 \(own.n) 个村的\(ind.name)彼此相差（中位绝对偏差）只有 \(figure(own.mad, ind)) 个百分点，而本县其他 \(others.count) 个乡镇各村之间一般相差 \(figure(typical, ind)) 个百分点：各村过于相似，请核实是否按一个数推算分摊",
                        en: "The \(own.n) villages' \(ind.englishName) differ by \(figure(own.mad, ind)) points (median absolute deviation) where the county's other \(others.count) townships' villages differ by \(figure(typical, ind)): one number spread over the villages?")))
                }
            }
        }
        return out
    }
}
