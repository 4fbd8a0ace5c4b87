import Foundation
import RenjuModel

/// How often each rule's findings were right, from what inspectors found (Horvitz–Thompson
/// weights: each inspected unit counts 1 ÷ its inclusion probability, so that the risk part's
/// preference for flagged units does not bias the estimate), and what the rules miss: the share
/// of un-flagged figures found wrong in the random part.
public struct HitRates: Sendable {
    public struct Rule: Sendable, Equatable {
        public let rule: RuleID
        /// Inspected units the rule had flagged, and those found wrong where it pointed.
        public let units: Int
        public let hits: Int
        /// Σ hit ÷ π over Σ 1 ÷ π (a Hájek ratio of Horvitz–Thompson totals).
        public let rate: Double
        /// The periods these inspections cover.
        public let periods: Int
        /// Persistently near zero: at least `minUnits` units over at least two periods, rate below `relaxBelow`.
        public let relaxCandidate: Bool
    }
    public let rules: [Rule]
    /// The random part's un-flagged figures: inspected, found wrong, the weighted share.
    public let missedFigures: Int
    public let missedWrong: Int
    public let missedRate: Double?

    public static func compute(samples: [InspectionSample], results: [InspectionResult], minUnits: Int = 10, relaxBelow: Double = 0.1) -> HitRates {
        // The latest result for each figure of each sample.
        var latest: [String: InspectionResult] = [:]
        for r in results { latest["\(r.sampleID)|\(r.unit)|\(r.indicator)"] = r }
        struct Tally { var weight = 0.0, hitWeight = 0.0, units = 0, hits = 0, periods = Set<Period>() }
        var byRule: [RuleID: Tally] = [:]
        var missedW = 0.0, missedWrongW = 0.0, missed = 0, missedWrong = 0
        for s in samples {
            guard let id = s.id else { continue }
            var figuresByUnit: [UnitCode: [SampledFigure]] = [:]
            for f in s.figures { figuresByUnit[f.unit, default: []].append(f) }
            // Units in code order: the weights are summed in one order on every run (floating-point
            // sums in a dictionary's order could differ in their last digit).
            for unit in figuresByUnit.keys.sorted() {
                let figures = figuresByUnit[unit] ?? []
                let checked = figures.compactMap { f in latest["\(id)|\(unit)|\(f.indicator)"].map { (f, $0) } }
                guard !checked.isEmpty, let p = figures.first?.probability, p > 0 else { continue }
                let w = 1 / p
                for rule in Set(checked.flatMap { $0.0.rules }) {
                    let hit = checked.contains { $0.0.rules.contains(rule) && $0.1.wrong }
                    var t = byRule[rule] ?? Tally()
                    t.weight += w; t.units += 1; t.periods.insert(s.period)
                    if hit { t.hitWeight += w; t.hits += 1 }
                    byRule[rule] = t
                }
                if figures.first?.part == .random {
                    for (f, r) in checked where f.rules.isEmpty {
                        missed += 1; missedW += w
                        if r.wrong { missedWrong += 1; missedWrongW += w }
                    }
                }
            }
        }
        let rules = byRule.map { rule, t -> Rule in
            let rate = t.weight > 0 ? t.hitWeight / t.weight : 0
            return Rule(rule: rule, units: t.units, hits: t.hits, rate: rate, periods: t.periods.count,
                        relaxCandidate: t.units >= minUnits && t.periods.count >= 2 && rate < relaxBelow)
        }.sorted { ($0.rate, $0.rule.description) < ($1.rate, $1.rule.description) }
        return HitRates(rules: rules, missedFigures: missed, missedWrong: missedWrong, missedRate: missedW > 0 ? missedWrongW / missedW : nil)
    }

    // MARK: learning from inspections

    /// The precision assumed for a rule no inspection has judged yet: one flag in two points at a
    /// figure an inspector finds wrong. Inspected rules move from it as evidence builds up.
    public static let priorPrecision = 0.5
    /// How many inspected units the prior weighs as (a rule judged on 5 units is halfway to its own rate).
    public static let priorStrength = 5.0

    /// A rule's estimated precision: its weighted hit rate shrunk toward the prior by how few
    /// units were inspected — (rate × units + prior × strength) ÷ (units + strength).
    public func precision(of rule: RuleID) -> Double {
        guard let r = rules.first(where: { $0.rule == rule }), r.units > 0 else { return Self.priorPrecision }
        return (r.rate * Double(r.units) + Self.priorPrecision * Self.priorStrength) / (Double(r.units) + Self.priorStrength)
    }

    /// The factor a rule's findings' impact scores are multiplied by: its precision over the prior
    /// (1 for a rule not yet inspected; up to 2 for one always right; toward 0 for one never right).
    public func weight(of rule: RuleID) -> Double { precision(of: rule) / Self.priorPrecision }

    /// Findings with their impact scores weighted by their rules' estimated precision — what the
    /// 先看这些 list and the next sample's risk then rank by. Unchanged where nothing was inspected.
    public func weighting(_ findings: [Finding]) -> [Finding] {
        guard !rules.isEmpty else { return findings }
        return findings.map { f in
            guard let s = f.score else { return f }
            var g = f
            g.score = (s * weight(of: f.rule) * 100).rounded() / 100
            return g
        }
    }
}
