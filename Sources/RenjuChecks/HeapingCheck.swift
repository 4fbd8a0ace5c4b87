import Foundation
import RenjuModel
import RenjuReference

/// `digits.heaping`: too many counts of a unit's children ending in 0 or 5, against the share of
/// its peers (the other units of its county at that level) — figures estimated, not counted.
public struct HeapingCheck: Check {
    public var cost: CheckCost { .large }
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
            // The parents in the order first met, each with its counts (`stats[i]` is `order[i]`'s).
            var order: [UnitCode] = []
            var stats: [(n: Int, k: Int, sub: Int)] = []
            var place: [UnitCode: Int] = [:]
            let index = ctx.levelIndex(at: level)
            let figs = UnitFigures.all(ctx, level, units)
            // A parent's units mostly come one after another: the last parent's place is kept at hand.
            var lastParent: UnitCode?, last = -1
            for (k, u) in units.enumerated() {
                guard let p = index.parents[k] else { continue }
                let i: Int
                if p == lastParent { i = last } else if let known = place[p] { i = known } else {
                    i = order.count
                    place[p] = i; order.append(p); stats.append((0, 0, u.submission))
                }
                lastParent = p; last = i
                let f = figs[k]
                for id in counts {
                    guard let v = rd.now(f, id), v >= minValue, v == v.rounded(), v < 9e15 else { continue }
                    stats[i].n += 1
                    if Int64(v) % 5 == 0 { stats[i].k += 1 }
                }
            }
            // Peers of a parent: the other parents under the same county (or the same grandparent).
            var byScope: [UnitCode?: [Int]] = [:]
            for (i, p) in order.enumerated() { byScope[ctx.peerScope(of: p) ?? tree.parent(of: p), default: []].append(i) }
            for (i, p) in order.enumerated() {
                let s = stats[i]
                guard s.n >= minValues else { tally.add(slot, evaluated: 0, skipped: 1); continue }
                tally.add(slot, evaluated: 1)
                let peers = (byScope[ctx.peerScope(of: p) ?? tree.parent(of: p)] ?? []).filter { $0 != i }
                    .map { stats[$0] }.filter { $0.n >= minValues }.map { Double($0.k) / Double($0.n) }
                let expected = max(0.2, OrderStatistics.median(peers) ?? 0.2)
                // No more than expected: the tail is at least one half (a binomial's median is at
                // least the floor of its mean), never under a small limit, and is not worked out.
                if maxP < 0.4, Double(s.k) <= Double(s.n) * expected { continue }
                let tail = Robust.binomialTail(s.k, s.n, expected)
                guard tail <= maxP else { continue }
                let sub = ctx.submissions[s.sub]
                out += [ctx.finding(Self.id, unit: p, sub: sub, value: rounded(Double(s.k) / Double(s.n) * 100, 1), expected: rounded(expected * 100, 1), message: Message(
                    zh: "\(tree.name(of: p) ?? p.rawValue)下级单位的 \(s.n) 个计数中有 \(s.k) 个（\(String(format: "%.0f", Double(s.k) / Double(s.n) * 100))%）末位是 0 或 5，同县其他单位约 \(String(format: "%.0f", expected * 100))%（二项检验概率 \(String(format: "%.1e", tail))）：可能是估报而非实数",
                    en: "\(s.k) of \(s.n) counts (\(String(format: "%.0f", Double(s.k) / Double(s.n) * 100)) %) under \(tree.name(of: p) ?? p.rawValue) end in 0 or 5, against about \(String(format: "%.0f", expected * 100)) % in the county (binomial p \(String(format: "%.1e", tail))): estimated rather than counted?"),
                    source: nil)]
            }
        }
        return out
    }
}
