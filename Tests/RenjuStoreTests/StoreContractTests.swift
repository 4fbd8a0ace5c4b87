import XCTest
import RenjuPostgresTestSupport
import RenjuTestSupport
import Foundation
import RenjuModel
import RenjuStore
import RenjuStoreCore
import RenjuPostgres

/// The store's contract, run against both backends: the SQLite file and a PostgreSQL server (the
/// throw-away cluster `scripts/test.sh` starts; `RENJU_TEST_PG` names it).
final class StoreContractTests: XCTestCase {
    static let unitA = UnitCode("640422100201"), unitB = UnitCode("640422100202"), town = UnitCode("640422100000")

    /// A township's submission for a period: its two villages' households and toilets.
    static func entry(_ period: Period, root: UnitCode, villages: [(UnitCode, Double)], file: String = "f.csv") -> StoreEntry {
        var sub = Submission(file: file, period: period)
        sub.rows.append(UnitRow(code: root, givenName: nil, source: nil))
        sub.values.set(root, "households", Observation(villages.reduce(0) { $0 + $1.1 }, source: nil))
        for (u, hh) in villages {
            sub.rows.append(UnitRow(code: u, givenName: nil, source: nil))
            sub.values.set(u, "households", Observation(hh, source: nil))
            sub.values.set(u, "sanitary_toilet_hh", Observation((hh * 0.8).rounded(), source: nil))
        }
        let finding = Finding(rule: RuleID(.signoff, "late"), severity: .warning, unit: root, period: period,
                              message: Message(zh: "逾期", en: "late"))
        return StoreEntry(submission: sub, root: root, digest: "d-\(period)", signOffs: [], explanations: [], findings: [finding])
    }

    /// What every backend must do alike.
    func contract(_ store: any HistoryStoring, file: StaticString = #filePath, line: UInt = #line) async throws {
        let q2 = Period(year: 2025, quarter: 2), q3 = Period(year: 2025, quarter: 3)
        guard let a = Self.unitA, let b = Self.unitB, let t = Self.town else { return XCTFail("codes") }
        let first = try await store.importSubmissions([Self.entry(q2, root: t, villages: [(a, 300), (b, 400)]),
                                                 Self.entry(q3, root: t, villages: [(a, 305), (b, 410)])],
                                                who: "王芳", forced: false, reason: nil, now: Date(timeIntervalSince1970: 1_760_000_000), pause: 0)
        XCTAssertEqual(first.map(\.replaced), [false, false], file: file, line: line)
        let periods = try await store.periods()
        XCTAssertEqual(periods, [StoredPeriod(period: q2, units: 3, figures: 5), StoredPeriod(period: q3, units: 3, figures: 5)], file: file, line: line)
        let series = try await store.history(unit: a, indicator: "households")
        XCTAssertEqual(series.map(\.value), [300, 305], file: file, line: line)
        let ds = try await store.dataset(periods: [q3])
        XCTAssertEqual(Array(ds.periods.keys), [q3], file: file, line: line)
        XCTAssertEqual(ds.value(q3, b, "sanitary_toilet_hh"), 328, file: file, line: line)
        // A county's check fetches its own units only.
        let one = try await store.dataset(periods: [q2, q3], units: [a])
        XCTAssertEqual(one.periods[q3]?.units.sorted(), [a], file: file, line: line)
        XCTAssertEqual(one.value(q2, a, "households"), 300, file: file, line: line)
        XCTAssertNil(one.value(q2, b, "households"), "another unit's figure is not fetched", file: file, line: line)
        // Re-importing a period replaces it and records what changed.
        let again = try await store.importSubmissions([Self.entry(q3, root: t, villages: [(a, 306), (b, 410)])], who: "李强", forced: true,
                                                reason: "州里同意", now: Date(timeIntervalSince1970: 1_760_000_100), pause: 0)
        XCTAssertEqual(again.first?.replaced, true, file: file, line: line)
        XCTAssertEqual(again.first?.changes.map(\.description), ["640422100000 households: 715 → 716", "640422100201 households: 305 → 306", "640422100201 sanitary_toilet_hh: 244 → 245"], file: file, line: line)
        let trail = try await store.imports()
        XCTAssertEqual(trail.map(\.who), ["王芳", "王芳", "李强"], file: file, line: line)
        XCTAssertEqual(trail.last?.reason, "州里同意", file: file, line: line)
        XCTAssertEqual(trail.last?.changes.count, 3, file: file, line: line)
        let all = try await store.dataset(periods: nil)
        XCTAssertEqual(all.value(q3, a, "households"), 306, file: file, line: line)
        let stored = try await store.findings(period: q3)
        XCTAssertEqual(stored.map(\.rule.description), ["signoff.late"], "replaced, not added", file: file, line: line)
        // Imputed values (a forced import with --impute) are kept apart: never the figure, never history.
        var forced = Self.entry(q3, root: t, villages: [(a, 306), (b, 410)])
        forced.imputed = [ImputedFigure(unit: b, indicator: "cleaners", value: 4, reported: nil, method: .donor,
                                        basis: Message(zh: "近邻单位 640422100201 甲村（按户数折算）", en: "donor 640422100201 甲村"))]
        _ = try await store.importSubmissions([forced], who: "李强", forced: true, reason: "乙村保洁员人数待核实",
                                              now: Date(timeIntervalSince1970: 1_760_000_200), pause: 0)
        let imputed = try await store.imputed(period: q3)
        XCTAssertEqual(imputed, [StoredImputation(unit: b, indicator: "cleaners", value: 4, reported: nil, method: "donor",
                                                  basis: "近邻单位 640422100201 甲村（按户数折算）")], file: file, line: line)
        let history = try await store.dataset(periods: [q3])
        XCTAssertNil(history.value(q3, b, "cleaners"), "an imputed value is not a stored figure", file: file, line: line)
        let none = try await store.imputed(period: q2)
        XCTAssertEqual(none, [], file: file, line: line)
        // Replaced with the unit's next import.
        _ = try await store.importSubmissions([Self.entry(q3, root: t, villages: [(a, 306), (b, 410)])], who: "李强", forced: true, reason: "已核实",
                                              now: Date(timeIntervalSince1970: 1_760_000_300), pause: 0)
        let gone = try await store.imputed(period: q3)
        XCTAssertEqual(gone, [], file: file, line: line)
    }

    /// On-site checks: a sample and what inspectors found come back as stored, on both backends.
    func inspectionContract(_ store: any InspectionStoring, file: StaticString = #filePath, line: UInt = #line) async throws {
        guard let a = Self.unitA, let b = Self.unitB else { return XCTFail("codes") }
        let q3 = Period(year: 2025, quarter: 3)
        let figures = [SampledFigure(unit: a, part: .risk, probability: 0.375, indicator: "households", reported: 305, rules: [RuleID(.outlier, "ratio"), RuleID(.temporal, "stable")]),
                       SampledFigure(unit: b, part: .random, probability: 0.0625, indicator: "cleaners", reported: nil, rules: [])]
        let id = try await store.saveSample(InspectionSample(id: nil, period: q3, seed: UInt64.max, size: 2, randomShare: 0.2, grouping: .township,
                                                       at: "2025-11-01T08:00:00Z", who: "王芳", figures: figures))
        let samples = try await store.samples()
        let back = try XCTUnwrap(samples.first { $0.id == id }, file: file, line: line)
        XCTAssertEqual(back.figures, figures, file: file, line: line)
        XCTAssertEqual(back.seed, UInt64.max, "a 64-bit seed kept whole", file: file, line: line)
        let r = InspectionResult(sampleID: id, period: q3, unit: a, indicator: "households", reported: 305, found: 350, wrong: true,
                                 inspector: "核查员甲", inspectedOn: "2025-11-05", recordedAt: "2025-11-06T09:00:00Z", recordedBy: "县统计局")
        try await store.recordInspections([r])
        let inspections = try await store.inspections()
        XCTAssertEqual(inspections, [r], file: file, line: line)
    }

    func testTheSQLiteFileKeepsTheContract() async throws {
        try await contract(try HistoryStore(path: try temporaryDirectory().appendingPathComponent("c.sqlite").path))
        try await inspectionContract(try HistoryStore(path: try temporaryDirectory().appendingPathComponent("i.sqlite").path))
    }

    /// One import of many files (the server takes them two at a time): the records come back in
    /// the files' order with their ids in that order, and when one unit's period comes twice the
    /// later file is what stays — the same on both backends, run after run.
    func manyFilesContract(_ store: any HistoryStoring, file: StaticString = #filePath, line: UInt = #line) async throws {
        let q4 = Period(year: 2025, quarter: 4)
        let towns = (0..<12).compactMap { UnitCode("6404221\(String(format: "%02d", $0))000") }
        var entries = towns.map { t in Self.entry(q4, root: t, villages: [(UnitCode("\(t.rawValue.prefix(9))201")!, 300)], file: "\(t).csv") }
        let twice = towns[3]
        entries.insert(Self.entry(q4, root: twice, villages: [(UnitCode("\(twice.rawValue.prefix(9))201")!, 999)], file: "first.csv"), at: 2)
        let records = try await store.importSubmissions(entries, who: "王芳", forced: true, reason: "重报", now: Date(timeIntervalSince1970: 1_760_000_000), pause: 0)
        XCTAssertEqual(records.map(\.file), entries.map(\.submission.file), file: file, line: line)
        XCTAssertEqual(records.map(\.id), records.map(\.id).sorted(), "ids in the files' order", file: file, line: line)
        XCTAssertEqual(Set(records.map(\.id)).count, records.count, file: file, line: line)
        XCTAssertEqual(records.filter(\.replaced).map(\.file), ["\(twice).csv"], "the later file of the unit replaced the earlier", file: file, line: line)
        let stored = try await store.dataset(periods: [q4])
        XCTAssertEqual(stored.value(q4, UnitCode("\(twice.rawValue.prefix(9))201")!, "households"), 300, file: file, line: line)
        XCTAssertEqual(stored.periods[q4]?.units.count, 24, file: file, line: line)
        let trail = try await store.imports()
        XCTAssertEqual(trail.map(\.file), entries.map(\.submission.file), "the audit trail in the files' order", file: file, line: line)
    }

    func testManyFilesInOneImportKeepTheirOrderOnBothBackends() async throws {
        try await manyFilesContract(try HistoryStore(path: try temporaryDirectory().appendingPathComponent("m.sqlite").path))
        try requireServer()
        for _ in 0..<3 { try await manyFilesContract(try await PostgresStore(try await freshPostgresDatabase())) }
    }

    func requireServer() throws {
        guard ProcessInfo.processInfo.environment["RENJU_TEST_PG"] != nil else {
            throw XCTSkip("PostgreSQL not tested: RENJU_TEST_PG is not set (scripts/test.sh starts a throw-away cluster and sets it)")
        }
    }

    func testPostgreSQLKeepsTheContract() async throws {
        try requireServer()
        try await contract(try await PostgresStore(try await freshPostgresDatabase()))
        try await inspectionContract(try await PostgresStore(try await freshPostgresDatabase()))
    }

    /// Indicators are sent as numbers from a list taken from the period's first rows; a figure of
    /// an indicator that list missed still comes back, by name — for a province and for a county.
    func testAnIndicatorOnlyLaterUnitsHaveIsStillRead() async throws {
        try requireServer()
        let store = try await PostgresStore(try await freshPostgresDatabase(), nameSampleRows: 1)
        let q3 = Period(year: 2025, quarter: 3)
        guard let a = Self.unitA, let b = Self.unitB, let t = Self.town else { return XCTFail("codes") }
        var e = Self.entry(q3, root: t, villages: [(a, 300), (b, 400)])
        var sub = e.submission
        sub.values.set(b, "cleaners", Observation(7, source: nil))
        e = StoreEntry(submission: sub, root: e.root, digest: e.digest, signOffs: [], explanations: [], findings: [])
        try await store.importSubmissions([e], who: "王芳", forced: false, reason: nil, now: Date(), pause: 0)
        for units in [nil, [a, b, t]] as [[UnitCode]?] {
            let ds = try await store.dataset(periods: [q3], units: units)
            XCTAssertEqual(ds.value(q3, b, "cleaners"), 7, "units: \(units?.count ?? 0)")
            XCTAssertEqual(ds.value(q3, a, "households"), 300)
            XCTAssertEqual(ds.value(q3, b, "sanitary_toilet_hh"), 320)
        }
    }

    /// 30 township imports of one period at once, each on its own connection, and two imports of
    /// the same township racing: afterwards every figure is there exactly once, and the raced
    /// township holds one import's figures whole, never a mix.
    func testThirtyParallelImportsLoseNothingAndNeverMix() async throws {
        try requireServer()
        let location = try await freshPostgresDatabase()
        _ = try await PostgresStore(location)  // the schema, once
        let q3 = Period(year: 2025, quarter: 3)
        let towns = (0..<30).compactMap { UnitCode("6404221\(String(format: "%02d", $0))000") }
        let errors = ErrorList()
        await withTaskGroup(of: Void.self) { group in for i in 0..<(towns.count + 2) { group.addTask {
            do {
                let store = try await PostgresStore(location)
                let t = towns[i < towns.count ? i : 0]
                let villages = (1...12).compactMap { v in UnitCode("\(t.rawValue.prefix(9))2\(String(format: "%02d", v))") }
                    .map { ($0, Double(i < towns.count ? 300 + i : 900 + i)) }
                try await store.importSubmissions([Self.entry(q3, root: t, villages: villages, file: "t\(i).csv")], who: "clerk\(i)", forced: false,
                                            reason: nil, now: Date(), pause: 0)
            } catch { errors.add("\(error)") }
        } } }
        XCTAssertEqual(errors.all, [])
        let store = try await PostgresStore(location)
        let figures = try await store.observationCount()
        XCTAssertEqual(figures, 30 * (12 * 2 + 1), "every figure exactly once")
        let imports = try await store.imports()
        XCTAssertEqual(imports.count, 32)
        // The raced township: all twelve villages from one import.
        let first = try XCTUnwrap(towns.first)
        let values = Set(try await store.dataset(periods: [q3]).periods[q3].map { pv in
            pv.units.filter { $0.rawValue.hasPrefix(first.rawValue.prefix(9)) && $0 != first }.compactMap { pv[$0, "households"] }
        } ?? [])
        XCTAssertEqual(values.count, 1, "one import's figures whole: \(values)")
    }
}

final class ErrorList: @unchecked Sendable {
    private var list: [String] = []
    private let lock = NSLock()
    func add(_ s: String) { lock.withLock { list.append(s) } }
    var all: [String] { lock.withLock { list } }
}
