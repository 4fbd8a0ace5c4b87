import XCTest
import RenjuTestSupport

/// A typo in a reference or template file is refused with the file and line (exit 2), never
/// silently ignored: a misspelt threshold would otherwise leave its default in force unseen.
final class ReferenceTyposTests: XCTestCase {
    /// A copy of the bundled reference data and templates with one text replaced; the line it is on.
    func copyWith(_ file: String, replacing old: String, with new: String) throws -> (reference: URL, line: Int) {
        let dir = try temporaryDirectory(UUID().uuidString)
        let ref = dir.appendingPathComponent("reference-data"), tpl = dir.appendingPathComponent("templates")
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("reference-data"), to: ref)
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("templates"), to: tpl)
        let url = dir.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        let range = try XCTUnwrap(text.range(of: old), "\(old) is in \(file)")
        let line = text[..<range.lowerBound].filter { $0 == "\n" }.count + 1
        try text.replacingCharacters(in: range, with: new).write(to: url, atomically: true, encoding: .utf8)
        return (ref, line)
    }

    let sample = repoRoot.appendingPathComponent("examples/xiji").path

    func assertRefused(_ run: RenjuRun, _ file: String, line: Int, mentions words: [String], _ l: UInt = #line) {
        XCTAssertEqual(run.status, 2, run.stderr, line: l)
        XCTAssertTrue(run.stderr.contains("\(file):\(line)"), "names \(file):\(line): \(run.stderr)", line: l)
        for w in words { XCTAssertTrue(run.stderr.contains(w), "mentions \(w): \(run.stderr)", line: l) }
        XCTAssertTrue(run.stdout.isEmpty, "no report: \(run.stdout.prefix(200))", line: l)
    }

    func testAMisspeltOrOutOfRangeRuleParameterIsRefused() throws {
        let typo = try copyWith("reference-data/rules.yaml", replacing: "tolerance: 0.1", with: "tolerence: 0.5")
        assertRefused(try runRenju(["validate", "--reference", typo.reference.path, sample]), "rules.yaml", line: typo.line,
                      mentions: ["identity.rate", "“tolerence”", "did you mean “tolerance”"])
        let big = try copyWith("reference-data/rules.yaml", replacing: "tolerance: 0.1", with: "tolerance: 500")
        assertRefused(try runRenju(["validate", "--reference", big.reference.path, sample]), "rules.yaml", line: big.line,
                      mentions: ["identity.rate.tolerance must be 0–100", "500"])
        let half = try copyWith("reference-data/rules.yaml", replacing: "threshold: 3.5, min_units: 5", with: "threshold: 3.5, min_units: 4.5")
        assertRefused(try runRenju(["validate", "--reference", half.reference.path, sample]), "rules.yaml", line: half.line,
                      mentions: ["outlier.peer.min_units must be a whole number"])
        let top = try copyWith("reference-data/rules.yaml", replacing: "\nchecks:", with: "\nchekcs:")
        assertRefused(try runRenju(["rules", "--reference", top.reference.path]), "rules.yaml", line: top.line + 1,
                      mentions: ["“chekcs”", "did you mean “checks”"])
    }

    func testAnOverrideIsShownWithTheDefaultItReplaces() throws {
        let (ref, _) = try copyWith("reference-data/rules.yaml", replacing: "tolerance: 0.1", with: "tolerance: 0.5")
        let run = try runRenju(["rules", "--reference", ref.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        let line = try XCTUnwrap(run.stdout.split(separator: "\n").first { $0.hasPrefix("identity.rate ") })
        XCTAssertTrue(line.contains("tolerance=0.5（默认 0.1）"), String(line))
        let hb = try XCTUnwrap(run.stdout.split(separator: "\n").first { $0.hasPrefix("outlier.hb ") })
        XCTAssertTrue(hb.contains("U=0.5 A=0.05 C=4 min_units=5") && !hb.contains("默认"), "defaults listed plainly: \(hb)")
    }

    func testUnknownKeysInEveryReferenceAndTemplateFileAreRefused() throws {
        let ind = try copyWith("reference-data/indicators.yaml", replacing: "integer: true, group: 基本情况", with: "intger: true, group: 基本情况")
        assertRefused(try runRenju(["validate", "--reference", ind.reference.path, sample]), "indicators.yaml", line: ind.line,
                      mentions: ["“intger”", "did you mean “integer”"])
        let so = try copyWith("reference-data/signoff.yaml", replacing: "deadline_days: 10", with: "deadline_day: 10")
        assertRefused(try runRenju(["validate", "--reference", so.reference.path, sample]), "signoff.yaml", line: so.line,
                      mentions: ["“deadline_day”", "did you mean “deadline_days”"])
        let rk = try copyWith("reference-data/ranking.yaml", replacing: "red_flags:", with: "red_flag:")
        assertRefused(try runRenju(["rank", "--reference", rk.reference.path, sample]), "ranking.yaml", line: rk.line,
                      mentions: ["“red_flag”", "did you mean “red_flags”"])
        let tp = try copyWith("templates/prefecture-quarterly.yaml", replacing: "\nfont_size:", with: "\nfont_sise:")
        let out = try temporaryDirectory().appendingPathComponent("r.xlsx").path
        assertRefused(try runRenju(["export", "--reference", tp.reference.path, "--out", out, sample]), "prefecture-quarterly.yaml", line: tp.line + 1,
                      mentions: ["“font_sise”", "did you mean “font_size”"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testRulesCheckRefusesAFileThatIsNotARuleFile() throws {
        let run = try runRenju(["rules", "--check", repoRoot.appendingPathComponent("reference-data/indicators.yaml").path])
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("indicators.yaml:") && run.stderr.contains("unknown key “indicators”"), run.stderr)
        let ok = try runRenju(["rules", "--check", repoRoot.appendingPathComponent("reference-data/rules.yaml").path])
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    func testAnExplanationNamingNoRuleIsRefusedWithItsCell() throws {
        let dir = try temporaryDirectory()
        for q in ["2025Q2", "2025Q3"] {
            try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("examples/xiji/\(q)"), to: dir.appendingPathComponent(q))
        }
        let notes = dir.appendingPathComponent("2025Q3/说明.csv")
        try "区划代码,报告期,规则,说明\n640422100000,2025Q3,temporal.stable,今年新修道路\n640422101000,2025Q3,temporal.stabel,村庄合并\n"
            .write(to: notes, atomically: true, encoding: .utf8)
        let run = try runRenju(["validate", dir.path])
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertTrue(run.stderr.contains("说明.csv:D3"), "names the file and the cell: \(run.stderr)")
        XCTAssertTrue(run.stderr.contains("temporal.stabel") && run.stderr.contains("did you mean “temporal.stable”"), run.stderr)
        // Spelt right (a rule id or a category), the same file is read.
        try "区划代码,报告期,规则,说明\n640422100000,2025Q3,temporal.stable,今年新修道路\n640422101000,2025Q3,temporal,村庄合并\n"
            .write(to: notes, atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try runRenju(["validate", dir.path]).status, 2)
    }
}
