import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
import RenjuTestSupport

/// README's set-up of the desk, command by command, with the built binary: the accounts it adds,
/// the history it imports, `renju serve` as a real server on a loopback port. A clean township
/// (吉强镇, its workbook's own 签字 sheet present) is uploaded and signed by the README's three
/// township accounts through HTTP, and reaches 已签批.
final class ReadmeDeskTests: XCTestCase {
    func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &addr) { p in
            try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                guard bind(fd, sa, len) == 0, getsockname(fd, sa, &len) == 0 else { throw CocoaError(.featureUnsupported) }
            }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    struct Answer { let status: Int; let json: Any?; let cookie: String? }

    func call(_ base: String, _ method: String, _ path: String, json: Any? = nil, body: Data? = nil, headers: [String: String] = [:]) throws -> Answer {
        var req = URLRequest(url: try XCTUnwrap(URL(string: base + path)))
        req.httpMethod = method
        for (k, v) in headers { req.setValue(v, forHTTPHeaderField: k) }
        if let json { req.httpBody = try JSONSerialization.data(withJSONObject: json); req.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        if let body { req.httpBody = body }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var out: Answer?
        // Each account's cookie is sent by hand: no shared cookie jar mixing the sessions.
        let config = URLSessionConfiguration.ephemeral
        config.httpShouldSetCookies = false
        config.httpCookieAcceptPolicy = .never
        URLSession(configuration: config).dataTask(with: req) { data, response, _ in
            let http = response as? HTTPURLResponse
            let cookie = (http?.value(forHTTPHeaderField: "Set-Cookie")).flatMap { $0.split(separator: ";").first.map(String.init) }
            out = Answer(status: http?.statusCode ?? 0, json: data.flatMap { try? JSONSerialization.jsonObject(with: $0) }, cookie: cookie)
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + 60)
        return try XCTUnwrap(out)
    }

    func testACleanTownshipReachesSignedByFollowingTheReadme() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("renju.sqlite").path
        // 1–2. The accounts, as README adds them (passwords on stdin).
        for (args, password) in [
            (["--login", "admin", "--name", "管理员", "--role", "admin", "--unit", "640422000000"], "a-long-password"),
            (["--login", "jiqiang", "--name", "王建国", "--role", "clerk", "--unit", "640422100000", "--signs", "填表人"], "clerk-password"),
            (["--login", "jiqiang-tj", "--name", "李秀兰", "--role", "signer", "--unit", "640422100000", "--signs", "统计负责人"], "tj-password"),
            (["--login", "jiqiang-zz", "--name", "张志强", "--role", "signer", "--unit", "640422100000", "--signs", "单位负责人"], "zz-password"),
            (["--login", "county", "--name", "张科长", "--role", "reviewer", "--unit", "640422000000"], "county-password"),
        ] {
            let r = try runRenju(["user", "add", "--db", db] + args, stdin: password + "\n")
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        // 3. Earlier quarters as history, then the desk (no --as-of: today's clock).
        let imported = try runRenju(["db", "import", "--db", db, "--period", "2025Q2", repoRoot.appendingPathComponent("examples/xiji/2025Q2").path])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let port = try freePort()
        let server = Process()
        server.executableURL = renjuBinary
        server.arguments = ["serve", "--db", db, "--host", "127.0.0.1", "--port", "\(port)"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)"
        var up = false
        for _ in 0..<100 where !up {
            up = (try? call(base, "GET", "/login").status) == 200
            if !up { Thread.sleep(forTimeInterval: 0.1) }
        }
        XCTAssertTrue(up, "the desk answers")

        func login(_ name: String, _ password: String) throws -> [String: String] {
            let a = try call(base, "POST", "/api/login", json: ["login": name, "password": password])
            XCTAssertEqual(a.status, 200)
            return ["Cookie": a.cookie ?? "", "X-CSRF-Token": (a.json as? [String: Any])?["csrf"] as? String ?? ""]
        }
        let clerk = try login("jiqiang", "clerk-password")
        let file = repoRoot.appendingPathComponent("examples/xiji/2025Q3/640422100000-吉强镇.xlsx")
        var h = clerk
        h["X-Filename"] = "640422100000-%E5%90%89%E5%BC%BA%E9%95%87.xlsx"
        let upload = try call(base, "POST", "/api/submissions", body: try Data(contentsOf: file), headers: h)
        XCTAssertEqual(upload.status, 201)
        let id = try XCTUnwrap((upload.json as? [String: Any])?["id"] as? Int)
        for (who, role) in [(clerk, "填表人"), (try login("jiqiang-tj", "tj-password"), "统计负责人"), (try login("jiqiang-zz", "zz-password"), "单位负责人")] {
            let signed = try call(base, "POST", "/api/submissions/\(id)/signoffs", json: ["role": role], headers: who)
            XCTAssertEqual(signed.status, 201, "\(role): \(String(describing: signed.json))")
        }
        let county = try login("county", "county-password")
        let s = try XCTUnwrap(try call(base, "GET", "/api/submissions/\(id)", headers: county).json as? [String: Any])
        XCTAssertEqual(s["status"] as? String, "signed")
        let findings = ((s["report"] as? [String: Any])?["findings"] as? [[String: Any]]) ?? []
        XCTAssertFalse(findings.contains { $0["severity"] as? String == "error" }, "\(findings)")
    }
}
