import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks

/// One township's place in a ranking, with a breakdown from which its score can be recomputed.
public struct RankingEntry: Sendable {
    public struct Part: Sendable {
        public let label: String
        public let points: Double
        public let maximum: Double?
        public let detail: String
        /// The same in English (`--lang en`).
        public var englishLabel: String = ""
        public var englishDetail: String = ""
        public init(label: String, points: Double, maximum: Double?, detail: String, englishLabel: String = "", englishDetail: String = "") {
            self.label = label; self.points = points; self.maximum = maximum; self.detail = detail
            self.englishLabel = englishLabel; self.englishDetail = englishDetail
        }
    }
    public enum Award: String, Sendable { case redFlag = "流动红旗", yellowCard = "黄牌警告" }

    public let unit: UnitCode
    public let name: String
    public let parts: [Part]
    /// The sum of the parts (each rounded to 2 decimals).
    public let score: Double
    public var rank = 0
    public var award: Award?
    public var admonish = false
    public var notes: [String]
    public let reported: Bool
    /// The notes in English (`--lang en`).
    public var englishNotes: [String] = []

    public init(unit: UnitCode, name: String, parts: [Part], score: Double, rank: Int = 0, notes: [String] = [], reported: Bool, englishNotes: [String] = []) {
        self.unit = unit; self.name = name; self.parts = parts; self.score = score; self.rank = rank; self.notes = notes; self.reported = reported
        self.englishNotes = englishNotes
    }
}

/// A ranking of the units of one level for one period.
public struct Ranking: Sendable {
    public let period: Period
    public let entries: [RankingEntry]
    public let notes: [String]
    public var englishNotes: [String] = []
    public init(period: Period, entries: [RankingEntry], notes: [String], englishNotes: [String] = []) {
        self.period = period; self.entries = entries; self.notes = notes; self.englishNotes = englishNotes
    }
}

/// Scores and ranks townships by `ranking.yaml`: indicator levels, progress against targets,
/// penalties for open errors and late sign-offs; red flags, yellow cards and the admonishment alert.
public struct Ranker: Sendable {
    public let reference: ReferenceData
    public init(reference: ReferenceData) { self.reference = reference }

    static func r2(_ x: Double) -> Double { (x * 100).rounded() / 100 }

    /// Penalties a validation's open findings give: errors, and late sign-offs, by unit.
    public static func penalties(of findings: [Finding]) -> [UnitCode: (errors: Int, late: Int)] {
        penalties(of: findings.map { (unit: $0.unit, rule: $0.rule, severity: $0.severity, open: $0.isOpen) })
    }

    /// The same from findings as a store keeps them.
    public static func penalties(of findings: [(unit: UnitCode?, rule: RuleID, severity: Severity, open: Bool)]) -> [UnitCode: (errors: Int, late: Int)] {
        var out: [UnitCode: (errors: Int, late: Int)] = [:]
        for f in findings where f.open {
            guard let u = f.unit else { continue }
            var c = out[u] ?? (0, 0)
            if f.severity == .error { c.errors += 1 }
            if f.rule == SignOffCheck.late { c.late += 1 }
            out[u] = c
        }
        return out
    }

    /// Scores of one period. `values` are the figures of the period (any level: they are
    /// consolidated up to the ranked level); `penalties` counts by unit (any level: added up to the
    /// ranked unit above them).
    public func score(period: Period, under root: UnitCode, values: PeriodValues,
                      penalties: [UnitCode: (errors: Int, late: Int)]) -> [RankingEntry] {
        let cfg = reference.ranking, tree = reference.tree, cat = reference.catalog
        let consolidated = RollUp(catalog: cat).consolidate(root: root, tree: tree, reported: values)
        let members = tree.descendants(of: root).filter { tree[$0]?.level == cfg.level }
        return members.map { u in
            var parts: [RankingEntry.Part] = []
            var notes: [String] = [], en: [String] = []
            let reported = values.contains(u) || tree.descendants(of: u).contains { values.contains($0) }
            if !reported { notes.append("本期未报送，各项按 0 分计"); en.append("no return this period: every part scores 0") }
            for (id, w) in cfg.levels {
                let name = cat[id]?.name ?? id.rawValue, english = cat[id]?.englishName ?? id.rawValue
                if let v = consolidated[u, id] {
                    let pts = Self.r2(w * min(max(v, 0), 100) / 100)
                    let detail = "\(figure(v, cat[id]))% × \(shortestDecimal(w))/100"
                    parts.append(.init(label: name, points: pts, maximum: w, detail: detail, englishLabel: english, englishDetail: detail))
                } else {
                    parts.append(.init(label: name, points: 0, maximum: w, detail: "无数据，按 0 分计", englishLabel: english, englishDetail: "no data: 0"))
                    if reported { notes.append("\(name)无数据，按 0 分计"); en.append("\(english): no data, scored 0") }
                }
            }
            if cfg.targetWeight > 0, !cfg.targetIndicators.isEmpty {
                var progress: [(String, Double)] = []
                for id in cfg.targetIndicators {
                    guard let ind = cat[id], let target = reference.targets.target(year: period.year, unit: u, indicator: id), target > 0 else { continue }
                    let actual = consolidated[u, id] ?? 0
                    let p = ind.kind.isRate ? actual / target : actual / (target * period.yearFraction)
                    progress.append(("\(ind.name) \(figure(actual, ind))/\(figure(target, ind))\(ind.kind.isRate ? "" : "×\(String(format: "%.0f", period.yearFraction * 100))%")", min(max(p, 0), 1)))
                }
                if progress.isEmpty {
                    parts.append(.init(label: "目标进度", points: 0, maximum: cfg.targetWeight, detail: "无年度目标，按 0 分计",
                                       englishLabel: "progress against targets", englishDetail: "no annual target: 0"))
                    notes.append("没有 \(period.year) 年的目标，目标进度按 0 分计"); en.append("no targets for \(period.year): progress scored 0")
                } else {
                    let mean = progress.map(\.1).reduce(0, +) / Double(progress.count)
                    let detail = progress.map { "\($0.0)=\(String(format: "%.0f", $0.1 * 100))%" }.joined(separator: "；")
                    parts.append(.init(label: "目标进度", points: Self.r2(cfg.targetWeight * mean), maximum: cfg.targetWeight,
                                       detail: detail, englishLabel: "progress against targets", englishDetail: detail))
                }
            }
            // Penalties from the unit and everything under it.
            let scope = [u] + tree.descendants(of: u)
            let errors = scope.reduce(0) { $0 + (penalties[$1]?.errors ?? 0) }
            let late = scope.reduce(0) { $0 + (penalties[$1]?.late ?? 0) }
            if errors > 0, cfg.openErrorPenalty > 0 {
                parts.append(.init(label: "未改正错误", points: -Self.r2(Double(errors) * cfg.openErrorPenalty), maximum: nil, detail: "\(errors) 条 × \(shortestDecimal(cfg.openErrorPenalty))",
                                   englishLabel: "open errors", englishDetail: "\(errors) × \(shortestDecimal(cfg.openErrorPenalty))"))
            }
            if late > 0, cfg.lateSignOffPenalty > 0 {
                parts.append(.init(label: "逾期报送", points: -Self.r2(Double(late) * cfg.lateSignOffPenalty), maximum: nil, detail: "\(late) 次 × \(shortestDecimal(cfg.lateSignOffPenalty))",
                                   englishLabel: "late sign-offs", englishDetail: "\(late) × \(shortestDecimal(cfg.lateSignOffPenalty))"))
            }
            let score = Self.r2(parts.map(\.points).reduce(0, +))
            return RankingEntry(unit: u, name: tree.name(of: u) ?? u.rawValue, parts: parts, score: score, notes: notes, reported: reported, englishNotes: en)
        }
    }

    /// Ranks: equal scores share a rank (1, 2, 2, 4); a tie at the edge of the red-flag or
    /// yellow-card group takes everyone tied in, and says so. `earlier` are the rankings of the
    /// previous periods, newest first, for the admonishment alert.
    public func rank(period: Period, entries scored: [RankingEntry], earlier: [Ranking] = []) -> Ranking {
        let cfg = reference.ranking
        // Townships that sent nothing are 未报: not ranked, never given a red flag; the yellow card
        // goes to the last of those ranked. They are listed after the ranked ones, rank 0.
        var missing = scored.filter { !$0.reported }.sorted { $0.unit < $1.unit }
        var entries = scored.filter(\.reported).sorted { $0.score != $1.score ? $0.score > $1.score : $0.unit < $1.unit }
        var notes: [String] = [], en: [String] = []
        if !missing.isEmpty {
            notes.append("未报（不参加排名）：\(missing.map { "\($0.name)（\($0.unit)）" }.joined(separator: "、"))")
            en.append("not reported (not ranked): \(missing.map { "\($0.name) (\($0.unit))" }.joined(separator: ", "))")
            for i in missing.indices {
                missing[i].rank = 0; missing[i].notes = ["未报：本期没有报送，不参加排名"]; missing[i].englishNotes = ["not reported this period: not ranked"]
            }
        }
        for i in entries.indices { entries[i].rank = 1 + entries.filter { $0.score > entries[i].score }.count }
        if cfg.redFlags > 0, entries.count > cfg.redFlags {
            let edge = entries[cfg.redFlags - 1].score
            let winners = entries.indices.filter { entries[$0].score >= edge }
            if winners.count > cfg.redFlags {
                en.append("tie at place \(cfg.redFlags) (\(shortestDecimal(edge)) points): every tied township gets a red flag, \(winners.count) in all")
                notes.append("第 \(cfg.redFlags) 名并列（\(shortestDecimal(edge)) 分），并列者均授予流动红旗：共 \(winners.count) 面")
            }
            for i in winners { entries[i].award = .redFlag }
        }
        var bottom: Set<UnitCode> = []
        if cfg.yellowCards > 0, entries.count > cfg.yellowCards {
            let edge = entries[entries.count - cfg.yellowCards].score
            let losers = entries.indices.filter { entries[$0].score <= edge && entries[$0].award == nil }
            if losers.count > cfg.yellowCards {
                en.append("tie at place \(cfg.yellowCards) from the bottom (\(shortestDecimal(edge)) points): every tied township gets a yellow card, \(losers.count) in all")
                notes.append("倒数第 \(cfg.yellowCards) 名并列（\(shortestDecimal(edge)) 分），并列者均给予黄牌警告：共 \(losers.count) 个")
            }
            for i in losers { entries[i].award = .yellowCard; bottom.insert(entries[i].unit) }
        }
        // Admonishment: in the bottom group this period and the previous (admonish_after − 1) ones.
        let needed = cfg.admonishAfter - 1
        if needed > earlier.count {
            if !bottom.isEmpty {
                en.append("only \(earlier.count) earlier rankings: cannot tell whether a township was at the bottom \(cfg.admonishAfter) times in a row")
                notes.append("只有 \(earlier.count) 个往期排名，无法判断是否连续 \(cfg.admonishAfter) 期排名靠后")
            }
        } else {
            for i in entries.indices where bottom.contains(entries[i].unit) {
                let streak = earlier.prefix(needed).allSatisfy { r in r.entries.contains { $0.unit == entries[i].unit && $0.award == .yellowCard } }
                if streak {
                    entries[i].admonish = true
                    entries[i].notes.append("连续 \(cfg.admonishAfter) 期排名倒数（\(([period] + earlier.prefix(needed).map(\.period)).map(\.description).joined(separator: "、"))），应进行诫勉谈话")
                    entries[i].englishNotes.append("at the bottom \(cfg.admonishAfter) periods in a row (\(([period] + earlier.prefix(needed).map(\.period)).map(\.description).joined(separator: ", "))): an admonishment talk is due")
                }
            }
        }
        return Ranking(period: period, entries: entries + missing, notes: notes, englishNotes: en)
    }
}
