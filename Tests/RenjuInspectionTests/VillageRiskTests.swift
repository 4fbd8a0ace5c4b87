import Foundation
import XCTest
import RenjuModel
import RenjuInspection

/// Which villages an inspector should visit first: the risk the open findings put on each.
final class VillageRiskTests: XCTestCase {
    let county = UnitCode("640422000000")!, town = UnitCode("640422101000")!
    let v1 = UnitCode("640422101201")!, v2 = UnitCode("640422101202")!
    var tree: DivisionTree {
        DivisionTree([Unit(code: county, name: "县", level: .county, parent: nil), Unit(code: town, name: "乡", level: .township, parent: county),
                      Unit(code: v1, name: "一村", level: .village, parent: town), Unit(code: v2, name: "二村", level: .village, parent: town)])
    }
    let catalog = Catalog([
        Indicator(id: "households", name: "总户数", unit: "户", decimals: 0, kind: .flow),
        Indicator(id: "toilet_hh", name: "卫生厕所户数", unit: "户", decimals: 0, kind: .flow),
        Indicator(id: "toilet_rate", name: "卫生厕所普及率", unit: "%", decimals: 2, kind: .rate(numerator: "toilet_hh", denominator: "households")),
    ])

    func finding(_ rule: String, _ severity: Severity, _ unit: UnitCode, _ indicator: IndicatorID? = nil, explained: Bool = false) -> Finding {
        var f = Finding(rule: RuleID(rule)!, severity: severity, unit: unit, period: nil, indicator: indicator, message: Message(zh: "", en: ""))
        f.explained = explained
        return f
    }

    func testAnErrorCountsOneAWarningHalfAndATownshipsIsSharedByItsVillages() {
        let risk = VillageRisk(findings: [finding("identity.rate", .error, v1, "toilet_rate"),
                                          finding("temporal.stable", .warning, v2),
                                          finding("aggregate.sum", .error, town)],
                               villages: [v1, v2], tree: tree, catalog: catalog)
        XCTAssertEqual(risk.score[v1] ?? 0, 1.5, accuracy: 1e-9, "its own error and half the township's")
        XCTAssertEqual(risk.score[v2] ?? 0, 1.0, accuracy: 1e-9, "a warning (0.5) and half the township's error")
        XCTAssertEqual(risk.rules(of: v1, indicator: "toilet_hh").map(\.description), ["aggregate.sum", "identity.rate"],
                       "a rate's finding names its parts, which an inspector can count; the township's names every figure")
        XCTAssertEqual(risk.rules(of: v1, indicator: "toilet_rate").map(\.description), ["aggregate.sum"])
        XCTAssertTrue(risk.reason(v1).hasPrefix("aggregate.sum、identity.rate（影响分 1.50"), risk.reason(v1))
    }

    func testExplainedAndInformationalFindingsPutNoRisk() {
        let risk = VillageRisk(findings: [finding("temporal.stable", .warning, v1, explained: true), finding("outlier.peer", .info, v2)],
                               villages: [v1, v2], tree: tree, catalog: catalog)
        XCTAssertTrue(risk.score.isEmpty, "\(risk.score)")
    }
}
