import Foundation
import RenjuModel
import RenjuReference
import RenjuReading
import RenjuChecks
import RenjuExport
import RenjuSynth

extension Workspace {
    /// Synthetic returns at any scale, with the previous quarter (benchmarks and demos).
    public func synthesize(villages: Int, period: Period, seed: UInt64, to folder: String) throws -> Synthesizer.Summary {
        guard (1...2_000_000).contains(villages) else { throw AppError(zh: "--villages 须为 1–2,000,000", en: "--villages must be 1–2,000,000") }
        guard period.kind == .quarter else { throw AppError(zh: "--period 须为季度，如 2025Q3", en: "--period must be a quarter, e.g. 2025Q3") }
        var s = Synthesizer(catalog: try reference().catalog, villages: villages, period: period)
        s.seed = seed
        if let report = progress { s.progress = { report(.writingCounties, $0, $1) } }
        do { return try s.write(to: URL(fileURLWithPath: folder)) } catch { throw AppError(Message.of(error)) }
    }
}
