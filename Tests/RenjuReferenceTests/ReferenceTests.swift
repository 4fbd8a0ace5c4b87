import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReference

final class ReferenceTests: XCTestCase {
    func testBundledCatalogHasTheWholeSpecCatalog() throws {
        let ref = try ReferenceData.load(directory: bundledReference)
        XCTAssertEqual(ref.catalog.indicators.count, 23)
        let toilets = try XCTUnwrap(ref.catalog["sanitary_toilet_rate"])
        XCTAssertEqual(toilets.kind, .rate(numerator: "sanitary_toilet_hh", denominator: "households"))
        XCTAssertEqual(ref.catalog["households"]?.kind, .stock(.stable(percent: 2)))
        XCTAssertEqual(ref.catalog["investment_10k_yuan"]?.kind, .ytd)
        XCTAssertEqual(ref.catalog.resolve("摸排“两违”建筑（处）"), "illegal_buildings_found")
        // The sample county: 西吉县 with its 19 townships.
        let county = try XCTUnwrap(UnitCode("640422000000"))
        XCTAssertEqual(ref.tree.name(of: county), "西吉县")
        XCTAssertEqual(ref.tree.children(of: county).count, 19)
        XCTAssertEqual(ref.chains.chains[.county]?.count, 4)
        XCTAssertEqual(ref.chains.deadlineDays, 10)
    }

    func copyReference(_ edit: (URL) throws -> Void) throws -> URL {
        let dir = try temporaryDirectory("ref")
        let dest = dir.appendingPathComponent("reference-data")
        try FileManager.default.copyItem(atPath: bundledReference, toPath: dest.path)
        try edit(dest)
        return dest
    }

    func testUnknownIndicatorInTheRuleFileIsRefusedWithItsLine() throws {
        let dir = try copyReference { d in
            let p = d.appendingPathComponent("rules.yaml")
            let text = try String(contentsOf: p, encoding: .utf8).replacingOccurrences(of: "- [sanitary_toilet_hh, households]", with: "- [sanitary_toilets, households]")
            try text.write(to: p, atomically: true, encoding: .utf8)
        }
        XCTAssertThrowsError(try ReferenceData.load(directory: dir.path)) { e in
            let err = e as? ReferenceError
            XCTAssertNotNil(err?.line)
            XCTAssertTrue(err?.description.contains("rules.yaml:") ?? false)
            XCTAssertTrue(err?.description.contains("sanitary_toilets") ?? false, "\(e)")
        }
    }

    func testBrokenYAMLIsRefusedWithLineAndColumn() throws {
        let dir = try copyReference { d in
            try "indicators:\n  - {id: households, name: 总户数\n".write(to: d.appendingPathComponent("indicators.yaml"), atomically: true, encoding: .utf8)
        }
        XCTAssertThrowsError(try ReferenceData.load(directory: dir.path)) { e in
            let err = e as? ReferenceError
            XCTAssertNotNil(err?.line, "\(e)")
            XCTAssertNotNil(err?.column, "\(e)")
        }
    }

    func testBadDivisionsLineIsNamed() throws {
        let dir = try temporaryDirectory()
        let p = dir.appendingPathComponent("d.csv")
        try "code,name,level,parent\n640422000000,西吉县,county,\n640422100000,吉强镇,town,640422000000\n".write(to: p, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DivisionsLoader.load(path: p.path)) { e in
            XCTAssertEqual((e as? ReferenceError)?.line, 3)
        }
    }

    func testSeverityAndLevelsComeFromTheRuleFile() throws {
        let dir = try copyReference { d in
            let p = d.appendingPathComponent("rules.yaml")
            let text = try String(contentsOf: p, encoding: .utf8).replacingOccurrences(of: "range.negative:  {severity: error}", with: "range.negative:  {severity: warning, levels: [township]}")
            try text.write(to: p, atomically: true, encoding: .utf8)
        }
        let divisions = try temporaryDirectory().appendingPathComponent("d.csv")
        try testDivisionsCSV.write(to: divisions, atomically: true, encoding: .utf8)
        let ref = try ReferenceData.load(directory: dir.path, divisions: divisions.path)
        let setting = try XCTUnwrap(ref.checks[RuleID(.range, "negative")])
        XCTAssertEqual(setting.severity, .warning)
        XCTAssertTrue(setting.applies(to: .township))
        XCTAssertFalse(setting.applies(to: .village))
        // A negative village count is no longer reported: the rule is limited to townships.
        let r = validate([cleanTownship(a: villageValues(cleaners: -4))], reference: ref)
        XCTAssertFalse(r.rules().contains("range.negative"))
    }
}
