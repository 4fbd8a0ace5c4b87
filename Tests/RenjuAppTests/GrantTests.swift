import Foundation
import XCTest
import RenjuModel
import RenjuApp

/// Authorization is decided once: `DeskPolicy.grant` gives a grant of a permission to an enabled
/// account whose role holds it, and the desk's use cases take nothing less (a call without the
/// grant does not compile). What each role may do, as the county office agreed it.
final class GrantTests: XCTestCase {
    func account(_ role: Role, disabled: Bool = false) -> Account {
        Account(login: "u", name: "某人", role: role, unit: UnitCode("640422000000")!, disabled: disabled)
    }

    func testEachRoleIsGrantedExactlyItsPermissions() {
        func granted(_ a: Account) -> Set<DeskPermission> {
            var out = Set<DeskPermission>()
            if DeskPolicy.grant(a, Permit.Read.self) != nil { out.insert(.read) }
            if DeskPolicy.grant(a, Permit.Upload.self) != nil { out.insert(.upload) }
            if DeskPolicy.grant(a, Permit.Explain.self) != nil { out.insert(.explain) }
            if DeskPolicy.grant(a, Permit.Sign.self) != nil { out.insert(.sign) }
            if DeskPolicy.grant(a, Permit.Review.self) != nil { out.insert(.review) }
            if DeskPolicy.grant(a, Permit.Export.self) != nil { out.insert(.export) }
            return out
        }
        XCTAssertEqual(granted(account(.clerk)), [.read, .upload, .explain, .sign], "a township clerk uploads, explains and signs")
        XCTAssertEqual(granted(account(.signer)), [.read, .sign], "a signer only reads and signs")
        XCTAssertEqual(granted(account(.reviewer)), [.read, .review, .export], "the county office reviews and exports")
        XCTAssertEqual(granted(account(.viewer)), [.read, .export], "the prefecture reads and exports")
        XCTAssertEqual(granted(account(.admin)), [.read], "the admin manages accounts, not returns")
        for role in [Role.clerk, .signer, .reviewer, .viewer, .admin] {
            XCTAssertEqual(granted(account(role, disabled: true)), [], "a disabled \(role) account is granted nothing")
        }
    }

    func testAGrantIsTheAccountItWasMadeFor() throws {
        let clerk = account(.clerk)
        let sign = try XCTUnwrap(DeskPolicy.grant(clerk, Permit.Sign.self))
        XCTAssertEqual(sign.account, clerk)
        XCTAssertEqual(sign.read.account, clerk, "a grant to sign is one to read the same subtree")
    }
}
