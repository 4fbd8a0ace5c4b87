import Foundation
import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReading
import RenjuReference
import RenjuChecks

/// The sample 吉强镇 collection form written the ways clerks' tools write it (Tests/readers/
/// make_variants.py: openpyxl, XlsxWriter, zip packagers): every figure read as the file shows
/// it, or a clear finding where no value can be known — never a figure silently wrong or lost.
final class ForeignFormsTests: XCTestCase {
    static let source = repoRoot.appendingPathComponent("examples/xiji/2025Q3/640422100000-吉强镇.xlsx")

    struct Expected: Decodable {
        struct Variant: Decodable {
            let file: String
            let kind: String
            let rules: [String]
            let forbid: [String]
            let note: String
            let figures: [String: [String: Double]]?
            let missing: [[String]]?
            let signoff_dates: [String: String]?
        }
        let variants: [Variant]
    }

    /// Runs a program and returns its exit status and standard output.
    @discardableResult
    static func run(_ tool: String, _ args: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [tool] + args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The first problems, one a line, and how many there were.
    static func summary(_ problems: [String]) -> String {
        "\n" + problems.prefix(30).joined(separator: "\n") + (problems.count > 30 ? "\n… \(problems.count) problems in all" : "")
    }

    func makeVariants() throws -> (URL, Expected) {
        let dir = try temporaryDirectory()
        let (status, _) = try Self.run("python3", [repoRoot.appendingPathComponent("Tests/readers/make_variants.py").path,
                                                  Self.source.path, dir.path])
        XCTAssertEqual(status, 0, "the variant generator failed (python3 with openpyxl, xlsxwriter: scripts/test.sh installs them)")
        let data = try Data(contentsOf: dir.appendingPathComponent("expected.json"))
        return (dir, try JSONDecoder().decode(Expected.self, from: data))
    }

    func reference() throws -> ReferenceData {
        try ReferenceData.load(directory: bundledReference)
    }

    /// What a variant must give, checked against what Renju read and found; the problems, one a line.
    func problems(_ v: Expected.Variant, in dir: URL, reference: ReferenceData) throws -> [String] {
        let loader = InputLoader(reader: FormReader(catalog: reference.catalog, tree: reference.tree, vocabulary: reference.signOffVocabulary))
        let set = try loader.load(paths: [dir.appendingPathComponent(v.file).path], defaultPeriod: nil)
        let result = Validator(reference: reference).validate(
            submissions: set.submissions, fileFindings: set.findings, signOffs: set.signOffs,
            asOf: CivilDate(year: 2025, month: 10, day: 31))
        let rules = Set(result.findings.map(\.rule.description))
        var out: [String] = []
        for r in v.rules where !rules.contains(r) { out.append("\(v.file): expected a \(r) finding; got \(rules.sorted())") }
        for r in v.forbid where rules.contains(r) {
            let f = result.findings.first { $0.rule.description == r }
            out.append("\(v.file): unexpected \(r): \(f?.message.zh ?? "") at \(f?.source?.description ?? "")")
        }
        if v.kind == "refused" {
            if !set.submissions.isEmpty { out.append("\(v.file): refused file still gave \(set.submissions.count) submissions") }
            if let f = result.findings.first(where: { v.rules.contains($0.rule.description) }), f.source?.file != v.file {
                out.append("\(v.file): the finding does not name the file: \(f.source?.description ?? "nil")")
            }
            return out
        }
        // Every figure, as the file shows it.
        var read = 0
        for (codeText, figures) in v.figures ?? [:] {
            guard let code = UnitCode(codeText) else { out.append("bad code \(codeText)"); continue }
            let sub = set.submissions.first { $0.values.contains(code) }
            for (title, want) in figures {
                guard let id = reference.catalog.resolve(title) else { out.append("unknown title \(title)"); continue }
                let got = sub?.values[code, id]
                read += 1
                if got.map({ abs($0 - want) <= 1e-9 * max(1, abs(want)) }) != true {
                    out.append("\(v.file): \(codeText) \(title): read \(got.map(shortestDecimal) ?? "nothing"), the file shows \(shortestDecimal(want))")
                }
            }
        }
        if read == 0 { out.append("\(v.file): no figures expected — the generator wrote nothing to compare") }
        for m in v.missing ?? [] {
            guard m.count == 2, let code = UnitCode(m[0]), let id = reference.catalog.resolve(m[1]) else { continue }
            if let got = set.submissions.first(where: { $0.values.contains(code) })?.values[code, id] {
                out.append("\(v.file): \(m[0]) \(m[1]) cannot be known but was read as \(shortestDecimal(got))")
            }
            if !result.findings.contains(where: { $0.unit == code && $0.indicator == id && $0.rule.category == .format && $0.source?.cell != nil }) {
                out.append("\(v.file): \(m[0]) \(m[1]) cannot be known and no format finding names its cell")
            }
        }
        for (role, date) in v.signoff_dates ?? [:] {
            let got = set.signOffs.first { $0.role == role }?.date?.description
            if got != date { out.append("\(v.file): sign-off \(role) dated \(got ?? "nothing"), the file shows \(date)") }
        }
        return out
    }

    func testEveryVariantIsReadAsTheFileShowsItOrClearlyRefused() throws {
        let (dir, expected) = try makeVariants()
        let reference = try reference()
        XCTAssertGreaterThanOrEqual(expected.variants.count, 30)
        var failures: [String] = []
        for v in expected.variants { failures += try problems(v, in: dir, reference: reference) }
        XCTAssertEqual(failures.count, 0, Self.summary(failures))
    }

    /// LibreOffice (Debian libreoffice-calc-nogui) opens each readable variant and saves it as
    /// .xlsx again: its own package, styles and formula caches. Same figures expected.
    func testVariantsRoundTrippedThroughLibreOffice() throws {
        guard (try? Self.run("which", ["soffice"]))?.0 == 0 else {
            throw XCTSkip("LibreOffice (soffice) is not installed: the round trip through it was not run")
        }
        let (dir, expected) = try makeVariants()
        let reference = try reference()
        let out = dir.appendingPathComponent("libreoffice")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        // Formulas are recalculated by LibreOffice, so every readable variant keeps its expected figures.
        // The package-shape variants are left out: LibreOffice itself cannot open most of them.
        let readable = expected.variants.filter { $0.kind == "figures" && ($0.missing ?? []).isEmpty && !$0.file.hasPrefix("package-") }
        let profile = dir.appendingPathComponent("lo-profile")
        let (status, _) = try Self.run("soffice", ["-env:UserInstallation=file://\(profile.path)", "--headless", "--calc",
                                                   "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", out.path]
                                       + readable.map { dir.appendingPathComponent($0.file).path })
        XCTAssertEqual(status, 0)
        var failures: [String] = []
        var checked = 0
        for v in readable {
            guard FileManager.default.fileExists(atPath: out.appendingPathComponent(v.file).path) else {
                failures.append("\(v.file): LibreOffice did not convert it"); continue
            }
            // Hidden drafts and stale formula caches are told apart by what LibreOffice wrote; only figures count here.
            let figuresOnly = Expected.Variant(file: v.file, kind: v.kind, rules: [], forbid: [], note: v.note,
                                               figures: v.figures, missing: [], signoff_dates: v.signoff_dates)
            failures += try problems(figuresOnly, in: out, reference: reference)
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 20)
        XCTAssertEqual(failures.count, 0, Self.summary(failures))
    }

    /// A folder holding what a clerk's folder holds: nothing in it is passed over without a line.
    func testNothingInAFolderIsSkippedSilentlyAndShowFailsOnAnUnreadableFile() throws {
        let (dir, _) = try makeVariants()
        let folder = try temporaryDirectory("folder")
        for name in ["plain-openpyxl.xlsx", "old-format.xls", "opendocument.ods"] {
            try FileManager.default.copyItem(at: dir.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        try Data("%PDF-1.4 notice".utf8).write(to: folder.appendingPathComponent("通知.pdf"))
        try Data([0x01, 0x02]).write(to: folder.appendingPathComponent("~$plain-openpyxl.xlsx"))
        let reference = try reference()
        let loader = InputLoader(reader: FormReader(catalog: reference.catalog, tree: reference.tree, vocabulary: reference.signOffVocabulary))
        let set = try loader.load(paths: [folder.path], defaultPeriod: nil)
        let named = Set(set.findings.compactMap(\.source?.file))
        XCTAssertEqual(named, ["old-format.xls", "opendocument.ods", "通知.pdf", "~$plain-openpyxl.xlsx"])
        XCTAssertEqual(set.submissions.count, 1)
        XCTAssertTrue(set.findings.contains { $0.source?.file == "old-format.xls" && $0.severity == .error && $0.message.zh.contains(".xlsx") })
        XCTAssertTrue(set.findings.contains { $0.source?.file == "通知.pdf" && $0.severity == .info })

        let bad = try runRenju(["show", dir.appendingPathComponent("opendocument.ods").path])
        XCTAssertNotEqual(bad.status, 0, "renju show must fail on a file it could not read")
        XCTAssertTrue(bad.stderr.contains("opendocument.ods") && bad.stderr.contains(".xlsx"), bad.stderr)
        let good = try runRenju(["show", dir.appendingPathComponent("two-level-header-openpyxl.xlsx").path])
        XCTAssertEqual(good.status, 0)
        XCTAssertTrue(good.stdout.contains("2025Q3,640422100201,sanitary_toilet_hh,204"), good.stdout)
    }

    /// A copy of last quarter inside this quarter's workbook disagrees with last quarter's own
    /// file: the file sent for that quarter is the baseline, and the difference is a finding.
    func testStaleCopyOfLastQuarterDoesNotReplaceTheHistoryFile() throws {
        let dir = try temporaryDirectory()
        let history = repoRoot.appendingPathComponent("examples/xiji/2025Q2/640422100000-吉强镇.xlsx")
        let script = """
        import openpyxl, sys
        cur = openpyxl.load_workbook(sys.argv[1]); old = openpyxl.load_workbook(sys.argv[2])["数据"]
        copy = cur.create_sheet("上季度")
        for row in old.iter_rows(values_only=True):
            copy.append(list(row))
        for row in copy.iter_rows():
            if row[0].value == "640422100201":
                row[3].value = row[3].value - 100   # the stale copy: 卫生厕所户数 lower than the Q2 file
        cur.save(sys.argv[3])
        """
        let scriptURL = dir.appendingPathComponent("stale.py")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        let workbook = dir.appendingPathComponent("q3-with-stale-q2.xlsx")
        let (status, _) = try Self.run("python3", [scriptURL.path, Self.source.path, history.path, workbook.path])
        XCTAssertEqual(status, 0)
        let reference = try reference()
        let loader = InputLoader(reader: FormReader(catalog: reference.catalog, tree: reference.tree, vocabulary: reference.signOffVocabulary))
        let set = try loader.load(paths: [history.path, workbook.path], defaultPeriod: nil)
        let result = Validator(reference: reference).validate(submissions: set.submissions, fileFindings: set.findings,
                                                              signOffs: set.signOffs, asOf: CivilDate(year: 2025, month: 10, day: 31))
        let village = try XCTUnwrap(UnitCode("640422100201"))
        let conflict = try XCTUnwrap(result.findings.first { $0.rule == .historyConflict && $0.unit == village })
        XCTAssertEqual(conflict.indicator, "sanitary_toilet_hh")
        XCTAssertTrue(conflict.message.zh.contains("640422100000-吉强镇.xlsx") && conflict.message.zh.contains("上季度"), conflict.message.zh)
        // The baseline is the Q2 file's figure: no false fall.
        XCTAssertEqual(result.history.value(Period(year: 2025, quarter: 2), village, "sanitary_toilet_hh"),
                       set.submissions.first { $0.period == Period(year: 2025, quarter: 2) }?.values[village, "sanitary_toilet_hh"])
        XCTAssertFalse(result.findings.contains { $0.unit == village && $0.rule.category == .temporal && $0.indicator == "sanitary_toilet_hh" })
    }
}
