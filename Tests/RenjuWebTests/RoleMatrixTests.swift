import XCTest
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import RenjuTestSupport
import RenjuModel
@testable import RenjuWeb

/// Every route × every role → the status expected. The expected table is written out here, from
/// the roles, not derived from the server's policy: a route added without a line here
/// fails the test.
final class RoleMatrixTests: XCTestCase {
    enum Who: String, CaseIterable { case clerk, signer, reviewer, viewer, admin }
    static let everyone: Set<Who> = Set(Who.allCases)

    /// Who may call each route (method and path as registered).
    static let allowed: [String: Set<Who>] = [
        "POST /api/logout": everyone,
        "POST /api/submissions": [.clerk],
        "GET /api/submissions/:id": everyone,
        "POST /api/submissions/:id/explanations": [.clerk],
        "POST /api/submissions/:id/signoffs": [.clerk, .signer],
        "POST /api/submissions/:id/return": [.reviewer],
        "GET /api/submissions/:id/findings.xlsx": everyone,
        "GET /api/periods/:period/status": everyone,
        "GET /api/periods/:period/return.xlsx": [.reviewer, .viewer],
        "POST /api/periods/:period/reopen": [.reviewer],
        "GET /": everyone,
        "POST /logout": everyone,
        "POST /upload": [.clerk],
        "GET /submissions/:id": everyone,
        "POST /submissions/:id/explain": [.clerk],
        "POST /submissions/:id/sign": [.clerk, .signer],
        "POST /submissions/:id/return": [.reviewer],
        "GET /submissions/:id/findings.xlsx": everyone,
        "GET /board": everyone,
        "GET /rules/:rule": everyone,
        "GET /ranking": everyone,
        "GET /history": everyone,
        "GET /periods/:period/return.xlsx": [.reviewer, .viewer],
        "GET /forms/:unit/:period": everyone,
        // 抽查 is the county office's: drawing samples and recording what inspectors found.
        "GET /inspections": [.reviewer],
        "POST /inspections/sample": [.reviewer],
        "POST /inspections/verify": [.reviewer],
        // Accounts are the administrator's.
        "GET /admin/accounts": [.admin],
        "POST /admin/accounts": [.admin],
        "POST /admin/accounts/:login/:action": [.admin],
    ]

    func testEveryRouteForEveryRole() async throws {
        let f = try await DeskFixture.make(self)
        let routes = f.server.routes().map(\.0)
        XCTAssertEqual(Set(routes.map { "\($0.method) \($0.path)" }), Set(Self.allowed.keys), "the expected table covers every route")
        let file = try Data(contentsOf: DeskFixture.hongyao)
        try await f.application().test(.router) { client in
            let clerk = try await client.login("clerk")
            let (_, up) = try await client.upload(DeskFixture.hongyao, as: clerk)
            let id = try XCTUnwrap(up["id"] as? Int)
            for route in routes {
                let key = "\(route.method) \(route.path)"
                let uri = route.path.replacingOccurrences(of: ":id", with: "\(id)").replacingOccurrences(of: ":period", with: "2025Q3")
                    .replacingOccurrences(of: ":unit", with: DeskFixture.hy)
                for who in Who.allCases {
                    let login = try await client.login(who.rawValue)
                    let (headers, body) = Self.request(route, who: who, login: login, file: file)
                    let status = try await client.execute(uri: uri, method: route.method, headers: headers, body: body) { $0.status }
                    if Self.allowed[key]?.contains(who) == true {
                        XCTAssertFalse([.unauthorized, .forbidden].contains(status), "\(key) as \(who): \(status)")
                        XCTAssertLessThan(status.code, 500, "\(key) as \(who)")
                    } else {
                        XCTAssertEqual(status, .forbidden, "\(key) as \(who)")
                    }
                }
                // No session: 401 from the API, the login page for pages.
                let anonymous = try await client.execute(uri: uri, method: route.method) { $0 }
                if route.path.hasPrefix("/api/") {
                    XCTAssertEqual(anonymous.status, .unauthorized, key)
                } else {
                    XCTAssertEqual(anonymous.status, .seeOther, key)
                    XCTAssertEqual(anonymous.headers[.location], "/login", key)
                }
                // A state-changing request without its CSRF token: 403, whoever sends it.
                if route.method == .post {
                    let admin = try await client.login("clerk")
                    var h = admin.headers(csrf: false)
                    h[.contentType] = "application/x-www-form-urlencoded"
                    let status = try await client.execute(uri: uri, method: .post, headers: h, body: ByteBuffer(string: "role=填表人&text=x&message=x")) { $0.status }
                    XCTAssertEqual(status, .forbidden, "\(key) without CSRF")
                }
            }
        }
    }

    /// A request a user of that role would send to the route.
    static func request(_ route: DeskServer.Route, who: Who, login: Login, file: Data) -> (HTTPFields, ByteBuffer?) {
        let signRole = who == .signer ? "统计负责人" : "填表人"
        guard route.method == .post else { return (login.headers(), nil) }
        if route.path.hasPrefix("/api/") {
            switch route.path {
            case "/api/submissions": return (login.headers(csrf: true, [filenameHeader: "f.xlsx"]), ByteBuffer(bytes: file))
            case "/api/submissions/:id/explanations": return (login.headers(), jsonBody(["rule": "temporal", "text": "已核实"]))
            case "/api/submissions/:id/signoffs": return (login.headers(), jsonBody(["role": signRole]))
            case "/api/submissions/:id/return": return (login.headers(), jsonBody(["message": "请核实"]))
            default: return (login.headers(), jsonBody([:]))
            }
        }
        if route.path == "/upload" {
            let boundary = "renjuBoundary42"
            var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(login.csrf)\r\n".utf8)
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += file + Data("\r\n--\(boundary)--\r\n".utf8)
            return (login.headers(csrf: false, [.contentType: "multipart/form-data; boundary=\(boundary)"]), ByteBuffer(bytes: body))
        }
        let form = "csrf=\(login.csrf)&role=\(signRole.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&rule=temporal&text=ok&message=ok"
        return (login.headers(csrf: false, [.contentType: "application/x-www-form-urlencoded"]), ByteBuffer(string: form))
    }
}
