import Foundation
import XCTest
import RenjuPostgresTestSupport
import RenjuTestSupport
import RenjuStore
import RenjuStoreCore
import RenjuPostgres

/// The schema is written once (`StoreSchema`): a new file and a new server database hold the same
/// tables with the same columns — they had drifted when each backend wrote its own.
final class StoreSchemaTests: XCTestCase {
    func testBothBackendsHoldTheSameTablesAndColumns() async throws {
        let file = try HistoryStore(path: try temporaryDirectory().appendingPathComponent("s.sqlite").path)
        let server = try await PostgresStore(try await freshPostgresDatabase("renju_schema"))
        let sqliteColumns = try file.schemaColumns()
        let postgresColumns = try await server.schemaColumns()
        // The one deliberate difference: account_signs numbers its rows on the server (SQLite has its rowid).
        XCTAssertEqual(sqliteColumns, postgresColumns.filter { $0 != "account_signs.position" })
        XCTAssertTrue(sqliteColumns.contains("desk_explanations.id") && sqliteColumns.contains("inspections.wrong"), "\(sqliteColumns)")
        XCTAssertGreaterThan(sqliteColumns.count, 80, "every table is there")
    }

    /// The figures' keys are compared byte by byte on the server whatever the cluster's locale (a
    /// national import's indexes were built with the locale's comparison); the file store, which
    /// compares bytes already, is not asked to migrate for it.
    func testFigureKeysCompareBytewiseOnTheServerAndTheFileStoreIsNotAskedToMigrate() async throws {
        let server = try await PostgresStore(try await freshPostgresDatabase("renju_collation"))
        let collations = try await server.columnCollations(of: "observations")
        XCTAssertEqual(collations["period"], "C"); XCTAssertEqual(collations["unit"], "C"); XCTAssertEqual(collations["indicator"], "C")
        XCTAssertFalse(StoreSchema.migrations(for: .sqlite).map(\.id).contains("v8-code-collation"))
        XCTAssertTrue(StoreSchema.migrations(for: .postgres).map(\.id).contains("v8-code-collation"))
        // A file store has no step of the server's pending: it opens for reading as made.
        let path = try temporaryDirectory().appendingPathComponent("s.sqlite").path
        _ = try HistoryStore(path: path)
        XCTAssertNoThrow(try HistoryStore(path: path, mode: .read))
    }

    func testEveryMigrationIsWrittenWithoutAnUnknownToken() {
        for m in StoreSchema.migrations {
            for dialect in [StoreDialect.sqlite, .postgres] {
                for sql in m.statements(for: dialect) {
                    XCTAssertFalse(sql.contains("{"), "\(m.id) in \(dialect): \(sql)")
                }
            }
        }
        XCTAssertEqual(StoreSchema.migrations.map(\.id), ["v1", "v2", "v3-desk", "v4-inspections", "v5-indexes", "v6-imputed", "v7-rules-digest",
                                                              "v8-code-collation"],
                       "identifiers as stores have recorded them: renaming one would apply it twice")
    }
}
