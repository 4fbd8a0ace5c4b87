import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks

/// Imputation (as Banff's deterministic, estimator and donorimp), opt-in and never silent: the
/// figures error localisation names and the required figures left blank get a value —
/// deterministic where the rules leave one, else last period's figure times the peers' median
/// change (ratio), else the most similar unit under the same parent scaled by size (donor). Each
/// value is kept only if, put in, the unit's error rules hold; each says how it was found.
/// Reported figures are never changed: the values are reported beside them.
public struct Imputer: Sendable {
    public let reference: ReferenceData
    public init(reference: ReferenceData) { self.reference = reference }

    /// The figures to fill: localised figures (errors with a fix) and blank required figures.
    public func impute(_ result: ValidationResult, asOf: CivilDate? = nil) -> [ImputedFigure] {
        guard let period = result.period else { return [] }
        let cat = reference.catalog
        var wanted: [(UnitCode, IndicatorID, SuggestedChange?)] = []
        var seen = Set<String>()
        for f in result.findings where f.severity == .error {
            guard let u = f.unit else { continue }
            if let fix = f.fix {
                for c in fix where seen.insert("\(u)|\(c.indicator)").inserted { wanted.append((u, c.indicator, c)) }
            } else if f.rule == CompletenessCheck.missingValue, let i = f.indicator, seen.insert("\(u)|\(i)").inserted {
                wanted.append((u, i, nil))
            }
        }
        guard !wanted.isEmpty else { return [] }
        let ctx = CheckContext(reference: reference, period: period, submissions: result.submissions, history: result.history, asOf: asOf)
        let flagged = Set(result.findings.filter { $0.severity == .error }.compactMap { f in f.unit.map { "\($0)|\(f.indicator?.rawValue ?? "")" } })
        // Each unit's peers (same level, same county) and siblings (same parent), grouped once:
        // a province's thousands of figures to fill must not each walk its half a million units.
        var peers: [String: [UnitCode]] = [:], siblings: [String: [UnitCode]] = [:]
        let levels = Set(wanted.compactMap { ctx.level(of: $0.0) })
        for (level, units) in ctx.unitsByLevel where levels.contains(level) {
            for p in units {
                peers["\(level.rawValue)|\(ctx.peerScope(of: p.unit)?.rawValue ?? "")", default: []].append(p.unit)
                siblings["\(level.rawValue)|\(ctx.tree.parent(of: p.unit)?.rawValue ?? "")", default: []].append(p.unit)
            }
        }
        var proposed: [ImputedFigure] = []
        for (u, id, change) in wanted {
            guard let ind = cat[id] else { continue }
            let reported = ctx.currentValue(u, id)
            if let v = change?.value {
                proposed.append(ImputedFigure(unit: u, indicator: id, value: v, reported: reported, method: .deterministic,
                                              basis: "error rules leave one value"))
                continue
            }
            let level = ctx.level(of: u).map(\.rawValue) ?? ""
            let near = peers["\(level)|\(ctx.peerScope(of: u)?.rawValue ?? "")"] ?? []
            let around = siblings["\(level)|\(ctx.tree.parent(of: u)?.rawValue ?? "")"] ?? []
            if let (v, basis) = ratio(u, ind, ctx, peers: near, flagged: flagged, within: change) {
                proposed.append(ImputedFigure(unit: u, indicator: id, value: v, reported: reported, method: .ratio, basis: basis))
            } else if let (v, donor) = donor(u, ind, ctx, siblings: around, flagged: flagged, within: change) {
                proposed.append(ImputedFigure(unit: u, indicator: id, value: v, reported: reported, method: .donor, basis: donor))
            }
        }
        return verified(proposed, result, period: period, asOf: asOf)
    }

    /// Last period's figure × the median ratio of this period to the last over the unit's peers
    /// (the same level under the same county, without errors on the figure), within the range
    /// the rules leave.
    func ratio(_ u: UnitCode, _ ind: Indicator, _ ctx: CheckContext, peers: [UnitCode], flagged: Set<String>, within change: SuggestedChange?) -> (Double, String)? {
        guard !ind.kind.isFlag, let prev = ctx.previous(u, ind.id) else { return nil }
        var ratios: [Double] = []
        for p in peers where p != u && !flagged.contains("\(p)|\(ind.id)") {
            guard let now = ctx.currentValue(p, ind.id), let before = ctx.previous(p, ind.id), before > 0 else { continue }
            ratios.append(now / before)
        }
        guard ratios.count >= 3, let m = OrderStatistics.median(ratios) else { return nil }
        let v = clamp(rounded(prev * m, ind.integer ? 0 : ind.decimals), change)
        return (v, "last period \(shortestDecimal(prev)) × peers' median ratio \(String(format: "%.3f", m)) (\(ratios.count) units)")
    }

    /// The most similar unit under the same parent (nearest in households), its figure scaled by
    /// the units' households for an amount, as it is for a rate.
    func donor(_ u: UnitCode, _ ind: Indicator, _ ctx: CheckContext, siblings: [UnitCode], flagged: Set<String>, within change: SuggestedChange?) -> (Double, String)? {
        let size = IndicatorID("households")
        let mine = ctx.currentValue(u, size)
        var best: (distance: Double, unit: UnitCode, value: Double)?
        for p in siblings where p != u && !flagged.contains("\(p)|\(ind.id)") && !flagged.contains("\(p)|") {
            guard let x = ctx.currentValue(p, ind.id) else { continue }
            let theirs = ctx.currentValue(p, size)
            let distance = abs((theirs ?? 0) - (mine ?? 0))
            var value = x
            if ind.kind.isSummed, let a = mine, let b = theirs, b > 0, ind.id != size { value = x * a / b }
            if best.map({ distance < $0.distance || (distance == $0.distance && p < $0.unit) }) ?? true { best = (distance, p, value) }
        }
        guard let best else { return nil }
        let v = clamp(rounded(best.value, ind.integer ? 0 : ind.decimals), change)
        return (v, "donor \(best.unit)\(ctx.tree.name(of: best.unit).map { " \($0)" } ?? "")")
    }

    func clamp(_ v: Double, _ change: SuggestedChange?) -> Double {
        guard let lo = change?.low, let hi = change?.high else { return v }
        return min(max(v, lo), hi)
    }

    /// The proposed values put in, the quarter checked again: a value is kept only when no error
    /// remains on its figure; the others are dropped (said by their absence: the finding stays open).
    func verified(_ proposed: [ImputedFigure], _ result: ValidationResult, period: Period, asOf: CivilDate?) -> [ImputedFigure] {
        guard !proposed.isEmpty else { return [] }
        var subs = result.submissions
        for i in subs.indices {
            for f in proposed where subs[i].values.contains(f.unit) || subs[i].rows.contains(where: { $0.code == f.unit }) {
                subs[i].values.set(f.unit, f.indicator, Observation(f.value, source: subs[i].values.source(f.unit, f.indicator)))
                subs[i].blanks[f.unit]?[f.indicator] = nil
            }
        }
        // The history is carried across the change table already: not again.
        var plain = reference
        plain.changes = DivisionChanges()
        let again = Validator(reference: plain).validate(submissions: subs, period: period, extraHistory: result.history, asOf: asOf)
        // A value is dropped when an error still names its figure, or names a figure the value
        // takes part in through a rate (the rate's parts), on the same unit.
        var stillWrong = Set<String>()
        for f in again.findings where f.severity == .error && f.rule.category != .signoff && f.rule.category != .format {
            guard let u = f.unit, let i = f.indicator else { continue }
            stillWrong.insert("\(u)|\(i)")
            if case let .rate(n, d)? = reference.catalog[i]?.kind { stillWrong.insert("\(u)|\(n)"); stillWrong.insert("\(u)|\(d)") }
        }
        return proposed.filter { !stillWrong.contains("\($0.unit)|\($0.indicator)") }
    }
}
