import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReading
import RenjuReference
import RenjuChecks

/// The rule expression language: parser, evaluator, missing values, and rules as data.
final class RuleLanguageTests: XCTestCase {
    var reference: ReferenceData!
    override func setUpWithError() throws { reference = try testReference() }

    func parse(_ s: String) throws -> RuleExpression {
        try RuleExpressionParser.parse(s) { self.reference.catalog[$0] != nil }
    }

    /// Evaluates an expression for a unit of the given submissions (the newest period is current).
    func eval(_ s: String, unit: String = "640422100201", texts: [String]) throws -> RuleValue {
        try evaluateRule(s, unit: unit, texts: texts, reference: reference)
    }

    func testPrecedence() throws {
        let t = [cleanTownship()]
        XCTAssertEqual(try eval("1 + 2 * 3", texts: t), .number(7))
        XCTAssertEqual(try eval("(1 + 2) * 3", texts: t), .number(9))
        XCTAssertEqual(try eval("10 - 4 - 3", texts: t), .number(3), "left associative")
        XCTAssertEqual(try eval("12 / 3 / 2", texts: t), .number(2))
        XCTAssertEqual(try eval("-2 * 3 + 1", texts: t), .number(-5))
        XCTAssertEqual(try eval("1 + 1 == 2 and 3 > 2", texts: t), .bool(true), "comparison binds tighter than and")
        XCTAssertEqual(try eval("1 > 2 and 1 > 2 or 3 > 2", texts: t), .bool(true), "and binds tighter than or")
        XCTAssertEqual(try eval("not 1 > 2 and 2 > 1", texts: t), .bool(true), "not binds tighter than and")
        XCTAssertEqual(try eval("max(1, 5, 3) - min(4, 2) + abs(-3)", texts: t), .number(6))
        XCTAssertEqual(try eval("if(households > 100, 1, 2)", texts: t), .number(1))
        XCTAssertEqual(try eval("households * 2", texts: t), .number(1000))
    }

    func testParseErrorsSayWhere() {
        XCTAssertThrowsError(try parse("households >")) { XCTAssertEqual(($0 as? RuleExpressionError)?.offset, 12) }
        XCTAssertThrowsError(try parse("housholds > 1")) { e in
            XCTAssertEqual((e as? RuleExpressionError)?.offset, 0)
            XCTAssertTrue("\(e)".contains("unknown indicator"))
        }
        XCTAssertThrowsError(try parse("prev(1)")) { XCTAssertTrue("\($0)".contains("indicator")) }
        XCTAssertThrowsError(try parse("if(1, 2)")) { XCTAssertTrue("\($0)".contains("3 argument")) }
        XCTAssertThrowsError(try parse("1 < 2 < 3")) { XCTAssertTrue("\($0)".contains("chain")) }
        XCTAssertThrowsError(try parse("frob(households)")) { XCTAssertTrue("\($0)".contains("unknown function")) }
        XCTAssertThrowsError(try parse("(households + 1")) { XCTAssertTrue("\($0)".contains(")")) }
    }

    func testDivisionByZeroIsMissingNotInfinity() throws {
        let t = [cleanTownship(a: villageValues(generated: 0, collected: 0, harmless: 0))]
        XCTAssertEqual(try eval("garbage_collected_t / garbage_generated_t", texts: t), .missing)
        XCTAssertEqual(try eval("garbage_collected_t / garbage_generated_t > 0.5 or 1 > 0", texts: t), .bool(true), "true or missing is true")
        XCTAssertEqual(try eval("garbage_collected_t / garbage_generated_t > 0.5 and 1 > 2", texts: t), .bool(false), "false and missing is false")
    }

    func testPrevAtTheFirstQuarterReadsTheYearBefore() throws {
        let q4 = cleanTownship(period: "2024Q4", a: villageValues(toilets: 350))
        let q1 = cleanTownship(period: "2025Q1", a: villageValues(toilets: 380))
        XCTAssertEqual(try eval("prev(sanitary_toilet_hh)", texts: [q4, q1]), .number(350))
        XCTAssertEqual(try eval("sanitary_toilet_hh - prev(sanitary_toilet_hh)", texts: [q4, q1]), .number(30))
        // 2025Q3's previous period is 2025Q2: a 2024Q4 file is not it.
        let q3 = cleanTownship(period: "2025Q3", a: villageValues(toilets: 400))
        XCTAssertEqual(try eval("prev(sanitary_toilet_hh)", texts: [q4, q3]), .missing)
        XCTAssertEqual(try eval("is_blank(households)", texts: [q3]), .bool(false))
    }

    func testSumChildrenAtTownshipLevel() throws {
        let t = [cleanTownship()]
        XCTAssertEqual(try eval("sum_children(households)", unit: "640422100000", texts: t), .number(800))
        XCTAssertEqual(try eval("households == sum_children(households)", unit: "640422100000", texts: t), .bool(true))
        XCTAssertEqual(try eval("sum_children(households)", unit: "640422100201", texts: t), .missing, "a village has no children")
    }

    func testTargetFunction() throws {
        // The bundled targets have 2025 targets for 640422100000.
        let t = [cleanTownship()]
        let target = try XCTUnwrap(reference.targets.target(year: 2025, unit: XCTUnwrap(UnitCode("640422100000")), indicator: "investment_10k_yuan"))
        XCTAssertEqual(try eval("target(investment_10k_yuan)", unit: "640422100000", texts: t), .number(target))
        XCTAssertEqual(try eval("target(investment_10k_yuan)", unit: "640422100201", texts: t), .missing)
    }

    /// Writes a copy of the bundled reference data with extra user rules appended to rules.yaml.
    func referenceWith(rules: String) throws -> ReferenceData {
        let dir = try temporaryDirectory("rules")
        let dest = dir.appendingPathComponent("reference-data")
        try FileManager.default.copyItem(atPath: bundledReference, toPath: dest.path)
        let p = dest.appendingPathComponent("rules.yaml")
        try (try String(contentsOf: p, encoding: .utf8) + rules).write(to: p, atomically: true, encoding: .utf8)
        let div = dir.appendingPathComponent("d.csv")
        try testDivisionsCSV.write(to: div, atomically: true, encoding: .utf8)
        return try ReferenceData.load(directory: dest.path, divisions: div.path)
    }

    func testAUserRuleFlagsExactlyTheUnitsThatBreakIt() throws {
        let ref = try referenceWith(rules: """
          - id: identity.cleaners_per_200_households
            title: 每 200 户至少 1 名保洁员
            severity: warning
            levels: [village]
            assert: "cleaners * 200 >= households"
            indicator: cleaners

        """)
        // 甲村: 500 households, 2 cleaners (needs 3) → flagged; 乙村: 300 households, 2 cleaners → fine.
        let text = cleanTownship(a: villageValues(households: 500, toilets: 400, cleaners: 2),
                                 b: villageValues(households: 300, toilets: 210, cleaners: 2))
        let r = validate([text], reference: ref)
        let hits = r.findings.filter { $0.rule.description == "identity.cleaners_per_200_households" }
        XCTAssertEqual(hits.map(\.unit?.rawValue), ["640422100201"])
        XCTAssertEqual(hits.first?.severity, .warning)
        XCTAssertEqual(hits.first?.indicator, "cleaners")
        XCTAssertTrue(hits.first?.message.zh.contains("保洁员=2") ?? false)
        // The township total (4 cleaners for 800 households) is not checked: the rule is for villages.
        XCTAssertFalse(hits.contains { $0.unit?.rawValue == "640422100000" })
    }

    func testMissingValueStrategies() throws {
        let rules = """
          - id: completeness.skip_when_missing
            title: skip
            severity: warning
            assert: "green_area_added_10k_m2 >= 0"
          - id: completeness.fail_when_missing
            title: fail
            severity: warning
            missing: fail
            assert: "green_area_added_10k_m2 >= 0"

        """
        let ref = try referenceWith(rules: rules)
        var a = villageValues()
        a["green_area_added_10k_m2"] = nil
        let r = validate([cleanTownship(a: a)], reference: ref)
        XCTAssertFalse(r.rules(unit: "640422100201").contains("completeness.skip_when_missing"))
        XCTAssertTrue(r.rules(unit: "640422100201").contains("completeness.fail_when_missing"))
        XCTAssertFalse(r.rules(unit: "640422100202").contains("completeness.fail_when_missing"))
    }

    func testMalformedRuleIsRefusedWithFileLineAndColumn() throws {
        XCTAssertThrowsError(try referenceWith(rules: """
          - id: identity.broken
            title: broken
            severity: warning
            assert: "cleaners * 200 >= housholds"

        """)) { e in
            let err = try? XCTUnwrap(e as? ReferenceError)
            XCTAssertTrue(err?.file.hasSuffix("rules.yaml") ?? false)
            XCTAssertNotNil(err?.line)
            // `    assert: "` puts the expression's first character in column 14; “housholds” starts
            // 18 characters later.
            XCTAssertEqual(err?.column, 14 + 18, "\(e)")
            XCTAssertTrue(err?.description.contains("housholds") ?? false)
        }
        XCTAssertThrowsError(try referenceWith(rules: """
          - id: nonsense.rule
            title: t
            severity: warning
            assert: "1 > 0"

        """)) { XCTAssertTrue("\($0)".contains("category")) }
    }
}

/// Targets, the rest of the temporal checks, and explanations (说明).
final class TargetTemporalExplanationTests: XCTestCase {
    var reference: ReferenceData!
    override func setUpWithError() throws { reference = try testReference() }
    let town = "640422100000"

    func targetsReference(_ csv: String) throws -> ReferenceData {
        let dir = try temporaryDirectory("targets")
        let div = dir.appendingPathComponent("d.csv"), tg = dir.appendingPathComponent("t.csv")
        try testDivisionsCSV.write(to: div, atomically: true, encoding: .utf8)
        try csv.write(to: tg, atomically: true, encoding: .utf8)
        return try ReferenceData.load(directory: bundledReference, divisions: div.path, targets: tg.path)
    }

    func testOvershootAndBehindAtYearEnd() throws {
        // The township total: 8 houses (5 + 3) renovated; investment 180 (100 + 80).
        let ref = try targetsReference("year,unit_code,indicator,target\n2025,640422100000,dilapidated_houses_renovated,5\n2025,640422100000,investment_10k_yuan,250\n")
        let q3 = validate([cleanTownship()], reference: ref)
        let over = try XCTUnwrap(q3.findings.first { $0.rule.description == "target.overshoot" })
        XCTAssertEqual(over.unit?.rawValue, town)
        XCTAssertEqual(over.indicator, "dilapidated_houses_renovated")
        XCTAssertTrue(over.message.zh.contains("160%"), over.message.zh)
        XCTAssertFalse(q3.rules().contains("target.behind"), "behind is judged at year end only")
        let q4 = validate([cleanTownship(period: "2025Q4")], reference: ref)
        let behind = try XCTUnwrap(q4.findings.first { $0.rule.description == "target.behind" })
        XCTAssertEqual(behind.indicator, "investment_10k_yuan")
        XCTAssertEqual(behind.expected, 250)
        XCTAssertTrue(behind.message.zh.contains("72.0%"), behind.message.zh)
        // On target: nothing.
        let ok = try targetsReference("year,unit_code,indicator,target\n2025,640422100000,dilapidated_houses_renovated,8\n")
        XCTAssertFalse(validate([cleanTownship(period: "2025Q4")], reference: ok).rules().contains { $0.hasPrefix("target.") })
    }

    func testZeroWhereThePreviousPeriodWasAboveZero() throws {
        let q2 = cleanTownship(period: "2025Q2")
        let q3 = cleanTownship(period: "2025Q3", a: villageValues(generated: 0, collected: 0, harmless: 0))
        let r = validate([q2, q3], reference: reference)
        let zeros = r.findings.filter { $0.rule.description == "temporal.zero" && $0.unit?.rawValue == "640422100201" }
        XCTAssertEqual(Set(zeros.compactMap(\.indicator?.rawValue)), ["garbage_generated_t", "garbage_collected_t", "garbage_harmless_t"])
        XCTAssertTrue(zeros.allSatisfy { $0.severity == .warning })
        XCTAssertFalse(validate([q2, cleanTownship(period: "2025Q3")], reference: reference).rules().contains("temporal.zero"))
    }

    func testFiguresCopiedFromThePreviousPeriod() throws {
        let q2 = cleanTownship(period: "2025Q2")
        let copied = validate([q2, cleanTownship(period: "2025Q3")], reference: reference)
        XCTAssertTrue(copied.rules(unit: "640422100201").contains("temporal.copied"))
        let moved = cleanTownship(period: "2025Q3", a: villageValues(generated: 21, collected: 18.5, harmless: 16.2, investment: 130))
        XCTAssertFalse(validate([q2, moved], reference: reference).rules(unit: "640422100201").contains("temporal.copied"))
    }

    func testAnExplanationClearsAWarningButNeverAnError() throws {
        let q2 = cleanTownship(period: "2025Q2", a: villageValues(households: 500, toilets: 400, investment: 150))
        let q3 = cleanTownship(period: "2025Q3", a: villageValues(households: 600, toilets: 400, investment: 100))
        let notes = "区划代码,报告期,规则,指标,说明\n640422100201,2025Q3,temporal.stable,总户数,易地搬迁安置点并入，新增 100 户\n640422100201,2025Q3,temporal.ytd_decrease,investment_10k_yuan,资金口径调整\n"
        let subs = [q2, q3].enumerated().flatMap { readCSV($0.element, file: "f\($0.offset).csv", reference: reference) }
        let reader = FormReader(catalog: reference.catalog, tree: reference.tree)
        guard case let .explanations(list, _) = reader.read(CSVReader.grid(from: notes), file: "说明.csv", defaultPeriod: nil) else {
            return XCTFail("not read as explanations")
        }
        XCTAssertEqual(list.count, 2)
        let r = Validator(reference: reference).validate(submissions: subs, explanations: list)
        let stable = try XCTUnwrap(r.findings.first { $0.rule.description == "temporal.stable" && $0.unit?.rawValue == "640422100201" })
        XCTAssertTrue(stable.explained)
        XCTAssertEqual(stable.explanation, "易地搬迁安置点并入，新增 100 户")
        let fell = try XCTUnwrap(r.findings.first { $0.rule.description == "temporal.ytd_decrease" })
        XCTAssertFalse(fell.explained, "an explanation never clears an error")
        XCTAssertTrue(r.hasOpenError)
        XCTAssertEqual(r.summary.explained, r.findings.filter(\.explained).count)
        XCTAssertGreaterThanOrEqual(r.summary.explained, 1)
    }
}
