import XCTest
import Foundation
import RenjuTestSupport
import RenjuModel
import RenjuReference

/// The prefecture's 审核公式 taken in: the formulas as printed become rules that find what the same
/// rules written by hand find, cite their 序号, apply from their period on, and a row that cannot
/// be read is refused with its cell.
final class AuditFormulaTests: XCTestCase {
    func testTheFormulasAsPrintedTranslate() throws {
        let ref = try testReference()
        func t(_ s: String) throws -> String { try AuditFormula.translate(s, catalog: ref.catalog) }
        XCTAssertEqual(try t("[卫生厕所户数]<=[总户数]"), "sanitary_toilet_hh <= households")
        XCTAssertEqual(try t("［总户数］＞＝上期（［总户数］）＊０.９"), "households >= prev(households) * 0.9", "full-width brackets, operators and digits")
        XCTAssertEqual(try t("IF([总户数]>0,[保洁员]>=1)"), "(not (households > 0) or (cleaners >= 1))")
        XCTAssertEqual(try t("[总户数]<>0 且 [保洁员]=SUM下级([保洁员])"), "households != 0 and cleaners == sum_children(cleaners)")
        XCTAssertEqual(try t("ABS([卫生厕所普及率]-ROUND([卫生厕所户数]/[总户数]*100,2))<=0.1"),
                       "abs(sanitary_toilet_rate - round(sanitary_toilet_hh / households * 100, 2)) <= 0.1")
        XCTAssertEqual(try t("[累计投入资金]>=上年同期([累计投入资金])"), "investment_10k_yuan >= last_year(investment_10k_yuan)")
        // By the indicator's code, where the catalog gives one (`code:`).
        let (coded, _) = try editedReference("indicators.yaml") {
            $0.replacingOccurrences(of: "{id: households,", with: "{id: households, code: \"101\",")
        }
        XCTAssertEqual(try AuditFormula.translate("[101]>=[卫生厕所户数]", catalog: coded.catalog), "households >= sanitary_toilet_hh")
        for (bad, why) in [("[卫生厕所户]<=[总户数]", "指标目录中没有“卫生厕所户”"), ("([总户数]>=0", "圆括号不配对"),
                           ("SQRT([总户数])>=0", "不认识的函数“SQRT”"), ("[总户数]>=", "公式不完整")] {
            XCTAssertThrowsError(try t(bad), bad) { e in
                XCTAssertTrue((e as? AuditFormula.Refusal)?.message.zh.hasPrefix(why) == true, "\(bad): \(e)")
            }
        }
    }

    func testAWorkbookImportsAndItsRulesFindWhatTheSameRulesByHandFind() throws {
        let dir = try temporaryDirectory()
        let header: [FixtureCell?] = [.s("序号"), .s("审核公式"), .s("审核类型"), .s("适用层级"), .s("说明"), .s("生效报告期"), .s("停用报告期")]
        // Formulas that catch the sample county's planted problems, as the prefecture prints them.
        let formulas: [(String, String, String, String, String?)] = [
            ("1", "[保洁员]>=0", "强制性", "村", nil),
            ("2", "ABS([通村公路硬化率]-ROUND([已硬化公路里程]/[通村通组公路里程]*100,2))<=0.1", "强制性", "全部", nil),
            ("3", "[总户数]=SUM下级([总户数])", "强制性", "乡镇", nil),
            ("4", "[卫生厕所户数]>=上期([卫生厕所户数])", "核实性", "村", "2025Q3"),
            ("5", "IF([总户数]>0,[保洁员]>=1)", "核实性", "村", nil),
            // In force from 2025Q3 and failing for every village: it must stay silent on 2025Q2.
            ("9", "[总户数]<0", "提示性", "村", "2025Q3"),
            // The other constructs: 上年同期, full-width forms, <>, AND / OR.
            ("11", "[累计投入资金]>=上年同期([累计投入资金])*0.5", "提示性", "县", nil),
            ("12", "［保洁员］＜＞－１ AND [卫生厕所户数]>=0 OR [总户数]<0", "强制性", "全部", nil),
        ]
        var rows: [[FixtureCell?]] = [header]
        for f in formulas { rows.append([.s(f.0), .s(f.1), .s(f.2), .s(f.3), nil, f.4.map { .s($0) }, nil]) }
        // Three rows no one can read.
        rows.append([.s("6"), .s("[卫生厕所户]<=[总户数]"), .s("强制性"), .s("村"), nil, nil, nil])
        rows.append([.s("7"), .s("([总户数]>=0"), .s("强制性"), .s("村"), nil, nil, nil])
        rows.append([.s("8"), .s("SQRT([总户数])>=0"), .s("强制性"), .s("村"), nil, nil, nil])
        let book = dir.appendingPathComponent("审核公式.xlsx")
        try writeSharedStringsWorkbook(book, sheets: [("审核公式", rows)])
        let out = dir.appendingPathComponent("prefecture.yaml")
        let imported = try runRenju(["rules", "import", "--out", out.path, book.path])
        XCTAssertEqual(imported.status, 1, "rows refused: exit 1, the rest written — \(imported.stderr)")
        for (cell, why) in [("审核公式!B10", "指标目录中没有“卫生厕所户”"), ("审核公式!B11", "圆括号不配对"), ("审核公式!B12", "不认识的函数“SQRT”")] {
            XCTAssertTrue(imported.stderr.contains("未导入 \(cell)：\(why)"), "\(cell): \(imported.stderr)")
        }
        let yaml = try String(contentsOf: out, encoding: .utf8)
        XCTAssertEqual(yaml.components(separatedBy: "  - id: ").count - 1, 8, yaml)
        // The same rules written by hand.
        let byHand = dir.appendingPathComponent("hand.yaml")
        try """
        rules:
          - {id: identity.hand_1, title: h1, severity: error, levels: [village], assert: "cleaners >= 0"}
          - {id: identity.hand_2, title: h2, severity: error, assert: "abs(road_hardening_rate - round(road_hardened_km / road_total_km * 100, 2)) <= 0.1"}
          - {id: identity.hand_3, title: h3, severity: error, levels: [township], assert: "households == sum_children(households)"}
          - {id: identity.hand_4, title: h4, severity: warning, levels: [village], from: 2025Q3, assert: "sanitary_toilet_hh >= prev(sanitary_toilet_hh)"}
          - {id: identity.hand_5, title: h5, severity: warning, levels: [village], assert: "households <= 0 or cleaners >= 1"}
          - {id: identity.hand_9, title: h9, severity: info, levels: [village], from: 2025Q3, assert: "households < 0"}
          - {id: identity.hand_11, title: h11, severity: info, levels: [county], assert: "investment_10k_yuan >= last_year(investment_10k_yuan) * 0.5"}
          - {id: identity.hand_12, title: h12, severity: error, assert: "cleaners != -1 and sanitary_toilet_hh >= 0 or households < 0"}
        """.write(to: byHand, atomically: true, encoding: .utf8)
        let sample = repoRoot.appendingPathComponent("examples/xiji").path
        func found(_ rules: String, _ prefix: String, period: [String] = [], _ inputs: [String]) throws -> (Set<String>, [[String: Any]]) {
            let r = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", "--rules", rules] + period + inputs)
            let findings = try XCTUnwrap(try parseJSON(r.stdout)["findings"] as? [[String: Any]], r.stderr)
            let mine = findings.filter { ($0["rule"] as? String)?.hasPrefix(prefix) == true }
            return (Set(mine.map { "\($0["unit"] as? String ?? "")|\(($0["rule"] as? String ?? "").split(separator: "_").last ?? "")" }), mine)
        }
        let (fromImport, importedFindings) = try found(out.path, "identity.audit_", [sample])
        let (fromHand, _) = try found(byHand.path, "identity.hand_", [sample])
        XCTAssertFalse(fromImport.isEmpty)
        XCTAssertTrue(yaml.contains(#"assert: "cleaners != - 1 and sanitary_toilet_hh >= 0 or households < 0""#), "full-width forms, <>, AND / OR: \(yaml)")
        XCTAssertTrue(yaml.contains(#"assert: "investment_10k_yuan >= last_year(investment_10k_yuan) * 0.5""#), "上年同期")
        XCTAssertEqual(fromImport, fromHand, "the imported rules find exactly what the same rules by hand find")
        XCTAssertEqual(Set(fromImport.compactMap { $0.split(separator: "|").last.map(String.init) }), ["1", "2", "3", "4", "5", "9"], "each formula finds its planted problem")
        // In the prefecture's words: the 序号 and the formula as printed.
        let negative = try XCTUnwrap(importedFindings.first { $0["rule_ref"] as? String == "1" })
        XCTAssertTrue((negative["message"] as? String ?? "").hasPrefix("审核关系 1：[保洁员]>=0："), "\(negative)")
        // The workbook itself may be given; and a rule in force from 2025Q3 is not applied to 2025Q2.
        let q2 = repoRoot.appendingPathComponent("examples/xiji/2025Q2").path
        let good = dir.appendingPathComponent("good.xlsx")
        try writeSharedStringsWorkbook(good, sheets: [("审核公式", Array(rows.prefix(formulas.count + 1)))])
        let (earlier, _) = try found(good.path, "identity.audit_", period: ["--period", "2025Q2"], [q2])
        XCTAssertFalse(earlier.contains { $0.hasSuffix("|9") }, "rule 9 is in force from 2025Q3 only: silent on 2025Q2")
        XCTAssertTrue(fromImport.contains { $0.hasSuffix("|9") }, "and it speaks on 2025Q3")
        let (fromWorkbook, _) = try found(good.path, "identity.audit_", [sample])
        XCTAssertEqual(fromWorkbook, fromImport, "the workbook given directly checks the same")
        let notABook = try runRenju(["rules", "import", byHand.path])
        XCTAssertEqual(notABook.status, 2, notABook.stderr)
    }

    /// `rules diff`: exactly the changed rows, by 序号 and by meaning (a reordered formula is no
    /// change); `rules --period`: the set in force.
    func testTwoVersionsOfTheWorkbookDifferByExactlyTheirChangedRows() throws {
        let dir = try temporaryDirectory()
        let header: [FixtureCell?] = [.s("序号"), .s("审核公式"), .s("审核类型"), .s("适用层级"), .s("说明"), .s("生效报告期"), .s("停用报告期")]
        func book(_ name: String, _ rows: [(String, String, String, String?)]) throws -> String {
            let url = dir.appendingPathComponent(name)
            try writeSharedStringsWorkbook(url, sheets: [("审核公式", [header] + rows.map { [.s($0.0), .s($0.1), .s($0.2), .s("村"), nil, $0.3.map { .s($0) }, nil] })])
            return url.path
        }
        let v1 = try book("2024.xlsx", [("1", "[卫生厕所户数]<=[总户数]", "强制性", nil), ("2", "[保洁员]>=0", "强制性", nil),
                                        ("3", "[总户数]+[保洁员]>=0", "核实性", nil), ("4", "[总户数]>0", "提示性", nil)])
        let v2 = try book("2025.xlsx", [("1", "[总户数]>=[卫生厕所户数]", "强制性", nil), ("2", "[保洁员]>=1", "强制性", nil),
                                        ("3", "[保洁员]+[总户数]>=0", "强制性", nil), ("5", "[保洁员]<=100", "核实性", "2025Q3")])
        let d = try runRenju(["rules", "diff", v1, v2])
        XCTAssertEqual(d.status, 1, d.stderr)
        let lines = d.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(Array(lines.dropLast()), ["changed  序号 2  [保洁员]>=0 → [保洁员]>=1", "changed  序号 3  severity warning → error",
                                                 "removed  序号 4  [总户数]>0", "added    序号 5  [保洁员]<=100"],
                       "序号 1 only reordered: no change")
        XCTAssertEqual(lines.last, "新增 1，删除 1，修改 2，未变 1")
        XCTAssertEqual(try runRenju(["rules", "diff", v1, v1]).status, 0, "a workbook against itself: nothing")
        // The set in force: 序号 5 from 2025Q3 on.
        func listed(_ period: String) throws -> [String] {
            try runRenju(["rules", "--rules", v2, "--period", period]).stdout.split(separator: "\n").compactMap { l in
                l.hasPrefix("identity.audit_") ? l.split(separator: " ").first.map(String.init) : nil
            }
        }
        XCTAssertEqual(try listed("2025Q2"), ["identity.audit_1", "identity.audit_2", "identity.audit_3"])
        XCTAssertEqual(try listed("2025Q3"), ["identity.audit_1", "identity.audit_2", "identity.audit_3", "identity.audit_5"])
    }

    /// `rules export --xlsx`: the set in force in the same layout, with where each rule comes from;
    /// the county's own and the imported rules come back in as they went out.
    func testTheRuleSetGoesBackOutAsAWorkbookAndComesBackIn() throws {
        let dir = try temporaryDirectory()
        let example = repoRoot.appendingPathComponent("examples/rules/审核公式-示例.xlsx").path
        let book = dir.appendingPathComponent("西吉县-审核规则.xlsx")
        let e = try runRenju(["rules", "export", "--xlsx", book.path, "--rules", example])
        XCTAssertEqual(e.status, 0, e.stderr)
        let again = dir.appendingPathComponent("again.yaml")
        let i = try runRenju(["rules", "import", "--out", again.path, book.path])
        XCTAssertEqual(i.status, 0, "every formula written out reads back in: \(i.stderr)")
        let yaml = try String(contentsOf: again, encoding: .utf8)
        for ref in ["1", "2", "3", "4", "5", "6", "7", "identity.cleaners_at_least_one", "identity.part_whole-1"] {
            XCTAssertTrue(yaml.contains("ref: \"\(ref)\""), "\(ref) came back: \(yaml.prefix(400))")
        }
        XCTAssertTrue(yaml.contains("title: \"审核关系 5：卫生厕所户数一般不减少\""), "its 说明 as it was, not doubled")
        XCTAssertTrue(yaml.contains("origin: \"西吉县-审核规则.xlsx!审核公式!B"), "the origin of what came back")
        // The rules as they came back find what the originals find.
        let sample = repoRoot.appendingPathComponent("examples/xiji").path
        func refs(_ rules: String) throws -> Set<String> {
            let r = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", "--reference", repoRoot.appendingPathComponent("reference-data").path, "--rules", rules, sample])
            let findings = (try parseJSON(r.stdout)["findings"] as? [[String: Any]]) ?? []
            return Set(findings.compactMap { f in (f["rule_ref"] as? String).flatMap { Int($0) != nil ? "\(f["unit"] as? String ?? "")|\($0)" : nil } })
        }
        let original = try refs(example), roundTrip = try refs(again.path)
        XCTAssertFalse(original.isEmpty)
        XCTAssertEqual(roundTrip, original, "the imported rules, out and in again, find the same problems")
    }

    /// Which rule set checked a period: each import records its digest, and another rule set
    /// (the prefecture's rules added) has another.
    func testEachImportRecordsTheRuleSetThatCheckedIt() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("s.sqlite").path
        let q2 = repoRoot.appendingPathComponent("examples/xiji/2025Q2").path
        let example = repoRoot.appendingPathComponent("examples/rules/审核公式-示例.xlsx").path
        XCTAssertEqual(try runRenju(["db", "import", "--db", db, "--as-of", "2025-10-31", "--force", "--reason", "r", q2]).status, 0)
        XCTAssertEqual(try runRenju(["db", "import", "--db", db, "--as-of", "2025-10-31", "--force", "--reason", "again, with the prefecture's rules",
                                     "--rules", example, q2]).status, 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import sqlite3, sys; print('\\n'.join(r[0] or '-' for r in sqlite3.connect(sys.argv[1]).execute('SELECT rules_digest FROM imports ORDER BY id')))", db]
        let out = Pipe(); p.standardOutput = out
        try p.run(); p.waitUntilExit()
        let digests = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map(String.init)
        XCTAssertEqual(digests.count, 38, "19 townships imported twice")
        XCTAssertTrue(digests.allSatisfy { $0.count == 64 && $0.allSatisfy(\.isHexDigit) }, "\(digests.prefix(2))")
        XCTAssertEqual(Set(digests.prefix(19)).count, 1, "one rule set for one import")
        XCTAssertNotEqual(digests.first, digests.last, "the prefecture's rules added: another rule set")
    }
}

