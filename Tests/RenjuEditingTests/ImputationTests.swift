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

    /// The methods are data (rules.yaml `imputation:`): cleaners by the village's own trend.
    func testTheMethodOfAFigureIsChosenInRulesYAML() throws {
        let (ref, _) = try editedReference("rules.yaml") { $0.replacingOccurrences(of: "    road_hardened_km: [deterministic, trend, ratio, donor]",
                                                                                   with: "    road_hardened_km: [deterministic, trend, ratio, donor]\n    cleaners: [trend, donor]") }
        XCTAssertEqual(ref.checks.imputation.methods(for: "cleaners"), [.trend, .donor])
        XCTAssertEqual(ref.checks.imputation.methods(for: "households"), [.deterministic, .ratio, .donor], "the default for the others")
        var now = villageValues(cleaners: 9)
        now["cleaners"] = nil
        let texts = [longCSV(period: "2025Q1", rows: [("640422100201", villageValues(cleaners: 5)), ("640422100202", villageValues(cleaners: 3))]),
                     longCSV(period: "2025Q2", rows: [("640422100201", villageValues(cleaners: 7)), ("640422100202", villageValues(cleaners: 3))]),
                     longCSV(period: "2025Q3", rows: [("640422100201", now), ("640422100202", villageValues(cleaners: 3))])]
        let subs = texts.enumerated().flatMap { readCSV($0.element, file: "f\($0.offset).csv", reference: ref) }
        let result = Validator(reference: ref, stages: [ErrorLocaliser(reference: ref)]).validate(submissions: subs)
        let f = try XCTUnwrap(Imputer(reference: ref).impute(result).first { $0.indicator == "cleaners" })
        XCTAssertEqual(f.method, .trend)
        XCTAssertEqual(f.value, 9, "7 last quarter, up 2 since the quarter before")
        XCTAssertEqual(f.basis.zh, "上期 7 + 较 2025年第一季度 的变动 2")
        // A method that is not one is refused with its line.
        XCTAssertThrowsError(try editedReference("rules.yaml", { $0.replacingOccurrences(of: "  methods: [deterministic, ratio, donor]", with: "  methods: [deterministic, guess]") }, name: "bad")) { e in
            XCTAssertTrue("\(e)".contains("unknown method “guess”"), "\(e)")
        }
    }

    /// A township total the county trusts: the villages are scaled to it (whole households by the
    /// largest remainders), their rates follow, and every value passes the error rules.
    func testATrustedTotalProratesItsVillages() throws {
        let ref = try testReference()
        let a = villageValues(households: 500, toilets: 400), b = villageValues(households: 300, toilets: 210, sewage: 90)
        var total = totalValues([a, b])
        total["households"] = 820
        total["sanitary_toilet_rate"] = ((610.0 / 820 * 100) * 100).rounded() / 100
        total["sewage_treatment_rate"] = ((290.0 / 820 * 100) * 100).rounded() / 100
        let subs = readCSV(longCSV(period: "2025Q3", rows: [("640422100000", total), ("640422100201", a), ("640422100202", b)]), reference: ref)
        let result = Validator(reference: ref, stages: [ErrorLocaliser(reference: ref)]).validate(submissions: subs)
        let plain = Imputer(reference: ref).impute(result)
        XCTAssertEqual(plain.first { $0.indicator == "households" }?.unit.rawValue, "640422100000", "not trusted: the total is the figure to fix")
        let imputed = Imputer(reference: ref).impute(result, prorate: true)
        let hh = imputed.filter { $0.indicator == "households" }
        XCTAssertEqual(hh.map(\.unit.rawValue), ["640422100201", "640422100202"], "\(imputed)")
        XCTAssertEqual(hh.map(\.value), [513, 307], "820 × 500/800 = 512.5 and 820 × 300/800 = 307.5: the tie goes to the first code")
        XCTAssertEqual(hh.map(\.method), [.prorate, .prorate])
        XCTAssertEqual(hh.map(\.value).reduce(0, +), 820)
        XCTAssertTrue(hh[0].basis.zh.hasPrefix("按 640422100000 吉强镇 的合计 820 分摊"), hh[0].basis.zh)
        let rate = try XCTUnwrap(imputed.first { $0.unit.rawValue == "640422100201" && $0.indicator == "sanitary_toilet_rate" })
        XCTAssertEqual(rate.value, 77.97, "400 ÷ 513, from the parts as filled in")
    }

    /// A township that did not report: its figures for the county total from its last quarter ×
    /// the median change of the townships that did.
    func testATownshipThatDidNotReportIsEstimatedFromItsLastPeriod() throws {
        let ref = try testReference()
        let before = longCSV(period: "2025Q2", rows: [("640422100201", villageValues(households: 500, toilets: 400)),
                                                       ("640422100202", villageValues(households: 300, toilets: 200)),
                                                       ("640422101201", villageValues(households: 400, toilets: 300))])
        let now = longCSV(period: "2025Q3", rows: [("640422100201", villageValues(households: 500, toilets: 440)),
                                                    ("640422100202", villageValues(households: 300, toilets: 220))])
        let subs = [before, now].enumerated().flatMap { readCSV($0.element, file: "f\($0.offset).csv", reference: ref) }
        let result = Validator(reference: ref).validate(submissions: subs)
        var current = PeriodValues()
        for sub in result.submissions where sub.period == Period(year: 2025, quarter: 3) { current.merge(sub.values, overwrite: true) }
        let est = Imputer(reference: ref).estimateUnreported(root: try XCTUnwrap(UnitCode("640422000000")), level: .township, period: Period(year: 2025, quarter: 3),
                                                             current: current, history: result.history)
        XCTAssertEqual(Set(est.map(\.unit.rawValue)), ["640422101000"], "兴隆镇 only: 吉强镇 reported")
        XCTAssertTrue(est.allSatisfy { $0.method == .unreported && $0.reported == nil })
        XCTAssertEqual(est.first { $0.indicator == "sanitary_toilet_hh" }?.value, 330, "300 × 吉强镇's change 660/600 = 1.1")
        XCTAssertEqual(est.first { $0.indicator == "households" }?.value, 400)
        XCTAssertNil(est.first { $0.indicator == "sanitary_toilet_rate" }, "rates follow from the estimated parts on the return")
    }
}
