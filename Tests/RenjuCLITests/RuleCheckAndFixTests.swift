import XCTest
import Foundation
import RenjuTestSupport

/// The built binary: `renju rules --check` on rule files, and the suggested fixes in every report.
final class RuleCheckAndFixTests: XCTestCase {
    func rulesCopy(appending extra: String) throws -> URL {
        let p = try temporaryDirectory().appendingPathComponent("rules.yaml")
        try (try String(contentsOfFile: bundledReference + "/rules.yaml", encoding: .utf8) + extra).write(to: p, atomically: true, encoding: .utf8)
        return p
    }

    func testTheBundledRulesAreCleanAndAConflictExitsOneNamingTheRules() throws {
        let clean = try runRenju(["rules", "--check", "--lang", "en"])
        XCTAssertEqual(clean.status, 0, clean.stdout + clean.stderr)
        XCTAssertTrue(clean.stdout.contains("Clean: no conflicts, redundant rules or implied bounds."), clean.stdout)
        XCTAssertTrue(clean.stdout.contains("Not analysed (10, with why)"), "the bilinear rules are listed, not skipped")

        let bad = try rulesCopy(appending: """
          - id: identity.toilets_over
            title: 卫生厕所户数多于总户数
            severity: error
            assert: "sanitary_toilet_hh >= households + 1"

        """)
        let run = try runRenju(["rules", "--check", bad.path, "--lang", "en"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stdout.contains("INFEASIBLE (error rules, every level)"), run.stdout)
        XCTAssertTrue(run.stdout.contains("identity.toilets_over  sanitary_toilet_hh >= households + 1  (rules.yaml:"), run.stdout)
        XCTAssertTrue(run.stdout.contains("identity.part_whole  sanitary_toilet_hh <= households  (rules.yaml:"), run.stdout)
    }

    func testARedundantRuleInJSON() throws {
        let slack = try rulesCopy(appending: """
          - id: identity.road_slack
            title: 硬化里程不超过总里程加 5 公里
            severity: error
            assert: "road_hardened_km <= road_total_km + 5"

        """)
        let run = try runRenju(["rules", "--check", slack.path, "--format", "json"])
        XCTAssertEqual(run.status, 1, run.stderr)
        let json = try parseJSON(run.stdout)
        XCTAssertEqual(json["clean"] as? Bool, false)
        let items = json["findings"] as? [[String: Any]] ?? []
        XCTAssertEqual(items.map { $0["kind"] as? String }, ["redundant"])
        let rules = items.first?["rules"] as? [[String: Any]] ?? []
        XCTAssertEqual(rules.map { $0["rule"] as? String }, ["identity.road_slack", "identity.part_whole"])
        // A file that does not load is still exit 2 with its line.
        let broken = try rulesCopy(appending: "  - id: identity.x\n    title: x\n    severity: error\n    assert: \"households >= (1\"\n")
        let b = try runRenju(["rules", "--check", broken.path])
        XCTAssertEqual(b.status, 2)
        XCTAssertTrue(b.stderr.contains("rules.yaml:"), b.stderr)
    }

    func testValidateSuggestsTheFixInJSONTextAndTheWorkbook() throws {
        let (divisions, data) = try makeTestCounty(self)
        var a = villageValues(households: 500, toilets: 400, roadTotal: 13, roadHard: 12)
        a["road_hardening_rate"] = 100
        let b = villageValues(households: 300, toilets: 210, sewage: 90, roadTotal: 6, roadHard: 5)
        let total = totalValues([villageValues(households: 500, toilets: 400, roadTotal: 13, roadHard: 12), b])
        try longCSV(period: "2025Q3", rows: [("640422100000", total), ("640422100201", a), ("640422100202", b)])
            .write(to: data.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        let json = try runRenju(["validate", "--format", "json", "--divisions", divisions.path, "--as-of", "2025-10-20", data.path])
        XCTAssertEqual(json.status, 1)
        let findings = try parseJSON(json.stdout)["findings"] as? [[String: Any]] ?? []
        let rate = findings.first { $0["rule"] as? String == "identity.rate" }
        let fix = rate?["fix"] as? [[String: Any]]
        XCTAssertEqual(fix?.count, 1)
        XCTAssertEqual(fix?.first?["indicator"] as? String, "road_hardening_rate")
        XCTAssertEqual(fix?.first?["value"] as? Double, 92.31)
        XCTAssertTrue(findings.filter { ($0["unit"] as? String) != "640422100201" }.allSatisfy { $0["fix"] == nil }, "no fix for a unit without an error")

        let xlsx = data.deletingLastPathComponent().appendingPathComponent("findings.xlsx")
        let text = try runRenju(["validate", "--divisions", divisions.path, "--as-of", "2025-10-20", "--xlsx", xlsx.path, data.path])
        XCTAssertTrue(text.stdout.contains("建议修改：通村公路硬化率 → 92.31"), text.stdout)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", """
            import openpyxl, sys
            ws = openpyxl.load_workbook(sys.argv[1])["审核情况"]
            head = [c.value for c in ws[1]]
            col = head.index("建议修改")
            print("|".join(str(r[col].value) for r in ws.iter_rows(min_row=2) if r[3].value == "identity.rate"))
            """, xlsx.path]
        let out = Pipe(); p.standardOutput = out
        try p.run(); p.waitUntilExit()
        XCTAssertEqual(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
                       "建议修改：通村公路硬化率 → 92.31")
    }
}

/// `renju rules explain ID`: what a rule looks for, in the user's language, with its parameters.
final class RulesExplainTests: XCTestCase {
    func testARuleIsExplainedAndAMisspeltOneSuggested() throws {
        let hb = try runRenju(["rules", "explain", "outlier.hb"])
        XCTAssertEqual(hb.status, 0, hb.stderr)
        XCTAssertTrue(hb.stdout.contains("核实 (warning)") && hb.stdout.contains("min_units = 5"), hb.stdout)
        XCTAssertTrue(hb.stdout.contains("中位"), "what the check looks for, in Chinese: \(hb.stdout)")
        let en = try runRenju(["rules", "explain", "outlier.hb", "--lang", "en"])
        XCTAssertTrue(en.stdout.contains("Severity: warning") && en.stdout.contains("peers' median"), en.stdout)
        let typo = try runRenju(["rules", "explain", "temporal.stabel"])
        XCTAssertEqual(typo.status, 2)
        XCTAssertTrue(typo.stderr.contains("temporal.stable"), typo.stderr)
        // The list and the analysis are still `renju rules` and `renju rules --check`.
        XCTAssertEqual(try runRenju(["rules"]).status, 0)
        XCTAssertEqual(try runRenju(["rules", "--check"]).status, 0)
    }
}
