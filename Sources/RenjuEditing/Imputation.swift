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
    /// With `prorate`, a parent's total the county trusts is kept where its units do not add up
    /// to it, and the units' figures are scaled to it instead.
    public func impute(_ result: ValidationResult, asOf: CivilDate? = nil, prorate: Bool = false) -> [ImputedFigure] {
        guard let period = result.period else { return [] }
        let cat = reference.catalog
        let ctx = CheckContext(reference: reference, period: period, submissions: result.submissions, history: result.history, asOf: asOf)
        var wanted: [(UnitCode, IndicatorID, SuggestedChange?)] = []
        var seen = Set<String>()
        // Totals trusted (prorate): the parent and figure of each sum that does not hold.
        var trusted: [(parent: UnitCode, indicator: IndicatorID)] = []
        if prorate {
            for f in result.findings where f.severity == .error && f.rule == AggregateCheck.sum {
                if let u = f.unit, let i = f.indicator, !trusted.contains(where: { $0.parent == u && $0.indicator == i }) { trusted.append((u, i)) }
            }
        }
        // A trusted total's unit keeps its figures: the fix localisation proposed there is not taken.
        let trustedUnits = Set(trusted.map(\.parent))
        for f in result.findings where f.severity == .error {
            guard let u = f.unit else { continue }
            if let fix = f.fix {
                for c in fix where !trustedUnits.contains(u) && seen.insert("\(u)|\(c.indicator)").inserted { wanted.append((u, c.indicator, c)) }
            } else if f.rule == CompletenessCheck.missingValue, let i = f.indicator, seen.insert("\(u)|\(i)").inserted {
                wanted.append((u, i, nil))
            }
        }
        guard !wanted.isEmpty || !trusted.isEmpty else { return [] }
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
            let level = ctx.level(of: u).map(\.rawValue) ?? ""
            let near = peers["\(level)|\(ctx.peerScope(of: u)?.rawValue ?? "")"] ?? []
            let around = siblings["\(level)|\(ctx.tree.parent(of: u)?.rawValue ?? "")"] ?? []
            // The methods of rules.yaml, in their order: the first that gives a value.
            for method in reference.checks.imputation.methods(for: id) {
                var found: (Double, Message)?
                switch method {
                case .deterministic: found = change?.value.map { ($0, Message(zh: "错误规则只容许这一个值", en: "error rules leave one value")) }
                case .ratio: found = ratio(u, ind, ctx, peers: near, flagged: flagged, within: change)
                case .trend: found = trend(u, ind, ctx, within: change)
                case .donor: found = donor(u, ind, ctx, siblings: around, flagged: flagged, within: change)
                case .prorate, .unreported: found = nil
                }
                if let (v, basis) = found {
                    proposed.append(ImputedFigure(unit: u, indicator: id, value: v, reported: reported, method: method, basis: basis))
                    break
                }
            }
        }
        for t in trusted { proposed += prorated(t.parent, t.indicator, ctx) }
        return verified(withRates(proposed, ctx), result, period: period, asOf: asOf)
    }

    /// A rate whose part was filled in follows its parts (deterministic): in place of a value
    /// found for it otherwise, or beside a reported rate the new parts no longer give, or a blank.
    func withRates(_ proposed: [ImputedFigure], _ ctx: CheckContext) -> [ImputedFigure] {
        var out = proposed
        var value: [String: Double] = [:]
        for f in proposed { value["\(f.unit)|\(f.indicator)"] = f.value }
        let units = proposed.map(\.unit).reduce(into: [UnitCode]()) { if !$0.contains($1) { $0.append($1) } }
        for u in units {
            for ind in reference.catalog.rates {
                guard case let .rate(n, d) = ind.kind, value["\(u)|\(n)"] != nil || value["\(u)|\(d)"] != nil else { continue }
                guard let nv = value["\(u)|\(n)"] ?? ctx.currentValue(u, n), let dv = value["\(u)|\(d)"] ?? ctx.currentValue(u, d), dv > 0 else { continue }
                let r = rounded(100 * nv / dv, ind.decimals)
                let reported = ctx.currentValue(u, ind.id)
                if let i = out.firstIndex(where: { $0.unit == u && $0.indicator == ind.id }) {
                    out[i] = ImputedFigure(unit: u, indicator: ind.id, value: r, reported: reported, method: .deterministic,
                                           basis: Message(zh: "由插补后的分子分母计算", en: "from its parts as filled in"))
                } else if reported.map({ abs($0 - r) > ind.halfUnit * 2 + 1e-9 }) ?? true {
                    out.append(ImputedFigure(unit: u, indicator: ind.id, value: r, reported: reported, method: .deterministic,
                                             basis: Message(zh: "由插补后的分子分母计算", en: "from its parts as filled in")))
                }
            }
        }
        return out
    }

    /// The unit's own trend: last period's figure plus its change since the period before.
    func trend(_ u: UnitCode, _ ind: Indicator, _ ctx: CheckContext, within change: SuggestedChange?) -> (Double, Message)? {
        guard !ind.kind.isFlag, let last = ctx.previous(u, ind.id), let beforeLast = ctx.history.value(ctx.period.previous.previous, u, ind.id) else { return nil }
        var v = rounded(last + (last - beforeLast), ind.integer ? 0 : ind.decimals)
        if v < 0 { v = 0 }
        if ind.kind.isRate { v = min(v, 100) }
        let since = ctx.period.previous.previous, step = shortestDecimal(last - beforeLast)
        return (clamp(v, change), Message(zh: "上期 \(shortestDecimal(last)) + 较 \(since.chinese) 的变动 \(step)",
                                          en: "last period \(shortestDecimal(last)) + its change since \(since) (\(step))"))
    }

    /// The figure of every unit under `parent` scaled so that they add up to the parent's reported
    /// total (whole numbers by the largest remainders), when the units are all there.
    func prorated(_ parent: UnitCode, _ id: IndicatorID, _ ctx: CheckContext) -> [ImputedFigure] {
        guard let ind = cat(id), ind.kind.isSummed, let sub = ctx.submission(of: parent), let total = ctx.currentValue(parent, id),
              ctx.hasAllChildren(of: parent, in: sub) else { return [] }
        let kids = ctx.childRows(of: parent, in: sub).sorted()
        let values = kids.map { ctx.currentValue($0, id) }
        guard !kids.isEmpty, values.allSatisfy({ $0 != nil }) else { return [] }
        let parts = values.map { $0 ?? 0 }
        let sum = parts.reduce(0, +)
        guard sum > 0, total >= 0 else { return [] }
        let decimals = ind.integer ? 0 : ind.decimals
        let step = pow(10, -Double(decimals))
        let exact = parts.map { $0 * total / sum / step }
        var units = exact.map { $0.rounded(.down) }
        var left = Int((total / step).rounded() - units.reduce(0, +))
        // The largest remainders take the units left over; equal remainders go in code order.
        for k in exact.indices.sorted(by: { (exact[$0] - units[$0], $1) > (exact[$1] - units[$1], $0) }) where left > 0 { units[k] += 1; left -= 1 }
        let name = ctx.tree.name(of: parent).map { " \($0)" } ?? ""
        return kids.indices.compactMap { k in
            let v = rounded(units[k] * step, decimals)
            guard v != parts[k] else { return nil }
            return ImputedFigure(unit: kids[k], indicator: id, value: v, reported: parts[k], method: .prorate,
                                 basis: Message(zh: "按 \(parent)\(name) 的合计 \(shortestDecimal(total)) 分摊（下级合计为 \(shortestDecimal(sum))）",
                                                en: "scaled to \(parent)\(name)'s total \(shortestDecimal(total)) (the units add up to \(shortestDecimal(sum)))"))
        }
    }

    func cat(_ id: IndicatorID) -> Indicator? { reference.catalog[id] }

    /// A complete total for a unit of the return's rows that did not report: each amount last
    /// period's figure (consolidated from what it reported then) × the median change of the units
    /// of its level under `root` that did report; its rates follow from the estimated parts.
    public func estimateUnreported(root: UnitCode, level: Level?, period: Period, current: PeriodValues, history: Dataset) -> [ImputedFigure] {
        let tree = reference.tree
        let rollUp = RollUp(catalog: reference.catalog)
        let members: [UnitCode] = level.map { lv in tree.descendants(of: root).filter { tree[$0]?.level == lv } } ?? tree.children(of: root)
        guard let before = history.periods[period.previous] else { return [] }
        let now = rollUp.consolidate(root: root, tree: tree, reported: current)
        let then = rollUp.consolidate(root: root, tree: tree, reported: before)
        let missing = members.filter { now.entries(of: $0).isEmpty && !then.entries(of: $0).isEmpty }
        guard !missing.isEmpty else { return [] }
        var out: [ImputedFigure] = []
        for ind in reference.catalog.indicators where ind.kind.isSummed && !ind.kind.isFlag {
            var ratios: [Double] = []
            for m in members where !missing.contains(m) {
                if let a = now[m, ind.id], let b = then[m, ind.id], b > 0 { ratios.append(a / b) }
            }
            let median = OrderStatistics.median(ratios)
            for m in missing {
                guard let last = then[m, ind.id] else { continue }
                let factor = median ?? 1
                let v = rounded(last * factor, ind.integer ? 0 : ind.decimals)
                let basis = median.map { m in
                    Message(zh: "未报：上期 \(shortestDecimal(last)) × 已报 \(ratios.count) 个单位的中位变动 \(String(format: "%.3f", m))",
                            en: "did not report: last period \(shortestDecimal(last)) × the median change \(String(format: "%.3f", m)) of the \(ratios.count) units that did")
                } ?? Message(zh: "未报：沿用上期 \(shortestDecimal(last))（无已报单位可比）", en: "did not report: last period's \(shortestDecimal(last)) carried forward (no unit to compare with)")
                out.append(ImputedFigure(unit: m, indicator: ind.id, value: v, reported: nil, method: .unreported, basis: basis))
            }
        }
        let order = Dictionary(uniqueKeysWithValues: reference.catalog.indicators.enumerated().map { ($0.element.id, $0.offset) })
        return out.sorted { ($0.unit, order[$0.indicator] ?? 0) < ($1.unit, order[$1.indicator] ?? 0) }
    }

    /// Last period's figure × the median ratio of this period to the last over the unit's peers
    /// (the same level under the same county, without errors on the figure), within the range
    /// the rules leave.
    func ratio(_ u: UnitCode, _ ind: Indicator, _ ctx: CheckContext, peers: [UnitCode], flagged: Set<String>, within change: SuggestedChange?) -> (Double, Message)? {
        guard !ind.kind.isFlag, let prev = ctx.previous(u, ind.id) else { return nil }
        var ratios: [Double] = []
        for p in peers where p != u && !flagged.contains("\(p)|\(ind.id)") {
            guard let now = ctx.currentValue(p, ind.id), let before = ctx.previous(p, ind.id), before > 0 else { continue }
            ratios.append(now / before)
        }
        guard ratios.count >= 3, let m = OrderStatistics.median(ratios) else { return nil }
        let v = clamp(rounded(prev * m, ind.integer ? 0 : ind.decimals), change)
        let r = String(format: "%.3f", m)
        return (v, Message(zh: "上期 \(shortestDecimal(prev)) × 同级 \(ratios.count) 个单位的中位变动 \(r)",
                           en: "last period \(shortestDecimal(prev)) × peers' median ratio \(r) (\(ratios.count) units)"))
    }

    /// The most similar unit under the same parent (nearest in households), its figure scaled by
    /// the units' households for an amount, as it is for a rate.
    func donor(_ u: UnitCode, _ ind: Indicator, _ ctx: CheckContext, siblings: [UnitCode], flagged: Set<String>, within change: SuggestedChange?) -> (Double, Message)? {
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
        let who = "\(best.unit)\(ctx.tree.name(of: best.unit).map { " \($0)" } ?? "")"
        return (v, Message(zh: "近邻单位 \(who)（按户数折算）", en: "donor \(who)"))
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
