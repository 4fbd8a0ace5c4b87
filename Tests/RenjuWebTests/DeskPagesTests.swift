import XCTest
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import RenjuTestSupport
import RenjuModel
@testable import RenjuWeb

/// The pages work without JavaScript: forms post, the server redirects, and what a clerk needs
/// to see — the flagged cell, its message, the 说明 box — is in the HTML.
final class DeskPagesTests: XCTestCase {
    static func html(_ r: TestResponse) -> String { String(buffer: r.body) }

    static func formLogin(_ client: some TestClientProtocol, _ login: String) async throws -> (cookie: String, csrf: String) {
        let cookie: String = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                      body: ByteBuffer(string: "login=\(login)&password=\(DeskFixture.password)")) { r in
            XCTAssertEqual(r.status, .seeOther)
            XCTAssertEqual(r.headers[.location], "/")
            return String((r.headers[.setCookie] ?? "").split(separator: ";").first ?? "")
        }
        let page = try await client.execute(uri: "/history", method: .get, headers: [.cookie: cookie]) { $0 }
        let body = Self.html(page)
        // The CSRF token is in the page's forms (the sign-out form at least).
        let marker = "name=\"csrf\" value=\""
        let start = try XCTUnwrap(body.range(of: marker), "a form carries the CSRF token")
        let csrf = String(body[start.upperBound...].prefix { $0 != "\"" })
        return (cookie, csrf)
    }

    func testLoginPageInBothLanguagesAndAWrongPasswordSaysSo() async throws {
        let f = try await DeskFixture.make(self)
        try await f.application().test(.router) { client in
            try await client.execute(uri: "/login", method: .get) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertTrue(Self.html(r).contains("登录名") && Self.html(r).contains("lang=\"zh-CN\""))
                XCTAssertNotNil(r.headers[HTTPField.Name("Content-Security-Policy")!])
            }
            try await client.execute(uri: "/login?lang=en", method: .get) { r in XCTAssertTrue(Self.html(r).contains("Sign in")) }
            try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "login=clerk&password=nope-nope")) { r in
                XCTAssertEqual(r.status, .unauthorized)
                XCTAssertTrue(Self.html(r).contains("登录名或密码错误"))
                XCTAssertNil(r.headers[.setCookie])
            }
        }
    }

    func testAClerkUploadsWithAPlainFormAndSeesTheFlaggedCellsAndExplains() async throws {
        let f = try await DeskFixture.make(self)
        try await f.application().test(.router) { client in
            let (cookie, csrf) = try await Self.formLogin(client, "clerk")
            let desk = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { Self.html($0) }
            XCTAssertTrue(desk.contains("enctype=\"multipart/form-data\"") && desk.contains("红耀乡"), desk)
            XCTAssertTrue(desk.contains("/forms/\(DeskFixture.hy)/2025Q3"), "the collection form to download")
            // The upload form, as a browser sends it.
            let boundary = "----formBoundary7MA4YWxkTrZu0gW"
            var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n".utf8)
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"640422201000-红耀乡.xlsx\"\r\n\r\n".utf8)
            body += try Data(contentsOf: DeskFixture.hongyao) + Data("\r\n--\(boundary)--\r\n".utf8)
            let location: String = try await client.execute(uri: "/upload", method: .post,
                                                             headers: [.cookie: cookie, .contentType: "multipart/form-data; boundary=\(boundary)"],
                                                             body: ByteBuffer(bytes: body)) { r in
                XCTAssertEqual(r.status, .seeOther, Self.html(r))
                return r.headers[.location] ?? ""
            }
            XCTAssertTrue(location.hasPrefix("/submissions/"), location)
            let page = try await client.execute(uri: location, method: .get, headers: [.cookie: cookie]) { Self.html($0) }
            // 红耀乡's village with -5 cleaners: the cell is marked as an error, with its message.
            XCTAssertTrue(page.contains("num flag-error\">-5"), "the negative count's cell is highlighted")
            XCTAssertTrue(page.contains("保洁员填报为 -5人，不能为负数"), "and its message is on the page")
            XCTAssertTrue(page.contains("class=\"explain\""), "a 说明 box for a warning")
            XCTAssertTrue(page.contains("id=\"rules-digest\">\(f.desk.rulesDigest.prefix(12))</code>"), "the rule set the desk checks with")
            XCTAssertTrue(page.contains("填表人"), "the clerk's sign-off button")
            // What the checks could not cover is said on the page too (the store holds no earlier quarter here).
            XCTAssertTrue(page.contains("class=\"coverage\">未能审核的部分："), "the coverage line")
            // A 说明 through the form.
            let id = location.split(separator: "/").last.map(String.init) ?? ""
            let text = "保洁员合同到期重新招聘，已核实"
            let form = "csrf=\(csrf)&rule=temporal.stable&unit=\(DeskFixture.hy)&indicator=cleaners&text=\(text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            try await client.execute(uri: "/submissions/\(id)/explain", method: .post,
                                     headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: form)) { r in
                XCTAssertEqual(r.status, .seeOther)
            }
            let after = try await client.execute(uri: "/submissions/\(id)", method: .get, headers: [.cookie: cookie]) { Self.html($0) }
            XCTAssertTrue(after.contains(text), "the 说明 is shown beside its finding")
            // Without the token the form is refused.
            try await client.execute(uri: "/submissions/\(id)/explain", method: .post,
                                     headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "text=x")) { r in
                XCTAssertEqual(r.status, .forbidden)
            }
        }
    }

    /// An upload chosen on a page of another period is refused before it is stored, saying both
    /// periods; a file that is not a workbook is told as such; both on a page with the user bar.
    func testAnUploadForAnotherPeriodSaysSoAndNothingIsStored() async throws {
        let f = try await DeskFixture.make(self)
        try await f.application().test(.router) { client in
            let (cookie, csrf) = try await Self.formLogin(client, "clerk")
            func post(_ bytes: Data, name: String, period: String) async throws -> (HTTPResponse.Status, String) {
                let boundary = "----formBoundaryPeriod"
                var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n".utf8)
                body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"period\"\r\n\r\n\(period)\r\n".utf8)
                body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\n\r\n".utf8)
                body += bytes + Data("\r\n--\(boundary)--\r\n".utf8)
                return try await client.execute(uri: "/upload", method: .post, headers: [.cookie: cookie, .contentType: "multipart/form-data; boundary=\(boundary)"],
                                                body: ByteBuffer(bytes: body)) { ($0.status, Self.html($0)) }
            }
            let (status, page) = try await post(try Data(contentsOf: DeskFixture.hongyao), name: "640422201000-红耀乡.xlsx", period: "2025Q2")
            XCTAssertEqual(status, .conflict)
            XCTAssertTrue(page.contains("是 2025Q3 的报表，而本页是 2025Q2：没有上传"), page)
            XCTAssertTrue(page.contains("class=\"who\"") && page.contains("<nav>"), "the error page keeps the user bar and navigation")
            XCTAssertFalse(page.contains("(409)"), "no HTTP status for the clerk")
            let stored = try await f.store.submissions(period: nil)
            XCTAssertTrue(stored.isEmpty, "nothing stored")
            let (junk, text) = try await post(Data((0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }), name: "报表.xlsx", period: "2025Q3")
            XCTAssertEqual(junk, .unprocessableContent)
            XCTAssertTrue(text.contains("无法打开文件 报表.xlsx：它不是可读的 Excel（.xlsx）或 CSV 文件"), text)
            XCTAssertTrue(text.contains("id=\"error-hint\""), "what to do next")
            // The same file on its own period's page is taken.
            let (ok, _) = try await post(try Data(contentsOf: DeskFixture.hongyao), name: "640422201000-红耀乡.xlsx", period: "2025Q3")
            XCTAssertEqual(ok, .seeOther)
        }
    }

    func testTheCountyBoardRankingAndHistoryPages() async throws {
        let f = try await DeskFixture.make(self)
        let names = try f.desk.reference.tree.children(of: XCTUnwrap(UnitCode(DeskFixture.county))).compactMap { f.desk.reference.tree.name(of: $0) }
        try await f.application().test(.router) { client in
            let clerk = try await client.login("clerk"), clerk2 = try await client.login("clerk2")
            _ = try await client.upload(DeskFixture.hongyao, as: clerk)
            _ = try await client.upload(DeskFixture.xinglong, as: clerk2)
            let (cookie, _) = try await Self.formLogin(client, "reviewer")
            try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { r in
                XCTAssertEqual(r.status, .seeOther, "the county office lands on its board")
            }
            let board = try await client.execute(uri: "/board?period=2025Q3", method: .get, headers: [.cookie: cookie]) { Self.html($0) }
            for n in names { XCTAssertTrue(board.contains(n), "\(n) is on the board") }
            XCTAssertTrue(board.contains("未上报") && board.contains("有错误"))
            XCTAssertTrue(board.contains("/periods/2025Q3/return.xlsx"))
            let ranking = try await client.execute(uri: "/ranking?period=2025Q3", method: .get, headers: [.cookie: cookie]) { Self.html($0) }
            XCTAssertTrue(ranking.contains("<svg") && ranking.contains("class=\"bar"), "an SVG bar chart")
            XCTAssertTrue(ranking.contains("<td>1</td><td>红耀乡</td>") || ranking.contains("<td>1</td><td>兴隆镇</td>"), "the two townships that reported are ranked first and second")
            XCTAssertFalse(ranking.contains("<td>吉强镇</td>"), "a township that has not reported is not ranked")
            XCTAssertTrue(ranking.contains("id=\"absent\"><b>未上报、不参加排名：</b>") && ranking.contains("吉强镇"), "it is listed apart")
            XCTAssertTrue(ranking.contains("id=\"provisional\">暂定排名"), "the ranking says it is provisional")
            let history = try await client.execute(uri: "/history?unit=\(DeskFixture.hy)&indicator=households", method: .get, headers: [.cookie: cookie]) { Self.html($0) }
            XCTAssertTrue(history.contains("<svg") && history.contains("2025Q2"), "a line chart of the stored periods")
            // Nothing on any page comes from the internet.
            for page in [board, ranking, history] {
                XCTAssertFalse(page.contains("src=\"http") || page.contains("href=\"http") || page.contains("@import"), "no external resource")
            }
            try await client.execute(uri: "/static/../../etc/passwd", method: .get, headers: [.cookie: cookie]) { r in
                XCTAssertEqual(r.status, .notFound)
            }
            try await client.execute(uri: "/static/desk.css", method: .get) { r in XCTAssertEqual(r.status, .ok) }
        }
    }

    /// 抽查 from the county board: draw a sample (a workbook to download), fill it as an inspector
    /// would (openpyxl), bring it back through the form, and see the hit rates. A clerk may not.
    func testTheCountyOfficeDrawsASampleAndRecordsWhatInspectorsFound() async throws {
        let f = try await DeskFixture.make(self)
        let dir = try temporaryDirectory()
        try await f.application().test(.router) { client in
            let clerk = try await client.login("clerk"), clerk2 = try await client.login("clerk2")
            _ = try await client.upload(DeskFixture.hongyao, as: clerk)
            _ = try await client.upload(DeskFixture.xinglong, as: clerk2)
            let (cookie, csrf) = try await Self.formLogin(client, "reviewer")
            let board = try await client.execute(uri: "/board?period=2025Q3", method: .get, headers: [.cookie: cookie]) { Self.html($0) }
            XCTAssertTrue(board.contains("/inspections?period=2025Q3"), "the board links to 抽查")
            let page = try await client.execute(uri: "/inspections?period=2025Q3", method: .get, headers: [.cookie: cookie]) { Self.html($0) }
            XCTAssertTrue(page.contains("id=\"sample-form\"") && page.contains("id=\"verify-form\"") && page.contains("还没有核实结果"), page)
            let form = "csrf=\(csrf)&period=2025Q3&size=6&seed=9&random_share=0.5"
            let book: Data = try await client.execute(uri: "/inspections/sample", method: .post,
                                                      headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: form)) { r in
                XCTAssertEqual(r.status, .ok, Self.html(r))
                XCTAssertTrue((r.headers[.contentDisposition] ?? "").contains("attachment"))
                return Data(buffer: r.body)
            }
            let blank = dir.appendingPathComponent("blank.xlsx"), filled = dir.appendingPathComponent("filled.xlsx")
            try book.write(to: blank)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", "-c", """
                import openpyxl, sys
                wb = openpyxl.load_workbook(sys.argv[1])
                ws = wb.worksheets[1]
                ws["H2"] = "有误"; ws["I2"] = (ws["E2"].value or 0) + 3; ws["J2"] = "核查员乙"; ws["K2"] = "2025-11-03"
                ws["H3"] = "属实"; ws["J3"] = "核查员乙"
                wb.save(sys.argv[2])
                """, blank.path, filled.path]
            try p.run(); p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0)
            let boundary = "----inspectionBoundary"
            var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n".utf8)
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"核实.xlsx\"\r\n\r\n".utf8)
            body += try Data(contentsOf: filled) + Data("\r\n--\(boundary)--\r\n".utf8)
            let done = try await client.execute(uri: "/inspections/verify", method: .post,
                                                headers: [.cookie: cookie, .contentType: "multipart/form-data; boundary=\(boundary)"], body: ByteBuffer(bytes: body)) { r in
                XCTAssertEqual(r.status, .ok)
                return Self.html(r)
            }
            XCTAssertTrue(done.contains("记录 2 个核实数（属实 1，有误 1）"), done)
            XCTAssertTrue(done.contains("已记录 2 个核实数") && !done.contains("还没有核实结果"), done)
            // A clerk can neither draw a sample nor record inspections.
            let (clerkCookie, clerkCsrf) = try await Self.formLogin(client, "clerk")
            try await client.execute(uri: "/inspections/sample", method: .post, headers: [.cookie: clerkCookie, .contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "csrf=\(clerkCsrf)&period=2025Q3&size=6&seed=9&random_share=0.5")) { r in
                XCTAssertEqual(r.status, .forbidden)
            }
        }
    }
}

/// A finding's rule on a submission page links to what the rule looks for — the same text
/// `renju rules explain` prints.
final class RulePageTests: XCTestCase {
    func testAFindingsRuleLinksToItsExplanation() async throws {
        let f = try await DeskFixture.make(self)
        try await f.application().test(.router) { client in
            let clerk = try await client.login("clerk")
            let (_, o) = try await client.upload(DeskFixture.hongyao, as: clerk)
            let id = try XCTUnwrap(o["id"] as? Int)
            try await client.execute(uri: "/submissions/\(id)", method: .get, headers: clerk.headers()) { r in
                XCTAssertTrue(String(buffer: r.body).contains("href=\"/rules/temporal.stable\""), "the rule id is a link")
            }
            try await client.execute(uri: "/rules/temporal.stable", method: .get, headers: clerk.headers()) { r in
                XCTAssertEqual(r.status, .ok)
                let html = String(buffer: r.body)
                XCTAssertTrue(html.contains("只增不减的存量不能减少") && html.contains("核实"), "what the check looks for, and its severity")
            }
            try await client.execute(uri: "/rules/outlier.hb?lang=en", method: .get, headers: clerk.headers()) { r in
                let html = String(buffer: r.body)
                XCTAssertTrue(html.contains("min_units") && html.contains("peers"), "parameters and the English text")
            }
            try await client.execute(uri: "/rules/no.such", method: .get, headers: clerk.headers()) { r in XCTAssertEqual(r.status, .notFound) }
        }
    }
}

/// The administrator's accounts page: add, disable, enable, unlock, reset a password — each
/// audited, each limited to the administrator's subtree.
final class AccountsPageTests: XCTestCase {
    func testTheAdministratorManagesAccountsFromThePage() async throws {
        let f = try await DeskFixture.make(self)
        try await f.application().test(.router) { client in
            let (cookie, csrf) = try await DeskPagesTests.formLogin(client, "admin")
            try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { r in
                XCTAssertEqual(r.headers[.location], "/admin/accounts", "the administrator lands on the accounts page")
            }
            func post(_ uri: String, _ form: String) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: uri, method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: "csrf=\(csrf)&" + form)) { ($0.status, DeskPagesTests.html($0)) }
            }
            let page = try await client.execute(uri: "/admin/accounts", method: .get, headers: [.cookie: cookie]) { DeskPagesTests.html($0) }
            XCTAssertTrue(page.contains("data-login=\"clerk\"") && page.contains("填表人") && page.contains("id=\"add-account\""), page)
            let name = "李明".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let signs = "填表人".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let (added, text) = try await post("/admin/accounts", "login=liming&name=\(name)&role=clerk&unit=\(DeskFixture.hy)&signs=\(signs)&password=new-password-1")
            XCTAssertEqual(added, .ok)
            XCTAssertTrue(text.contains("已新建账号 liming") && text.contains("data-login=\"liming\""), text)
            _ = try await client.login("liming", password: "new-password-1")
            // Disabled: it cannot sign in; enabled again: it can.
            _ = try await post("/admin/accounts/liming/disable", "")
            try await client.execute(uri: "/api/login", method: .post, body: jsonBody(["login": "liming", "password": "new-password-1"])) { r in
                XCTAssertEqual(r.status, .unauthorized)
            }
            _ = try await post("/admin/accounts/liming/enable", "")
            _ = try await client.login("liming", password: "new-password-1")
            // A new password: the old one no longer opens it.
            let (reset, _) = try await post("/admin/accounts/liming/password", "password=another-password-2")
            XCTAssertEqual(reset, .ok)
            _ = try await client.login("liming", password: "another-password-2")
            try await client.execute(uri: "/api/login", method: .post, body: jsonBody(["login": "liming", "password": "new-password-1"])) { r in
                XCTAssertEqual(r.status, .unauthorized)
            }
            // Not its own account, and a short password is refused.
            let (selfDisable, _) = try await post("/admin/accounts/admin/disable", "")
            XCTAssertEqual(selfDisable, .conflict)
            let (short, _) = try await post("/admin/accounts/liming/password", "password=short")
            XCTAssertEqual(short, .unprocessableContent)
            let (unknown, _) = try await post("/admin/accounts/nobody/unlock", "")
            XCTAssertEqual(unknown, .notFound)
            // Every change is in the audit trail under the administrator's login, never a password.
            let events = try await f.store.events().filter { $0.who == "admin" && $0.action == .account }.map(\.detail)
            XCTAssertEqual(events.filter { $0 != "added admin" }, ["add liming clerk", "disable liming", "enable liming", "reset password liming"],
                           "(the fixture's own creation of the admin account aside)")
            let all = try await f.store.events()
            XCTAssertFalse(all.contains { $0.detail.contains("password-") })
        }
    }
}
