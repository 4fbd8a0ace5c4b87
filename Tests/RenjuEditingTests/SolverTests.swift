import XCTest
import RenjuEditing
import RenjuModel

/// The exact solver under the analysis and the localisation.
final class SolverTests: XCTestCase {
    let x = Term.figure("households"), y = Term.figure("sanitary_toilet_hh")

    func testFeasibilityBoundsAndWholeNumbers() {
        // y ≤ x, y ≥ x + 1: infeasible.
        let conflict = LinearProblem(domains: [:], constraints: [
            Constraint(.term(y) - .term(x), .lessEqual), Constraint(.term(y) - .term(x) - .number(1), .greaterEqual)])
        XCTAssertEqual(conflict.feasible(), false)
        // 0.2 ≤ x ≤ 0.8 has real solutions but no whole one.
        let band = [Constraint(.term(x) - .number(0.2), .greaterEqual), Constraint(.term(x) - .number(0.8), .lessEqual)]
        XCTAssertEqual(LinearProblem(domains: [x: Domain()], constraints: band).feasible(), true)
        XCTAssertEqual(LinearProblem(domains: [x: Domain(integer: true)], constraints: band).feasible(), false)
        // The range of y given 0 ≤ y ≤ x = 7.
        let r = LinearProblem(domains: [x: .fixed(7), y: Domain(lower: 0)], constraints: [Constraint(.term(y) - .term(x), .lessEqual)]).range(of: y)
        XCTAssertEqual(r?.lower, 0); XCTAssertEqual(r?.upper, 7)
    }

    func testStrictInequalitiesAndNegation() {
        // not (x <= 3) is x > 3: with x ≤ 3 infeasible, with x whole its least value is 4.
        let f = Formula.constraint(Constraint(.term(x) - .number(3), .lessEqual)).negated
        guard let b = f.branches(), b.count == 1 else { return XCTFail("one branch") }
        XCTAssertEqual(LinearProblem(domains: [:], constraints: b[0] + [Constraint(.term(x) - .number(3), .lessEqual)]).feasible(), false)
        XCTAssertEqual(LinearProblem(domains: [x: Domain(integer: true)], constraints: b[0]).range(of: x)?.lower, 4)
    }

    func testSolvingSideBySideGivesTheSameAnswers() {
        // GLPK keeps its state per thread: many problems at once must not disturb each other.
        let x = self.x
        let answers = Array(0..<400).concurrentMap { k -> Double? in
            LinearProblem(domains: [x: Domain(lower: Double(k), integer: true)], constraints: [Constraint(.term(x) - .number(Double(k) + 0.5), .lessEqual)])
                .range(of: x)?.upper
        }
        XCTAssertEqual(answers, (0..<400).map { Double($0) })
    }
}
