import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuStore
import RenjuExport
import RenjuRanking

extension Workspace {
    /// A ranking and the unit whose townships it ranks.
    public struct RankingResult: Sendable {
        public let ranking: Ranking
        public let unit: UnitCode
        public let unitName: String
        public let reference: ReferenceData
    }

    /// Ranks the townships of a unit (排名): figures from the store and from any inputs (whose
    /// period is validated to count open errors); earlier periods for the admonishment alert.
    public func rank(inputs: [String], store: (any HistoryStoring)?, period requested: Period?, unit: String?, asOf: CivilDate = .today) throws -> RankingResult {
        var dataset = try store?.dataset(periods: nil) ?? Dataset()
        var validation: Validation? = nil
        let reference: ReferenceData
        if !inputs.isEmpty {
            let v = try validate(inputs, period: requested, history: dataset, asOf: asOf)
            validation = v
            reference = v.reference
            for sub in v.input.submissions { if let p = sub.period { dataset.merge(p, sub.values) } }
        } else {
            reference = try self.reference()
        }
        guard let period = requested ?? dataset.periods.keys.max() else {
            throw AppError(zh: "没有可排名的数据（请给出输入文件或 --db）", en: "no figures to rank (give inputs or --db)")
        }
        guard let current = dataset[period] else { throw AppError(zh: "没有 \(period) 的数据", en: "no figures for \(period)") }
        let tree = reference.tree
        let root: UnitCode
        if let unit {
            root = try Self.unit(unit, in: reference)
        } else {
            let above = Set(current.units.filter { tree[$0] != nil }.compactMap { u -> UnitCode? in
                var cur: UnitCode? = u
                while let c = cur, let l = tree[c]?.level, l >= reference.ranking.level { cur = tree[c]?.parent }
                return cur
            })
            guard above.count == 1, let c = above.first else {
                throw AppError(zh: "数据跨越 \(above.count) 个上级单位，请用 --unit 指定", en: "the figures span \(above.count) units above the ranked level; use --unit")
            }
            root = c
        }
        func penalties(_ p: Period) throws -> [UnitCode: (errors: Int, late: Int)] {
            if let v = validation, v.result.period == p { return Ranker.penalties(of: v.result.findings) }
            return Ranker.penalties(of: (try store?.findings(period: p) ?? []).map {
                (unit: $0.unit, rule: $0.rule, severity: $0.severity, open: !$0.explained)
            })
        }
        let ranker = Ranker(reference: reference)
        var earlier: [Ranking] = []
        var p = period
        for _ in 0..<max(0, reference.ranking.admonishAfter - 1) {
            p = p.previous
            guard let values = dataset[p] else { break }
            earlier.append(ranker.rank(period: p, entries: ranker.score(period: p, under: root, values: values, penalties: try penalties(p))))
        }
        let ranking = ranker.rank(period: period, entries: ranker.score(period: period, under: root, values: current, penalties: try penalties(period)), earlier: earlier)
        return RankingResult(ranking: ranking, unit: root, unitName: tree.name(of: root) ?? root.rawValue, reference: reference)
    }

    /// Writes the ranking bulletin (通报) of the `monthly-bulletin` template.
    public func writeBulletin(_ r: RankingResult, to out: String) throws {
        let tpl = try template("monthly-bulletin", catalog: r.reference.catalog)
        do { try BulletinWriter(template: tpl).write(to: out, ranking: r.ranking, unitName: r.unitName) } catch {
            throw AppError("\(error)")
        }
    }
}
