import Foundation
import XCTest
import RenjuModel
import RenjuReading
import RenjuReference
import RenjuChecks

/// The repository root (for the bundled reference data and examples).
public let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

public let bundledReference = repoRoot.appendingPathComponent("reference-data").path

/// A fresh temporary folder (the caller removes it).
public func makeTemporaryDirectory(_ name: String) throws -> URL {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("renju-tests-\(safe)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

extension XCTestCase {
    /// A copy of the bundled reference data with one of its files edited, loaded with the test
    /// county's divisions: `file` is its name in the folder (`rules.yaml`); the copy is the
    /// second value, for a test that edits it again.
    public func editedReference(_ file: String, _ edit: (String) -> String, name: String = #function) throws -> (ReferenceData, URL) {
        let dir = try temporaryDirectory(name)
        let copy = dir.appendingPathComponent("reference-data")
        try FileManager.default.copyItem(atPath: bundledReference, toPath: copy.path)
        let path = copy.appendingPathComponent(file)
        try edit(try String(contentsOf: path, encoding: .utf8)).write(to: path, atomically: true, encoding: .utf8)
        let divisions = dir.appendingPathComponent("divisions.csv")
        try testDivisionsCSV.write(to: divisions, atomically: true, encoding: .utf8)
        return (try ReferenceData.load(directory: copy.path, divisions: divisions.path), copy)
    }

    /// A fresh temporary folder for one test, removed when the test ends.
    public func temporaryDirectory(_ name: String = #function) throws -> URL {
        let url = try makeTemporaryDirectory(name)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}

/// A small county for tests: one township (two villages) and a second township (one village).
public let testDivisionsCSV = """
code,name,level,parent
# test county
640422000000,西吉县,county,
640422100000,吉强镇,township,640422000000
640422100201,甲村,village,640422100000
640422100202,乙村,village,640422100000
640422101000,兴隆镇,township,640422000000
640422101201,丙村,village,640422101000

"""

/// The bundled catalog and rules with the test county's divisions.
public func testReference(divisions: String = testDivisionsCSV) throws -> ReferenceData {
    let dir = try makeTemporaryDirectory("reference")
    defer { try? FileManager.default.removeItem(at: dir) }  // loaded into memory below
    let path = dir.appendingPathComponent("divisions.csv")
    try divisions.write(to: path, atomically: true, encoding: .utf8)
    return try ReferenceData.load(directory: bundledReference, divisions: path.path,
                                  targets: repoRoot.appendingPathComponent("reference-data/targets/640422-2025.csv").path)
}

/// A consistent village row (all 23 indicators), keyed by id.
public func villageValues(households: Double = 500, toilets: Double = 400, sewage: Double = 200, roadTotal: Double = 10,
                   roadHard: Double = 8, generated: Double = 20, collected: Double = 18, harmless: Double = 16,
                   covered: Double = 1, cleaners: Double = 6, found: Double = 10, removed: Double = 6, area: Double = 600,
                   publicToilets: Double = 1, houses: Double = 5, facilities: Double = 0, green: Double = 0.3,
                   investment: Double = 100) -> [String: Double?] {
    var v: [String: Double?] = [
        "households": households, "sanitary_toilet_hh": toilets, "sewage_treated_hh": sewage,
        "road_total_km": roadTotal, "road_hardened_km": roadHard, "garbage_system_covered": covered,
        "garbage_generated_t": generated, "garbage_collected_t": collected, "garbage_harmless_t": harmless,
        "public_toilets_built": publicToilets, "dilapidated_houses_renovated": houses, "garbage_facilities_added": facilities,
        "cleaners": cleaners, "illegal_buildings_found": found, "illegal_buildings_removed": removed,
        "illegal_area_removed_m2": area, "green_area_added_10k_m2": green, "investment_10k_yuan": investment,
    ]
    func r(_ n: Double?, _ d: Double?) -> Double? {
        guard let n, let d, d != 0 else { return nil }
        return ((100 * n / d) * 100).rounded() / 100
    }
    v["sanitary_toilet_rate"] = r(toilets, households)
    v["sewage_treatment_rate"] = r(sewage, households)
    v["road_hardening_rate"] = r(roadHard, roadTotal)
    v["garbage_collection_rate"] = r(collected, generated)
    v["garbage_harmless_rate"] = r(harmless, generated)
    return v
}

/// The total row of some village rows, as a careful clerk computes it.
public func totalValues(_ rows: [[String: Double?]]) -> [String: Double?] {
    var t: [String: Double?] = [:]
    let rates: [String: (String, String)] = [
        "sanitary_toilet_rate": ("sanitary_toilet_hh", "households"), "sewage_treatment_rate": ("sewage_treated_hh", "households"),
        "road_hardening_rate": ("road_hardened_km", "road_total_km"),
        "garbage_collection_rate": ("garbage_collected_t", "garbage_generated_t"),
        "garbage_harmless_rate": ("garbage_harmless_t", "garbage_generated_t"),
    ]
    for k in rows[0].keys where rates[k] == nil {
        t[k] = (rows.map { ($0[k] ?? nil) ?? 0 }.reduce(0, +) * 100).rounded() / 100
    }
    for (k, (n, d)) in rates {
        if let nv = t[n] ?? nil, let dv = t[d] ?? nil, dv != 0 { t[k] = ((100 * nv / dv) * 100).rounded() / 100 } else { t[k] = nil }
    }
    return t
}

/// Writes a submission as a long CSV: `period,unit_code,indicator,value`.
public func longCSV(period: String, rows: [(String, [String: Double?])]) -> String {
    var s = "period,unit_code,indicator,value\n"
    for (code, vals) in rows {
        for (k, v) in vals.sorted(by: { $0.key < $1.key }) {
            if let v { s += "\(period),\(code),\(k),\(shortestDecimal(v))\n" }
        }
    }
    return s
}

/// Reads text as one CSV submission with the test reference.
public func readCSV(_ text: String, file: String = "t.csv", reference: ReferenceData) -> [Submission] {
    let reader = FormReader(catalog: reference.catalog, tree: reference.tree)
    if case let .submissions(subs) = reader.read(CSVReader.grid(from: text), file: file, defaultPeriod: nil) { return subs }
    return []
}

/// Validates submissions read from CSV texts (current and history) and returns the findings.
public func validate(_ texts: [String], reference: ReferenceData, signOffs: String? = nil) -> ValidationResult {
    let subs = texts.enumerated().flatMap { readCSV($0.element, file: "f\($0.offset).csv", reference: reference) }
    var offs: [SignOff] = []
    if let signOffs, case let .signOffs(list, _) = FormReader(catalog: reference.catalog, tree: reference.tree)
        .read(CSVReader.grid(from: signOffs), file: "s.csv", defaultPeriod: nil) { offs = list }
    return Validator(reference: reference).validate(submissions: subs, signOffs: offs)
}

extension ValidationResult {
    public func rules(unit: String? = nil) -> Set<String> {
        Set(findings.filter { unit == nil || $0.unit?.rawValue == unit }.map(\.rule.description))
    }
}

/// A clean township submission of the test county (吉强镇 with its two villages).
public func cleanTownship(period: String = "2025Q3", a: [String: Double?] = villageValues(),
                   b: [String: Double?] = villageValues(households: 300, toilets: 210, sewage: 90, roadTotal: 6, roadHard: 5,
                                                          generated: 12, collected: 10, harmless: 9, cleaners: 4, found: 8, removed: 4,
                                                          area: 350, houses: 3, green: 0.2, investment: 80)) -> String {
    longCSV(period: period, rows: [("640422100000", totalValues([a, b])), ("640422100201", a), ("640422100202", b)])
}

/// A sign-off CSV for the test township: the whole chain, in order, on time (digest left out).
public func signOffCSV(unit: String = "640422100000", period: String = "2025Q3") -> String {
    let p = Period.parse(period) ?? Period(year: 2025, quarter: 3)
    let end = p.endDate
    return "区划代码,报告期,角色,姓名,日期\n" + [("填表人", "王五", 2), ("统计负责人", "李四", 4), ("单位负责人", "张三", 6)].map {
        "\(unit),\(period),\($0.0),\($0.1),\(end.adding(days: $0.2))"
    }.joined(separator: "\n") + "\n"
}

// MARK: - The command line, end to end

/// The built `renju` binary, beside the test bundle.
public let renjuBinary: URL = {
    let candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("renju"),
        Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("renju"),
        repoRoot.appendingPathComponent(".build/debug/renju"),
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[2]
}()

public struct RenjuRun: Sendable { public let status: Int32; public let stdout: String; public let stderr: String }

/// Runs the binary and collects its exit status and output.
public func runRenju(_ args: [String], cwd: URL? = nil, stdin: String? = nil, environment: [String: String] = [:]) throws -> RenjuRun {
    let p = Process()
    p.executableURL = renjuBinary
    p.arguments = args
    if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    if let cwd { p.currentDirectoryURL = cwd }
    let input = Pipe()
    if stdin != nil { p.standardInput = input } else { p.standardInput = FileHandle.nullDevice }
    // stdout through a pipe, stderr to a file: neither can fill up and block the child.
    let out = Pipe()
    let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("renju-stderr-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let err = try FileHandle(forWritingTo: errURL)
    defer { try? FileManager.default.removeItem(at: errURL) }
    p.standardOutput = out; p.standardError = err
    try p.run()
    if let stdin {
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
    }
    let o = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    try err.close()
    let e = (try? Data(contentsOf: errURL)) ?? Data()
    return RenjuRun(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}

public func parseJSON(_ s: String) throws -> [String: Any] {
    try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any])
}

/// A folder with the test county's divisions file and an empty input folder `in`.
public func makeTestCounty(_ test: XCTestCase, _ name: String = #function) throws -> (divisions: URL, data: URL) {
    let dir = try test.temporaryDirectory(name)
    let divisions = dir.appendingPathComponent("divisions.csv")
    try testDivisionsCSV.write(to: divisions, atomically: true, encoding: .utf8)
    let data = dir.appendingPathComponent("in")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    return (divisions, data)
}

/// Evaluates a rule expression for a unit of the given submissions (the newest period is current,
/// the earlier ones its history), as the user-rule check does.
public func evaluateRule(_ text: String, unit: String = "640422100201", texts: [String], reference: ReferenceData) throws -> RuleValue {
    let subs = texts.enumerated().flatMap { readCSV($0.element, file: "f\($0.offset).csv", reference: reference) }
    let period = try XCTUnwrap(subs.compactMap(\.period).max())
    var history = Dataset()
    for s in subs where (s.period ?? period) < period { history.merge(try XCTUnwrap(s.period), s.values) }
    let current = subs.filter { $0.period == period }
    let ctx = CheckContext(reference: reference, period: period, submissions: current, history: history, asOf: nil)
    let u = try XCTUnwrap(UnitCode(unit))
    let sub = current.first { $0.rows.contains { $0.code == u } }
    let expression = try RuleExpressionParser.parse(text) { reference.catalog[$0] != nil }
    return RuleEvaluator(ctx: ctx, submission: sub, unit: u).evaluate(expression)
}

/// The test county whose village 甲村 reported last quarter under an old code (640422100209):
/// last year's and this year's divisions, last quarter's return under the old code, and this
/// quarter's with the village's toilets fallen from 400 to 350 — files written into `dir`.
public struct RenamedVillage {
    public let oldCode = "640422100209", newCode = "640422100201"
    public let oldDivisions: String, newDivisions: String, history: String, current: String

    public init(in dir: URL) throws {
        func write(_ name: String, _ text: String) throws -> String {
            let url = dir.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        let (old, new) = ("640422100209", "640422100201")
        oldDivisions = try write("divisions-2024.csv", testDivisionsCSV.replacingOccurrences(of: new, with: old))
        newDivisions = try write("divisions-2025.csv", testDivisionsCSV)
        history = try write("2025Q2.csv", cleanTownship(period: "2025Q2").replacingOccurrences(of: new, with: old))
        current = try write("2025Q3.csv", cleanTownship(a: villageValues(toilets: 350)))
    }
}
