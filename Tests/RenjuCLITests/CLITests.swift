import XCTest
import RenjuTestSupport
import RenjuReading
import Foundation

/// The `renju` command line, end to end: the built binary on real files.
final class CLITests: XCTestCase {
    static var binary: URL { renjuBinary }
    typealias Run = RenjuRun
    func renju(_ args: [String], cwd: URL? = nil) throws -> Run { try runRenju(args, cwd: cwd) }
    func json(_ s: String) throws -> [String: Any] { try parseJSON(s) }
    /// The rules of a JSON report's findings (not of its "rules" summary, which lists every rule).
    func findingRules(_ r: Run) throws -> [String] { ((try json(r.stdout)["findings"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String } }

    func testValidateTheBundledExampleAsJSON() throws {
        let examples = repoRoot.appendingPathComponent("examples/xiji").path
        let run = try renju(["validate", "--format", "json", "--as-of", "2025-10-31", examples])
        XCTAssertEqual(run.status, 1, "the example has planted errors: \(run.stderr)")
        let doc = try json(run.stdout)
        XCTAssertEqual(doc["period"] as? String, "2025Q3")
        let summary = try XCTUnwrap(doc["summary"] as? [String: Int])
        XCTAssertEqual(Set(summary.keys), ["units", "errors", "warnings", "explained", "infos"])
        XCTAssertGreaterThan(summary["units"] ?? 0, 100)
        let findings = try XCTUnwrap(doc["findings"] as? [[String: Any]])
        XCTAssertEqual(summary["errors"], findings.filter { $0["severity"] as? String == "error" }.count)
        for f in findings {
            XCTAssertEqual(Set(f.keys).intersection(["rule", "severity", "unit", "unit_name", "period", "indicator", "value", "expected", "message", "source", "explained"]).count, 11)
        }
        // The village whose road hardening rate says 100 %.
        let rate = try XCTUnwrap(findings.first { $0["rule"] as? String == "identity.rate" && $0["indicator"] as? String == "road_hardening_rate" })
        XCTAssertEqual(rate["value"] as? Double, 100)
        XCTAssertNotNil(rate["expected"] as? Double)
        XCTAssertTrue((rate["source"] as? String)?.hasPrefix("640422101000-兴隆镇.xlsx:数据!") ?? false)
        XCTAssertEqual(rate["unit_name"] as? String, "泉台村")
        // The sanitary toilets that fell since 2025Q2 (history from the same run).
        XCTAssertTrue(findings.contains { $0["rule"] as? String == "temporal.decrease" })
    }

    func testCleanInputExitsZeroAndTextReportEndsWithASummary() throws {
        let dir = try temporaryDirectory()
        let divisions = dir.appendingPathComponent("divisions.csv")
        try testDivisionsCSV.write(to: divisions, atomically: true, encoding: .utf8)
        let data = dir.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try cleanTownship().write(to: data.appendingPathComponent("town.csv"), atomically: true, encoding: .utf8)
        try signOffCSV().write(to: data.appendingPathComponent("town-签字.csv"), atomically: true, encoding: .utf8)
        let run = try renju(["validate", "--divisions", divisions.path, data.path])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        // The summary of findings, then what was checked: the count of rules.
        let last = lines.dropLast().last ?? ""
        XCTAssertTrue(last.contains("共审核 3 个单位") && last.contains("错误 0 条"), last)
        XCTAssertTrue(lines.last?.hasPrefix("共 ") == true && lines.last?.contains("条规则") == true, lines.last ?? "")
        XCTAssertFalse(run.stdout.contains("\u{1B}["), "no colour when not on a terminal")
        let en = try renju(["validate", "--lang", "en", "--divisions", divisions.path, data.path])
        XCTAssertTrue(en.stdout.contains("3 units checked: 0 errors"), en.stdout)
    }

    func testWarningsAloneExitZeroAndEnglishMessages() throws {
        let dir = try temporaryDirectory()
        let divisions = dir.appendingPathComponent("divisions.csv")
        try testDivisionsCSV.write(to: divisions, atomically: true, encoding: .utf8)
        try cleanTownship(period: "2025Q2", a: villageValues(households: 500, toilets: 400)).write(to: dir.appendingPathComponent("q2.csv"), atomically: true, encoding: .utf8)
        try cleanTownship(period: "2025Q3", a: villageValues(households: 600, toilets: 400)).write(to: dir.appendingPathComponent("q3.csv"), atomically: true, encoding: .utf8)
        try signOffCSV().write(to: dir.appendingPathComponent("q3-签字.csv"), atomically: true, encoding: .utf8)
        let run = try renju(["validate", "--format", "json", "--lang", "en", "--divisions", divisions.path,
                             dir.appendingPathComponent("q2.csv").path, dir.appendingPathComponent("q3.csv").path,
                             dir.appendingPathComponent("q3-签字.csv").path])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let findings = try XCTUnwrap(try json(run.stdout)["findings"] as? [[String: Any]])
        let stable = try XCTUnwrap(findings.first { $0["rule"] as? String == "temporal.stable" && $0["unit"] as? String == "640422100201" })
        XCTAssertEqual(stable["severity"] as? String, "warning")
        XCTAssertTrue((stable["message"] as? String)?.contains("moved from 500") ?? false)
    }

    func testCouldNotRunExitsTwo() throws {
        XCTAssertEqual(try renju(["validate", "--period", "someday", "."]).status, 2)
        XCTAssertEqual(try renju(["validate", "/no/such/folder"]).status, 2)
        XCTAssertEqual(try renju(["validate", "--reference", "/no/such/reference", repoRoot.appendingPathComponent("examples").path]).status, 2)
        XCTAssertEqual(try renju(["frobnicate"]).status, 2)
        let help = try renju(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("validate"))
    }

    func testRulesListsWhatWillBeCheckedAndChecksARuleFile() throws {
        let list = try renju(["rules"])
        XCTAssertEqual(list.status, 0)
        for id in ["identity.rate", "aggregate.sum", "temporal.decrease", "target.overshoot", "identity.cleaners_at_least_one"] {
            XCTAssertTrue(list.stdout.contains(id), id)
        }
        let ok = try renju(["rules", "--check", repoRoot.appendingPathComponent("reference-data/rules.yaml").path])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let dir = try temporaryDirectory()
        let bad = dir.appendingPathComponent("bad.yaml")
        try "checks:\n  range.negative: {severity: error}\nrules:\n  - id: identity.x\n    title: x\n    severity: warning\n    assert: \"households >= (1\"\n".write(to: bad, atomically: true, encoding: .utf8)
        let refused = try renju(["rules", "--check", bad.path])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("bad.yaml:7:"), refused.stderr)
        let typo = dir.appendingPathComponent("typo.yaml")
        try "checks:\n  range.negativ: {severity: error}\n".write(to: typo, atomically: true, encoding: .utf8)
        let t = try renju(["rules", "--check", typo.path])
        XCTAssertEqual(t.status, 2)
        XCTAssertTrue(t.stderr.contains("typo.yaml:2"), t.stderr)
    }

    func testExplanationsFileMarksWarningsExplainedInJSON() throws {
        let dir = try temporaryDirectory()
        let divisions = dir.appendingPathComponent("divisions.csv")
        try testDivisionsCSV.write(to: divisions, atomically: true, encoding: .utf8)
        try cleanTownship(period: "2025Q2", a: villageValues(households: 500, toilets: 400)).write(to: dir.appendingPathComponent("q2.csv"), atomically: true, encoding: .utf8)
        try cleanTownship(period: "2025Q3", a: villageValues(households: 600, toilets: 400, investment: 120)).write(to: dir.appendingPathComponent("q3.csv"), atomically: true, encoding: .utf8)
        try signOffCSV().write(to: dir.appendingPathComponent("签字.csv"), atomically: true, encoding: .utf8)
        try "区划代码,报告期,规则,指标,说明\n640422100201,2025年第三季度,temporal.stable,households,移民安置新增100户\n640422100000,2025Q3,temporal,,合计随村变化\n"
            .write(to: dir.appendingPathComponent("说明.csv"), atomically: true, encoding: .utf8)
        let run = try renju(["validate", "--format", "json", "--divisions", divisions.path, dir.path])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let doc = try json(run.stdout)
        let findings = try XCTUnwrap(doc["findings"] as? [[String: Any]])
        let stable = findings.filter { $0["rule"] as? String == "temporal.stable" }
        XCTAssertEqual(stable.count, 2, "village and township households both moved 12.5–20 %")
        XCTAssertTrue(stable.allSatisfy { $0["explained"] as? Bool == true })
        XCTAssertEqual((doc["summary"] as? [String: Int])?["explained"], findings.filter { $0["explained"] as? Bool == true }.count)
        XCTAssertEqual((doc["summary"] as? [String: Int])?["warnings"], findings.filter { $0["severity"] as? String == "warning" && $0["explained"] as? Bool == false }.count)
        let text = try renju(["validate", "--divisions", divisions.path, dir.path])
        XCTAssertTrue(text.stdout.contains("移民安置新增100户"), "the text report shows the explanation next to the finding")
    }

    func testExportNeverWritesOverAnInput() throws {
        let dir = try temporaryDirectory()
        let input = dir.appendingPathComponent("town.csv")
        try cleanTownship().write(to: input, atomically: true, encoding: .utf8)
        let before = try Data(contentsOf: input)
        let run = try renju(["export", "--out", input.path, input.path])
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(try Data(contentsOf: input), before)
        let ok = try renju(["export", "--out", dir.appendingPathComponent("西吉县.xlsx").path, repoRoot.appendingPathComponent("examples/xiji").path])
        XCTAssertEqual(ok.status, 1, "written as a draft, but the example has open errors: \(ok.stderr)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("西吉县.xlsx").path))
        let strict = try renju(["export", "--strict", "--out", dir.appendingPathComponent("strict.xlsx").path, repoRoot.appendingPathComponent("examples/xiji").path])
        XCTAssertEqual(strict.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("strict.xlsx").path))
        let form = try renju(["template", "--unit", "640422100000", "--period", "2025Q4", "--out", dir.appendingPathComponent("form.xlsx").path])
        XCTAssertEqual(form.status, 0, form.stderr)
        XCTAssertEqual(try renju(["template", "--unit", "640422100000", "--out", dir.appendingPathComponent("f2.xlsx").path]).status, 2, "--period is required")
    }

    func testKeygenSignDigestAndValidateEndToEnd() throws {
        let dir = try temporaryDirectory()
        let ref = dir.appendingPathComponent("reference-data")
        try FileManager.default.copyItem(atPath: bundledReference, toPath: ref.path)
        try testDivisionsCSV.write(to: dir.appendingPathComponent("divisions.csv"), atomically: true, encoding: .utf8)
        let keys = dir.appendingPathComponent("mykeys")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        // 李四 signs with SM2 (国密), the others with Ed25519: both verified alike.
        for name in ["王五", "李四", "张三"] {
            let k = try renju(["keygen", "--name", name, "--out", keys.path] + (name == "李四" ? ["--alg", "sm2"] : []))
            XCTAssertEqual(k.status, 0, k.stderr)
            let pub = try String(contentsOf: keys.appendingPathComponent("\(name).pub"), encoding: .utf8)
            XCTAssertTrue(pub.contains(name == "李四" ? "\nsm2: " : "\ned25519: "), pub)
            try FileManager.default.copyItem(at: keys.appendingPathComponent("\(name).pub"), to: ref.appendingPathComponent("keys/\(name).pub"))
        }
        XCTAssertEqual(try renju(["keygen", "--name", "王五", "--out", keys.path]).status, 2, "an existing key is never overwritten")
        let data = dir.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let file = data.appendingPathComponent("吉强镇.csv")
        try cleanTownship().write(to: file, atomically: true, encoding: .utf8)
        let common = ["--reference", ref.path, "--divisions", dir.appendingPathComponent("divisions.csv").path]
        let digest = try renju(["digest"] + common + [file.path])
        XCTAssertEqual(digest.status, 0)
        let d = String(digest.stdout.prefix(64))
        for (role, name, date) in [("填表人", "王五", "2025-10-03"), ("统计负责人", "李四", "2025-10-05"), ("单位负责人", "张三", "2025-10-08")] {
            let s = try renju(["sign"] + common + ["--role", role, "--name", name, "--key", keys.appendingPathComponent("\(name).key").path, "--date", date, file.path])
            XCTAssertEqual(s.status, 0, s.stderr)
        }
        let csv = try String(contentsOf: data.appendingPathComponent("吉强镇-signoffs.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, 4, csv)
        XCTAssertTrue(csv.contains(d), "the sign-off carries the digest")
        let before = try renju(["validate", "--format", "json", "--as-of", "2025-10-31"] + common + [data.path])
        XCTAssertEqual(before.status, 0, before.stdout)
        let rules = (try json(before.stdout)["findings"] as? [[String: Any]])?.compactMap { $0["rule"] as? String } ?? []
        XCTAssertFalse(rules.contains { $0.hasPrefix("signoff.") }, "\(rules)")
        // 李四 tries to sign with 张三's key: refused at once (it would not verify), nothing written.
        let wrongKey = try renju(["sign"] + common + ["--role", "统计负责人", "--name", "李四", "--key", keys.appendingPathComponent("张三.key").path, "--date", "2025-10-05", file.path])
        XCTAssertEqual(wrongKey.status, 2)
        XCTAssertTrue(wrongKey.stderr.contains("not the key registered"), wrongKey.stderr)
        XCTAssertEqual(try String(contentsOf: data.appendingPathComponent("吉强镇-signoffs.csv"), encoding: .utf8), csv)
        // A role that is not in the township's chain is refused.
        let outside = try renju(["sign"] + common + ["--role", "县政府分管领导", "--name", "张三", "--key", keys.appendingPathComponent("张三.key").path, file.path])
        XCTAssertEqual(outside.status, 2)
        XCTAssertTrue(outside.stderr.contains("填表人 → 统计负责人 → 单位负责人"), outside.stderr)
        // A signature forged into the sign-off CSV by hand (张三's key under 李四's name) does not verify.
        let forgedLines = csv.split(separator: "\n").map(String.init)
        let zhangSig = try XCTUnwrap(forgedLines.first { $0.contains(",张三,") }?.split(separator: ",").last.map(String.init))
        let tampered = forgedLines.map { line -> String in
            guard line.contains(",李四,") else { return line }
            var f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            f[f.count - 1] = zhangSig
            return f.joined(separator: ",")
        }.joined(separator: "\n") + "\n"
        try tampered.write(to: data.appendingPathComponent("吉强镇-signoffs.csv"), atomically: true, encoding: .utf8)
        let forged = try renju(["validate", "--format", "json", "--as-of", "2025-10-31"] + common + [data.path])
        XCTAssertEqual(forged.status, 1)
        XCTAssertTrue(try findingRules(forged).contains("signoff.signature"), forged.stdout)
        // A figure changed after signing.
        _ = try renju(["sign"] + common + ["--role", "统计负责人", "--name", "李四", "--key", keys.appendingPathComponent("李四.key").path, "--date", "2025-10-05", file.path])
        try cleanTownship(a: villageValues(cleaners: 7)).write(to: file, atomically: true, encoding: .utf8)
        let changed = try renju(["validate", "--format", "json", "--as-of", "2025-10-31"] + common + [data.path])
        XCTAssertEqual(changed.status, 1)
        XCTAssertTrue(try findingRules(changed).contains("signoff.digest"), changed.stdout)
    }

    /// A period, a date or a division code that does not parse is refused where the command line
    /// is read — exit 2, naming the option — before any file is read.
    func testAMistypedPeriodDateOrCodeIsRefusedNamingItsOption() throws {
        let sample = repoRoot.appendingPathComponent("examples/xiji").path
        for (args, option) in [(["validate", "--period", "2025Q5", sample], "--period"),
                               (["validate", "--as-of", "2025-13-40", sample], "--as-of"),
                               (["db", "history", "--db", "none.sqlite", "--unit", "64042X", "--indicator", "households"], "--unit")] {
            let r = try runRenju(args)
            XCTAssertEqual(r.status, 2, args.joined(separator: " "))
            XCTAssertTrue(r.stderr.contains(option) && r.stderr.contains("invalid"), r.stderr)
            XCTAssertTrue(r.stdout.isEmpty, "no report: \(r.stdout.prefix(200))")
        }
        let fine = try runRenju(["validate", "--period", "2025年第三季度", "--as-of", "2025-10-31", "--format", "json", sample])
        XCTAssertEqual(try parseJSON(fine.stdout)["period"] as? String, "2025Q3", "the Chinese name of the period is understood")
    }

    /// Every report says what it could not check: the text before its summary, the JSON as `coverage`.
    func testTheReportSaysWhatItCouldNotCheck() throws {
        let q3 = repoRoot.appendingPathComponent("examples/xiji/2025Q3").path
        let alone = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", q3])
        let coverage = try XCTUnwrap(try parseJSON(alone.stdout)["coverage"] as? [String: Any])
        XCTAssertEqual(coverage["history"] as? Bool, false)
        XCTAssertEqual(coverage["complete"] as? Bool, false)
        XCTAssertEqual(coverage["previous_period"] as? String, "2025Q2")
        XCTAssertEqual(coverage["units_without_history"] as? Int, 126)
        XCTAssertTrue((coverage["rules_skipped"] as? [[String: Any]])?.contains { $0["rule"] as? String == "temporal.stable" } == true)
        let text = try runRenju(["validate", "--as-of", "2025-10-31", q3]).stdout
        XCTAssertTrue(text.contains("未能审核的部分：输入和数据库中没有更早的报告期"), text)
        let both = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", repoRoot.appendingPathComponent("examples/xiji").path])
        let full = try XCTUnwrap(try parseJSON(both.stdout)["coverage"] as? [String: Any])
        XCTAssertEqual(full["units_without_history"] as? Int, 0, "with 2025Q2 beside it every unit is compared")
    }

    /// A village's code changed between two years' divisions: `divisions diff` proposes the change
    /// line, and with it `validate` (from files and from a store) compares the village with its
    /// past under the old code; without it, the village is told it has no history, with its
    /// likely predecessor.
    func testDivisionChangesCarryHistoryFromFilesAndFromTheStore() throws {
        let dir = try temporaryDirectory()
        let county = try RenamedVillage(in: dir)
        let (oldCode, jia) = (county.oldCode, county.newCode)
        let (oldDivisions, newDivisions, history, current) = (county.oldDivisions, county.newDivisions, county.history, county.current)

        let diff = try runRenju(["divisions", "diff", oldDivisions, newDivisions, "--effective", "2025-07-01", "--out", dir.appendingPathComponent("changes.csv").path])
        XCTAssertEqual(diff.status, 0, diff.stderr)
        let changes = try String(contentsOf: dir.appendingPathComponent("changes.csv"), encoding: .utf8)
        XCTAssertTrue(changes.contains("2025-07-01,\(oldCode),\(jia),rename,"), changes)

        func decrease(_ json: String) throws -> [String: Any]? {
            (try parseJSON(json)["findings"] as? [[String: Any]])?.first { $0["rule"] as? String == "temporal.decrease" && $0["unit"] as? String == jia }
        }
        let carried = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", "--divisions", newDivisions,
                                    "--division-changes", dir.appendingPathComponent("changes.csv").path, history, current])
        XCTAssertEqual(try decrease(carried.stdout)?["expected"] as? Double, 400, carried.stdout)
        let coverage = try XCTUnwrap(try parseJSON(carried.stdout)["coverage"] as? [String: Any])
        XCTAssertEqual(coverage["units_history_carried"] as? Int, 1)

        let plain = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", "--divisions", newDivisions, history, current])
        XCTAssertNil(try decrease(plain.stdout))
        let told = (try parseJSON(plain.stdout)["findings"] as? [[String: Any]])?.first { $0["rule"] as? String == "temporal.new_unit" && $0["unit"] as? String == jia }
        XCTAssertTrue((told?["message"] as? String)?.contains(oldCode) ?? false, plain.stdout)

        // The store holds the history under the old code; validating against it fetches that code too.
        let db = dir.appendingPathComponent("store.sqlite").path
        let imported = try runRenju(["db", "import", "--db", db, "--divisions", oldDivisions, "--as-of", "2025-10-31", "--force", "--reason", "test history", history])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let fromStore = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", "--db", db, "--divisions", newDivisions,
                                      "--division-changes", dir.appendingPathComponent("changes.csv").path, current])
        XCTAssertEqual(try decrease(fromStore.stdout)?["expected"] as? Double, 400, fromStore.stdout)
    }

    /// A published table: blanks declared for the run (`--blank`) give no required-value error, and
    /// the report says what was not checked; a panel without total rows (`--without-totals`).
    func testAPublishedTablesConventionsAreDeclaredOnTheCommandLine() throws {
        let dir = try temporaryDirectory()
        let divisions = dir.appendingPathComponent("divisions.csv")
        try testDivisionsCSV.write(to: divisions, atomically: true, encoding: .utf8)
        let table = dir.appendingPathComponent("table.csv")
        try longCSV(period: "2025Q3", rows: [("640422100201", villageValues()), ("640422100202", villageValues(households: 300, toilets: 200))])
            .replacingOccurrences(of: "2025Q3,640422100201,cleaners,6\n", with: "2025Q3,640422100201,cleaners,—\n")
            .write(to: table, atomically: true, encoding: .utf8)
        func rules(_ r: RenjuRun) throws -> Set<String> {
            Set((try parseJSON(r.stdout)["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String })
        }
        let plain = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", "--divisions", divisions.path, table.path])
        XCTAssertTrue(try rules(plain).isSuperset(of: ["completeness.missing_value", "completeness.missing_total"]), plain.stdout)
        let declared = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", "--divisions", divisions.path,
                                     "--blank", "cleaners=not_applicable", "--without-totals", table.path])
        XCTAssertTrue(try rules(declared).isDisjoint(with: ["completeness.missing_value", "completeness.missing_total"]), declared.stdout)
        let coverage = try XCTUnwrap(try parseJSON(declared.stdout)["coverage"] as? [String: Any])
        XCTAssertEqual((coverage["not_applicable"] as? [[String: Any]])?.first?["indicator"] as? String, "cleaners")
        let refused = try runRenju(["validate", "--divisions", divisions.path, "--blank", "sanitary_toilet_rate=zero", table.path])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("not a rate"), refused.stderr)
        XCTAssertTrue(try runRenju(["validate", "--help"]).stdout.contains("half-year"))
    }

    /// `validate --impute`: the values for a localised and a blank figure, with their status, in the
    /// JSON report and in the findings workbook's 插补值 sheet; the reported figures unchanged.
    func testImputedValuesAreReportedBesideTheFiguresWithHowTheyWereFound() throws {
        let dir = try temporaryDirectory()
        let divisions = dir.appendingPathComponent("divisions.csv")
        try testDivisionsCSV.write(to: divisions, atomically: true, encoding: .utf8)
        var a = villageValues(households: 500, toilets: 400, roadTotal: 13, roadHard: 12)
        a["road_hardening_rate"] = 100
        let file = dir.appendingPathComponent("2025Q3.csv")
        try longCSV(period: "2025Q3", rows: [("640422100201", a)]).write(to: file, atomically: true, encoding: .utf8)
        let book = dir.appendingPathComponent("审核结果.xlsx")
        let r = try runRenju(["validate", "--format", "json", "--impute", "--as-of", "2025-10-31", "--divisions", divisions.path, "--xlsx", book.path, file.path])
        XCTAssertEqual(r.status, 1, "the error stays open: an imputed value is a suggestion")
        let imputed = try XCTUnwrap(try parseJSON(r.stdout)["imputed"] as? [[String: Any]], r.stdout)
        let rate = try XCTUnwrap(imputed.first { $0["indicator"] as? String == "road_hardening_rate" })
        XCTAssertEqual(rate["value"] as? Double, 92.31)
        XCTAssertEqual(rate["reported"] as? Double, 100)
        XCTAssertEqual(rate["status"] as? String, "imputed")
        XCTAssertEqual(rate["method"] as? String, "deterministic")
        let sheets = try XLSXReader().read(url: book)
        let sheet = try XCTUnwrap(sheets.first { $0.name == "插补值" }, "\(sheets.map(\.name))")
        XCTAssertEqual(sheet.grid[1, 2]?.text, "通村公路硬化率")
        XCTAssertEqual(sheet.grid[1, 5]?.text, "插补")
        let plain = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", "--divisions", divisions.path, file.path])
        XCTAssertNil(try parseJSON(plain.stdout)["imputed"], "nothing imputed unless asked for")
    }
}
