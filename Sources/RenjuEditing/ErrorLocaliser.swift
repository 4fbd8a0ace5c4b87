import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks

/// Error localisation (Fellegi & Holt 1976, as R errorlocate and Banff's errorloc): for each unit
/// with errors, the cheapest set of its figures that, changed, lets every error rule hold — the
/// weights from `localisation.yaml`, ties broken by fewer figures, then the catalog's order. Where
/// the rules then fix a value (a rate from its parts, a total from its children, a part from the
/// total and the rate) it is given: a deductive correction, offered as a suggestion only.
///
/// The rate identity is bilinear: a rate not in the set is a constant and the identity is linear
/// in its parts; a rate in the set is free (its parts only kept where some rate in its range
/// exists) and then computed from its parts.
public struct ErrorLocaliser: FindingStage {
    /// An error rule ready for many units: its terms and the figures it reads, found once.
    final class Prepared: Sendable {
        let edit: Edit
        let formula: Formula?
        let figures: [IndicatorID]
        let figureSet: Set<IndicatorID>
        /// prev / target / sum_children terms: constants for a unit.
        let others: [Term]
        init(edit: Edit, formula: Formula?, figures: [IndicatorID], figureSet: Set<IndicatorID>, others: [Term]) {
            self.edit = edit; self.formula = formula; self.figures = figures; self.figureSet = figureSet; self.others = others
        }
    }
    let prepared: [Level: [Prepared]]
    /// Per level, each figure's error rules (indices into `prepared`): the rules linked to a
    /// unit's broken ones are found by walking these, not by building every rule for every unit.
    let rulesOf: [Level: [IndicatorID: [Int]]]
    /// Per level, each rule id's error rules (indices into `prepared`).
    let rulesNamed: [Level: [RuleID: [Int]]]
    /// The catalog's order of the figures (ties among equally cheap fixes, groups' order).
    let order: [IndicatorID: Int]
    let weights: FixWeights
    let userRules: Set<RuleID>

    public init(reference: ReferenceData) {
        let edits = EditSet.build(reference).filter { $0.severity == .error }
        var byLevel: [Level: [Prepared]] = [:]
        for level in Level.allCases {
            byLevel[level] = edits.filter { $0.applies(at: level) }.map { e in
                let f: Formula? = { if case let .formula(g) = e.form { return g }; return nil }()
                let terms = f?.terms ?? []
                let figures = f.map { _ in terms.compactMap { if case let .figure(i) = $0 { return i }; return nil }.sorted() } ?? Array(e.indicators).sorted()
                return Prepared(edit: e, formula: f, figures: figures, figureSet: Set(figures),
                                others: terms.filter { if case .figure = $0 { return false }; return true }.sorted())
            }
        }
        prepared = byLevel
        var index: [Level: [IndicatorID: [Int]]] = [:]
        for (level, rules) in byLevel {
            var map: [IndicatorID: [Int]] = [:]
            for (k, r) in rules.enumerated() { for i in r.figures { map[i, default: []].append(k) } }
            index[level] = map
        }
        rulesOf = index
        rulesNamed = byLevel.mapValues { rules in
            var map: [RuleID: [Int]] = [:]
            for (k, r) in rules.enumerated() { map[r.edit.rule, default: []].append(k) }
            return map
        }
        order = Dictionary(uniqueKeysWithValues: reference.catalog.indicators.enumerated().map { ($0.element.id, $0.offset) })
        weights = reference.fixWeights
        userRules = Set(reference.checks.userRules.map(\.id))
    }

    /// Findings about figures: what a changed figure can clear.
    func isFigureRule(_ id: RuleID) -> Bool {
        switch id.category {
        case .range, .identity, .aggregate, .temporal: return true
        default: return userRules.contains(id)
        }
    }

    public func apply(_ findings: [Finding], _ ctx: CheckContext) -> [Finding] {
        var byUnit: [UnitCode: [Int]] = [:]
        for (i, f) in findings.enumerated() where f.severity == .error && isFigureRule(f.rule) {
            if let u = f.unit, f.period == nil || f.period == ctx.period { byUnit[u, default: []].append(i) }
        }
        guard !byUnit.isEmpty else { return findings }
        let units = byUnit.keys.sorted()
        let found = units.map { u in Set((byUnit[u] ?? []).map { findings[$0].rule }) }
        let named = units.map { u in (byUnit[u] ?? []).map { (findings[$0].rule, findings[$0].indicator) } }
        let results = Array(units.indices).concurrentMap { k in localise(units[k], rules: found[k], named: named[k], ctx) }
        var out = findings
        for (u, r) in zip(units, results) {
            guard let r else { continue }
            for i in byUnit[u] ?? [] { out[i].fix = r.fix; out[i].fixMessage = r.message }
        }
        return out
    }

    public struct Suggestion: Sendable, Equatable {
        /// Nil when no suggestion could be made (the message says why).
        public let fix: [SuggestedChange]?
        public let message: Message
    }

    /// One unit's figures and the error rules over them.
    struct UnitProblem {
        enum Rule {
            /// Linear logic, with the unit's constants (previous figures, targets, children's sums)
            /// for its other terms: substituted only when the rule is part of the search.
            case formula(Formula, constants: [(Term, Double)])
            case rate(rate: IndicatorID, numerator: IndicatorID, denominator: IndicatorID, tolerance: Double)
            /// A whole number that is not (`range.not_whole`): only changing the figure clears it.
            case whole(IndicatorID)
        }
        var rules: [(rule: Rule, figures: Set<IndicatorID>)] = []
        var observed: [IndicatorID: Double] = [:]
        var integer: Set<IndicatorID> = []
        /// The unit (for its previous figures when equally cheap fixes are weighed).
        var unit: UnitCode?
    }

    /// The error rules of `level` linked (through shared figures, at any distance) to the broken
    /// ones: a broken rule is a rule of a finding that names one of its figures (or any rule of a
    /// finding's id when none does). Only these can take part in the unit's search — the groups
    /// of linked figures it solves are the same as over every rule.
    func linkedRules(_ level: Level, found: Set<RuleID>, named: [(RuleID, IndicatorID?)]) -> [Int] {
        let rules = prepared[level] ?? []
        let byFigure = rulesOf[level] ?? [:]
        var inSet = [Bool](repeating: false, count: rules.count)
        var queue: [Int] = []
        for id in found.sorted() {
            let names = named.filter { $0.0 == id }.map(\.1)
            let ofRule = rulesNamed[level]?[id] ?? []
            let figures = Set(names.compactMap { $0 })
            var seeds = names.contains { $0 == nil } ? ofRule : ofRule.filter { !rules[$0].figureSet.isDisjoint(with: figures) || rules[$0].figures.isEmpty }
            if seeds.allSatisfy({ rules[$0].figures.isEmpty }) { seeds = ofRule }
            // A finding of no error rule here (a figure that is not a whole number): the rules of its figure.
            if ofRule.isEmpty { seeds = figures.sorted().flatMap { byFigure[$0] ?? [] } }
            for k in seeds where !inSet[k] { inSet[k] = true; queue.append(k) }
        }
        var head = 0
        while head < queue.count {
            let k = queue[head]; head += 1
            for i in rules[k].figures { for j in byFigure[i] ?? [] where !inSet[j] { inSet[j] = true; queue.append(j) } }
        }
        return rules.indices.filter { inSet[$0] }
    }

    public func localise(_ unit: UnitCode, rules found: Set<RuleID>, named: [(RuleID, IndicatorID?)]? = nil, _ ctx: CheckContext) -> Suggestion? {
        guard let (p, unmodelled) = problem(unit, rules: found, named: named, ctx) else { return nil }
        if !unmodelled.isEmpty {
            let ids = Set(unmodelled).map(\.description).sorted().joined(separator: ", ")
            return Suggestion(fix: nil, message: Message(zh: "未能定位要修改的数：规则 \(ids) 无法建模", en: "Not localised: the rule \(ids) cannot be modelled"))
        }
        return search(p, ctx)
    }

    /// The unit's figures and the error rules over them (those linked to its findings when
    /// `named` is given, else every rule of its level), and the broken rules that cannot be modelled.
    func problem(_ unit: UnitCode, rules found: Set<RuleID>, named: [(RuleID, IndicatorID?)]?, _ ctx: CheckContext) -> (UnitProblem, [RuleID])? {
        guard let sub = ctx.submission(of: unit), let level = ctx.level(of: unit) else { return nil }
        let cat = ctx.catalog
        var p = UnitProblem()
        p.unit = unit
        p.observed.reserveCapacity(cat.indicators.count)
        if let row = sub.values.row(of: unit) {
            for ind in cat.indicators { if let v = sub.values.value(row: row, column: sub.values.column(for: ind.id)) { p.observed[ind.id] = v } }
        }
        let whole = ctx.setting(RangeCheck.notWhole)
        if whole.enabled, whole.severity == .error, whole.levels.map({ $0.contains(level) }) ?? true {
            for ind in cat.indicators where (ind.integer || ind.kind.isFlag) && p.observed[ind.id] != nil { p.integer.insert(ind.id) }
        }
        // Children's sums, previous figures, targets: constants for this unit (nil: the rule is skipped, as the check does).
        let kids = ctx.childRows(of: unit, in: sub)
        let allKids = !kids.isEmpty && ctx.hasAllChildren(of: unit, in: sub)
        // Each indicator's sum once, over the children's rows found once (as AggregateCheck does).
        let kidRows = allKids ? kids.map { sub.values.row(of: $0) } : []
        var sums: [IndicatorID: Double?] = [:]
        func childSum(_ id: IndicatorID) -> Double? {
            guard allKids else { return nil }
            if let s = sums[id] { return s }
            let c = sub.values.column(for: id)
            var s: Double? = 0
            for r in kidRows {
                guard let v = sub.values.value(row: r, column: c) else { s = nil; break }
                s = (s ?? 0) + v
            }
            sums[id] = s
            return s
        }
        let sameYear = ctx.period.previous.year == ctx.period.year
        var unmodelled: [RuleID] = []
        let levelRules = prepared[level] ?? []
        let relevant = named.map { linkedRules(level, found: found, named: $0) } ?? Array(levelRules.indices)
        for k in relevant {
            let pe = levelRules[k]
            if !sameYear && pe.edit.rule == TemporalCheck.ytdDecrease { continue }
            // A figure that is missing leaves the rule out (completeness reports it).
            guard pe.figures.allSatisfy({ p.observed[$0] != nil }) else {
                if case .notAnalysed = pe.edit.form, found.contains(pe.edit.rule) { unmodelled.append(pe.edit.rule) }
                continue
            }
            var formula: Formula
            switch pe.edit.form {
            case let .rate(r, n, d, tol):
                p.rules.append((.rate(rate: r, numerator: n, denominator: d, tolerance: tol), pe.figureSet))
                continue
            case let .rateOfSums(r, n, d):
                guard let sn = childSum(n), let sd = childSum(d), sd != 0, let ind = cat[r] else { continue }
                let expected = 100 * sn / sd, h = ind.halfUnit
                formula = .all([.constraint(Constraint(.term(.figure(r)) - .number(expected + h), .lessEqual)),
                                .constraint(Constraint(.term(.figure(r)) - .number(expected - h), .greaterEqual))])
            case .notAnalysed:
                // A user rule with is_blank: linear once what is blank in this unit is known.
                guard let a = pe.edit.assertion, a.usesBlank, let g = try? RuleTranslation.formula(a, blank: { p.observed[$0] == nil }) else {
                    if found.contains(pe.edit.rule) { unmodelled.append(pe.edit.rule) }
                    continue
                }
                let figures = Set(g.terms.compactMap { t -> IndicatorID? in if case let .figure(i) = t { return i }; return nil })
                guard figures.allSatisfy({ p.observed[$0] != nil }), g.terms.allSatisfy({ if case .figure = $0 { return true }; return false }) else { continue }
                if figures.isEmpty {
                    if g.holds({ _ in nil }) == false, found.contains(pe.edit.rule) { unmodelled.append(pe.edit.rule) }
                } else {
                    p.rules.append((.formula(g, constants: []), figures))
                }
                continue
            case let .formula(f):
                formula = f
            }
            // Constants: the previous period's figures, targets, the children's sums.
            var known: [(Term, Double)] = []
            if !pe.others.isEmpty {
                var complete = true
                known.reserveCapacity(pe.others.count)
                for t in pe.others {
                    let v: Double?
                    switch t {
                    case .figure: v = nil
                    case let .previous(i): v = ctx.previous(unit, i)
                    case let .target(i): v = ctx.reference.targets.target(year: ctx.period.year, unit: unit, indicator: i)
                    case let .children(i): v = childSum(i)
                    }
                    guard let v else { complete = false; break }
                    known.append((t, v))
                }
                guard complete else { continue }
            }
            if pe.figures.isEmpty {
                // Holds or fails whatever the figures: nothing to change makes it hold.
                if formula.holds({ t in known.first { $0.0 == t }?.1 }) == false, found.contains(pe.edit.rule) { unmodelled.append(pe.edit.rule) }
                continue
            }
            p.rules.append((.formula(formula, constants: known), pe.figureSet))
        }
        for i in p.integer { if let v = p.observed[i], v != v.rounded() { p.rules.append((.whole(i), [i])) } }
        return (p, unmodelled)
    }

    // MARK: the search

    func violated(_ r: UnitProblem.Rule, _ x: [IndicatorID: Double]) -> Bool {
        switch r {
        case let .formula(f, consts):
            return f.holds { t in
                if case let .figure(i) = t { return x[i] }
                return consts.first { $0.0 == t }?.1
            } == false
        case let .rate(rate, n, d, tol):
            guard let rv = x[rate], let nv = x[n], let dv = x[d] else { return false }
            return dv == 0 || abs(rv - 100 * nv / dv) > tol + 1e-9
        case let .whole(i): return x[i].map { $0 != $0.rounded() } ?? false
        }
    }

    func search(_ p: UnitProblem, _ ctx: CheckContext) -> Suggestion? {
        let bad = p.rules.filter { violated($0.rule, p.observed) }
        guard !bad.isEmpty else { return nil }
        // Independent groups: the figures linked (through any rule) to each broken rule. Five
        // unrelated slips are five small searches, not one search over every figure at once.
        // (Linked figures found once for the unit, by union–find over the rules' figures.)
        var slot: [IndicatorID: Int] = [:]
        var parent: [Int] = []
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        func index(_ f: IndicatorID) -> Int {
            if let i = slot[f] { return i }
            parent.append(parent.count); slot[f] = parent.count - 1
            return parent.count - 1
        }
        for q in p.rules {
            var first: Int?
            for f in q.figures {
                let i = index(f)
                if let a = first { let ra = find(a), ri = find(i); if ra != ri { parent[ri] = ra } } else { first = i }
            }
        }
        var members: [Int: Set<IndicatorID>] = [:]
        for (f, i) in slot { members[find(i), default: []].insert(f) }
        var roots: [Int] = []
        for r in bad { if let f = r.figures.first, let i = slot[f] { let root = find(i); if !roots.contains(root) { roots.append(root) } } }
        var groups = roots.map { members[$0] ?? [] }
        groups.sort { ($0.map { order[$0] ?? 0 }.min() ?? 0) < ($1.map { order[$0] ?? 0 }.min() ?? 0) }
        let deadline = Date().addingTimeInterval(weights.timeLimit)
        var fix: [SuggestedChange] = []
        var alternatives: [[IndicatorID]] = []
        for g in groups {
            switch searchGroup(p, candidates: g, order: order, ctx, deadline: deadline) {
            case let .failed(why): return notLocalised(why, groups: groups.count)
            case let .found(changed, feasible, others):
                fix += values(changed: changed, feasible: feasible, p, ctx, deadline: deadline)
                alternatives += others
            }
        }
        return suggestion(fix, alternatives: alternatives, ctx)
    }

    enum GroupResult {
        case found([IndicatorID], [LinearProblem], alternatives: [[IndicatorID]])
        case failed(Failure)
    }

    /// The cheapest set of one group's figures that lets the group's rules hold: sets tried
    /// cheapest first, up to `max_changes` figures (4 in a group of more than 24 linked figures,
    /// said when it fails). Equally cheap sets that also work are the alternatives (up to 3).
    func searchGroup(_ p: UnitProblem, candidates: Set<IndicatorID>, order: [IndicatorID: Int], _ ctx: CheckContext, deadline: Date) -> GroupResult {
        let cat = ctx.catalog
        let cand = candidates.sorted { (order[$0] ?? 0) < (order[$1] ?? 0) }
        let rules = p.rules.filter { !$0.figures.isDisjoint(with: candidates) }
        let broken = rules.map { violated($0.rule, p.observed) }
        let weight = cand.map { id in cat[id].map { weights.weight(of: $0) } ?? 3 }
        let hits = rules.indices.filter { broken[$0] }.map { k in cand.indices.filter { rules[k].figures.contains(cand[$0]) } }
        let limit = min(cand.count, cand.count > 24 ? min(4, weights.maxChanges) : weights.maxChanges)
        var sets: [(cost: Double, members: [Int])] = []
        func extend(_ from: Int, _ chosen: [Int], _ cost: Double) {
            if !chosen.isEmpty, hits.allSatisfy({ $0.contains(where: chosen.contains) }) { sets.append((cost, chosen)) }
            guard chosen.count < limit else { return }
            for j in from..<cand.count { extend(j + 1, chosen + [j], cost + weight[j]) }
        }
        extend(0, [], 0)
        sets.sort { a, b in
            if abs(a.cost - b.cost) > 1e-9 { return a.cost < b.cost }
            if a.members.count != b.members.count { return a.members.count < b.members.count }
            return a.members.lexicographicallyPrecedes(b.members)
        }
        var best: (changed: [IndicatorID], feasible: [LinearProblem], cost: Double, size: Int)?
        var others: [[IndicatorID]] = []
        for set in sets {
            if let b = best, abs(set.cost - b.cost) > 1e-9 || set.members.count != b.size || others.count >= 3 { break }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { if best == nil { return .failed(.timeLimit) }; break }
            let changed = Set(set.members.map { cand[$0] })
            guard let branches = problems(p, rules, broken: broken, changed), !branches.isEmpty else { continue }
            var feasible: [LinearProblem] = []
            var unknown = false
            for b in branches {
                switch b.feasible(timeLimit: remaining) {
                case true?: feasible.append(b)
                case nil: unknown = true
                case false?: break
                }
            }
            if feasible.isEmpty { if unknown && deadline.timeIntervalSinceNow <= 0 && best == nil { return .failed(.timeLimit) }; continue }
            let ids = cand.filter(changed.contains)
            if best == nil { best = (ids, feasible, set.cost, set.members.count) } else { others.append(ids) }
        }
        guard let best else { return .failed(.noSet(limit, capped: limit < weights.maxChanges && limit < cand.count)) }
        // Among equally cheap sets, the one whose figures moved most from last period is the likelier
        // slip (an identity's part or its whole alike); without history, the catalog's order.
        let all = [best.changed] + others
        let pick = all.enumerated().max { a, b in
            let x = Self.movement(a.element, p, ctx), y = Self.movement(b.element, p, ctx)
            return x != y ? x < y : a.offset > b.offset
        }?.offset ?? 0
        if pick == 0 { return .found(best.changed, best.feasible, alternatives: others) }
        // The chosen set's feasible problems, found again.
        let changed = Set(all[pick])
        let branches = problems(p, rules, broken: broken, changed) ?? []
        let feasible = branches.filter { $0.feasible(timeLimit: max(0.01, deadline.timeIntervalSinceNow)) == true }
        guard !feasible.isEmpty else { return .found(best.changed, best.feasible, alternatives: others) }
        return .found(all[pick], feasible, alternatives: all.enumerated().filter { $0.offset != pick }.map(\.element))
    }

    /// How far a set's figures moved from last period, relatively (0 without history).
    static func movement(_ ids: [IndicatorID], _ p: UnitProblem, _ ctx: CheckContext) -> Double {
        var m = 0.0
        for id in ids {
            guard let u = p.unit, let v = p.observed[id], let prev = ctx.previous(u, id) else { continue }
            m += abs(v - prev) / max(abs(prev), 1)
        }
        return (m * 1e9).rounded() / 1e9
    }

    enum Failure { case timeLimit, noSet(Int, capped: Bool) }

    func notLocalised(_ why: Failure, groups: Int = 1) -> Suggestion {
        switch why {
        case .timeLimit:
            let s = shortestDecimal(weights.timeLimit)
            return Suggestion(fix: nil, message: Message(zh: "未能定位要修改的数：超过每个单位 \(s) 秒的时限", en: "Not localised: the time limit of \(s) s a unit was reached"))
        case let .noSet(n, capped):
            let group = groups > 1 ? (zh: "（在相互关联的一组数中）", en: " (within one group of linked figures)") : (zh: "", en: "")
            let cap = capped ? (zh: "；关联的数超过 24 个时最多试改 4 个", en: "; with more than 24 linked figures at most 4 are tried") : (zh: "", en: "")
            return Suggestion(fix: nil, message: Message(zh: "未能定位要修改的数：改动 \(n) 个以内的数\(group.zh)无法使所有错误规则成立\(cap.zh)",
                                                         en: "Not localised: no change of up to \(n) figures\(group.en) lets every error rule hold\(cap.en)"))
        }
    }

    /// The linear problems (one per case of the rules' or-branches) with `changed` free and every
    /// other candidate at its reported value; nil when the cases are too many.
    func problems(_ p: UnitProblem, _ rules: [(rule: UnitProblem.Rule, figures: Set<IndicatorID>)], broken: [Bool], _ changed: Set<IndicatorID>) -> [LinearProblem]? {
        // Only the changed figures are unknowns; the others are their reported values.
        var domains: [Term: Domain] = [:]
        for id in changed { domains[.figure(id)] = Domain(integer: p.integer.contains(id)) }
        let fixed: (Term) -> Double? = { t in changed.contains(t.indicator) ? nil : p.observed[t.indicator] }
        var parts: [Formula] = []
        for (k, (rule, figures)) in rules.enumerated() {
            // A rule of unchanged figures holds as reported, or the set cannot work.
            if figures.isDisjoint(with: changed) { if broken[k] { return [] }; continue }
            switch rule {
            case let .formula(f, consts):
                parts.append(f.substituting { t in
                    if case .figure = t { return fixed(t) }
                    return consts.first { $0.0 == t }?.1
                })
            case let .whole(i): if !changed.contains(i) { parts.append(.truth(false)) }
            case let .rate(r, n, d, tol):
                let x: (IndicatorID) -> LinearExpression = { .term(.figure($0)) }
                if !changed.contains(r), let c = p.observed[r] {
                    // The rate a constant: |100 n − c d| ≤ tol × d, and d above 0.
                    parts.append(Formula.all([
                        .constraint(Constraint(100 * x(n) - (c + tol) * x(d), .lessEqual)),
                        .constraint(Constraint(100 * x(n) - (c - tol) * x(d), .greaterEqual)),
                        .constraint(Constraint(x(d), .greaterEqual, strict: true))]).substituting(fixed))
                } else if !changed.contains(n), !changed.contains(d), let nv = p.observed[n], let dv = p.observed[d] {
                    // The parts fixed: the rate is theirs.
                    guard dv > 0 else { parts.append(.truth(false)); continue }
                    let exact = 100 * nv / dv
                    parts.append(.all([.constraint(Constraint(x(r) - .number(exact + tol), .lessEqual)),
                                       .constraint(Constraint(x(r) - .number(exact - tol), .greaterEqual))]))
                } else {
                    // Rate and parts free: some rate in 0–100 must exist for the parts.
                    parts.append(Formula.all([
                        .constraint(Constraint(x(n), .greaterEqual)),
                        .constraint(Constraint(x(n) - x(d), .lessEqual)),
                        .constraint(Constraint(x(d), .greaterEqual, strict: true))]).substituting(fixed))
                }
            }
        }
        guard let branches = Formula.all(parts).branches(limit: 64) else { return nil }
        return branches.map { LinearProblem(domains: domains, constraints: $0) }
    }

    /// Each changed figure of one group, with its value where the rules leave exactly one, else
    /// the range they leave.
    func values(changed: [IndicatorID], feasible: [LinearProblem], _ p: UnitProblem, _ ctx: CheckContext, deadline: Date) -> [SuggestedChange] {
        let cat = ctx.catalog
        var out: [IndicatorID: SuggestedChange] = [:]
        // Amounts first (the rates follow from them).
        for id in changed where !(cat[id]?.kind.isRate ?? false) {
            out[id] = determined(id, feasible, decimals: cat[id]?.decimals ?? 0, deadline: deadline)
        }
        for id in changed where cat[id]?.kind.isRate ?? false {
            guard let ind = cat[id] else { continue }
            if case let .rate(n, d) = ind.kind,
               let nv = changed.contains(n) ? out[n]?.value : p.observed[n], let dv = changed.contains(d) ? out[d]?.value : p.observed[d], dv > 0 {
                out[id] = SuggestedChange(indicator: id, value: rounded(100 * nv / dv, ind.decimals))
            } else {
                out[id] = determined(id, feasible, decimals: ind.decimals, deadline: deadline)
            }
        }
        return changed.map { out[$0] ?? SuggestedChange(indicator: $0, value: nil) }
    }

    /// The suggestion: each changed figure (its value, or the range the rules leave), and the
    /// equally cheap alternatives.
    func suggestion(_ fix: [SuggestedChange], alternatives: [[IndicatorID]], _ ctx: CheckContext) -> Suggestion {
        let cat = ctx.catalog
        func show(_ c: SuggestedChange, _ zh: Bool) -> String {
            let ind = cat[c.indicator]
            let name = zh ? (ind?.name ?? c.indicator.rawValue) : (ind?.englishName ?? c.indicator.rawValue)
            if let v = c.value { return "\(name) → \(ind.map { figure(v, $0) } ?? shortestDecimal(v))" }
            if let lo = c.low, let hi = c.high {
                let range = "\(ind.map { figure(lo, $0) } ?? shortestDecimal(lo))–\(ind.map { figure(hi, $0) } ?? shortestDecimal(hi))"
                return zh ? "\(name) → \(range) 之间（规则允许不止一个值，请核实）" : "\(name) → between \(range) (the rules allow more than one value: verify)"
            }
            return zh ? "\(name)（由规则不能确定，请核实）" : "\(name) (not determined by the rules: verify)"
        }
        func names(_ ids: [IndicatorID], _ zh: Bool) -> String {
            ids.map { zh ? (cat[$0]?.name ?? $0.rawValue) : (cat[$0]?.englishName ?? $0.rawValue) }.joined(separator: zh ? "、" : " and ")
        }
        var zh = "建议修改：" + fix.map { show($0, true) }.joined(separator: "，")
        var en = "Suggested fix: " + fix.map { show($0, false) }.joined(separator: ", ")
        if !alternatives.isEmpty {
            zh += "。同样可行的改法：" + alternatives.map { names($0, true) }.joined(separator: "；或 ")
            en += ". Equally cheap: " + alternatives.map { names($0, false) }.joined(separator: "; or ")
        }
        return Suggestion(fix: fix, message: Message(zh: zh, en: en))
    }

    /// What the rules leave for a figure: its value when exactly one admissible value (a whole
    /// number, or a multiple of its last decimal) satisfies them, else the range, else nothing.
    func determined(_ id: IndicatorID, _ feasible: [LinearProblem], decimals: Int, deadline: Date) -> SuggestedChange {
        var lo = Double.infinity, hi = -Double.infinity
        for b in feasible {
            let left = deadline.timeIntervalSinceNow
            guard left > 0, let r = b.range(of: .figure(id), timeLimit: left), let l = r.lower, let h = r.upper else {
                return SuggestedChange(indicator: id, value: nil)
            }
            lo = min(lo, l); hi = max(hi, h)
        }
        guard lo.isFinite, hi.isFinite else { return SuggestedChange(indicator: id, value: nil) }
        let step = pow(10, -Double(decimals))
        let first = (lo / step - 1e-6).rounded(.up), last = (hi / step + 1e-6).rounded(.down)
        guard first <= last else { return SuggestedChange(indicator: id, value: nil) }
        if first == last { return SuggestedChange(indicator: id, value: rounded(first * step, decimals)) }
        // A narrow range is said as one (843–844), a wide one is left open.
        if last - first <= 100 { return SuggestedChange(indicator: id, value: nil, low: rounded(first * step, decimals), high: rounded(last * step, decimals)) }
        return SuggestedChange(indicator: id, value: nil)
    }
}
