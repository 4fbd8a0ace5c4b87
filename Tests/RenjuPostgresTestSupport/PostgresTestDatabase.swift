import Foundation
import XCTest
import RenjuPostgres

extension XCTestCase {
    /// A fresh database on the test server (`RENJU_TEST_PG`, the throw-away cluster scripts/test.sh
    /// starts), dropped when the test ends. Without the server (a plain `swift test`) the test is
    /// skipped with that reason; scripts/test.sh sets it always and fails if anything says so.
    public func freshPostgresDatabase(_ prefix: String = "renju_test") async throws -> PostgresLocation {
        guard let url = ProcessInfo.processInfo.environment["RENJU_TEST_PG"] else {
            throw XCTSkip("PostgreSQL not tested: RENJU_TEST_PG is not set (scripts/test.sh starts a throw-away cluster and sets it)")
        }
        guard let server = PostgresLocation(url) else {
            XCTFail("RENJU_TEST_PG is not a PostgreSQL address: \(url)")
            throw CancellationError()
        }
        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        try await PostgresStore.administer(server, ["CREATE DATABASE \(name)"])
        addTeardownBlock { try? await PostgresStore.administer(server, ["DROP DATABASE IF EXISTS \(name) WITH (FORCE)"]) }
        return server.with(database: name)
    }
}
