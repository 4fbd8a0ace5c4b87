import XCTest
import Foundation
import RenjuTestSupport
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuEditing
import RenjuReport

/// Imputation (`--impute`), opt-in and never silent: values for localised and blank figures, each
/// with how it was found, each passing every error rule when put in.
final class ImputationTests: XCTestCase {
    func testLocalisedAndBlankFiguresGetValuesThatPassEveryErrorRule() throws {
        let ref = try testReference()
        let a0 = villageValues(households: 500, toilets: 400, roadTotal: 13, roadHard: 12)
        var a = a0
        a["road_hardening_rate"] = 100                 // 12 ÷ 13: the rules leave 92.31
        let b0 = villageValues(households: 300, toilets: 210, sewage: 90, roadTotal: 6, roadHard: 5, cleaners: 4)
        var b = b0
        b["cleaners"] = nil                            // blank: required
        let before = longCSV(period: "2025Q2", rows: [("640422100201", a0), ("640422100202", b0)])
        let now = longCSV(period: "2025Q3", rows: [("640422100201", a), ("640422100202", b)])
        let subs = [before, now].enumerated().flatMap { readCSV($0.element, file: "f\($0.offset).csv", reference: ref) }
        var result = Validator(reference: ref, stages: [ErrorLocaliser(reference: ref)]).validate(submissions: subs)
        XCTAssertTrue(result.findings.contains { $0.rule == CompletenessCheck.missingValue && $0.indicator == "cleaners" })
        result.imputed = Imputer(reference: ref).impute(result)
        let byKey = Dictionary(uniqueKeysWithValues: result.imputed.map { ("\($0.unit)|\($0.indicator)", $0) })
        let rate = try XCTUnwrap(byKey["640422100201|road_hardening_rate"])
        XCTAssertEqual(rate.value, 92.31); XCTAssertEqual(rate.method, .deterministic); XCTAssertEqual(rate.reported, 100)
        let cleaners = try XCTUnwrap(byKey["640422100202|cleaners"], "\(result.imputed)")
        XCTAssertNil(cleaners.reported)
        // Too few peers for a ratio (one other village in the county with both quarters): the
        // donor 甲村's 6 cleaners for 500 households, scaled to 300 households → 3.6 → 4.
        XCTAssertEqual(cleaners.method, .donor)
        XCTAssertEqual(cleaners.value, 4)
        XCTAssertTrue(cleaners.basis.en.contains("640422100201"))
        // Every imputed value, put in, passes every error rule.
        var fixed = subs
        for i in fixed.indices where fixed[i].period == Period(year: 2025, quarter: 3) {
            for f in result.imputed { fixed[i].values.set(f.unit, f.indicator, Observation(f.value)) }
        }
        let again = Validator(reference: ref).validate(submissions: fixed)
        XCTAssertFalse(again.findings.contains { $0.severity == .error && [UnitCode("640422100201"), UnitCode("640422100202")].contains($0.unit) && $0.rule.category != .signoff },
                       "\(again.findings.filter { $0.severity == .error }.map { "\($0.rule) \($0.unit?.rawValue ?? "")" })")
        // The status is in the JSON report, beside the reported figure.
        let json = try parseJSON(JSONReport.render(result, lang: .zh))
        let listed = try XCTUnwrap(json["imputed"] as? [[String: Any]])
        XCTAssertTrue(listed.contains { $0["indicator"] as? String == "cleaners" && $0["status"] as? String == "imputed" && $0["method"] as? String == "donor" })
    }

    func testNothingIsImputedUnlessAskedFor() throws {
        let ref = try testReference()
        var a = villageValues()
        a["road_hardening_rate"] = 100
        let subs = readCSV(longCSV(period: "2025Q3", rows: [("640422100201", a)]), reference: ref)
        let result = Validator(reference: ref, stages: [ErrorLocaliser(reference: ref)]).validate(submissions: subs)
        XCTAssertTrue(result.imputed.isEmpty)
        XCTAssertNil(try parseJSON(JSONReport.render(result, lang: .zh))["imputed"])
    }
}
