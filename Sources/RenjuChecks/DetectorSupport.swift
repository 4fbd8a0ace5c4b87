import Foundation
import RenjuModel
import RenjuReference

// Detectors of consistent fabrication: figures that satisfy every identity but are implausible
// against the unit's size, its own history or its peers. Each reports a warning with the numbers
// that make it so; parameters are in rules.yaml.

/// Robust location and scale: the median and the MAD scaled to a standard deviation (× 1.4826).
enum Robust {
    static func center(_ xs: [Double]) -> (median: Double, scale: Double)? {
        guard let m = OrderStatistics.median(xs), let mad = OrderStatistics.median(xs.map { abs($0 - m) }) else { return nil }
        return (m, mad * 1.4826)
    }

    /// The upper tail P(X ≥ k) of a binomial(n, p), in log space (no overflow at n in the thousands).
    static func binomialTail(_ k: Int, _ n: Int, _ p: Double) -> Double {
        guard k > 0 else { return 1 }
        guard k <= n, p > 0 else { return 0 }
        guard p < 1 else { return 1 }
        let lp = log(p), lq = log(1 - p)
        let ln: Double = lgamma(Double(n + 1))
        var total = 0.0
        for j in k...n {
            let l = ln - lgamma(Double(j + 1)) - lgamma(Double(n - j + 1)) + Double(j) * lp + Double(n - j) * lq
            total += exp(l)
        }
        return min(1, total)
    }
}

/// Where one unit's figures are, in the checked period and the two before it: indices only, so
/// that making one for each of half a million units copies nothing (a `Submission` or the context
/// copied per unit cost more than the checks).
struct UnitFigures {
    let unit: UnitCode
    // Kept in 32 bits (-1: none): a detector holds one of these for every village of a province, two
    // detectors at a time — 24 bytes each, not 64.
    private let submission: Int32, rowAt: Int32, prevRowAt: Int32, earlierRowAt: Int32

    /// The unit's submission (an index into the context's).
    var s: Int { Int(submission) }
    var row: Int? { rowAt < 0 ? nil : Int(rowAt) }
    var prevRow: Int? { prevRowAt < 0 ? nil : Int(prevRowAt) }
    var earlierRow: Int? { earlierRowAt < 0 ? nil : Int(earlierRowAt) }

    private static func packed(_ r: Int?) -> Int32 { r.map { Int32(truncatingIfNeeded: $0) } ?? -1 }

    init(_ ctx: CheckContext, _ u: (unit: UnitCode, submission: Int)) {
        unit = u.unit; submission = Int32(truncatingIfNeeded: u.submission)
        rowAt = Self.packed(ctx.submissions[u.submission].values.row(of: u.unit))
        prevRowAt = Self.packed(ctx.previousValues.row(of: u.unit))
        earlierRowAt = Self.packed(ctx.earlierValues.row(of: u.unit))
    }

    /// The k-th unit of a level, from the level's index (no lookups).
    init(_ u: (unit: UnitCode, submission: Int), _ index: LevelIndex, _ k: Int) {
        unit = u.unit; submission = Int32(truncatingIfNeeded: u.submission)
        rowAt = Self.packed(index.rows[k]); prevRowAt = Self.packed(index.prevRows[k]); earlierRowAt = Self.packed(index.earlierRows[k])
    }

    /// Every unit of a level.
    static func all(_ ctx: CheckContext, _ level: Level, _ units: [(unit: UnitCode, submission: Int)]) -> [UnitFigures] {
        let index = ctx.levelIndex(at: level)
        return units.indices.map { UnitFigures(units[$0], index, $0) }
    }

}

/// Reads figures by column for `UnitFigures`: each submission's column of each indicator (by the
/// indicator's slot), and the previous periods' columns, resolved once for every check.
struct FigureReader: Sendable {
    let subs: [Submission]
    /// Each submission's figures, held apart: reading `subs[i].values` copied them on every call.
    let values: [PeriodValues]
    let prev: PeriodValues
    let earlier: PeriodValues
    let history: Dataset
    let period: Period
    /// [slot][submission] → column.
    let subCols: [[Int?]]
    /// [slot][submission] → the column's entries (read without a call or a copy per figure).
    let subData: [[[Double]]]
    /// [slot] → the previous and the earlier period's column entries.
    let prevData: [[Double]]
    let earlierData: [[Double]]
    let prevCols: [Int?]
    let earlierCols: [Int?]

    init(_ ctx: CheckContext) {
        subs = ctx.submissions; values = ctx.submissions.map(\.values); prev = ctx.previousValues; earlier = ctx.earlierValues; history = ctx.history; period = ctx.period
        let ids = ctx.catalog.indicators.map(\.id)
        let n = (ids.map { Int($0.slot) }.max() ?? -1) + 1
        var sc = Array(repeating: [Int?](), count: n), pc = Array(repeating: Int?.none, count: n), ec = pc
        for id in ids {
            let k = Int(id.slot)
            sc[k] = ctx.submissions.map { $0.values.column(for: id) }
            pc[k] = ctx.previousValues.column(for: id); ec[k] = ctx.earlierValues.column(for: id)
        }
        subCols = sc; prevCols = pc; earlierCols = ec
        let vals = values
        subData = sc.map { cols in cols.isEmpty ? [] : cols.enumerated().map { i, c in c.map { vals[i].columnValues($0) } ?? [] } }
        let p = ctx.previousValues, e = ctx.earlierValues
        prevData = pc.map { c in c.map { p.columnValues($0) } ?? [] }
        earlierData = ec.map { c in c.map { e.columnValues($0) } ?? [] }
    }

    @inline(__always) func now(_ f: UnitFigures, _ id: IndicatorID) -> Double? { now(f, slot: Int(id.slot)) }

    /// `now` of an indicator given by its interned number (`IndicatorID.slot`): for a loop over
    /// every unit that would otherwise count each indicator in and out.
    @inline(__always) func now(_ f: UnitFigures, slot k: Int) -> Double? {
        guard k >= 0, k < subData.count, let r = f.row else { return nil }
        return subData[k].withUnsafeBufferPointer { bySub -> Double? in
            guard f.s < bySub.count else { return nil }
            return bySub[f.s].withUnsafeBufferPointer { col in r < col.count ? PeriodValues.figure(col[r]) : nil }
        }
    }

    /// The figure `back` periods before the checked one (1: the previous period).
    @inline(__always) func before(_ f: UnitFigures, _ id: IndicatorID, _ back: Int) -> Double? {
        let k = Int(id.slot)
        guard k >= 0, k < prevCols.count else { return nil }
        switch back {
        case 1, 2:
            return before(f, slot: k, back)
        default:
            var p = period
            for _ in 0..<back { p = p.previous }
            return history[p]?[f.unit, id]
        }
    }

    /// `before` one or two periods back, of an indicator given by its interned number (nil for any other `back`).
    @inline(__always) func before(_ f: UnitFigures, slot k: Int, _ back: Int) -> Double? {
        guard k >= 0, k < prevCols.count else { return nil }
        switch back {
        case 1:
            guard let r = f.prevRow else { return nil }
            return prevData.withUnsafeBufferPointer { d in d[k].withUnsafeBufferPointer { col in r < col.count ? PeriodValues.figure(col[r]) : nil } }
        case 2:
            guard let r = f.earlierRow else { return nil }
            return earlierData.withUnsafeBufferPointer { d in d[k].withUnsafeBufferPointer { col in r < col.count ? PeriodValues.figure(col[r]) : nil } }
        default:
            return nil
        }
    }

    /// This period's figure; for a rate left blank, the rate of its parts.
    func nowOrRate(_ f: UnitFigures, _ ind: Indicator) -> Double? {
        if let x = now(f, ind.id) { return x }
        guard case let .rate(n, d) = ind.kind else { return nil }
        return RollUp.rate(numerator: now(f, n), denominator: now(f, d))
    }

    func source(_ f: UnitFigures, _ id: IndicatorID) -> SourceRef? { subs[f.s].values.observation(f.unit, id)?.source }
}

extension CheckContext {
    /// The figure reader, built once for every check.
    var figures: FigureReader { shared.reader { FigureReader(self) } }
}

/// The detectors' arithmetic, public for tests and for anyone checking a finding by hand.
public enum DetectorMath {
    public static func binomialTail(_ k: Int, _ n: Int, _ p: Double) -> Double { Robust.binomialTail(k, n, p) }
}
