import Foundation
import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReference
import RenjuChecks

/// Codes change (撤乡设镇, 村庄合并, renames): with the change table, a unit's history is carried
/// across the change, so a temporal problem planted through it is still found; without it, the
/// unit is told to have no history and its likely predecessors are named.
final class DivisionChangeTests: XCTestCase {
    let jia = "640422100201", yi = "640422100202"
    /// The rules that compare a stock or a year-to-date figure with its past.
    let movement = [TemporalCheck.decrease, TemporalCheck.stable, TemporalCheck.ytdDecrease, TemporalCheck.zero]
    let july = CivilDate(year: 2025, month: 7, day: 1)

    func reference(_ changes: [DivisionChange]) throws -> ReferenceData {
        var ref = try testReference()
        ref.changes = DivisionChanges(changes)
        return ref
    }
    func change(_ old: String, _ new: String, _ kind: DivisionChange.Kind, share: Double? = nil) throws -> DivisionChange {
        DivisionChange(effective: july, oldCode: try XCTUnwrap(UnitCode(old)), newCode: try XCTUnwrap(UnitCode(new)), kind: kind, share: share)
    }
    func finding(_ r: ValidationResult, _ rule: RuleID, _ unit: String) -> Finding? {
        r.findings.first { $0.rule == rule && $0.unit?.rawValue == unit }
    }
    /// Last quarter's township, its villages under the given (old) codes.
    func history(_ rows: [(String, [String: Double?])]) -> String {
        longCSV(period: "2025Q2", rows: [("640422100000", totalValues(rows.map(\.1)))] + rows)
    }
    let b = villageValues(households: 300, toilets: 210, sewage: 90, roadTotal: 6, roadHard: 5, generated: 12, collected: 10, harmless: 9,
                          cleaners: 4, found: 8, removed: 4, area: 350, houses: 3, green: 0.2, investment: 80)

    // MARK: rename

    func testARenamedVillageKeepsItsSeriesAndAFallThroughTheChangeIsFound() throws {
        let before = history([("640422100209", villageValues(toilets: 400)), (yi, b)])
        let now = cleanTownship(a: villageValues(toilets: 350), b: b)
        let carried = validate([before, now], reference: try reference([try change("640422100209", jia, .rename)]))
        let f = try XCTUnwrap(finding(carried, TemporalCheck.decrease, jia), "\(carried.findings.map(\.rule))")
        XCTAssertEqual(f.expected, 400, "compared with the old code's 400")
        XCTAssertNil(finding(carried, LineageCheck.newUnit, jia))
        XCTAssertEqual(carried.coverage?.unitsWithoutHistory, [])
        XCTAssertEqual(carried.coverage?.carried, 1)

        // Without the change table the history is not lost silently: the village is told, with its predecessor.
        let plain = validate([before, now], reference: try testReference())
        XCTAssertNil(finding(plain, TemporalCheck.decrease, jia))
        let told = try XCTUnwrap(finding(plain, LineageCheck.newUnit, jia))
        XCTAssertEqual(told.severity, .info)
        XCTAssertTrue(told.message.zh.contains("640422100209") && told.message.zh.contains("division-changes.csv"), told.message.zh)
        XCTAssertEqual(plain.coverage?.unitsWithoutHistory.map(\.rawValue), [jia])
    }

    // MARK: move

    func testAVillageMovedToAnotherTownshipIsComparedWithItsOwnPast() throws {
        // 丙村's predecessor reported under 兴隆镇 as 640422101202; now it is 甲村 of 吉强镇.
        let before = longCSV(period: "2025Q2", rows: [("640422101202", villageValues(households: 500)), (yi, b)])
        let now = cleanTownship(a: villageValues(households: 600), b: b)   // +20 %: a stable stock jumped
        let r = validate([before, now], reference: try reference([try change("640422101202", jia, .move)]))
        let f = try XCTUnwrap(finding(r, TemporalCheck.stable, jia), "\(r.findings.map(\.rule))")
        XCTAssertEqual(f.expected, 500)
        let quiet = validate([before, cleanTownship(a: villageValues(households: 505), b: b)],
                             reference: try reference([try change("640422101202", jia, .move)]))
        XCTAssertNil(finding(quiet, TemporalCheck.stable, jia), "1 % is within the quarter's 2 %")
    }

    // MARK: merge

    func testAMergedVillageIsComparedWithTheSumOfItsPredecessors() throws {
        let p1 = villageValues(households: 200, toilets: 150, sewage: 80, roadTotal: 4, roadHard: 3)
        let p2 = villageValues(households: 300, toilets: 250, sewage: 120, roadTotal: 6, roadHard: 5)
        let before = history([("640422100208", p1), ("640422100209", p2), (yi, b)])
        let merge = [try change("640422100208", jia, .merge), try change("640422100209", jia, .merge)]
        // Honest: the merged village reports the sum of everything (500 households, 400 toilets).
        var sum = totalValues([p1, p2])
        sum["garbage_system_covered"] = 1
        let honest = validate([before, cleanTownship(a: sum, b: b)], reference: try reference(merge))
        XCTAssertTrue(honest.findings.filter { $0.unit?.rawValue == jia && movement.contains($0.rule) }.isEmpty,
                      "\(honest.findings.filter { $0.unit?.rawValue == jia }.map(\.message.zh))")
        // The rate of the merged past is recomputed from the summed parts: 400 / 500.
        XCTAssertEqual(honest.history.value(Period(year: 2025, quarter: 2), UnitCode(jia)!, "sanitary_toilet_rate"), 80)
        // Planted: toilets fell below the predecessors' 400.
        sum["sanitary_toilet_hh"] = 380
        sum["sanitary_toilet_rate"] = 76
        let fell = validate([before, cleanTownship(a: sum, b: b)], reference: try reference(merge))
        let f = try XCTUnwrap(finding(fell, TemporalCheck.decrease, jia), "\(fell.findings.map(\.rule))")
        XCTAssertEqual(f.indicator, "sanitary_toilet_hh")
        XCTAssertEqual(f.expected, 400, "the predecessors' 150 + 250")
    }

    // MARK: split

    func testASplitVillageIsComparedWithItsShareOrToldWhyNot() throws {
        // 甲村 (640422100201) split into itself (60 %) and 乙村 (40 %).
        let whole = villageValues(households: 500, toilets: 400, sewage: 200, roadTotal: 10, roadHard: 8)
        let before = longCSV(period: "2025Q2", rows: [(jia, whole)])
        // Each part has its share of every amount (rates as they were).
        func part(_ share: Double) -> [String: Double?] {
            var v = whole
            for (k, x) in whole where !k.hasSuffix("_rate") && k != "garbage_system_covered" { v[k] = x.map { ($0 * share * 100).rounded() / 100 } }
            return v
        }
        let partA = part(0.6), partB = part(0.4)
        let shared = [try change(jia, jia, .split, share: 0.6), try change(jia, yi, .split, share: 0.4)]
        let honest = validate([before, cleanTownship(a: partA, b: partB)], reference: try reference(shared))
        XCTAssertTrue(honest.findings.filter { [jia, yi].contains($0.unit?.rawValue ?? "") && movement.contains($0.rule) }.isEmpty,
                      "\(honest.findings.map { "\($0.rule) \($0.unit?.rawValue ?? "")" })")
        var fallen = partB
        fallen["sanitary_toilet_hh"] = 100
        fallen["sanitary_toilet_rate"] = 50
        let planted = validate([before, cleanTownship(a: partA, b: fallen)], reference: try reference(shared))
        let f = try XCTUnwrap(finding(planted, TemporalCheck.decrease, yi))
        XCTAssertEqual(f.indicator, "sanitary_toilet_hh")
        XCTAssertEqual(f.expected, 160, "40 % of the old 400 toilets")

        // Without a share: no comparison (a part against the whole would be a false fall), and why.
        let unshared = [try change(jia, jia, .split), try change(jia, yi, .split)]
        let r = validate([before, cleanTownship(a: partA, b: partB)], reference: try reference(unshared))
        XCTAssertNil(finding(r, TemporalCheck.decrease, jia), "300 households is not a fall from the whole's 500")
        for u in [jia, yi] {
            let told = try XCTUnwrap(finding(r, LineageCheck.split, u), u)
            XCTAssertTrue(told.message.zh.contains("拆分") && told.message.zh.contains("share"), told.message.zh)
        }
        XCTAssertEqual(r.coverage?.changedWithoutHistory, 2)
        XCTAssertTrue(r.coverage?.sentence(.zh).contains("在区划变更表中有记载") ?? false, r.coverage?.sentence(.zh) ?? "")
    }

    // MARK: the table

    func testChangesApplyOnlyToPeriodsBeforeTheyTookEffect() throws {
        let changes = DivisionChanges([try change("640422100209", jia, .rename)])
        XCTAssertEqual(changes.between(Period(year: 2025, quarter: 2), Period(year: 2025, quarter: 3)).count, 1)
        XCTAssertEqual(changes.between(Period(year: 2025, quarter: 3), Period(year: 2025, quarter: 4)).count, 0, "already in effect")
        XCTAssertEqual(changes.between(Period(year: 2025, quarter: 1), Period(year: 2025, quarter: 2)).count, 0, "not yet in effect")
        XCTAssertEqual(changes.predecessors(of: [UnitCode(jia)!]).map(\.rawValue), ["640422100209"], "what a store fetches too")
    }

    func testAMalformedChangeTableIsRefusedWithItsLine() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("division-changes.csv")
        func load(_ body: String) throws -> DivisionChanges {
            try ("effective,old_code,new_code,kind,share,note\n" + body).write(to: path, atomically: true, encoding: .utf8)
            return try DivisionChangesLoader.load(path: path.path)
        }
        XCTAssertEqual(try load("2025-07-01,640422100209,640422100201,更名,,\n").all.first?.kind, .rename, "Chinese kinds are read")
        let (a, b, c) = ("640422100208", "640422100209", "640422100210")
        for (body, words) in [("2025-13-01,\(a),\(b),rename,,\n", "effective"), ("2025-07-01,\(a),\(b),swap,,\n", "rename, merge, split or move"),
                              ("2025-07-01,\(a),\(b),rename,0.5,\n", "split only"), ("2025-07-01,\(a),\(a),merge,,\n", "changes nothing"),
                              ("2025-07-01,\(a),\(b),split,0.7,\n2025-07-01,\(a),\(c),split,0.6,\n", "more than 1")] {
            XCTAssertThrowsError(try load(body), body) { e in
                XCTAssertTrue("\(e)".contains("division-changes.csv:") && "\(e)".contains(words), "\(e)")
            }
        }
    }
}
