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

    func testEveryMigrationIsWrittenWithoutAnUnknownToken() {
        for m in StoreSchema.migrations {
            for dialect in [StoreDialect.sqlite, .postgres] {
                for sql in m.statements(for: dialect) {
                    XCTAssertFalse(sql.contains("{"), "\(m.id) in \(dialect): \(sql)")
                }
            }
        }
        XCTAssertEqual(StoreSchema.migrations.map(\.id), ["v1", "v2", "v3-desk", "v4-inspections", "v5-indexes", "v6-imputed", "v7-rules-digest"],
                       "identifiers as stores have recorded them: renaming one would apply it twice")
    }
}
