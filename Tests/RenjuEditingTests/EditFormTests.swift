import Foundation
import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuEditing

/// The localisation's and the analysis's edits come from the rules' descriptors (`linear`), not
/// from a second list: each linear form belongs to exactly one rule, every linear rule gives its
/// edits, a rule switched off gives none, and no edit names a rule without a linear form.
final class EditFormTests: XCTestCase {
    func testEachLinearFormIsOneRulesAndEveryLinearRuleGivesItsEdits() throws {
        let linear = CheckRegistry.descriptors.filter { $0.linear != nil }
        for form in LinearForm.allCases {
            XCTAssertEqual(linear.filter { $0.linear == form }.count, 1, "\(form)")
        }
        let edits = EditSet.build(try testReference())
        let builtIn = Set(edits.map(\.rule)).filter { id in CheckRegistry.descriptors.contains { $0.id == id } }
        XCTAssertEqual(builtIn, Set(linear.map(\.id)), "the edits' rules are exactly the linear descriptors'")
        XCTAssertTrue(edits.contains { $0.rule == RangeCheck.negative && $0.text == "households >= 0" && $0.isRange })
        XCTAssertTrue(edits.contains { $0.rule == AggregateCheck.sum && $0.acrossUnits && !($0.levels ?? []).contains(.village) })
    }

    func testARuleSwitchedOffGivesNoEdit() throws {
        var ref = try testReference()
        let folder = try temporaryDirectory()
        let rules = folder.appendingPathComponent("rules.yaml")
        try "checks:\n  temporal.decrease: {enabled: false}\n".write(to: rules, atomically: true, encoding: .utf8)
        ref.checks = try CheckSettings.load(path: rules.path, catalog: ref.catalog)
        let edits = EditSet.build(ref)
        XCTAssertFalse(edits.contains { $0.rule == TemporalCheck.decrease })
        XCTAssertTrue(edits.contains { $0.rule == TemporalCheck.ytdDecrease }, "the other rules stay")
    }
}
