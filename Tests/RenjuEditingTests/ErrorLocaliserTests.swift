import XCTest
import Foundation
import RenjuTestSupport
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuEditing

/// Error localisation: which figure of a unit with errors to fix, and to what where the rules say.
final class ErrorLocaliserTests: XCTestCase {
    func check(_ texts: [String], reference ref: ReferenceData) -> ValidationResult {
        let subs = texts.enumerated().flatMap { readCSV($0.element, file: "f\($0.offset).csv", reference: ref) }
        return Validator(reference: ref, stages: [ErrorLocaliser(reference: ref)]).validate(submissions: subs)
    }

    func fixes(_ r: ValidationResult, _ unit: String) -> Set<String> {
        Set(r.findings.filter { $0.unit?.rawValue == unit && $0.severity == .error && $0.rule.category != .signoff }.map { f in
            (f.fix ?? []).map { "\($0.indicator)=\($0.value.map(shortestDecimal) ?? "?")" }.joined(separator: " ")
        })
    }

    func testARateAt100GetsItsRecomputedValueAndAWrongTotalGetsTheSum() throws {
        let ref = try testReference()
        var a = villageValues(households: 500, toilets: 400, roadTotal: 13, roadHard: 12)
        a["road_hardening_rate"] = 100  // 12 ÷ 13 = 92.31 %
        let b = villageValues(households: 300, toilets: 210, sewage: 90, roadTotal: 6, roadHard: 5)
        var total = totalValues([villageValues(households: 500, toilets: 400, roadTotal: 13, roadHard: 12), b])
        total["households"] = 820  // the villages add up to 800
        total["sanitary_toilet_rate"] = 610.0 / 820 * 100  // the clerk's rate from the wrong total: 74.39
        total["sanitary_toilet_rate"] = ((total["sanitary_toilet_rate"] ?? 0).map { ($0 * 100).rounded() / 100 })
        total["sewage_treatment_rate"] = ((290.0 / 820 * 100) * 100).rounded() / 100
        let r = check([longCSV(period: "2025Q3", rows: [("640422100000", total), ("640422100201", a), ("640422100202", b)])], reference: ref)
        XCTAssertTrue(r.rules(unit: "640422100201").contains("identity.rate"))
        // A sign-off error is not about a figure: no fix on it.
        XCTAssertTrue(r.findings.filter { $0.rule.category == .signoff }.allSatisfy { $0.fix == nil })
        XCTAssertEqual(fixes(r, "640422100201"), ["road_hardening_rate=92.31"], "the rate, not the measured lengths")
        XCTAssertEqual(fixes(r, "640422100000"), ["households=800 sanitary_toilet_rate=76.25 sewage_treatment_rate=36.25"],
                       "the total's figure → the sum of its villages, and the rates that divide by it")
        XCTAssertEqual(Set(r.findings.filter { $0.unit?.rawValue == "640422100000" && $0.severity == .error && $0.rule.category != .signoff }.map { $0.fixMessage?.zh }),
                       ["建议修改：总户数 → 800，卫生厕所普及率 → 76.25，生活污水治理率 → 36.25"])
        // A unit without an error is never named.
        XCTAssertTrue(r.findings.filter { $0.unit?.rawValue == "640422100202" }.allSatisfy { $0.fix == nil })
        XCTAssertTrue(r.findings.filter { $0.severity != .error }.allSatisfy { $0.fix == nil }, "warnings carry no fix")
    }

    func testAPartOverItsWholeChangesThePartNotTheHouseholdRegisterAndLeavesItsValueOpen() throws {
        let ref = try testReference()
        var a = villageValues(households: 500, toilets: 400)
        a["sanitary_toilet_hh"] = 520
        a["sanitary_toilet_rate"] = 104
        let b = villageValues(households: 300, toilets: 210, sewage: 90, roadTotal: 6, roadHard: 5)
        let r = check([longCSV(period: "2025Q3", rows: [("640422100201", a), ("640422100202", b)])], reference: ref)
        XCTAssertEqual(fixes(r, "640422100201"), ["sanitary_toilet_hh=? sanitary_toilet_rate=?"],
                       "cheapest: the count and its rate (3 + 1) before the households (5 + 1); no value is determined")
        XCTAssertEqual(r.findings.first { $0.unit?.rawValue == "640422100201" && $0.severity == .error }?.fixMessage?.en,
                       "Suggested fix: Households with sanitary toilets (not determined by the rules: verify), Sanitary toilet coverage (not determined by the rules: verify)")
    }

    func testAWholeNumberGivenWithAHalfIsRoundedWhereTheRateDecidesIt() throws {
        let ref = try testReference()
        var a = villageValues(households: 500, toilets: 400)
        a["households"] = 500.5  // 400 ÷ 500 = 80.00 %: only 500 keeps the rate
        let r = check([longCSV(period: "2025Q3", rows: [("640422100201", a)])], reference: ref)
        XCTAssertEqual(fixes(r, "640422100201"), ["households=500"])
    }

    func testTheTimeLimitIsSaidNotHidden() throws {
        var ref = try testReference()
        ref.fixWeights.timeLimit = 0  // spent before the first set is tried
        // A part over its whole needs several sets tried before one works.
        var a = villageValues(households: 500, toilets: 400)
        a["sanitary_toilet_hh"] = 520
        a["sanitary_toilet_rate"] = 104
        let r = check([longCSV(period: "2025Q3", rows: [("640422100201", a)])], reference: ref)
        let f = r.findings.first { $0.rule.description == "identity.part_whole" }
        XCTAssertNil(f?.fix)
        XCTAssertTrue(f?.fixMessage?.en.hasPrefix("Not localised: the time limit of") == true, f?.fixMessage?.en ?? "no message")
        XCTAssertTrue(f?.fixMessage?.zh.hasPrefix("未能定位要修改的数：超过每个单位") == true)
    }

    func testWeightsComeFromTheReferenceFolder() throws {
        let ref = try testReference()
        XCTAssertEqual(ref.fixWeights.indicators["households"], 5)
        XCTAssertEqual(ref.fixWeights.kinds["rate"], 1)
        let dir = try temporaryDirectory()
        let bad = dir.appendingPathComponent("localisation.yaml")
        try "weights:\n  indicators:\n    houshold: 4\n".write(to: bad, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try FixWeightsLoader.load(path: bad.path, catalog: ref.catalog)) { e in
            XCTAssertTrue("\(e)".contains("localisation.yaml:3"), "\(e)")
            XCTAssertTrue("\(e)".contains("houshold"), "\(e)")
        }
    }
}
