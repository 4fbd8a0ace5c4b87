import Foundation
import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReading
import RenjuReference
import RenjuChecks

/// The same file gives the same figures on every run: forms whose reading once depended on a
/// dictionary's order (two columns carrying a name, a title merged across columns) are read many
/// times — each read builds its tables anew, so a dictionary's order changes between reads — and
/// the built binary is run on them repeatedly, as separate processes with their own hash seeds.
final class DeterministicReadingTests: XCTestCase {
    static let ids = ["households", "sanitary_toilet_hh", "sewage_treated_hh", "road_total_km", "road_hardened_km",
                      "garbage_system_covered", "garbage_generated_t", "garbage_collected_t", "garbage_harmless_t",
                      "public_toilets_built", "dilapidated_houses_renovated", "garbage_facilities_added", "cleaners",
                      "illegal_buildings_found", "illegal_buildings_removed", "illegal_area_removed_m2",
                      "green_area_added_10k_m2", "investment_10k_yuan"]
    static let a = villageValues()
    static let b = villageValues(households: 300, toilets: 210, sewage: 90, roadTotal: 6, roadHard: 5, generated: 12, collected: 10,
                                 harmless: 9, cleaners: 4, found: 8, removed: 4, area: 350, houses: 3, green: 0.2, investment: 80)

    static func figures(_ v: [String: Double?]) -> [FixtureCell?] { ids.map { id in (v[id] ?? nil).map { .n($0) } } }

    /// The issue's reproduction: two villages of 吉强镇 and a 合计 row without a code, `单位名称`
    /// merged over columns B:C (the names in B, C empty).
    func writeMergedNameForm(_ url: URL) throws {
        let header: [FixtureCell?] = [.s("区划代码"), .s("单位名称"), nil] + Self.ids.map { .s($0) }
        let rows: [[FixtureCell?]] = [
            [.s("报告期：2025年第三季度")],
            header,
            [.s("640422100201"), .s("甲村"), nil] + Self.figures(Self.a),
            [.s("640422100202"), .s("乙村"), nil] + Self.figures(Self.b),
            [nil, .s("合计"), nil] + Self.figures(totalValues([Self.a, Self.b])),
        ]
        try writeFormWorkbook(url, rows: rows, merges: [FixtureMerge(1, 1, 1, 2, "单位名称")])
    }

    func read(_ url: URL, _ reference: ReferenceData) throws -> InputSet {
        let loader = InputLoader(reader: FormReader(catalog: reference.catalog, tree: reference.tree, vocabulary: reference.signOffVocabulary))
        return try loader.load(paths: [url.path], defaultPeriod: nil)
    }

    /// What a user would compare between two reads: the units, their given names, every figure
    /// with its cell, and every finding with its cell.
    func fingerprint(_ set: InputSet, _ reference: ReferenceData) -> String {
        var lines: [String] = []
        for s in set.submissions {
            for row in s.rows {
                lines.append("row \(row.code) \(row.givenName ?? "-") \(row.source?.description ?? "")")
                for ind in reference.catalog.indicators {
                    if let o = s.values.observation(row.code, ind.id) { lines.append("  \(ind.id) \(o.value) \(o.source?.description ?? "")") }
                }
            }
            for f in s.findings { lines.append("finding \(f.rule) \(f.unit?.rawValue ?? "-") \(f.source?.description ?? "") \(f.message.zh)") }
        }
        for f in set.findings { lines.append("file finding \(f.rule) \(f.message.zh)") }
        return lines.joined(separator: "\n")
    }

    func testNameMergedOverTwoColumnsIsOneColumnOnEveryRead() throws {
        let reference = try testReference()
        let url = try temporaryDirectory().appendingPathComponent("吉强镇.xlsx")
        try writeMergedNameForm(url)
        var prints = Set<String>()
        for _ in 0..<50 {
            let set = try read(url, reference)
            XCTAssertEqual(set.submissions.count, 1)
            let sub = try XCTUnwrap(set.submissions.first)
            // The township's total is read (its code is the villages' parent) and nothing is refused.
            XCTAssertEqual(sub.rows.map(\.code.rawValue).sorted(), ["640422100000", "640422100201", "640422100202"])
            XCTAssertEqual(sub.rows.map { $0.givenName ?? "" }.sorted(), ["乙村", "合计", "甲村"])
            XCTAssertEqual(sub.values[UnitCode("640422100000")!, IndicatorID("households")], 800)
            XCTAssertFalse(sub.findings.contains { $0.rule == .badCode || $0.rule == .unknownColumn || $0.rule == .duplicateValue },
                           sub.findings.map(\.message.zh).joined(separator: "\n"))
            prints.insert(fingerprint(set, reference))
        }
        XCTAssertEqual(prints.count, 1, "the same workbook was read \(prints.count) different ways")
    }

    /// `单位` (the township) and `村名` (the village) side by side: the name that is the unit's in
    /// the divisions file is its name, the 合计 row is found in either column — on every read.
    func testTwoNameColumnsSideBySide() throws {
        let reference = try testReference()
        let url = try temporaryDirectory().appendingPathComponent("两个名称列.xlsx")
        let header: [FixtureCell?] = [.s("区划代码"), .s("单位"), .s("村名")] + Self.ids.map { .s($0) }
        try writeFormWorkbook(url, rows: [
            [.s("报告期：2025年第三季度")],
            header,
            [.s("640422100201"), .s("吉强镇"), .s("甲村")] + Self.figures(Self.a),
            [.s("640422100202"), .s("吉强镇"), .s("乙村")] + Self.figures(Self.b),
            [nil, .s("吉强镇"), .s("合计")] + Self.figures(totalValues([Self.a, Self.b])),
        ])
        var prints = Set<String>()
        for _ in 0..<50 {
            let set = try read(url, reference)
            let sub = try XCTUnwrap(set.submissions.first)
            XCTAssertEqual(sub.rows.map(\.code.rawValue).sorted(), ["640422100000", "640422100201", "640422100202"])
            let names = Dictionary(uniqueKeysWithValues: sub.rows.map { ($0.code.rawValue, $0.givenName ?? "") })
            XCTAssertEqual(names["640422100201"], "甲村")
            XCTAssertEqual(names["640422100202"], "乙村")
            prints.insert(fingerprint(set, reference))
        }
        XCTAssertEqual(prints.count, 1)
        // And validation says nothing about names.
        let set = try read(url, reference)
        let result = Validator(reference: reference).validate(submissions: set.submissions, fileFindings: set.findings)
        XCTAssertFalse(result.findings.contains { $0.rule == .nameMismatch }, result.findings.map(\.message.zh).joined(separator: "\n"))
    }

    /// An indicator title merged across two columns is one column: the figure is read wherever in
    /// the span the clerk typed it, no "duplicate column" error and no "unknown column" warning;
    /// two different figures under the one title are a `format.duplicate_value` naming the second.
    func testIndicatorTitleMergedOverTwoColumns() throws {
        let reference = try testReference()
        let url = try temporaryDirectory().appendingPathComponent("合并指标列.xlsx")
        let rest = Array(Self.ids.dropFirst())
        let header: [FixtureCell?] = [.s("区划代码"), .s("单位名称"), .s("总户数（户）"), nil] + rest.map { .s($0) }
        func row(_ code: String, _ name: String, _ v: [String: Double?], households: (Double?, Double?)) -> [FixtureCell?] {
            [.s(code), .s(name), households.0.map { .n($0) }, households.1.map { .n($0) }] + rest.map { id in (v[id] ?? nil).map { .n($0) } }
        }
        try writeFormWorkbook(url, rows: [
            [.s("报告期：2025年第三季度")],
            header,
            row("640422100201", "甲村", Self.a, households: (500, nil)),
            row("640422100202", "乙村", Self.b, households: (nil, 300)),
            row("640422100000", "吉强镇", totalValues([Self.a, Self.b]), households: (800, 801)),
        ], merges: [FixtureMerge(1, 2, 1, 3, "总户数（户）")])
        for _ in 0..<50 {
            let set = try read(url, reference)
            let sub = try XCTUnwrap(set.submissions.first)
            XCTAssertEqual(sub.values[UnitCode("640422100201")!, IndicatorID("households")], 500)
            XCTAssertEqual(sub.values[UnitCode("640422100202")!, IndicatorID("households")], 300)
            XCTAssertEqual(sub.values[UnitCode("640422100000")!, IndicatorID("households")], 800)
            XCTAssertFalse(sub.findings.contains { $0.rule == .unknownColumn }, sub.findings.map(\.message.zh).joined(separator: "\n"))
            let dup = sub.findings.filter { $0.rule == .duplicateValue }
            XCTAssertEqual(dup.count, 1, sub.findings.map(\.message.zh).joined(separator: "\n"))
            XCTAssertEqual(dup.first?.source?.cell, "D5")
            XCTAssertEqual(dup.first?.unit?.rawValue, "640422100000")
        }
    }

    /// A date where a code or a count belongs (Excel shows 2022-11-28; the file holds 44893) is a
    /// `format.date_value` error naming the cell — never unit 448930000000 or 44,894 households.
    func testDatesWhereCodesAndCountsBelong() throws {
        let reference = try testReference()
        let url = try temporaryDirectory().appendingPathComponent("日期.xlsx")
        let header: [FixtureCell?] = [.s("区划代码"), .s("单位名称")] + Self.ids.map { .s($0) }
        try writeFormWorkbook(url, rows: [
            [.s("报告期：2025年第三季度")],
            header,
            [nil, .s("甲村")] + Self.figures(Self.a),
            [.s("640422100202"), .s("乙村"), nil] + Self.figures(Self.b).dropFirst(),
        ], dates: [(2, 0, 44893), (3, 2, 44894)])
        let set = try read(url, reference)
        let sub = try XCTUnwrap(set.submissions.first)
        XCTAssertEqual(sub.rows.map(\.code.rawValue), ["640422100202"], "the row whose code is a date is not read")
        XCTAssertNil(sub.values[UnitCode("640422100202")!, IndicatorID("households")], "a date is no count of households")
        let dates = sub.findings.filter { $0.rule == .dateValue }
        XCTAssertEqual(dates.map { $0.source?.cell ?? "" }, ["A3", "C4"])
        XCTAssertTrue(dates[0].message.zh.contains("2022-11-28"), dates[0].message.zh)
        XCTAssertTrue(dates[1].message.zh.contains("总户数"), dates[1].message.zh)
        XCTAssertEqual(dates[1].unit?.rawValue, "640422100202")
        // Validation: the blank left by the date is not reported a second time as a missing value.
        let result = Validator(reference: reference).validate(submissions: set.submissions, fileFindings: set.findings)
        XCTAssertFalse(result.findings.contains { $0.rule.description == "completeness.missing_value" && $0.indicator?.rawValue == "households" })
        XCTAssertFalse(result.findings.contains { $0.unit?.rawValue == "448930000000" })
    }

    /// The built binary, as separate processes (a new hash seed each): the same JSON every run.
    /// A reader remembers the headers it has read (every township fills the same template): a
    /// form read after others — headers in another order, two title rows, a column twice, an
    /// unknown column, a workbook with merged titles — gives exactly what a fresh reader gives.
    func testAHeaderReadBeforeGivesWhatAFreshReaderGives() throws {
        let reference = try testReference()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("renju-headers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = "640422100201,甲村,300,210\n640422100202,乙村,280,200\n"
        let forms: [(String, String)] = [
            ("a.csv", "报告期：2025Q3\n区划代码,单位名称,总户数,卫生厕所户数\n" + rows),
            ("b.csv", "报告期：2025Q3\n区划代码,单位名称,卫生厕所户数,总户数\n" + rows),
            ("c.csv", "报告期：2025Q3\n区划代码,单位名称,总户数,总户数\n" + rows),
            ("d.csv", "报告期：2025Q3\n区划代码,单位名称,总户数,不知道的列\n" + rows),
            ("e.csv", "报告期：2025Q3\n区划代码,单位名称,户数,卫生厕所\n,,总户数,户数\n" + rows),
            ("f.csv", "报告期：2025Q2\n区划代码,单位名称,总户数,卫生厕所户数\n" + rows.replacingOccurrences(of: "300", with: "299")),
        ]
        for (name, text) in forms { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        try writeMergedNameForm(dir.appendingPathComponent("g.xlsx"))
        let names = forms.map(\.0) + ["g.xlsx"]
        let fresh = try names.map { try fingerprint(read(dir.appendingPathComponent($0), reference), reference) }
        // One reader for all, each form read twice: the second time from what the reader remembers.
        let shared = InputLoader(reader: FormReader(catalog: reference.catalog, tree: reference.tree, vocabulary: reference.signOffVocabulary))
        for round in 0..<2 {
            for (k, name) in names.enumerated() {
                let got = try shared.load(paths: [dir.appendingPathComponent(name).path], defaultPeriod: nil)
                XCTAssertEqual(fingerprint(got, reference), fresh[k], "\(name), round \(round)")
            }
        }
        XCTAssertTrue(fresh[2].contains("finding format.duplicate_value"), fresh[2])
        XCTAssertTrue(fresh[3].contains("finding format.unknown_column"), fresh[3])
        XCTAssertNotEqual(fresh[0], fresh[1], "the columns' order is each form's own")
    }

    func testTheBinaryGivesTheSameReportOnEveryRun() throws {
        let (divisions, data) = try makeTestCounty(self)
        try writeMergedNameForm(data.appendingPathComponent("吉强镇.xlsx"))
        var outputs = Set<String>()
        for _ in 0..<12 {
            let run = try runRenju(["validate", "--format", "json", "--divisions", divisions.path, "--as-of", "2025-10-31", data.path])
            XCTAssertEqual(run.status, 1, run.stderr)
            outputs.insert(run.stdout)
        }
        XCTAssertEqual(outputs.count, 1, "the same input gave \(outputs.count) different reports")
        let json = try parseJSON(try XCTUnwrap(outputs.first))
        let summary = try XCTUnwrap(json["summary"] as? [String: Any])
        XCTAssertEqual(summary["units"] as? Int, 3)
        let rules = (json["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        XCTAssertFalse(rules.contains("format.bad_code"))
    }
}
