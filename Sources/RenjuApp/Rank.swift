import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuStore
import RenjuStoreCore
import RenjuExport
import RenjuRanking
import RenjuInspection

extension Workspace {
    /// A ranking and the unit whose townships it ranks.
    public struct RankingResult: Sendable {
        public let ranking: Ranking
        public let unit: UnitCode
        public let unitName: String
        public let reference: ReferenceData
        /// Not final yet (the desk): townships have not all signed, or the deadline has not passed.
        public var provisional = false
        /// The townships ranked (that reported) and all the townships of the ranking.
        public var ranked = 0, townships = 0
    }

    /// Ranks the townships of a unit (排名): figures from the store and from any inputs (whose
    /// period is validated to count open errors); earlier periods for the admonishment alert.
    public func rank(inputs: [String], store: (any HistoryStoring)?, period requested: Period?, unit: String?, asOf: CivilDate = .today) async throws -> RankingResult {
        // Only the periods a ranking reads: the ranked one and those the admonishment alert looks back on.
        func around(_ p: Period) throws -> [Period] {
            var out = [p], q = p
            for _ in 0..<max(0, (try self.reference()).ranking.admonishAfter - 1) { q = q.previous; out.append(q) }
            return out
        }
        let wanted: [Period]?
        if let requested { wanted = try around(requested) }
        else if inputs.isEmpty, let latest = try await store?.periods().map(\.period).max() { wanted = try around(latest) }
        else { wanted = nil }
        var dataset = try await store?.dataset(periods: wanted) ?? Dataset()
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
        func penalties(_ p: Period) async throws -> [UnitCode: (errors: Int, late: Int)] {
            if let v = validation, v.result.period == p { return Ranker.penalties(of: v.result.findings) }
            return Ranker.penalties(of: (try await store?.findings(period: p) ?? []).map {
                (unit: $0.unit, rule: $0.rule, severity: $0.severity, open: !$0.explained)
            })
        }
        let ranker = Ranker(reference: reference)
        var earlier: [Ranking] = []
        var p = period
        for _ in 0..<max(0, reference.ranking.admonishAfter - 1) {
            p = p.previous
            guard let values = dataset[p] else { break }
            earlier.append(ranker.rank(period: p, entries: ranker.score(period: p, under: root, values: values, penalties: try await penalties(p))))
        }
        let ranking = ranker.rank(period: period, entries: ranker.score(period: period, under: root, values: current, penalties: try await penalties(period)), earlier: earlier)
        return RankingResult(ranking: ranking, unit: root, unitName: tree.name(of: root) ?? root.rawValue, reference: reference)
    }

    /// Writes the ranking bulletin (通报) of the `monthly-bulletin` template.
    public func writeBulletin(_ r: RankingResult, to out: String) throws {
        let tpl = try template("monthly-bulletin", catalog: r.reference.catalog)
        do { try BulletinWriter(template: tpl).write(to: out, ranking: r.ranking, unitName: r.unitName) } catch {
            throw AppError(Message.of(error))
        }
    }
}

extension Workspace {
    /// The annual assessment (一年一考核): for each township, the mean of its scores over the year's
    /// periods in the store (quarters, else months; a period it did not report counts 0), plus
    /// points per 流动红旗, minus points per 黄牌, per figure an on-site check found wrong, and per
    /// period whose return was late or unsigned — the weights in `ranking.yaml` (`annual`), every
    /// part printed.
    public func rankYear(inputs: [String], store: (any HistoryStoring)?, year: Int, unit: String?, asOf: CivilDate = .today) async throws -> RankingResult {
        var dataset = try await store?.dataset(periods: nil) ?? Dataset()
        if !inputs.isEmpty {
            let input = try read(inputs, reference: try reference())
            for sub in input.submissions { if let p = sub.period { dataset.merge(p, sub.values) } }
        }
        let all = dataset.periods.keys.filter { $0.year == year }
        let periods = all.contains { $0.kind == .quarter } ? all.filter { $0.kind == .quarter }.sorted() : all.filter { $0.kind == .month }.sorted()
        guard !periods.isEmpty else { throw AppError(zh: "\(year) 年没有可考核的数据", en: "no figures of \(year) to assess") }
        var rankings: [RankingResult] = []
        for p in periods { rankings.append(try await rank(inputs: inputs, store: store, period: p, unit: unit, asOf: asOf)) }
        guard let first = rankings.first else { throw AppError(zh: "\(year) 年没有排名", en: "no ranking in \(year)") }
        let reference = first.reference, cfg = reference.ranking, tree = reference.tree
        func township(_ u: UnitCode) -> UnitCode? {
            var cur: UnitCode? = u
            while let c = cur, let l = tree.level(of: c), l > cfg.level { cur = tree.parent(of: c) }
            return cur.flatMap { tree.level(of: $0) == cfg.level ? $0 : nil }
        }
        // Figures found wrong by inspection in the year, by township.
        var corrections: [UnitCode: Int] = [:]
        if let s = store as? any InspectionStoring {
            for r in try await s.inspections() where r.wrong && r.period.year == year { if let t = township(r.unit) { corrections[t, default: 0] += 1 } }
        }
        // Periods whose return was late or unsigned, by township (the store's findings).
        let signOffRules: Set<String> = ["signoff.late", "signoff.unsigned", "signoff.missing_role"]
        var late: [UnitCode: Set<Period>] = [:]
        for p in periods {
            for f in try await store?.findings(period: p) ?? [] where signOffRules.contains(f.rule.description) {
                if let u = f.unit, let t = township(u) { late[t, default: []].insert(p) }
            }
        }
        let units = Set(rankings.flatMap { $0.ranking.entries.map(\.unit) }).sorted()
        func r2(_ x: Double) -> Double { (x * 100).rounded() / 100 }
        var entries: [RankingEntry] = units.map { u in
            let mine = rankings.map { r in r.ranking.entries.first { $0.unit == u } }
            let scores = mine.map { e in e.map { $0.reported ? $0.score : 0 } ?? 0 }
            let mean = r2(scores.reduce(0, +) / Double(periods.count))
            let flags = mine.filter { $0?.award == .redFlag }.count, cards = mine.filter { $0?.award == .yellowCard }.count
            let fixes = corrections[u] ?? 0, lateCount = late[u]?.count ?? 0
            let detail = zip(periods, scores).map { "\($0) \(String(format: "%.2f", $1))" }.joined(separator: "、")
            let parts: [RankingEntry.Part] = [
                .init(label: "\(periods.count) 期平均得分", points: mean, maximum: nil, detail: detail,
                      englishLabel: "mean of \(periods.count) periods", englishDetail: detail),
                .init(label: "流动红旗", points: r2(Double(flags) * cfg.annualRedFlag), maximum: nil, detail: "\(flags) 面 × \(shortestDecimal(cfg.annualRedFlag))",
                      englishLabel: "red flags", englishDetail: "\(flags) × \(shortestDecimal(cfg.annualRedFlag))"),
                .init(label: "黄牌警告", points: -r2(Double(cards) * cfg.annualYellowCard), maximum: nil, detail: "\(cards) 次 × \(shortestDecimal(cfg.annualYellowCard))",
                      englishLabel: "yellow cards", englishDetail: "\(cards) × \(shortestDecimal(cfg.annualYellowCard))"),
                .init(label: "核查更正", points: -r2(Double(fixes) * cfg.annualInspectionCorrection), maximum: nil,
                      detail: "\(fixes) 个数 × \(shortestDecimal(cfg.annualInspectionCorrection))",
                      englishLabel: "found wrong on inspection", englishDetail: "\(fixes) × \(shortestDecimal(cfg.annualInspectionCorrection))"),
                .init(label: "迟报或未签", points: -r2(Double(lateCount) * cfg.annualLateReturn), maximum: nil, detail: "\(lateCount) 期 × \(shortestDecimal(cfg.annualLateReturn))",
                      englishLabel: "late or unsigned returns", englishDetail: "\(lateCount) × \(shortestDecimal(cfg.annualLateReturn))"),
            ]
            let missing = zip(periods, mine).filter { $0.1?.reported != true }.map(\.0.description)
            return RankingEntry(unit: u, name: tree.name(of: u) ?? u.rawValue, parts: parts, score: r2(parts.map(\.points).reduce(0, +)),
                                notes: missing.isEmpty ? [] : ["未报：\(missing.joined(separator: "、"))（计 0 分）"], reported: true,
                                englishNotes: missing.isEmpty ? [] : ["not reported: \(missing.joined(separator: ", ")) (0 points)"])
        }
        entries.sort { $0.score != $1.score ? $0.score > $1.score : $0.unit < $1.unit }
        for i in entries.indices { entries[i].rank = 1 + entries.filter { $0.score > entries[i].score }.count }
        let span = periods.count == 1 ? periods[0].description : "\(periods[0])–\(periods[periods.count - 1])"
        let ranking = Ranking(period: Period(year: year), entries: entries,
                              notes: ["年度考核由 \(span) 共 \(periods.count) 期组成"], englishNotes: ["the annual assessment of \(periods.count) periods, \(span)"])
        return RankingResult(ranking: ranking, unit: first.unit, unitName: first.unitName, reference: reference)
    }
}
