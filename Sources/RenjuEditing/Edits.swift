import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks

/// One rule as the editing methods see it (an "edit" in the statistical-editing literature): the
/// rule's id, where it is written, its severity and levels, and its logic over one unit's figures.
public struct Edit: Sendable {
    public enum Form: Sendable {
        /// Linear constraints combined with and / or.
        case formula(Formula)
        /// `rate = 100 × numerator ÷ denominator` within a tolerance (and no rate over a zero
        /// denominator): bilinear. The localisation fixes the rate or its parts and solves the rest.
        case rate(rate: IndicatorID, numerator: IndicatorID, denominator: IndicatorID, tolerance: Double)
        /// A total's rate = 100 × Σ children's numerators ÷ Σ denominators: bilinear across units in
        /// the analysis, a constant for one unit in the localisation.
        case rateOfSums(rate: IndicatorID, numerator: IndicatorID, denominator: IndicatorID)
        /// Cannot take part (a product of two figures, `is_blank`, …).
        case notAnalysed(reason: Message)
    }

    public let rule: RuleID
    /// How the rule reads for this edit (`sanitary_toilet_hh <= households`).
    public let text: String
    /// `rules.yaml:110`, or the catalog entry it comes from.
    public let origin: String
    public let severity: Severity
    public let levels: Set<Level>?
    public let form: Form
    /// A figure's own range (≥ 0, 0–100, 是/否): part of every analysis, never itself "redundant".
    public let isRange: Bool
    /// Compares a unit with its children (aggregate.*): only units that have them.
    public let acrossUnits: Bool
    /// A user rule's policy for a missing figure.
    public let missing: MissingPolicy
    /// A user rule's expression (translated again for one unit, where `is_blank` is known).
    public var assertion: RuleExpression? = nil

    public func applies(at level: Level) -> Bool { levels.map { $0.contains(level) } ?? true }

    /// The indicators the edit reads (figures, or the indicators of prev / target / sums).
    public var indicators: Set<IndicatorID> {
        switch form {
        case let .formula(f): return Set(f.terms.map(\.indicator))
        case let .rate(r, n, d, _), let .rateOfSums(r, n, d): return [r, n, d]
        case .notAnalysed: return []
        }
    }
}

/// The rules of a reference folder as edits: the built-in ranges and identities, the aggregate and
/// temporal rules that are linear, and the user's rules translated from the expression language.
public enum EditSet {
    public static func build(_ ref: ReferenceData) -> [Edit] {
        let checks = ref.checks, cat = ref.catalog
        let file = checks.path.isEmpty ? "rules.yaml" : (checks.path as NSString).lastPathComponent
        func at(_ line: Int?) -> String { line.map { "\(file):\($0)" } ?? file }
        // The default severity is the rule descriptor's (CheckRegistry): written once, there.
        func setting(_ id: RuleID) -> CheckSetting? {
            let s = checks.setting(id, default: CheckRegistry.defaultSeverity(of: id))
            return s.enabled ? s : nil
        }
        var out: [Edit] = []
        func add(_ id: RuleID, _ s: CheckSetting, _ text: String, _ origin: String, _ form: Edit.Form,
                 range: Bool = false, across: Bool = false, levels: Set<Level>? = nil) {
            out.append(Edit(rule: id, text: text, origin: origin, severity: s.severity, levels: levels ?? s.levels, form: form,
                            isRange: range, acrossUnits: across, missing: .skip))
        }
        let x: (IndicatorID) -> LinearExpression = { .term(.figure($0)) }
        let aboveVillage: Set<Level> = [.province, .prefecture, .county, .township]
        // The built-in rules that are linear, as their descriptors say (`RuleDescriptor.linear`),
        // in the forms' order; each over the indicators or rules.yaml entries it covers.
        for form in LinearForm.allCases {
            for d in CheckRegistry.descriptors where d.linear == form {
                guard let s = setting(d.id) else { continue }
                let id = d.id
                switch form {
                case .nonNegative:
                    for ind in cat.indicators where !ind.kind.isRate {
                        add(id, s, "\(ind.id) >= 0", at(s.line), .formula(.constraint(Constraint(x(ind.id), .greaterEqual))), range: true)
                    }
                case .rateRange:
                    let lo = checks.value(RangeCheck.rateMin, of: id), hi = checks.value(RangeCheck.rateMax, of: id)
                    for ind in cat.indicators where ind.kind.isRate {
                        add(id, s, "\(shortestDecimal(lo)) <= \(ind.id) <= \(shortestDecimal(hi))", at(s.line), .formula(.all([
                            .constraint(Constraint(x(ind.id) - .number(lo), .greaterEqual)),
                            .constraint(Constraint(x(ind.id) - .number(hi), .lessEqual))])), range: true)
                    }
                case .flagRange:
                    for ind in cat.indicators where ind.kind.isFlag {
                        add(id, s, "\(ind.id) is 0 or 1", at(s.line), .formula(.all([
                            .constraint(Constraint(x(ind.id), .greaterEqual)),
                            .constraint(Constraint(x(ind.id) - .number(1), .lessEqual))])), range: true)
                    }
                case .partWhole:
                    for (k, pw) in checks.partWhole.enumerated() {
                        let line = k < checks.partWholeLines.count ? checks.partWholeLines[k] : nil
                        add(id, s, "\(pw.part) <= \(pw.whole)", at(line ?? s.line),
                            .formula(.constraint(Constraint(x(pw.part) - x(pw.whole), .lessEqual))))
                    }
                case .rateIdentity:
                    let tol = checks.value(IdentityCheck.tolerance, of: id)
                    for ind in cat.indicators {
                        guard case let .rate(n, den) = ind.kind else { continue }
                        add(id, s, "\(ind.id) = 100 × \(n) / \(den) (± \(shortestDecimal(tol)))", "indicators.yaml (\(ind.id))",
                            .rate(rate: ind.id, numerator: n, denominator: den, tolerance: tol))
                    }
                case .requires:
                    for (k, r) in checks.requires.enumerated() {
                        let line = k < checks.requiresLines.count ? checks.requiresLines[k] : nil
                        add(id, s, "\(r.when) > 0 → \(r.then) > 0", at(line ?? s.line), .formula(.any([
                            .constraint(Constraint(x(r.when), .lessEqual)),
                            .constraint(Constraint(x(r.then), .greaterEqual, strict: true))])))
                    }
                case .aggregateSum:
                    // A total and its children: linear for summed kinds.
                    for ind in cat.indicators where ind.kind.isSummed || ind.kind.isFlag {
                        let h = ind.halfUnit
                        add(id, s, "\(ind.id) = sum_children(\(ind.id)) (± \(shortestDecimal(h)))", "indicators.yaml (\(ind.id))", .formula(.all([
                            .constraint(Constraint(x(ind.id) - .term(.children(ind.id)) - .number(h), .lessEqual)),
                            .constraint(Constraint(x(ind.id) - .term(.children(ind.id)) + .number(h), .greaterEqual))])),
                            across: true, levels: (s.levels ?? aboveVillage).intersection(aboveVillage))
                    }
                case .aggregateRate:
                    // A rate of sums is not linear across units (a constant for one unit).
                    for ind in cat.indicators {
                        guard case let .rate(n, den) = ind.kind else { continue }
                        add(id, s, "\(ind.id) = 100 × sum_children(\(n)) / sum_children(\(den))", "indicators.yaml (\(ind.id))",
                            .rateOfSums(rate: ind.id, numerator: n, denominator: den),
                            across: true, levels: (s.levels ?? aboveVillage).intersection(aboveVillage))
                    }
                case .stockNonDecreasing:
                    for ind in cat.indicators where ind.kind == .stock(.nonDecreasing) {
                        add(id, s, "\(ind.id) >= prev(\(ind.id))", "indicators.yaml (\(ind.id), non_decreasing)",
                            .formula(.constraint(Constraint(x(ind.id) - .term(.previous(ind.id)), .greaterEqual))))
                    }
                case .ytdNonDecreasing:
                    for ind in cat.indicators where ind.kind == .ytd {
                        add(id, s, "\(ind.id) >= prev(\(ind.id)) within the year", "indicators.yaml (\(ind.id), ytd)",
                            .formula(.constraint(Constraint(x(ind.id) - .term(.previous(ind.id)), .greaterEqual))))
                    }
                }
            }
        }
        // The user's rules.
        for r in checks.userRules {
            let form: Edit.Form
            do { form = .formula(try RuleTranslation.formula(r.assertion, blank: nil)) }
            catch let e as RuleTranslation.NotLinear { form = .notAnalysed(reason: e.reason) }
            catch { form = .notAnalysed(reason: Message.of(error)) }
            var e = Edit(rule: r.id, text: r.source, origin: at(r.line), severity: r.severity, levels: r.levels, form: form,
                         isRange: false, acrossUnits: false, missing: r.missing)
            e.assertion = r.assertion
            out.append(e)
        }
        return out
    }
}

/// The expression language (SPEC §5) to linear logic: sums and constant multiples of figures are
/// linear; `abs`, `min`, `max` and `if` become cases; a product or quotient of two figures and
/// `is_blank` (in the rule-set analysis) cannot take part.
public enum RuleTranslation {
    public struct NotLinear: Error { public let reason: Message }

    /// A linear piece of a numeric expression and when it applies.
    struct Piece { var value: LinearExpression; var when: Formula }
    static let maxPieces = 64

    /// `blank`: whether a figure is blank (for `is_blank`); nil in the analysis, where it is unknown.
    public static func formula(_ e: RuleExpression, blank: ((IndicatorID) -> Bool)?) throws -> Formula {
        switch e {
        case let .binary(op, a, b):
            switch op {
            case .and: return .all([try formula(a, blank: blank), try formula(b, blank: blank)])
            case .or: return .any([try formula(a, blank: blank), try formula(b, blank: blank)])
            case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual:
                let pa = try pieces(a, blank), pb = try pieces(b, blank)
                guard pa.count * pb.count <= maxPieces else { throw tooMany }
                var cases: [Formula] = []
                for x in pa { for y in pb { cases.append(.all([x.when, y.when, compare(op, x.value - y.value)])) } }
                return cases.count == 1 ? cases[0] : .any(cases)
            default:
                // A number used as a truth value: true when not zero.
                return try formula(.binary(.notEqual, e, .number(0)), blank: blank)
            }
        case let .not(a): return try formula(a, blank: blank).negated
        case let .call(.if, args) where args.count == 3:
            let c = try formula(args[0], blank: blank)
            return .any([.all([c, try formula(args[1], blank: blank)]), .all([c.negated, try formula(args[2], blank: blank)])])
        case let .call(.is_blank, args):
            guard let blank, case let .indicator(id)? = args.first else {
                throw NotLinear(reason: Message(zh: "is_blank：是否空白不是数值关系", en: "is_blank: whether a figure is blank is not a relation between figures"))
            }
            return .truth(blank(id))
        default:
            return try formula(.binary(.notEqual, e, .number(0)), blank: blank)
        }
    }

    static var tooMany: NotLinear { NotLinear(reason: Message(zh: "情形过多（abs/min/max/if 嵌套）", en: "too many cases (nested abs/min/max/if)")) }

    static func compare(_ op: RuleExpression.BinaryOperator, _ d: LinearExpression) -> Formula {
        switch op {
        case .less: return .constraint(Constraint(d, .lessEqual, strict: true))
        case .lessEqual: return .constraint(Constraint(d, .lessEqual))
        case .greater: return .constraint(Constraint(d, .greaterEqual, strict: true))
        case .greaterEqual: return .constraint(Constraint(d, .greaterEqual))
        case .equal: return .constraint(Constraint(d, .equal))
        default: return Formula.constraint(Constraint(d, .equal)).negated
        }
    }

    static func pieces(_ e: RuleExpression, _ blank: ((IndicatorID) -> Bool)?) throws -> [Piece] {
        switch e {
        case let .number(v): return [Piece(value: .number(v), when: .truth(true))]
        case let .indicator(id): return [Piece(value: .term(.figure(id)), when: .truth(true))]
        case let .negate(a): return try pieces(a, blank).map { Piece(value: -$0.value, when: $0.when) }
        case let .binary(op, a, b):
            let pa = try pieces(a, blank), pb = try pieces(b, blank)
            guard pa.count * pb.count <= maxPieces else { throw tooMany }
            var out: [Piece] = []
            for x in pa {
                for y in pb {
                    let when = Formula.all([x.when, y.when])
                    switch op {
                    case .add: out.append(Piece(value: x.value + y.value, when: when))
                    case .subtract: out.append(Piece(value: x.value - y.value, when: when))
                    case .multiply:
                        if x.value.isConstant { out.append(Piece(value: x.value.constant * y.value, when: when)) }
                        else if y.value.isConstant { out.append(Piece(value: y.value.constant * x.value, when: when)) }
                        else { throw NotLinear(reason: Message(zh: "两个指标相乘（非线性）", en: "a product of two figures (not linear)")) }
                    case .divide:
                        guard y.value.isConstant else { throw NotLinear(reason: Message(zh: "除以指标（非线性）", en: "division by a figure (not linear)")) }
                        guard y.value.constant != 0 else { throw NotLinear(reason: Message(zh: "除以 0", en: "division by 0")) }
                        out.append(Piece(value: (1 / y.value.constant) * x.value, when: when))
                    default:
                        throw NotLinear(reason: Message(zh: "比较结果被当作数值使用", en: "a comparison used as a number"))
                    }
                }
            }
            return out
        case let .not(a):
            throw NotLinear(reason: Message(zh: "“not \(a)”被当作数值使用", en: "“not \(a)” used as a number"))
        case let .call(f, args):
            switch f {
            case .last_year, .mean_prev, .min_prev, .max_prev, .unchanged_for:
                throw NotLinear(reason: Message(zh: "\(f.rawValue)(…) 引用更早的报告期，不在分析之内", en: "\(f.rawValue)(…) reads earlier periods, outside the analysis"))
            case .round:
                throw NotLinear(reason: Message(zh: "round(…) 不是线性的，不在分析之内", en: "round(…) is not linear, outside the analysis"))
            case .prev where args.count == 2:
                throw NotLinear(reason: Message(zh: "prev(x, k) 引用更早的报告期，不在分析之内", en: "prev(x, k) reads a period further back, outside the analysis"))
            case .prev, .target, .sum_children:
                guard case let .indicator(id)? = args.first else { throw NotLinear(reason: Message(zh: "\(f.rawValue) 需要指标", en: "\(f.rawValue) needs an indicator")) }
                let t: Term = f == .prev ? .previous(id) : f == .target ? .target(id) : .children(id)
                return [Piece(value: .term(t), when: .truth(true))]
            case .abs:
                guard let a = args.first else { return [] }
                return try pieces(a, blank).flatMap { p in
                    [Piece(value: p.value, when: .all([p.when, .constraint(Constraint(p.value, .greaterEqual))])),
                     Piece(value: -p.value, when: .all([p.when, .constraint(Constraint(p.value, .lessEqual, strict: true))]))]
                }
            case .min, .max:
                let each = try args.map { try pieces($0, blank) }
                var combos: [[Piece]] = [[]]
                for list in each {
                    combos = combos.flatMap { c in list.map { c + [$0] } }
                    guard combos.count * args.count <= maxPieces else { throw tooMany }
                }
                var out: [Piece] = []
                for c in combos {
                    for (i, chosen) in c.enumerated() {
                        // The i-th argument is the least (greatest); ties go to the first.
                        var when: [Formula] = c.map(\.when)
                        for (j, other) in c.enumerated() where j != i {
                            let d = f == .min ? chosen.value - other.value : other.value - chosen.value
                            when.append(.constraint(Constraint(d, .lessEqual, strict: j < i)))
                        }
                        out.append(Piece(value: chosen.value, when: .all(when)))
                    }
                }
                return out
            case .if:
                guard args.count == 3 else { return [] }
                let c = try formula(args[0], blank: blank)
                let a = try pieces(args[1], blank).map { Piece(value: $0.value, when: .all([c, $0.when])) }
                let b = try pieces(args[2], blank).map { Piece(value: $0.value, when: .all([c.negated, $0.when])) }
                guard a.count + b.count <= maxPieces else { throw tooMany }
                return a + b
            case .is_blank:
                throw NotLinear(reason: Message(zh: "is_blank 被当作数值使用", en: "is_blank used as a number"))
            }
        }
    }
}
