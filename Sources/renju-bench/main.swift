import Foundation
import RenjuExport

// Benchmarks, to be run from a release build:
//   swift build -c release && .build/release/renju-bench export --cells 1000000
// Prints wall time, throughput and peak memory (maximum resident set size).

func peakMemoryMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
}

func report(_ name: String, seconds: Double, items: Int, unit: String) {
    print(String(format: "%@: %.2f s, %.0f %@/s, peak memory %.1f MiB", name, seconds, Double(items) / seconds, unit, peakMemoryMiB()))
}

func exportBenchmark(cells: Int, columns: Int, path: String) throws {
    let rows = (cells + columns - 1) / columns
    let start = Date()
    let book = try XlsxBook(path: path, constantMemory: true)
    let sheet = try book.addSheet("数据")
    let number = CellStyle(numberFormat: "#,##0.00")
    var written = 0
    for r in 0..<rows {
        // A text code column and numbers, like a return: 1 text + (columns - 1) numbers.
        try sheet.write(r, 0, .text(String(640422100201 + r)))
        written += 1
        for c in 1..<columns where written < cells {
            try sheet.write(r, c, .number(Double((r * 31 + c * 17) % 100_000) / 100), number)
            written += 1
        }
    }
    try book.close()
    let seconds = Date().timeIntervalSince(start)
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    report("export \(written) cells (\(rows) rows × \(columns) columns, constant memory, \(size / 1024) KiB)", seconds: seconds, items: written, unit: "cells")
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
default:
    print("""
    usage: renju-bench export [--cells 1000000] [--columns 25] [--out FILE]
    Build with `swift build -c release` first; prints wall time, throughput and peak memory.
    """)
    exit(args.isEmpty ? 0 : 2)
}
