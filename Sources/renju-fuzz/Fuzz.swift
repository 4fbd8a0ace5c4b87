import Foundation
import RenjuText
import RenjuModel
import RenjuReading
import RenjuReference

// One harness, five targets, chosen by RENJU_FUZZ_TARGET: csv, xlsx, sheet (one worksheet's XML:
// cells, merges, formulas recomputed), cell, expr.
//   scripts/fuzz.sh csv 1000000        (libFuzzer, -sanitize=fuzzer,address)
//   .build/debug/renju-fuzz csv Fuzz/corpus/csv   (replay a corpus in a normal build)

enum FuzzTarget: String, CaseIterable { case csv, xlsx, sheet, cell, expr }

let fuzzCatalog = Catalog([
    Indicator(id: "households", name: "总户数", unit: "户", decimals: 0, kind: .stock(.stable(percent: 2)), integer: true),
    Indicator(id: "sanitary_toilet_hh", name: "卫生厕所户数", unit: "户", decimals: 0, kind: .stock(.nonDecreasing), integer: true),
    Indicator(id: "sanitary_toilet_rate", name: "卫生厕所普及率", unit: "%", decimals: 2,
              kind: .rate(numerator: "sanitary_toilet_hh", denominator: "households")),
    Indicator(id: "garbage_system_covered", name: "生活垃圾收运处置体系覆盖", unit: "是/否", decimals: 0, kind: .flag),
    Indicator(id: "garbage_generated_t", name: "生活垃圾产生量", unit: "吨", decimals: 1, kind: .flow),
    Indicator(id: "investment_10k_yuan", name: "累计投入资金", unit: "万元", decimals: 1, kind: .ytd),
])

func fuzzOne(_ data: Data, _ target: FuzzTarget) {
    let reader = FormReader(catalog: fuzzCatalog)
    switch target {
    case .csv:
        guard let (text, _) = TextDecoding.decode(data) else { return }
        _ = TextDecoding.looksMixed(data)
        let parsed = CSVReader.parse(text)
        _ = reader.read(parsed.grid, file: "fuzz.csv", defaultPeriod: nil)
    case .xlsx:
        // Through a file, as in production (see XLSXReader: the memory-backed archive is not used).
        guard (try? data.write(to: scratch)) != nil, let sheets = try? XLSXReader().read(url: scratch) else { return }
        for s in sheets { _ = reader.read(s.grid, file: "fuzz.xlsx", defaultPeriod: Period(year: 2025, quarter: 3)) }
    case .sheet:
        guard let grid = try? XLSXReader().sheet(xml: data, name: "数据") else { return }
        _ = reader.read(grid, file: "fuzz.xlsx", defaultPeriod: Period(year: 2025, quarter: 3))
    case .cell:
        let text = String(decoding: data, as: UTF8.self)
        for kind in [IndicatorKind.flow, .flag, .rate(numerator: "a", denominator: "b"), .stock(.free)] {
            _ = CellParser.read(text: text, kind: kind)
        }
        _ = Period.parse(text); _ = Period.find(in: text); _ = CivilDate.parse(text); _ = UnitCode(text)
        _ = fuzzCatalog.resolve(text)
        if let p = Period.parse(text) { _ = p.previous; _ = p.endDate; _ = p.chinese }
    case .expr:
        let text = String(decoding: data, as: UTF8.self)
        if let e = try? RuleExpressionParser.parse(text, knownIndicator: { fuzzCatalog[$0] != nil }) { _ = e.description; _ = e.indicators }
    }
}

let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("renju-fuzz-\(ProcessInfo.processInfo.processIdentifier).xlsx")

let selected = FuzzTarget(rawValue: ProcessInfo.processInfo.environment["RENJU_FUZZ_TARGET"] ?? "") ?? .csv

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let data = bytes.map { Data(bytes: $0, count: size) } ?? Data()
    fuzzOne(data, selected)
    return 0
}

#if FUZZING
// SwiftPM links an executable's entry point as `renju_fuzz_main`; under the fuzzer it hands over
// to libFuzzer's driver (whose own `main` is then not linked).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("renju_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var c = argc
    var v = argv
    return LLVMFuzzerRunDriver(&c, &v) { LLVMFuzzerTestOneInput($0, $1) }
}
#else
@main
struct Replay {
    static func main() {
        let args = Array(CommandLine.arguments.dropFirst())
        guard let name = args.first, let target = FuzzTarget(rawValue: name) else {
            print("usage: renju-fuzz csv|xlsx|sheet|cell|expr FILE_OR_DIR...  (replays inputs through a fuzz target)")
            exit(2)
        }
        var count = 0
        for path in args.dropFirst() {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { continue }
            let files = isDir.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { "\(path)/\($0)" }
                : [path]
            for f in files {
                guard let d = FileManager.default.contents(atPath: f) else { continue }
                fuzzOne(d, target); count += 1
            }
        }
        print("\(count) inputs replayed through \(target.rawValue): no crash")
    }
}
#endif
