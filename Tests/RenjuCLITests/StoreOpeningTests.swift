import Foundation
import XCTest
import RenjuPostgresTestSupport
import RenjuTestSupport
import RenjuModel
import RenjuStore
import RenjuStoreCore
import RenjuPostgres

/// Which store a command uses, and that reading never writes: `--db` or else `RENJU_DB` for every
/// command (`rank` once ignored it), and a read-only replica opens for the commands that read.
final class StoreOpeningTests: XCTestCase {
    static let sample = repoRoot.appendingPathComponent("examples/xiji")

    func testRankHonoursRENJU_DB() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("store.sqlite").path
        let imported = try runRenju(["db", "import", "--db", db, "--as-of", "2025-10-31", "--force", "--reason", "test",
                                     Self.sample.appendingPathComponent("2025Q2").path, Self.sample.appendingPathComponent("2025Q3").path])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        // From a folder without renju.sqlite: the store is RENJU_DB's.
        let ranked = try runRenju(["rank", "--period", "2025Q3", "--format", "json", "--as-of", "2025-10-31"], cwd: dir.appendingPathComponent(".."),
                                  environment: ["RENJU_DB": db])
        XCTAssertEqual(ranked.status, 0, ranked.stderr)
        XCTAssertTrue(ranked.stdout.contains("640422201000"), "the county's townships ranked from the store")
    }

    /// A PostgreSQL replica is read-only (`default_transaction_read_only`): validate, rank and the
    /// db listings open it and read; a writing command is refused by the server, not by Renju's opening.
    func testAReadOnlyReplicaOpensForReading() async throws {
        let location = try await freshPostgresDatabase("renju_replica")
        let url = location.description
        let imported = try runRenju(["db", "import", "--db", url, "--as-of", "2025-10-31", "--force", "--reason", "test",
                                     Self.sample.appendingPathComponent("2025Q2").path])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let admin = try await PostgresStore(location)
        _ = try await admin.administer("ALTER DATABASE \(location.database) SET default_transaction_read_only = on")
        for args in [["db", "periods", "--db", url], ["db", "history", "--db", url, "--unit", "640422201000", "--indicator", "households"],
                     ["rank", "--db", url, "--period", "2025Q2", "--as-of", "2025-10-31"],
                     ["validate", "--db", url, "--as-of", "2025-10-31", Self.sample.appendingPathComponent("2025Q3/640422204000-震湖乡.xlsx").path]] {
            let r = try runRenju(args)
            XCTAssertLessThanOrEqual(r.status, 1, "\(args[0]) \(args[1]) on the replica: \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("read-only"), r.stderr)
        }
        XCTAssertTrue(try runRenju(["db", "periods", "--db", url]).stdout.contains("2025Q2"))
    }

    /// The same on a SQLite file: reading commands open it read-only; a store made by an older
    /// version is refused by them with what to run, and `db migrate` brings it up to date.
    func testReadingCommandsNeverWriteTheFile() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("store.sqlite").path
        XCTAssertEqual(try runRenju(["db", "import", "--db", db, "--as-of", "2025-10-31", "--force", "--reason", "t",
                                     Self.sample.appendingPathComponent("2025Q2").path]).status, 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let stamp = try FileManager.default.attributesOfItem(atPath: db)[.modificationDate] as? Date
        XCTAssertEqual(try runRenju(["db", "periods", "--db", db]).status, 0)
        XCTAssertLessThanOrEqual(try runRenju(["rank", "--db", db, "--period", "2025Q2", "--as-of", "2025-10-31"]).status, 1)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before, "reading left the file as it was")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: db)[.modificationDate] as? Date, stamp)
        XCTAssertEqual(try runRenju(["db", "migrate", "--db", db]).status, 0)
    }
}
