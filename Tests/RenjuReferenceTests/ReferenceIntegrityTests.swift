import Foundation
import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReference

/// Reference data that contradicts itself is refused with file and line, never turned into
/// errors charged to townships.
final class ReferenceIntegrityTests: XCTestCase {
    let good = testDivisionsCSV
    /// The line a row appended to `good` is on.
    var appended: Int { good.split(separator: "\n", omittingEmptySubsequences: false).count }

    func refusal(_ divisions: [String]) throws -> ReferenceError? {
        let dir = try temporaryDirectory()
        var paths: [String] = []
        for (i, text) in divisions.enumerated() {
            let p = dir.appendingPathComponent("d\(i).csv")
            try text.write(to: p, atomically: true, encoding: .utf8)
            paths.append(p.path)
        }
        do { _ = try DivisionsLoader.load(paths: paths); return nil } catch let e as ReferenceError { return e }
    }

    func testDivisionsThatContradictThemselvesAreRefusedWithTheirLine() throws {
        XCTAssertNil(try refusal([good]), "the test county loads")
        let cases: [(String, String)] = [
            ("640422100299,孤村,village,640422100999\n", "not in the divisions"),
            ("640422100203,丙村,village,640422100201\n", "higher level"),
            ("640422100204,丁村,village,640422100204\n", "its own parent"),
            ("640422100205,戊村,village,\n", "has no parent"),
        ]
        for (line, why) in cases {
            let at = appended
            let e = try XCTUnwrap(try refusal([good + line]), line)
            XCTAssertTrue(e.message.contains(why), "\(line): \(e.message)")
            XCTAssertEqual(e.line, at, line)
            XCTAssertTrue(e.file.hasSuffix("d0.csv"))
        }
        // One code, two definitions in two files: both places named.
        let other = "code,name,level,parent\n640422100201,别的村,village,640422100000\n"
        let e = try XCTUnwrap(try refusal([good, other]))
        XCTAssertTrue(e.file.hasSuffix("d1.csv") && e.message.contains("d0.csv") && e.message.contains("甲村"), e.description)
        // The same definition twice is not a contradiction.
        XCTAssertNil(try refusal([good, "code,name,level,parent\n640422100201,甲村,village,640422100000\n"]))
    }

    func testTwoIndicatorsWithOneChineseNameAreRefused() throws {
        let dir = try temporaryDirectory()
        var yaml = try String(contentsOfFile: bundledReference + "/indicators.yaml", encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "name: 保洁员", with: "name: 总户数")
        let p = dir.appendingPathComponent("indicators.yaml")
        try yaml.write(to: p, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CatalogLoader.load(path: p.path)) { error in
            let e = error as? ReferenceError
            XCTAssertTrue(e?.message.contains("总户数") ?? false, "\(error)")
            XCTAssertNotNil(e?.line)
        }
    }

    func testTheCommandLineExitsTwoOnContradictoryDivisions() throws {
        let dir = try temporaryDirectory()
        let d = dir.appendingPathComponent("divisions.csv")
        try (good + "640422100203,丙村,village,640422100201\n").write(to: d, atomically: true, encoding: .utf8)
        let data = dir.appendingPathComponent("q.csv")
        try "报告期：2025Q3\n区划代码,总户数\n640422100201,300\n".write(to: data, atomically: true, encoding: .utf8)
        let r = try runRenju(["validate", "--divisions", d.path, data.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("divisions.csv:\(appended)"), r.stderr)
    }
}

/// Numeric settings of rules.yaml are range-checked at load.
final class RuleSettingRangeTests: XCTestCase {
    func testANegativeToleranceIsRefusedWithItsLine() throws {
        let dir = try temporaryDirectory()
        var yaml = try String(contentsOfFile: bundledReference + "/rules.yaml", encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "identity.rate:          {severity: error, tolerance: 0.1}", with: "identity.rate:          {severity: error, tolerance: -0.1}")
        XCTAssertTrue(yaml.contains("tolerance: -0.1"))
        let p = dir.appendingPathComponent("rules.yaml")
        try yaml.write(to: p, atomically: true, encoding: .utf8)
        let r = try runRenju(["rules", "--check", p.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue((r.stderr + r.stdout).contains("tolerance"), r.stderr)
        XCTAssertTrue((r.stderr + r.stdout).contains("rules.yaml:"), r.stderr)
    }
}
