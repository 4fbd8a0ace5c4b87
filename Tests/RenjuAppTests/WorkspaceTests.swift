import Foundation
import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReference
import RenjuStoreCore
import RenjuReading
import RenjuApp

/// The application layer in process — what every front end calls — without the binary: the
/// sample county's planted problems are found, a quarter is stored and read back as history, and
/// the store's ranking is computed from it.
final class WorkspaceTests: XCTestCase {
    let sample = repoRoot.appendingPathComponent("examples/xiji")
    var workspace: Workspace { Workspace(Locations(reference: bundledReference, templates: repoRoot.appendingPathComponent("templates").path)) }
    var asOf: CivilDate { CivilDate.parse("2025-10-31") ?? .today }

    /// examples/generate.py plants one problem in each of five townships of 2025Q3 (PROBLEMS there).
    func testTheSampleCountysPlantedProblemsAreFound() throws {
        let v = try workspace.validate([sample.path], asOf: asOf)
        let errors = v.result.findings.filter { $0.severity == .error }
        func found(_ rule: String, under township: String) -> Bool {
            errors.contains { $0.rule.description == rule && ($0.unit?.rawValue.hasPrefix(String(township.prefix(9))) ?? false) }
        }
        XCTAssertTrue(found("identity.rate", under: "640422101000"), "the road hardening rate that says 100 %")
        XCTAssertTrue(found("aggregate.sum", under: "640422102000"), "the total row's households")
        XCTAssertTrue(found("temporal.decrease", under: "640422103000"), "the sanitary toilets that fell")
        XCTAssertTrue(found("completeness.missing_value", under: "640422200000"), "the blank sewage households")
        XCTAssertTrue(found("range.negative", under: "640422201000"), "the negative number of cleaners")
        XCTAssertEqual(v.result.period?.description, "2025Q3", "the newest period is the one checked")
        XCTAssertTrue(v.result.hasOpenError)
    }

    /// The files are read while the divisions load: the reference and the input are what loading
    /// the reference first and reading after give — a total row without a code (whose total it is
    /// needs the divisions), a duplicate unit and a blank included — and a problem in the divisions
    /// is told before one in the inputs.
    func testReadingBesideTheDivisionsGivesWhatReadingAfterThemGives() throws {
        let (divisions, data) = try makeTestCounty(self)
        let form = "报告期：2025Q3\n区划代码,单位名称,总户数,卫生厕所户数\n640422100201,甲村,300,210\n640422100202,乙村,280,\n"
            + "640422100202,乙村,281,200\n,合计,580,410\n"
        try form.write(to: data.appendingPathComponent("吉强镇.csv"), atomically: true, encoding: .utf8)
        let locations = Locations(reference: bundledReference, templates: repoRoot.appendingPathComponent("templates").path, divisions: divisions.path)
        func described(_ input: InputSet) -> [String] {
            var lines: [String] = []
            for s in input.submissions {
                for row in s.rows {
                    lines.append("\(row.code) \(row.givenName ?? "-") \(row.source?.description ?? "")")
                    for e in s.values.entries(of: row.code) {
                        lines.append("  \(e.indicator) \(e.observation.value) \(e.observation.source?.description ?? "")")
                    }
                }
                for f in s.findings { lines.append("\(f.rule) \(f.unitName ?? "-") \(f.message.zh)") }
            }
            for f in input.findings { lines.append("\(f.rule) \(f.message.zh)") }
            return lines
        }
        for _ in 0..<5 {
            let (reference, input) = try Workspace(locations).referenceAndInput([data.path])
            let after = Workspace(locations)
            let first = try after.reference()
            XCTAssertEqual(reference.tree.count, first.tree.count)
            XCTAssertEqual(reference.tree.name(of: UnitCode("640422100201")!), "甲村")
            let expected = described(try after.read([data.path], reference: first))
            XCTAssertEqual(described(input), expected)
            XCTAssertTrue(expected.contains { $0.hasPrefix("640422100000 合计") }, "the total row is the township's: \(expected)")
            XCTAssertTrue(expected.contains { $0.hasPrefix("format.duplicate_unit 乙村") }, "\(expected)")
        }
        // A village under a village in the divisions, and an input that is not there: the divisions are told.
        let broken = divisions.deletingLastPathComponent().appendingPathComponent("broken.csv")
        try (testDivisionsCSV + "640422100203,丁村,village,640422100201\n").write(to: broken, atomically: true, encoding: .utf8)
        let workspace = Workspace(Locations(reference: bundledReference, templates: repoRoot.appendingPathComponent("templates").path, divisions: broken.path))
        XCTAssertThrowsError(try workspace.referenceAndInput([data.appendingPathComponent("没有.csv").path])) { error in
            let said = Message.of(error).zh
            XCTAssertTrue(said.contains("参考数据有误") && said.contains("broken.csv"), said)
        }
        XCTAssertThrowsError(try workspace.reference()) { error in XCTAssertTrue(Message.of(error).zh.contains("参考数据有误")) }
    }

    /// A quarter imported into a store is the next quarter's history: validating 2025Q3 against
    /// the store finds what validating it beside its 2025Q2 files finds.
    func testAStoredQuarterIsTheNextQuartersHistory() async throws {
        let dir = try temporaryDirectory()
        let openedStore = try await Workspace.openStore(dir.appendingPathComponent("s.sqlite").path, create: true)
        let store = openedStore.store, created = openedStore.created
        XCTAssertTrue(created)
        let imported = try await workspace.importInputs([sample.appendingPathComponent("2025Q2").path], into: store, period: nil, asOf: asOf)
        XCTAssertNil(imported.refusedForErrors, "2025Q2 is clean")
        XCTAssertFalse(imported.records.isEmpty)
        let periods = try await store.periods()
        XCTAssertEqual(periods.map(\.period.description), ["2025Q2"])
        let fromStore = try await workspace.validate([sample.appendingPathComponent("2025Q3").path], period: nil, store: store, asOf: asOf)
        let fromFiles = try workspace.validate([sample.path], asOf: asOf)
        XCTAssertEqual(fromStore.result.findings.map(\.rule), fromFiles.result.findings.map(\.rule))
        XCTAssertEqual(fromStore.result.findings.map(\.unit), fromFiles.result.findings.map(\.unit))
        XCTAssertTrue(fromStore.result.findings.contains { $0.rule.description == "temporal.decrease" },
                      "the fall since 2025Q2 is seen through the store")
    }

    /// Refused while errors are open; forced only with a reason, which the audit trail keeps.
    func testAnImportWithOpenErrorsNeedsForceAndAReason() async throws {
        let dir = try temporaryDirectory()
        let openedStore = try await Workspace.openStore(dir.appendingPathComponent("s.sqlite").path, create: true)
        let store = openedStore.store
        let q3 = sample.appendingPathComponent("2025Q3").path
        let refused = try await workspace.importInputs([q3], into: store, period: nil, asOf: asOf)
        XCTAssertGreaterThan(refused.refusedForErrors ?? 0, 0)
        XCTAssertTrue(refused.records.isEmpty, "nothing stored")
        do {
            _ = try await workspace.importInputs([q3], into: store, period: nil, asOf: asOf, force: true, reason: " ")
            XCTFail("--force without a reason is refused")
        } catch let e as AppError {
            XCTAssertTrue(e.description.contains("--reason"), e.description)
        }
        let forced = try await workspace.importInputs([q3], into: store, period: nil, asOf: asOf, who: "县统计局", force: true, reason: "核实后入库")
        XCTAssertFalse(forced.records.isEmpty)
        let audit = try await store.imports()
        XCTAssertTrue(audit.allSatisfy { $0.forced && $0.reason == "核实后入库" && $0.who == "县统计局" })
    }

    /// The ranking of the store's quarter, in process: every township of the county ranked once.
    func testTheStoredQuarterIsRanked() async throws {
        let dir = try temporaryDirectory()
        let openedStore = try await Workspace.openStore(dir.appendingPathComponent("s.sqlite").path, create: true)
        let store = openedStore.store
        _ = try await workspace.importInputs([sample.path], into: store, period: nil, asOf: asOf, force: true, reason: "test")
        let r = try await workspace.rank(inputs: [], store: store, period: Period.parse("2025Q3"), unit: nil, asOf: asOf)
        let units = r.ranking.entries.map(\.unit)
        XCTAssertEqual(Set(units).count, units.count, "each township once")
        XCTAssertGreaterThanOrEqual(units.count, 5)
        XCTAssertTrue(units.allSatisfy { r.reference.tree.level(of: $0) == .township })
    }
}
