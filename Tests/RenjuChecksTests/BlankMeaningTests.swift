import Foundation
import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReference
import RenjuChecks

/// What a blank means is declared, not guessed: a published table prints "—" for none or for
/// "does not apply". Declared in the catalog (`blank: zero | not_applicable`), such blanks give no
/// required-value error; a blank meaning zero is checked as 0.
final class BlankMeaningTests: XCTestCase {
    let village = "640422100201"

    /// The bundled catalog with one indicator's `blank:` declared.
    func reference(_ id: String, blank: String) throws -> ReferenceData {
        let dir = try temporaryDirectory()
        let copy = dir.appendingPathComponent("reference-data")
        try FileManager.default.copyItem(atPath: bundledReference, toPath: copy.path)
        let path = copy.appendingPathComponent("indicators.yaml")
        var text = try String(contentsOf: path, encoding: .utf8)
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.contains("{id: \(id),") })
        text = text.replacingOccurrences(of: String(line), with: String(line.dropLast()) + ", blank: \(blank)}")
        try text.write(to: path, atomically: true, encoding: .utf8)
        let divisions = dir.appendingPathComponent("divisions.csv")
        try testDivisionsCSV.write(to: divisions, atomically: true, encoding: .utf8)
        return try ReferenceData.load(directory: copy.path, divisions: divisions.path)
    }

    /// The test township with the village's sewage households printed as "—".
    func dashed() -> String {
        cleanTownship(a: villageValues(sewage: 200)).replacingOccurrences(of: "2025Q3,\(village),sewage_treated_hh,200\n", with: "2025Q3,\(village),sewage_treated_hh,—\n")
    }

    func testABlankIsRequiredUnlessDeclaredOtherwise() throws {
        let r = validate([dashed()], reference: try testReference())
        XCTAssertTrue(r.findings.contains { $0.rule == CompletenessCheck.missingValue && $0.unit?.rawValue == village && $0.indicator == "sewage_treated_hh" })
    }

    func testABlankDeclaredZeroIsReadAsZeroAndCheckedAsZero() throws {
        let ref = try reference("sewage_treated_hh", blank: "zero")
        let r = validate([dashed()], reference: ref)
        XCTAssertFalse(r.findings.contains { $0.rule == CompletenessCheck.missingValue && $0.indicator == "sewage_treated_hh" }, "\(r.findings.map(\.rule))")
        let sub = try XCTUnwrap(r.submissions.first)
        XCTAssertEqual(sub.values[UnitCode(village)!, "sewage_treated_hh"], 0)
        // The township's total says 90 (the other village's) + the village's 200 it no longer has: the sum check sees the 0.
        XCTAssertTrue(r.findings.contains { $0.rule.description == "aggregate.sum" && $0.indicator == "sewage_treated_hh" },
                      "checked as 0: the total no longer adds up")
    }

    func testABlankDeclaredNotApplicableIsNeitherRequiredNorFilledIn() throws {
        let ref = try reference("sewage_treated_hh", blank: "not_applicable")
        let r = validate([dashed()], reference: ref)
        XCTAssertFalse(r.findings.contains { $0.rule == CompletenessCheck.missingValue && $0.indicator == "sewage_treated_hh" })
        XCTAssertNil(try XCTUnwrap(r.submissions.first).values[UnitCode(village)!, "sewage_treated_hh"], "not read as a number")
    }

    func testAContradictoryOrUnknownDeclarationIsRefusedWithItsLine() throws {
        XCTAssertThrowsError(try reference("sewage_treated_hh", blank: "nothing")) { e in
            XCTAssertTrue("\(e)".contains("indicators.yaml:") && "\(e)".contains("required, zero or not_applicable"), "\(e)")
        }
        XCTAssertThrowsError(try reference("sanitary_toilet_rate", blank: "zero")) { e in
            XCTAssertTrue("\(e)".contains("not a rate"), "\(e)")
        }
    }
}
