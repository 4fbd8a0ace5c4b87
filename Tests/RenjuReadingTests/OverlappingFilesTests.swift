import XCTest
import RenjuModel
import RenjuReading

/// Files of one period that give the same unit are found however their codes lie: files whose
/// codes lie in ranges apart are passed over without looking at each unit, so the ranges'
/// edges must be right.
final class OverlappingFilesTests: XCTestCase {
    /// A submission of 2025Q3 from `file` with the given villages' households.
    func submission(_ file: String, _ index: Int, _ figures: [(String, Double)]) throws -> Submission {
        var s = Submission(file: file, period: Period(year: 2025, quarter: 3))
        s.fileIndex = index
        for (k, (code, households)) in figures.enumerated() {
            let unit = try XCTUnwrap(UnitCode(code))
            let source = SourceRef(file: file, sheet: nil, row: k + 1, column: 1)
            s.rows.append(UnitRow(code: unit, givenName: nil, source: source))
            s.values.set(unit, "households", Observation(households, source: source))
        }
        return s
    }

    func reconciled(_ subs: [Submission]) -> InputSet {
        var set = InputSet()
        set.submissions = subs
        set.reconcileOverlaps()
        return set
    }

    func testAUnitInTwoFilesIsFoundAtTheEdgeOfTheirRangesAndWithin() throws {
        let a = [("640422100201", 10.0), ("640422100205", 20), ("640422100209", 30)]
        // Apart: nothing is said, nothing dropped.
        let apart = reconciled([try submission("a.csv", 0, a), try submission("b.csv", 1, [("640422100210", 1), ("640422100230", 2)])])
        XCTAssertEqual(apart.submissions.count, 2)
        XCTAssertTrue(apart.findings.isEmpty)
        // Interleaved but no code in both: nothing is said either.
        let interleaved = reconciled([try submission("a.csv", 0, a), try submission("b.csv", 1, [("640422100203", 1), ("640422100207", 2)])])
        XCTAssertEqual(interleaved.submissions.count, 2)
        XCTAssertTrue(interleaved.findings.isEmpty)
        // The later file's lowest code is the earlier file's highest, with another figure: a conflict.
        let edge = reconciled([try submission("a.csv", 0, a), try submission("b.csv", 1, [("640422100209", 31), ("640422100230", 2)])])
        XCTAssertEqual(edge.findings.map(\.rule), [.conflictingValue])
        XCTAssertEqual(edge.findings.first?.unit, UnitCode("640422100209"))
        // The same the other way round (the earlier file's lowest code is the later file's highest).
        let low = reconciled([try submission("a.csv", 0, a), try submission("b.csv", 1, [("640422100101", 1), ("640422100201", 11)])])
        XCTAssertEqual(low.findings.map(\.rule), [.conflictingValue])
        // A unit in the middle of both ranges, with the same figure, in a file that gives nothing
        // else: read once.
        let within = reconciled([try submission("a.csv", 0, a), try submission("b.csv", 1, [("640422100205", 20)])])
        XCTAssertEqual(within.submissions.count, 1)
        XCTAssertEqual(within.findings.map(\.rule), [.givenTwice])
    }
}
