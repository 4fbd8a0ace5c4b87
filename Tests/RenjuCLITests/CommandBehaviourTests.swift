import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuApp

/// The application layer is what every front end calls: the command line gives the same answer
/// as calling it directly, each command offers only the options it uses, and the small things
/// users asked for hold.
final class ApplicationLayerTests: XCTestCase {
    let sample = repoRoot.appendingPathComponent("examples/xiji")

    func testTheCommandLineAndTheApplicationLayerGiveTheSameFindings() throws {
        let workspace = Workspace(Locations(reference: bundledReference, templates: repoRoot.appendingPathComponent("templates").path))
        let asOf = try XCTUnwrap(CivilDate.parse("2025-10-31"))
        let v = try workspace.validate([sample.path], asOf: asOf)
        let cli = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", sample.path])
        XCTAssertEqual(cli.status, v.result.hasOpenError ? 1 : 0)
        let findings = try XCTUnwrap(try parseJSON(cli.stdout)["findings"] as? [[String: Any]])
        XCTAssertEqual(findings.compactMap { $0["rule"] as? String }, v.result.findings.map(\.rule.description))
        XCTAssertEqual(findings.compactMap { $0["unit"] as? String }, v.result.findings.compactMap { $0.unit?.rawValue })
        XCTAssertGreaterThan(v.result.unitsChecked, 100)
    }

    func testEachCommandOffersOnlyTheOptionsItUses() throws {
        func options(_ args: [String]) throws -> Set<String> {
            let help = try runRenju(args + ["--help"]).stdout
            return Set(help.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," }).map(String.init).filter { $0.hasPrefix("--") })
        }
        let sign = try options(["sign"])
        XCTAssertTrue(sign.isSuperset(of: ["--role", "--name", "--key", "--reference"]), "\(sign)")
        XCTAssertTrue(sign.isDisjoint(with: ["--format", "--targets", "--as-of", "--db"]), "renju sign --help: \(sign)")
        let validate = try options(["validate"])
        XCTAssertTrue(validate.isSuperset(of: ["--format", "--targets", "--as-of", "--db", "--min-severity", "--xlsx", "--period"]), "\(validate)")
        XCTAssertTrue(try options(["keygen"]).isDisjoint(with: ["--reference", "--format", "--period"]))
        XCTAssertTrue(try options(["db", "periods"]).isDisjoint(with: ["--reference", "--format", "--targets"]))
        XCTAssertTrue(try options(["template"]).isDisjoint(with: ["--format", "--targets", "--as-of"]))
        XCTAssertTrue(try options(["db", "history"]).isDisjoint(with: ["--targets", "--as-of"]))
    }

    func testMinimumSeverityFiltersTheReportButNotTheExitStatus() throws {
        let all = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", sample.path])
        let errors = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", "--min-severity", "error", sample.path])
        let severities = { (r: RenjuRun) in ((try? parseJSON(r.stdout)["findings"] as? [[String: Any]]) ?? []).compactMap { $0["severity"] as? String } }
        XCTAssertTrue(Set(severities(all)).isSuperset(of: ["error", "warning"]), "the sample has both")
        XCTAssertEqual(Set(severities(errors)), ["error"])
        XCTAssertEqual(severities(errors).count, severities(all).filter { $0 == "error" }.count)
        XCTAssertEqual(errors.status, all.status, "the exit status counts every error")
        XCTAssertTrue(errors.stderr.contains("--min-severity"), "says that findings were left out: \(errors.stderr)")
        XCTAssertEqual(try runRenju(["validate", "--min-severity", "severe", sample.path]).status, 2)
    }

    func testKeygenMakesItsFolderOrSaysWhyItCannot() throws {
        let dir = try temporaryDirectory()
        let nested = dir.appendingPathComponent("keys/2025")
        let made = try runRenju(["keygen", "--name", "王五", "--out", nested.path])
        XCTAssertEqual(made.status, 0, made.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: nested.appendingPathComponent("王五.key").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: nested.appendingPathComponent("王五.pub").path))
        let file = dir.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        let under = try runRenju(["keygen", "--name", "王五", "--out", file.path])
        XCTAssertEqual(under.status, 2)
        XCTAssertTrue(under.stderr.contains("is not a folder") && !under.stderr.contains("NSCocoaErrorDomain"), under.stderr)
        let again = try runRenju(["keygen", "--name", "王五", "--out", nested.path])
        XCTAssertEqual(again.status, 2, "existing keys are never overwritten")
    }

    func testValidatingAFileReadsTheSignOffsRenjuSignWroteBesideIt() throws {
        let dir = try temporaryDirectory()
        let divisions = dir.appendingPathComponent("divisions.csv")
        try testDivisionsCSV.write(to: divisions, atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("吉强镇.csv")
        try cleanTownship().write(to: file, atomically: true, encoding: .utf8)
        func signoffRules() throws -> [String] {
            let r = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", "--divisions", divisions.path, file.path])
            return ((try parseJSON(r.stdout)["findings"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String }.filter { $0.hasPrefix("signoff.") }
        }
        XCTAssertTrue(try signoffRules().contains("signoff.missing_role"), "no sign-off yet")
        // The whole chain signed, where `renju sign` puts it: read with the file.
        try signOffCSV().write(to: Workspace.signOffFile(for: file.path), atomically: true, encoding: .utf8)
        XCTAssertEqual(Workspace.signOffFile(for: file.path).lastPathComponent, "吉强镇-signoffs.csv")
        XCTAssertFalse(try signoffRules().contains("signoff.missing_role"), "the sign-offs beside the file were read with it")
    }

    /// What was checked, not only what failed: per rule, units evaluated, failed and skipped.
    func testTheReportSaysWhatEachRuleEvaluatedFailedAndSkipped() throws {
        let run = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", sample.path])
        let report = try parseJSON(run.stdout)
        let findings = try XCTUnwrap(report["findings"] as? [[String: Any]])
        let rules = try XCTUnwrap(report["rules"] as? [[String: Any]], "a rules array beside the SPEC keys")
        XCTAssertNotNil(report["summary"]); XCTAssertNotNil(report["period"])
        func row(_ id: String) throws -> (evaluated: Int, failed: Int, skipped: Int) {
            let r = try XCTUnwrap(rules.first { $0["rule"] as? String == id }, id)
            return (try XCTUnwrap(r["evaluated"] as? Int), try XCTUnwrap(r["failed"] as? Int), try XCTUnwrap(r["skipped"] as? Int))
        }
        // Failed counts the units with a finding of the rule; never more than were evaluated.
        for id in ["identity.rate", "aggregate.sum", "range.negative", "temporal.decrease", "identity.cleaners_at_least_one"] {
            let units = Set(findings.filter { $0["rule"] as? String == id }.compactMap { $0["unit"] as? String })
            let r = try row(id)
            XCTAssertEqual(r.failed, units.count, id)
            XCTAssertGreaterThan(r.failed, 0, "the sample breaks \(id)")
            XCTAssertGreaterThanOrEqual(r.evaluated, r.failed, id)
        }
        XCTAssertEqual(try row("range.negative").evaluated, (report["summary"] as? [String: Any])?["units"] as? Int, "every unit's figures are range-checked")
        // The year-to-date pace needs the year's earlier quarters, frozen stocks three quarters, and
        // Benford a thousand values over two orders of magnitude — the sample has none of these:
        // skipped, not passed.
        for id in ["outlier.ytd_pace", "temporal.frozen", "digits.benford"] {
            XCTAssertEqual(try row(id).evaluated, 0, id)
            XCTAssertGreaterThan(try row(id).skipped, 100, id)
        }
        XCTAssertNil(rules.first { $0["rule"] as? String == "outlier.hb_ytd" }, "a rule switched off in rules.yaml is not listed")
        // Without last quarter, nothing can be compared with it: every unit skipped by the temporal rules.
        let alone = try parseJSON(try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", sample.appendingPathComponent("2025Q3").path]).stdout)
        let t = try XCTUnwrap((alone["rules"] as? [[String: Any]])?.first { $0["rule"] as? String == "temporal.decrease" })
        XCTAssertEqual(t["evaluated"] as? Int, 0)
        XCTAssertEqual(t["skipped"] as? Int, (alone["summary"] as? [String: Any])?["units"] as? Int)
        // The text report ends with the count of rules.
        let text = try runRenju(["validate", "--as-of", "2025-10-31", sample.path]).stdout
        let failing = rules.filter { ($0["failed"] as? Int ?? 0) > 0 }.count, skipping = rules.filter { ($0["skipped"] as? Int ?? 0) > 0 }.count
        XCTAssertTrue(text.hasSuffix("共 \(rules.count) 条规则，\(failing) 条发现问题，\(skipping) 条有因缺数而跳过的单位。\n"), String(text.suffix(200)))
    }

    /// rules.yaml is applied once, to every finding alike: a problem in last quarter's file stays
    /// information (it is not this quarter's to fix) even though rules.yaml makes its rule an error,
    /// and a rule switched off is silent whether a reader or a check reports it.
    func testRuleSettingsAreAppliedOnceToEveryFinding() throws {
        let (divisions, data) = try makeTestCounty(self)
        let q2 = cleanTownship(period: "2025Q2").replacingOccurrences(of: "2025Q2,640422100201,cleaners,6", with: "2025Q2,640422100201,cleaners,六")
        XCTAssertNotEqual(q2, cleanTownship(period: "2025Q2"), "the history file has a word where a figure goes")
        try q2.write(to: data.appendingPathComponent("q2.csv"), atomically: true, encoding: .utf8)
        try cleanTownship().write(to: data.appendingPathComponent("q3.csv"), atomically: true, encoding: .utf8)
        try signOffCSV().write(to: data.appendingPathComponent("q3-签字.csv"), atomically: true, encoding: .utf8)
        let run = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", "--divisions", divisions.path, data.path])
        let findings = try XCTUnwrap(try parseJSON(run.stdout)["findings"] as? [[String: Any]])
        let history = try XCTUnwrap(findings.first { $0["rule"] as? String == "format.not_a_number" }, run.stdout)
        XCTAssertEqual(history["severity"] as? String, "info")
        XCTAssertTrue((history["message"] as? String)?.hasPrefix("（历史数据 2025Q2）") == true)
        XCTAssertEqual(run.status, 0, "the current quarter is clean: \(run.stdout)")

        // Switched off in rules.yaml: the reader's finding is gone too.
        let dir = try temporaryDirectory("ref")
        let ref = dir.appendingPathComponent("reference-data")
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("reference-data"), to: ref)
        let rules = ref.appendingPathComponent("rules.yaml")
        try (try String(contentsOf: rules, encoding: .utf8)).replacingOccurrences(of: "format.not_a_number:      {severity: error}",
                                                                                  with: "format.not_a_number:      {severity: error, enabled: false}")
            .write(to: rules, atomically: true, encoding: .utf8)
        let off = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", "--reference", ref.path, "--divisions", divisions.path, data.path])
        let offRules = ((try parseJSON(off.stdout)["findings"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String }
        XCTAssertFalse(offRules.contains("format.not_a_number"), off.stdout)
        XCTAssertFalse(offRules.isEmpty, "the other rules still report")
    }

    /// Progress of a long read is shown on stderr when it is a terminal, and never in a pipe:
    /// the JSON on stdout and a log of stderr stay clean.
    func testProgressGoesToATerminalOnlyAndNeverIntoTheReport() throws {
        // stderr on a pseudo-terminal (python's pty), stdout on a pipe.
        let script = """
        import os, pty, subprocess, sys
        master, slave = pty.openpty()
        p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        out = p.stdout.read(); p.wait()
        sys.stdout.write(repr(seen) + "\\n" + out.decode())
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, renjuBinary.path, "validate", "--format", "json", "--as-of", "2025-10-31", sample.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let firstLine = String(text.prefix { $0 != "\n" })
        XCTAssertTrue(firstLine.contains("/40"), "the terminal saw the files counted: \(firstLine.prefix(300))")
        let json = String(text.drop { $0 != "\n" }.dropFirst())
        XCTAssertNoThrow(try parseJSON(json), "stdout is the JSON report alone")
        XCTAssertFalse(json.contains("读取文件"))
        // Into a pipe (the usual test run): no progress at all.
        let piped = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", sample.path])
        XCTAssertFalse(piped.stderr.contains("读取文件") || piped.stderr.contains("\r"), piped.stderr)
    }

    /// `renju synth` makes a prefecture of the shape asked for (the desk's load test at a
    /// prefecture's scale: 10 counties of 30 townships), and refuses a shape the codes cannot hold.
    func testSynthMakesAPrefectureOfTheShapeAskedFor() throws {
        let dir = try temporaryDirectory()
        let made = try runRenju(["synth", "--villages", "3600", "--villages-per-township", "12", "--townships-per-county", "30",
                                 "--counties-per-prefecture", "10", "--period", "2025Q3", "--out", dir.path])
        XCTAssertEqual(made.status, 0, made.stderr)
        XCTAssertTrue(made.stdout.contains("3600 villages in 300 townships, 10 counties, 1 prefectures"), made.stdout)
        let rows = try String(contentsOf: dir.appendingPathComponent("divisions.csv"), encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let levels = rows.filter { $0.count >= 4 }.map { String($0[2]) }
        XCTAssertEqual(levels.filter { $0 == "county" }.count, 10)
        XCTAssertEqual(levels.filter { $0 == "township" }.count, 300)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("returns/2025Q3").path)
        XCTAssertEqual(files.filter { !$0.contains("签字") }.count, 10, "a file a county")
        let refused = try runRenju(["synth", "--villages", "10", "--townships-per-county", "900", "--period", "2025Q3", "--out", dir.appendingPathComponent("x").path])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("--townships-per-county") && refused.stderr.contains("1–899"), refused.stderr)
    }

    /// A workbook holding a unit outside the caller's scope is refused whole: nothing recorded.
    func testVerifyImportRefusesAUnitOutsideTheScopeAndRecordsNothing() async throws {
        let dir = try temporaryDirectory()
        XCTAssertEqual(try runRenju(["synth", "--villages", "60", "--period", "2025Q3", "--out", dir.path]).status, 0)
        let db = dir.appendingPathComponent("s.sqlite").path, book = dir.appendingPathComponent("b.xlsx"), filled = dir.appendingPathComponent("f.xlsx")
        XCTAssertEqual(try runRenju(["sample", "--db", db, "--size", "3", "--seed", "2", "--out", book.path, "--as-of", "2025-10-31",
                                     "--divisions", dir.appendingPathComponent("divisions.csv").path, dir.appendingPathComponent("returns").path]).status, 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import openpyxl, sys; wb = openpyxl.load_workbook(sys.argv[1]); wb.worksheets[1]['H2'] = '属实'; wb.save(sys.argv[2])",
                       book.path, filled.path]
        try p.run(); p.waitUntilExit()
        let store = try await Workspace.openStore(db, migrate: true).store  // recording writes
        do {
            _ = try await Workspace.verifyImport(filled.path, store: store, allowed: { _ in false })
            XCTFail("a row outside the caller's scope is refused")
        } catch {
            XCTAssertTrue("\(error)".contains("不在您的范围内") && "\(error)".contains("!A2"), "\(error)")
        }
        let recorded = try await Workspace.verifyImport(filled.path, store: store).results.count
        XCTAssertEqual(recorded, 1, "the same workbook, in scope, is recorded")
    }

    /// Plain HTTP is served on this machine only: a LAN address needs TLS (or the explicit
    /// --insecure-http behind a TLS proxy); a certificate without its key is refused.
    func testTheDeskRefusesPlainHTTPOnALANAddress() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("desk.sqlite").path
        let r = try runRenju(["serve", "--db", db, "--host", "0.0.0.0", "--port", "1"])
        XCTAssertEqual(r.status, 2, r.stderr)   // could not run: nothing was started
        XCTAssertTrue(r.stderr.contains("refusing plain HTTP on 0.0.0.0") && r.stderr.contains("--tls-cert"), r.stderr)
        let half = try runRenju(["serve", "--db", db, "--tls-cert", "c.pem"])
        XCTAssertTrue(half.stderr.contains("--tls-cert and --tls-key go together"), half.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: db), "nothing was created")
        let v = try runRenju(["--version"])
        XCTAssertTrue(v.stdout.hasPrefix("0.") && v.stdout.contains("commit "), v.stdout)
    }
}

