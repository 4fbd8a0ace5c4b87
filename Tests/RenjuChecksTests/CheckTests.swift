import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReading
import RenjuReference
import RenjuChecks

/// Each check with a passing and a failing case, on a small township of the test county.
final class CheckTests: XCTestCase {
    var reference: ReferenceData!
    override func setUpWithError() throws { reference = try testReference() }

    let village = "640422100201"
    let town = "640422100000"

    func testACleanTownshipHasNoFindings() {
        let r = validate([cleanTownship()], reference: reference, signOffs: signOffCSV())
        XCTAssertEqual(r.findings.map { "\($0.rule) \($0.unit?.rawValue ?? "") \($0.message.en)" }, [])
        XCTAssertEqual(r.summary.units, 3)
        XCTAssertFalse(r.hasOpenError)
    }

    // MARK: format

    func testUnknownUnitCode() {
        let text = cleanTownship() + "2025Q3,640422100299,households,10\n"
        let r = validate([text], reference: reference)
        XCTAssertTrue(r.rules(unit: "640422100299").contains("format.unknown_unit"))
        XCTAssertTrue(r.hasOpenError)
    }

    func testNameThatDisagreesWithTheCodeIsAWarning() throws {
        let ok = "报告期：2025Q3\n区划代码,单位名称,总户数\n640422100201,甲村村委会,300\n"
        let bad = "报告期：2025Q3\n区划代码,单位名称,总户数\n640422100201,丙村,300\n"
        let sub1 = readCSV(ok, reference: reference), sub2 = readCSV(bad, reference: reference)
        XCTAssertFalse(Validator(reference: reference).validate(submissions: sub1).rules().contains("format.name_mismatch"))
        let r = Validator(reference: reference).validate(submissions: sub2)
        let f = try XCTUnwrap(r.findings.first { $0.rule.description == "format.name_mismatch" })
        XCTAssertEqual(f.severity, .warning)
        XCTAssertTrue(f.message.zh.contains("甲村") && f.message.zh.contains("丙村"))
    }

    // MARK: completeness

    func testMissingVillageRow() throws {
        let a = villageValues()
        let text = longCSV(period: "2025Q3", rows: [(town, totalValues([a])), (village, a)])
        let r = validate([text], reference: reference)
        let f = try XCTUnwrap(r.findings.first { $0.rule.description == "completeness.missing_unit" })
        XCTAssertEqual(f.unit?.rawValue, "640422100202")
        XCTAssertEqual(f.severity, .error)
    }

    func testBlankRequiredValueButBlankRateIsFine() throws {
        var a = villageValues()
        a["sanitary_toilet_rate"] = nil  // a rate may be left blank
        let b = villageValues(households: 300, toilets: 210)
        var t = totalValues([a, villageValues(households: 300, toilets: 210)])
        t["sanitary_toilet_rate"] = 76.25
        let clean = longCSV(period: "2025Q3", rows: [(town, t), (village, a), ("640422100202", b)])
        XCTAssertFalse(validate([clean], reference: reference).rules().contains("completeness.missing_value"))
        a["cleaners"] = nil
        let text = longCSV(period: "2025Q3", rows: [(town, t), (village, a), ("640422100202", b)])
        let r = validate([text], reference: reference)
        let f = try XCTUnwrap(r.findings.first { $0.rule.description == "completeness.missing_value" })
        XCTAssertEqual(f.unit?.rawValue, village)
        XCTAssertEqual(f.indicator, "cleaners")
    }

    func testVillagesWithoutTheirTotalRow() {
        let a = villageValues(), b = villageValues(households: 300, toilets: 200)
        let text = longCSV(period: "2025Q3", rows: [(village, a), ("640422100202", b)])
        XCTAssertTrue(validate([text], reference: reference).rules(unit: town).contains("completeness.missing_total"))
    }

    // MARK: range

    func testNegativeCount() {
        XCTAssertTrue(validate([cleanTownship(a: villageValues(cleaners: -4))], reference: reference).rules(unit: village).contains("range.negative"))
    }

    func testRateAbove100() {
        var a = villageValues()
        a["road_hardening_rate"] = 104
        let r = validate([cleanTownship(a: a)], reference: reference)
        XCTAssertTrue(r.rules(unit: village).contains("range.rate"))
    }

    func testCountThatIsNotWhole() throws {
        let r = validate([cleanTownship(a: villageValues(households: 500.5))], reference: reference)
        let f = try XCTUnwrap(r.findings.first { $0.rule.description == "range.not_whole" && $0.unit?.rawValue == village })
        XCTAssertEqual(f.indicator, "households")
        XCTAssertEqual(f.value, 500.5)
        // Kilometres may have decimals.
        XCTAssertFalse(validate([cleanTownship(a: villageValues(roadTotal: 10.25, roadHard: 8.5))], reference: reference)
            .rules().contains("range.not_whole"))
    }

    func testVillageFlagMustBeYesOrNo() {
        XCTAssertTrue(validate([cleanTownship(a: villageValues(covered: 2))], reference: reference).rules(unit: village).contains("range.flag"))
    }

    // MARK: identity

    func testPartGreaterThanWhole() throws {
        let r = validate([cleanTownship(a: villageValues(roadTotal: 10, roadHard: 11))], reference: reference)
        let f = try XCTUnwrap(r.findings.first { $0.rule.description == "identity.part_whole" && $0.unit?.rawValue == village })
        XCTAssertEqual(f.indicator, "road_hardened_km")
        XCTAssertEqual(f.expected, 10)
    }

    func testRateThatDisagreesWithItsParts() throws {
        var a = villageValues(roadTotal: 14.79, roadHard: 14.49)
        a["road_hardening_rate"] = 100
        let r = validate([cleanTownship(a: a)], reference: reference)
        let f = try XCTUnwrap(r.findings.first { $0.rule.description == "identity.rate" && $0.unit?.rawValue == village })
        XCTAssertEqual(f.value, 100)
        XCTAssertEqual(f.expected, 97.97)
        XCTAssertTrue(f.message.zh.contains("97.97"), f.message.zh)
        // Within 0.1 point is rounding, not an error.
        var b = villageValues()
        b["sanitary_toilet_rate"] = 80.08
        XCTAssertFalse(validate([cleanTownship(a: b)], reference: reference).rules(unit: village).contains("identity.rate"))
    }

    func testRateReportedWhereTheDenominatorIsZero() {
        var a = villageValues(generated: 0, collected: 0, harmless: 0)
        a["garbage_collection_rate"] = 0
        XCTAssertTrue(validate([cleanTownship(a: a)], reference: reference).rules(unit: village).contains("identity.rate_undefined"))
        a["garbage_collection_rate"] = nil
        a["garbage_harmless_rate"] = nil
        XCTAssertFalse(validate([cleanTownship(a: a)], reference: reference).rules(unit: village).contains("identity.rate_undefined"))
    }

    func testBuildingsRemovedWithoutArea() {
        XCTAssertTrue(validate([cleanTownship(a: villageValues(removed: 3, area: 0))], reference: reference).rules(unit: village).contains("identity.requires"))
        XCTAssertFalse(validate([cleanTownship(a: villageValues(removed: 0, area: 0))], reference: reference).rules(unit: village).contains("identity.requires"))
    }

    // MARK: aggregate

    func testTotalThatIsNotTheSum() throws {
        let a = villageValues(), b = villageValues(households: 300, toilets: 210)
        var t = totalValues([a, b])
        t["households"] = 837  // 800 + 37
        let r = validate([longCSV(period: "2025Q3", rows: [(town, t), (village, a), ("640422100202", b)])], reference: reference)
        let f = try XCTUnwrap(r.findings.first { $0.rule.description == "aggregate.sum" })
        XCTAssertEqual(f.unit?.rawValue, town)
        XCTAssertEqual(f.value, 837)
        XCTAssertEqual(f.expected, 800)
    }

    func testTotalRateThatIsAnAverageOfRates() throws {
        let a = villageValues(households: 500, toilets: 450), b = villageValues(households: 100, toilets: 50)
        var t = totalValues([a, b])
        XCTAssertEqual(t["sanitary_toilet_rate"] ?? nil, 83.33)
        t["sanitary_toilet_rate"] = 70  // (90 + 50) / 2
        let r = validate([longCSV(period: "2025Q3", rows: [(town, t), (village, a), ("640422100202", b)])], reference: reference)
        let f = try XCTUnwrap(r.findings.first { $0.rule.description == "aggregate.rate" })
        XCTAssertEqual(f.expected, 83.33)
        XCTAssertTrue(f.message.zh.contains("平均"), "the message says the rate was averaged: \(f.message.zh)")
    }

    func testFlagTotalIsTheCountOfYes() {
        let a = villageValues(covered: 1), b = villageValues(households: 300, toilets: 210, covered: 0)
        var t = totalValues([a, b])
        XCTAssertEqual(t["garbage_system_covered"] ?? nil, 1)
        XCTAssertFalse(validate([longCSV(period: "2025Q3", rows: [(town, t), (village, a), ("640422100202", b)])], reference: reference).rules().contains("aggregate.sum"))
        t["garbage_system_covered"] = 2
        XCTAssertTrue(validate([longCSV(period: "2025Q3", rows: [(town, t), (village, a), ("640422100202", b)])], reference: reference).rules(unit: town).contains("aggregate.sum"))
    }

    // MARK: temporal

    func testStockThatFellIsAnError() throws {
        let before = cleanTownship(period: "2025Q2", a: villageValues(toilets: 422))
        let now = cleanTownship(period: "2025Q3", a: villageValues(toilets: 374))
        let r = validate([before, now], reference: reference)
        XCTAssertEqual(r.period, Period(year: 2025, quarter: 3))
        let f = try XCTUnwrap(r.findings.first { $0.rule.description == "temporal.decrease" && $0.unit?.rawValue == village })
        XCTAssertEqual(f.value, 374)
        XCTAssertEqual(f.expected, 422)
        XCTAssertEqual(f.severity, .error)
        // Growth is fine.
        XCTAssertFalse(validate([cleanTownship(period: "2025Q2", a: villageValues(toilets: 374)), cleanTownship(period: "2025Q3", a: villageValues(toilets: 422))], reference: reference).rules().contains("temporal.decrease"))
    }

    func testYearToDateFellWithinTheYearButResetsInJanuary() {
        let q2 = cleanTownship(period: "2025Q2", a: villageValues(investment: 77.1))
        let q3 = cleanTownship(period: "2025Q3", a: villageValues(investment: 46.3))
        XCTAssertTrue(validate([q2, q3], reference: reference).rules(unit: village).contains("temporal.ytd_decrease"))
        let q4 = cleanTownship(period: "2024Q4", a: villageValues(investment: 177.1))
        let q1 = cleanTownship(period: "2025Q1", a: villageValues(investment: 20))
        XCTAssertFalse(validate([q4, q1], reference: reference).rules().contains("temporal.ytd_decrease"))
    }

    func testStableStockThatMovedTooMuchIsAWarning() throws {
        let q2 = cleanTownship(period: "2025Q2", a: villageValues(households: 500, toilets: 400))
        let small = cleanTownship(period: "2025Q3", a: villageValues(households: 505, toilets: 400))
        XCTAssertFalse(validate([q2, small], reference: reference).rules(unit: village).contains("temporal.stable"))
        let big = cleanTownship(period: "2025Q3", a: villageValues(households: 600, toilets: 400))
        let f = try XCTUnwrap(validate([q2, big], reference: reference).findings.first { $0.rule.description == "temporal.stable" && $0.unit?.rawValue == village })
        XCTAssertEqual(f.severity, .warning)
        XCTAssertTrue(f.message.zh.contains("+20.0%"), f.message.zh)
    }

    func testEnglishMessages() throws {
        let r = validate([cleanTownship(a: villageValues(cleaners: -4))], reference: reference)
        let f = try XCTUnwrap(r.findings.first { $0.rule.description == "range.negative" })
        XCTAssertTrue(f.message.en.contains("cannot be negative"))
        XCTAssertTrue(f.message.zh.contains("不能为负"))
    }
}

final class RollUpTests: XCTestCase {
    func testRatesAreRecomputedFromSummedPartsNeverAveraged() throws {
        let reference = try testReference()
        var values = PeriodValues()
        let a = try XCTUnwrap(UnitCode("640422100201")), b = try XCTUnwrap(UnitCode("640422100202"))
        values.set(a, "households", Observation(500)); values.set(a, "sanitary_toilet_hh", Observation(450))
        values.set(b, "households", Observation(100)); values.set(b, "sanitary_toilet_hh", Observation(50))
        values.set(a, "garbage_system_covered", Observation(1)); values.set(b, "garbage_system_covered", Observation(0))
        values.set(a, "garbage_generated_t", Observation(0)); values.set(b, "garbage_generated_t", Observation(0))
        values.set(a, "garbage_collected_t", Observation(0)); values.set(b, "garbage_collected_t", Observation(0))
        let town = try XCTUnwrap(UnitCode("640422100000"))
        let rolled = RollUp(catalog: reference.catalog).rollUp(root: town, tree: reference.tree, leaves: values)
        XCTAssertEqual(rolled[town, "households"], 600)
        XCTAssertEqual(try XCTUnwrap(rolled[town, "sanitary_toilet_rate"]), 100 * 500 / 600, accuracy: 1e-9, "(450+50)/(500+100), not (90+50)/2 = 70")
        XCTAssertEqual(rolled[town, "garbage_system_covered"], 1, "count of villages with 是")
        XCTAssertNil(rolled[town, "garbage_collection_rate"], "blank when the denominator is 0")
        let county = try XCTUnwrap(UnitCode("640422000000"))
        let all = RollUp(catalog: reference.catalog).rollUp(root: county, tree: reference.tree, leaves: values)
        XCTAssertEqual(all[county, "households"], 600)
    }
}
