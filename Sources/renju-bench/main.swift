import Foundation
import RenjuModel
import RenjuText
import RenjuReading
import RenjuReference
import RenjuChecks
import RenjuEditing
import RenjuExport
import RenjuSynth
import RenjuApp

// Benchmarks, to be run from a release build:
//   swift build -c release && .build/release/renju-bench export --cells 1000000
// Prints wall time, throughput and peak memory (maximum resident set size).

func peakMemoryMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
}

/// CPU time the process has used (user + system, every thread), seconds: set against a stage's
/// wall time, it says how many of the cores the stage kept busy.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return s(usage.ru_utime) + s(usage.ru_stime)
}

/// Resident memory now (Linux: /proc/self/statm), MiB.
func residentMiB() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
}

/// Resident memory once malloc has given back the pages it holds free (glibc's `malloc_trim`):
/// what the live data take, against what the process holds. Call after timing.
func residentAfterTrimMiB() -> Double {
    typealias Trim = @convention(c) (Int) -> Int32
    if let f = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") { _ = unsafeBitCast(f, to: Trim.self)(0) }
    return residentMiB()
}

func report(_ name: String, seconds: Double, items: Int, unit: String) {
    print(String(format: "%@: %.2f s, %.0f %@/s, peak memory %.1f MiB", name, seconds, Double(items) / seconds, unit, peakMemoryMiB()))
}

func exportBenchmark(cells: Int, columns: Int, path: String) throws {
    // A collection form: the header row (区划代码, 单位名称, 23 indicator ids), then rows of a code,
    // a name and 23 formatted numbers — 25 cells a row, as the plain C baseline writes them.
    let ids = ["households", "sanitary_toilet_hh", "sanitary_toilet_rate", "public_toilets_built", "sewage_treated_hh",
               "sewage_treatment_rate", "road_total_km", "road_hardened_km", "road_hardening_rate", "garbage_system_covered",
               "garbage_generated_t", "garbage_collected_t", "garbage_harmless_t", "garbage_collection_rate", "garbage_harmless_rate",
               "garbage_facilities_added", "cleaners", "dilapidated_houses_renovated", "illegal_buildings_found",
               "illegal_buildings_removed", "illegal_area_removed_m2", "green_area_added_10k_m2", "investment_10k_yuan"]
    let width = ids.count + 2
    let rows = (cells + width - 1) / width
    let start = Date()
    let book = try XlsxBook(path: path, constantMemory: true)
    let sheet = try book.addSheet("数据")
    let number = CellStyle(numberFormat: "#,##0.00")
    try sheet.write(0, 0, .text("区划代码"))
    try sheet.write(0, 1, .text("单位名称"))
    for (j, id) in ids.enumerated() { try sheet.write(0, 2 + j, .text(id)) }
    var written = width
    for r in 1...max(1, rows - 1) {
        try sheet.write(r, 0, .text(String(640422100201 + r)))
        try sheet.write(r, 1, .text("村\(r % 1000)"))
        written += 2
        for c in 2..<width where written < cells {
            try sheet.write(r, c, .number(Double((r * 31 + c * 17) % 100_000) / 100), number)
            written += 1
        }
    }
    try book.close()
    let seconds = Date().timeIntervalSince(start)
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    report("export \(written) cells (\(rows) rows × \(width) columns, constant memory, \(size / 1024) KiB)", seconds: seconds, items: written, unit: "cells")
    _ = columns
}

/// The bundled reference data, found beside the executable's checkout.
func bundledReference() -> String {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<6 {
        let c = dir.appendingPathComponent("reference-data")
        if FileManager.default.fileExists(atPath: c.appendingPathComponent("indicators.yaml").path) { return c.path }
        dir = dir.deletingLastPathComponent()
    }
    return "reference-data"
}

/// Validate N synthetic villages with their previous quarter: read every county file, check.
func validateBenchmark(villages: Int, dir: URL) throws {
    let reference0 = try ReferenceData.load(directory: bundledReference())
    if !FileManager.default.fileExists(atPath: dir.appendingPathComponent("divisions.csv").path) {
        let t = Date()
        _ = try Synthesizer(catalog: reference0.catalog, villages: villages, period: Period(year: 2025, quarter: 3)).write(to: dir)
        print(String(format: "synthesised %d villages in %.1f s (not timed below)", villages, Date().timeIntervalSince(t)))
    }
    let residentAtStart = residentMiB()
    // Warm the file cache (untimed): the figures measure Renju, not the disk.
    var warmBytes = 0
    for url in try InputLoader.files(in: [dir.path]) + [dir.appendingPathComponent("divisions.csv")] {
        warmBytes += FileManager.default.contents(atPath: url.path)?.count ?? 0
    }
    print(String(format: "  %.0f MiB of input, read once before timing (warm file cache); resident %.0f MiB before, %.0f after",
                 Double(warmBytes) / 1_048_576, residentAtStart, residentMiB()))
    let start = Date(), cpuStart = cpuSeconds()
    // The same steps as `renju validate`, through the application layer, timed one by one.
    // The reference data, and the files read while the divisions load beside them.
    let workspace = Workspace(Locations(reference: bundledReference(), templates: "templates", divisions: dir.appendingPathComponent("divisions.csv").path))
    let (reference, input) = try workspace.referenceAndInput([dir.appendingPathComponent("returns").path])
    let read = Date(), cpuRead = cpuSeconds()
    let peakAfterReading = peakMemoryMiB()
    let residentAfterReading = residentMiB()
    let result = workspace.check(input, reference: reference, asOf: CivilDate(year: 2025, month: 10, day: 31)).result
    let done = Date(), cpuDone = cpuSeconds()
    let figures = input.submissions.reduce(0) { $0 + $1.values.count }
    let tables = input.submissions.reduce(0) { $0 + $1.values.allocatedBytes }
    let historyTables = result.history.periods.values.reduce(0) { $0 + $1.allocatedBytes }
    print(String(format: "  memory: the figures' values %.0f MiB at 8 bytes each; the files' tables hold %.0f MiB, the merged history %.0f MiB; resident after the reference, divisions and reading %.0f MiB, now %.0f MiB",
                 Double(figures * 8) / 1_048_576, Double(tables) / 1_048_576, Double(historyTables) / 1_048_576,
                 residentAfterReading, residentMiB()))
    print(String(format: "  resident once malloc has returned the pages it holds free: %.0f MiB", residentAfterTrimMiB()))
    print(String(format: "  reference, divisions and reading (side by side) %.2f s (peak %.0f MiB by then), checking %.2f s", read.timeIntervalSince(start),
                 peakAfterReading, done.timeIntervalSince(read)))
    print(String(format: "  CPU time (both cores): reference, divisions and reading %.2f s, checking %.2f s; %.2f s in all, %.0f ns a figure",
                 cpuRead - cpuStart, cpuDone - cpuRead, cpuDone - cpuStart, (cpuDone - cpuStart) / Double(max(figures, 1)) * 1e9))
    print("  \(result.summary.units) units checked, \(figures) figures read, \(result.findings.count) findings")
    report("validate \(villages) villages with the previous quarter", seconds: done.timeIntervalSince(start), items: villages, unit: "villages")
    // `--no-limits`: the stage alone (for a profile of validate that the comparison does not blur).
    if !args.contains("--no-limits") { try readingLimits(files: try InputLoader.files(in: [dir.appendingPathComponent("returns").path])) }
}

/// The reading stage against what the files themselves cost, on the same files in the same run
/// (after the timed run, cache warm, one core each): reading the bytes (`cat`), counting their
/// lines (`wc -l`, the program), and Renju's CSV scanner alone (fields split, quotes handled: the
/// bytes the form reader is then given; it makes text only of the fields that are not figures).
func readingLimits(files: [URL]) throws {
    struct Count: CSVSink {
        var fields = 0, bytes = 0
        mutating func keeps(row: Int, column: Int) -> Bool { true }
        mutating func field(row: Int, column: Int, bytes: UnsafeBufferPointer<UInt8>, quoted: Bool) { fields += 1; self.bytes += bytes.count }
        mutating func endLine(row: Int) {}
        mutating func cellTooLong(row: Int, column: Int) {}
    }
    var t = Date()
    var contents: [Data] = []
    for url in files { contents.append(try Data(contentsOf: url)) }
    let readSeconds = Date().timeIntervalSince(t)
    let bytes = Double(contents.reduce(0) { $0 + $1.count })
    t = Date()
    var lines = 0
    for start in stride(from: 0, to: files.count, by: 2000) {
        let wc = Process(), pipe = Pipe()
        wc.executableURL = URL(fileURLWithPath: "/usr/bin/wc")
        wc.arguments = ["-l"] + files[start..<min(start + 2000, files.count)].map(\.path)
        wc.standardOutput = pipe
        try wc.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        wc.waitUntilExit()
        lines += out.split(separator: "\n").filter { !$0.hasSuffix(" total") }.compactMap { Int($0.split(separator: " ").first ?? "") }.reduce(0, +)
    }
    let wcSeconds = Date().timeIntervalSince(t)
    t = Date()
    var fields = 0
    for data in contents {
        var scanner = CSVScanner(sink: Count())
        data.withUnsafeBytes { raw in scanner.run(raw.bindMemory(to: UInt8.self), quotesSpanLines: true) }
        fields += scanner.sink.fields
    }
    let scanSeconds = Date().timeIntervalSince(t)
    let mib = bytes / 1_048_576
    print(String(format: "  the reading's limits, same files, one core: the bytes read %.2f s (%.0f MiB/s); wc -l %.2f s (%.0f MiB/s, %d lines); Renju's CSV scanner alone %.2f s (%.0f MiB/s, %d fields) — %.1f × wc -l",
                 readSeconds, mib / readSeconds, wcSeconds, mib / wcSeconds, lines, scanSeconds, mib / scanSeconds, fields, scanSeconds / wcSeconds))
}

/// Read a workbook (written first with libxlsxwriter when missing, not timed): every cell, and the form.
func readBenchmark(cells: Int, path: String) throws {
    if !FileManager.default.fileExists(atPath: path) { try exportBenchmark(cells: cells, columns: 25, path: path) }
    let reference = try ReferenceData.load(directory: bundledReference())
    let start = Date()
    let sheets = try XLSXReader().read(url: URL(fileURLWithPath: path))
    let cellsRead = Date()
    var n = 0, figures = 0
    for s in sheets {
        n += s.grid.cellCount
        if case let .submissions(subs) = FormReader(catalog: reference.catalog).read(s.grid, file: path, defaultPeriod: Period(year: 2025, quarter: 3)) {
            figures += subs.reduce(0) { $0 + $1.values.count }
        }
    }
    let cellSeconds = cellsRead.timeIntervalSince(start)
    let formSeconds = Date().timeIntervalSince(start)
    print(String(format: "  every cell read in %.3f s (%.0f cells/s; compare with openpyxl, which reads cells only); with the form understood %.3f s (%.2f ×)",
                 cellSeconds, Double(n) / cellSeconds, formSeconds, formSeconds / cellSeconds))
    report("read \(n) cells of \(URL(fileURLWithPath: path).lastPathComponent) and understood the form (\(figures) figures)", seconds: Date().timeIntervalSince(start), items: n, unit: "cells")
}

/// Read one large CSV form (streamed a chunk of rows at a time) and validate it: time and peak
/// memory of each step, in bytes a figure.
func readCSVBenchmark(path: String) throws {
    let workspace = Workspace(Locations(reference: bundledReference(), templates: "templates"))
    let reference = try workspace.reference()
    let before = peakMemoryMiB()
    let start = Date()
    let input = try workspace.read([path], reference: reference)
    let read = Date()
    let afterReading = peakMemoryMiB()
    let figures = input.submissions.reduce(0) { $0 + $1.values.count }
    let result = workspace.check(input, reference: reference, asOf: CivilDate(year: 2025, month: 10, day: 31)).result
    let done = Date()
    let peak = peakMemoryMiB()
    print(String(format: "  %d figures; reading %.2f s, peak %.0f MiB (%.0f bytes a figure over the %.0f MiB before); checking %.2f s, peak %.0f MiB (%.0f bytes a figure); %d findings",
                 figures, read.timeIntervalSince(start), afterReading, (afterReading - before) * 1_048_576 / Double(max(figures, 1)), before,
                 done.timeIntervalSince(read), peak, (peak - before) * 1_048_576 / Double(max(figures, 1)), result.findings.count))
    report("read and validate \(URL(fileURLWithPath: path).lastPathComponent)", seconds: done.timeIntervalSince(start), items: figures, unit: "figures")
}

/// Error localisation's cost: the synthetic quarter with errors planted in `share` of its villages
/// (a rate at 100 %, a part over its whole, a negative count, a half household, by turns) and in
/// every tenth township's total, validated with and without localisation, alternately, in one run.
func localiseBenchmark(villages: Int, dir: URL, share: Double, rounds: Int) throws {
    if !FileManager.default.fileExists(atPath: dir.appendingPathComponent("divisions.csv").path) {
        let reference0 = try ReferenceData.load(directory: bundledReference())
        _ = try Synthesizer(catalog: reference0.catalog, villages: villages, period: Period(year: 2025, quarter: 3)).write(to: dir)
    }
    let workspace = Workspace(Locations(reference: bundledReference(), templates: "templates", divisions: dir.appendingPathComponent("divisions.csv").path))
    let reference = try workspace.reference()
    let readStart = Date()
    var input = try workspace.read([dir.appendingPathComponent("returns").path], reference: reference)
    let readSeconds = Date().timeIntervalSince(readStart)
    let every = max(1, Int((1 / share).rounded()))
    // The same quarter without the planted errors: what the error path costs is the difference.
    let clean = input
    var planted = 0, totals = 0, k = 0
    let kinds: [(IndicatorID, (PeriodValues, UnitCode) -> Double?)] = [
        ("road_hardening_rate", { _, _ in 100 }),
        ("sanitary_toilet_hh", { v, u in v[u, "households"].map { $0 + 20 } }),
        ("cleaners", { _, _ in -3 }),
        ("households", { v, u in v[u, "households"].map { $0 + 0.5 } }),
    ]
    for i in input.submissions.indices where input.submissions[i].period == Period(year: 2025, quarter: 3) {
        var sub = input.submissions[i]
        for row in sub.rows {
            let level = reference.tree.level(of: row.code)
            if level == .village {
                k += 1
                guard k % every == 0 else { continue }
                let (id, value) = kinds[(k / every) % kinds.count]
                if let v = value(sub.values, row.code) { sub.values.set(row.code, id, Observation(v, source: nil)); planted += 1 }
            } else if level == .township {
                totals += 1
                guard totals % 10 == 0, let hh = sub.values[row.code, "households"] else { continue }
                sub.values.set(row.code, "households", Observation(hh + 37, source: nil)); planted += 1
            }
        }
        input.submissions[i] = sub
    }
    print("  planted \(planted) errors (\(String(format: "%.1f", share * 100)) % of villages, every tenth township's households total)")
    func run(_ stages: [any FindingStage], on set: InputSet? = nil) -> (Double, ValidationResult) {
        let given = set ?? input
        let t = Date()
        let r = Validator(reference: reference, stages: stages).validate(
            submissions: given.submissions, fileFindings: given.findings, explanations: given.explanations,
            signOffs: given.signOffs, asOf: CivilDate(year: 2025, month: 10, day: 31))
        return (Date().timeIntervalSince(t), r)
    }
    var without: [Double] = [], with: [Double] = [], cleanTimes: [Double] = []
    var last: ValidationResult?
    for _ in 0..<rounds {
        without.append(run([]).0)
        let (s, r) = run([ErrorLocaliser(reference: reference)])
        with.append(s); last = r
        cleanTimes.append(run([ErrorLocaliser(reference: reference)], on: clean).0)
    }
    let cleanMedian = cleanTimes.sorted()[rounds / 2], errorMedian = with.sorted()[rounds / 2]
    print(String(format: "  checking the quarter without the planted errors %@ s, with them %@ s (median ratio %.2f; goal ≤ 1.2)",
                 cleanTimes.map { String(format: "%.2f", $0) }.joined(separator: " "), with.map { String(format: "%.2f", $0) }.joined(separator: " "),
                 errorMedian / cleanMedian))
    // The localisation stage alone, on the same findings and context.
    let base = run([]).1
    let ctx = CheckContext(reference: reference, period: Period(year: 2025, quarter: 3), submissions: base.submissions, history: base.history,
                           asOf: CivilDate(year: 2025, month: 10, day: 31), signOffs: input.signOffs)
    let localiser = ErrorLocaliser(reference: reference)
    for (name, keep) in [("villages", { (f: Finding) in f.unit.flatMap { reference.tree.level(of: $0) } == .village }),
                         ("totals", { (f: Finding) in f.unit.flatMap { reference.tree.level(of: $0) } != .village })] as [(String, (Finding) -> Bool)] {
        let subset = base.findings.filter(keep)
        let t = Date()
        _ = localiser.apply(subset, ctx)
        print(String(format: "  localisation alone, %@: %.2f s", name, Date().timeIntervalSince(t)))
    }
    if args.contains("--per-check") {
        // Each check alone on the quarter with and without the planted errors: where the error path costs.
        func context(_ set: InputSet) -> CheckContext {
            let r = run([], on: set).1
            return CheckContext(reference: reference, period: Period(year: 2025, quarter: 3), submissions: r.submissions, history: r.history,
                                asOf: CivilDate(year: 2025, month: 10, day: 31), signOffs: set.signOffs)
        }
        let cleanContext = context(clean), dirty = context(input)
        for check in CheckRegistry.checks(for: reference) {
            var a = Date(); let fa = check.run(cleanContext).count; let ta = Date().timeIntervalSince(a)
            a = Date(); let fb = check.run(dirty).count; let tb = Date().timeIntervalSince(a)
            if tb - ta > 0.01 || fb > fa + 100 {
                print(String(format: "  %@: %.3f s (%d findings) → %.3f s (%d findings)", String(describing: type(of: check)), ta, fa, tb, fb))
            }
        }
        // The localisation stage alone, five times over on the same findings: does it slow down?
        let again = run([]).1
        let stage = ErrorLocaliser(reference: reference)
        var laps: [String] = []
        for _ in 0..<5 { let t = Date(); _ = stage.apply(again.findings, dirty); laps.append(String(format: "%.2f", Date().timeIntervalSince(t))) }
        print("  localisation stage alone, five times: \(laps.joined(separator: " ")) s")
        var t = Date(); let r1 = run([], on: clean).1; let cleanAll = Date().timeIntervalSince(t)
        t = Date(); let r2 = run([]).1; let dirtyAll = Date().timeIntervalSince(t)
        print(String(format: "  whole validation without localisation: %.2f s (%d findings) → %.2f s (%d findings)", cleanAll, r1.findings.count, dirtyAll, r2.findings.count))
    }
    if args.contains("--profile") {
        var byUnit: [UnitCode: Set<RuleID>] = [:]
        var named: [UnitCode: [(RuleID, IndicatorID?)]] = [:]
        for f in base.findings where f.severity == .error { if let u = f.unit { byUnit[u, default: []].insert(f.rule); named[u, default: []].append((f.rule, f.indicator)) } }
        var differ = 0
        for u in byUnit.keys.sorted() {
            let a = localiser.localise(u, rules: byUnit[u] ?? [], ctx), b = localiser.localise(u, rules: byUnit[u] ?? [], named: named[u], ctx)
            if a != b { differ += 1; if differ <= 5 { print("  differs \(u): \(a?.message.en ?? "nil")\n      linked only: \(b?.message.en ?? "nil")") } }
        }
        print("  \(differ) units localised differently over the linked rules than over every rule")
        var times: [(Double, UnitCode, String)] = []
        var perLevel: [String: (Int, Double)] = [:]
        for (u, rules) in byUnit {
            let t = Date()
            let r = localiser.localise(u, rules: rules, named: named[u], ctx)
            let dt = Date().timeIntervalSince(t)
            let l = reference.tree.level(of: u)?.rawValue ?? "?"
            perLevel[l, default: (0, 0)].0 += 1; perLevel[l, default: (0, 0)].1 += dt
            times.append((dt, u, r?.message.en ?? "nil"))
        }
        for (l, v) in perLevel { print(String(format: "  %@: %d units, %.2f s serial", l, v.0, v.1)) }
        for (dt, u, m) in times.sorted(by: { $0.0 > $1.0 }).prefix(8) { print(String(format: "    %.4f s %@ %@", dt, u.rawValue, String(m.prefix(150)))) }
    }
    let units = Set(last?.findings.filter { $0.severity == .error && $0.fixMessage != nil }.compactMap(\.unit) ?? [])
    let fixed = Set(last?.findings.filter { $0.fix != nil }.compactMap(\.unit) ?? [])
    let determined = Set(last?.findings.filter { $0.fix?.contains { $0.value != nil } == true }.compactMap(\.unit) ?? [])
    let a = without.sorted()[rounds / 2], b = with.sorted()[rounds / 2]
    print(String(format: "  checking without localisation %@ s, with %@ s (median %.2f → %.2f s: +%.1f %% of checking)",
                 without.map { String(format: "%.2f", $0) }.joined(separator: " "), with.map { String(format: "%.2f", $0) }.joined(separator: " "),
                 a, b, (b / a - 1) * 100))
    print(String(format: "  reading took %.2f s: validate (reading and checking) %.2f → %.2f s, +%.1f %%",
                 readSeconds, readSeconds + a, readSeconds + b, (b - a) / (readSeconds + a) * 100))
    print(String(format: "  validate (reading %.2f s and checking) the quarter without the planted errors %.2f s, with them %.2f s: ratio %.2f (issue 30's goal ≤ 1.2)",
                 readSeconds, readSeconds + cleanMedian, readSeconds + errorMedian, (readSeconds + errorMedian) / (readSeconds + cleanMedian)))
    print("  \(units.count) units with errors localised: \(fixed.count) with a suggested fix, \(determined.count) with a value the rules determine")
}

let args = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, _ def: Int) -> Int {
    if let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) { return v }
    return def
}
func stringOption(_ name: String, _ def: String) -> String {
    if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
    return def
}

switch args.first {
case "export":
    let out = stringOption("--out", FileManager.default.temporaryDirectory.appendingPathComponent("renju-bench-export.xlsx").path)
    do {
        try exportBenchmark(cells: option("--cells", 1_000_000), columns: option("--columns", 25), path: out)
    } catch {
        FileHandle.standardError.write(Data("renju-bench: \(error)\n".utf8)); exit(2)
    }
case "validate":
    let dir = stringOption("--dir", FileManager.default.temporaryDirectory.appendingPathComponent("renju-bench-\(option("--villages", 500_000))").path)
    do { try validateBenchmark(villages: option("--villages", 500_000), dir: URL(fileURLWithPath: dir)) } catch {
        FileHandle.standardError.write(Data("renju-bench: \(error)\n".utf8)); exit(2)
    }
case "localise":
    let dir = stringOption("--dir", FileManager.default.temporaryDirectory.appendingPathComponent("renju-bench-\(option("--villages", 500_000))").path)
    do {
        try localiseBenchmark(villages: option("--villages", 500_000), dir: URL(fileURLWithPath: dir),
                              share: Double(stringOption("--share", "0.02")) ?? 0.02, rounds: option("--rounds", 3))
    } catch {
        FileHandle.standardError.write(Data("renju-bench: \(error)\n".utf8)); exit(2)
    }
case "read":
    let file = stringOption("--file", FileManager.default.temporaryDirectory.appendingPathComponent("renju-bench-read-\(option("--cells", 1_000_000)).xlsx").path)
    do { try readBenchmark(cells: option("--cells", 1_000_000), path: file) } catch {
        FileHandle.standardError.write(Data("renju-bench: \(error)\n".utf8)); exit(2)
    }
case "read-csv":
    do { try readCSVBenchmark(path: stringOption("--file", "")) } catch {
        FileHandle.standardError.write(Data("renju-bench: \(error)\n".utf8)); exit(2)
    }
default:
    print("""
    usage: renju-bench validate [--villages 500000] [--dir DIR] [--no-limits]   (synthesises DIR first if empty)
           renju-bench localise [--villages 500000] [--share 0.02] [--rounds 3] [--dir DIR] [--profile]
                                                                    (checking with and without error localisation)
           renju-bench read [--cells 1000000] [--file FILE]        (writes FILE first if missing)
           renju-bench read-csv --file FILE                         (one large CSV form: read, then validate)
           renju-bench export [--cells 1000000] [--columns 25] [--out FILE]
    Build with `swift build -c release` first; prints wall time, throughput and peak memory.
    """)
    exit(args.isEmpty ? 0 : 2)
}
