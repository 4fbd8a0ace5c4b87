import Foundation
import RenjuModel
import RenjuReference

/// `temporal.repeated_share`: when a large share of a county's units of one level report last
/// period's flows unchanged, that is the finding — once, for the county ("144 of 180 villages
/// repeat 2025Q2's flows") — rather than warnings on the few that moved (HB leaves the repeats
/// out of its quartiles and judges the rest among themselves).
public struct RepetitionShareCheck: Check {
    public var cost: CheckCost { .small }
    public static let id = RuleID(.temporal, "repeated_share")
    public init() {}
    public static let share = RuleParameter("share", default: 0.5, range: 0...1,
        Message(zh: "一个县同级单位中，当期量与上期完全相同的单位所占比例达到此值即提示",
                en: "share of a county's units of one level whose flows are all exactly last period's"))
    public static let minUnits = RuleParameter("min_units", default: 10, range: 2...1_000_000, wholeNumber: true,
        Message(zh: "照抄上期的单位少于此数不提示", en: "fewest repeating units for the finding"))
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.id, .warning, Message(zh: "大批单位照抄上期当期量", en: "Many units repeat last period's flows"),
                        parameters: [Self.share, Self.minUnits])]
    }
    public var explanation: Message {
        Message(zh: "一个县的同级单位中，半数以上把上期的当期量（垃圾产生、收运、处理量等）原样报来的，作为一条问题提示到县：照抄才是要核实的，少数如实变动的单位不因此被当作异常。",
                en: "When half or more of a county's units of one level report last period's flows unchanged, one finding for the county: the copying is what needs checking, not the few units that moved.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        let settings = ctx.reference.checks
        let share = settings.value(Self.share, of: Self.id), minUnits = Int(settings.value(Self.minUnits, of: Self.id))
        let flows = ctx.catalog.indicators.filter { $0.kind == .flow }
        guard !flows.isEmpty else { return [] }
        let rd = ctx.figures
        var out: [Finding] = []
        var tally = UnitCounter()
        let slot = tally.slot(Self.id)
        defer { ctx.tally.add(tally) }
        for (level, allUnits) in ctx.unitsByLevel {
            let index = ctx.levelIndex(at: level)
            for group in ctx.peerGroups(at: level) {
                var judged = 0
                var repeating: [UnitCode] = []
                for k in group {
                    let f = UnitFigures(allUnits[k], index, k)
                    var any = false, same = true
                    for ind in flows {
                        guard let now = rd.now(f, ind.id), now != 0 else { continue }
                        guard let last = rd.before(f, ind.id, 1) else { same = false; break }
                        any = true
                        if now != last { same = false; break }
                    }
                    guard any || !same else { continue }
                    judged += 1
                    if any && same { repeating.append(allUnits[k].unit) }
                }
                tally.add(slot, evaluated: judged > 0 ? 1 : 0)
                guard judged > 0, repeating.count >= minUnits, Double(repeating.count) >= share * Double(judged),
                      let scope = ctx.peerScope(of: allUnits[group[0]].unit) else { continue }
                let names = repeating.prefix(5).map { ctx.name(of: $0) ?? $0.rawValue }.joined(separator: "、")
                let prev = ctx.period.previous
                out.append(ctx.finding(Self.id, unit: scope, message: Message(
                    zh: "\(judged) 个\(level.chinese)中有 \(repeating.count) 个的当期量（\(flows.map(\.name).joined(separator: "、"))）与上期（\(prev)）完全相同（\(names)\(repeating.count > 5 ? "等" : "")）：请核实是否照抄上期",
                    en: "\(repeating.count) of \(judged) units (\(level.rawValue)) report exactly \(prev)'s flows: copied forward?")))
            }
        }
        return out
    }
}
