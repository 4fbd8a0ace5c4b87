import Foundation
import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReference
import RenjuChecks

/// The fabrications a ranking and a yearly assessment invite, with hand-computed cases: units
/// bunched just at their target, a target reached exactly when due after a pace far short of it,
/// one value pasted across a group.
final class AssessmentSignalsTests: XCTestCase {
    let villages = (1...12).map { String(format: "640422100%03d", 200 + $0) }

    func reference(targets: [(String, String, Double)] = []) throws -> ReferenceData {
        var csv = "code,name,level,parent\n640422000000,西吉县,county,\n640422100000,吉强镇,township,640422000000\n"
        for (i, v) in villages.enumerated() { csv += "\(v),村\(i + 1),village,640422100000\n" }
        var ref = try testReference(divisions: csv)
        ref.targets = Targets(try targets.map { u, id, t in Target(year: 2025, unit: try XCTUnwrap(UnitCode(u)), indicator: IndicatorID(id), value: t) })
        return ref
    }

    // MARK: target.bunching

    /// Toilet coverage with a target of 80 % in every village; `achieved[k]` is village k's share of it.
    func coverage(_ achieved: [Double]) throws -> (ReferenceData, String) {
        let ref = try reference(targets: villages.map { ($0, "sanitary_toilet_rate", 80) })
        let rows = zip(villages, achieved).map { v, a -> (String, [String: Double?]) in
            let toilets = (1000 * 0.8 * a).rounded()
            return (v, ["households": 1000, "sanitary_toilet_hh": toilets, "sanitary_toilet_rate": toilets / 10])
        }
        return (ref, longCSV(period: "2025Q3", rows: rows))
    }

    func testManyUnitsJustAtTheirTargetAndFewJustBelowAreFound() throws {
        // 8 villages at 100.0–101.5 % of the target, 1 at 99 %, 3 far below: 8 ≥ 5 and 8 ≥ 3 × (1 + 1).
        let (ref, csv) = try coverage([1.0, 1.005, 1.01, 1.015, 1.0, 1.005, 1.01, 1.0, 0.99, 0.85, 0.8, 0.9])
        let f = try XCTUnwrap(validate([csv], reference: ref).findings.first { $0.rule == AssessmentCheck.bunching })
        XCTAssertEqual(f.indicator, "sanitary_toilet_rate")
        XCTAssertEqual(f.unit?.rawValue, "640422100000", "said once, for the township the villages share")
        XCTAssertTrue(f.message.zh.hasPrefix("12 个有目标的村中，8 个的卫生厕所普及率刚好达到或略超年度目标") && f.message.zh.contains("只有 1 个"), f.message.zh)
    }

    func testAchievementSpreadOnBothSidesOfTheTargetIsQuiet() throws {
        // 85 % … 115 % in even steps: 1 village in 100–102 %, 1 in 98–100 %.
        let (ref, csv) = try coverage((0..<12).map { 0.85 + 0.3 * Double($0) / 11 })
        XCTAssertFalse(validate([csv], reference: ref).rules().contains("target.bunching"))
    }

    // MARK: target.exact_at_due

    func testATargetReachedExactlyAtYearEndAfterASlowPaceIsFound() throws {
        let v = villages[0]
        let ref = try reference(targets: [(v, "investment_10k_yuan", 100)])
        // 30 by the third quarter (10 a quarter: the year would have ended at 40 %), then 100.5.
        let q3 = longCSV(period: "2025Q3", rows: [(v, ["investment_10k_yuan": 30])])
        let q4 = longCSV(period: "2025Q4", rows: [(v, ["investment_10k_yuan": 100.5])])
        let f = try XCTUnwrap(validate([q3, q4], reference: ref).findings.first { $0.rule == AssessmentCheck.exact })
        XCTAssertEqual(f.value, 100.5)
        XCTAssertTrue(f.message.zh.contains("本期新增 70.5万元，是此前各期平均每期 10万元的 7.0 倍") && f.message.zh.contains("只能到 40%"), f.message.zh)
        // On pace all year (75 by the third quarter, 101 at the end): quiet.
        let steady = [longCSV(period: "2025Q3", rows: [(v, ["investment_10k_yuan": 75])]), longCSV(period: "2025Q4", rows: [(v, ["investment_10k_yuan": 101])])]
        XCTAssertFalse(validate(steady, reference: ref).rules().contains("target.exact_at_due"))
    }

    // MARK: duplicate.pasted

    func testOneValueInEveryUnitOfAGroupIsFoundFromTheFirstPeriod() throws {
        let ref = try reference()
        let rows = villages.map { ($0, ["households": 693.0, "cleaners": 2] as [String: Double?]) }
        let r = validate([longCSV(period: "2025Q3", rows: rows)], reference: ref)
        let pasted = r.findings.filter { $0.rule == AssessmentCheck.pasted }
        XCTAssertEqual(pasted.map(\.indicator?.rawValue), ["households"], "693 households in all 12; 2 cleaners each is too small a number to mean anything")
        XCTAssertEqual(pasted.first?.unit?.rawValue, "640422000000")
        XCTAssertTrue(pasted.first?.message.zh.hasPrefix("12 个村中有 12 个的总户数都是 693户") ?? false, pasted.first?.message.zh ?? "")
        // Ordinary variety: quiet.
        let varied = villages.enumerated().map { k, v in (v, ["households": 600.0 + Double(k) * 7] as [String: Double?]) }
        XCTAssertFalse(validate([longCSV(period: "2025Q3", rows: varied)], reference: ref).rules().contains("duplicate.pasted"))
    }

    // MARK: duplicate.too_alike

    func testATownshipWhoseVillagesAreFarMoreAlikeThanTheOthersIsFound() throws {
        // Four townships of six villages; toilet coverage spread over ±6 points in three of them,
        // within ±0.3 in the first: MAD 0.2 against the others' 4.5.
        var csv = "code,name,level,parent\n640422000000,西吉县,county,\n"
        var rows: [(String, [String: Double?])] = []
        let spreads: [[Double]] = [[70.1, 69.9, 70.3, 69.8, 70.2, 69.7], [64, 67, 70, 73, 76, 79], [61, 64, 67, 70, 73, 76], [66, 69, 72, 75, 78, 81]]
        for (t, rates) in spreads.enumerated() {
            let township = String(format: "640422%03d000", 100 + t)
            csv += "\(township),镇\(t + 1),township,640422000000\n"
            for (k, r) in rates.enumerated() {
                let v = String(format: "640422%03d%03d", 100 + t, 201 + k)
                csv += "\(v),村\(t)\(k),village,\(township)\n"
                rows.append((v, ["households": 1000, "sanitary_toilet_hh": r * 10, "sanitary_toilet_rate": r]))
            }
        }
        let r = validate([longCSV(period: "2025Q3", rows: rows)], reference: try testReference(divisions: csv))
        let found = r.findings.filter { $0.rule == AlikeCheck.id }
        XCTAssertEqual(found.map(\.unit?.rawValue), ["640422100000"], "\(found.map(\.message.zh))")
        // 70.1, 69.9, 70.3, 69.8, 70.2, 69.7: median 70.0, deviations 0.1 0.1 0.3 0.2 0.2 0.3 → MAD 0.2;
        // the others, e.g. 64 … 79: median 71.5, deviations 7.5 4.5 1.5 1.5 4.5 7.5 → MAD 4.5 (each of the three).
        XCTAssertEqual(found.first?.value, 0.2)
        XCTAssertEqual(found.first?.expected, 4.5)
    }
}
