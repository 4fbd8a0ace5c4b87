import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReference
@testable import RenjuChecks

/// What the check context finds once for every check gives what looking each unit up gives.
final class ContextTests: XCTestCase {
    func testARowsLevelIsItsUnitsLevelFoundOnce() throws {
        let reference = try testReference()
        // A township with its villages, a unit the divisions do not know, and the county's own row.
        let text = cleanTownship() + "2025Q3,640422100299,households,10\n2025Q3,640422000000,households,800\n"
        let subs = readCSV(text, reference: reference)
        let ctx = CheckContext(reference: reference, period: Period(year: 2025, quarter: 3), submissions: subs, history: Dataset(), asOf: nil)
        var levels: [Level?] = []
        for sub in ctx.submissions {
            for (k, row) in sub.rows.enumerated() {
                XCTAssertEqual(ctx.level(ofRow: k, in: sub), ctx.level(of: row.code), "\(row.code)")
                levels.append(ctx.level(ofRow: k, in: sub))
            }
        }
        XCTAssertTrue(levels.contains(.county) && levels.contains(.township) && levels.contains(.village), "\(levels)")
        // A submission the context was not made from (its rows in another order): still each row's own level.
        var other = try XCTUnwrap(ctx.submissions.first)
        other.rows.reverse()
        for (k, row) in other.rows.enumerated() { XCTAssertEqual(ctx.level(ofRow: k, in: other), ctx.level(of: row.code), "\(row.code)") }
        XCTAssertNil(ctx.level(ofRow: other.rows.count, in: other))
        // Each submission's top units, found once, are what the submission says of itself.
        for sub in ctx.submissions { XCTAssertEqual(ctx.roots(of: sub), sub.roots(in: reference.tree)) }
        XCTAssertEqual(ctx.roots(of: other), other.roots(in: reference.tree))
        XCTAssertTrue(ctx.roots(of: try XCTUnwrap(ctx.submissions.first)).contains(UnitCode("640422000000")!))
        // A copy whose rows changed is not taken for the one the context holds.
        other.rows.removeFirst()
        XCTAssertEqual(ctx.roots(of: other), other.roots(in: reference.tree))
    }
}
