import Foundation
import RenjuModel

/// `temporal.*` against the previous period: a non-decreasing stock that fell and a year-to-date
/// figure that fell within the year (负增长, errors); a stable stock that moved more than its
/// percentage (warning).
public struct TemporalCheck: Check {
    public static let decrease = RuleID(.temporal, "decrease")
    public static let ytdDecrease = RuleID(.temporal, "ytd_decrease")
    public static let stable = RuleID(.temporal, "stable")

    public init() {}
    public var rules: [(id: RuleID, severity: Severity, title: Message)] {
        [(Self.decrease, .error, Message(zh: "存量指标负增长", en: "Stock fell")),
         (Self.ytdDecrease, .error, Message(zh: "累计指标年内减少", en: "Year-to-date figure fell")),
         (Self.stable, .warning, Message(zh: "稳定指标变动过大", en: "Stable figure moved too much"))]
    }
    public var explanation: Message {
        Message(zh: "与上期比较：卫生厕所户数等只增不减的存量不能减少；本年累计数在年内不能减少；总户数、公路里程等稳定指标的变动不能超过规定百分比。",
                en: "Against the previous period: non-decreasing stocks must not fall; year-to-date figures must not fall within the year; stable stocks must not move more than their percentage.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        var out: [Finding] = []
        let prevPeriod = ctx.period.previous
        let sameYear = prevPeriod.year == ctx.period.year
        for sub in ctx.submissions {
            for row in sub.rows {
                let u = row.code
                for ind in ctx.catalog.indicators {
                    guard let o = sub.values.observation(u, ind.id), let prev = ctx.previous(u, ind.id) else { continue }
                    let cur = o.value
                    switch ind.kind {
                    case .stock(.nonDecreasing):
                        if cur < prev - 1e-9 * max(1, abs(prev)) {
                            out += [ctx.finding(Self.decrease, .error, unit: u, sub: sub, indicator: ind.id, value: cur, expected: prev, message: Message(
                                zh: "\(ind.name)从上期（\(prevPeriod)）的 \(figure(prev, ind))\(ind.unit) 减少到 \(figure(cur, ind))\(ind.unit)（负增长 \(figure(prev - cur, ind))）：该指标只增不减，请核对本期或上期数据",
                                en: "\(ind.englishName) fell from \(figure(prev, ind)) \(ind.unit) in \(prevPeriod) to \(figure(cur, ind)) (−\(figure(prev - cur, ind))); it must not decrease"),
                                source: o.source)].compactMap { $0 }
                        }
                    case let .stock(.stable(pct)):
                        guard prev > 0, cur >= 0 else { continue }
                        let change = (cur - prev) / prev * 100
                        if abs(change) > pct + 1e-9 {
                            out += [ctx.finding(Self.stable, .warning, unit: u, sub: sub, indicator: ind.id, value: cur, expected: prev, message: Message(
                                zh: "\(ind.name)由上期（\(prevPeriod)）的 \(figure(prev, ind))\(ind.unit) 变为 \(figure(cur, ind))\(ind.unit)，变动 \(String(format: "%+.1f", change))%，超过 ±\(shortestDecimal(pct))%：请核实并说明原因",
                                en: "\(ind.englishName) moved from \(figure(prev, ind)) in \(prevPeriod) to \(figure(cur, ind)) (\(String(format: "%+.1f", change))%), more than ±\(shortestDecimal(pct))%: confirm and explain"),
                                source: o.source)].compactMap { $0 }
                        }
                    case .ytd where sameYear:
                        if cur < prev - 1e-9 * max(1, abs(prev)) {
                            out += [ctx.finding(Self.ytdDecrease, .error, unit: u, sub: sub, indicator: ind.id, value: cur, expected: prev, message: Message(
                                zh: "\(ind.name)是本年累计数，上期（\(prevPeriod)）已累计 \(figure(prev, ind))\(ind.unit)，本期却只有 \(figure(cur, ind))\(ind.unit)：累计数在年内不能减少，请核对",
                                en: "\(ind.englishName) is a year-to-date figure: \(figure(prev, ind)) by \(prevPeriod) but only \(figure(cur, ind)) now; it cannot fall within the year"),
                                source: o.source)].compactMap { $0 }
                        }
                    default:
                        continue
                    }
                }
            }
        }
        return out
    }
}
