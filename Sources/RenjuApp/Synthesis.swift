import Foundation
import RenjuModel
import RenjuReference
import RenjuReading
import RenjuChecks
import RenjuExport
import RenjuSynth

extension Workspace {
    /// Synthetic returns at any scale, with the previous quarter (benchmarks and demos).
    /// The shape of the synthetic tree: how many of each level under one of the level above
    /// (nil keeps the synthesizer's national proportions).
    public struct SynthShape: Sendable {
        public var villagesPerTownship: Int?, townshipsPerCounty: Int?, countiesPerPrefecture: Int?
        public init(villagesPerTownship: Int? = nil, townshipsPerCounty: Int? = nil, countiesPerPrefecture: Int? = nil) {
            self.villagesPerTownship = villagesPerTownship; self.townshipsPerCounty = townshipsPerCounty; self.countiesPerPrefecture = countiesPerPrefecture
        }
    }

    public func synthesize(villages: Int, period: Period, seed: UInt64, shape: SynthShape = SynthShape(), to folder: String) throws -> Synthesizer.Summary {
        guard (1...2_000_000).contains(villages) else { throw AppError(zh: "--villages 须为 1–2,000,000", en: "--villages must be 1–2,000,000") }
        guard period.kind == .quarter else { throw AppError(zh: "--period 须为季度，如 2025Q3", en: "--period must be a quarter, e.g. 2025Q3") }
        var s = Synthesizer(catalog: try reference().catalog, villages: villages, period: period)
        s.seed = seed
        // The synthetic codes' room: villages 201–998, townships 100–998, counties 01–99.
        for (value, option, most) in [(shape.villagesPerTownship, "--villages-per-township", 798), (shape.townshipsPerCounty, "--townships-per-county", 899),
                                      (shape.countiesPerPrefecture, "--counties-per-prefecture", 99)] {
            if let v = value, !(1...most).contains(v) { throw AppError(zh: "\(option) 须为 1–\(most)", en: "\(option) must be 1–\(most)") }
        }
        if let v = shape.villagesPerTownship { s.villagesPerTownship = v }
        if let v = shape.townshipsPerCounty { s.townshipsPerCounty = v }
        if let v = shape.countiesPerPrefecture { s.countiesPerPrefecture = v }
        if let report = progress { s.progress = { report(.writingCounties, $0, $1) } }
        do { return try s.write(to: URL(fileURLWithPath: folder)) } catch { throw AppError(Message.of(error)) }
    }
}
