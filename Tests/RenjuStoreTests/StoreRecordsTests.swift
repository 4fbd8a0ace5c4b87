import XCTest
import RenjuTestSupport
import Foundation
import GRDB
import RenjuModel
@testable import RenjuStore
import RenjuStoreCore

/// The store's records: domain values stored as themselves, what an import changed kept as rows,
/// a store written by an earlier version opened without losing its audit trail.
final class StoreRecordsTests: XCTestCase {
    /// A store of the first schema (what changed kept as text lines) is migrated: every line
    /// becomes a change the audit trail shows, with the same unit, indicator and values.
    func testAStoreOfTheFirstSchemaKeepsItsAuditTrail() throws {
        let path = try temporaryDirectory().appendingPathComponent("v1.sqlite").path
        do {
            let queue = try DatabaseQueue(path: path)
            try HistoryStore.migrator.migrate(queue, upTo: "v1")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO imports (at, who, file, digest, period, unit, forced, reason, replaced, changes)
                    VALUES ('2025-10-20T08:00:00Z', '王芳', 'a.csv', NULL, '2025Q3', '640422100000', 0, NULL, 1, ?)
                    """, arguments: ["640422100201|garbage_collected_t: 16 → 16.2\n640422100202|households: — → 310"])
            }
        }
        let trail = try HistoryStore(path: path).imports()
        XCTAssertEqual(trail.count, 1)
        XCTAssertEqual(trail.first?.period, Period(year: 2025, quarter: 3))
        XCTAssertEqual(trail.first?.changes, [
            FigureChange(unit: try XCTUnwrap(UnitCode("640422100201")), indicator: "garbage_collected_t", old: 16, new: 16.2),
            FigureChange(unit: try XCTUnwrap(UnitCode("640422100202")), indicator: "households", old: nil, new: 310),
        ])
        XCTAssertEqual(trail.first?.changes.first?.description, "640422100201 garbage_collected_t: 16 → 16.2")
    }

    /// A figure whose period was edited by hand into something that is not a period makes reading
    /// the store fail with an error — never a crash, never a figure filed under another period.
    func testAHandEditedPeriodIsAnErrorNotACrash() throws {
        let path = try temporaryDirectory().appendingPathComponent("edited.sqlite").path
        let store = try HistoryStore(path: path)
        let unit = try XCTUnwrap(UnitCode("640422100201"))
        var sub = Submission(file: "a.csv", period: Period(year: 2025, quarter: 3))
        sub.values.set(unit, "households", Observation(300, source: nil))
        sub.rows.append(UnitRow(code: unit, givenName: "甲村", source: nil))
        try store.importSubmissions([StoreEntry(submission: sub, root: unit, digest: nil, signOffs: [], explanations: [], findings: [])],
                                    who: "t", forced: false, reason: nil)
        XCTAssertEqual(Array(try store.dataset(periods: nil).periods.keys), [Period(year: 2025, quarter: 3)])
        try store.queue.write { db in try db.execute(sql: "UPDATE observations SET period = '2025Q9'") }
        XCTAssertThrowsError(try store.dataset(periods: nil))
        XCTAssertThrowsError(try store.history(unit: unit, indicator: "households"))
    }
}
