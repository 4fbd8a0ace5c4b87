import Foundation
import RenjuModel

/// A quantity a rule is written in: one of the unit's figures, or — in the rule-set analysis,
/// where they are unknown — its previous period's figure, its target, the sum of its children.
public enum Term: Hashable, Sendable, Comparable, CustomStringConvertible {
    case figure(IndicatorID)
    case previous(IndicatorID)
    case target(IndicatorID)
    case children(IndicatorID)

    public var indicator: IndicatorID {
        switch self { case let .figure(i), let .previous(i), let .target(i), let .children(i): return i }
    }
    var order: Int {
        switch self { case .figure: return 0; case .previous: return 1; case .target: return 2; case .children: return 3 }
    }
    public static func < (a: Term, b: Term) -> Bool { (a.order, a.indicator.rawValue) < (b.order, b.indicator.rawValue) }
    public var description: String {
        switch self {
        case let .figure(i): return i.rawValue
        case let .previous(i): return "prev(\(i))"
        case let .target(i): return "target(\(i))"
        case let .children(i): return "sum_children(\(i))"
        }
    }
}

/// `Σ coefficient × term + constant`.
public struct LinearExpression: Sendable, Equatable {
    public var terms: [Term: Double]
    public var constant: Double

    public init(_ terms: [Term: Double] = [:], constant: Double = 0) {
        self.terms = terms.filter { $0.value != 0 }; self.constant = constant
    }
    public static func term(_ t: Term) -> LinearExpression { LinearExpression([t: 1]) }
    public static func number(_ x: Double) -> LinearExpression { LinearExpression(constant: x) }

    public static func + (a: LinearExpression, b: LinearExpression) -> LinearExpression {
        LinearExpression(a.terms.merging(b.terms, uniquingKeysWith: +), constant: a.constant + b.constant)
    }
    public static func * (k: Double, a: LinearExpression) -> LinearExpression {
        LinearExpression(a.terms.mapValues { k * $0 }, constant: k * a.constant)
    }
    public static prefix func - (a: LinearExpression) -> LinearExpression { -1 * a }
    public static func - (a: LinearExpression, b: LinearExpression) -> LinearExpression { a + -b }
    public var isConstant: Bool { terms.isEmpty }

    /// Terms whose values are known replaced by them.
    public func substituting(_ known: (Term) -> Double?) -> LinearExpression {
        var out = LinearExpression(constant: constant)
        for (t, k) in terms {
            if let v = known(t) { out.constant += k * v } else { out.terms[t, default: 0] += k }
        }
        out.terms = out.terms.filter { $0.value != 0 }
        return out
    }
}

/// `expression ≤ 0`, `≥ 0` or `= 0`; strict (`< 0`, `> 0`) by a small margin.
public struct Constraint: Sendable, Equatable {
    public enum Relation: Sendable { case lessEqual, greaterEqual, equal }
    public var expression: LinearExpression
    public var relation: Relation
    public var strict: Bool

    public init(_ e: LinearExpression, _ r: Relation, strict: Bool = false) { expression = e; relation = r; self.strict = strict }

    /// The margin that makes `<` out of `≤`: below any figure's last decimal (0.01), above GLPK's
    /// integrality tolerance (1e-5), so that `x < 1` for a whole number is `x ≤ 0`.
    public static let margin = 1e-4

    /// For a constraint without terms: whether it holds.
    public var constantTruth: Bool? {
        guard expression.isConstant else { return nil }
        let c = expression.constant, m = strict ? Self.margin : -1e-9
        switch relation {
        case .lessEqual: return c <= -m
        case .greaterEqual: return c >= m
        case .equal: return abs(c) <= 1e-9
        }
    }
}

/// A rule as logic over linear constraints: what the analysis and the localisation solve.
public indirect enum Formula: Sendable, Equatable {
    case constraint(Constraint)
    case all([Formula])
    case any([Formula])
    case truth(Bool)

    public var negated: Formula {
        switch self {
        case let .truth(b): return .truth(!b)
        case let .all(fs): return .any(fs.map(\.negated))
        case let .any(fs): return .all(fs.map(\.negated))
        case let .constraint(c):
            switch c.relation {
            case .lessEqual: return .constraint(Constraint(c.expression, .greaterEqual, strict: !c.strict))
            case .greaterEqual: return .constraint(Constraint(c.expression, .lessEqual, strict: !c.strict))
            case .equal: return .any([.constraint(Constraint(c.expression, .lessEqual, strict: true)),
                                      .constraint(Constraint(c.expression, .greaterEqual, strict: true))])
            }
        }
    }

    public var terms: Set<Term> {
        switch self {
        case .truth: return []
        case let .constraint(c): return Set(c.expression.terms.keys)
        case let .all(fs), let .any(fs): return fs.reduce(into: Set()) { $0.formUnion($1.terms) }
        }
    }

    /// Whether the formula holds for the given values (nil: a term has none). No allocation: run
    /// for every rule of every unit with an error.
    public func holds(_ value: (Term) -> Double?) -> Bool? {
        switch self {
        case let .truth(b): return b
        case let .constraint(c):
            var sum = c.expression.constant
            for (t, k) in c.expression.terms { guard let v = value(t) else { return nil }; sum += k * v }
            let scale = 1e-9 * max(1, abs(sum))
            let m = c.strict ? Constraint.margin : -scale
            switch c.relation {
            case .lessEqual: return sum <= -m
            case .greaterEqual: return sum >= m
            case .equal: return abs(sum) <= scale
            }
        case let .all(fs):
            for f in fs { guard let h = f.holds(value) else { return nil }; if !h { return false } }
            return true
        case let .any(fs):
            for f in fs { guard let h = f.holds(value) else { return nil }; if h { return true } }
            return false
        }
    }

    public func substituting(_ known: (Term) -> Double?) -> Formula {
        switch self {
        case .truth: return self
        case let .constraint(c):
            let e = c.expression.substituting(known)
            let d = Constraint(e, c.relation, strict: c.strict)
            if let t = d.constantTruth { return .truth(t) }
            return .constraint(d)
        case let .all(fs): return .all(fs.map { $0.substituting(known) })
        case let .any(fs): return .any(fs.map { $0.substituting(known) })
        }
    }

    /// Disjunctive normal form: each branch a list of constraints that must all hold; nil beyond
    /// `limit` branches. An empty list of branches: never satisfiable.
    public func branches(limit: Int = 256) -> [[Constraint]]? {
        switch self {
        case let .truth(b): return b ? [[]] : []
        case let .constraint(c):
            if let t = c.constantTruth { return t ? [[]] : [] }
            return [[c]]
        case let .any(fs):
            var out: [[Constraint]] = []
            for f in fs {
                guard let b = f.branches(limit: limit) else { return nil }
                out += b
                if out.count > limit { return nil }
            }
            return out
        case let .all(fs):
            var out: [[Constraint]] = [[]]
            for f in fs {
                guard let b = f.branches(limit: limit) else { return nil }
                var next: [[Constraint]] = []
                for x in out { for y in b { next.append(x + y) } }
                if next.count > limit { return nil }
                out = next
                if out.isEmpty { return [] }
            }
            return out
        }
    }
}
