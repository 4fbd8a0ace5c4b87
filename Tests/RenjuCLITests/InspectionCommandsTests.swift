import XCTest
import Foundation
import RenjuTestSupport
import RenjuModel
import RenjuStore
import RenjuStoreCore

/// 抽查 end to end with the built binary: a sample drawn from a synthetic county's quarter, the
/// workbook filled as an inspector would (openpyxl), imported back, and the hit rates.
private let FigureStatusTableStatuses: Set<String> = ["reported", "corrected", "imputed", "blank"]

final class InspectionTests: XCTestCase {
    func synthetic() throws -> (dir: URL, db: String, common: [String]) {
        let dir = try temporaryDirectory()
        let made = try runRenju(["synth", "--villages", "240", "--period", "2025Q3", "--seed", "11", "--out", dir.path])
        XCTAssertEqual(made.status, 0, made.stderr)
        // Synthetic data is honest (no village warned): plant a slip in one village of sixteen —
        // cleaners counted twice, the totals above it raised to match (the township's sum does not
        // reveal it, nor does its total move 30 %) — so that the sample has risky villages to draw.
        let quarter = dir.appendingPathComponent("returns/2025Q3")
        var village = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: quarter.path).sorted() where !name.contains("签字") {
            let file = quarter.appendingPathComponent(name)
            var lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
            guard let h = lines.firstIndex(where: { $0.hasPrefix("区划代码,") }),
                  let col = lines[h].components(separatedBy: ",").firstIndex(of: "cleaners") else { continue }
            var added: [String: Double] = [:]   // total rows (township, county) → cleaners added below them
            for i in (h + 1)..<lines.count {
                var cells = lines[i].components(separatedBy: ",")
                guard cells.count > col, !cells[0].hasSuffix("000") else { continue }
                if village % 16 == 0, let n = Double(cells[col]) {
                    cells[col] = shortestDecimal(n * 2); lines[i] = cells.joined(separator: ",")
                    let code = cells[0]
                    added[String(code.prefix(9)) + "000", default: 0] += n
                    added[String(code.prefix(6)) + "000000", default: 0] += n
                }
                village += 1
            }
            for i in (h + 1)..<lines.count {
                var cells = lines[i].components(separatedBy: ",")
                guard cells.count > col, let d = added[cells[0]], let n = Double(cells[col]) else { continue }
                cells[col] = shortestDecimal(n + d); lines[i] = cells.joined(separator: ",")
            }
            try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        }
        return (dir, dir.appendingPathComponent("s.sqlite").path,
                ["--divisions", dir.appendingPathComponent("divisions.csv").path, "--as-of", "2025-10-31"])
    }

    func sampleLines(_ out: String) -> [String] { out.split(separator: "\n").dropFirst().map(String.init) }

    func testTheSameSeedGivesTheSameSampleAndTheRandomPartComesFromAllVillages() throws {
        let s = try synthetic()
        let returns = s.dir.appendingPathComponent("returns").path
        let a = try runRenju(["sample", "--db", s.db, "--size", "15", "--seed", "7", "--out", s.dir.appendingPathComponent("a.xlsx").path] + s.common + [returns])
        let b = try runRenju(["sample", "--db", s.db, "--size", "15", "--seed", "7", "--out", s.dir.appendingPathComponent("b.xlsx").path] + s.common + [returns])
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(sampleLines(a.stdout).count, 15)
        XCTAssertEqual(sampleLines(a.stdout), sampleLines(b.stdout), "the same seed, the same villages and probabilities")
        XCTAssertTrue(a.stdout.contains("（按风险 12 个，随机 3 个）"), a.stdout)
        // All at random: every village equally likely, 15 of 240.
        let r = try runRenju(["sample", "--db", s.db, "--size", "15", "--seed", "7", "--random-share", "1", "--out", s.dir.appendingPathComponent("c.xlsx").path] + s.common + [returns])
        let lines = sampleLines(r.stdout)
        XCTAssertEqual(lines.count, 15)
        XCTAssertTrue(lines.allSatisfy { $0.contains("随机") && $0.hasSuffix("π = 0.0625") }, lines.joined(separator: "\n"))
    }

    func testARoundTripRecordsCorrectionsBesideTheFiguresAndHitRatesMatchAHandComputation() throws {
        let s = try synthetic()
        let returns = s.dir.appendingPathComponent("returns").path
        let book = s.dir.appendingPathComponent("抽查.xlsx")
        let drawn = try runRenju(["sample", "--db", s.db, "--size", "16", "--seed", "3", "--out", book.path] + s.common + [returns])
        XCTAssertEqual(drawn.status, 0, drawn.stderr)
        // The inspector: every flagged figure of a village found wrong in every other village (by
        // code order), every other figure confirmed; one un-flagged figure of a random village wrong.
        let filled = s.dir.appendingPathComponent("filled.xlsx")
        let script = """
            import openpyxl, sys, json
            wb = openpyxl.load_workbook(sys.argv[1])
            done = []
            villages = sorted({r[0].value for ws in wb.worksheets[1:] for r in ws.iter_rows(min_row=2)})
            odd = set(villages[::2])
            random_wrong = None
            for ws in wb.worksheets[1:]:
                for row in ws.iter_rows(min_row=2):
                    code, ind, reported, why = row[0].value, row[3].value, row[4].value, row[5].value or ""
                    flagged = "本指标被标记" in why
                    wrong = (flagged and code in odd)
                    if not flagged and why.startswith("随机") and random_wrong is None:
                        wrong = True; random_wrong = (code, ind)
                    row[7].value = "有误" if wrong else "属实"
                    if wrong: row[8].value = (reported or 0) + 1
                    row[9].value = "核查员甲"
                    row[10].value = "2025-11-05"
                    done.append([code, ind, wrong])
            wb.save(sys.argv[2])
            print(json.dumps(done))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, book.path, filled.path]
        let out = Pipe(); p.standardOutput = out
        try p.run(); p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "openpyxl (scripts/test.sh installs it)")
        let decisions = try XCTUnwrap(try JSONSerialization.jsonObject(with: out.fileHandleForReading.readDataToEndOfFile()) as? [[Any]])
        var wrong: [String: Bool] = [:]
        for d in decisions { if let u = d[0] as? String, let i = d[1] as? String, let w = d[2] as? Bool { wrong["\(u)|\(i)"] = w } }
        XCTAssertFalse(wrong.isEmpty)

        let imported = try runRenju(["verify", "import", "--db", s.db, "--who", "县统计局", filled.path])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let store = try HistoryStore(path: s.db)
        let results = try store.inspections()
        XCTAssertEqual(results.count, wrong.count, "every checked figure recorded")
        XCTAssertEqual(results.filter(\.wrong).count, wrong.values.filter { $0 }.count)
        for r in results where r.wrong {
            XCTAssertEqual(r.found ?? 0, (r.reported ?? 0) + 1, accuracy: 1e-9, "the true value beside the reported one")
            XCTAssertEqual(r.inspector, "核查员甲"); XCTAssertEqual(r.inspectedOn, "2025-11-05"); XCTAssertEqual(r.recordedBy, "县统计局")
        }
        XCTAssertTrue(imported.stdout.contains("→"), imported.stdout)

        // Hit rates by hand: for each rule, over the inspected villages it flagged, Σ hit/π ÷ Σ 1/π.
        let sample = try XCTUnwrap(try store.samples().last)
        var num: [String: Double] = [:], den: [String: Double] = [:]
        for (unit, figures) in Dictionary(grouping: sample.figures, by: \.unit) {
            let w = 1 / (figures.first?.probability ?? 1)
            for rule in Set(figures.flatMap(\.rules)) {
                den[rule.description, default: 0] += w
                if figures.contains(where: { $0.rules.contains(rule) && wrong["\(unit)|\($0.indicator)"] == true }) { num[rule.description, default: 0] += w }
            }
        }
        XCTAssertFalse(den.isEmpty, "the sample flagged something")
        let json = try runRenju(["rules", "--hit-rate", "--format", "json", "--db", s.db])
        XCTAssertEqual(json.status, 0, json.stderr)
        let rules = try parseJSON(json.stdout)["rules"] as? [[String: Any]] ?? []
        XCTAssertEqual(Set(rules.compactMap { $0["rule"] as? String }), Set(den.keys))
        for r in rules {
            let id = r["rule"] as? String ?? ""
            XCTAssertEqual(r["rate"] as? Double ?? -1, (num[id] ?? 0) / (den[id] ?? 1), accuracy: 1e-9, id)
        }
        // The random part's un-flagged figures: the one found wrong, weighted.
        let missed = try parseJSON(json.stdout)["missed"] as? [String: Any]
        XCTAssertEqual(missed?["wrong"] as? Int, 1)
        let text = try runRenju(["rules", "--hit-rate", "--db", s.db])
        XCTAssertTrue(text.stdout.contains("规则命中率") && text.stdout.contains("规则漏掉的"), text.stdout)
        // The findings workbook of a validation with this store carries the same table.
        let findings = s.dir.appendingPathComponent("审核结果.xlsx")
        _ = try runRenju(["validate", "--db", s.db, "--xlsx", findings.path] + s.common + [returns])
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import openpyxl, sys; ws = openpyxl.load_workbook(sys.argv[1])['规则命中率']; print(ws.max_row - 4, ws['A1'].value)", findings.path]
        let o = Pipe(); check.standardOutput = o
        try check.run(); check.waitUntilExit()
        XCTAssertEqual(String(decoding: o.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
                       "\(den.count) 规则", "a row per rule")
        // Every figure's status: one an inspector found wrong is `corrected`, with the value found.
        let statuses = try runRenju(["impute", "--db", s.db] + s.common + [returns])
        XCTAssertEqual(statuses.status, 0, statuses.stderr)
        let rows = statuses.stdout.split(separator: "\n").dropFirst().map { $0.components(separatedBy: ",") }
        let corrected = rows.filter { $0.count > 8 && $0[5] == "corrected" }
        let foundWrong = results.filter { $0.wrong && $0.found != nil && $0.period == Period(year: 2025, quarter: 3) }
        XCTAssertFalse(foundWrong.isEmpty, "the inspector found figures wrong")
        XCTAssertEqual(Set(corrected.map { "\($0[1])|\($0[3])" }), Set(foundWrong.map { "\($0.unit)|\($0.indicator)" }), "\(corrected.prefix(3))")
        for r in foundWrong {
            let row = try XCTUnwrap(corrected.first { $0[1] == r.unit.rawValue && $0[3] == r.indicator.rawValue })
            XCTAssertEqual(Double(row[4]), r.found, "the value found on site")
            XCTAssertEqual(Double(row[8]), r.reported, "beside what was reported")
            XCTAssertEqual(row[6], "inspection"); XCTAssertTrue(row[7].hasPrefix("抽查核实：核查员甲"), row[7])
        }
        XCTAssertTrue(rows.allSatisfy { $0.count < 6 || FigureStatusTableStatuses.contains($0[5]) })
    }

    func testAWrongFigureWithoutItsValueIsRefusedWithItsCellAndNothingIsRecorded() throws {
        let s = try synthetic()
        let book = s.dir.appendingPathComponent("抽查.xlsx")
        XCTAssertEqual(try runRenju(["sample", "--db", s.db, "--size", "5", "--seed", "1", "--out", book.path] + s.common + [s.dir.appendingPathComponent("returns").path]).status, 0)
        let bad = s.dir.appendingPathComponent("bad.xlsx")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", """
            import openpyxl, sys
            wb = openpyxl.load_workbook(sys.argv[1]); ws = wb.worksheets[1]
            ws["H2"] = "属实"; ws["H3"] = "有误"
            wb.save(sys.argv[2])
            """, book.path, bad.path]
        try p.run(); p.waitUntilExit()
        let run = try runRenju(["verify", "import", "--db", s.db, bad.path])
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("!I3") && run.stderr.contains("须填写核实值"), run.stderr)
        XCTAssertEqual(try HistoryStore(path: s.db).inspections().count, 0, "nothing recorded")
    }
}
