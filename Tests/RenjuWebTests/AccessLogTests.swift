import XCTest
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import RenjuTestSupport
import RenjuModel
@testable import RenjuWeb

/// The access log: a line per request with who and what, never a password or a token; a file a
/// day, the days beyond those kept removed.
final class AccessLogTests: XCTestCase {
    func testEveryRequestIsLoggedWithoutSecretsAndOldDaysAreRemoved() async throws {
        let f = try await DeskFixture.make(self)
        let logs = f.dir.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        // A day far beyond the 180 kept, and one within them.
        try "old\n".write(to: logs.appendingPathComponent("access-2020-01-01.log"), atomically: true, encoding: .utf8)
        let recent = Calendar(identifier: .gregorian).date(byAdding: .day, value: -3, to: Date()) ?? Date()
        let stamp = ISO8601DateFormatter().string(from: recent).prefix(10)
        try "recent\n".write(to: logs.appendingPathComponent("access-\(stamp).log"), atomically: true, encoding: .utf8)
        var options = f.server.options
        options.logFolder = logs.path; options.logDays = 180
        let server = try await DeskServer(desk: f.desk, options: options)
        let csrf: String = try await Application(router: server.router()).test(.router) { client in
            let login = try await client.login("clerk")
            _ = try await client.upload(DeskFixture.hongyao, as: login)
            try await client.execute(uri: "/board?period=2025Q3&token=abc", method: .get, headers: login.headers()) { _ in }
            try await client.execute(uri: "/api/login", method: .post, body: jsonBody(["login": "clerk", "password": "wrong-password-9"])) { r in
                XCTAssertEqual(r.status, .unauthorized)
            }
            return login.csrf
        }
        // Lines are written off the request path: wait for them.
        var text = ""
        for _ in 0..<50 {
            let files = try FileManager.default.contentsOfDirectory(atPath: logs.path).filter { $0.hasPrefix("access-") }.sorted()
            text = files.compactMap { try? String(contentsOf: logs.appendingPathComponent($0), encoding: .utf8) }.joined()
            if text.components(separatedBy: "\n").filter({ $0.contains(" /") }).count >= 4 { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        let lines = text.split(separator: "\n").map(String.init).filter { $0.contains(" /") }
        XCTAssertTrue(lines.contains { $0.contains(" - POST /api/login 200 ") }, text)
        XCTAssertTrue(lines.contains { $0.contains(" clerk POST /api/submissions 201 ") }, "the uploader's login: \(text)")
        XCTAssertTrue(lines.contains { $0.contains(" clerk GET /board?period=2025Q3 200 ") }, "the query kept, its token left out: \(text)")
        XCTAssertTrue(lines.contains { $0.contains(" - POST /api/login 401 ") }, text)
        for secret in [DeskFixture.password, "wrong-password-9", "abc", csrf] {
            XCTAssertFalse(text.contains(secret), "“\(secret)” is never written")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: logs.path)
        XCTAssertFalse(files.contains("access-2020-01-01.log"), "a day beyond the 180 kept is removed")
        XCTAssertTrue(files.contains("access-\(stamp).log"), "a day within them stays")
    }
}
