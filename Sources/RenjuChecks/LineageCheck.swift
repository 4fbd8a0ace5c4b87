import Foundation
import RenjuModel
import RenjuReference

/// Units without the previous period's figures when the history has that period: a unit whose
/// code changed loses its past silently unless the change table says how it came to be. Each is
/// told once, as information: split off without a share (no baseline, and why), or new with the
/// units that may have been it before (the same name, or the same parent, among the codes that
/// reported last period and not now).
public struct LineageCheck: Check {
    public var cost: CheckCost { .small }
    public static let newUnit = RuleID(.temporal, "new_unit")
    public static let split = RuleID(.temporal, "split")

    public init() {}

    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.newUnit, .info, Message(zh: "没有上期数据的单位", en: "Unit without last period's figures")),
         RuleDescriptor(Self.split, .info, Message(zh: "拆分而来、未给比例的单位", en: "Unit split off without a share"))]
    }
    public var explanation: Message {
        Message(zh: "历史数据中有上期，而本单位没有上期数据时提示：如是区划调整（更名、合并、拆分、划转），在 division-changes.csv 中登记后历史数据即可接续；列出可能的前身（同名或同一上级、上期有本期无的单位）。拆分而来却没有给出比例的单位，不与上期比较。",
                en: "A unit without figures of the previous period while the history has that period: if its code changed (rename, merge, split, move), a line in division-changes.csv carries its history across; the likely predecessors (same name or same parent, reported last period and not now) are named. A unit split off without a share is not compared with the past.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        let previous = ctx.previousValues
        // Only when the history has the period before (a first run has no history at all).
        guard ctx.history[ctx.period.previous] != nil else { return [] }
        let prevPeriod = ctx.period.previous
        var out: [Finding] = []
        var tally = UnitCounter()
        let slotNew = tally.slot(Self.newUnit), slotSplit = tally.slot(Self.split)
        defer { ctx.tally.add(tally) }
        // Codes of last period that are not reported now, found once and only when needed.
        var vanished: (byParent: [UnitCode: [UnitCode]], byName: [String: [UnitCode]])?
        func vanishedCodes() -> (byParent: [UnitCode: [UnitCode]], byName: [String: [UnitCode]]) {
            if let vanished { return vanished }
            let replaced = Set(ctx.reference.changes.all.map(\.oldCode))
            var byParent: [UnitCode: [UnitCode]] = [:], byName: [String: [UnitCode]] = [:]
            for u in previous.units where ctx.submission(of: u) == nil && !replaced.contains(u) {
                if let p = ctx.tree.parent(of: u) { byParent[p, default: []].append(u) }
                if let n = name(u) { byName[TextNormalizer.key(n), default: []].append(u) }
            }
            let v = (byParent, byName)
            vanished = v
            return v
        }
        func name(_ u: UnitCode) -> String? { ctx.tree.name(of: u) ?? ctx.lineage.historyNames[u] }
        func label(_ u: UnitCode) -> String { name(u).map { "\($0)（\(u)）" } ?? u.rawValue }
        func labelEN(_ u: UnitCode) -> String { name(u).map { "\($0) (\(u))" } ?? u.rawValue }
        for sub in ctx.submissions {
            var rows = PeriodValues.RowCursor()
            for row in sub.rows {
                if rows.row(of: row.code, in: previous) != nil { continue }
                let u = row.code
                if let c = ctx.lineage.unsharedSplits[u] {
                    tally.add(slotSplit, evaluated: 1)
                    out.append(ctx.finding(Self.split, unit: u, sub: sub, message: Message(
                        zh: "本单位于 \(c.effective) 由\(label(c.oldCode))拆分而来，区划变更表（第 \(c.line) 行）没有给出拆分比例（share）：不与上期（\(prevPeriod)）比较。补上比例后，按比例与原单位的历史数据比较",
                        en: "Split off \(labelEN(c.oldCode)) on \(c.effective); the change table (line \(c.line)) gives no share: not compared with \(prevPeriod). With a share it is compared with that part of the old unit's figures"),
                        source: row.source))
                    continue
                }
                tally.add(slotNew, evaluated: 1)
                let changes = ctx.reference.changes.changes(into: u)
                if let c = changes.last {
                    let from = changes.map { label($0.oldCode) }.joined(separator: "、")
                    out.append(ctx.finding(Self.newUnit, unit: u, sub: sub, message: Message(
                        zh: "区划变更表记载本单位于 \(c.effective) 由\(from)\(c.kind.chinese)而来，但上期（\(prevPeriod)）的数据中没有（全部）前身的数据：未与上期比较",
                        en: "The change table has this unit made on \(c.effective) from \(changes.map { labelEN($0.oldCode) }.joined(separator: ", ")) (\(c.kind.rawValue)), but the figures of \(prevPeriod) lack (some of) them: not compared"),
                        source: row.source))
                    continue
                }
                let v = vanishedCodes()
                var candidates: [UnitCode] = []
                if let n = name(u) { candidates += v.byName[TextNormalizer.key(n)] ?? [] }
                if let p = ctx.tree.parent(of: u) {
                    let level = ctx.level(of: u)
                    for c in v.byParent[p] ?? [] where !candidates.contains(c) && ctx.level(of: c) == level { candidates.append(c) }
                }
                let shown = Array(candidates.prefix(3))
                let zh = shown.isEmpty
                    ? "本单位没有上期（\(prevPeriod)）数据，区划变更表中也没有它：如是新设单位，无需处理；如是代码变更，请在 division-changes.csv 中登记，历史数据即可接续"
                    : "本单位没有上期（\(prevPeriod)）数据，区划变更表中也没有它。可能的前身（上期有、本期无）：\(shown.map(label).joined(separator: "、"))\(candidates.count > 3 ? " 等 \(candidates.count) 个" : "")；如属区划调整，请在 division-changes.csv 中登记，历史数据即可接续"
                let en = shown.isEmpty
                    ? "No figures of \(prevPeriod) and no line in the change table: if the unit is new, nothing to do; if its code changed, add it to division-changes.csv and its history is carried across"
                    : "No figures of \(prevPeriod) and no line in the change table. Likely predecessors (reported then, not now): \(shown.map(labelEN).joined(separator: ", "))\(candidates.count > 3 ? " and \(candidates.count - 3) more" : ""); if its code changed, add it to division-changes.csv"
                out.append(ctx.finding(Self.newUnit, unit: u, sub: sub, message: Message(zh: zh, en: en), source: row.source))
            }
        }
        return out
    }
}
