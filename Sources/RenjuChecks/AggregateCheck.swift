import Foundation
import RenjuModel
import RenjuReference

/// `aggregate.*`: a total row (township, county) equals the sum of its children for summed kinds
/// (flags: the count of 是), and its rates equal the rates recomputed from the summed parts —
/// never an average of the children's rates. Tolerance: half a unit of the last decimal.
public struct AggregateCheck: Check {
    public var cost: CheckCost { .large }
    public static let sum = RuleID(.aggregate, "sum")
    public static let rate = RuleID(.aggregate, "rate")

    public init() {}
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.sum, .error, Message(zh: "合计不等于各单位之和", en: "Total is not the sum of its units"), linear: .aggregateSum),
         RuleDescriptor(Self.rate, .error, Message(zh: "合计比率不是由合计分子分母计算", en: "Total rate not recomputed from summed parts"), linear: .aggregateRate)]
    }
    public var explanation: Message {
        Message(zh: "合计行的户数、里程、吨数、金额等等于各下级单位之和（是/否指标为“是”的个数）；合计行的比率按合计的分子分母重新计算，不能用各村比率的平均数。",
                en: "A total row equals the sum of its units (yes/no: the count of yes); its rates are recomputed from the summed parts, never averaged.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        var out: [Finding] = []
        let rollUp = RollUp(catalog: ctx.catalog)
        var tally = UnitCounter()
        let slotSum = tally.slot(Self.sum)
        let slotRate = tally.slot(Self.rate)
        defer { ctx.tally.add(tally) }
        for sub in ctx.submissions {
            for row in ctx.totalRows(in: sub) {
                let kids = ctx.childRows(of: row.code, in: sub)
                // A total whose units are not all listed cannot be compared (completeness reports the gap).
                guard !kids.isEmpty else { continue }
                defer { tally.next() }
                guard ctx.hasAllChildren(of: row.code, in: sub) else { tally.missing(slotSum); tally.missing(slotRate); continue }
                let kidRows = sub.values.rows(of: kids)
                let total = rollUp.totals(of: kidRows, in: sub.values)
                let own = sub.values.row(of: row.code)
                // Whether every child reported a figure.
                func allReported(_ id: IndicatorID) -> Bool {
                    let c = sub.values.column(for: id)
                    return kidRows.allSatisfy { sub.values.value(row: $0, column: c) != nil }
                }
                // The total's name, looked up only for a finding.
                var tname: String { ctx.name(of: row.code, in: sub) ?? row.code.rawValue }
                for (k, ind) in ctx.catalog.indicators.enumerated() {
                    guard let ov = sub.values.value(row: own, column: sub.values.column(for: ind.id)) else { continue }
                    if ind.kind.isRate {
                        guard case let .rate(n, d) = ind.kind else { continue }
                        // Only when every child reported both parts.
                        guard allReported(n), allReported(d),
                              let expected = total[k] else { tally.missing(slotRate); continue }
                        tally.ran(slotRate)
                        if abs(ov - expected) > ind.halfUnit + 1e-9 {
                            let avg = kids.compactMap { sub.values[$0, ind.id] }
                            let mean = avg.isEmpty ? nil : avg.reduce(0, +) / Double(avg.count)
                            let looksAveraged = mean.map { abs($0 - ov) <= ind.halfUnit + 1e-9 } ?? false
                            let hintZ = looksAveraged ? "；填报值正是各单位比率的简单平均数，比率不能平均" : ""
                            let hintE = looksAveraged ? "; the reported figure is the plain average of the units' rates, which rates never are" : ""
                            out += [ctx.finding(Self.rate, unit: row.code, sub: sub, indicator: ind.id, value: ov, expected: rounded(expected, ind.decimals), message: Message(
                                zh: "\(tname)合计的\(ind.name)填报为 \(shortestDecimal(ov))%，按各单位\(ctx.catalog[n]?.name ?? "")之和 ÷ \(ctx.catalog[d]?.name ?? "")之和计算应为 \(figure(expected, ind))%\(hintZ)",
                                en: "The total \(ind.englishName) of \(tname) is \(shortestDecimal(ov))%, but the summed parts give \(figure(expected, ind))%\(hintE)"),
                                source: sub.values.source(row.code, ind.id))]
                        }
                        continue
                    }
                    // Summed kinds: only when every child reported the figure (blanks are completeness problems).
                    guard let expected = total[k], allReported(ind.id) else { tally.missing(slotSum); continue }
                    tally.ran(slotSum)
                    if abs(ov - expected) > ind.halfUnit + 1e-9 * max(1, abs(expected)) {
                        let diff = ov - expected
                        let ul = ctx.unitLabel(ind, total: true)
                        out += [ctx.finding(Self.sum, unit: row.code, sub: sub, indicator: ind.id, value: ov, expected: rounded(expected, ind.decimals), message: Message(
                            zh: "\(tname)合计的\(ind.name)填报为 \(figure(ov, ind))\(ul)，但 \(kids.count) 个下级单位之和为 \(figure(expected, ind))\(ul)（\(diff > 0 ? "多" : "少") \(figure(abs(diff), ind))）：请核对合计行或各单位数据",
                            en: "The total \(ind.englishName) of \(tname) is \(figure(ov, ind)) \(ul), but its \(kids.count) units add up to \(figure(expected, ind)) (\(diff > 0 ? "+" : "−")\(figure(abs(diff), ind)))"),
                            source: sub.values.source(row.code, ind.id))]
                    }
                }
            }
        }
        return out
    }
}
