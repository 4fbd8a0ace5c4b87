import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReading
import RenjuReference
import RenjuChecks
import RenjuExport

final class ExportTests: XCTestCase {
    func loadExamples(_ reference: ReferenceData) throws -> (InputSet, ValidationResult) {
        let loader = InputLoader(reader: FormReader(catalog: reference.catalog, tree: reference.tree, vocabulary: reference.signOffVocabulary))
        let input = try loader.load(paths: [repoRoot.appendingPathComponent("examples/xiji").path], defaultPeriod: nil)
        return (input, Validator(reference: reference).validate(submissions: input.submissions))
    }

    func readBack(_ url: URL, reference: ReferenceData) throws -> Submission {
        let loader = InputLoader(reader: FormReader(catalog: reference.catalog, tree: reference.tree))
        let set = try loader.load(paths: [url.path], defaultPeriod: nil)
        return try XCTUnwrap(set.submissions.first)
    }

    func testPrefectureReturnTotalsAreSumsAndRatesComeFromSummedParts() throws {
        let reference = try ReferenceData.load(directory: bundledReference)
        let (_, result) = try loadExamples(reference)
        let template = try ReportTemplate.load("prefecture-quarterly", directory: repoRoot.appendingPathComponent("templates").path, catalog: reference.catalog)
        var current = PeriodValues()
        for s in result.submissions { current.merge(s.values, overwrite: true) }
        let county = try XCTUnwrap(UnitCode("640422000000"))
        let out = try temporaryDirectory().appendingPathComponent("return.xlsx")
        try ReturnExporter(reference: reference, template: template).write(to: out.path, unit: county, period: Period(year: 2025, quarter: 3), reported: current, signOffs: [])
        // Read the written return back with Renju's own reader.
        let back = try readBack(out, reference: reference)
        XCTAssertEqual(back.period, Period(year: 2025, quarter: 3))
        let towns = reference.tree.children(of: county)
        XCTAssertEqual(back.rows.map(\.code), [county] + towns, "one row per township, the 合计 row first")
        XCTAssertEqual(back.rows.first?.givenName, "合计")
        for id in ["households", "sanitary_toilet_hh", "garbage_generated_t", "investment_10k_yuan"] as [IndicatorID] {
            let sum = towns.compactMap { back.values[$0, id] }.reduce(0, +)
            XCTAssertEqual(try XCTUnwrap(back.values[county, id]), sum, accuracy: 1e-6, "\(id)")
        }
        let n = try XCTUnwrap(back.values[county, "sanitary_toilet_hh"]), d = try XCTUnwrap(back.values[county, "households"])
        XCTAssertEqual(try XCTUnwrap(back.values[county, "sanitary_toilet_rate"]), 100 * n / d, accuracy: 0.005)
        let average = towns.compactMap { back.values[$0, "sanitary_toilet_rate"] }.reduce(0, +) / Double(towns.count)
        XCTAssertGreaterThan(abs(average - 100 * n / d), 0.01, "the fixture would not tell an average from the rate of sums")
        // Renju's own return passes Renju's checks (it is not signed yet: that is for the county).
        let check = Validator(reference: reference).validate(submissions: [back])
        XCTAssertEqual(check.findings.filter { $0.severity != .info }.map(\.rule.description), ["signoff.missing_role"])
        // The return's townships are rolled up from the villages: 平峰镇's reported total (60 households
        // too many in the example) is replaced by the sum of its villages.
        let pingfeng = try XCTUnwrap(UnitCode("640422102000"))
        let villages = reference.tree.children(of: pingfeng).compactMap { current[$0, "households"] }.reduce(0, +)
        XCTAssertEqual(back.values[pingfeng, "households"], villages)
        XCTAssertNotEqual(current[pingfeng, "households"], villages)
    }

    func testBlankCollectionFormReadsBackWithItsVillagesAndPeriod() throws {
        let reference = try ReferenceData.load(directory: bundledReference)
        let template = try ReportTemplate.load("collection-form", directory: repoRoot.appendingPathComponent("templates").path, catalog: reference.catalog)
        let town = try XCTUnwrap(UnitCode("640422100000"))
        let out = try temporaryDirectory().appendingPathComponent("form.xlsx")
        try CollectionFormWriter(reference: reference, template: template).write(to: out.path, unit: town, period: Period(year: 2025, quarter: 4))
        let back = try readBack(out, reference: reference)
        XCTAssertEqual(back.period, Period(year: 2025, quarter: 4))
        XCTAssertEqual(back.rows.map(\.code), [town] + reference.tree.children(of: town))
        XCTAssertEqual(Set(back.columns), Set(reference.catalog.indicators.map(\.id)))
        XCTAssertTrue(back.values.isEmpty, "a blank form has no figures")
        XCTAssertTrue(back.signOffs.isEmpty, "an empty footer is not a sign-off")
        XCTAssertTrue(back.findings.isEmpty, "\(back.findings.map(\.message.en))")
    }

    func testFailedWriteLeavesNoFileAndListLimitsAreRefused() throws {
        let dir = try temporaryDirectory()
        let target = dir.appendingPathComponent("out.xlsx")
        do {
            let book = try XlsxBook(path: target.path)
            let sheet = try book.addSheet("数据")
            try sheet.write(0, 0, "区划代码")
            // 100 Chinese items pass 255 bytes: libxlsxwriter 1.1.4 would overflow — refused instead.
            XCTAssertThrowsError(try sheet.validate(1, 0, 5, 0, .list((0..<100).map { "选项\($0)" }), message: "x"))
            XCTAssertThrowsError(try book.addSheet("数据"), "a duplicate sheet name is an error, not a crash")
            try sheet.comment(0, 0, "")  // an empty comment is skipped, not passed to the C library
            // The book is dropped without close(): nothing is left behind.
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        XCTAssertEqual(left, [], "no half-written or temporary file")
        let nowhere = dir.appendingPathComponent("no/such/folder/out.xlsx")
        XCTAssertThrowsError(try { let b = try XlsxBook(path: nowhere.path); _ = try b.addSheet("a"); try b.close() }())
        XCTAssertFalse(FileManager.default.fileExists(atPath: nowhere.path))
    }

    /// A killed run's temporary file is cleared by the next write; an output that is a link is
    /// written through (the link kept); an empty output name is refused before any work.
    func testStaleTemporariesLinksAndEmptyNames() throws {
        let dir = try temporaryDirectory()
        let target = dir.appendingPathComponent("out.xlsx")
        // A process id no live process has (above Linux's largest pid).
        let stale = dir.appendingPathComponent(".out.xlsx.4194305.12345.tmp")
        try Data("half".utf8).write(to: stale)
        let live = dir.appendingPathComponent(".out.xlsx.\(getpid()).1.tmp")
        try Data("mine".utf8).write(to: live)
        var book = try XlsxBook(path: target.path)
        _ = try book.addSheet("数据")
        try book.close()
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path), "the killed run's temporary file is removed")
        XCTAssertTrue(FileManager.default.fileExists(atPath: live.path), "a running writer's file is left alone")
        XCTAssertTrue(FileManager.default.fileExists(atPath: target.path))

        let real = dir.appendingPathComponent("real")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        let link = dir.appendingPathComponent("link.xlsx")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: real.appendingPathComponent("return.xlsx").path)
        book = try XlsxBook(path: link.path)
        _ = try book.addSheet("数据")
        try book.close()
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link.path), real.appendingPathComponent("return.xlsx").path)
        XCTAssertEqual(try XLSXReader().read(url: link).first?.name, "数据")

        XCTAssertThrowsError(try XlsxBook(path: ""))
        // A missing folder is said as such, not as "usually a permissions error".
        let missing = try runRenju(["export", "--out", dir.appendingPathComponent("no/such/x.xlsx").path, repoRoot.appendingPathComponent("examples/xiji").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("does not exist") && !missing.stderr.contains("permission"), missing.stderr)
        XCTAssertEqual(try runRenju(["export", "--out", "", repoRoot.appendingPathComponent("examples/xiji").path]).status, 2)
    }

    /// A return is on disk before it takes its name (a power cut after the rename never leaves an
    /// empty or half-written return), and the folder's new entry is synced after: observed with
    /// strace on the built binary — the temporary file opened, fsync'd, renamed, then the folder fsync'd.
    func testTheReturnIsSyncedBeforeItIsRenamed() throws {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("return.xlsx")
        let log = dir.appendingPathComponent("trace.txt")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["strace", "-f", "-qq", "-e", "trace=openat,fsync,fdatasync,rename,renameat,renameat2", "-o", log.path,
                       renjuBinary.path, "export", "--out", out.path, repoRoot.appendingPathComponent("examples/xiji").path]
        p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
        try p.run(); p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 1, "strace (scripts/test.sh installs it) ran renju export: written, with the sample's uncorrected errors said")
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.path))
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map(String.init)
        // The temporary file's descriptor when it is opened for the sync.
        let tmpOpen = try XCTUnwrap(lines.firstIndex { $0.contains("openat(") && $0.contains(".return.xlsx.") && $0.contains(".tmp\"") && $0.contains("O_RDONLY") },
                                    lines.joined(separator: "\n"))
        let fd = try XCTUnwrap(lines[tmpOpen].components(separatedBy: "= ").last.map { $0.trimmingCharacters(in: .whitespaces) })
        let sync = try XCTUnwrap(lines[tmpOpen...].firstIndex { $0.contains("fsync(\(fd))") }, "the temporary file is fsync'd")
        let rename = try XCTUnwrap(lines.firstIndex { $0.contains("rename") && $0.contains("\(out.path)\"") }, "renamed to return.xlsx")
        XCTAssertLessThan(sync, rename, "fsync before rename")
        let dirOpen = try XCTUnwrap(lines[rename...].firstIndex { $0.contains("openat(") && $0.contains("\"\(dir.path)\"") && $0.contains("O_DIRECTORY") })
        let dirfd = try XCTUnwrap(lines[dirOpen].components(separatedBy: "= ").last.map { $0.trimmingCharacters(in: .whitespaces) })
        XCTAssertNotNil(lines[dirOpen...].firstIndex { $0.contains("fsync(\(dirfd))") }, "the folder is fsync'd after the rename")
    }

    func testFindingsWorkbookListsEveryFinding() throws {
        let reference = try ReferenceData.load(directory: bundledReference)
        let (_, result) = try loadExamples(reference)
        XCTAssertFalse(result.findings.isEmpty)
        let out = try temporaryDirectory().appendingPathComponent("findings.xlsx")
        try FindingsWorkbook(reference: reference).write(to: out.path, result: result, lang: .zh)
        let sheets = try XLSXReader().read(url: out)
        // The sample's warnings carry scores: a third sheet lists the ones to look at first; a
        // fourth what was not checked (rules that skipped units), in the report's own words.
        XCTAssertEqual(sheets.map(\.name), ["审核数据", "审核情况", "先看这些", "审核范围"])
        let coverage = try XCTUnwrap(result.coverage)
        XCTAssertEqual(sheets[3].grid[0, 0]?.text, coverage.sentence(.zh))
        let skippedRules = sheets[3].grid.rowIndices.compactMap { sheets[3].grid[$0, 2]?.text }.filter { $0.contains(".") }
        XCTAssertEqual(skippedRules, coverage.skipped.map(\.rule.description))
        let list = sheets[1].grid
        let ruleCells = list.rowIndices.dropFirst().compactMap { list[$0, 3]?.text }.filter { $0.contains(".") }
        XCTAssertEqual(ruleCells, result.findings.map(\.rule.description))
        XCTAssertEqual(list[0, 11]?.text, "影响分")
        let first = sheets[2].grid
        let scores = first.rowIndices.dropFirst().compactMap { r -> Double? in if case let .number(d)? = first[r, 0] { return d }; return nil }
        XCTAssertEqual(scores, ImpactScore.first(result.findings).compactMap(\.score), "the warnings that carry most of the county's figures, by score")
        XCTAssertEqual(scores, scores.sorted(by: >))
    }
}
