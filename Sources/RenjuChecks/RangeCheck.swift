import Foundation
import RenjuModel
import RenjuReference

/// `range.*`: values that cannot be — negative counts or amounts, rates outside 0–100, counts
/// that are not whole numbers, village flags other than 是/否.
public struct RangeCheck: Check {
    public static let negative = RuleID(.range, "negative")
    public static let rate = RuleID(.range, "rate")
    public static let notWhole = RuleID(.range, "not_whole")
    public static let flag = RuleID(.range, "flag")

    public init() {}
    public static let rateMin = RuleParameter("min", default: 0, range: 0...100, Message(zh: "比率的下限（%）", en: "lowest allowed rate (%)"))
    public static let rateMax = RuleParameter("max", default: 100, range: 0...100, Message(zh: "比率的上限（%）", en: "highest allowed rate (%)"))
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.negative, .error, Message(zh: "数值为负", en: "Negative value"), linear: .nonNegative),
         RuleDescriptor(Self.rate, .error, Message(zh: "比率超出 0–100", en: "Rate outside 0–100"), parameters: [Self.rateMin, Self.rateMax], linear: .rateRange),
         RuleDescriptor(Self.notWhole, .error, Message(zh: "计数不是整数", en: "Count not a whole number")),
         RuleDescriptor(Self.flag, .error, Message(zh: "是/否指标填了其他值", en: "Yes/no indicator with another value"), linear: .flagRange)]
    }
    public var explanation: Message {
        Message(zh: "数量和金额不能为负；比率在 0–100 之间；户数、座数、人数等必须是整数；村级是/否指标只能是 是/否（1/0）。",
                en: "Counts and amounts cannot be negative; rates lie in 0–100; counts are whole numbers; village yes/no indicators are 1 or 0.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        var out: [Finding] = []
        let lo = ctx.reference.checks.value(Self.rateMin, of: Self.rate)
        let hi = ctx.reference.checks.value(Self.rateMax, of: Self.rate)
        let inds = ctx.catalog.indicators
        let ids = inds.map(\.id)
        var tally = UnitCounter()
        let slotFlag = tally.slot(Self.flag)
        let everyUnit = [Self.negative, Self.rate, Self.notWhole].map { tally.slot($0) }
        defer { ctx.tally.add(tally) }
        // Each indicator's kind as plain flags: the loop below runs for every unit and indicator.
        let isRate = inds.map(\.kind.isRate), isFlag = inds.map(\.kind.isFlag), whole = inds.map { $0.integer || $0.kind.isFlag }
        for sub in ctx.submissions {
            let cols = sub.values.columns(for: ids)
            var rows = PeriodValues.RowCursor()
            for (k, row) in sub.rows.enumerated() {
                guard let r = rows.row(of: row.code, in: sub.values) else { continue }
                // Every unit with figures is evaluated (a blank is completeness's to say).
                for slot in everyUnit { tally.add(slot, evaluated: 1) }
                let village = ctx.level(ofRow: k, in: sub) == .village
                if village { tally.add(slotFlag, evaluated: 1) }
                for k in inds.indices {
                    guard let v = sub.values.value(row: r, column: cols[k]) else { continue }
                    if isRate[k] {
                        guard v < lo - 1e-9 || v > hi + 1e-9 else { continue }
                        let ind = inds[k]
                        out += [ctx.finding(Self.rate, unit: row.code, sub: sub, indicator: ind.id, value: v, message: Message(
                            zh: "\(ind.name)填报为 \(shortestDecimal(v))%，比率只能在 \(shortestDecimal(lo))–\(shortestDecimal(hi))% 之间：请核对分子和分母",
                            en: "\(ind.englishName) is \(shortestDecimal(v))%; a rate must lie in \(shortestDecimal(lo))–\(shortestDecimal(hi))%"),
                            source: sub.values.source(row.code, ind.id))]
                        continue
                    }
                    if v < 0 {
                        let ind = inds[k]
                        out += [ctx.finding(Self.negative, unit: row.code, sub: sub, indicator: ind.id, value: v, expected: 0, message: Message(
                            zh: "\(ind.name)填报为 \(shortestDecimal(v))\(ind.unit)，不能为负数：请核对",
                            en: "\(ind.englishName) is \(shortestDecimal(v)) \(ind.unit); it cannot be negative"),
                            source: sub.values.source(row.code, ind.id))]
                        continue
                    }
                    if isFlag[k], village, v != 0, v != 1 {
                        let ind = inds[k]
                        out += [ctx.finding(Self.flag, unit: row.code, sub: sub, indicator: ind.id, value: v, message: Message(
                            zh: "\(ind.name)是“是/否”指标，村级只能填 是 或 否（1 或 0），表中填的是 \(shortestDecimal(v))",
                            en: "\(ind.englishName) is a yes/no indicator: a village reports 是/否 (1/0), not \(shortestDecimal(v))"),
                            source: sub.values.source(row.code, ind.id))]
                        continue
                    }
                    if whole[k], v != v.rounded() {
                        let ind = inds[k]
                        out += [ctx.finding(Self.notWhole, unit: row.code, sub: sub, indicator: ind.id, value: v, expected: v.rounded(), message: Message(
                            zh: "\(ind.name)是计数（单位：\(ind.unit)），应为整数，表中填的是 \(shortestDecimal(v))",
                            en: "\(ind.englishName) is a count (\(ind.unit)) and must be a whole number, not \(shortestDecimal(v))"),
                            source: sub.values.source(row.code, ind.id))]
                    }
                }
            }
        }
        return out
    }
}
