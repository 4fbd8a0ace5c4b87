import Foundation
import CGLPK

/// What a figure may be before any rule: its range (`range.negative`, `range.rate`, flags 0–1)
/// and whether it is whole (`range.not_whole`).
public struct Domain: Sendable, Equatable {
    public var lower: Double?
    public var upper: Double?
    public var integer: Bool
    public init(lower: Double? = nil, upper: Double? = nil, integer: Bool = false) {
        self.lower = lower; self.upper = upper; self.integer = integer
    }
    public static let free = Domain()
    public static func fixed(_ v: Double) -> Domain { Domain(lower: v, upper: v) }
}

/// A small linear (or mixed-integer) problem over terms, solved exactly by GLPK: the GNU Linear
/// Programming Kit's simplex, and its branch and cut where figures are whole numbers.
public struct LinearProblem: Sendable {
    public var domains: [Term: Domain]
    public var constraints: [Constraint]

    public init(domains: [Term: Domain], constraints: [Constraint]) {
        self.domains = domains; self.constraints = constraints
    }

    public enum Outcome: Sendable, Equatable {
        case optimal(value: Double, solution: [Term: Double])
        case infeasible
        case unbounded
        /// The solver stopped (time limit, numerical trouble): nothing is known.
        case unknown
    }

    enum Intervals { case notSimple, empty, bounds([Term: (lower: Double, upper: Double)]) }

    /// When every constraint bounds a single term (the usual case when one figure is changed),
    /// the answer is a set of intervals: no solver needed.
    func intervals() -> Intervals {
        var b: [Term: (lower: Double, upper: Double)] = [:]
        for (t, d) in domains { b[t] = (d.lower ?? -.infinity, d.upper ?? .infinity) }
        for c in constraints {
            if let truth = c.constantTruth { if !truth { return .empty }; continue }
            guard c.expression.terms.count == 1, let (t, k) = c.expression.terms.first, k != 0 else { return .notSimple }
            // k·t + c0 (rel) 0  →  t (rel') −c0 / k
            let v = -c.expression.constant / k
            let m = c.strict ? Constraint.margin : 0
            var cur = b[t] ?? (-.infinity, .infinity)
            switch (c.relation, k > 0) {
            case (.lessEqual, true), (.greaterEqual, false): cur.upper = min(cur.upper, v - m / abs(k))
            case (.greaterEqual, true), (.lessEqual, false): cur.lower = max(cur.lower, v + m / abs(k))
            case (.equal, _): cur.lower = max(cur.lower, v); cur.upper = min(cur.upper, v)
            }
            b[t] = cur
        }
        for (t, var r) in b {
            if domains[t]?.integer == true {
                if r.lower.isFinite { r.lower = (r.lower - 1e-9).rounded(.up) }
                if r.upper.isFinite { r.upper = (r.upper + 1e-9).rounded(.down) }
                b[t] = r
            }
            if r.lower > r.upper + 1e-9 { return .empty }
        }
        return .bounds(b)
    }

    /// Whether some values satisfy every constraint; nil when the solver could not tell.
    public func feasible(timeLimit: Double = 1) -> Bool? {
        switch intervals() {
        case .empty: return false
        case .bounds: return true
        case .notSimple: break
        }
        switch solve(timeLimit: timeLimit) {
        case .optimal, .unbounded: return true
        case .infeasible: return false
        case .unknown: return nil
        }
    }

    /// The least (or greatest) value of `objective` over the feasible values.
    public func solve(minimizing objective: LinearExpression = LinearExpression(), maximize: Bool = false, timeLimit: Double = 1) -> Outcome {
        // Columns: every term with a domain or in a constraint, in a fixed order (deterministic results).
        var termSet = Set(domains.keys)
        for c in constraints { termSet.formUnion(c.expression.terms.keys) }
        termSet.formUnion(objective.terms.keys)
        let terms = termSet.sorted()
        var column: [Term: Int32] = [:]
        for (k, t) in terms.enumerated() { column[t] = Int32(k + 1) }
        // Empty bounds are infeasible before GLPK sees them.
        for d in domains.values { if let lo = d.lower, let hi = d.upper, lo > hi + 1e-12 { return .infeasible } }
        for c in constraints { if c.constantTruth == false { return .infeasible } }
        let rows = constraints.filter { !$0.expression.isConstant }

        guard let lp = glp_create_prob() else { return .unknown }
        defer { glp_delete_prob(lp) }
        glp_set_obj_dir(lp, maximize ? GLP_MAX : GLP_MIN)
        var anyInteger = false
        if !terms.isEmpty { glp_add_cols(lp, Int32(terms.count)) }
        for t in terms {
            let j = column[t] ?? 0
            let d = domains[t] ?? .free
            Self.bounds(lp, column: j, lower: d.lower, upper: d.upper)
            if d.integer { glp_set_col_kind(lp, j, GLP_IV); anyInteger = true }
            glp_set_obj_coef(lp, j, objective.terms[t] ?? 0)
        }
        if !rows.isEmpty { glp_add_rows(lp, Int32(rows.count)) }
        var ia: [Int32] = [0], ja: [Int32] = [0], ar: [Double] = [0]
        for (i, c) in rows.enumerated() {
            let r = Int32(i + 1)
            let rhs = -c.expression.constant
            let m = c.strict ? Constraint.margin : 0
            switch c.relation {
            case .lessEqual: glp_set_row_bnds(lp, r, GLP_UP, 0, rhs - m)
            case .greaterEqual: glp_set_row_bnds(lp, r, GLP_LO, rhs + m, 0)
            case .equal: glp_set_row_bnds(lp, r, GLP_FX, rhs, rhs)
            }
            for (t, k) in c.expression.terms.sorted(by: { $0.key < $1.key }) {
                ia.append(r); ja.append(column[t] ?? 0); ar.append(k)
            }
        }
        if ia.count > 1 { glp_load_matrix(lp, Int32(ia.count - 1), ia, ja, ar) }
        let ms = Int32(max(1, min(600_000, timeLimit * 1000)))

        var smcp = glp_smcp()
        glp_init_smcp(&smcp)
        smcp.msg_lev = GLP_MSG_OFF
        smcp.tm_lim = ms
        smcp.presolve = GLP_OFF
        let rc = glp_simplex(lp, &smcp)
        guard rc == 0 else { return .unknown }
        switch glp_get_status(lp) {
        case GLP_OPT: break
        case GLP_NOFEAS: return .infeasible
        case GLP_UNBND:
            // Unbounded along a ray: whole numbers lie along it too (feasibility questions have no
            // objective and never end here).
            return .unbounded
        default:
            if glp_get_prim_stat(lp) == GLP_NOFEAS { return .infeasible }
            return .unknown
        }
        // The optimum, read column by column (the LP's or the MIP's values).
        func optimum(_ value: (Int32) -> Double, objective: Double) -> Outcome {
            var x: [Term: Double] = [:]
            for t in terms { x[t] = value(column[t] ?? 0) }
            return .optimal(value: objective, solution: x)
        }
        guard anyInteger else { return optimum({ glp_get_col_prim(lp, $0) }, objective: glp_get_obj_val(lp)) }
        var iocp = glp_iocp()
        glp_init_iocp(&iocp)
        iocp.msg_lev = GLP_MSG_OFF
        iocp.tm_lim = ms
        iocp.presolve = GLP_OFF
        let irc = glp_intopt(lp, &iocp)
        guard irc == 0 else { return .unknown }
        switch glp_mip_status(lp) {
        case GLP_OPT: return optimum({ glp_mip_col_val(lp, $0) }, objective: glp_mip_obj_val(lp))
        case GLP_NOFEAS: return .infeasible
        default: return .unknown
        }
    }

    static func bounds(_ lp: OpaquePointer, column j: Int32, lower: Double?, upper: Double?) {
        switch (lower, upper) {
        case (nil, nil): glp_set_col_bnds(lp, j, GLP_FR, 0, 0)
        case let (lo?, nil): glp_set_col_bnds(lp, j, GLP_LO, lo, 0)
        case let (nil, hi?): glp_set_col_bnds(lp, j, GLP_UP, 0, hi)
        case let (lo?, hi?):
            if hi - lo <= 1e-12 { glp_set_col_bnds(lp, j, GLP_FX, lo, lo) } else { glp_set_col_bnds(lp, j, GLP_DB, lo, hi) }
        }
    }

    /// The least and greatest value a term can take (nil: unbounded that way); nil when infeasible
    /// or unknown.
    public func range(of t: Term, timeLimit: Double = 1) -> (lower: Double?, upper: Double?)? {
        switch intervals() {
        case .empty: return nil
        case let .bounds(b):
            let r = b[t] ?? (-.infinity, .infinity)
            return (r.lower.isFinite ? r.lower : nil, r.upper.isFinite ? r.upper : nil)
        case .notSimple: break
        }
        let lo = solve(minimizing: .term(t), timeLimit: timeLimit)
        let hi = solve(minimizing: .term(t), maximize: true, timeLimit: timeLimit)
        func value(_ o: Outcome) -> Double?? {
            switch o {
            case let .optimal(v, _): return .some(v)
            case .unbounded: return .some(nil)
            case .infeasible, .unknown: return nil
            }
        }
        guard let l = value(lo), let h = value(hi) else { return nil }
        return (l, h)
    }
}

/// Turns GLPK's terminal output off once for the process (GLPK writes to stdout otherwise).
enum GLPKSetup {
    static let quiet: Void = { _ = glp_term_out(GLP_OFF) }()
}
