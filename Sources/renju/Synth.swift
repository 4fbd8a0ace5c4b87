import ArgumentParser
import Foundation
import RenjuModel
import RenjuReference
import RenjuExport

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write realistic synthetic returns at any scale, with the previous quarter (for benchmarks and demos).",
        discussion: """
        Writes DIR/divisions.csv (synthetic provinces, prefectures, counties, townships, villages) and, \
        in DIR/returns/PERIOD/, for the period and the one before, one wide CSV a county with its \
        sign-offs. Deterministic for a seed.

          renju synth --villages 500000 --period 2025Q3 --out /tmp/national
          renju validate --divisions /tmp/national/divisions.csv /tmp/national/returns
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "Number of villages.")
    var villages: Int

    @Option(name: .long, help: ArgumentHelp("Output folder.", valueName: "dir"))
    var out: String

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 20251001

    func validate() throws {
        guard villages > 0, villages <= 2_000_000 else { throw ValidationError("--villages must be 1–2,000,000") }
        guard common.parsedPeriod?.kind == .quarter else { throw ValidationError("--period must be a quarter, e.g. 2025Q3") }
    }

    func run() throws {
        let reference: ReferenceData
        do { reference = try common.loadReference() } catch let e as CouldNotRun { writeStderr("renju: \(e)"); throw ExitCode(2) }
        guard let period = common.parsedPeriod else { throw ExitCode(2) }
        var s = Synthesizer(catalog: reference.catalog, villages: villages, period: period)
        s.seed = seed
        do {
            let sum = try s.write(to: URL(fileURLWithPath: out))
            print("\(sum.villages) villages in \(sum.townships) townships, \(sum.counties) counties, \(sum.prefectures) prefectures, \(sum.provinces) provinces; \(sum.files) files in \(out)")
        } catch {
            writeStderr("renju: \(error)"); throw ExitCode(2)
        }
    }
}
