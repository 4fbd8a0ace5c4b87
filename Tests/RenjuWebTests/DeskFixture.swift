import XCTest
import RenjuPostgresTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import RenjuTestSupport
import RenjuModel
import RenjuStore
import RenjuStoreCore
import RenjuApp
import RenjuPostgres
@testable import RenjuWeb

/// A county desk for tests: the sample county's 2025Q2 stored as history, one account of every
/// role (bcrypt at a low cost, to keep the tests quick), the server in process.
struct DeskFixture {
    let dir: URL
    let storePath: String
    let store: any DeskStoring
    let desk: Desk
    let server: DeskServer
    static let password = "correct-horse-1"
    static let sample = repoRoot.appendingPathComponent("examples/xiji")
    static let hongyao = sample.appendingPathComponent("2025Q3/640422201000-红耀乡.xlsx")
    static let xinglong = sample.appendingPathComponent("2025Q3/640422101000-兴隆镇.xlsx")

    /// Logins by role: `clerk` 红耀乡's clerk (填表人), `clerk2` 兴隆镇's, `signer` 红耀乡's
    /// 统计负责人 and 单位负责人, `reviewer` the county office, `viewer` read-only over the county,
    /// `admin`, and `gone` a disabled clerk.
    static let county = "640422000000", hy = "640422201000", xl = "640422101000"

    /// Which store the desk runs on: the SQLite file, or a fresh database on the test server.
    enum Backend { case sqlite, postgres }

    static func make(_ test: XCTestCase, maxUploadBytes: Int = 4 * 1_048_576, backend: Backend = .sqlite) async throws -> DeskFixture {
        let dir = try test.temporaryDirectory()
        let storePath: String
        let store: any DeskStoring
        switch backend {
        case .sqlite:
            storePath = dir.appendingPathComponent("desk.sqlite").path
            store = try HistoryStore(path: storePath)
        case .postgres:
            let location = try await test.freshPostgresDatabase("renju_desk")
            storePath = location.description
            store = try await PostgresStore(location)
        }
        let workspace = Workspace(Locations(reference: bundledReference, templates: repoRoot.appendingPathComponent("templates").path))
        let asOf = try XCTUnwrap(CivilDate.parse("2025-10-31"))
        let imported = try await workspace.importInputs([sample.appendingPathComponent("2025Q2").path], into: store, period: nil, asOf: asOf,
                                                  who: "test", force: true, reason: "history for the desk tests")
        XCTAssertFalse(imported.records.isEmpty)
        let desk = try Desk(workspace: workspace, store: store, asOf: asOf, maxUploadBytes: maxUploadBytes)
        let hash = Passwords.hash(password, cost: 4)
        for (login, name, role, unit, signs, disabled) in [
            ("clerk", "王芳", Role.clerk, hy, ["填表人"], false), ("clerk2", "马丽", .clerk, xl, ["填表人"], false),
            ("signer", "李强", .signer, hy, ["统计负责人", "单位负责人"], false), ("reviewer", "张科长", .reviewer, county, [], false),
            ("viewer", "州统计局", .viewer, county, [], false), ("admin", "管理员", .admin, county, [], false),
            ("gone", "离职", .clerk, hy, [], true),
        ] {
            let a = Account(login: login, name: name, role: role, unit: try XCTUnwrap(UnitCode(unit)), signs: signs, disabled: disabled)
            try desk.checkAccount(a)
            try await store.addAccount(a, passwordHash: hash)
        }
        var options = DeskOptions(pages: repoRoot.appendingPathComponent("templates/web").path)
        options.maxUploadBytes = maxUploadBytes
        let server = try await DeskServer(desk: desk, options: options)
        return DeskFixture(dir: dir, storePath: storePath, store: store, desk: desk, server: server)
    }

    func application() -> some ApplicationProtocol { Application(router: server.router()) }
}

extension XCTestCase {
    /// Runs a desk test on the SQLite file and then on PostgreSQL — one definition, both
    /// backends, so no test runs on one of them by omission. Without the test server
    /// (`RENJU_TEST_PG`) the PostgreSQL run is left out and said so; scripts/test.sh always sets
    /// it and fails on that line.
    func onEveryBackend(_ body: (DeskFixture.Backend) async throws -> Void) async throws {
        try await body(.sqlite)
        guard ProcessInfo.processInfo.environment["RENJU_TEST_PG"] != nil else {
            print("PostgreSQL not tested: RENJU_TEST_PG is not set (\(name))")
            return
        }
        try await body(.postgres)
    }
}

/// A signed-in client's cookie and CSRF token.
struct Login: Sendable {
    let cookie: String
    let csrf: String
    func headers(csrf withToken: Bool = true, _ extra: HTTPFields = [:]) -> HTTPFields {
        var h = extra
        h[.cookie] = cookie
        if withToken { h[csrfHeader] = csrf }
        return h
    }
}

let csrfHeader = HTTPField.Name("X-CSRF-Token")!
let filenameHeader = HTTPField.Name("X-Filename")!

func jsonBody(_ o: Any) -> ByteBuffer {
    ByteBuffer(bytes: (try? JSONSerialization.data(withJSONObject: o)) ?? Data())
}

func object(_ b: ByteBuffer) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(buffer: b)) as? [String: Any]) ?? [:]
}

func list(_ b: ByteBuffer) -> [[String: Any]] {
    (try? JSONSerialization.jsonObject(with: Data(buffer: b)) as? [[String: Any]]) ?? []
}

extension TestClientProtocol {
    func login(_ name: String, password: String = DeskFixture.password) async throws -> Login {
        try await execute(uri: "/api/login", method: .post, body: jsonBody(["login": name, "password": password])) { r in
            XCTAssertEqual(r.status, .ok, "login \(name)")
            let cookie = r.headers[.setCookie] ?? ""
            let token = cookie.split(separator: ";").first.map(String.init) ?? ""
            return Login(cookie: token, csrf: object(r.body)["csrf"] as? String ?? "")
        }
    }

    /// Uploads a file as the API's body; the response's status and JSON.
    func upload(_ file: URL, as who: Login, name: String? = nil) async throws -> (HTTPResponse.Status, [String: Any]) {
        let bytes = try Data(contentsOf: file)
        let n = (name ?? file.lastPathComponent).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "f.xlsx"
        return try await execute(uri: "/api/submissions", method: .post, headers: who.headers(csrf: true, [filenameHeader: n]),
                                 body: ByteBuffer(bytes: bytes)) { r in (r.status, object(r.body)) }
    }
}
