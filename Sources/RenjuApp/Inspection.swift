import Foundation
import RenjuModel
import RenjuReference
import RenjuReading
import RenjuChecks
import RenjuStore
import RenjuStoreCore
import RenjuExport
import RenjuInspection

extension Workspace {
    /// The store's on-site checks, or why it has none.
    public static func inspectionStore(_ store: any HistoryStoring) throws -> any InspectionStoring {
        guard let s = store as? any InspectionStoring else {
            throw AppError(zh: "此数据库不能保存抽查结果：\(store.path)", en: "this store cannot keep inspections: \(store.path)")
        }
        return s
    }

    /// Draws an inspection sample of the period's villages (抽查), stores it, and writes the
    /// inspection workbook. Risk comes from the validation's open findings (`VillageRisk`).
    public func sample(_ inputs: [String], store: any HistoryStoring, period: Period?, size: Int, seed: UInt64, randomShare: Double,
                       grouping: Level, out: String, who: String? = nil, asOf: CivilDate = .today, now: Date = Date()) async throws -> InspectionSample {
        guard size >= 1 else { throw AppError(zh: "--size 至少为 1", en: "--size must be at least 1") }
        guard (0...1).contains(randomShare) else { throw AppError(zh: "--random-share 须在 0–1 之间", en: "--random-share must be within 0–1") }
        try Self.checkOutput(out, notIn: inputs, option: "--out")
        let inspections = try Self.inspectionStore(store)
        let v = try await validate(inputs, period: period, store: store, asOf: asOf)
        guard let p = v.result.period else { throw AppError(zh: "没有可抽查的报告期", en: "no period to sample") }
        let tree = v.reference.tree, cat = v.reference.catalog
        // The villages and their figures.
        var villages: [UnitCode: Submission] = [:]
        for sub in v.result.submissions { for row in sub.rows where tree.level(of: row.code) == .village { villages[row.code] = sub } }
        let risk = VillageRisk(findings: v.result.findings, villages: villages.keys, tree: tree, catalog: cat)
        let sampler = InspectionSampler(size: size, randomShare: randomShare, seed: seed)
        let drawn = sampler.draw(villages.keys.map { InspectionSampler.Candidate(unit: $0, score: risk.score[$0] ?? 0) })
        var figures: [SampledFigure] = []
        for d in drawn {
            guard let sub = villages[d.unit] else { continue }
            for ind in cat.indicators where !ind.kind.isRate {
                guard let value = sub.values[d.unit, ind.id] else { continue }
                figures.append(SampledFigure(unit: d.unit, part: d.part, probability: d.probability, indicator: ind.id, reported: value,
                                             rules: risk.rules(of: d.unit, indicator: ind.id)))
            }
        }
        var sample = InspectionSample(id: nil, period: p, seed: seed, size: size, randomShare: randomShare, grouping: grouping,
                                      at: ISO8601DateFormatter().string(from: now), who: who ?? Self.currentUser(), figures: figures)
        sample.id = try await inspections.saveSample(sample)
        var reasons: [UnitCode: String] = [:]
        for d in drawn where d.part == .risk { reasons[d.unit] = risk.reason(d.unit) }
        do { try InspectionWorkbook(reference: v.reference).write(to: out, sample: sample, reasons: reasons) }
        catch let e as XlsxError { throw AppError(zh: "无法写出 \(out)", en: "cannot write \(out)", cause: e) }
        return sample
    }

    /// What `verify import` recorded.
    public struct Verified: Sendable {
        public let sampleID: Int64
        public let results: [InspectionResult]
        public var confirmed: Int { results.filter { !$0.wrong }.count }
        public var corrected: Int { results.filter(\.wrong).count }
    }

    /// Reads a filled inspection workbook and records each verified figure beside the submitted
    /// one (confirmed, or wrong with the true value). A cell that cannot be understood stops the
    /// import with its sheet and cell; nothing is recorded then.
    /// `allowed`: a unit the caller may record for (the desk: the account's scope); a row of any
    /// other unit refuses the whole workbook.
    public static func verifyImport(_ path: String, store: any HistoryStoring, who: String? = nil, now: Date = Date(),
                                     allowed: (UnitCode) -> Bool = { _ in true }) async throws -> Verified {
        let inspections = try Self.inspectionStore(store)
        let file = (path as NSString).lastPathComponent
        let sheets: [XLSXReader.Sheet]
        do { sheets = try XLSXReader().read(url: URL(fileURLWithPath: path)) }
        catch { throw AppError(zh: "无法读取 \(file)", en: "cannot read \(file)", cause: error) }
        guard let about = sheets.first(where: { $0.name == InspectionWorkbook.aboutSheet }),
              let idRow = about.grid.rowIndices.first(where: { about.grid[$0, 0]?.display == InspectionWorkbook.sampleIDLabel }),
              case let .number(idValue)? = about.grid[idRow, 1], let sampleID = Int64(exactly: idValue) else {
            throw AppError(zh: "\(file) 不是 renju sample 写出的抽查核实表（找不到“\(InspectionWorkbook.aboutSheet)”中的抽查编号）",
                           en: "\(file) is not an inspection workbook written by renju sample (no sample id on “\(InspectionWorkbook.aboutSheet)”)")
        }
        guard let sample = try await inspections.samples().first(where: { $0.id == sampleID }) else {
            throw AppError(zh: "\(file)：抽查编号 \(sampleID) 不在数据库 \(store.path) 中", en: "\(file): sample \(sampleID) is not in the store \(store.path)")
        }
        var figures: [String: SampledFigure] = [:]
        for f in sample.figures { figures["\(f.unit)|\(f.indicator)"] = f }
        let stamp = ISO8601DateFormatter().string(from: now), recorder = who ?? Self.currentUser()
        var results: [InspectionResult] = []
        for sheet in sheets where sheet.name != InspectionWorkbook.aboutSheet {
            let g = sheet.grid
            guard InspectionWorkbook.columns.indices.allSatisfy({ g[0, $0]?.display == InspectionWorkbook.columns[$0] }) else {
                throw AppError(zh: "\(file):\(sheet.name)：表头与抽查核实表不符", en: "\(file):\(sheet.name): the header is not the inspection workbook's")
            }
            for r in g.rowIndices where r > 0 {
                func at(_ c: Int) -> String { "\(file):\(sheet.name)!\(SourceRef.columnLetters(c))\(r + 1)" }
                let result = g[r, 7]?.display.trimmingCharacters(in: .whitespaces) ?? ""
                guard !result.isEmpty else { continue }
                let code = g[r, 0]?.display ?? "", ind = g[r, 3]?.display ?? ""
                guard let unit = UnitCode(code), let f = figures["\(unit)|\(ind)"] else {
                    throw AppError(zh: "\(at(0))：\(code) \(ind) 不在抽查编号 \(sampleID) 的样本中", en: "\(at(0)): \(code) \(ind) is not in sample \(sampleID)")
                }
                guard allowed(unit) else { throw AppError(zh: "\(at(0))：\(unit) 不在您的范围内", en: "\(at(0)): \(unit) is outside your scope") }
                guard result == InspectionWorkbook.confirmed || result == InspectionWorkbook.wrong else {
                    throw AppError(zh: "\(at(7))：核实结果应为“属实”或“有误”，表中是“\(result)”", en: "\(at(7)): the result must be 属实 or 有误, not “\(result)”")
                }
                var found: Double? = nil
                if let cell = g[r, 8] {
                    guard case let .number(x) = cell, x.isFinite, x >= 0 else {
                        throw AppError(zh: "\(at(8))：核实值应为不小于 0 的数，表中是“\(cell.display)”", en: "\(at(8)): the value found must be a number ≥ 0, not “\(cell.display)”")
                    }
                    found = x
                }
                let wrong = result == InspectionWorkbook.wrong
                if wrong && found == nil {
                    throw AppError(zh: "\(at(8))：核实结果为“有误”时须填写核实值", en: "\(at(8)): a figure found wrong needs the value found")
                }
                let inspector = g[r, 9]?.display.trimmingCharacters(in: .whitespaces) ?? ""
                var date: String? = nil
                if let cell = g[r, 10] {
                    if case let .number(serial) = cell, let d = g.date(serial: serial) { date = d.description }
                    else if let d = CivilDate.parse(cell.display) { date = d.description }
                    else { throw AppError(zh: "\(at(10))：核查日期“\(cell.display)”不是日期", en: "\(at(10)): “\(cell.display)” is not a date") }
                }
                results.append(InspectionResult(sampleID: sampleID, period: sample.period, unit: unit, indicator: f.indicator, reported: f.reported,
                                                found: found ?? f.reported, wrong: wrong, inspector: inspector.isEmpty ? recorder : inspector,
                                                inspectedOn: date, recordedAt: stamp, recordedBy: recorder))
            }
        }
        try await inspections.recordInspections(results)
        return Verified(sampleID: sampleID, results: results)
    }

    /// Every rule's hit rate from the store's inspections.
    public func hitRates(store: any HistoryStoring) async throws -> HitRates {
        try await hitRates(store: store, within: nil).rates
    }

    /// Hit rates over the inspected figures of the units `within` admits (all when nil), and how
    /// many inspection results those are: a county reviewer's page counts its own county only.
    public func hitRates(store: any HistoryStoring, within: ((UnitCode) -> Bool)?) async throws -> HitRateSummary {
        let s = try Self.inspectionStore(store)
        var samples = try await s.samples(), results = try await s.inspections()
        if let within {
            samples = samples.map { x in
                InspectionSample(id: x.id, period: x.period, seed: x.seed, size: x.size, randomShare: x.randomShare, grouping: x.grouping,
                                 at: x.at, who: x.who, figures: x.figures.filter { within($0.unit) })
            }.filter { !$0.figures.isEmpty }
            results = results.filter { within($0.unit) }
        }
        return HitRateSummary(rates: HitRates.compute(samples: samples, results: results), recorded: results.count)
    }
}

/// The rules' hit rates and how many inspection results they rest on.
public struct HitRateSummary: Sendable {
    public let rates: HitRates
    public let recorded: Int
}
