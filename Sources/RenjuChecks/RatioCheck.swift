import Foundation
import RenjuModel
import RenjuReference

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
            // Units in a tested group (a flag a unit: a set hashed half a million units a ratio).
            var tested = [Bool](repeating: false, count: allUnits.count), testedCount = 0
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
                    for mb in members where !tested[mb.k] { tested[mb.k] = true; testedCount += 1 }
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
                        out += [ctx.finding(Self.id, unit: u.unit, sub: sub, indicator: def.numerator, value: rounded(value, 2), expected: rounded(median, 2), message: Message(
                            zh: "\(def.name) \(String(format: "%.2f", value))\(def.unit)（\(num?.name ?? def.numerator.rawValue) \(figure(mb.n, num)) ÷ \(den?.name ?? def.denominator.rawValue) \(figure(mb.d, den))），\(rel)（同县 \(members.count) 个\(level.chinese)中位数 \(String(format: "%.2f", median))，稳健 Z 分数 \(String(format: "%.1f", z))）：请核实\(num?.name ?? "")的单位和口径",
                            en: "\(def.englishName) \(String(format: "%.2f", value)) \(def.unit) is \(relEn) the median \(String(format: "%.2f", median)) of \(members.count) peer units in the county (robust z \(String(format: "%.1f", z))): check the unit of \(num?.englishName ?? def.numerator.rawValue)"),
                            source: sub.values.observation(u.unit, def.numerator)?.source)]
                    }
                }
            }
            tally.add(slot, evaluated: testedCount, skipped: allUnits.count - testedCount)
        }
        return out
    }
}
