import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuStore
import RenjuStoreCore
import RenjuReading
import RenjuInspection
import RenjuRanking

// The desk's use cases: 抽查 — drawing a sample, recording what inspectors found, hit rates.
extension Desk {

    /// 抽查 from the county board: a sample of the villages of the latest submissions in the
    /// account's scope (not sent back), stored, and its inspection workbook.
    public func inspectionSample(period: Period, size: Int, seed: UInt64, randomShare: Double, for grant: Grant<Permit.Review>, now: Date = Date()) async throws -> SampleDownload {
        let account = grant.account
        let subs = try await shownVersions(period: period, for: account)
        guard !subs.isEmpty else { throw DeskError.notFound(Message(zh: "\(period) 还没有可抽查的报表", en: "nothing to sample for \(period)")) }
        var paths: [String] = []
        for s in subs.sorted(by: { $0.unit < $1.unit }) { await paths.append(try read(s).path) }
        let out = scratch.appendingPathComponent("sample-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: out) }
        let sample = try await workspace.sample(paths, store: store, period: period, size: size, seed: seed, randomShare: randomShare,
                                          grouping: .township, out: out.path, who: account.login, asOf: today, now: now)
        let bytes: Data
        do { bytes = try Data(contentsOf: out) } catch { throw AppError(zh: "无法读取写出的工作簿", en: "cannot read the written workbook", cause: error) }
        try await store.log(.sample, who: account.login, submission: nil, unit: account.unit, period: period,
                      detail: "sample \(sample.id ?? 0): \(sample.units.count) villages, seed \(seed)", now: now)
        return SampleDownload(name: "抽查核实表-\(period)-\(sample.id ?? 0).xlsx", bytes: bytes, sample: sample)
    }

    /// A filled inspection workbook brought back: every result recorded beside the figures, when
    /// every unit in it lies in the account's scope (else nothing is recorded).
    public func verifyInspection(_ bytes: Data, by grant: Grant<Permit.Review>, now: Date = Date()) async throws -> Workspace.Verified {
        let account = grant.account
        guard bytes.count <= maxUploadBytes else { throw DeskError.tooLarge(limit: maxUploadBytes) }
        let path = try scratchFile(sha256: ContentSHA.hex(bytes), bytes: bytes)
        let tree = reference.tree
        let v = try await Workspace.verifyImport(path, store: store, who: account.login, now: now,
                                           allowed: { DeskPolicy.inScope($0, of: account, tree: tree) })
        try await store.log(.verify, who: account.login, submission: nil, unit: account.unit, period: v.results.first?.period,
                      detail: "sample \(v.sampleID): \(v.results.count) figures, \(v.corrected) wrong", now: now)
        return v
    }

    /// The rules' hit rates over the inspections of the account's units only, and how many
    /// inspection results that is.
    public func hitRates(for grant: Grant<Permit.Review>) async throws -> HitRateSummary {
        let account = grant.account
        let tree = reference.tree
        return try await workspace.hitRates(store: store, within: { DeskPolicy.inScope($0, of: account, tree: tree) })
    }
}
