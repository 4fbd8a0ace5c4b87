import Foundation
import RenjuModel
import Yams

/// How townships are ranked (`reference-data/ranking.yaml`).
public struct RankingConfig: Sendable {
    public var level: Level = .township
    public var redFlags = 4
    public var yellowCards = 2
    public var admonishAfter = 2
    /// Indicator levels (rates, %) and their weights.
    public var levels: [(indicator: IndicatorID, weight: Double)] = []
    public var targetWeight: Double = 0
    public var targetIndicators: [IndicatorID] = []
    public var openErrorPenalty: Double = 0
    public var lateSignOffPenalty: Double = 0
    /// The annual assessment (一年一考核): points per red flag won, per yellow card, per figure an
    /// inspection found wrong, per late or unsigned return in the year.
    public var annualRedFlag: Double = 2
    public var annualYellowCard: Double = 2
    public var annualInspectionCorrection: Double = 1
    public var annualLateReturn: Double = 2

    public init() {}

    public static func load(path: String, catalog: Catalog) throws -> RankingConfig {
        let file = try YAMLFile(path: path)
        let m = try file.mapping(file.root, "ranking.yaml", keys: ["level", "red_flags", "yellow_cards", "admonish_after", "levels", "target_progress", "penalties", "annual"])
        var c = RankingConfig()
        if let l = m["level"] {
            let t = try file.string(l, "level")
            guard let lv = Level(rawValue: t) else { throw file.error(l, "unknown level “\(t)”") }
            c.level = lv
        }
        if let n = m["red_flags"] { c.redFlags = try file.int(n, "red_flags") }
        if let n = m["yellow_cards"] { c.yellowCards = try file.int(n, "yellow_cards") }
        if let n = m["admonish_after"] { c.admonishAfter = try file.int(n, "admonish_after") }
        guard c.redFlags >= 0, c.yellowCards >= 0, c.admonishAfter >= 1 else {
            throw file.error(file.root, "red_flags and yellow_cards must be ≥ 0, admonish_after ≥ 1")
        }
        if let lv = m["levels"] {
            for (k, v) in try file.mapping(lv, "levels") {
                let id = try file.string(k, "levels indicator")
                guard let ind = catalog[IndicatorID(id)] else { throw file.error(k, "unknown indicator “\(id)”") }
                guard ind.kind.isRate else { throw file.error(k, "“\(id)” is not a rate: levels are rates (%)") }
                c.levels.append((IndicatorID(id), try file.number(v, "levels.\(id)")))
            }
        }
        if let t = m["target_progress"] {
            let tm = try file.mapping(t, "target_progress", keys: ["weight", "indicators"])
            c.targetWeight = try file.number(tm["weight"], "target_progress.weight")
            c.targetIndicators = try file.strings(tm["indicators"], "target_progress.indicators").map { id in
                guard catalog[IndicatorID(id)] != nil else { throw file.error(tm["indicators"], "unknown indicator “\(id)”") }
                return IndicatorID(id)
            }
        }
        if let p = m["penalties"] {
            let pm = try file.mapping(p, "penalties", keys: ["open_error", "late_signoff"])
            if let e = pm["open_error"] { c.openErrorPenalty = try file.number(e, "penalties.open_error") }
            if let l = pm["late_signoff"] { c.lateSignOffPenalty = try file.number(l, "penalties.late_signoff") }
        }
        if let a = m["annual"] {
            let am = try file.mapping(a, "annual", keys: ["red_flag", "yellow_card", "inspection_correction", "late_return"])
            func points(_ key: String) throws -> Double? {
                guard let n = am[key] else { return nil }
                let v = try file.number(n, "annual.\(key)")
                guard v >= 0 else { throw file.error(n, "annual.\(key) must be ≥ 0 (points; a penalty is subtracted)") }
                return v
            }
            if let v = try points("red_flag") { c.annualRedFlag = v }
            if let v = try points("yellow_card") { c.annualYellowCard = v }
            if let v = try points("inspection_correction") { c.annualInspectionCorrection = v }
            if let v = try points("late_return") { c.annualLateReturn = v }
        }
        return c
    }
}
