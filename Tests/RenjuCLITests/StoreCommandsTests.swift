import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReading
import RenjuReference
import RenjuChecks
import RenjuStore
import RenjuStoreCore

/// The history store and the township ranking, through the command line.
final class StoreRankingTests: XCTestCase {
    /// Eight townships of one village each.
    static let towns = (0..<8).map { "64042210\($0)000" }
    static var divisions: String {
        var s = "code,name,level,parent\n640422000000,西吉县,county,\n"
        for (i, t) in towns.enumerated() {
            s += "\(t),镇\(i),township,640422000000\n\(t.prefix(9))201,村\(i),village,\(t)\n"
        }
        return s
    }

    /// A quarter of the eight townships; `toilets[i]` sets township i's garbage collection (toilets/25
    /// tonnes of 20 generated: 400 → 80 %), a flow that may rise and fall between quarters.
    func quarter(_ period: String, toilets: [Double]) -> String {
        var rows: [(String, [String: Double?])] = []
        for (i, t) in Self.towns.enumerated() {
            let collected = toilets[i] / 25
            let v = villageValues(households: 500, toilets: 400, sewage: 200, generated: 20, collected: collected,
                                  harmless: min(14, collected), investment: 100 + Double(i))
            rows.append((t, totalValues([v])))
            rows.append((String(t.prefix(9)) + "201", v))
        }
        return longCSV(period: period, rows: rows)
    }

    func signOffs(_ period: String) -> String {
        let p = Period.parse(period) ?? Period(year: 2025, quarter: 1)
        var s = "区划代码,报告期,角色,姓名,日期\n"
        for (i, t) in Self.towns.enumerated() {
            for (j, role) in ["填表人", "统计负责人", "单位负责人"].enumerated() {
                s += "\(t),\(period),\(role),人\(i)\(j),\(p.endDate.adding(days: 2 + j))\n"
            }
        }
        return s
    }

    func setUpStore() throws -> (dir: URL, db: String, common: [String]) {
        let dir = try temporaryDirectory("store")
        let div = dir.appendingPathComponent("divisions.csv")
        try Self.divisions.write(to: div, atomically: true, encoding: .utf8)
        // Targets file without entries: rankings then rest on levels and penalties only.
        let tg = dir.appendingPathComponent("targets.csv")
        try "year,unit_code,indicator,target\n".write(to: tg, atomically: true, encoding: .utf8)
        return (dir, dir.appendingPathComponent("renju.sqlite").path, ["--divisions", div.path, "--targets", tg.path])
    }

    /// A folder with a quarter's figures and sign-offs.
    func quarterFolder(_ s: (dir: URL, db: String, common: [String]), _ period: String, toilets: [Double]) throws -> URL {
        let q = s.dir.appendingPathComponent(period)
        try FileManager.default.createDirectory(at: q, withIntermediateDirectories: true)
        try quarter(period, toilets: toilets).write(to: q.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        try signOffs(period).write(to: q.appendingPathComponent("签字.csv"), atomically: true, encoding: .utf8)
        return q
    }

    /// `db import` of a quarter folder as a child process with the given environment changes.
    func importProcess(_ s: (dir: URL, db: String, common: [String]), _ q: URL, env changes: [String: String?]) throws -> Process {
        let p = Process()
        p.executableURL = renjuBinary
        p.arguments = ["db", "import", "--db", s.db, "--as-of", "2026-01-31"] + s.common + [q.path]
        var env = ProcessInfo.processInfo.environment
        for (k, v) in changes { env[k] = v }
        p.environment = env
        return p
    }

    func importQuarter(_ s: (dir: URL, db: String, common: [String]), _ period: String, toilets: [Double], extra: [String] = []) throws -> RenjuRun {
        let q = try quarterFolder(s, period, toilets: toilets)
        return try runRenju(["db", "import", "--db", s.db, "--as-of", "2026-01-31"] + s.common + extra + [q.path])
    }

    func testThreeQuartersRankDeterministicallyWithRecomputableScoresAndTheAdmonishmentAlert() throws {
        let s = try setUpStore()
        // Bottom two: Q1 towns 5 & 7; Q2 towns 6 & 7; Q3 towns 6 & 4.
        // So town 7 is bottom in Q1+Q2 only; town 6 in Q2+Q3 (alert in Q3); town 4 only in Q3.
        let q1: [Double] = [400, 410, 420, 430, 440, 300, 450, 290]
        let q2: [Double] = [400, 410, 420, 430, 440, 450, 300, 290]
        let q3: [Double] = [400, 410, 420, 430, 280, 450, 300, 460]
        for (p, t) in [("2025Q1", q1), ("2025Q2", q2), ("2025Q3", q3)] {
            let r = try importQuarter(s, p, toilets: t)
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        }
        let periods = try runRenju(["db", "periods", "--db", s.db])
        XCTAssertEqual(periods.stdout.split(separator: "\n").count, 3, periods.stdout)
        let a = try runRenju(["rank", "--db", s.db, "--format", "json", "--period", "2025Q3"] + s.common)
        let b = try runRenju(["rank", "--db", s.db, "--format", "json", "--period", "2025Q3"] + s.common)
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(a.stdout, b.stdout, "the same store ranks the same way")
        let doc = try parseJSON(a.stdout)
        let ranking = try XCTUnwrap(doc["ranking"] as? [[String: Any]])
        XCTAssertEqual(ranking.count, 8)
        for e in ranking {
            let parts = try XCTUnwrap(e["breakdown"] as? [[String: Any]])
            let sum = parts.compactMap { $0["points"] as? Double }.reduce(0, +)
            XCTAssertEqual(try XCTUnwrap(e["score"] as? Double), sum, accuracy: 0.005, "score = its breakdown")
        }
        let red = ranking.filter { $0["award"] as? String == "red_flag" }.compactMap { $0["unit"] as? String }
        let yellow = ranking.filter { $0["award"] as? String == "yellow_card" }.compactMap { $0["unit"] as? String }
        XCTAssertEqual(red.count, 4)
        XCTAssertEqual(Set(yellow), [Self.towns[4], Self.towns[6]])
        let alerted = ranking.filter { $0["admonish"] as? Bool == true }.compactMap { $0["unit"] as? String }
        XCTAssertEqual(alerted, [Self.towns[6]], "bottom in 2025Q2 and 2025Q3; town 4 only once, town 7 not this quarter")
        // In 2025Q2, town 7 was bottom for the second time running (Q1 and Q2).
        let q2doc = try parseJSON(try runRenju(["rank", "--db", s.db, "--format", "json", "--period", "2025Q2"] + s.common).stdout)
        let q2alert = (q2doc["ranking"] as? [[String: Any]] ?? []).filter { $0["admonish"] as? Bool == true }.compactMap { $0["unit"] as? String }
        XCTAssertEqual(q2alert, [Self.towns[7]])
        // The bulletin workbook.
        let x = s.dir.appendingPathComponent("bulletin.xlsx")
        XCTAssertEqual(try runRenju(["rank", "--db", s.db, "--period", "2025Q3", "--xlsx", x.path] + s.common).status, 0)
        let sheets = try XLSXReader().read(url: x)
        XCTAssertEqual(sheets.map(\.name), ["排名通报", "得分图"])
    }

    func testTiesShareARankAndMissingReturnsAreExplained() throws {
        let s = try setUpStore()
        // Towns 2 and 3 tie; town 7 did not report this quarter.
        let q = s.dir.appendingPathComponent("q")
        try FileManager.default.createDirectory(at: q, withIntermediateDirectories: true)
        let full = quarter("2025Q3", toilets: [400, 410, 420, 420, 440, 450, 460, 470])
        let withoutTown7 = full.split(separator: "\n").filter { !$0.contains(",6404221070") && !$0.contains(",640422107201,") }.joined(separator: "\n") + "\n"
        try withoutTown7.write(to: q.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        let r = try runRenju(["rank", "--format", "json"] + s.common + [q.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let ranking = try XCTUnwrap(try parseJSON(r.stdout)["ranking"] as? [[String: Any]])
        let t2 = try XCTUnwrap(ranking.first { $0["unit"] as? String == Self.towns[2] })
        let t3 = try XCTUnwrap(ranking.first { $0["unit"] as? String == Self.towns[3] })
        XCTAssertEqual(t2["rank"] as? Int, t3["rank"] as? Int, "equal scores share a rank")
        // Town 7 sent nothing: 未报, not ranked, no award; the yellow cards go to the last of those ranked.
        let t7 = try XCTUnwrap(ranking.first { $0["unit"] as? String == Self.towns[7] })
        XCTAssertEqual(t7["reported"] as? Bool, false)
        XCTAssertTrue(t7["rank"] is NSNull, "\(t7["rank"] ?? "")")
        XCTAssertTrue(t7["award"] is NSNull)
        XCTAssertTrue(((t7["notes"] as? [String]) ?? []).contains { $0.contains("未报") })
        let ranked = ranking.filter { $0["reported"] as? Bool == true }
        XCTAssertEqual(ranked.count, 7)
        let lowest = ranked.compactMap { $0["score"] as? Double }.min()
        let carded = ranked.filter { $0["award"] as? String == "yellow_card" }
        XCTAssertFalse(carded.isEmpty)
        XCTAssertTrue(carded.contains { $0["score"] as? Double == lowest }, "the last ranked gets a yellow card")
        let notes = try XCTUnwrap(try parseJSON(r.stdout)["notes"] as? [String])
        XCTAssertTrue(notes.contains { $0.contains("未报") && $0.contains(Self.towns[7]) }, "rank says who is missing: \(notes)")
        // The text report says it too, and in English with --lang en.
        let text = try runRenju(["rank"] + s.common + [q.path])
        XCTAssertTrue(text.stdout.contains("未报  镇7"), text.stdout)
        let en = try runRenju(["rank", "--lang", "en"] + s.common + [q.path])
        XCTAssertTrue(en.stdout.contains("ranking of townships") && en.stdout.contains("not reported") && en.stdout.contains("points"), en.stdout)
        XCTAssertFalse(en.stdout.contains("分  ") || en.stdout.contains("注："), en.stdout)
    }

    func testReimportIsAuditedAndOpenErrorsNeedForceWithAReason() throws {
        let s = try setUpStore()
        let base: [Double] = [400, 410, 420, 430, 440, 450, 460, 470]
        XCTAssertEqual(try importQuarter(s, "2025Q3", toilets: base).status, 0)
        var changed = base; changed[0] = 405
        // A period stored already is not replaced without --force and a reason.
        let twice = try importQuarter(s, "2025Q3", toilets: changed)
        XCTAssertEqual(twice.status, 1)
        XCTAssertTrue(twice.stderr.contains("已经入库（640422100000 2025Q3）") && twice.stderr.contains("--force --reason"), twice.stderr)
        XCTAssertEqual(try HistoryStore(path: s.db).imports().count, 1, "nothing stored by the refused import")
        let again = try importQuarter(s, "2025Q3", toilets: changed, extra: ["--force", "--reason", "乡里更正了垃圾收运量"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("replaced"), again.stdout)
        let audit = try runRenju(["db", "audit", "--db", s.db])
        XCTAssertTrue(audit.stdout.contains("640422100201 garbage_collected_t: 16 → 16.2"), audit.stdout)
        XCTAssertTrue(audit.stdout.contains("FORCED: 乡里更正了垃圾收运量"), audit.stdout)
        // A negative count is an open error: refused without --force.
        var bad = base; bad[1] = -1
        let refused = try importQuarter(s, "2025Q4", toilets: bad)
        XCTAssertEqual(refused.status, 1)
        XCTAssertFalse(try runRenju(["db", "periods", "--db", s.db]).stdout.contains("2025Q4"))
        XCTAssertEqual(try importQuarter(s, "2025Q4", toilets: bad, extra: ["--force"]).status, 2, "--force needs --reason")
        let forced = try importQuarter(s, "2025Q4", toilets: bad, extra: ["--force", "--reason", "州里同意先入库"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        let trail = try HistoryStore(path: s.db).imports()
        XCTAssertEqual(trail.last?.forced, true)
        XCTAssertEqual(trail.last?.reason, "州里同意先入库")
        XCTAssertEqual(trail.count, 3)
        // The series of a unit.
        let h = try runRenju(["db", "history", "--db", s.db, "--unit", "640422100201", "--indicator", "生活垃圾集中收运量"] + s.common.prefix(2))
        XCTAssertTrue(h.stdout.contains("2025Q3  16.2") && h.stdout.contains("2025Q4"), h.stdout)
        let en = try runRenju(["db", "history", "--lang", "en", "--db", s.db, "--unit", "640422100201", "--indicator", "生活垃圾集中收运量"] + s.common.prefix(2))
        XCTAssertFalse(en.stdout.contains("生活垃圾集中收运量"), "--lang en: the indicator in English: \(en.stdout)")
    }

    /// 一年一考核: four quarters in the store; every township's parts and total, the mean the mean of
    /// its quarterly scores, the red flags and yellow cards counted as ranking.yaml says.
    func testTheAnnualAssessmentOfFourQuartersPrintsEachTownshipsPartsAndTotal() throws {
        let s = try setUpStore()
        let quarters = ["2025Q1": [400.0, 380, 360, 340, 320, 300, 280, 260], "2025Q2": [300.0, 320, 340, 360, 380, 400, 420, 440],
                        "2025Q3": [410.0, 390, 370, 350, 330, 310, 290, 270], "2025Q4": [350.0, 350, 360, 360, 370, 370, 380, 380]]
        var scores: [String: [Double]] = [:], flags: [String: Int] = [:], cards: [String: Int] = [:]
        for (q, t) in quarters.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(try importQuarter(s, q, toilets: t).status, 0)
            let r = try runRenju(["rank", "--db", s.db, "--period", q, "--format", "json"] + s.common)
            for e in try parseJSON(r.stdout)["ranking"] as? [[String: Any]] ?? [] {
                let u = e["unit"] as? String ?? ""
                scores[u, default: []].append(e["score"] as? Double ?? 0)
                if e["award"] as? String == "red_flag" { flags[u, default: 0] += 1 }
                if e["award"] as? String == "yellow_card" { cards[u, default: 0] += 1 }
            }
        }
        let run = try runRenju(["rank", "--db", s.db, "--year", "2025", "--format", "json"] + s.common)
        XCTAssertEqual(run.status, 0, run.stderr)
        let entries = try parseJSON(run.stdout)["ranking"] as? [[String: Any]] ?? []
        XCTAssertEqual(entries.count, 8)
        for e in entries {
            let u = e["unit"] as? String ?? ""
            let parts = e["breakdown"] as? [[String: Any]] ?? []
            XCTAssertEqual(parts.map { $0["label"] as? String ?? "" }, ["4 期平均得分", "流动红旗", "黄牌警告", "核查更正", "迟报或未签"])
            let points = parts.map { $0["points"] as? Double ?? 0 }
            let mean = ((scores[u] ?? []).reduce(0, +) / 4 * 100).rounded() / 100
            XCTAssertEqual(points[0], mean, accuracy: 1e-9, "\(u): the mean of its quarters")
            XCTAssertEqual(points[1], Double(flags[u] ?? 0) * 2, accuracy: 1e-9, "\(u): 2 points a red flag")
            XCTAssertEqual(points[2], -Double(cards[u] ?? 0) * 2, accuracy: 1e-9, "\(u): 2 points a yellow card")
            XCTAssertEqual(e["score"] as? Double ?? 0, points.reduce(0, +), accuracy: 0.011, "\(u): the total is the sum of its parts")
        }
        let ranks = entries.map { $0["rank"] as? Int ?? 0 }
        XCTAssertEqual(ranks, ranks.sorted(), "ranked by total")
        let text = try runRenju(["rank", "--db", s.db, "--year", "2025"] + s.common)
        XCTAssertTrue(text.stdout.contains("2025 年度考核") && text.stdout.contains("4 期平均得分") && text.stdout.contains("镇7"), text.stdout)
        XCTAssertTrue(text.stdout.contains("年度考核由 2025Q1–2025Q4 共 4 期组成"), text.stdout)
        let xlsx = s.dir.appendingPathComponent("年度考核.xlsx")
        XCTAssertEqual(try runRenju(["rank", "--db", s.db, "--year", "2025", "--xlsx", xlsx.path] + s.common).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: xlsx.path))
    }

    /// 一月一通报: monthly periods end to end — imported, ranked, a bulletin written, and a year of
    /// months assessed when the store has no quarters.
    func testMonthlyPeriodsAreImportedRankedAndBulletined() throws {
        let s = try setUpStore()
        XCTAssertEqual(try importQuarter(s, "2025-07", toilets: [400, 410, 420, 430, 440, 450, 460, 470]).status, 0)
        XCTAssertEqual(try importQuarter(s, "2025-08", toilets: [470, 460, 450, 440, 430, 420, 410, 400]).status, 0)
        let periods = try runRenju(["db", "periods", "--db", s.db])
        XCTAssertTrue(periods.stdout.contains("2025-07") && periods.stdout.contains("2025-08"), periods.stdout)
        let xlsx = s.dir.appendingPathComponent("8月通报.xlsx")
        let r = try runRenju(["rank", "--db", s.db, "--period", "2025-08", "--xlsx", xlsx.path] + s.common)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("2025-08 乡镇排名"), r.stdout)
        // August reverses July: the township first in July (镇7) is last in August.
        let json = try parseJSON(try runRenju(["rank", "--db", s.db, "--period", "2025-08", "--format", "json"] + s.common).stdout)
        let ranking = json["ranking"] as? [[String: Any]] ?? []
        XCTAssertEqual(ranking.first?["name"] as? String, "镇0")
        XCTAssertEqual(ranking.last?["name"] as? String, "镇7")
        XCTAssertTrue(FileManager.default.fileExists(atPath: xlsx.path))
        let year = try runRenju(["rank", "--db", s.db, "--year", "2025"] + s.common)
        XCTAssertEqual(year.status, 0, year.stderr)
        XCTAssertTrue(year.stdout.contains("2 期平均得分") && year.stdout.contains("2025-07–2025-08"), year.stdout)
    }

    func testValidateWithTheStoreFindsWhatHistoryFilesFind() throws {
        let s = try setUpStore()
        XCTAssertEqual(try importQuarter(s, "2025Q2", toilets: [400, 410, 420, 430, 440, 450, 460, 470]).status, 0)
        let q3 = s.dir.appendingPathComponent("q3.csv")
        // Town 0's village: sanitary toilets fall from 400 to 380 (负增长).
        let fell = quarter("2025Q3", toilets: [400, 410, 420, 430, 440, 450, 460, 470])
            .replacingOccurrences(of: "2025Q3,640422100201,sanitary_toilet_hh,400", with: "2025Q3,640422100201,sanitary_toilet_hh,380")
        XCTAssertNotEqual(fell, quarter("2025Q3", toilets: [400, 410, 420, 430, 440, 450, 460, 470]))
        try fell.write(to: q3, atomically: true, encoding: .utf8)
        let withDB = try runRenju(["validate", "--db", s.db, "--format", "json"] + s.common + [q3.path])
        let withFiles = try runRenju(["validate", "--format", "json"] + s.common + [s.dir.appendingPathComponent("2025Q2/data.csv").path, q3.path])
        func temporal(_ r: RenjuRun) throws -> Set<String> {
            Set((try parseJSON(r.stdout)["findings"] as? [[String: Any]] ?? []).compactMap { f in
                (f["rule"] as? String).flatMap { $0.hasPrefix("temporal.") ? "\($0) \(f["unit"] as? String ?? "")" : nil }
            })
        }
        XCTAssertTrue(try temporal(withDB).contains("temporal.decrease 640422100201"))
        XCTAssertEqual(try temporal(withDB), try temporal(withFiles))
    }

    /// Starts `db import` of a 2025Q3 quarter that pauses `seconds` inside its transaction, and
    /// returns once the child says it is there (what it printed, for the assertion).
    func startPausedImport(_ s: (dir: URL, db: String, common: [String]), seconds: Int) throws -> (Process, String) {
        let q = try quarterFolder(s, "2025Q3", toilets: [401, 410, 420, 430, 440, 450, 460, 470])
        let p = try importProcess(s, q, env: ["RENJU_TEST_IMPORT_PAUSE": String(seconds)])
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        try p.run()
        var seen = ""
        let deadline = Date().addingTimeInterval(30)
        while !seen.contains("importing"), Date() < deadline {
            let d = err.fileHandleForReading.availableData
            if d.isEmpty { usleep(20_000) } else { seen += String(decoding: d, as: UTF8.self) }
        }
        return (p, seen)
    }

    /// A mistyped --db is refused (no empty store answered from); only db import creates one; a
    /// second import while one is running is told the store is busy, not given a raw SQLite error.
    func testMistypedStoreIsRefusedAndABusyStoreIsSaidSo() throws {
        let s = try setUpStore()
        let typo = s.dir.appendingPathComponent("renju.sqlit").path
        for args in [["db", "periods", "--db", typo], ["db", "audit", "--db", typo], ["validate", "--db", typo] + s.common + [s.dir.path]] {
            let r = try runRenju(args)
            XCTAssertEqual(r.status, 2, args.joined(separator: " "))
            XCTAssertTrue(r.stderr.contains("no store at"), r.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: typo), "nothing is created by a command that only reads")
        let first = try importQuarter(s, "2025Q2", toilets: [400, 410, 420, 430, 440, 450, 460, 470])
        XCTAssertEqual(first.status, 0)
        XCTAssertTrue(first.stderr.contains("created a new store"), first.stderr)

        // Hold the store with an import paused inside its transaction, then import again.
        let (p, seen) = try startPausedImport(s, seconds: 20)
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) }; p.waitUntilExit() }
        XCTAssertTrue(seen.contains("importing"), seen)
        let second = try importQuarter(s, "2025Q3", toilets: [401, 410, 420, 430, 440, 450, 460, 470])
        XCTAssertEqual(second.status, 2)
        XCTAssertTrue(second.stderr.contains("busy"), second.stderr)
        XCTAssertFalse(second.stderr.contains("SQLite error"), second.stderr)
    }

    /// Without USER (cron, a service), the audit trail names the process's login, not "unknown".
    func testAuditWhoFallsBackToTheLogin() throws {
        let s = try setUpStore()
        let q = try quarterFolder(s, "2025Q2", toilets: [400, 410, 420, 430, 440, 450, 460, 470])
        let p = try importProcess(s, q, env: ["USER": nil])
        p.standardOutput = Pipe(); p.standardError = Pipe()
        try p.run(); p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let login = NSUserName()
        XCTAssertFalse(login.isEmpty)
        XCTAssertEqual(try HistoryStore(path: s.db).imports().first?.who, login)
    }

    func testAnImportKilledMidwayLeavesTheStoreAsItWas() throws {
        let s = try setUpStore()
        XCTAssertEqual(try importQuarter(s, "2025Q2", toilets: [400, 410, 420, 430, 440, 450, 460, 470]).status, 0)
        let before = try HistoryStore(path: s.db)
        let countBefore = try before.observationCount()
        let importsBefore = try before.imports()
        // A second import (a new quarter and a replacement of 2025Q2), killed inside its transaction.
        let (p, seen) = try startPausedImport(s, seconds: 60)
        XCTAssertTrue(seen.contains("importing"), "the child reached the transaction: \(seen)")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
        let after = try HistoryStore(path: s.db)
        XCTAssertEqual(try after.observationCount(), countBefore)
        XCTAssertEqual(try after.imports(), importsBefore)
        XCTAssertEqual(try after.periods().map(\.period), [Period(year: 2025, quarter: 2)])
    }

    func testTheExampleCountyValidatesTheSameAgainstTheStoreAsAgainstItsHistoryFiles() throws {
        let dir = try temporaryDirectory("example-store")
        let db = dir.appendingPathComponent("renju.sqlite").path
        let examples = repoRoot.appendingPathComponent("examples/xiji")
        let imported = try runRenju(["db", "import", "--db", db, "--as-of", "2025-10-31", examples.appendingPathComponent("2025Q2").path])
        XCTAssertEqual(imported.status, 0, imported.stdout + imported.stderr)
        let withDB = try runRenju(["validate", "--db", db, "--format", "json", "--as-of", "2025-10-31", examples.appendingPathComponent("2025Q3").path])
        let withFiles = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", examples.path])
        func baselined(_ r: RenjuRun) throws -> [String] {
            (try parseJSON(r.stdout)["findings"] as? [[String: Any]] ?? []).compactMap { f in
                guard let rule = f["rule"] as? String, rule.hasPrefix("temporal.") || rule.hasPrefix("outlier.") else { return nil }
                return "\(rule) \(f["unit"] as? String ?? "") \(f["indicator"] as? String ?? "")"
            }.sorted()
        }
        let a = try baselined(withDB), b = try baselined(withFiles)
        XCTAssertTrue(a.contains { $0.hasPrefix("temporal.decrease 640422103201") }, "\(a)")
        XCTAssertEqual(a, b)
    }
}
