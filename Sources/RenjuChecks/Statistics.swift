import Foundation

/// Order statistics used by the detectors.
public enum OrderStatistics {
    public static func median(_ xs: [Double]) -> Double? {
        // By selection, not sorting: linear time on a province's million values.
        var s = xs
        return median(selecting: &s)
    }

    /// `median` of the values in a buffer the caller lends (left reordered): no copy made.
    public static func median(selecting xs: inout [Double]) -> Double? {
        guard !xs.isEmpty else { return nil }
        let n = xs.count
        let hi = select(&xs, n / 2)
        if n % 2 == 1 { return hi }
        return (maxBelow(xs, n / 2) + hi) / 2
    }

    /// The k-th smallest value (0-based); afterwards `xs[..<k]` ≤ `xs[k]` ≤ `xs[(k+1)...]`.
    /// Quickselect with a median-of-three pivot, falling back to a sort when it degenerates.
    public static func select(_ xs: inout [Double], _ k: Int) -> Double {
        guard xs.indices.contains(k) else { return .nan }
        // On the buffer: the partition's swaps are most of the work, each one checked on an array.
        return xs.withUnsafeMutableBufferPointer { xs -> Double in
            var lo = 0, hi = xs.count - 1, rounds = 0
            while lo < hi {
                rounds += 1
                if rounds > 64 { var part = UnsafeMutableBufferPointer(rebasing: xs[lo...hi]); part.sort(); return xs[k] }
                let mid = lo + (hi - lo) / 2
                let a = xs[lo], b = xs[mid], c = xs[hi]
                let pivot = max(min(a, b), min(max(a, b), c))
                // Three-way partition: < pivot, == pivot, > pivot.
                var lt = lo, i = lo, gt = hi
                while i <= gt {
                    let x = xs[i]
                    if x < pivot { xs[i] = xs[lt]; xs[lt] = x; lt += 1; i += 1 }
                    else if x > pivot { xs[i] = xs[gt]; xs[gt] = x; gt -= 1 }
                    else { i += 1 }
                }
                if k < lt { hi = lt - 1 } else if k > gt { lo = gt + 1 } else { return pivot }
            }
            return xs[k]
        }
    }

    /// The largest of `xs[..<k]` after `select(&xs, k)`: the (k−1)-th smallest.
    static func maxBelow(_ xs: [Double], _ k: Int) -> Double {
        var m = -Double.infinity
        for i in 0..<k where xs[i] > m { m = xs[i] }
        return m
    }

    /// The median of values already sorted.
    public static func median(sorted s: [Double]) -> Double? {
        guard !s.isEmpty else { return nil }
        let n = s.count
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    }

    /// The p-quantile by the (n+1)p rule: position h = (n+1)p in the sorted values (1-based),
    /// interpolated between neighbours, clamped to the first and last value.
    public static func quantile(_ xs: [Double], _ p: Double) -> Double? { quantiles(xs, [p])?.first }

    /// Several quantiles (as `quantile` gives each), from one copy of the values: a selection
    /// leaves the copy partly ordered, which the next one uses.
    public static func quantiles(_ xs: [Double], _ ps: [Double]) -> [Double]? {
        guard !xs.isEmpty else { return nil }
        if let tails = tailQuantiles(xs, ps) { return tails }
        let n = xs.count
        var s = xs
        return ps.map { p in
            let h = Double(n + 1) * p
            if h <= 1 { return s.min() ?? .nan }
            if h >= Double(n) { return s.max() ?? .nan }
            let lo = Int(h.rounded(.down))
            // Order statistics lo−1 and lo (0-based): select the upper, the lower is the largest below it.
            let upper = select(&s, lo)
            let lower = maxBelow(s, lo)
            return lower + (h - Double(lo)) * (upper - lower)
        }
    }

    /// `quantiles` of many values where every p is in a tail (1 % and 99 %: the spread of a
    /// province's values), without copying and partitioning them all: one pass keeps the values
    /// at or below a bound, and at or above another, that a sample of the values says hold the
    /// order statistics wanted; these are selected among the kept. Every value outside the bounds
    /// lies beyond every kept one, so the order statistics are the same. Nil when the values are
    /// few, any p is not in a tail, a value is NaN, or the kept are too few (then the caller does
    /// it the plain way).
    static func tailQuantiles(_ xs: [Double], _ ps: [Double]) -> [Double]? {
        let n = xs.count, tail = 0.05
        guard n >= 1 << 14, !ps.isEmpty, ps.allSatisfy({ $0 <= tail || $0 >= 1 - tail }) else { return nil }
        // The order statistics each p needs (0-based ranks lo−1 and lo; the least or the greatest
        // value at the ends): how many of the smallest, and of the largest, are wanted.
        var lowWanted = 1, highWanted = 1
        for p in ps {
            let h = Double(n + 1) * p
            guard h > 1, h < Double(n) else { continue }
            let lo = Int(h.rounded(.down))
            if p <= tail { lowWanted = max(lowWanted, lo + 1) } else { highWanted = max(highWanted, n - lo + 1) }
        }
        // Bounds from an evenly spaced sample, with room to spare (twice the share, and more).
        let m = 2048
        var sample = (0..<m).map { xs[$0 * (n / m)] }
        guard !sample.contains(where: { $0.isNaN }) else { return nil }
        sample.sort()
        let lowAt = min(m - 1, 2 * lowWanted * m / n + 16), highAt = max(0, m - 1 - (2 * highWanted * m / n + 16))
        let lowBound = sample[lowAt], highBound = sample[highAt]
        guard lowBound < highBound else { return nil }
        var low: [Double] = [], high: [Double] = []
        low.reserveCapacity(4 * lowWanted + 64); high.reserveCapacity(4 * highWanted + 64)
        var nan = false
        xs.withUnsafeBufferPointer { xs in
            for x in xs {
                if x <= lowBound { low.append(x) } else if x >= highBound { high.append(x) } else if x.isNaN { nan = true }
            }
        }
        guard !nan, low.count >= lowWanted, high.count >= highWanted else { return nil }
        let aboveLow = n - high.count   // rank of the smallest kept high value
        var out: [Double] = []
        for p in ps {
            let h = Double(n + 1) * p
            if h <= 1 { out.append(low.min() ?? .nan); continue }
            if h >= Double(n) { out.append(high.max() ?? .nan); continue }
            let lo = Int(h.rounded(.down))
            let upper: Double, lower: Double
            if lo < low.count {
                upper = select(&low, lo); lower = maxBelow(low, lo)
            } else if lo - 1 >= aboveLow {
                upper = select(&high, lo - aboveLow); lower = maxBelow(high, lo - aboveLow)
            } else { return nil }
            out.append(lower + (h - Double(lo)) * (upper - lower))
        }
        return out
    }

    /// The p-quantile of values already sorted.
    public static func quantile(sorted s: [Double], _ p: Double) -> Double? {
        guard !s.isEmpty else { return nil }
        let h = Double(s.count + 1) * p
        if h <= 1 { return s[0] }
        if h >= Double(s.count) { return s[s.count - 1] }
        let lo = Int(h.rounded(.down))
        return s[lo - 1] + (h - Double(lo)) * (s[lo] - s[lo - 1])
    }
}

/// The Hidiroglou–Berthelot test on period-to-period ratios (SPEC §5).
public struct HidiroglouBerthelot: Sendable {
    public var u = 0.5
    public var a = 0.05
    public var c = 4.0
    public var minUnits = 5
    /// Materiality: an outlier's ratio must also differ from the median ratio by this fraction
    /// (0.2: 20 %), and its figure from last period's × the median ratio by `minAbsolute` (in the
    /// indicator's units). HB's interval narrows when a level's ratios are tight: improbable is not
    /// enough, the change must matter.
    public var minRelative = 0.0
    public var minAbsolute = 0.0
    /// Figures identical to last period's left out (the checks' use); false: the textbook test.
    public var excludeRepeats = true

    public init(u: Double = 0.5, a: Double = 0.05, c: Double = 4, minUnits: Int = 5, minRelative: Double = 0, minAbsolute: Double = 0,
                excludeRepeats: Bool = true) {
        self.u = u; self.a = a; self.c = c; self.minUnits = minUnits; self.minRelative = minRelative; self.minAbsolute = minAbsolute
        self.excludeRepeats = excludeRepeats
    }

    public struct Result: Sendable, Equatable {
        public let index: Int
        public let ratio: Double
        public let effect: Double
        public let low: Double
        public let high: Double
        /// Far enough from the median ratio, and by enough of the indicator's units, to matter.
        public var material = true
        public var isOutlier: Bool { (effect < low || effect > high) && material }
    }

    public struct Summary: Sendable {
        public let medianRatio: Double
        public let results: [Result]
        public var outliers: [Result] { results.filter(\.isOutlier) }
    }

    /// `pairs[i] = (x(t), x(t−1))`; units without positive values in both periods are left out,
    /// and so are figures identical to last period's (a repetition is judged by the repetition
    /// checks; left in, a level that mostly repeats makes every honest change look extreme).
    /// Nil when fewer than `minUnits` units qualify.
    public func run(_ pairs: [(current: Double, previous: Double)]) -> Summary? {
        let usable = pairs.enumerated().filter {
            $0.element.current > 0 && $0.element.previous > 0 && !(excludeRepeats && $0.element.current == $0.element.previous)
        }
        guard usable.count >= minUnits else { return nil }
        let ratios = usable.map { $0.element.current / $0.element.previous }
        guard let rM = OrderStatistics.median(ratios) else { return nil }
        let effects: [Double] = zip(usable, ratios).map { item, r in
            let s = r < rM ? 1 - rM / r : r / rM - 1
            return s * pow(max(item.element.current, item.element.previous), u)
        }
        guard let m = OrderStatistics.median(effects), let q1 = OrderStatistics.quantile(effects, 0.25),
              let q3 = OrderStatistics.quantile(effects, 0.75) else { return nil }
        let dL = max(m - q1, abs(a * m)), dR = max(q3 - m, abs(a * m))
        let low = m - c * dL, high = m + c * dR
        let results = zip(usable, zip(ratios, effects)).map { item, re in
            var r = Result(index: item.offset, ratio: re.0, effect: re.1, low: low, high: high)
            let expected = item.element.previous * rM
            r.material = abs(re.0 / rM - 1) >= minRelative && abs(item.element.current - expected) >= minAbsolute
            return r
        }
        return Summary(medianRatio: rM, results: results)
    }
}

/// The robust z-score `0.6745 × (x − median) / MAD` (SPEC §5).
public struct RobustScore: Sendable {
    public var threshold = 3.5
    public var minUnits = 5
    public init(threshold: Double = 3.5, minUnits: Int = 5) { self.threshold = threshold; self.minUnits = minUnits }

    /// Scores per value; nil when there are too few values or the MAD is 0.
    public func scores(_ xs: [Double]) -> (median: Double, mad: Double, scores: [Double])? {
        guard xs.count >= minUnits, let med = OrderStatistics.median(xs),
              let mad = OrderStatistics.median(xs.map { abs($0 - med) }), mad > 0 else { return nil }
        return (med, mad, xs.map { 0.6745 * ($0 - med) / mad })
    }
}

/// First-digit Benford conformity by Nigrini's mean absolute deviation.
public struct Benford: Sendable {
    public enum Verdict: String, Sendable { case close, acceptable, marginal, nonconformity }
    public var minValues = 100
    public init(minValues: Int = 100) { self.minValues = minValues }

    public static let expected: [Double] = (1...9).map { log10(1 + 1 / Double($0)) }

    public static func firstDigit(_ x: Double) -> Int? {
        var v = abs(x)
        guard v.isFinite, v > 0 else { return nil }
        while v >= 10 { v /= 10 }
        while v < 1 { v *= 10 }
        let d = Int(v.rounded(.down))
        return (1...9).contains(d) ? d : nil
    }

    /// Proportions of first digits 1–9, MAD against Benford, and Nigrini's verdict
    /// (≤ 0.006 close, ≤ 0.012 acceptable, ≤ 0.015 marginal, above: nonconformity).
    public func test(_ xs: [Double]) -> (count: Int, proportions: [Double], mad: Double, verdict: Verdict)? {
        let digits = xs.compactMap(Benford.firstDigit)
        guard digits.count >= minValues else { return nil }
        var counts = Array(repeating: 0.0, count: 9)
        for d in digits { counts[d - 1] += 1 }
        let props = counts.map { $0 / Double(digits.count) }
        let mad = zip(props, Benford.expected).map { abs($0 - $1) }.reduce(0, +) / 9
        let verdict: Verdict = mad <= 0.006 ? .close : mad <= 0.012 ? .acceptable : mad <= 0.015 ? .marginal : .nonconformity
        return (digits.count, props, mad, verdict)
    }
}
