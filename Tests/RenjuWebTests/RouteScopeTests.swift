import XCTest
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import RenjuTestSupport
import RenjuModel
@testable import RenjuWeb

/// Every route × role × unit: a user of another township (兴隆镇), in each role that township may
/// hold, asks every route about 红耀乡 — its submission's id, its unit code, its period. No answer
/// may carry 红耀乡's code, name or village names, and nothing may change.
final class RouteScopeTests: XCTestCase {
    func testNoRouteShowsOrChangesAnotherTownshipsData() async throws {
        let f = try await DeskFixture.make(self)
        let a = { (login: String, name: String, role: Role, signs: [String]) in
            try await f.store.addAccount(Account(login: login, name: name, role: role, unit: try XCTUnwrap(UnitCode(DeskFixture.xl)), signs: signs),
                                   passwordHash: Passwords.hash(DeskFixture.password, cost: 4))
        }
        try await a("xl-signer", "马文", .signer, ["统计负责人"])
        try await a("xl-reviewer", "兴隆镇审核", .reviewer, [])
        try await a("xl-viewer", "兴隆镇查看", .viewer, [])
        let hongyao = try XCTUnwrap(UnitCode(DeskFixture.hy))
        let secrets = [DeskFixture.hy, "红耀乡"] + f.desk.reference.tree.children(of: hongyao).compactMap { f.desk.reference.tree.name(of: $0) }
        let routes = f.server.routes().map(\.0)
        let file = try Data(contentsOf: DeskFixture.hongyao)
        try await f.application().test(.router) { client in
            let owner = try await client.login("clerk")
            let (_, up) = try await client.upload(DeskFixture.hongyao, as: owner)
            let id = try XCTUnwrap(up["id"] as? Int)
            let eventsBefore = try await f.store.events().count
            for login in ["clerk2", "xl-signer", "xl-reviewer", "xl-viewer"] {
                let who = try await client.login(login)
                for route in routes where route.path != "/api/logout" && route.path != "/logout" {
                    let key = "\(route.method) \(route.path)"
                    var uri = route.path.replacingOccurrences(of: ":id", with: "\(id)").replacingOccurrences(of: ":period", with: "2025Q3")
                        .replacingOccurrences(of: ":unit", with: DeskFixture.hy)
                    if route.method == .get { uri += "?period=2025Q3&unit=\(DeskFixture.hy)&indicator=households" }
                    var (headers, body) = RoleMatrixTests.request(route, who: .clerk, login: who, file: file)
                    if route.path == "/api/periods/:period/reopen" { body = jsonBody(["unit": DeskFixture.hy, "reason": "x"]) }
                    let (status, text) = try await client.execute(uri: uri, method: route.method, headers: headers, body: body) {
                        ($0.status, String(buffer: $0.body))
                    }
                    if route.path.contains(":id") || route.path.contains(":unit") || route.path.hasSuffix("/reopen") {
                        XCTAssertTrue([.forbidden, .notFound, .badRequest].contains(status), "\(key) as \(login): \(status)")
                    }
                    if route.path == "/api/submissions" || route.path == "/upload" {
                        XCTAssertTrue([.forbidden].contains(status), "\(key) as \(login): \(status) — 红耀乡's figures uploaded by 兴隆镇")
                    }
                    for secret in secrets where status.code < 300 && text.contains(secret) {
                        XCTFail("\(key) as \(login) shows “\(secret)”")
                    }
                }
            }
            let value16 = try await f.store.events().count
            XCTAssertEqual(value16, eventsBefore, "nothing was changed")
            let value15 = try await f.store.signOffs(submission: Int64(id)).count
            XCTAssertEqual(value15, 0)
            let value14 = try await f.store.explanations(submission: Int64(id)).count
            XCTAssertEqual(value14, 0)
        }
    }
}
