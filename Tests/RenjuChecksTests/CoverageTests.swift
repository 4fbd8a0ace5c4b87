import Foundation
import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReference
import RenjuChecks

/// A report says what it could not check: units with no figures of the period before, periods
/// missing between the history and the checked one, rules that skipped units — a quiet report is
/// then not read as a clean one.
final class CoverageTests: XCTestCase {
    func testWithoutAnyEarlierPeriodNothingWasComparedAndTheReportSaysSo() throws {
        let r = validate([cleanTownship(period: "2025Q3")], reference: try testReference())
        let c = try XCTUnwrap(r.coverage)
        XCTAssertFalse(c.hasHistory)
        XCTAssertEqual(c.unitsWithoutHistory.count, 3, "the township and its two villages")
        XCTAssertFalse(c.isComplete)
        XCTAssertTrue(c.sentence(.zh).contains("没有更早的报告期"), c.sentence(.zh))
        XCTAssertTrue(c.skipped.contains { $0.rule == TemporalCheck.stable && $0.units == 3 }, "\(c.skipped)")
    }

    func testAPeriodMissingBetweenTheHistoryAndThisOneIsNamed() throws {
        let r = validate([cleanTownship(period: "2025Q1"), cleanTownship(period: "2025Q3")], reference: try testReference())
        let c = try XCTUnwrap(r.coverage)
        XCTAssertTrue(c.hasHistory)
        XCTAssertEqual(c.missingPeriods.map(\.description), ["2025Q2"])
        XCTAssertEqual(c.unitsWithoutHistory.count, 3, "nothing of 2025Q2 to compare with")
        XCTAssertTrue(c.sentence(.en).contains("periods missing between the history and this one: 2025Q2"), c.sentence(.en))
    }

    func testWithThePeriodBeforeForEveryUnitTheTemporalChecksCoverAll() throws {
        let r = validate([cleanTownship(period: "2025Q2"), cleanTownship(period: "2025Q3")], reference: try testReference())
        let c = try XCTUnwrap(r.coverage)
        XCTAssertEqual(c.unitsWithoutHistory, [])
        XCTAssertEqual(c.missingPeriods, [])
        XCTAssertFalse(c.skipped.contains { $0.rule == TemporalCheck.stable }, "\(c.skipped)")
    }
}
