import Foundation
import RenjuModel

/// Selective editing (as Statistics Sweden and the ONS do it): each warning is scored by how much
/// of the county's figure it puts in doubt, so that the few that matter most are looked at first.
///
/// score = 100 × share × doubt, where
/// - share: the unit's figure of the indicator ÷ the total of that indicator over the units of the
///   same level in its county (for a rate, of its denominator; where the finding names no
///   indicator, of households — the unit's size);
/// - doubt: |value − expected| ÷ max(|value|, |expected|) when the finding gives both in the
///   indicator's own terms (a change from last period, a sum), else 1.
public enum ImpactScore {
    public static func apply(_ findings: [Finding], _ ctx: CheckContext) -> [Finding] {
        let tree = ctx.reference.tree
        let size = ctx.catalog[IndicatorID("households")].map(\.id) ?? ctx.catalog.indicators.first?.id
        // Totals by (level, indicator), every county at once: one pass over the level's units.
        var totals: [String: [UnitCode?: Double]] = [:]
        func total(_ scope: UnitCode?, _ level: Level, _ id: IndicatorID) -> Double {
            let key = "\(level.rawValue)|\(id)"
            if let t = totals[key] { return t[scope] ?? 0 }
            var byScope: [UnitCode?: Double] = [:]
            let rd = ctx.figures
            for (l, units) in ctx.unitsByLevel where l == level {
                let groups = ctx.peerGroups(at: l)
                let index = ctx.levelIndex(at: l)
                for g in groups {
                    guard let first = g.first else { continue }
                    let s = ctx.peerScope(of: units[first].unit)
                    var t = 0.0
                    for k in g {
                        if let v = rd.now(UnitFigures(units[k], index, k), id) { t += max(0, v) }
                    }
                    byScope[s] = t
                }
            }
            totals[key] = byScope
            return byScope[scope] ?? 0
        }
        return findings.map { f in
            guard f.severity == .warning, let unit = f.unit, let level = tree.level(of: unit) else { return f }
            var g = f
            var id = f.indicator ?? size
            var inOwnTerms = f.indicator != nil
            if let i = f.indicator, let ind = ctx.catalog[i], case let .rate(_, d) = ind.kind { id = d; inOwnTerms = false }
            guard let id, let mine = ctx.currentValue(unit, id) else { return f }
            let t = total(ctx.peerScope(of: unit), level, id)
            guard t > 0 else { return f }
            var doubt = 1.0
            if inOwnTerms, f.rule.category != .outlier || f.rule.name == "hb", let v = f.value, let e = f.expected {
                let d = max(abs(v), abs(e))
                if d > 0 { doubt = min(1, abs(v - e) / d) }
            }
            g.score = (100 * min(1, max(0, mine) / t) * doubt * 100).rounded() / 100
            return g
        }
    }

    /// The warnings to look at first: the fewest, by score, that carry `share` of all the open
    /// warnings' score (at most `limit`).
    public static func first(_ findings: [Finding], share: Double = 0.8, limit: Int = 10) -> [Finding] {
        let open = findings.filter { $0.severity == .warning && $0.isOpen && ($0.score ?? 0) > 0 }
            .sorted { ($0.score ?? 0) > ($1.score ?? 0) }
        let total = open.reduce(0) { $0 + ($1.score ?? 0) }
        guard total > 0 else { return [] }
        var out: [Finding] = [], sum = 0.0
        for f in open {
            out.append(f); sum += f.score ?? 0
            if sum >= share * total || out.count >= limit { break }
        }
        return out
    }
}
