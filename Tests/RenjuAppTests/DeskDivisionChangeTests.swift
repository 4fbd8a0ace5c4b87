import Foundation
import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReference
import RenjuStoreCore
import RenjuApp

/// The desk carries history across a division change as the command line does: last quarter was
/// stored under a village's old code; the township uploads this quarter under the new code, and
/// the fall of its toilets through the change is found.
final class DeskDivisionChangeTests: XCTestCase {
    func testAnUploadIsComparedWithItsVillagesPastUnderTheOldCode() async throws {
        let dir = try temporaryDirectory()
        let county = try RenamedVillage(in: dir)
        let (oldCode, jia) = (county.oldCode, county.newCode)
        let (oldDivisions, newDivisions, history) = (county.oldDivisions, county.newDivisions, county.history)
        let changes = dir.appendingPathComponent("changes.csv").path
        try "effective,old_code,new_code,kind,share,note\n2025-07-01,\(oldCode),\(jia),rename,,\n".write(toFile: changes, atomically: true, encoding: .utf8)
        let asOf = try XCTUnwrap(CivilDate.parse("2025-10-31"))
        let templates = repoRoot.appendingPathComponent("templates").path

        // Last quarter, stored as it was reported (under the old divisions).
        let store = try await Workspace.openDeskStore(dir.appendingPathComponent("desk.sqlite").path, create: true, migrate: true).store
        let before = Workspace(Locations(reference: bundledReference, templates: templates, divisions: oldDivisions))
        _ = try await before.importInputs([history], into: store, period: nil, asOf: asOf, who: "test", force: true, reason: "history")

        // This quarter on the desk, with this year's divisions and the change table.
        func upload(changes: String?) async throws -> [Finding] {
            let workspace = Workspace(Locations(reference: bundledReference, templates: templates, divisions: newDivisions, divisionChanges: changes))
            let desk = try Desk(workspace: workspace, store: store, asOf: asOf)
            let clerk = Account(login: "clerk-\(changes == nil ? "a" : "b")", name: "王芳", role: .clerk, unit: try XCTUnwrap(UnitCode("640422100000")), signs: ["填表人"])
            let grant = try XCTUnwrap(DeskPolicy.grant(clerk, Permit.Upload.self))
            let csv = try Data(contentsOf: URL(fileURLWithPath: county.current))
            return try await desk.upload(csv, filename: "640422100000-吉强镇.csv", by: grant).validation.result.findings
        }
        let carried = try await upload(changes: changes)
        let fall = try XCTUnwrap(carried.first { $0.rule == TemporalCheckID.decrease && $0.unit?.rawValue == jia && $0.indicator == "sanitary_toilet_hh" },
                                 "\(carried.map(\.rule))")
        XCTAssertEqual(fall.expected, 400, "compared with the old code's 400 toilets")
        let plain = try await upload(changes: nil)
        XCTAssertFalse(plain.contains { $0.rule == TemporalCheckID.decrease && $0.unit?.rawValue == jia })
        // Without the table the village is told it has no history (the desk fetches only the
        // divisions' own codes from the store, so it cannot name the old code as the command line can).
        XCTAssertTrue(plain.contains { $0.rule == TemporalCheckID.newUnit && $0.unit?.rawValue == jia && $0.message.zh.contains("division-changes.csv") })
    }
}

/// The rule ids this test names (the checks module is not a dependency of the app tests).
enum TemporalCheckID {
    static let decrease = RuleID(.temporal, "decrease")
    static let newUnit = RuleID(.temporal, "new_unit")
}
