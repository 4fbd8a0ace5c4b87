import Foundation
import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReference
import RenjuChecks

/// Rules that look further back than one period: `prev(x, k)` (k periods back) and `last_year(x)`
/// (the same period a year earlier, 同比). A unit without the period asked for is skipped and
/// counted as skipped, never passed.
final class LookBackTests: XCTestCase {
    var reference: ReferenceData!
    override func setUpWithError() throws { reference = try testReference() }

    func eval(_ s: String, texts: [String]) throws -> RuleValue {
        try evaluateRule(s, texts: texts, reference: reference)
    }

    func year(_ p: String, garbage: Double, households: Double = 500) -> String {
        cleanTownship(period: p, a: villageValues(households: households, generated: garbage, collected: garbage * 0.9, harmless: garbage * 0.8))
    }

    func testLastYearReadsTheSamePeriodAYearEarlier() throws {
        let texts = [year("2024Q3", garbage: 30), year("2025Q1", garbage: 10), year("2025Q2", garbage: 12), year("2025Q3", garbage: 31)]
        XCTAssertEqual(try eval("last_year(garbage_generated_t)", texts: texts), .number(30))
        XCTAssertEqual(try eval("prev(garbage_generated_t)", texts: texts), .number(12))
        XCTAssertEqual(try eval("prev(garbage_generated_t, 2)", texts: texts), .number(10))
        XCTAssertEqual(try eval("prev(garbage_generated_t, 3)", texts: texts), .missing, "2024Q4 is not in the input: missing, not zero")
        XCTAssertEqual(try eval("abs(garbage_generated_t - last_year(garbage_generated_t)) <= 0.1 * last_year(garbage_generated_t)", texts: texts), .bool(true),
                       "seasonal garbage judged against last year's same quarter")
    }

    func testPeriodArithmetic() {
        XCTAssertEqual(Period(year: 2025, quarter: 3).lastYear, Period(year: 2024, quarter: 3))
        XCTAssertEqual(Period(year: 2025, month: 1).lastYear, Period(year: 2024, month: 1))
        XCTAssertEqual(Period(year: 2025).lastYear, Period(year: 2024))
        XCTAssertEqual(Period(year: 2025, quarter: 1).back(2), Period(year: 2024, quarter: 3))
    }

    func testAMalformedLookBackIsRefusedWhereItIsWritten() {
        for (text, words) in [("prev(households, 0) > 1", "k is how many periods back"), ("prev(households, 2.5) > 1", "whole number"),
                              ("last_year(1) > 1", "takes an indicator id"), ("last_year(households, 2) > 1", "takes 1 argument")] {
            XCTAssertThrowsError(try RuleExpressionParser.parse(text) { self.reference.catalog[$0] != nil }, text) { e in
                XCTAssertTrue("\(e)".contains(words), "\(text): \(e)")
            }
        }
    }

    func testOverSeveralPeriodsBackAndHowLongAFigureHasNotChanged() throws {
        let texts = [year("2024Q4", garbage: 9, households: 500), year("2025Q1", garbage: 10, households: 520),
                     year("2025Q2", garbage: 14, households: 520), year("2025Q3", garbage: 12, households: 520)]
        XCTAssertEqual(try eval("mean_prev(garbage_generated_t, 2)", texts: texts), .number(12))
        XCTAssertEqual(try eval("min_prev(garbage_generated_t, 3)", texts: texts), .number(9))
        XCTAssertEqual(try eval("max_prev(garbage_generated_t, 3)", texts: texts), .number(14))
        XCTAssertEqual(try eval("mean_prev(garbage_generated_t, 4)", texts: texts), .missing, "2024Q3 is not there: missing, not averaged over")
        XCTAssertEqual(try eval("unchanged_for(households)", texts: texts), .number(2), "520 in 2025Q1 and Q2; 500 before")
        XCTAssertEqual(try eval("unchanged_for(garbage_generated_t)", texts: texts), .number(0))
        let gap = [year("2025Q1", garbage: 10, households: 520), year("2025Q3", garbage: 12, households: 520)]
        XCTAssertEqual(try eval("unchanged_for(households)", texts: gap), .number(0), "a missing 2025Q2 ends the count: the gap is not hidden")
    }

    /// A rule that looks back counts the units it could not judge as "not enough history", apart
    /// from units skipped for a blank of this period; so does the comparison with the period before.
    func testUnitsWithoutTheHistoryARuleNeedsAreCountedAsSuch() throws {
        let (ref, _) = try editedReference("rules.yaml") { text in
            text.replacingOccurrences(of: "\nrules:\n", with: """

            rules:
              - id: temporal.garbage_vs_two_back
                title: 垃圾产生量不超过两期前的两倍
                severity: warning
                levels: [village]
                assert: garbage_generated_t <= 2 * prev(garbage_generated_t, 2)

            """)
        }
        // Only the period before is in the input: two back is missing for every village.
        let r = Validator(reference: ref).validate(submissions: [year("2025Q2", garbage: 12), year("2025Q3", garbage: 13)]
            .enumerated().flatMap { readCSV($0.element, file: "f\($0.offset).csv", reference: ref) })
        let id = try XCTUnwrap(ref.checks.userRules.first?.id)
        let summary = try XCTUnwrap(r.ruleSummaries(rules: [id, TemporalCheck.stable]).first)
        XCTAssertEqual(summary.skipped, 2, "the two villages")
        XCTAssertEqual(summary.skippedNoHistory, 2)
        // With nothing earlier at all, the comparison with the period before says the same.
        let alone = Validator(reference: ref).validate(submissions: readCSV(year("2025Q3", garbage: 13), reference: ref))
        let stable = try XCTUnwrap(alone.ruleSummaries(rules: [TemporalCheck.stable]).first)
        XCTAssertEqual(stable.skippedNoHistory, 3, "the township and its two villages")
    }
}
