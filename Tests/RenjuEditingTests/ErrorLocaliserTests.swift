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

    /// R1: independent slips are independent searches — seven figures typed negative are seven
    /// one-figure groups, each within max_changes, not one search capped at 4 changes.
    func testSevenIndependentNegativesAreEachLocalised() throws {
        let ref = try testReference()
        var a = villageValues()
        let negatives = ["public_toilets_built", "dilapidated_houses_renovated", "garbage_facilities_added", "green_area_added_10k_m2",
                         "investment_10k_yuan", "illegal_area_removed_m2", "garbage_system_covered"]
        for id in negatives { a[id] = -((a[id] ?? 1) ?? 1) - 1 }
        let r = check([longCSV(period: "2025Q3", rows: [("640422100201", a)])], reference: ref)
        let f = try XCTUnwrap(r.findings.first { $0.unit?.rawValue == "640422100201" && $0.rule.description == "range.negative" })
        XCTAssertEqual(Set((f.fix ?? []).map(\.indicator.rawValue)), Set(negatives), f.fixMessage?.zh ?? "no fix")
    }

    /// R2: a value is given only when exactly one admissible value satisfies every rule; 843 and
    /// 844 households both keep the two rates within 0.1 point, so the fix says the range.
    func testTwoAdmissibleValuesAreARangeNotAGuess() throws {
        let ref = try testReference()
        var a = villageValues(households: 843, toilets: 700, sewage: 300)
        a["households"] = 843.5
        a["sanitary_toilet_rate"] = 82.99   // 700/843 = 83.04, 700/844 = 82.94: both within 0.1
        a["sewage_treatment_rate"] = 35.57  // 300/843 = 35.59, 300/844 = 35.55
        let r = check([longCSV(period: "2025Q3", rows: [("640422100201", a)])], reference: ref)
        let f = try XCTUnwrap(r.findings.first { $0.unit?.rawValue == "640422100201" && $0.rule.description == "range.not_whole" })
        let fix = try XCTUnwrap(f.fix?.first)
        XCTAssertEqual(fix.indicator, "households")
        XCTAssertNil(fix.value, "not 844: 843 is as good")
        XCTAssertEqual(fix.low, 843); XCTAssertEqual(fix.high, 844)
        XCTAssertEqual(f.fixMessage?.zh, "建议修改：总户数 → 843–844 之间（规则允许不止一个值，请核实）")
    }

    /// Ties: equally cheap fixes are listed, and the default is the side whose figure moved most
    /// from last period — not always the whole of an identity.
    func testEquallyCheapFixesAreListedAndHistoryDecides() throws {
        var ref = try testReference()
        ref.fixWeights.indicators["road_total_km"] = 3   // as dear as the hardened length: a true tie
        var slip = villageValues(roadTotal: 10, roadHard: 8)
        slip["road_hardened_km"] = 18                    // typed 18 for 8: the part over its whole
        slip["road_hardening_rate"] = 80
        let now = longCSV(period: "2025Q3", rows: [("640422100201", slip)])
        let alone = check([now], reference: ref)
        let f = try XCTUnwrap(alone.findings.first { $0.unit?.rawValue == "640422100201" && $0.rule.description == "identity.part_whole" })
        // The rate (80 %) holds either way: the total → 18 ÷ 0.8 = 22.5 (± the rate's 0.1 point), or
        // the hardened length → 8 — one figure each, equally dear.
        XCTAssertEqual(f.fix?.map(\.indicator.rawValue), ["road_total_km"], "no history: the catalog's order")
        XCTAssertEqual(f.fixMessage?.zh, "建议修改：通村通组公路里程 → 22.48–22.52 之间（规则允许不止一个值，请核实）。同样可行的改法：已硬化公路里程")
        // Last quarter said 10 km and 8 km: the hardened length is the figure that jumped.
        let before = longCSV(period: "2025Q2", rows: [("640422100201", villageValues(roadTotal: 10, roadHard: 8))])
        let withHistory = check([before, now], reference: ref)
        let g = try XCTUnwrap(withHistory.findings.first { $0.unit?.rawValue == "640422100201" && $0.rule.description == "identity.part_whole" })
        XCTAssertEqual(g.fix?.map(\.indicator.rawValue), ["road_hardened_km"])
        XCTAssertEqual(g.fixMessage?.zh, "建议修改：已硬化公路里程 → 8–8.01 之间（规则允许不止一个值，请核实）。同样可行的改法：通村通组公路里程")
    }
}
