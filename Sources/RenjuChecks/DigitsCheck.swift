import Foundation
import RenjuModel
import RenjuReference

/// `digits.round` (most non-zero values of a unit are multiples of 10) and `digits.benford`
/// (first-digit conformity of one indicator across the units of a level, only where Benford's law
/// can hold: two orders of magnitude or more and enough values).
public struct DigitsCheck: Check {
    public var cost: CheckCost { .large }
    public static let round = RuleID(.digits, "round")
    public static let benford = RuleID(.digits, "benford")
    public init() {}
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.round, .info, Message(zh: "整十数偏多", en: "Mostly round numbers"), parameters: [Self.roundShare, Self.roundMinimum]),
         RuleDescriptor(Self.benford, .info, Message(zh: "首位数字分布（本福特定律）", en: "First-digit distribution (Benford)"), parameters: [Self.benfordMinimum, Self.benfordSpread])]
    }
    public static let roundShare = RuleParameter("share", default: 0.6, range: 0...1, Message(zh: "整十数占非零数值的比例超过此值才提示", en: "share of round non-zero figures above which a unit is flagged"))
    public static let roundMinimum = RuleParameter("min_values", default: 6, range: 1...1_000_000, wholeNumber: true,
                                                   Message(zh: "非零数值少于此数不检验", en: "fewest non-zero figures for the test"))
    public static let benfordMinimum = RuleParameter("min_values", default: 1000, range: 10...100_000_000, wholeNumber: true,
                                                     Message(zh: "数值少于此数不检验", en: "fewest figures for the test"))
    public static let benfordSpread = RuleParameter("min_log_spread", default: 0.8, range: 0...10,
        Message(zh: "数值的常用对数的标准差至少为此值才检验：本福特定律只对跨多个数量级、分布平滑的数值成立；户数、人口等按设计集中在某个规模附近的数值，不论真假都“不符合”",
                en: "the least standard deviation of the values' log10 for the test: Benford's law holds only for values spread smoothly over orders of magnitude; counts that cluster around a size by design (households, people) fail it honest or not"))
    public var explanation: Message {
        Message(zh: "一个单位的非零数值大多是 10 的倍数，可能是估报；一个指标在同级单位中跨两个数量级以上、且数值足够多（默认 1000 个）时，其首位数字分布按 Nigrini 的 MAD 判断与本福特定律的符合程度。",
                en: "A unit whose non-zero values are mostly multiples of 10 may be estimating; the first digits of one indicator across a level's units — where they span two orders of magnitude and number 1,000 or more — are compared with Benford's law by Nigrini's MAD.")
    }

    /// Whether a figure is a whole multiple of 10 (by integer arithmetic where exact: fmod is slow).
    static func isMultipleOfTen(_ x: Double) -> Bool {
        if abs(x) < 9e15 { return x == x.rounded(.towardZero) && Int64(x) % 10 == 0 }
        return x.truncatingRemainder(dividingBy: 10) == 0
    }

    /// The standard deviation of log10 of positive values.
    /// (`logs`: a buffer reused from indicator to indicator.)
    static func logSpread(_ values: [Double], into logs: inout [Double]) -> Double {
        logs.removeAll(keepingCapacity: true)
        for v in values where v > 0 { logs.append(log10(v)) }
        guard logs.count > 1 else { return 0 }
        let mean = logs.reduce(0, +) / Double(logs.count)
        return (logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(logs.count - 1)).squareRoot()
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        let share = ctx.reference.checks.value(Self.roundShare, of: Self.round)
        let minValues = Int(ctx.reference.checks.value(Self.roundMinimum, of: Self.round))
        let benford = Benford(minValues: Int(ctx.reference.checks.value(Self.benfordMinimum, of: Self.benford)))
        let logSpread = ctx.reference.checks.value(Self.benfordSpread, of: Self.benford)
        let amounts = ctx.catalog.indicators.filter { !$0.kind.isRate && !$0.kind.isFlag }.map(\.id)
        var out: [Finding] = []
        var tally = UnitCounter()
        let slotRound = tally.slot(Self.round)
        let slotBenford = tally.slot(Self.benford)
        defer { ctx.tally.add(tally) }
        // Each row's non-zero figures and round ones, counted column by column (a column's figures
        // lie together), in buffers reused from submission to submission.
        var nonZero: [Int32] = [], round: [Int32] = []
        for sub in ctx.submissions {
            let cols = sub.values.columns(for: amounts).compactMap { $0 }
            let height = cols.first.map { sub.values.columnValues($0).count } ?? 0
            nonZero.removeAll(keepingCapacity: true); nonZero.append(contentsOf: repeatElement(0, count: height))
            round.removeAll(keepingCapacity: true); round.append(contentsOf: repeatElement(0, count: height))
            for c in cols {
                sub.values.columnValues(c).withUnsafeBufferPointer { column in
                    for r in 0..<min(height, column.count) {
                        guard let v = PeriodValues.figure(column[r]), v != 0 else { continue }
                        nonZero[r] += 1
                        if Self.isMultipleOfTen(v) { round[r] += 1 }
                    }
                }
            }
            var rows = PeriodValues.RowCursor()
            for row in sub.rows {
                guard let r = rows.row(of: row.code, in: sub.values) else { continue }
                let count = r < height ? Int(nonZero[r]) : 0, roundCount = r < height ? Int(round[r]) : 0
                guard count >= minValues else { tally.add(slotRound, evaluated: 0, skipped: 1); continue }
                tally.add(slotRound, evaluated: 1)
                if Double(roundCount) / Double(count) >= share {
                    out += [ctx.finding(Self.round, unit: row.code, sub: sub, message: Message(
                        zh: "\(count) 个非零数值中有 \(roundCount) 个是 10 的倍数（整十数），可能是估报",
                        en: "\(roundCount) of \(count) non-zero figures are multiples of 10: possibly estimated"),
                        source: row.source)]
                }
            }
        }
        // Benford per indicator and level, only where its assumption holds: the values span two
        // orders of magnitude or more, and there are enough of them for Nigrini's MAD thresholds.
        for (level, units) in ctx.unitsByLevel {
            var ran = false
            guard units.count >= benford.minValues else { tally.add(slotBenford, evaluated: 0, skipped: units.count); continue }
            let rd = ctx.figures
            let figs = UnitFigures.all(ctx, level, units)
            var values: [Double] = [], logs: [Double] = []
            for id in amounts {
                guard let ind = ctx.catalog[id] else { continue }
                values.removeAll(keepingCapacity: true)
                for f in figs {
                    if let v = rd.now(f, id), v > 0 { values.append(v) }
                }
                guard values.count >= benford.minValues, let q = OrderStatistics.quantiles(values, [0.01, 0.99]),
                      case let (p1, p99) = (q[0], q[1]), p1 > 0, p99 / p1 >= 100,
                      Self.logSpread(values, into: &logs) >= logSpread,
                      let result = benford.test(values) else { continue }
                ran = true
                // Only a clear departure is told (Nigrini's "marginal" is within what honest data shows).
                guard result.verdict == .nonconformity else { continue }
                let words: [Benford.Verdict: String] = [.close: "高度符合", .acceptable: "可接受", .marginal: "勉强符合", .nonconformity: "不符合"]
                out += [ctx.finding(Self.benford, unit: nil, indicator: id, value: rounded(result.mad, 4), message: Message(
                    zh: "\(result.count) 个\(level.chinese)的\(ind.name)首位数字分布与本福特定律\(words[result.verdict] ?? "")（Nigrini MAD = \(String(format: "%.4f", result.mad))；首位为 1 的占 \(String(format: "%.1f", result.proportions[0] * 100))%，理论 30.1%）",
                    en: "First digits of \(ind.englishName) over \(result.count) units: \(result.verdict.rawValue) with Benford's law (Nigrini MAD \(String(format: "%.4f", result.mad)); leading 1s \(String(format: "%.1f", result.proportions[0] * 100))% vs 30.1%)"),
                    source: nil)]
            }
            tally.add(slotBenford, evaluated: ran ? units.count : 0, skipped: ran ? 0 : units.count)
        }
        return out
    }
}
