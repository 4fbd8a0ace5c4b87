import Foundation
import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReference
import RenjuStoreCore
@testable import RenjuApp

/// A county's townships uploading at once: their checks are shared (one check of the county answers
/// for every latest version stored by then), and what the shared check answers for a version is
/// exactly what that version checked on its own among the county's other latest versions gives —
/// findings, 说明, sign-offs and coverage alike.
final class DeskCountyCheckTests: XCTestCase {
    struct County {
        let desk: Desk
        let uploads: [(unit: UnitCode, bytes: Data)]
    }

    /// A synthetic county of 8 townships (12 villages each) with last quarter stored as history,
    /// and this quarter cut into one upload a township (its villages and its total row).
    func county(in dir: URL) async throws -> County {
        let folder = dir.appendingPathComponent("synth").path
        let templates = repoRoot.appendingPathComponent("templates").path
        let plain = Workspace(Locations(reference: bundledReference, templates: templates))
        let period = try XCTUnwrap(Period.parse("2025Q3"))
        _ = try plain.synthesize(villages: 96, period: period, seed: 7, shape: .init(villagesPerTownship: 12, townshipsPerCounty: 8, countiesPerPrefecture: 1),
                                 to: folder)
        let divisions = folder + "/divisions.csv"
        let workspace = Workspace(Locations(reference: bundledReference, templates: templates, divisions: divisions))
        let asOf = try XCTUnwrap(CivilDate.parse("2025-10-31"))
        let store = try await Workspace.openDeskStore(dir.appendingPathComponent("desk.sqlite").path, create: true, migrate: true).store
        _ = try await workspace.importInputs([folder + "/returns/2025Q2"], into: store, period: nil, asOf: asOf, who: "test", force: true, reason: "history")
        let desk = try Desk(workspace: workspace, store: store, asOf: asOf)
        let tree = desk.reference.tree
        var uploads: [(UnitCode, Data)] = []
        let quarter = folder + "/returns/2025Q3"
        for name in try FileManager.default.contentsOfDirectory(atPath: quarter).sorted() where !name.hasSuffix("-签字.csv") {
            let lines = try String(contentsOfFile: quarter + "/" + name, encoding: .utf8).split(separator: "\n").map(String.init)
            let data = lines.dropFirst(2)
            let townships = tree.descendants(of: try XCTUnwrap(UnitCode(String(name.prefix(12))))).filter { tree.level(of: $0) == .township }
            for t in townships.sorted() {
                var mine = data.filter { line in
                    guard let code = UnitCode(String(line.prefix { $0 != "," })) else { return false }
                    return code == t || tree.parent(of: code) == t
                }
                if uploads.isEmpty, mine.count > 1 {
                    // The first township's first village reports no cleaners this quarter (it had some;
                    // its township's total follows): a warning its clerk explains.
                    let column = try XCTUnwrap(lines[1].split(separator: ",").map(String.init).firstIndex(of: "cleaners"))
                    var village = mine[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    var total = mine[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    total[column] = String(try XCTUnwrap(Int(total[column])) - (try XCTUnwrap(Int(village[column]))))
                    village[column] = "0"
                    (mine[0], mine[1]) = (total.joined(separator: ","), village.joined(separator: ","))
                }
                uploads.append((t, Data(([lines[0], lines[1]] + mine).joined(separator: "\n").utf8 + [0x0A])))
            }
        }
        XCTAssertEqual(uploads.count, 8, "one upload a township")
        return County(desk: desk, uploads: uploads)
    }

    func clerk(_ unit: UnitCode, _ i: Int) -> Account {
        Account(login: "clerk\(i)", name: "填表人\(i)", role: .clerk, unit: unit, signs: ["填表人"])
    }

    /// Everything a clerk is shown of a version's check, as text (findings with their 说明,
    /// scores and cells; the coverage; the digest; who signed).
    func shown(_ s: DeskSubmission) -> String {
        let r = s.validation.result
        return ([String(reflecting: s.stored), "latest \(s.isLatest)", "digest \(s.digest ?? "-")", "units \(r.unitsChecked)",
                 "rows \(r.submissions.map { $0.rows.map(\.code.rawValue) })", "coverage \(String(reflecting: r.coverage))",
                 "signed \(s.signOffs.map { "\($0.role) \($0.name)" })", "explained by \(s.explanations.map(\.text))"]
                + r.findings.map { String(reflecting: $0) }).joined(separator: "\n")
    }

    func testTownshipsUploadingAtOnceShareTheCountysChecksAndEachIsAnsweredAsIfCheckedAlone() async throws {
        let dir = try temporaryDirectory()
        let c = try await county(in: dir)
        let desk = c.desk
        // The server's line: two slots, the uploads wait their turn; their checks wait behind them.
        let line = WorkQueue(slots: 2, maxWaiting: 100)
        let answers = try await withThrowingTaskGroup(of: (Int, DeskSubmission).self) { group in
            for (i, u) in c.uploads.enumerated() {
                let grant = try XCTUnwrap(DeskPolicy.grant(clerk(u.unit, i), Permit.Upload.self))
                group.addTask { (i, try await desk.upload(u.bytes, filename: "\(u.unit).csv", by: grant, in: line)) }
            }
            var out: [Int: DeskSubmission] = [:]
            for try await (i, s) in group { out[i] = s }
            return out
        }
        XCTAssertEqual(answers.count, c.uploads.count)
        let runs = await desk.countyChecking.started
        XCTAssertLessThan(runs, c.uploads.count, "eight uploads of one county at once share its checks")
        for (i, u) in c.uploads.enumerated() {
            let s = try XCTUnwrap(answers[i])
            XCTAssertEqual(s.stored.unit, u.unit, "each upload is answered for its own version")
            XCTAssertTrue(s.isLatest)
            XCTAssertEqual(Set(s.validation.result.submissions.flatMap(\.unitCodes)).count, 13, "its township and 12 villages")
            XCTAssertTrue(s.validation.result.findings.allSatisfy { f in f.unit.map { $0 == u.unit || desk.reference.tree.parent(of: $0) == u.unit } ?? true },
                          "only its own units' findings")
        }

        // The last upload's answer covers every version: it is what its page shows afterwards.
        let last = try XCTUnwrap(answers.values.max { $0.stored.id < $1.stored.id })
        let reader = try XCTUnwrap(DeskPolicy.grant(clerk(last.stored.unit, 99), Permit.Read.self))
        let page = try await desk.submission(id: last.stored.id, for: reader)
        XCTAssertEqual(shown(page), shown(last))

        // A 说明, a sign-off and a second version of one township; then every version, checked with
        // the county (the latest ones) and on its own, says the same.
        let first = try XCTUnwrap(answers[0]), unit = c.uploads[0].unit
        let warned = try XCTUnwrap(first.validation.result.findings.first { $0.severity == .warning && $0.unit != nil }, "the synthetic county has a warning")
        try await desk.explain(submission: first.stored.id, rule: warned.rule.description, unit: warned.unit, indicator: warned.indicator?.rawValue,
                               text: "村里新建了公厕，已核实", by: try XCTUnwrap(DeskPolicy.grant(clerk(unit, 0), Permit.Explain.self)))
        let second = try XCTUnwrap(answers[1])
        if second.validation.result.findings.allSatisfy({ $0.severity != .error || !$0.isOpen }) {
            _ = try await desk.signOff(submission: second.stored.id, role: "填表人", by: try XCTUnwrap(DeskPolicy.grant(clerk(c.uploads[1].unit, 1), Permit.Sign.self)))
        }
        let third = c.uploads[2]
        let again = try await desk.upload(third.bytes + Data("\n".utf8), filename: "\(third.unit)-改.csv",
                                          by: try XCTUnwrap(DeskPolicy.grant(clerk(third.unit, 2), Permit.Upload.self)))
        let ids = answers.values.map(\.stored.id).sorted() + [again.stored.id]
        let countyUnit = try XCTUnwrap(desk.reference.tree.parent(of: unit))
        let viewer = try XCTUnwrap(DeskPolicy.grant(Account(login: "county", name: "县统计局", role: .viewer, unit: countyUnit, signs: []), Permit.Read.self))
        var explainedShown = false
        for id in ids {
            let s = try await desk.submission(id: id, for: viewer)
            let key = ValidationCache.Key(id: id, generation: desk.cache.generation + 1_000)  // a key no cache holds
            let alone = try await desk.checkedVersion(s.stored, key: key)
            XCTAssertEqual(shown(s), shown(alone), "submission \(id): the county's check and its own check agree")
            if id == first.stored.id { explainedShown = s.validation.result.findings.contains { $0.explanation == "村里新建了公厕，已核实" } }
        }
        XCTAssertTrue(explainedShown, "the 说明 reaches its version's findings in the county's check")
        let superseded = try await desk.submission(id: try XCTUnwrap(answers[2]).stored.id, for: viewer)
        XCTAssertFalse(superseded.isLatest, "the first version of the township that uploaded again is superseded")
    }

    /// The sharing never answers a request with a check that began before the request's own write:
    /// a request joins the check under way only if that check began after it, and otherwise the
    /// next one, which all such requests share.
    func testARequestIsNeverAnsweredByACheckThatBeganBeforeItsWrite() async throws {
        final class Generation: @unchecked Sendable {
            private let lock = NSLock()
            private var value = 0, begun = false
            var current: Int { lock.withLock { value } }
            var hasBegun: Bool { lock.withLock { begun } }
            func bump() { lock.withLock { value += 1 } }
            func markBegun() { lock.withLock { begun = true } }
        }
        let generation = Generation()
        let runs = Coalescing<String, Int> { generation.current }
        let work: @Sendable (@escaping Coalescing<String, Int>.Begin) async throws -> Int = { begin in
            let g = await begin()
            generation.markBegun()
            try await Task.sleep(nanoseconds: 50_000_000)
            return g
        }
        async let first = runs.run("county", covering: 0, work)
        while !generation.hasBegun { try await Task.sleep(nanoseconds: 1_000_000) }
        generation.bump()  // a write after the first check began
        async let second = runs.run("county", covering: 1, work)
        async let third = runs.run("county", covering: 1, work)
        let (a, b, c) = try await (first, second, third)
        XCTAssertEqual(a, 0)
        XCTAssertEqual(b, 1, "the requests after the write get a check that began after it")
        XCTAssertEqual(c, 1)
        let started = await runs.started
        XCTAssertEqual(started, 2, "and they share it")
    }
}
