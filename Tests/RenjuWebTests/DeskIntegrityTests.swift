import XCTest
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import RenjuTestSupport
import RenjuModel
import RenjuReading
import RenjuReference
import RenjuStore
import RenjuStoreCore
import RenjuApp
@testable import RenjuWeb

/// The desk a clerk cannot bend: what reaches the county's return is exactly what the board shows,
/// signed as shown. Each test is one of the ways a township's account once bent it.
final class DeskIntegrityTests: XCTestCase {
    static let zhenhu = DeskFixture.sample.appendingPathComponent("2025Q3/640422204000-震湖乡.xlsx")
    static let hongyaoQ2 = DeskFixture.sample.appendingPathComponent("2025Q2/640422201000-红耀乡.xlsx")
    static let zh = "640422204000"

    /// A file's figures as Renju reads them: period, and per unit (in the file's order) its name and figures.
    static func figures(_ file: URL, _ reference: ReferenceData) throws -> [(code: UnitCode, name: String, values: [IndicatorID: Double])] {
        let loader = InputLoader(reader: FormReader(catalog: reference.catalog, tree: reference.tree, vocabulary: reference.signOffVocabulary))
        let set = try loader.load(paths: [file.path], defaultPeriod: nil)
        return set.submissions.flatMap { s in
            s.rows.map { r in (r.code, r.givenName ?? "", s.values.figures(of: r.code)) }
        }
    }

    /// A township's return written as a workbook: a 数据 sheet with the given period and rows, and
    /// any further sheets (签字, a copy of last quarter).
    static func workbook(_ url: URL, period: String, rows: [(code: UnitCode, name: String, values: [IndicatorID: Double])],
                         reference: ReferenceData, more: [(String, [[FixtureCell?]])] = []) throws {
        let ids = reference.catalog.indicators.map(\.id)
        var data: [[FixtureCell?]] = [[.s("报告期：\(period)")], [.s("区划代码"), .s("单位名称")] + ids.map { .s($0.rawValue) }]
        for r in rows { data.append([.s(r.code.rawValue), .s(r.name)] + ids.map { id in r.values[id].map { .n($0) } }) }
        try writeSharedStringsWorkbook(url, sheets: [("数据", data)] + more)
    }

    static func signOffSheet(_ rows: [(String, String, String, String, String)]) -> (String, [[FixtureCell?]]) {
        ("签字", [[.s("区划代码"), .s("报告期"), .s("角色"), .s("姓名"), .s("日期")]] + rows.map { [.s($0.0), .s($0.1), .s($0.2), .s($0.3), .s($0.4)] })
    }

    func add(_ f: DeskFixture, _ login: String, _ name: String, _ role: Role, _ unit: String, _ signs: [String]) async throws {
        let a = Account(login: login, name: name, role: role, unit: try XCTUnwrap(UnitCode(unit)), signs: signs)
        try f.desk.checkAccount(a)
        try await f.store.addAccount(a, passwordHash: Passwords.hash(DeskFixture.password, cost: 4))
    }

    static func report(_ o: [String: Any]) -> [[String: Any]] {
        ((o["report"] as? [String: Any])?["findings"] as? [[String: Any]]) ?? []
    }

    // MARK: 1. sign-offs for another unit

    func testSignOffRowsForTheCountyAreRefusedWithTheirCell() async throws {
        let f = try await DeskFixture.make(self)
        let rows = try Self.figures(DeskFixture.hongyao, f.desk.reference)
        let forged = f.dir.appendingPathComponent("红耀乡-forged.xlsx")
        try Self.workbook(forged, period: "2025Q3", rows: rows, reference: f.desk.reference, more: [Self.signOffSheet([
            (DeskFixture.hy, "2025Q3", "填表人", "王芳", "2025-10-05"),
            (DeskFixture.county, "2025Q3", "单位负责人", "冒名", "2025-10-06"),
        ])])
        try await f.application().test(.router) { client in
            let clerk = try await client.login("clerk")
            let (status, o) = try await client.upload(forged, as: clerk)
            XCTAssertEqual(status, .forbidden, "\(o)")
            let error = o["error"] as? String ?? ""
            XCTAssertTrue(error.contains("红耀乡-forged.xlsx:签字!") && error.contains(DeskFixture.county), error)
        }
        let value12 = try await f.store.submissions(period: nil).isEmpty
        XCTAssertTrue(value12, "nothing of the forged file is stored")
    }

    // MARK: 2. a file that is not the township's whole return

    func testAVillageAloneIsRefusedAndAFileMissingAVillageShowsOnTheBoard() async throws {
        let f = try await DeskFixture.make(self)
        let village = f.dir.appendingPathComponent("一个村.csv")
        try "报告期：2025年第三季度\n区划代码,单位名称,总户数,卫生厕所户数,保洁员\n640422201201,小峁村,99999,1,1\n".write(to: village, atomically: true, encoding: .utf8)
        let rows = try Self.figures(DeskFixture.hongyao, f.desk.reference)
        let partial = f.dir.appendingPathComponent("少一个村.xlsx")
        try Self.workbook(partial, period: "2025Q3", rows: Array(rows.dropLast()), reference: f.desk.reference)
        try await f.application().test(.router) { client in
            let clerk = try await client.login("clerk"), county = try await client.login("reviewer")
            let (s1, o1) = try await client.upload(village, as: clerk)
            XCTAssertEqual(s1, .unprocessableContent, "\(o1)")
            XCTAssertTrue((o1["error"] as? String ?? "").contains("合计"), "\(o1)")
            let value11 = try await f.store.submissions(period: nil).isEmpty
            XCTAssertTrue(value11, "a village alone is stored nowhere")
            let (s2, o2) = try await client.upload(partial, as: clerk)
            XCTAssertEqual(s2, .created)
            XCTAssertEqual(o2["unit"] as? String, DeskFixture.hy, "stored as the township's version")
            XCTAssertTrue(Self.report(o2).contains { $0["rule"] as? String == "completeness.missing_unit" })
            try await client.execute(uri: "/api/periods/2025Q3/status", method: .get, headers: county.headers()) { r in
                let line = list(r.body).first { $0["unit"] as? String == DeskFixture.hy }
                XCTAssertEqual(line?["status"] as? String, "errors", "the board shows the partial version with its errors")
                XCTAssertEqual(line?["submission"] as? Int, o2["id"] as? Int)
            }
        }
    }

    // MARK: 3. history from below

    func testASheetOfLastQuarterNeitherReplacesTheStoreNorHidesTheWarning() async throws {
        let f = try await DeskFixture.make(self)
        let ref = f.desk.reference
        let now = try Self.figures(DeskFixture.hongyao, ref)
        var before = try Self.figures(Self.hongyaoQ2, ref)
        let cleaners = IndicatorID("cleaners")
        let stored = try XCTUnwrap(before.first { $0.code.rawValue == DeskFixture.hy }?.values[cleaners])
        for i in before.indices where before[i].code.rawValue == DeskFixture.hy { before[i].values[cleaners] = 17 }
        let ids = ref.catalog.indicators.map(\.id)
        var q2: [[FixtureCell?]] = [[.s("报告期：2025年第二季度")], [.s("区划代码"), .s("单位名称")] + ids.map { .s($0.rawValue) }]
        for r in before { q2.append([.s(r.code.rawValue), .s(r.name)] + ids.map { id in r.values[id].map { .n($0) } }) }
        let file = f.dir.appendingPathComponent("红耀乡-带上期.xlsx")
        try Self.workbook(file, period: "2025Q3", rows: now, reference: ref, more: [("上期", q2)])
        try await f.application().test(.router) { client in
            let clerk = try await client.login("clerk"), clerk2 = try await client.login("clerk2")
            // Another township is in first: its figures are the upload's peers, never shown as its rows.
            let (first, _) = try await client.upload(DeskFixture.xinglong, as: clerk2)
            XCTAssertEqual(first, .created)
            let (status, o) = try await client.upload(file, as: clerk)
            XCTAssertEqual(status, .created)
            XCTAssertEqual(o["period"] as? String, "2025Q3", "the period of an upload is the newest in it")
            try await client.execute(uri: "/submissions/\(o["id"] as? Int ?? 0)", method: .get, headers: clerk.headers()) { r in
                XCTAssertFalse(String(buffer: r.body).contains(DeskFixture.xl), "兴隆镇's rows are not on 红耀乡's page")
            }
            let findings = Self.report(o)
            XCTAssertTrue(findings.contains { $0["rule"] as? String == "temporal.stable" && $0["unit"] as? String == DeskFixture.hy },
                          "the comparison with the store's 2025Q2 still warns")
            let conflict = try XCTUnwrap(findings.first { $0["rule"] as? String == "format.history_conflict" })
            XCTAssertEqual(conflict["severity"] as? String, "warning")
            let message = conflict["message"] as? String ?? ""
            XCTAssertTrue(message.contains("17") && message.contains(shortestDecimal(stored)), message)
        }
    }

    // MARK: 4. closed periods

    func testAClosedPeriodTakesNoUploadUntilTheCountyReopensIt() async throws {
        let f = try await DeskFixture.make(self)
        try await f.application().test(.router) { client in
            let clerk = try await client.login("clerk"), county = try await client.login("reviewer")
            let (s1, o1) = try await client.upload(Self.hongyaoQ2, as: clerk)
            XCTAssertEqual(s1, .conflict, "2025Q2 was imported: closed")
            XCTAssertTrue((o1["error"] as? String ?? "").contains("重新开放"), "\(o1)")
            try await client.execute(uri: "/api/periods/2025Q2/reopen", method: .post, headers: county.headers(),
                                     body: jsonBody(["unit": DeskFixture.hy, "reason": "乡里报告 2025Q2 的保洁员数填错，经核实重新开放"])) { r in
                XCTAssertEqual(r.status, .ok)
            }
            let (s2, o2) = try await client.upload(Self.hongyaoQ2, as: clerk)
            XCTAssertEqual(s2, .created, "\(o2)")
            XCTAssertEqual(o2["period"] as? String, "2025Q2")
            // Another township's period stays closed.
            let other = try await client.login("clerk2")
            let (s3, _) = try await client.upload(DeskFixture.sample.appendingPathComponent("2025Q2/640422101000-兴隆镇.xlsx"), as: other)
            XCTAssertEqual(s3, .conflict)
        }
        let value10 = try await f.store.events().first { $0.action == .reopen }
        let reopen = try XCTUnwrap(value10)
        XCTAssertEqual(reopen.who, "reviewer")
        XCTAssertTrue(reopen.detail.contains("保洁员数填错"), reopen.detail)
    }

    // MARK: 5. signing on the desk

    /// 震湖乡's clean workbook, its own 签字 sheet present (周文斌, 吴玉梅, 徐卫东): the three sign in
    /// chain order on the desk and the township reaches 已签批 — no conflict with the file's 签字.
    func testACleanTownshipIsSignedThroughToSigned() async throws {
        let f = try await DeskFixture.make(self)
        try await add(f, "zh-clerk", "周文斌", .clerk, Self.zh, ["填表人"])
        try await add(f, "zh-tj", "吴玉梅", .signer, Self.zh, ["统计负责人"])
        try await add(f, "zh-head", "徐卫东", .signer, Self.zh, ["单位负责人"])
        try await f.application().test(.router) { client in
            let clerk = try await client.login("zh-clerk"), tj = try await client.login("zh-tj"), head = try await client.login("zh-head")
            let county = try await client.login("reviewer")
            let (status, o) = try await client.upload(Self.zhenhu, as: clerk)
            XCTAssertEqual(status, .created)
            let id = try XCTUnwrap(o["id"] as? Int)
            XCTAssertEqual(Self.report(o).filter { $0["severity"] as? String == "error" }.count, 0, "\(Self.report(o))")
            func sign(_ who: Login, _ role: String) async throws -> HTTPResponse.Status {
                try await client.execute(uri: "/api/submissions/\(id)/signoffs", method: .post, headers: who.headers(), body: jsonBody(["role": role])) { $0.status }
            }
            let early = try await sign(tj, "统计负责人")
            XCTAssertEqual(early, .conflict, "统计负责人 waits for 填表人")
            let s1 = try await sign(clerk, "填表人")
            XCTAssertEqual(s1, .created)
            let again = try await sign(clerk, "填表人")
            XCTAssertEqual(again, .conflict, "a role signs once")
            let s2 = try await sign(tj, "统计负责人")
            let s3 = try await sign(head, "单位负责人")
            XCTAssertEqual([s2, s3], [.created, .created])
            try await client.execute(uri: "/api/submissions/\(id)", method: .get, headers: county.headers()) { r in
                let s = object(r.body)
                XCTAssertEqual(s["status"] as? String, "signed")
                XCTAssertEqual(s["signed_roles"] as? [String], ["填表人", "统计负责人", "单位负责人"])
                let rules = Self.report(s).compactMap { $0["rule"] as? String }
                XCTAssertFalse(rules.contains { $0.hasPrefix("signoff.") && $0 != "signoff.late" }, "\(rules)")
            }
            try await client.execute(uri: "/api/periods/2025Q3/status", method: .get, headers: county.headers()) { r in
                XCTAssertEqual(list(r.body).first { $0["unit"] as? String == Self.zh }?["status"] as? String, "signed")
            }
            // The page says who the file declared, apart from the desk's sign-offs.
            try await client.execute(uri: "/submissions/\(id)", method: .get, headers: county.headers()) { r in
                let html = String(buffer: r.body)
                XCTAssertTrue(html.contains("文件中声明的签字") && html.contains("吴玉梅"), "declared sign-offs shown")
            }
            // A new version starts unsigned.
            let (_, v2) = try await client.upload(Self.zhenhu, as: clerk)
            try await client.execute(uri: "/api/submissions/\(v2["id"] as? Int ?? 0)", method: .get, headers: county.headers()) { r in
                XCTAssertEqual(object(r.body)["signed_roles"] as? [String], [])
                XCTAssertEqual(object(r.body)["status"] as? String, "submitted")
            }
            let old = try await sign(head, "单位负责人")
            XCTAssertEqual(old, .conflict)
        }
    }

    /// Someone other than the file names signs a role: a warning to check, not an error; one
    /// person in two roles is refused at the second signature (`same_person: forbidden`).
    func testADifferentSignerWarnsAndOnePersonSignsOneRole() async throws {
        let f = try await DeskFixture.make(self)
        try await add(f, "zh-clerk", "周文斌", .clerk, Self.zh, ["填表人"])
        try await add(f, "zh-both", "马志强", .signer, Self.zh, ["统计负责人", "单位负责人"])
        try await f.application().test(.router) { client in
            let clerk = try await client.login("zh-clerk"), both = try await client.login("zh-both")
            let (_, o) = try await client.upload(Self.zhenhu, as: clerk)
            let id = try XCTUnwrap(o["id"] as? Int)
            for (who, role, expected) in [(clerk, "填表人", HTTPResponse.Status.created), (both, "统计负责人", .created), (both, "单位负责人", .conflict)] {
                try await client.execute(uri: "/api/submissions/\(id)/signoffs", method: .post, headers: who.headers(), body: jsonBody(["role": role])) { r in
                    XCTAssertEqual(r.status, expected, "\(role): \(String(buffer: r.body))")
                }
            }
            try await client.execute(uri: "/api/submissions/\(id)", method: .get, headers: clerk.headers()) { r in
                let findings = Self.report(object(r.body))
                let differs = try XCTUnwrap(findings.first { $0["rule"] as? String == "signoff.declared_differs" })
                XCTAssertEqual(differs["severity"] as? String, "warning")
                XCTAssertTrue((differs["message"] as? String ?? "").contains("吴玉梅"))
                XCTAssertFalse(findings.contains { $0["severity"] as? String == "error" }, "\(findings)")
            }
        }
    }

    // MARK: 6. a returned version

    func testAReturnedVersionTakesNoSignOffNoExplanationAndNoSecondReturn() async throws {
        let f = try await DeskFixture.make(self)
        try await add(f, "zh-clerk", "周文斌", .clerk, Self.zh, ["填表人"])
        try await f.application().test(.router) { client in
            let clerk = try await client.login("zh-clerk"), county = try await client.login("reviewer")
            let (_, o) = try await client.upload(Self.zhenhu, as: clerk)
            let id = try XCTUnwrap(o["id"] as? Int)
            let returned = try await client.execute(uri: "/api/submissions/\(id)/return", method: .post, headers: county.headers(),
                                                    body: jsonBody(["message": "请核实"])) { $0.status }
            let twice = try await client.execute(uri: "/api/submissions/\(id)/return", method: .post, headers: county.headers(),
                                                 body: jsonBody(["message": "再退一次"])) { $0.status }
            let sign = try await client.execute(uri: "/api/submissions/\(id)/signoffs", method: .post, headers: clerk.headers(),
                                                body: jsonBody(["role": "填表人"])) { $0.status }
            let explain = try await client.execute(uri: "/api/submissions/\(id)/explanations", method: .post, headers: clerk.headers(),
                                                   body: jsonBody(["rule": "temporal", "text": "已核实"])) { $0.status }
            XCTAssertEqual([returned, twice, sign, explain], [.ok, .conflict, .conflict, .conflict])
        }
        let value9 = try await f.store.events().filter { $0.action == .return }.count
        XCTAssertEqual(value9, 1)
        let value8 = try await f.store.signOffs(submission: 1).isEmpty
        XCTAssertTrue(value8)
    }

    // MARK: 7. the invariant

    /// Random sequences of uploads, 退回 and re-uploads by two townships (seeded): after every
    /// step, the county's return holds exactly the figures of the versions the board shows as
    /// accepted — each township's latest version not sent back — and nothing of any other.
    func testTheReturnIsExactlyTheBoardsVersions() async throws {
        let f = try await DeskFixture.make(self)
        try await add(f, "zh-clerk", "周文斌", .clerk, Self.zh, ["填表人"])
        let ref = f.desk.reference
        // Two versions of each township's return: the sample, and one with other households and toilets.
        var files: [String: [URL]] = [:]
        for (unit, sample) in [(DeskFixture.hy, DeskFixture.hongyao), (Self.zh, Self.zhenhu)] {
            var rows = try Self.figures(sample, ref)
            let changed = f.dir.appendingPathComponent("\(unit)-v2.xlsx")
            for i in rows.indices {
                rows[i].values[IndicatorID("households")] = (rows[i].values[IndicatorID("households")] ?? 0) + (rows[i].code.rawValue == unit ? Double(rows.count - 1) : 1)
            }
            try Self.workbook(changed, period: "2025Q3", rows: rows, reference: ref)
            files[unit] = [sample, changed]
        }
        var state: UInt64 = 20_251_031
        func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) % n }
        // The sequence, drawn up front: which township, whether the county sends its version back, which file.
        let steps = (0..<14).map { _ in (unit: [DeskFixture.hy, Self.zh][next(2)], sendBack: next(3) == 0, file: next(2)) }
        let versions = files
        try await f.application().test(.router) { client in
            let clerks = [DeskFixture.hy: try await client.login("clerk"), Self.zh: try await client.login("zh-clerk")]
            let county = try await client.login("reviewer")
            for (step, plan) in steps.enumerated() {
                let unit = plan.unit
                let board = try await client.execute(uri: "/api/periods/2025Q3/status", method: .get, headers: county.headers()) { list($0.body) }
                let line = board.first { $0["unit"] as? String == unit }
                if plan.sendBack, let id = line?["submission"] as? Int, line?["status"] as? String != "returned" {
                    let s = try await client.execute(uri: "/api/submissions/\(id)/return", method: .post, headers: county.headers(),
                                                     body: jsonBody(["message": "第 \(step) 步退回"])) { $0.status }
                    XCTAssertEqual(s, .ok)
                } else {
                    let (s, _) = try await client.upload(try XCTUnwrap(versions[unit])[plan.file], as: try XCTUnwrap(clerks[unit]))
                    XCTAssertEqual(s, .created)
                }
                try await Self.assertReturnMatchesBoard(f, client, county, step: step)
            }
        }
    }

    static func assertReturnMatchesBoard(_ f: DeskFixture, _ client: some TestClientProtocol, _ county: Login, step: Int) async throws {
        let ref = f.desk.reference
        let board = try await client.execute(uri: "/api/periods/2025Q3/status", method: .get, headers: county.headers()) { list($0.body) }
        var expected: [UnitCode: [IndicatorID: Double]] = [:]
        for line in board {
            guard let id = line["submission"] as? Int, line["status"] as? String != "returned",
                  let stored = try await f.store.submission(id: Int64(id)), let bytes = try await f.store.file(sha256: stored.sha256) else { continue }
            let file = f.dir.appendingPathComponent("version-\(id).\(bytes.starts(with: [0x50, 0x4B]) ? "xlsx" : "csv")")
            try bytes.write(to: file)
            let own = try Self.figures(file, ref).first { $0.code == stored.unit }
            expected[stored.unit] = own?.values
        }
        let (status, bytes) = try await client.execute(uri: "/api/periods/2025Q3/return.xlsx", method: .get, headers: county.headers()) {
            ($0.status, Data(buffer: $0.body))
        }
        guard !expected.isEmpty else { XCTAssertEqual(status, .notFound, "step \(step): nothing accepted, nothing to export"); return }
        XCTAssertEqual(status, .ok, "step \(step)")
        let file = f.dir.appendingPathComponent("return-\(step).xlsx")
        try bytes.write(to: file)
        let got = try Self.figures(file, ref)
        let townships = ref.tree.children(of: try XCTUnwrap(UnitCode(DeskFixture.county)))
        for t in townships {
            let row = got.first { $0.code == t }?.values ?? [:]
            if let want = expected[t] {
                for (id, v) in row where ref.catalog[id].map({ !$0.kind.isRate }) == true {
                    XCTAssertEqual(v, want[id], "step \(step): \(t) \(id) in the return")
                }
                XCTAssertEqual(row[IndicatorID("households")], want[IndicatorID("households")], "step \(step): \(t)")
            } else {
                XCTAssertNil(row[IndicatorID("households")], "step \(step): \(t) has no accepted version on the board, yet the return has figures")
            }
        }
        let total = got.first { $0.code.rawValue == DeskFixture.county }?.values[IndicatorID("households")]
        XCTAssertEqual(total, expected.values.compactMap { $0[IndicatorID("households")] }.reduce(0, +), "step \(step): the county total")
    }

    // MARK: 10. scope of the 抽查 page

    func testTheHitRatePageCountsOnlyTheUsersUnits() async throws {
        let f = try await DeskFixture.make(self)
        let inspections = try XCTUnwrap(f.store as? any InspectionStoring)
        // Another county's inspections in the same (province's) store.
        let elsewhere = try XCTUnwrap(UnitCode("640522100201"))
        let period = try XCTUnwrap(Period.parse("2025Q3"))
        let id = try await inspections.saveSample(InspectionSample(
            id: nil, period: period, seed: 1, size: 1, randomShare: 0, grouping: .township, at: "2025-11-01T00:00:00Z", who: "x",
            figures: [SampledFigure(unit: elsewhere, part: .risk, probability: 1, indicator: IndicatorID("households"), reported: 10,
                                    rules: [RuleID(.outlier, "hb")])]))
        try await inspections.recordInspections([InspectionResult(sampleID: id, period: period, unit: elsewhere, indicator: IndicatorID("households"),
                                                            reported: 10, found: 12, wrong: true, inspector: "y", inspectedOn: nil,
                                                            recordedAt: "2025-11-02T00:00:00Z", recordedBy: "x")])
        try await f.application().test(.router) { client in
            let county = try await client.login("reviewer")
            try await client.execute(uri: "/inspections", method: .get, headers: county.headers()) { r in
                let html = String(buffer: r.body)
                XCTAssertEqual(r.status, .ok)
                XCTAssertTrue(html.contains("还没有核实结果"), "another county's inspection is not counted")
                XCTAssertFalse(html.contains("outlier.hb"), "nor its rule's hit rate shown")
            }
        }
    }
}
