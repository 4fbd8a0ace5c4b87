import XCTest
import RenjuTestSupport
import Foundation

/// `renju user` and `renju serve` from the command line: accounts checked against the reference
/// data, the password from stdin and never stored as given, the desk refusing to start empty.
final class DeskAccountsTests: XCTestCase {
    func testAccountsAreAddedListedAndDisabled() throws {
        let db = try temporaryDirectory().appendingPathComponent("desk.sqlite").path
        let add = try runRenju(["user", "add", "--db", db, "--login", "hongyao", "--name", "王芳", "--role", "clerk", "--unit", "640422201000", "--signs", "填表人"],
                               stdin: "a-good-password\n")
        XCTAssertEqual(add.status, 0, add.stderr)
        let signer = try runRenju(["user", "add", "--db", db, "--login", "hy-tj", "--name", "李强", "--role", "signer", "--unit", "640422201000",
                                   "--signs", "统计负责人", "单位负责人"], stdin: "another-password\n")
        XCTAssertEqual(signer.status, 0, signer.stderr)
        let list = try runRenju(["user", "list", "--db", db])
        XCTAssertTrue(list.stdout.contains("hongyao") && list.stdout.contains("王芳") && list.stdout.contains("clerk"), list.stdout)
        XCTAssertTrue(list.stdout.contains("统计负责人、单位负责人"), list.stdout)
        // The password is kept as a bcrypt hash, never as given.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: db))
        XCTAssertNil(bytes.range(of: Data("a-good-password".utf8)))
        XCTAssertNotNil(bytes.range(of: Data("$2b$12$".utf8)), "bcrypt at cost 12")
        // Refused: a login taken, an unknown role, a unit not in the divisions, a sign-off role
        // not in the chain, a short password.
        for (args, stdin, says) in [
            (["--login", "hongyao", "--name", "x", "--role", "clerk", "--unit", "640422201000"], "a-good-password\n", "exists"),
            (["--login", "a", "--name", "x", "--role", "boss", "--unit", "640422201000"], "a-good-password\n", "--role"),
            (["--login", "b", "--name", "x", "--role", "clerk", "--unit", "999999999999"], "a-good-password\n", "999999999999"),
            (["--login", "c", "--name", "x", "--role", "signer", "--unit", "640422201000", "--signs", "县长"], "a-good-password\n", "县长"),
            (["--login", "d", "--name", "x", "--role", "clerk", "--unit", "640422201000"], "short\n", "8"),
        ] {
            let r = try runRenju(["user", "add", "--db", db] + args, stdin: stdin)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(says), "\(args): \(r.stderr)")
        }
        XCTAssertEqual(try runRenju(["user", "disable", "--db", db, "hongyao"]).status, 0)
        XCTAssertTrue(try runRenju(["user", "list", "--db", db]).stdout.contains("(disabled)"))
        XCTAssertEqual(try runRenju(["user", "disable", "--db", db, "nobody"]).status, 2)
        // The audit log records the account changes.
        XCTAssertTrue(try runRenju(["db", "audit", "--db", db]).stdout.contains("desk #"), "account events in renju db audit")
    }

    func testTheDeskDoesNotStartWithoutAnAccountOrAStore() throws {
        let dir = try temporaryDirectory()
        let missing = try runRenju(["serve", "--db", dir.appendingPathComponent("none.sqlite").path, "--port", "0"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("renju user add"), missing.stderr)
        let db = dir.appendingPathComponent("d.sqlite").path
        XCTAssertEqual(try runRenju(["db", "import", "--db", db, "--as-of", "2025-10-31", "--force", "--reason", "h",
                                     repoRoot.appendingPathComponent("examples/xiji/2025Q2").path]).status, 0)
        let empty = try runRenju(["serve", "--db", db, "--port", "0"])
        XCTAssertEqual(empty.status, 2)
        XCTAssertTrue(empty.stderr.contains("--role admin"), empty.stderr)
    }
}
