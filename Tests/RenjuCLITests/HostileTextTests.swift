import XCTest
import RenjuTestSupport
import Foundation

/// Text from the input never drives the terminal: escape sequences in names, 说明 and file names
/// are shown escaped in every report a person reads.
final class HostileTextTests: XCTestCase {
    func testEscapeSequencesInNamesAndFileNamesAreShownEscaped() throws {
        let (divisions, data) = try makeTestCounty(self)
        // A given name that clears the screen and recolours it, in a file whose name does the same.
        let name = "甲村\u{1B}[2J\u{1B}[31m\r\u{202E}"
        let csv = "报告期：2025Q3\n区划代码,单位名称,总户数\n640422100201,\(name),300\n"
        try csv.write(to: data.appendingPathComponent("a\u{1B}[2J.csv"), atomically: true, encoding: .utf8)
        let run = try runRenju(["validate", "--divisions", divisions.path, "--as-of", "2025-10-31", data.path])
        XCTAssertFalse(run.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x0D || $0.value == 0x202E }, run.stdout)
        XCTAssertTrue(run.stdout.contains("\\u{1B}[2J"), run.stdout)
        XCTAssertTrue(run.stdout.contains("a\\u{1B}[2J.csv"), "the file name is shown, escaped: \(run.stdout)")
        XCTAssertFalse(run.stderr.unicodeScalars.contains { $0.value == 0x1B })
    }
}

/// Validating nothing is not a pass (exit 2, and the reason), never "0 units, no errors".
final class NothingToValidateTests: XCTestCase {
    func testEmptyFolderHeaderOnlyFileAndPeriodWithoutDataExitTwo() throws {
        let (divisions, empty) = try makeTestCounty(self)
        let dir = empty.deletingLastPathComponent()
        let e = try runRenju(["validate", "--divisions", divisions.path, empty.path])
        XCTAssertEqual(e.status, 2)
        XCTAssertTrue(e.stderr.contains("没有可审核的数据"), e.stderr)

        let headerOnly = dir.appendingPathComponent("header.csv")
        try "报告期：2025Q3\n区划代码,单位名称,总户数\n".write(to: headerOnly, atomically: true, encoding: .utf8)
        XCTAssertEqual(try runRenju(["validate", "--divisions", divisions.path, headerOnly.path]).status, 2)

        let data = dir.appendingPathComponent("q3.csv")
        try "报告期：2025Q3\n区划代码,单位名称,总户数\n640422100201,甲村,300\n".write(to: data, atomically: true, encoding: .utf8)
        let wrong = try runRenju(["validate", "--lang", "en", "--period", "2024Q1", "--divisions", divisions.path, data.path])
        XCTAssertEqual(wrong.status, 2)
        XCTAssertTrue(wrong.stderr.contains("2025Q3"), "says which periods the input has: \(wrong.stderr)")
        XCTAssertNotEqual(try runRenju(["validate", "--divisions", divisions.path, data.path]).status, 2)
    }
}

/// A period that has not ended yet is said (the figures are not end-of-period figures).
final class PeriodNotEndedTests: XCTestCase {
    func testAPeriodCheckedBeforeItEndsIsAWarning() throws {
        let (divisions, folder) = try makeTestCounty(self)
        let data = folder.appendingPathComponent("q3.csv")
        try "报告期：2025Q3\n区划代码,单位名称,总户数\n640422100201,甲村,300\n".write(to: data, atomically: true, encoding: .utf8)
        let early = try runRenju(["validate", "--format", "json", "--divisions", divisions.path, "--as-of", "2025-09-15", data.path])
        func rules(_ r: RenjuRun) throws -> [String] { ((try parseJSON(r.stdout)["findings"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String } }
        XCTAssertTrue(try rules(early).contains("format.period_not_ended"), early.stdout)
        let after = try runRenju(["validate", "--format", "json", "--divisions", divisions.path, "--as-of", "2025-10-15", data.path])
        XCTAssertFalse(try rules(after).contains("format.period_not_ended"))
    }
}

/// Messages name the option the user gave.
final class OptionNamesInMessagesTests: XCTestCase {
    func testAnOutputThatIsAnInputNamesTheOptionUsed() throws {
        let dir = try temporaryDirectory()
        let input = repoRoot.appendingPathComponent("examples/xiji/2025Q3/640422100000-吉强镇.xlsx").path
        let v = try runRenju(["validate", "--xlsx", input, dir.path, input])
        XCTAssertEqual(v.status, 2)
        XCTAssertTrue(v.stderr.contains("--xlsx"), v.stderr)
        XCTAssertFalse(v.stderr.contains("--out"), v.stderr)
    }
}

/// The same file or figures given twice are read once: never double-counted.
final class GivenTwiceTests: XCTestCase {
    func testTheSameFileTwiceAndACopyOfItAreReadOnce() throws {
        let (divisions, data) = try makeTestCounty(self)
        // One error (a negative count) in one file.
        let text = "报告期：2025Q3\n区划代码,单位名称,总户数\n640422100201,甲村,-3\n"
        try text.write(to: data.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        func errors(_ paths: [String]) throws -> (Int, [String]) {
            let r = try runRenju(["validate", "--format", "json", "--divisions", divisions.path, "--as-of", "2025-10-31"] + paths)
            let doc = try parseJSON(r.stdout)
            let findings = doc["findings"] as? [[String: Any]] ?? []
            return ((doc["summary"] as? [String: Int])?["errors"] ?? -1, findings.compactMap { $0["rule"] as? String })
        }
        let (once, _) = try errors([data.path])
        let (twice, rules) = try errors([data.path, data.appendingPathComponent("a.csv").path])
        XCTAssertEqual(once, twice, "the same file named twice is read once")
        XCTAssertTrue(rules.contains("format.given_twice"))
        try text.write(to: data.appendingPathComponent("b-copy.csv"), atomically: true, encoding: .utf8)
        let (copied, rules2) = try errors([data.path])
        XCTAssertEqual(copied, once, "a copy of the same figures is read once")
        XCTAssertTrue(rules2.contains("format.given_twice"))
        try text.replacingOccurrences(of: "-3", with: "-4").write(to: data.appendingPathComponent("b-copy.csv"), atomically: true, encoding: .utf8)
        let (_, rules3) = try errors([data.path])
        XCTAssertTrue(rules3.contains("format.conflicting_value"), "different figures for one unit in two files: \(rules3)")
    }
}
