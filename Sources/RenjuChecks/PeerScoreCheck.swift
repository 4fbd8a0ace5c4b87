import Foundation
import RenjuModel
import RenjuReference

/// `outlier.peer`: the robust z-score of each rate across the peer units of one level.
public struct PeerScoreCheck: Check {
    public var cost: CheckCost { .large }
    public static let id = RuleID(.outlier, "peer")
    public init() {}
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.id, .info, Message(zh: "比率明显偏离同级单位", en: "Rate far from the peers'"), parameters: [Self.threshold, Self.minUnits, Self.minSpread])]
    }
    public static let threshold = RuleParameter("threshold", default: 3.5, range: 0.5...1_000, Message(zh: "稳健 Z 分数的阈值", en: "robust z-score above which a rate is flagged"))
    public static let minUnits = RuleParameter("min_units", default: 5, range: 3...1_000_000, wholeNumber: true,
                                               Message(zh: "同级单位少于此数时，改与更大范围（同一上级、全部）的同级单位比较", en: "fewest peer units; with fewer, the next wider group (the same parent above, then all) is used"))
    public static let minSpread = RuleParameter("min_spread", default: 2, range: 0...100,
        Message(zh: "离散程度的下限（百分点）：同级单位非常接近时，Z 分数按此计算，0.9 个百分点不会算成 Z = −57",
                en: "the least spread (percentage points) a z-score divides by: peers bunched together never turn 0.9 points into z = −57"))
    public var explanation: Message {
        Message(zh: "各比率与同级单位中位数之差，除以 1.4826×MAD（不小于 min_spread 个百分点）得稳健 Z 分数，超过 3.5 的，提示分析人员关注；同级单位太少时与更大范围比较，并在提示中说明。",
                en: "A rate whose distance from the peers' median, over 1.4826 × MAD (at least min_spread points), exceeds 3.5; with too few peers, a wider group is used and named.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        let settings = ctx.reference.checks
        let threshold = settings.value(Self.threshold, of: Self.id), minUnits = Int(settings.value(Self.minUnits, of: Self.id))
        let spreadFloor = settings.value(Self.minSpread, of: Self.id)
        var out: [Finding] = []
        var tally = UnitCounter()
        let slotId = tally.slot(Self.id)
        defer { ctx.tally.add(tally) }
        let rd = ctx.figures
        let tree = ctx.tree
        for (level, allUnits) in ctx.unitsByLevel {
            let index = ctx.levelIndex(at: level)
            let figs = allUnits.indices.map { UnitFigures(allUnits[$0], index, $0) }
            let groups = ctx.peerGroups(at: level)
            // The group above each unit's peer group (its scope's parent), found when first needed.
            var above: [UnitCode?]?
            func wider() -> [UnitCode?] {
                if let above { return above }
                let a = allUnits.map { u in ctx.peerScope(of: u.unit).flatMap { tree.parent(of: $0) } }
                above = a
                return a
            }
            var tested = Array(repeating: false, count: allUnits.count)
            defer { let n = tested.filter { $0 }.count; tally.add(slotId, evaluated: n, skipped: allUnits.count - n) }
            for ind in ctx.catalog.rates {
                let xs: [Double?] = figs.map { rd.nowOrRate($0, ind) }
                for group in groups {
                    let members = group.filter { xs[$0] != nil }
                    guard !members.isEmpty else { continue }
                    var peers = members
                    var scopeZ = "同级 \(members.count) 个\(level.chinese)", scopeE = "\(members.count) peer units"
                    if members.count < minUnits {
                        // Too few peers here: the units of the same level under the next unit up, then all.
                        let up = wider(), mine = up[members[0]]
                        let next = mine == nil ? [] : allUnits.indices.filter { xs[$0] != nil && up[$0] == mine }
                        let all = allUnits.indices.filter { xs[$0] != nil }
                        if next.count >= minUnits {
                            peers = next
                            let name = mine.flatMap { tree.name(of: $0) } ?? "同一上级"
                            scopeZ = "本组同级单位不足 \(minUnits) 个，改与\(name)范围内 \(next.count) 个\(level.chinese)比较"
                            scopeE = "too few peers; compared with \(next.count) units under \(mine?.rawValue ?? "the same parent")"
                        } else if all.count >= minUnits {
                            peers = all
                            scopeZ = "本组同级单位不足 \(minUnits) 个，改与输入中全部 \(all.count) 个\(level.chinese)比较"
                            scopeE = "too few peers; compared with all \(all.count) units of the level"
                        } else { continue }
                    }
                    let values = peers.compactMap { xs[$0] }
                    guard let med = OrderStatistics.median(values), let mad = OrderStatistics.median(values.map { abs($0 - med) }) else { continue }
                    let scale = max(1.4826 * mad, spreadFloor)
                    guard scale > 0 else { continue }
                    for k in members { tested[k] = true }
                    for k in members {
                        guard let x = xs[k] else { continue }
                        let z = (x - med) / scale
                        guard abs(z) > threshold else { continue }
                        let (u, si) = allUnits[k]
                        let sub = ctx.submissions[si]
                        out += [ctx.finding(Self.id, unit: u, sub: sub, indicator: ind.id, value: x, expected: rounded(med, ind.decimals), message: Message(
                            zh: "\(ind.name) \(figure(x, ind))%，明显\(z > 0 ? "高于" : "低于")\(scopeZ)的中位数 \(figure(med, ind))%（稳健 Z 分数 \(String(format: "%.1f", z))）",
                            en: "\(ind.englishName) \(figure(x, ind))% is far \(z > 0 ? "above" : "below") the median \(figure(med, ind))% of \(scopeE) (robust z \(String(format: "%.1f", z)))"),
                            source: sub.values.observation(u, ind.id)?.source)]
                    }
                }
            }
        }
        return out
    }
}
