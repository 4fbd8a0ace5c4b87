import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReference
@testable import RenjuChecks

/// The checks run side by side, the large ones started first: the order they start in must
/// change no finding and no report.
final class CheckOrderTests: XCTestCase {
    /// A check that reports one finding (the same unit, rule and severity for every stub: only
    /// the check order tells them apart in the report) and says how large it is.
    struct Stub: Check {
        let name: String
        let cost: CheckCost
        var rules: [RuleDescriptor] { [] }
        var explanation: Message { Message(zh: name, en: name) }
        func run(_ ctx: CheckContext) -> [Finding] {
            [Finding(rule: RuleID(.outlier, "stub"), severity: .warning, unit: UnitCode("640422100201"), period: ctx.period,
                     message: Message(zh: name, en: name))]
        }
    }

    let stubs = [Stub(name: "a", cost: .small), Stub(name: "b", cost: .large), Stub(name: "c", cost: .medium),
                 Stub(name: "d", cost: .large), Stub(name: "e", cost: .small), Stub(name: "f", cost: .medium)]

    func testLargeChecksStartFirstThenAsListed() {
        XCTAssertEqual(Validator.startOrder(stubs).map { stubs[$0].name }, ["b", "d", "c", "f", "a", "e"])
        // The built-in checks: every large one starts before any other, and each tier keeps the registry's order.
        let order = Validator.startOrder(CheckRegistry.builtIn)
        let costs = order.map { CheckRegistry.builtIn[$0].cost }
        XCTAssertEqual(costs, costs.sorted(by: >))
        for tier in [CheckCost.large, .medium, .small] {
            let positions = order.filter { CheckRegistry.builtIn[$0].cost == tier }
            XCTAssertEqual(positions, positions.sorted())
        }
        XCTAssertTrue(costs.contains(.large) && costs.contains(.small))
    }

    func testFindingsStayInCheckOrderWhateverOrderTheChecksStartIn() throws {
        let reference = try testReference()
        let subs = readCSV(cleanTownship(), reference: reference)
        for _ in 0..<20 {
            let r = Validator(reference: reference, checks: stubs, stages: []).validate(submissions: subs)
            XCTAssertEqual(r.findings.filter { $0.rule.description == "outlier.stub" }.map(\.message.en), ["a", "b", "c", "d", "e", "f"])
        }
    }
}
