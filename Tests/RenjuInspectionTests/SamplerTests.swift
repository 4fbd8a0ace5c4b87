import XCTest
import RenjuModel
import RenjuInspection

/// The sample design: what a statistician checks of it.
final class SamplerTests: XCTestCase {
    let units = (1...60).compactMap { UnitCode("640422100\(String(format: "%03d", 200 + $0))") }

    func testADominantRiskIsCertainAndTheSeedDecides() {
        // One village carries most of the risk; ten others some; the rest none.
        let candidates = units.enumerated().map { k, u in InspectionSampler.Candidate(unit: u, score: k == 0 ? 100 : (k <= 10 ? Double(k) : 0)) }
        let sampler = InspectionSampler(size: 10, randomShare: 0.2, seed: 99)
        let drawn = sampler.draw(candidates)
        XCTAssertEqual(drawn.count, 10)
        XCTAssertEqual(drawn.filter { $0.part == .risk }.count, 8)
        XCTAssertTrue(drawn.contains { $0.unit == units[0] && $0.part == .risk && $0.probability == 1 }, "certain")
        // A randomly drawn village has a probability strictly between 0 and 1 (so its weight is finite).
        XCTAssertEqual(drawn.filter { $0.part == .random }.allSatisfy { $0.probability > 0 && $0.probability < 1 }, true)
        XCTAssertEqual(drawn.map(\.unit), sampler.draw(candidates).map(\.unit), "deterministic for a seed")
        XCTAssertNotEqual(drawn.map(\.unit), InspectionSampler(size: 10, randomShare: 0.2, seed: 100).draw(candidates).map(\.unit))
    }

    func testWhenFewUnitsAreFlaggedTheRestOfTheSampleIsRandom() {
        let candidates = units.enumerated().map { k, u in InspectionSampler.Candidate(unit: u, score: k < 3 ? 1 : 0) }
        let drawn = InspectionSampler(size: 10, randomShare: 0.2, seed: 1).draw(candidates)
        XCTAssertEqual(drawn.filter { $0.part == .risk }.count, 3, "only three units carry any risk")
        XCTAssertEqual(drawn.filter { $0.part == .random }.count, 7)
        // The random part: 7 of the 57 others, each with probability 7/57.
        for d in drawn where d.part == .random { XCTAssertEqual(d.probability, 7.0 / 57.0, accuracy: 1e-12) }
    }

    func testHitRatesWeighEachUnitByItsInverseProbability() {
        let a = units[0], b = units[1], c = units[2]
        let rule = RuleID(.outlier, "ratio")
        let figures = [SampledFigure(unit: a, part: .risk, probability: 0.5, indicator: "households", reported: 10, rules: [rule]),
                       SampledFigure(unit: b, part: .risk, probability: 0.25, indicator: "households", reported: 10, rules: [rule]),
                       SampledFigure(unit: c, part: .random, probability: 0.1, indicator: "households", reported: 10, rules: [])]
        let sample = InspectionSample(id: 1, period: Period(year: 2025, quarter: 3), seed: 1, size: 3, randomShare: 0.2, grouping: .township,
                                      at: "", who: "", figures: figures)
        func result(_ u: UnitCode, _ wrong: Bool) -> InspectionResult {
            InspectionResult(sampleID: 1, period: sample.period, unit: u, indicator: "households", reported: 10, found: wrong ? 12 : 10, wrong: wrong,
                             inspector: "甲", inspectedOn: nil, recordedAt: "", recordedBy: "")
        }
        let h = HitRates.compute(samples: [sample], results: [result(a, true), result(b, false), result(c, true)])
        // a: weight 2, hit; b: weight 4, no hit → 2 / 6.
        XCTAssertEqual(h.rules.first?.rate ?? -1, 2.0 / 6.0, accuracy: 1e-12)
        XCTAssertEqual(h.rules.first?.units, 2)
        XCTAssertEqual(h.missedFigures, 1); XCTAssertEqual(h.missedRate, 1)

        // What the checks learn: the precision shrunk toward the prior 0.5 by 5 pseudo-units —
        // (2/6 × 2 + 0.5 × 5) ÷ (2 + 5) = 0.45238 — and the impact scores weighted by it ÷ 0.5.
        XCTAssertEqual(h.precision(of: rule), (2.0 / 6.0 * 2 + 2.5) / 7, accuracy: 1e-12)
        XCTAssertEqual(h.precision(of: RuleID(.outlier, "hb")), 0.5, "not inspected yet: the prior")
        let findings = [RuleID](arrayLiteral: rule, RuleID(.outlier, "hb")).map { id -> Finding in
            var f = Finding(rule: id, severity: .warning, unit: a, period: sample.period, message: Message(zh: "", en: ""))
            f.score = 10
            return f
        }
        let weighted = h.weighting(findings)
        XCTAssertEqual(weighted.map(\.score), [9.05, 10], "10 × 0.45238 ÷ 0.5 = 9.05; the rule not inspected keeps its score")
    }
}
