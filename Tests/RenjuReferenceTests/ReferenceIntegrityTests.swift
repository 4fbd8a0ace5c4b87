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

    /// A national list (over 1 MiB, no quote mark) is read in parts side by side. It must load to
    /// the tree one scan gives, and a problem must be refused at the same line: the first in the
    /// file, whichever part it falls in.
    func testALargeListReadInPartsLoadsAndIsRefusedAsOneScanWould() throws {
        // A county of 400 townships of 100 villages (about 2.6 MiB), comments and blank lines among them.
        var lines = ["code,name,level,parent", "# 大县", "640422000000,大县,county,"]
        for t in 1...400 {
            let town = 640422000000 + t * 1000
            lines.append("\(town),第\(t)镇,township,640422000000")
            for v in 1...100 { lines.append("\(town + v),第\(t)镇第\(v)村,village,\(town)") }
            if t % 37 == 0 { lines.append(""); lines.append("# 第\(t)镇完") }
        }
        let dir = try temporaryDirectory()
        func load(_ lines: [String], quoted: Bool = false) throws -> Result<DivisionTree, ReferenceError> {
            var text = lines.joined(separator: "\n") + "\n"
            // A quote mark anywhere makes the file one scan (a quoted field may span lines).
            if quoted { text = text.replacingOccurrences(of: ",大县,county,", with: ",\"大县\",county,") }
            XCTAssertGreaterThan(text.utf8.count, 1 << 20)
            let p = dir.appendingPathComponent(quoted ? "one-scan.csv" : "parts.csv")
            try text.write(to: p, atomically: true, encoding: .utf8)
            do { return .success(try DivisionsLoader.load(paths: [p.path])) } catch let e as ReferenceError { return .failure(e) }
        }
        let inParts = try load(lines).get(), oneScan = try load(lines, quoted: true).get()
        XCTAssertEqual(inParts.count, 1 + 400 + 40_000)
        XCTAssertEqual(inParts.all, oneScan.all)
        let county = try XCTUnwrap(UnitCode("640422000000")), lastTown = try XCTUnwrap(UnitCode("640422400000"))
        XCTAssertEqual(inParts.children(of: lastTown).count, 100)
        XCTAssertEqual(inParts.children(of: county).count, 400)
        XCTAssertEqual(inParts.children(of: county), oneScan.children(of: county))

        // Two problems of a kind, one near the end and one near the start: the earlier line is named.
        let late = lines.count - 50, early = 200
        let cases: [(String, (Int) -> String, String)] = [
            ("a bad level", { _ in "640422999001,坏村,town,640422001000" }, "level"),
            ("a parent not listed", { i in "\(String(format: "6404229%05d", i)),孤村,village,640422999999" }, "not in the divisions"),
            ("a village under a village", { i in "\(String(format: "6404229%05d", i)),丙村,village,640422001001" }, "higher level"),
        ]
        for (what, line, why) in cases {
            var planted = lines
            planted.insert(line(late), at: late)
            planted.insert(line(early), at: early)
            for quoted in [false, true] {
                guard case .failure(let e) = try load(planted, quoted: quoted) else { XCTFail("\(what) is refused"); continue }
                XCTAssertEqual(e.line, early + 1, "\(what), quoted \(quoted): \(e)")
                XCTAssertTrue(e.message.contains(why), "\(what): \(e.message)")
            }
        }
        // A code listed twice, far apart: refused at its second line, in either reading.
        var twice = lines
        twice.insert("640422001050,第1镇第50村,village,640422001000", at: late)
        for quoted in [false, true] {
            guard case .failure(let e) = try load(twice, quoted: quoted) else { XCTFail("a code listed twice is refused"); continue }
            XCTAssertEqual(e.line, late + 1, "\(e)")
            XCTAssertTrue(e.message.contains("listed twice"), e.message)
        }
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
