import Foundation
import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReference
import RenjuChecks

/// Real data over real time: annual panels with gaps, half-years, seasonal flows, published tables
/// with blanks and rates without their parts, panels without total rows.
final class RealTimeTests: XCTestCase {
    let village = "640422100201"

    // MARK: an annual county panel

    /// The test township for year `y`: the village's households and toilets as given, sewage
    /// growing a little every year (an honest village's figures move).
    func year(_ y: Int, households: Double, toilets: Double) -> String {
        let sewage = 200 + Double(y - 2019) * 5
        return cleanTownship(period: "\(y)", a: villageValues(households: households, toilets: toilets, sewage: sewage))
    }

    func testAnAnnualPanelWithHonestGrowthIsQuietAndAFrozenSeriesAcrossAGapIsFound() throws {
        let reference = try testReference()
        // Honest: 3–5 % more households a year, toilets added.
        let honest = [year(2019, households: 600, toilets: 300), year(2020, households: 624, toilets: 330), year(2022, households: 680, toilets: 390),
                      year(2023, households: 707, toilets: 420), year(2024, households: 735, toilets: 450)]
        let quiet = validate(honest, reference: reference)
        XCTAssertFalse(quiet.rules(unit: village).contains("temporal.stable"), "\(quiet.findings.filter { $0.unit?.rawValue == self.village }.map(\.message.zh))")
        XCTAssertFalse(quiet.rules(unit: village).contains("temporal.frozen"))
        // 2021 is missing: said in the coverage of a year whose previous year is absent.
        let gap = validate(Array(honest.prefix(3)), reference: reference)
        XCTAssertEqual(gap.coverage?.missingPeriods.map(\.description), ["2021"])

        // Frozen: 700 households in every reported year from 2020 (2021 not reported) while toilets were added.
        let frozen = [year(2019, households: 690, toilets: 300), year(2020, households: 700, toilets: 330), year(2022, households: 700, toilets: 390),
                      year(2023, households: 700, toilets: 420), year(2024, households: 700, toilets: 450)]
        let r = validate(frozen, reference: reference)
        let f = try XCTUnwrap(r.findings.first { $0.rule == RepeatCheck.frozen && $0.unit?.rawValue == village },
                              "\(r.findings.filter { $0.unit?.rawValue == self.village }.map(\.rule))")
        XCTAssertEqual(f.indicator, "households")
        XCTAssertTrue(f.message.zh.contains("连续 4 个报告期") && f.message.zh.contains("2021 无数据") && f.message.zh.contains("卫生厕所户数"), f.message.zh)

        // A 12 % jump in a year is warned.
        let jump = validate([year(2023, households: 700, toilets: 420), year(2024, households: 784, toilets: 450)], reference: reference)
        XCTAssertTrue(jump.rules(unit: village).contains("temporal.stable"))
    }

    func testWithinAYearAnUnchangedRegisterFigureIsNotFrozen() throws {
        // Four quarters of the same households while toilets are added: honest for a quarter (off by default).
        let quarters = (1...4).map { q in cleanTownship(period: "2025Q\(q)", a: villageValues(households: 500, toilets: 300 + Double(q) * 10, sewage: 200 + Double(q))) }
        XCTAssertFalse(validate(quarters, reference: try testReference()).rules(unit: village).contains("temporal.frozen"))
    }

    // MARK: half-years

    func testHalfYearsAreReadComparedAndHaveTheirOwnThresholds() throws {
        XCTAssertEqual(Period.parse("2025H1"), Period(year: 2025, half: 1))
        XCTAssertEqual(Period.parse("2025年下半年"), Period(year: 2025, half: 2))
        XCTAssertEqual(Period.find(in: "西吉县2025年上半年农村人居环境统计表"), Period(year: 2025, half: 1))
        XCTAssertEqual(Period(year: 2025, half: 1).previous, Period(year: 2024, half: 2))
        XCTAssertEqual(Period(year: 2025, half: 1).endDate.description, "2025-06-30")
        XCTAssertEqual(Period(year: 2025, half: 2).lastYear.description, "2024H2")
        let reference = try testReference()
        // 3 % in a half-year: within twice the quarter's 2 % (rules.yaml half: {scale: 2}); 6 % is not.
        let h1 = cleanTownship(period: "2025H1", a: villageValues(households: 500))
        XCTAssertFalse(validate([h1, cleanTownship(period: "2025H2", a: villageValues(households: 515))], reference: reference).rules(unit: village).contains("temporal.stable"))
        XCTAssertTrue(validate([h1, cleanTownship(period: "2025H2", a: villageValues(households: 530))], reference: reference).rules(unit: village).contains("temporal.stable"))
    }

    // MARK: seasonal flows, 同比

    func testASeasonalFlowIsJudgedAgainstTheSamePeriodAYearEarlier() throws {
        var csv = "code,name,level,parent\n640422000000,西吉县,county,\n640422100000,吉强镇,township,640422000000\n"
        let villages = (1...8).map { String(format: "640422100%03d", 200 + $0) }
        for (i, v) in villages.enumerated() { csv += "\(v),村\(i + 1),village,640422100000\n" }
        let reference = try testReference(divisions: csv)
        // Garbage generated: the first quarter is the Spring Festival's; village 6 is a tourist
        // village whose first quarter is three times its fourth, every year.
        let lastQ1: [Double] = [30, 32, 28, 31, 29, 90, 30, 31], q4: [Double] = [20, 21, 19, 20, 20, 30, 21, 20]
        func quarter(_ p: String, _ figures: [Double]) -> String {
            longCSV(period: p, rows: zip(villages, figures).map { ($0, ["garbage_generated_t": $1]) })
        }
        let honest = quarter("2025Q1", lastQ1.map { $0 * 1.03 })
        let judged = validate([quarter("2024Q1", lastQ1), quarter("2024Q4", q4), honest], reference: reference)
        XCTAssertFalse(judged.findings.contains { $0.rule.description == "outlier.hb" && $0.unit?.rawValue == villages[5] },
                       "the tourist village's usual Spring Festival: quiet against last year's first quarter")
        // Without last year's first quarter, the same figures are compared with the fourth quarter.
        let againstQ4 = validate([quarter("2024Q4", q4), honest], reference: reference)
        XCTAssertTrue(againstQ4.findings.contains { $0.rule.description == "outlier.hb" && $0.unit?.rawValue == villages[5] })
        // A village whose first quarter is three times last year's is found, and the message says against what.
        var planted = lastQ1.map { $0 * 1.03 }
        planted[2] = 28 * 3
        let r = validate([quarter("2024Q1", lastQ1), quarter("2024Q4", q4), quarter("2025Q1", planted)], reference: reference)
        let f = try XCTUnwrap(r.findings.first { $0.rule.description == "outlier.hb" && $0.unit?.rawValue == villages[2] })
        XCTAssertTrue(f.message.zh.contains("去年同期（2024Q1）"), f.message.zh)
    }

    // MARK: published tables

    /// The test township with the village's sewage households and its garbage generated printed as "—" and "无".
    func published() -> String {
        cleanTownship(a: villageValues(sewage: 200))
            .replacingOccurrences(of: "2025Q3,\(village),sewage_treated_hh,200\n", with: "2025Q3,\(village),sewage_treated_hh,—\n")
            .replacingOccurrences(of: "2025Q3,\(village),cleaners,6\n", with: "2025Q3,\(village),cleaners,无\n")
    }

    func testAPublishedTablesBlanksDeclaredForTheRunGiveNoRequiredValueErrorAndAreCounted() throws {
        let reference = try testReference()
        let plain = validate([published()], reference: reference)
        XCTAssertEqual(plain.findings.filter { $0.rule == CompletenessCheck.missingValue && $0.unit?.rawValue == village }.count, 2, "— and 无 are blanks: required")
        let declared = try InputConventions(blanks: [try XCTUnwrap(.init("not_applicable"))]).apply(to: reference)
        let r = validate([published()], reference: declared)
        XCTAssertFalse(r.findings.contains { $0.rule == CompletenessCheck.missingValue }, "\(r.findings.map(\.rule))")
        let c = try XCTUnwrap(r.coverage)
        XCTAssertEqual(c.notApplicable.map(\.indicator.rawValue).sorted(), ["cleaners", "sewage_treated_hh"])
        XCTAssertTrue(c.sentence(.zh).contains("不适用而未审核的空格") && c.sentence(.zh).contains("保洁员（1）"), c.sentence(.zh))
        XCTAssertFalse(c.isComplete)
        // One indicator at a time, by its Chinese name; zero is refused for a rate.
        let one = try InputConventions(blanks: [try XCTUnwrap(.init("生活污水得到治理户数=zero"))]).apply(to: reference)
        XCTAssertEqual(one.catalog["sewage_treated_hh"]?.blank, .zero)
        XCTAssertEqual(one.catalog["cleaners"]?.blank, .required)
        XCTAssertThrowsError(try InputConventions(blanks: [try XCTUnwrap(.init("sanitary_toilet_rate=zero"))]).apply(to: reference))
        XCTAssertThrowsError(try InputConventions(blanks: [try XCTUnwrap(.init("no_such=zero"))]).apply(to: reference))
    }

    func testAPanelWithoutTotalRowsDeclaredSoHasNoMissingTotalError() throws {
        let rows = longCSV(period: "2025Q3", rows: [(village, villageValues()), ("640422100202", villageValues(households: 300, toilets: 200))])
        let reference = try testReference()
        XCTAssertTrue(validate([rows], reference: reference).rules().contains("completeness.missing_total"))
        let panel = try InputConventions(withoutTotals: true).apply(to: reference)
        XCTAssertFalse(validate([rows], reference: panel).rules().contains("completeness.missing_total"))
    }

    func testARatePublishedWithoutItsPartsIsRangeCheckedAndNotRolledUp() throws {
        // The catalog with 生活垃圾无害化处理率 declared as published (no numerator or denominator).
        let (reference, copy) = try editedReference("indicators.yaml") {
            $0.replacingOccurrences(of: ", numerator: garbage_harmless_t, denominator: garbage_generated_t", with: "")
        }
        let path = copy.appendingPathComponent("indicators.yaml")
        XCTAssertEqual(reference.catalog["garbage_harmless_rate"]?.kind, .publishedRate)
        // 387 %: out of range; the total's rate is not recomputed (said once, in the coverage).
        var a = villageValues()
        a["garbage_harmless_rate"] = 387
        let r = validate([cleanTownship(a: a)], reference: reference)
        XCTAssertTrue(r.findings.contains { $0.rule.description == "range.rate" && $0.indicator == "garbage_harmless_rate" && $0.unit?.rawValue == village })
        XCTAssertFalse(r.findings.contains { $0.rule.description.hasPrefix("identity.rate") && $0.indicator == "garbage_harmless_rate" })
        XCTAssertFalse(r.findings.contains { $0.rule.description == "aggregate.rate" && $0.indicator == "garbage_harmless_rate" })
        XCTAssertEqual(r.coverage?.ratesNotRolledUp, ["garbage_harmless_rate"])
        XCTAssertTrue(r.coverage?.sentence(.zh).contains("未给出分子分母的比率") ?? false)
        // Naming one part only is refused.
        try String(contentsOf: path, encoding: .utf8).replacingOccurrences(of: "kind: rate, group: 生活垃圾治理}", with: "kind: rate, numerator: garbage_harmless_t, group: 生活垃圾治理}")
            .write(to: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ReferenceData.load(directory: copy.path)) { e in
            XCTAssertTrue("\(e)".contains("denominator"), "\(e)")
        }
    }
}
