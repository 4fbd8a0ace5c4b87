import Foundation
import RenjuModel
import RenjuReference

/// `temporal.*` against the previous period: a non-decreasing stock that fell and a year-to-date
/// figure that fell within the year (负增长, errors); a stable stock that moved more than its
/// percentage (warning).
public struct TemporalCheck: Check {
    public var cost: CheckCost { .large }
    public static let decrease = RuleID(.temporal, "decrease")
    public static let ytdDecrease = RuleID(.temporal, "ytd_decrease")
    public static let stable = RuleID(.temporal, "stable")
    public static let zero = RuleID(.temporal, "zero")
    public static let copied = RuleID(.temporal, "copied")

    public init() {}
    public static let copiedMinimum = RuleParameter("min_indicators", default: 3, range: 1...1_000, wholeNumber: true,
                                                    Message(zh: "至少有几项当期量和累计数与上期完全相同才提示", en: "how many flows and year-to-date figures must equal last period's"))
    public static let stableScale = RuleParameter("scale", default: 1, range: 0.1...100,
                                                  Message(zh: "稳定指标允许变动幅度（指标目录的 stable_percent，按季度定）的倍数；可按报告期类型分别设置，如年报 year: {scale: 4}",
                                                          en: "multiplies each stable indicator's stable_percent (set for a quarter); set per kind of period, e.g. year: {scale: 4} for annual returns"))
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.decrease, .error, Message(zh: "存量指标负增长", en: "Stock fell"), linear: .stockNonDecreasing),
         RuleDescriptor(Self.ytdDecrease, .error, Message(zh: "累计指标年内减少", en: "Year-to-date figure fell"), linear: .ytdNonDecreasing),
         RuleDescriptor(Self.stable, .warning, Message(zh: "稳定指标变动过大", en: "Stable figure moved too much"), parameters: [Self.stableScale]),
         RuleDescriptor(Self.zero, .warning, Message(zh: "指标为零", en: "Figure dropped to zero")),
         RuleDescriptor(Self.copied, .warning, Message(zh: "照抄上期数据", en: "Figures copied from the previous period"), parameters: [Self.copiedMinimum])]
    }
    public var explanation: Message {
        Message(zh: "与上期比较：卫生厕所户数等只增不减的存量不能减少；本年累计数在年内不能减少；总户数、公路里程等稳定指标的变动不能超过规定百分比；上期大于零、本期为零的要核实；本期的流量和累计数与上期完全相同的，疑似照抄上期。",
                en: "Against the previous period: non-decreasing stocks must not fall; year-to-date figures must not fall within the year; stable stocks must not move more than their percentage; a figure that drops to zero, or flows and year-to-date figures identical to last period's, must be confirmed.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        var out: [Finding] = []
        let prevPeriod = ctx.period.previous
        let sameYear = prevPeriod.year == ctx.period.year
        let inds = ctx.catalog.indicators
        let ids = inds.map(\.id)
        let previous = ctx.previousValues
        let prevCols = previous.columns(for: ids)
        let minimum = Int(ctx.reference.checks.value(Self.copiedMinimum, of: Self.copied))
        // The checked period's kind decides the scale (rules.yaml: `year: {scale: 4}`).
        let scale = ctx.reference.checks.value(Self.stableScale, of: Self.stable)
        var tally = UnitCounter()
        defer { ctx.tally.add(tally) }
        let all = [Self.decrease, Self.ytdDecrease, Self.stable, Self.zero, Self.copied].map { tally.slot($0) }
        // What each indicator is compared by, as plain values: the loop below runs for every
        // unit and indicator, and walking the catalog's indicators (objects) counted each in and out.
        enum Rule { case nonDecreasing, stable(Double), ytd, none }
        let ruleOf: [Rule] = inds.map { ind in
            switch ind.kind {
            case .stock(.nonDecreasing): return .nonDecreasing
            case let .stock(.stable(quarterly)): return .stable(quarterly)
            case .ytd where sameYear: return .ytd
            default: return .none
            }
        }
        let watchZero: [Bool] = inds.map { $0.kind.isSummed && $0.kind != .ytd }
        let copiedKind = inds.map { (compared: $0.kind == .flow || ($0.kind == .ytd && sameYear), flow: $0.kind == .flow) }
        for sub in ctx.submissions {
            let cols = sub.values.columns(for: ids)
            // Each row tried first after the last found, in both periods (rows come in the order read).
            var rows = PeriodValues.RowCursor(), previousRows = PeriodValues.RowCursor()
            for row in sub.rows {
                let u = row.code
                // Rows resolved once per unit; figures then read by column.
                // A unit without last period's figures cannot be compared: skipped, not passed.
                guard let r = rows.row(of: u, in: sub.values) else { continue }
                guard let pr = previousRows.row(of: u, in: previous) else { for id in all { tally.add(id, evaluated: 0, skipped: 1, noHistory: 1) }; continue }
                for id in all { tally.add(id, evaluated: 1) }
                if let f = copiedFinding(ctx, sub, row, prevPeriod, minimum: minimum, r: r, pr: pr, cols: cols, prevCols: prevCols, copiedKind: copiedKind) { out.append(f) }
                for k in inds.indices {
                    guard let cur = sub.values.value(row: r, column: cols[k]), let prev = previous.value(row: pr, column: prevCols[k]) else { continue }
                    if cur == 0, prev > 0, watchZero[k] {
                        let ind = inds[k]
                        out += [ctx.finding(Self.zero, unit: u, sub: sub, indicator: ind.id, value: cur, expected: prev, message: Message(
                            zh: "\(ind.name)本期为 0，上期（\(prevPeriod)）为 \(figure(prev, ind))\(ind.unit)（指标为零）：请核实是漏报还是确实为零",
                            en: "\(ind.englishName) is 0 now but was \(figure(prev, ind)) in \(prevPeriod): confirm it is not a figure left out"),
                            source: sub.values.source(u, ind.id))]
                    }
                    switch ruleOf[k] {
                    case .nonDecreasing:
                        if cur < prev - 1e-9 * max(1, abs(prev)) {
                            let ind = inds[k]
                            out += [ctx.finding(Self.decrease, unit: u, sub: sub, indicator: ind.id, value: cur, expected: prev, message: Message(
                                zh: "\(ind.name)从上期（\(prevPeriod)）的 \(figure(prev, ind))\(ind.unit) 减少到 \(figure(cur, ind))\(ind.unit)（负增长 \(figure(prev - cur, ind))）：该指标只增不减，请核对本期或上期数据",
                                en: "\(ind.englishName) fell from \(figure(prev, ind)) \(ind.unit) in \(prevPeriod) to \(figure(cur, ind)) (−\(figure(prev - cur, ind))); it must not decrease"),
                                source: sub.values.source(u, ind.id))]
                        }
                    case let .stable(quarterly):
                        guard prev > 0, cur >= 0 else { continue }
                        let pct = quarterly * scale
                        let change = (cur - prev) / prev * 100
                        if abs(change) > pct + 1e-9 {
                            let ind = inds[k]
                            out += [ctx.finding(Self.stable, unit: u, sub: sub, indicator: ind.id, value: cur, expected: prev, message: Message(
                                zh: "\(ind.name)由上期（\(prevPeriod)）的 \(figure(prev, ind))\(ind.unit) 变为 \(figure(cur, ind))\(ind.unit)，变动 \(String(format: "%+.1f", change))%，超过 ±\(shortestDecimal(pct))%：请核实并说明原因",
                                en: "\(ind.englishName) moved from \(figure(prev, ind)) in \(prevPeriod) to \(figure(cur, ind)) (\(String(format: "%+.1f", change))%), more than ±\(shortestDecimal(pct))%: confirm and explain"),
                                source: sub.values.source(u, ind.id))]
                        }
                    case .ytd:
                        if cur < prev - 1e-9 * max(1, abs(prev)) {
                            let ind = inds[k]
                            out += [ctx.finding(Self.ytdDecrease, unit: u, sub: sub, indicator: ind.id, value: cur, expected: prev, message: Message(
                                zh: "\(ind.name)是本年累计数，上期（\(prevPeriod)）已累计 \(figure(prev, ind))\(ind.unit)，本期却只有 \(figure(cur, ind))\(ind.unit)：累计数在年内不能减少，请核对",
                                en: "\(ind.englishName) is a year-to-date figure: \(figure(prev, ind)) by \(prevPeriod) but only \(figure(cur, ind)) now; it cannot fall within the year"),
                                source: sub.values.source(u, ind.id))]
                        }
                    case .none:
                        continue
                    }
                }
            }
        }
        return out
    }

    /// Every flow and year-to-date figure equal to last period's, at least one of them not zero.
    /// `copiedKind`: for each of the catalog's indicators, whether it is compared (a flow, or a
    /// year-to-date figure within the year) and whether it is a flow.
    func copiedFinding(_ ctx: CheckContext, _ sub: Submission, _ row: UnitRow, _ prevPeriod: Period, minimum: Int,
                       r: Int, pr: Int, cols: [Int?], prevCols: [Int?], copiedKind: [(compared: Bool, flow: Bool)]) -> Finding? {
        var compared = 0, nonZero = 0, flowNonZero = false
        for k in copiedKind.indices where copiedKind[k].compared {
            guard let cur = sub.values.value(row: r, column: cols[k]) else { continue }
            guard let prev = ctx.previousValues.value(row: pr, column: prevCols[k]) else { return nil }
            if abs(cur - prev) > 1e-9 * max(1, abs(prev)) { return nil }
            compared += 1
            if cur != 0 { nonZero += 1; if copiedKind[k].flow { flowNonZero = true } }
        }
        guard compared >= minimum, nonZero > 0, flowNonZero else { return nil }
        return ctx.finding(Self.copied, unit: row.code, sub: sub, message: Message(
            zh: "本期 \(compared) 项当期量和累计数与上期（\(prevPeriod)）完全相同，疑似照抄上期数据：请核实后重新填报或书面说明",
            en: "All \(compared) flow and year-to-date figures are identical to \(prevPeriod)'s: they look copied from last period"),
            source: row.source)
    }
}
