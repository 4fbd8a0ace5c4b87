import ArgumentParser
import Foundation
import RenjuModel
import RenjuApp

struct Synth: AsyncParsableCommand {
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

    @OptionGroup var reference: ReferenceOptions
    @OptionGroup var period: PeriodOption

    @Option(name: .long, help: "Number of villages (1–2,000,000).")
    var villages: Int

    @Option(name: .long, help: ArgumentHelp("Output folder.", valueName: "dir"))
    var out: String

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 20251001

    @Option(name: .long, help: "Villages a township (default 12).")
    var villagesPerTownship: Int?

    @Option(name: .long, help: "Townships a county (default 15).")
    var townshipsPerCounty: Int?

    @Option(name: .long, help: "Counties a prefecture (default 8), e.g. 10 with --townships-per-county 30 for a prefecture's desk.")
    var countiesPerPrefecture: Int?

    func validate() throws {
        guard villages > 0, villages <= 2_000_000 else { throw ValidationError("--villages must be 1–2,000,000") }
        guard period.value?.kind == .quarter else { throw ValidationError("--period must be a quarter, e.g. 2025Q3") }
    }

    mutating func run() async throws {
        guard let p = period.value else { throw ExitCode(2) }
        let sum = try reference.workspace().synthesize(villages: villages, period: p, seed: seed,
            shape: .init(villagesPerTownship: villagesPerTownship, townshipsPerCounty: townshipsPerCounty, countiesPerPrefecture: countiesPerPrefecture), to: out)
        print("\(sum.villages) villages in \(sum.townships) townships, \(sum.counties) counties, \(sum.prefectures) prefectures, \(sum.provinces) provinces; \(sum.files) files in \(out)")
    }
}
