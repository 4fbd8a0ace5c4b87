import Foundation
import RenjuModel
import RenjuReference

/// `target.*`: progress against the annual target (州下达任务): behind at year end, and more than
/// 150 % of the target (超额异常) at any time.
public struct TargetCheck: Check {
    public var cost: CheckCost { .small }
    public static let behind = RuleID(.target, "behind")
    public static let overshoot = RuleID(.target, "overshoot")

    public init() {}
    public static let ratio = RuleParameter("ratio", default: 1.5, range: 1...1_000,
                                            Message(zh: "累计数超过年度目标的几倍算超额异常", en: "how many times the annual target a year-to-date figure may reach"))
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.behind, .warning, Message(zh: "年末未完成年度目标", en: "Annual target not met at year end")),
         RuleDescriptor(Self.overshoot, .warning, Message(zh: "超额异常", en: "Far above the annual target"), parameters: [Self.ratio])]
    }
    public var explanation: Message {
        Message(zh: "对照州下达的年度任务：年末累计数或比率低于目标的要核实；累计数超过目标 150% 的属超额异常，也要核实。",
                en: "Against the annual target: below it at year end, or a year-to-date figure above 150 % of it, must be confirmed.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        var out: [Finding] = []
        let ratio = ctx.reference.checks.value(Self.ratio, of: Self.overshoot)
        let targets = ctx.reference.targets
        guard !targets.all.isEmpty else { return [] }
        var tally = UnitCounter()
        let slotOvershoot = tally.slot(Self.overshoot)
        let slotBehind = tally.slot(Self.behind)
        defer { ctx.tally.add(tally) }
        for sub in ctx.submissions {
            for row in sub.rows where targets.hasTargets(for: row.code) {
                defer { tally.next() }
                for ind in ctx.catalog.indicators {
                    guard let target = targets.target(year: ctx.period.year, unit: row.code, indicator: ind.id), target > 0 else { continue }
                    var actual = sub.values[row.code, ind.id]
                    if actual == nil, case let .rate(n, d) = ind.kind {
                        actual = RollUp.rate(numerator: sub.values[row.code, n], denominator: sub.values[row.code, d])
                    }
                    guard let actual else { tally.missing(slotOvershoot); tally.missing(slotBehind); continue }
                    if case .ytd = ind.kind { tally.ran(slotOvershoot) }
                    if ctx.period.isYearEnd, ind.kind == .ytd || ind.kind.isRate { tally.ran(slotBehind) }
                    let pct = actual / target * 100
                    let src = sub.values.observation(row.code, ind.id)?.source ?? row.source
                    let u = ind.kind.isRate ? "%" : ind.unit
                    if case .ytd = ind.kind, actual > ratio * target + 1e-9 {
                        out += [ctx.finding(Self.overshoot, unit: row.code, sub: sub, indicator: ind.id, value: actual, expected: target, message: Message(
                            zh: "\(ind.name)本年累计 \(figure(actual, ind))\(u)，是年度目标 \(figure(target, ind))\(u) 的 \(String(format: "%.0f", pct))%，超过 \(String(format: "%.0f", ratio * 100))%（超额异常）：请核实是否多报或口径不一致",
                            en: "\(ind.englishName) is \(figure(actual, ind)) to date, \(String(format: "%.0f", pct))% of the annual target \(figure(target, ind)) — above \(String(format: "%.0f", ratio * 100))%: check for over-reporting"),
                            source: src)]
                    }
                    if ctx.period.isYearEnd, ind.kind == .ytd || ind.kind.isRate, actual < target - 1e-9 {
                        out += [ctx.finding(Self.behind, unit: row.code, sub: sub, indicator: ind.id, value: actual, expected: target, message: Message(
                            zh: "\(ind.name)年末为 \(figure(actual, ind))\(u)，未完成年度目标 \(figure(target, ind))\(u)（完成 \(String(format: "%.1f", pct))%）：请说明原因",
                            en: "\(ind.englishName) ends the year at \(figure(actual, ind)), below the annual target \(figure(target, ind)) (\(String(format: "%.1f", pct))%): explain"),
                            source: src)]
                    }
                }
            }
        }
        return out
    }
}
