import Foundation
import RenjuModel
import RenjuReference

/// `outlier.peer`: the robust z-score of each rate across the peer units of one level.
public struct PeerScoreCheck: Check {
    public static let id = RuleID(.outlier, "peer")
    public init() {}
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.id, .info, Message(zh: "比率明显偏离同级单位", en: "Rate far from the peers'"), parameters: [Self.threshold, Self.minUnits])]
    }
    public static let threshold = RuleParameter("threshold", default: 3.5, range: 0.5...1_000, Message(zh: "稳健 Z 分数的阈值", en: "robust z-score above which a rate is flagged"))
    public static let minUnits = RuleParameter("min_units", default: 5, range: 3...1_000_000, wholeNumber: true,
                                               Message(zh: "同级单位少于此数不检验", en: "fewest peer units for the test"))
    public var explanation: Message {
        Message(zh: "各比率与同级单位中位数的稳健 Z 分数 0.6745×(x−中位数)/MAD 超过 3.5 的，提示分析人员关注。",
                en: "A rate whose robust z-score 0.6745 × (x − median) / MAD across peer units exceeds 3.5.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        let scorer = RobustScore(threshold: ctx.reference.checks.value(Self.threshold, of: Self.id),
                                 minUnits: Int(ctx.reference.checks.value(Self.minUnits, of: Self.id)))
        var out: [Finding] = []
        var tally = UnitCounter()
        let slotId = tally.slot(Self.id)
        defer { ctx.tally.add(tally) }
        let rd = ctx.figures
        for (level, allUnits) in ctx.unitsByLevel {
          let index = ctx.levelIndex(at: level)
          for group in ctx.peerGroups(at: level) {
            let units = group.map { allUnits[$0] }
            let figs = group.map { UnitFigures(allUnits[$0], index, $0) }
            var tested = Array(repeating: false, count: units.count)
            defer { let n = tested.filter { $0 }.count; tally.add(slotId, evaluated: n, skipped: units.count - n) }
            for ind in ctx.catalog.rates {
                guard case let .rate(n, d) = ind.kind else { continue }
                var members: [(UnitCode, Int)] = []
                var memberIndex: [Int] = []
                var xs: [Double] = []
                for (k, (u, i)) in units.enumerated() {
                    _ = i
                    let f = figs[k]
                    guard let x = rd.now(f, ind.id) ?? RollUp.rate(numerator: rd.now(f, n), denominator: rd.now(f, d)) else { continue }
                    members.append((u, i)); xs.append(x); memberIndex.append(k)
                }
                guard let (med, _, scores) = scorer.scores(xs) else { continue }
                for k in memberIndex { tested[k] = true }
                for (i, z) in scores.enumerated() where abs(z) > scorer.threshold {
                    let (u, si) = members[i]
                    let sub = ctx.submissions[si]
                    out += [ctx.finding(Self.id, unit: u, sub: sub, indicator: ind.id, value: xs[i], expected: rounded(med, ind.decimals), message: Message(
                        zh: "\(ind.name) \(figure(xs[i], ind))%，明显\(z > 0 ? "高于" : "低于")同级 \(xs.count) 个\(level.chinese)的中位数 \(figure(med, ind))%（稳健 Z 分数 \(String(format: "%.1f", z))）",
                        en: "\(ind.englishName) \(figure(xs[i], ind))% is far \(z > 0 ? "above" : "below") the median \(figure(med, ind))% of \(xs.count) peer units (robust z \(String(format: "%.1f", z)))"),
                        source: sub.values.observation(u, ind.id)?.source)]
                }
            }
          }
        }
        return out
    }
}
