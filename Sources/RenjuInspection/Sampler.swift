import Foundation
import RenjuModel

/// SplitMix64 (Steele, Lea & Flood 2014): a small generator whose stream depends on the seed only —
/// the same sample on every run and machine (Swift's own generator is neither seeded nor stable).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A uniform number in [0, 1) from the top 53 bits.
    public mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// Chooses units for on-site checks (抽查), as selective editing does: part by risk — systematic
/// sampling with probability proportional to the unit's findings' scores (units whose probability
/// would reach 1 taken with certainty) — and part purely at random from all the units not already
/// chosen, so that honest-looking data is checked too and hit rates stay unbiased. Each unit's
/// inclusion probability in the whole design is recorded:
///   π = π_risk + (1 − π_risk) × n_random ÷ (N − n_risk).
public struct InspectionSampler: Sendable {
    public struct Candidate: Sendable {
        public let unit: UnitCode
        /// The risk: the sum of its findings' scores (0: only the random part can choose it).
        public let score: Double
        public init(unit: UnitCode, score: Double) { self.unit = unit; self.score = score }
    }
    public struct Drawn: Sendable, Equatable {
        public let unit: UnitCode
        public let part: SamplePart
        public let probability: Double
    }

    public let size: Int
    public let randomShare: Double
    public let seed: UInt64

    public init(size: Int, randomShare: Double, seed: UInt64) {
        self.size = size; self.randomShare = randomShare; self.seed = seed
    }

    public func draw(_ all: [Candidate]) -> [Drawn] {
        let units = all.sorted { $0.unit < $1.unit }
        let n = min(max(0, size), units.count)
        guard n > 0 else { return [] }
        var rng = SeededGenerator(seed: seed)
        var nRandom = min(n, Int((Double(n) * randomShare).rounded()))
        var nRisk = n - nRandom
        let eligible = units.indices.filter { units[$0].score > 0 }
        if nRisk > eligible.count { nRandom += nRisk - eligible.count; nRisk = eligible.count }
        // Risk part: inclusion probabilities proportional to the score, certainties first.
        var pRisk = [Double](repeating: 0, count: units.count)
        var certain = Set<Int>()
        while nRisk > 0 {
            let rest = eligible.filter { !certain.contains($0) }
            let k = nRisk - certain.count
            let total = rest.reduce(0) { $0 + units[$1].score }
            guard k > 0, total > 0 else { break }
            let over = rest.filter { Double(k) * units[$0].score / total >= 1 }
            if over.isEmpty {
                for i in rest { pRisk[i] = Double(k) * units[i].score / total }
                break
            }
            certain.formUnion(over)
        }
        for i in certain { pRisk[i] = 1 }
        var chosen = Set<Int>(certain)
        // Systematic selection over the others in code order: one random start, steps of 1.
        let k = nRisk - certain.count
        if k > 0 {
            let start = rng.uniform()
            var next = start, cumulative = 0.0, picked = 0
            for i in eligible where !certain.contains(i) {
                cumulative += pRisk[i]
                while picked < k && next < cumulative - 1e-12 {
                    chosen.insert(i); picked += 1; next += 1
                }
            }
            // Rounding can leave the last step just past the total: the likeliest unit not yet chosen.
            while picked < k, let i = eligible.filter({ !chosen.contains($0) }).max(by: { pRisk[$0] < pRisk[$1] }) {
                chosen.insert(i); picked += 1
            }
        }
        // Random part: a simple random sample of the units not chosen by risk.
        var rest = units.indices.filter { !chosen.contains($0) }
        let take = min(nRandom, rest.count)
        var randomly = Set<Int>()
        for j in 0..<take {
            let r = j + Int(rng.next() % UInt64(rest.count - j))
            rest.swapAt(j, r)
            randomly.insert(rest[j])
        }
        let poolForRandom = Double(units.count - nRisk)
        let pRandom = poolForRandom > 0 ? Double(take) / poolForRandom : 0
        return units.indices.compactMap { i in
            guard chosen.contains(i) || randomly.contains(i) else { return nil }
            let p = min(1, pRisk[i] + (1 - pRisk[i]) * pRandom)
            return Drawn(unit: units[i].unit, part: chosen.contains(i) ? .risk : .random, probability: p)
        }
    }
}
