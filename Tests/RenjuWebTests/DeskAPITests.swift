import XCTest
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import RenjuTestSupport
import RenjuModel
import RenjuStore
import RenjuStoreCore
import RenjuApp
@testable import RenjuWeb

/// The desk's JSON API in process: what a clerk, a signer and the county office can do, and
/// what each is refused.
final class DeskAPITests: XCTestCase {

    func testLoginOpensASessionAndRepeatedFailuresAreThrottled() async throws {
        try await onEveryBackend { backend in
            let f = try await DeskFixture.make(self, backend: backend)
            try await f.application().test(.router) { client in
                try await client.execute(uri: "/api/login", method: .post, body: jsonBody(["login": "clerk", "password": DeskFixture.password])) { r in
                    XCTAssertEqual(r.status, .ok)
                    let o = object(r.body)
                    XCTAssertEqual(o["user"] as? String, "clerk")
                    XCTAssertEqual(o["role"] as? String, "clerk")
                    XCTAssertEqual(o["unit"] as? String, DeskFixture.hy)
                    XCTAssertEqual((o["csrf"] as? String)?.count, 43, "a 256-bit token")
                    let cookie = try XCTUnwrap(r.headers[.setCookie])
                    XCTAssertTrue(cookie.hasPrefix("renju_session="), cookie)
                    XCTAssertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie)
                }
                try await client.execute(uri: "/api/login", method: .post, body: jsonBody(["login": "gone", "password": DeskFixture.password])) { r in
                    XCTAssertEqual(r.status, .unauthorized, "a disabled account cannot sign in")
                }
                for _ in 0..<5 {
                    try await client.execute(uri: "/api/login", method: .post, body: jsonBody(["login": "signer", "password": "guess-guess"])) { r in
                        XCTAssertEqual(r.status, .unauthorized)
                    }
                }
                try await client.execute(uri: "/api/login", method: .post, body: jsonBody(["login": "signer", "password": DeskFixture.password])) { r in
                    XCTAssertEqual(r.status, .tooManyRequests, "after five failures even the right password waits")
                }
            }
        }
    }

    func testWithoutASessionIs401AndWithoutTheCSRFHeaderIs403() async throws {
        try await onEveryBackend { backend in
            let f = try await DeskFixture.make(self, backend: backend)
            try await f.application().test(.router) { client in
                try await client.execute(uri: "/api/periods/2025Q3/status", method: .get) { r in XCTAssertEqual(r.status, .unauthorized) }
                try await client.execute(uri: "/api/submissions", method: .post, body: ByteBuffer(string: "x")) { r in XCTAssertEqual(r.status, .unauthorized) }
                let clerk = try await client.login("clerk")
                let bytes = try Data(contentsOf: DeskFixture.hongyao)
                try await client.execute(uri: "/api/submissions", method: .post, headers: clerk.headers(csrf: false), body: ByteBuffer(bytes: bytes)) { r in
                    XCTAssertEqual(r.status, .forbidden)
                }
                var wrong = clerk.headers(csrf: false)
                wrong[csrfHeader] = String(clerk.csrf.reversed())
                try await client.execute(uri: "/api/submissions", method: .post, headers: wrong, body: ByteBuffer(bytes: bytes)) { r in
                    XCTAssertEqual(r.status, .forbidden)
                }
                // A CSRF token belongs to its session: another session's token does not do.
                let other = try await client.login("clerk")
                var crossed = clerk.headers(csrf: false)
                crossed[csrfHeader] = other.csrf
                try await client.execute(uri: "/api/submissions", method: .post, headers: crossed, body: ByteBuffer(bytes: bytes)) { r in
                    XCTAssertEqual(r.status, .forbidden)
                }
                let value6 = try await f.store.submissions(period: nil).isEmpty
                XCTAssertTrue(value6, "nothing was stored by a refused request")
                try await client.execute(uri: "/api/logout", method: .post, headers: clerk.headers()) { r in XCTAssertEqual(r.status, .ok) }
                try await client.execute(uri: "/api/periods/2025Q3/status", method: .get, headers: clerk.headers()) { r in
                    XCTAssertEqual(r.status, .unauthorized, "the session ended")
                }
            }
        }
    }

    /// A clerk's upload is checked against the stored history and gives the findings `renju
    /// validate` gives for the same file with the same store.
    func testAnUploadIsCheckedAsTheCommandLineChecksIt() async throws {
        try await onEveryBackend { backend in
            let f = try await DeskFixture.make(self, backend: backend)
            let report: [String: Any] = try await f.application().test(.router) { client in
                let clerk = try await client.login("clerk")
                let (status, o) = try await client.upload(DeskFixture.hongyao, as: clerk)
                XCTAssertEqual(status, .created)
                XCTAssertEqual(o["unit"] as? String, DeskFixture.hy)
                XCTAssertEqual(o["period"] as? String, "2025Q3")
                XCTAssertNotNil(o["id"] as? Int)
                return o["report"] as? [String: Any] ?? [:]
            }
            let cli = try runRenju(["validate", "--format", "json", "--as-of", "2025-10-31", "--db", f.storePath, DeskFixture.hongyao.path])
            let expected = try XCTUnwrap(try parseJSON(cli.stdout)["findings"] as? [[String: Any]])
            let got = try XCTUnwrap(report["findings"] as? [[String: Any]])
            func keys(_ l: [[String: Any]]) -> [String] {
                l.map { "\($0["rule"] ?? "") \($0["unit"] ?? "-") \($0["indicator"] ?? "-") \($0["severity"] ?? "") \($0["message"] ?? "")" }.sorted()
            }
            XCTAssertFalse(got.isEmpty, "the sample 红耀乡 has planted problems")
            XCTAssertEqual(keys(got), keys(expected))
            XCTAssertTrue(got.contains { ($0["rule"] as? String)?.hasPrefix("temporal.") == true }, "checked against the stored 2025Q2")
            // The stored file is byte-exact.
            let value5 = try await f.store.submissions(period: nil).first
            let stored = try XCTUnwrap(value5)
            let value4 = try await f.store.file(sha256: stored.sha256)
            XCTAssertEqual(value4, try Data(contentsOf: DeskFixture.hongyao))
            XCTAssertEqual(stored.filename, "640422201000-红耀乡.xlsx")
        }
    }

    func testAClerkSeesAndChangesOnlyItsOwnTownship() async throws {
        try await onEveryBackend { backend in
            let f = try await DeskFixture.make(self, backend: backend)
            try await f.application().test(.router) { client in
                let jq = try await client.login("clerk"), xl = try await client.login("clerk2")
                let (s1, o) = try await client.upload(DeskFixture.hongyao, as: jq)
                XCTAssertEqual(s1, .created)
                let id = try XCTUnwrap(o["id"] as? Int)
                let (s2, refused) = try await client.upload(DeskFixture.hongyao, as: xl)
                XCTAssertEqual(s2, .forbidden, "兴隆镇's clerk uploading 红耀乡's figures: \(refused)")
                // Another township's submission is as if it did not exist: 404, as for an unknown id.
                try await client.execute(uri: "/api/submissions/\(id)", method: .get, headers: xl.headers()) { r in XCTAssertEqual(r.status, .notFound) }
                try await client.execute(uri: "/api/submissions/\(id)/explanations", method: .post, headers: xl.headers(),
                                         body: jsonBody(["rule": "outlier", "text": "x"])) { r in XCTAssertEqual(r.status, .notFound) }
                try await client.execute(uri: "/api/submissions/\(id)", method: .get, headers: jq.headers()) { r in
                    XCTAssertEqual(r.status, .ok)
                    let s = object(r.body)
                    XCTAssertEqual(s["id"] as? Int, id)
                    XCTAssertEqual(s["version"] as? Int, 1)
                    XCTAssertNotNil(s["status"] as? String)
                    XCTAssertNotNil(s["report"] as? [String: Any])
                }
                try await client.execute(uri: "/api/submissions/99999", method: .get, headers: jq.headers()) { r in XCTAssertEqual(r.status, .notFound) }
                try await client.execute(uri: "/api/periods/2025Q3/status", method: .get, headers: xl.headers()) { r in
                    XCTAssertEqual(list(r.body).compactMap { $0["unit"] as? String }, [DeskFixture.xl], "a township sees its own line only")
                }
            }
        }
    }

    func testExplainSignReturnAndANewVersion() async throws {
        try await onEveryBackend { backend in
            let f = try await DeskFixture.make(self, backend: backend)
            try await f.application().test(.router) { client in
                let clerk = try await client.login("clerk"), signer = try await client.login("signer"), county = try await client.login("reviewer")
                let (_, o) = try await client.upload(DeskFixture.hongyao, as: clerk)
                let id = try XCTUnwrap(o["id"] as? Int)
                let findings = ((o["report"] as? [String: Any])?["findings"] as? [[String: Any]]) ?? []
                let warning = try XCTUnwrap(findings.first { $0["severity"] as? String == "warning" }, "the sample has a warning to explain")
                let before = (o["report"] as? [String: Any])?["summary"] as? [String: Any]
                // A 说明 clears the warning it names.
                try await client.execute(uri: "/api/submissions/\(id)/explanations", method: .post, headers: clerk.headers(),
                                         body: jsonBody(["rule": warning["rule"] ?? "", "unit": warning["unit"] ?? "", "indicator": warning["indicator"] ?? NSNull(),
                                                         "text": "保洁员合同到期，本季度重新招聘，已核实"])) { r in
                    XCTAssertEqual(r.status, .created)
                    let summary = (object(r.body)["report"] as? [String: Any])?["summary"] as? [String: Any]
                    XCTAssertEqual(summary?["explained"] as? Int, (before?["explained"] as? Int ?? 0) + 1)
                    XCTAssertEqual(summary?["warnings"] as? Int, (before?["warnings"] as? Int ?? 0) - 1)
                }
                try await client.execute(uri: "/api/submissions/\(id)/explanations", method: .post, headers: clerk.headers(),
                                         body: jsonBody(["rule": "temporal.stabel", "text": "x"])) { r in
                    XCTAssertEqual(r.status, .badRequest, "an unknown rule is refused")
                }
                // The sample has an open error (a negative 保洁员): nobody signs it; the signer never as 填表人.
                try await client.execute(uri: "/api/submissions/\(id)/signoffs", method: .post, headers: clerk.headers(), body: jsonBody(["role": "填表人"])) { r in
                    XCTAssertEqual(r.status, .conflict, "a version with open errors is not signed")
                    XCTAssertTrue((object(r.body)["error"] as? String ?? "").contains("错误"))
                }
                try await client.execute(uri: "/api/submissions/\(id)/signoffs", method: .post, headers: signer.headers(), body: jsonBody(["role": "填表人"])) { r in
                    XCTAssertEqual(r.status, .forbidden, "the signer does not sign as 填表人")
                }
                try await client.execute(uri: "/api/submissions/\(id)", method: .get, headers: county.headers()) { r in
                    XCTAssertEqual(object(r.body)["signed_roles"] as? [String], [])
                }
                // 退回 is the county's.
                try await client.execute(uri: "/api/submissions/\(id)/return", method: .post, headers: clerk.headers(), body: jsonBody(["message": "x"])) { r in
                    XCTAssertEqual(r.status, .forbidden)
                }
                try await client.execute(uri: "/api/submissions/\(id)/return", method: .post, headers: county.headers(), body: jsonBody(["message": "卫生厕所户数与上季度不符，请核实后重报"])) { r in
                    XCTAssertEqual(r.status, .ok)
                    XCTAssertEqual(object(r.body)["status"] as? String, "returned")
                }
                try await client.execute(uri: "/api/periods/2025Q3/status", method: .get, headers: county.headers()) { r in
                    let line = list(r.body).first { $0["unit"] as? String == DeskFixture.hy }
                    XCTAssertEqual(line?["status"] as? String, "returned")
                }
                let (again, second) = try await client.upload(DeskFixture.hongyao, as: clerk)
                XCTAssertEqual(again, .created)
                XCTAssertEqual(second["version"] as? Int, 2, "a re-upload is a new version")
            }
            let value3 = try await f.store.submissions(period: nil).map(\.version)
            XCTAssertEqual(value3, [1, 2], "the first version is kept")
            let actions = try await f.store.events().map(\.action)
            for a in [DeskAction.upload, .explain, .return] { XCTAssertTrue(actions.contains(a), "\(a) is in the audit log") }
            // `renju db audit` shows the desk's events.
            let audit = try runRenju(["db", "audit", "--db", f.storePath])
            XCTAssertTrue(audit.stdout.contains("return") && audit.stdout.contains("卫生厕所户数与上季度不符"), audit.stdout)
        }
    }

    func testTheBoardListsEveryTownshipAndTheReturnDownloads() async throws {
        try await onEveryBackend { backend in
            let f = try await DeskFixture.make(self, backend: backend)
            let townships = try f.desk.reference.tree.children(of: XCTUnwrap(UnitCode(DeskFixture.county)))
            try await f.application().test(.router) { client in
                let clerk = try await client.login("clerk"), clerk2 = try await client.login("clerk2"), county = try await client.login("reviewer")
                _ = try await client.upload(DeskFixture.hongyao, as: clerk)
                _ = try await client.upload(DeskFixture.xinglong, as: clerk2)
                try await client.execute(uri: "/api/periods/2025Q3/status", method: .get, headers: county.headers()) { r in
                    XCTAssertEqual(r.status, .ok)
                    let lines = list(r.body)
                    XCTAssertEqual(lines.compactMap { $0["unit"] as? String }, townships.map(\.rawValue))
                    XCTAssertEqual(lines.filter { $0["status"] as? String == "not_submitted" }.count, townships.count - 2)
                    let jq = lines.first { $0["unit"] as? String == DeskFixture.hy }
                    XCTAssertEqual(jq?["unit_name"] as? String, "红耀乡")
                    XCTAssertGreaterThan(jq?["errors"] as? Int ?? 0, 0, "红耀乡's planted errors are counted")
                    for key in ["warnings", "explained", "signed_roles", "late"] { XCTAssertNotNil(jq?[key], key) }
                }
                try await client.execute(uri: "/api/periods/2025Q3/return.xlsx", method: .get, headers: county.headers()) { r in
                    XCTAssertEqual(r.status, .ok)
                    XCTAssertEqual(Array(Data(buffer: r.body).prefix(2)), [0x50, 0x4B], "an xlsx (zip) file")
                    XCTAssertTrue(r.headers[.contentDisposition]?.contains("attachment") == true)
                }
                try await client.execute(uri: "/api/periods/2025Q3/return.xlsx", method: .get, headers: clerk.headers()) { r in
                    XCTAssertEqual(r.status, .forbidden, "a clerk does not export the county's return")
                }
            }
            let value2 = try await f.store.events().contains { $0.action == .export }
            XCTAssertTrue(value2)
        }
    }

    func testOversizedUnreadableAndTooManyUploadsAreRefused() async throws {
        try await onEveryBackend { backend in
            let f = try await DeskFixture.make(self, maxUploadBytes: 64 * 1024, backend: backend)
            try await f.application().test(.router) { client in
                let clerk = try await client.login("clerk")
                let big = f.dir.appendingPathComponent("big.csv")
                try Data(repeating: 0x31, count: 200 * 1024).write(to: big)
                let (s1, _) = try await client.upload(big, as: clerk)
                XCTAssertEqual(s1, .contentTooLarge)
                let junk = f.dir.appendingPathComponent("junk.xlsx")
                try Data("PK\u{3}\u{4}not really a workbook".utf8).write(to: junk)
                let (s2, o) = try await client.upload(junk, as: clerk)
                XCTAssertEqual(s2, .unprocessableContent)
                let rules = (o["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
                XCTAssertTrue(rules.contains { $0.hasPrefix("format.") }, "the reader's finding says why: \(o)")
                // A name with a path in it is only a name: nothing is written where it points.
                let (s3, _) = try await client.upload(DeskFixture.hongyao, as: clerk, name: "../../etc/evil\u{1B}[2J.xlsx")
                XCTAssertEqual(s3, .created)
                let value1 = try await f.store.submissions(period: nil).last?.filename
                XCTAssertEqual(value1, "evil[2J.xlsx")
                XCTAssertFalse(FileManager.default.fileExists(atPath: "/etc/evil.xlsx"))
            }
        }
    }

    func testUploadsPerMinuteAreBounded() async throws {
        try await onEveryBackend { backend in
            var f = try await DeskFixture.make(self, backend: backend)
            var options = f.server.options
            options.uploadsPerMinute = 2
            f = DeskFixture(dir: f.dir, storePath: f.storePath, store: f.store, desk: f.desk, server: try await DeskServer(desk: f.desk, options: options))
            try await f.application().test(.router) { client in
                let clerk = try await client.login("clerk")
                let statuses = try await [client.upload(DeskFixture.hongyao, as: clerk).0, client.upload(DeskFixture.hongyao, as: clerk).0,
                                          client.upload(DeskFixture.hongyao, as: clerk).0]
                XCTAssertEqual(statuses, [.created, .created, .tooManyRequests])
            }
        }
    }
}

/// The content digest `renju digest` prints for a file (what a sign-off must carry).
func ContentDigestOf(_ file: URL) throws -> String {
    let r = try runRenju(["digest", file.path])
    return String(r.stdout.split(separator: " ").first ?? "")
}
