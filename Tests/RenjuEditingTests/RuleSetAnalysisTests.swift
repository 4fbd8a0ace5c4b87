import XCTest
import Foundation
import RenjuTestSupport
import RenjuModel
import RenjuReference
import RenjuEditing
import RenjuReport

/// `renju rules --check`: the rule set checked as a whole, before a quarter's returns meet it.
final class RuleSetAnalysisTests: XCTestCase {
    /// The bundled rules.yaml with extra user rules appended, loaded with the bundled catalog.
    func reference(appending rules: String) throws -> (ReferenceData, String) {
        var ref = try testReference()
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("rules.yaml").path
        let yaml = try String(contentsOfFile: bundledReference + "/rules.yaml", encoding: .utf8) + rules
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        ref.checks = try CheckSettings.load(path: path, catalog: ref.catalog)
        return (ref, yaml)
    }

    func line(of text: String, in yaml: String) -> Int {
        (yaml.components(separatedBy: "\n").firstIndex { $0.contains(text) } ?? -1) + 1
    }

    func testTheBundledRulesAreClean() throws {
        let a = RuleSetAnalysis.analyse(try testReference())
        XCTAssertTrue(a.isClean, a.items.map { "\($0.kind) \($0.rules.map(\.text))" }.description)
        XCTAssertTrue(a.undecided.isEmpty)
        // The rate identities are bilinear: listed as not analysed, never silently skipped.
        XCTAssertEqual(a.notAnalysed.filter { $0.rule.rule.description == "identity.rate" }.count, 5)
    }

    func testARuleThatContradictsPartWholeIsInfeasibleNamingBothWithTheirLines() throws {
        let (ref, yaml) = try reference(appending: """
          - id: identity.toilets_over
            title: 卫生厕所户数多于总户数
            severity: error
            assert: "sanitary_toilet_hh >= households + 1"

        """)
        let a = RuleSetAnalysis.analyse(ref)
        let conflicts = a.items.filter { $0.kind == .infeasible && $0.severity == .error }
        XCTAssertEqual(conflicts.count, 1)
        let named = conflicts.first?.rules.map { "\($0.rule) \($0.origin)" } ?? []
        XCTAssertEqual(Set(named), ["identity.toilets_over rules.yaml:\(line(of: "id: identity.toilets_over", in: yaml))",
                                    "identity.part_whole rules.yaml:\(line(of: "[sanitary_toilet_hh, households]", in: yaml))"])
        XCTAssertEqual(Set(conflicts.first?.levels ?? []), Set(Level.allCases), "every level")
    }

    func testASlackCopyOfPartWholeIsRedundantAndSaysWhatImpliesIt() throws {
        let (ref, _) = try reference(appending: """
          - id: identity.road_slack
            title: 硬化里程不超过总里程加 5 公里
            severity: error
            assert: "road_hardened_km <= road_total_km + 5"

        """)
        let a = RuleSetAnalysis.analyse(ref)
        let redundant = a.items.filter { $0.kind == .redundant }
        XCTAssertEqual(redundant.count, 1)
        XCTAssertEqual(redundant.first?.rules.map(\.text), ["road_hardened_km <= road_total_km + 5", "road_hardened_km <= road_total_km"])
        XCTAssertFalse(a.items.contains { $0.kind == .infeasible })
    }

    func testARuleForcingAValueAndAWarningThatNeverHoldsAreReportedApart() throws {
        let (ref, _) = try reference(appending: """
          - id: identity.no_cleaners
            title: 没有保洁员
            severity: error
            levels: [village]
            assert: "cleaners < 1"
          - id: identity.more_toilets
            title: 卫生厕所户数多于总户数
            severity: warning
            assert: "sanitary_toilet_hh > households"
          - id: identity.product
            title: 乘积
            severity: error
            assert: "cleaners * households >= 0"

        """)
        let a = RuleSetAnalysis.analyse(ref)
        let fixed = a.items.filter { $0.kind == .fixed }
        XCTAssertEqual(fixed.map(\.figure), [IndicatorID("cleaners")])
        XCTAssertEqual(fixed.first?.lower, 0)
        XCTAssertEqual(fixed.first?.levels, [.village], "only where the rule applies")
        // The warning rule can never hold given the error rules: said as a warning-level conflict.
        let soft = a.items.filter { $0.kind == .infeasible && $0.severity == .warning }
        XCTAssertEqual(soft.first?.rules.map(\.rule.description).sorted(), ["identity.more_toilets", "identity.part_whole"])
        XCTAssertFalse(a.items.contains { $0.kind == .infeasible && $0.severity == .error }, "a warning never makes the error rules infeasible")
        // A product of two figures cannot take part: listed with why.
        let product = a.notAnalysed.first { $0.rule.rule.description == "identity.product" }
        XCTAssertEqual(product?.reason.en, "a product of two figures (not linear)")
    }

    func testMinMaxAbsAndIfAreAnalysedAsCases() throws {
        let (ref, _) = try reference(appending: """
          - id: identity.gap
            title: 差距
            severity: error
            assert: "abs(garbage_collected_t - garbage_generated_t) <= 5 and max(cleaners, 2) <= 3"

        """)
        let a = RuleSetAnalysis.analyse(ref)
        XCTAssertFalse(a.notAnalysed.contains { $0.rule.rule.description == "identity.gap" })
        // max(cleaners, 2) <= 3 confines cleaners to at most 3.
        let bound = a.items.first { $0.kind == .bound && $0.figure == "cleaners" }
        XCTAssertEqual(bound?.upper, 3)
    }

    /// R3: rules that together force an inequality to hold as an equality — a part at least its
    /// whole (with part ≤ whole: every village at 100 %), a year-to-date figure at most last
    /// period's (with the ytd rule: nothing added all year) — are reported with the rules forcing them.
    func testImplicitEqualitiesAreReportedWithTheRulesThatForceThem() throws {
        let (ref, _) = try reference(appending: """
          - id: identity.all_toilets
            title: 卫生厕所户数不少于总户数
            severity: error
            assert: "sanitary_toilet_hh >= households"
          - id: temporal.no_more_investment
            title: 投入不超过上期
            severity: error
            assert: "investment_10k_yuan <= prev(investment_10k_yuan)"

        """)
        let a = RuleSetAnalysis.analyse(ref)
        let equalities = a.items.filter { $0.kind == .equality }
        let named = Set(equalities.map { $0.rules.map(\.rule.description).sorted().joined(separator: " + ") })
        XCTAssertTrue(named.contains("identity.all_toilets + identity.part_whole"), "\(named)")
        XCTAssertTrue(named.contains("temporal.no_more_investment + temporal.ytd_decrease"), "\(named)")
        XCTAssertFalse(a.isClean, "not \"Clean\"")
        XCTAssertTrue(RuleAnalysisReport.text(a, lang: .zh).contains("隐含等式"))
    }

    /// R4: two rules that say the same (`cleaners >= 1`, `cleaners > 0` for whole numbers) are one
    /// equivalent pair — keep one — not two redundant rules inviting deletion of both.
    func testEquivalentRulesAreOnePairNotTwoRedundantRules() throws {
        let (ref, _) = try reference(appending: """
          - id: identity.cleaners_one
            title: 至少 1 名保洁员
            severity: error
            assert: "cleaners >= 1"
          - id: identity.cleaners_some
            title: 保洁员多于 0
            severity: error
            assert: "cleaners > 0"

        """)
        let a = RuleSetAnalysis.analyse(ref)
        let pairs = a.items.filter { $0.kind == .equivalent }
        XCTAssertEqual(pairs.map { Set($0.rules.map(\.rule.description)) }, [["identity.cleaners_one", "identity.cleaners_some"]])
        XCTAssertFalse(a.items.contains { $0.kind == .redundant && ["identity.cleaners_one", "identity.cleaners_some"].contains($0.rules.first?.rule.description ?? "") })
        XCTAssertTrue(RuleAnalysisReport.text(a, lang: .en).contains("EQUIVALENT PAIR"))
    }
}
