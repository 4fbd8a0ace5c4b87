import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks

/// The rule set checked as a whole (as R validatetools and Banff's verifyedits do): over one
/// unit's figures, level by level, the error rules together — then each warning rule against them.
/// - infeasible: no figures satisfy them all; a minimal set of rules that conflict is named;
/// - redundant: a rule that always holds given the others (and which others); two rules that each
///   imply the other are one equivalent pair ("keep one"), not two redundant rules;
/// - implicit equalities: an inequality the rules together force to hold as an equality (a part ≥
///   its whole with part ≤ whole: every village at 100 %), with the rules that force it;
/// - implied bounds and fixed values: a figure the rules confine beyond its own range;
/// - not analysed: rules that cannot take part, each with the reason.
public struct RuleSetAnalysis: Sendable {
    public struct RuleRef: Sendable, Hashable {
        public let rule: RuleID
        public let text: String
        public let origin: String
        public let severity: Severity
    }

    public enum Kind: String, Sendable { case infeasible, redundant, equivalent, equality, bound, fixed }

    public struct Item: Sendable {
        public let kind: Kind
        /// Error rules (hard) or a warning rule against them (soft).
        public let severity: Severity
        public var levels: [Level]
        /// infeasible: the conflicting rules; redundant: the rule first, then those implying it;
        /// bound / fixed: the rules that confine the figure.
        public let rules: [RuleRef]
        public let figure: IndicatorID?
        public let lower: Double?
        public let upper: Double?
    }

    public struct NotAnalysed: Sendable {
        public let rule: RuleRef
        public let reason: Message
    }

    public var items: [Item] = []
    public var notAnalysed: [NotAnalysed] = []
    public var hardRules = 0, softRules = 0, figures = 0
    /// The solver could not decide some question (never expected at this size).
    public var undecided: [String] = []

    public var isClean: Bool { items.isEmpty }

    public static func analyse(_ ref: ReferenceData, timeLimit: Double = 5) -> RuleSetAnalysis {
        var out = RuleSetAnalysis()
        let edits = EditSet.build(ref)
        out.figures = ref.catalog.indicators.count
        for e in edits {
            let r = RuleRef(rule: e.rule, text: e.text, origin: e.origin, severity: e.severity)
            switch e.form {
            case let .notAnalysed(reason): out.notAnalysed.append(NotAnalysed(rule: r, reason: reason))
            case .rate:
                out.notAnalysed.append(NotAnalysed(rule: r, reason: Message(
                    zh: "双线性（比率 = 分子 ÷ 分母 × 100），由比率的取值范围代表；错误定位时固定比率或其分子分母后求解",
                    en: "bilinear (rate = part ÷ whole × 100): its range stands for it here; localisation fixes the rate or its parts and solves the rest")))
            case .rateOfSums:
                out.notAnalysed.append(NotAnalysed(rule: r, reason: Message(
                    zh: "跨单位的双线性关系（下级之和的比值）；定位时按常数处理", en: "bilinear across units (a ratio of the children's sums); a constant in localisation")))
            case .formula: break
            }
        }
        let linear = edits.filter { if case .formula = $0.form { return true }; return false }
        out.hardRules = Set(linear.filter { $0.severity == .error && !$0.isRange }.map { "\($0.rule)|\($0.text)" }).count
        out.softRules = Set(linear.filter { $0.severity == .warning }.map { "\($0.rule)|\($0.text)" }).count
        var merged: [String: Int] = [:]
        func add(_ item: Item, _ level: Level) {
            let key = "\(item.kind)|\(item.severity)|\(item.rules.map { "\($0.rule)|\($0.text)" })|\(item.figure?.rawValue ?? "")|\(item.lower ?? .nan)|\(item.upper ?? .nan)"
            if let i = merged[key] { out.items[i].levels.append(level) }
            else { merged[key] = out.items.count; var it = item; it.levels = [level]; out.items.append(it) }
        }
        for level in Level.allCases {
            let here = linear.filter { $0.applies(at: level) }
            let hard = here.filter { $0.severity == .error }
            let soft = here.filter { $0.severity == .warning }
            let solver = Solver(catalog: ref.catalog, checks: ref.checks, level: level, timeLimit: timeLimit)
            // Error rules: every conflict (each found is set aside, the user's rules first, and the rest searched again).
            var consistent = hard
            for _ in 0..<12 {
                guard let ok = solver.feasible(consistent) else { out.undecided.append("\(level): error rules"); break }
                if ok { break }
                let conflict = solver.minimalConflict(fixed: [], among: consistent)
                add(Item(kind: .infeasible, severity: .error, levels: [], rules: conflict.map(\.ref), figure: nil, lower: nil, upper: nil), level)
                let drop = conflict.last(where: { !$0.isBuiltIn }) ?? conflict.last
                guard let drop else { break }
                consistent.removeAll { $0.rule == drop.rule && $0.text == drop.text }
            }
            // Redundant error rules: the rule's negation is impossible given the others.
            var redundant: [(rule: Edit, implying: [Edit])] = []
            for (i, e) in consistent.enumerated() where !e.isRange {
                var others = consistent; others.remove(at: i)
                guard let neg = e.negation else { continue }
                if solver.feasible(others, plus: [neg]) == false {
                    redundant.append((e, solver.minimalConflict(fixed: [neg], among: others)))
                }
            }
            // Two rules each implied by the other alone are one equivalent pair: deleting both, as
            // two "redundant" lines would invite, loses the constraint.
            var paired = Set<String>()
            for (e, implying) in redundant {
                let key = "\(e.rule)|\(e.text)"
                guard !paired.contains(key) else { continue }
                if implying.count == 1, let f = implying.first, !f.isRange,
                   let back = redundant.first(where: { $0.rule.rule == f.rule && $0.rule.text == f.text }),
                   back.implying.count == 1, back.implying.first.map({ $0.rule == e.rule && $0.text == e.text }) == true {
                    paired.insert("\(f.rule)|\(f.text)"); paired.insert(key)
                    add(Item(kind: .equivalent, severity: .error, levels: [], rules: [e.ref, f.ref], figure: nil, lower: nil, upper: nil), level)
                    continue
                }
                add(Item(kind: .redundant, severity: .error, levels: [], rules: [e.ref] + implying.map(\.ref), figure: nil, lower: nil, upper: nil), level)
            }
            // Implicit equalities: an inequality that can never hold strictly, given the rules.
            if solver.feasible(consistent) == true {
                for e in consistent where !e.isRange {
                    guard case let .constraint(c)? = e.formula, c.relation != .equal, !c.strict else { continue }
                    let strict = Formula.constraint(Constraint(c.expression, c.relation, strict: true))
                    guard solver.feasible(consistent, plus: [strict]) == false else { continue }
                    let forcing = solver.minimalConflict(fixed: [strict], among: consistent)
                    let others = forcing.filter { !($0.rule == e.rule && $0.text == e.text) }
                    add(Item(kind: .equality, severity: .error, levels: [], rules: [e.ref] + others.map(\.ref), figure: nil, lower: nil, upper: nil), level)
                }
            }
            // Implied bounds and fixed values: figures the rules confine beyond their own range.
            let ranges = consistent.filter(\.isRange)
            for ind in ref.catalog.indicators {
                let t = Term.figure(ind.id)
                guard consistent.contains(where: { !$0.isRange && $0.indicators.contains(ind.id) }) else { continue }
                guard let own = solver.range(of: t, ranges), let ruled = solver.range(of: t, consistent) else { continue }
                let tighterLow = ruled.lower.map { lo in own.lower.map { lo > $0 + 1e-7 } ?? true } ?? false
                let tighterHigh = ruled.upper.map { hi in own.upper.map { hi < $0 - 1e-7 } ?? true } ?? false
                guard tighterLow || tighterHigh else { continue }
                let fixed = ruled.lower != nil && ruled.lower == ruled.upper
                // The rules that make the bound: a minimal set whose rules, with the figure past it, conflict.
                var confining: [Edit] = []
                if tighterHigh, let hi = ruled.upper {
                    confining += solver.minimalConflict(fixed: [.constraint(Constraint(.term(t) - .number(hi), .greaterEqual, strict: true))], among: consistent)
                }
                if tighterLow, let lo = ruled.lower {
                    confining += solver.minimalConflict(fixed: [.constraint(Constraint(.term(t) - .number(lo), .lessEqual, strict: true))], among: consistent)
                }
                var seen = Set<String>()
                confining = confining.filter { seen.insert("\($0.rule)|\($0.text)").inserted }
                add(Item(kind: fixed ? .fixed : .bound, severity: .error, levels: [], rules: confining.map(\.ref), figure: ind.id,
                         lower: ruled.lower, upper: ruled.upper), level)
            }
            // Warning rules, each against the error rules: one that can never hold; one that never fires.
            for s in soft {
                if solver.feasible(consistent, plus: []) == true, solver.feasible(consistent + [s]) == false {
                    let conflict = solver.minimalConflict(fixed: [], among: consistent + [s])
                    add(Item(kind: .infeasible, severity: .warning, levels: [], rules: conflict.map(\.ref), figure: nil, lower: nil, upper: nil), level)
                    continue
                }
                if let neg = s.negation, solver.feasible(consistent, plus: [neg]) == false {
                    let implying = solver.minimalConflict(fixed: [neg], among: consistent)
                    add(Item(kind: .redundant, severity: .warning, levels: [], rules: [s.ref] + implying.map(\.ref), figure: nil, lower: nil, upper: nil), level)
                }
            }
            // The warning rules together.
            if soft.count > 1, solver.feasible(consistent) == true,
               soft.allSatisfy({ solver.feasible(consistent + [$0]) == true }), solver.feasible(consistent + soft) == false {
                let conflict = solver.minimalConflict(fixed: [], among: consistent + soft)
                add(Item(kind: .infeasible, severity: .warning, levels: [], rules: conflict.map(\.ref), figure: nil, lower: nil, upper: nil), level)
            }
        }
        return out
    }

    /// Feasibility questions over one level's edits.
    struct Solver {
        let domains: [Term: Domain]
        let timeLimit: Double

        init(catalog: Catalog, checks: CheckSettings, level: Level, timeLimit: Double) {
            var d: [Term: Domain] = [:]
            let whole = checks.setting(RangeCheck.notWhole, default: CheckRegistry.defaultSeverity(of: RangeCheck.notWhole))
            let negative = checks.setting(RangeCheck.negative, default: CheckRegistry.defaultSeverity(of: RangeCheck.negative))
            for ind in catalog.indicators {
                let integer = whole.enabled && whole.severity == .error && (ind.integer || ind.kind.isFlag)
                    && (whole.levels.map { $0.contains(level) } ?? true)
                d[.figure(ind.id)] = Domain(integer: integer)
                // Other periods, targets and children's sums: unknown, but of the figure's kind.
                let lower: Double? = negative.enabled && !ind.kind.isRate ? 0 : nil
                let other = Domain(lower: lower, upper: ind.kind.isRate ? 100 : nil, integer: integer)
                d[.previous(ind.id)] = other; d[.target(ind.id)] = other; d[.children(ind.id)] = other
            }
            domains = d; self.timeLimit = timeLimit
        }

        func problem(_ constraints: [Constraint]) -> LinearProblem {
            LinearProblem(domains: domains, constraints: constraints)
        }

        /// Whether the edits (and extra formulas) can all hold; nil when it cannot be decided.
        func feasible(_ edits: [Edit], plus extra: [Formula] = []) -> Bool? {
            guard let branches = Formula.all(edits.compactMap(\.formula) + extra).branches() else { return nil }
            var unknown = false
            for b in branches {
                switch problem(b).feasible(timeLimit: timeLimit) {
                case true?: return true
                case nil: unknown = true
                case false?: break
                }
            }
            return unknown ? nil : false
        }

        /// A smallest-by-deletion set of `among` that, with `fixed`, cannot hold (an irreducible
        /// infeasible subset): each rule dropped in turn and kept out when the rest still conflict.
        func minimalConflict(fixed: [Formula], among: [Edit]) -> [Edit] {
            var keep = among
            var i = 0
            while i < keep.count {
                var without = keep; without.remove(at: i)
                if feasible(without, plus: fixed) == false { keep = without } else { i += 1 }
            }
            return keep
        }

        /// The least and greatest value of a term under the edits (nil bound: unbounded that way).
        func range(of t: Term, _ edits: [Edit]) -> (lower: Double?, upper: Double?)? {
            guard let branches = Formula.all(edits.compactMap(\.formula)).branches() else { return nil }
            var lo: Double?? = .none, hi: Double?? = .none
            for b in branches {
                let p = problem(b)
                switch p.solve(minimizing: .term(t), timeLimit: timeLimit) {
                case let .optimal(v, _): if case let .some(cur) = lo { lo = .some(cur.map { min($0, v) }) } else { lo = .some(v) }
                case .unbounded: lo = .some(nil)
                case .infeasible: continue
                case .unknown: return nil
                }
                switch p.solve(minimizing: .term(t), maximize: true, timeLimit: timeLimit) {
                case let .optimal(v, _): if case let .some(cur) = hi { hi = .some(cur.map { max($0, v) }) } else { hi = .some(v) }
                case .unbounded: hi = .some(nil)
                case .infeasible: continue
                case .unknown: return nil
                }
            }
            guard case let .some(l) = lo, case let .some(h) = hi else { return nil }
            return (l, h)
        }
    }
}

extension Edit {
    var formula: Formula? { if case let .formula(f) = form { return f }; return nil }
    var negation: Formula? { formula?.negated }
    var ref: RuleSetAnalysis.RuleRef { RuleSetAnalysis.RuleRef(rule: rule, text: text, origin: origin, severity: severity) }
    /// Built in (ranges, identities, aggregates, temporal), not one of the user's rules.
    var isBuiltIn: Bool { CheckRegistry.descriptors.contains { $0.id == rule } }
}
