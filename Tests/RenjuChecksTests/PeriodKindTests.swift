import Foundation
import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReference
import RenjuChecks

/// A year is not a quarter: thresholds set for quarterly returns misjudge annual ones. rules.yaml
/// gives a rule's parameters per kind of period (`year: {scale: 4}`); the bundled rules let a
/// stable stock move four quarters' worth in a year.
final class PeriodKindTests: XCTestCase {
    let village = "640422100201"

    func testHonestAnnualGrowthIsQuietAndAJumpIsWarned() throws {
        let reference = try testReference()
        let y2023 = cleanTownship(period: "2023", a: villageValues(households: 500, toilets: 300))
        let honest = cleanTownship(period: "2024", a: villageValues(households: 520, toilets: 300))   // +4 %
        XCTAssertFalse(validate([y2023, honest], reference: reference).rules(unit: village).contains("temporal.stable"),
                       "4 % in a year: within four quarters' 2 %")
        let jump = cleanTownship(period: "2024", a: villageValues(households: 560, toilets: 300))     // +12 %
        let f = try XCTUnwrap(validate([y2023, jump], reference: reference).findings.first { $0.rule == TemporalCheck.stable && $0.unit?.rawValue == village })
        XCTAssertTrue(f.message.zh.contains("+12.0%") && f.message.zh.contains("±8%"), f.message.zh)
    }

    func testTheSameMovementInAQuarterIsStillWarned() throws {
        let reference = try testReference()
        let q2 = cleanTownship(period: "2025Q2", a: villageValues(households: 500, toilets: 300))
        let q3 = cleanTownship(period: "2025Q3", a: villageValues(households: 520, toilets: 300))
        XCTAssertTrue(validate([q2, q3], reference: reference).rules(unit: village).contains("temporal.stable"),
                      "4 % in a quarter is above the quarter's 2 %")
    }

    func testAPeriodKindsParameterIsCheckedLikeAnyOther() throws {
        let folder = try temporaryDirectory()
        let rules = folder.appendingPathComponent("rules.yaml")
        try "checks:\n  temporal.stable: {severity: warning, year: {scael: 4}}\n".write(to: rules, atomically: true, encoding: .utf8)
        let reference = try testReference()
        let settings = try CheckSettings.load(path: rules.path, catalog: reference.catalog)
        XCTAssertThrowsError(try settings.verify(CheckRegistry.descriptors)) { e in
            XCTAssertTrue("\(e)".contains("rules.yaml:2") && "\(e)".contains("scael") && "\(e)".contains("scale"), "\(e)")
        }
        try "checks:\n  temporal.stable: {severity: warning, month: {scale: 0.5}, year: {scale: 6}}\n".write(to: rules, atomically: true, encoding: .utf8)
        let good = try CheckSettings.load(path: rules.path, catalog: reference.catalog)
        XCTAssertNoThrow(try good.verify(CheckRegistry.descriptors))
        XCTAssertEqual(good.forPeriod(.year).value(TemporalCheck.stableScale, of: TemporalCheck.stable), 6)
        XCTAssertEqual(good.forPeriod(.month).value(TemporalCheck.stableScale, of: TemporalCheck.stable), 0.5)
        XCTAssertEqual(good.forPeriod(.quarter).value(TemporalCheck.stableScale, of: TemporalCheck.stable), 1, "the default where no kind is written")
    }
}
