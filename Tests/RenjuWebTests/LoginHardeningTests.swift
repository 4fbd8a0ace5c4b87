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

/// Sign-in that cannot be turned against users: failed attempts cost bounded memory, the limit
/// holds under concurrency, a stranger cannot lock the county out, a lock can be lifted, and the
/// answer does not tell which logins exist.
final class LoginHardeningTests: XCTestCase {
    static let forwarded = HTTPField.Name("X-Forwarded-For")!

    static func attempt(_ client: some TestClientProtocol, _ login: String, _ password: String, from address: String? = nil,
                        origin: String? = nil) async throws -> HTTPResponse.Status {
        var h: HTTPFields = [:]
        if let address { h[forwarded] = address }
        if let origin { h[HTTPField.Name("Origin")!] = origin }
        return try await client.execute(uri: "/api/login", method: .post, headers: h, body: jsonBody(["login": login, "password": password])) { $0.status }
    }

    /// 6,000 failed sign-ins with distinct 16 KB names: refused once the address is over its
    /// limit (no bcrypt, nothing kept), and the throttle's tables stay small.
    func testAFloodOfMadeUpLoginsCostsBoundedMemory() async throws {
        let f = try await DeskFixture.make(self)
        try await f.application().test(.router) { client in
            var statuses: [HTTPResponse.Status: Int] = [:]
            for i in 0..<6_000 {
                let name = "\(i)-" + String(repeating: "x", count: 16_000)
                statuses[try await Self.attempt(client, name, "wrong-password"), default: 0] += 1
            }
            XCTAssertEqual(statuses[.unauthorized], f.server.options.addressFailures, "\(statuses)")
            XCTAssertEqual(statuses[.tooManyRequests], 6_000 - f.server.options.addressFailures)
            let entries = await f.server.throttle.entryCount
            XCTAssertLessThanOrEqual(entries, f.server.options.addressFailures + 1, "failed attempts kept: \(entries)")
            // Another address still signs in.
            let ok = try await Self.attempt(client, "clerk", DeskFixture.password, from: "10.0.0.5")
            XCTAssertEqual(ok, .ok)
        }
    }

    /// 40 wrong passwords for one login at once: at most five are checked against the hash.
    func testTheLimitHoldsUnderConcurrency() async throws {
        let f = try await DeskFixture.make(self)
        try await f.application().test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<40 { group.addTask { try await Self.attempt(client, "signer", "guess-guess") } }
                var out: [HTTPResponse.Status] = []
                for try await s in group { out.append(s) }
                return out
            }
            XCTAssertEqual(statuses.filter { $0 == .unauthorized }.count, 5, "checked against bcrypt: \(statuses)")
            XCTAssertEqual(statuses.filter { $0 == .tooManyRequests }.count, 35)
        }
    }

    /// Five wrong passwords from a stranger's address lock that address out, not the county's
    /// own PC; `renju user unlock` lifts the lock for the running desk; `user enable` undoes `disable`.
    func testAStrangerCannotLockTheCountyOutAndAnAdminUnlocks() async throws {
        let base = try await DeskFixture.make(self)
        var options = base.server.options
        options.unlockLookUpSeconds = 0
        let f = DeskFixture(dir: base.dir, storePath: base.storePath, store: base.store, desk: base.desk,
                            server: try await DeskServer(desk: base.desk, options: options))
        try await f.application().test(.router) { client in
            for _ in 0..<5 { _ = try await Self.attempt(client, "reviewer", "guess-guess", from: "10.0.0.66") }
            let stranger = try await Self.attempt(client, "reviewer", DeskFixture.password, from: "10.0.0.66")
            XCTAssertEqual(stranger, .tooManyRequests, "the guessing address is locked out")
            let office = try await Self.attempt(client, "reviewer", DeskFixture.password, from: "10.0.0.2")
            XCTAssertEqual(office, .ok, "the county office's own PC signs in")
            let unlock = try runRenju(["user", "unlock", "--db", f.storePath, "reviewer"])
            XCTAssertEqual(unlock.status, 0, unlock.stderr)
            let after = try await Self.attempt(client, "reviewer", DeskFixture.password, from: "10.0.0.66")
            XCTAssertEqual(after, .ok, "unlocked by the admin")
            XCTAssertEqual(try runRenju(["user", "disable", "--db", f.storePath, "clerk"]).status, 0)
            let disabled = try await Self.attempt(client, "clerk", DeskFixture.password, from: "10.0.0.7")
            XCTAssertEqual(disabled, .unauthorized)
            XCTAssertEqual(try runRenju(["user", "enable", "--db", f.storePath, "clerk"]).status, 0)
            let enabled = try await Self.attempt(client, "clerk", DeskFixture.password, from: "10.0.0.7")
            XCTAssertEqual(enabled, .ok)
        }
        let value13 = try await f.store.events().contains { $0.action == .account && $0.detail == "unlock reviewer" }
        XCTAssertTrue(value13)
    }

    /// An unknown login is answered after a bcrypt check as long as a wrong password's.
    func testAnUnknownLoginTakesAsLongAsAWrongPassword() async throws {
        let f = try await DeskFixture.make(self)
        // The store's accounts at a real cost: the decoy hash follows it.
        let store = try HistoryStore(path: f.dir.appendingPathComponent("costly.sqlite").path)
        let a = Account(login: "costly", name: "王", role: .clerk, unit: try XCTUnwrap(UnitCode(DeskFixture.hy)), signs: ["填表人"])
        try store.addAccount(a, passwordHash: Passwords.hash(DeskFixture.password, cost: 10))
        let desk = try Desk(workspace: f.desk.workspace, store: store, asOf: f.desk.asOf)
        let server = try await DeskServer(desk: desk, options: f.server.options)
        try await Application(router: server.router()).test(.router) { client in
            func median(_ login: String) async throws -> Double {
                var times: [Double] = []
                for i in 0..<5 {
                    let start = DispatchTime.now().uptimeNanoseconds
                    let s = try await Self.attempt(client, login, "wrong-password", from: "10.1.\(login.count).\(i)")
                    XCTAssertEqual(s, .unauthorized)
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - start))
                }
                return times.sorted()[2]
            }
            let known = try await median("costly"), unknown = try await median("no-such-user")
            XCTAssertGreaterThan(unknown, 0.5 * known, "unknown \(unknown / 1e6) ms against known \(known / 1e6) ms")
        }
    }

    /// A sign-in posted from another site's page is refused; the desk's own form (no Origin or the
    /// same) is not.
    func testACrossSiteSignInIsRefused() async throws {
        let f = try await DeskFixture.make(self)
        try await f.application().test(.router) { client in
            let evil = try await Self.attempt(client, "clerk", DeskFixture.password, origin: "http://evil.example")
            XCTAssertEqual(evil, .forbidden)
            let page = try await client.execute(uri: "/login", method: .post, headers: [HTTPField.Name("Origin")!: "http://evil.example",
                                                                                        .contentType: "application/x-www-form-urlencoded"],
                                                body: ByteBuffer(string: "login=clerk&password=\(DeskFixture.password)")) { $0 }
            XCTAssertEqual(page.status, .forbidden)
            XCTAssertNil(page.headers[.setCookie], "no session from a cross-site form")
            let own = try await Self.attempt(client, "clerk", DeskFixture.password)
            XCTAssertEqual(own, .ok)
        }
    }
}
