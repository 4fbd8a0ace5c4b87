import Foundation
import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReference
import RenjuChecks

/// Peer scores that mean something: a spread floor in the rate's own points, and a wider group
/// when a county has too few peers — said in the message.
final class PeerScoreTests: XCTestCase {
    /// A prefecture with a county of `small` villages and one of `large`, all of one township each.
    func reference(small: Int, large: Int) throws -> (ReferenceData, [String], [String]) {
        var csv = "code,name,level,parent\n640400000000,固原市,prefecture,\n"
        csv += "640422000000,西吉县,county,640400000000\n640422100000,吉强镇,township,640422000000\n"
        csv += "640423000000,隆德县,county,640400000000\n640423100000,城关镇,township,640423000000\n"
        let a = (1...small).map { String(format: "640422100%03d", 200 + $0) }, b = (1...large).map { String(format: "640423100%03d", 200 + $0) }
        for (i, v) in a.enumerated() { csv += "\(v),甲\(i + 1)村,village,640422100000\n" }
        for (i, v) in b.enumerated() { csv += "\(v),乙\(i + 1)村,village,640423100000\n" }
        return (try testReference(divisions: csv), a, b)
    }

    /// Villages with the given toilet coverage (%), 10,000 households each.
    func quarter(_ rates: [(String, Double)]) -> String {
        longCSV(period: "2025Q3", rows: rates.map { code, r in
            (code, ["households": 10_000, "sanitary_toilet_hh": (r * 100).rounded(), "sanitary_toilet_rate": r])
        })
    }

    func peerFindings(_ r: ValidationResult) -> [Finding] { r.findings.filter { $0.rule == PeerScoreCheck.id } }

    func testAGapOfUnderAPointAmongBunchedPeersIsNotAnOutlier() throws {
        let (ref, _, b) = try reference(small: 5, large: 7)
        // 99.98–100 % and one at 99.06: MAD 0.01 would make it z ≈ −62; the 2-point floor makes it −0.5.
        let near = zip(b, [99.98, 99.99, 100, 99.99, 99.98, 99.99, 99.06]).map { ($0, $1) }
        XCTAssertTrue(peerFindings(validate([quarter(near)], reference: ref)).filter { b.contains($0.unit?.rawValue ?? "") }.isEmpty)
        // 90 % among them: 10 points below, z = −5 — found.
        let far = zip(b, [99.98, 99.99, 100, 99.99, 99.98, 99.99, 90]).map { ($0, $1) }
        let f = try XCTUnwrap(peerFindings(validate([quarter(far)], reference: ref)).first)
        XCTAssertEqual(f.unit?.rawValue, b[6])
        XCTAssertTrue(f.message.zh.contains("Z 分数 -5.0"), f.message.zh)
    }

    func testACountyWithTooFewVillagesIsComparedWithTheWholePrefectureAndSaysSo() throws {
        let (ref, a, b) = try reference(small: 3, large: 6)
        // The small county's third village at 0.5 % where every other village is near 10 %.
        let rates = zip(a, [10.2, 9.8, 0.5]).map { ($0, $1) } + zip(b, [10, 9.5, 10.4, 9.9, 10.1, 10.3]).map { ($0, $1) }
        let found = peerFindings(validate([quarter(rates)], reference: ref))
        let f = try XCTUnwrap(found.first { $0.unit?.rawValue == a[2] }, "\(found.map(\.message.zh))")
        XCTAssertTrue(f.message.zh.contains("同级单位不足 5 个") && f.message.zh.contains("固原市范围内 9 个村"), f.message.zh)
        XCTAssertEqual(found.count, 1, "the others are ordinary")
    }
}
