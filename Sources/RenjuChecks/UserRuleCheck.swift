import Foundation
import RenjuModel
import RenjuReference

/// The value of an expression for one unit: a number, a truth value, or missing.
public enum RuleValue: Equatable, Sendable {
    case number(Double)
    case bool(Bool)
    case missing

    var number: Double? {
        switch self {
        case let .number(x): return x
        case let .bool(b): return b ? 1 : 0
        case .missing: return nil
        }
    }
    var truth: Bool? {
        switch self {
        case let .bool(b): return b
        case let .number(x): return x != 0
        case .missing: return nil
        }
    }
}

/// Evaluates rule expressions for one unit of a submission. Missing values propagate; division by
/// zero is missing (undefined), never infinity.
public struct RuleEvaluator: Sendable {
    public let ctx: CheckContext
    public let submission: Submission?
    public var unit: UnitCode
    /// Set when a look-back found no figure of an earlier period (the unit has not enough history);
    /// cleared by the caller before each unit.
    let gap = HistoryGap()

    public init(ctx: CheckContext, submission: Submission?, unit: UnitCode) {
        self.ctx = ctx; self.submission = submission; self.unit = unit
    }

    /// An earlier period's figure; its absence noted as a history gap.
    func earlier(_ p: Period, _ id: IndicatorID) -> Double? {
        let v = ctx.historical(p, unit, id)
        if v == nil { gap.missing = true }
        return v
    }

    func current(_ u: UnitCode, _ id: IndicatorID) -> Double? {
        submission?.values[u, id] ?? ctx.currentValue(u, id)
    }

    public func evaluate(_ e: RuleExpression) -> RuleValue {
        switch e {
        case let .number(x): return .number(x)
        case let .indicator(id): return current(unit, id).map(RuleValue.number) ?? .missing
        case let .negate(a): return evaluate(a).number.map { .number(-$0) } ?? .missing
        case let .not(a): return evaluate(a).truth.map { .bool(!$0) } ?? .missing
        case let .binary(op, a, b):
            switch op {
            case .and:
                let x = evaluate(a).truth, y = evaluate(b).truth
                if x == false || y == false { return .bool(false) }
                if let x, let y { return .bool(x && y) }
                return .missing
            case .or:
                let x = evaluate(a).truth, y = evaluate(b).truth
                if x == true || y == true { return .bool(true) }
                if let x, let y { return .bool(x || y) }
                return .missing
            default:
                guard let x = evaluate(a).number, let y = evaluate(b).number else { return .missing }
                let eps = 1e-9 * max(1, abs(x), abs(y))
                switch op {
                case .add: return .number(x + y)
                case .subtract: return .number(x - y)
                case .multiply: return .number(x * y)
                case .divide: return y == 0 ? .missing : .number(x / y)
                case .less: return .bool(x < y - eps)
                case .lessEqual: return .bool(x <= y + eps)
                case .greater: return .bool(x > y + eps)
                case .greaterEqual: return .bool(x >= y - eps)
                case .equal: return .bool(abs(x - y) <= eps)
                case .notEqual: return .bool(abs(x - y) > eps)
                case .and, .or: return .missing
                }
            }
        case let .call(f, args):
            switch f {
            case .abs: return evaluate(args[0]).number.map { .number(Swift.abs($0)) } ?? .missing
            case .round:
                // Excel's ROUND: half away from zero, on n decimals.
                guard let x = evaluate(args[0]).number, let n = evaluate(args[1]).number else { return .missing }
                let scale = pow(10, n.rounded())
                return .number((x * scale).rounded(.toNearestOrAwayFromZero) / scale)
            case .min, .max:
                let xs = args.map { evaluate($0).number }
                guard xs.allSatisfy({ $0 != nil }) else { return .missing }
                let v = xs.compactMap { $0 }
                return .number(f == .min ? v.min() ?? 0 : v.max() ?? 0)
            case .prev:
                guard case let .indicator(id) = args[0] else { return .missing }
                if args.count == 2, case let .number(k) = args[1], k > 1 {
                    return earlier(ctx.period.back(Int(k)), id).map(RuleValue.number) ?? .missing
                }
                return earlier(ctx.period.previous, id).map(RuleValue.number) ?? .missing
            case .last_year:
                guard case let .indicator(id) = args[0] else { return .missing }
                return earlier(ctx.period.lastYear, id).map(RuleValue.number) ?? .missing
            case .mean_prev, .min_prev, .max_prev:
                // Over the n periods before: every one must be there (a gap is missing, not averaged over).
                guard case let .indicator(id) = args[0], case let .number(k) = args[1] else { return .missing }
                var values: [Double] = []
                for back in 1...max(1, Int(k)) {
                    guard let v = earlier(ctx.period.back(back), id) else { return .missing }
                    values.append(v)
                }
                switch f {
                case .mean_prev: return .number(values.reduce(0, +) / Double(values.count))
                case .min_prev: return .number(values.min() ?? 0)
                default: return .number(values.max() ?? 0)
                }
            case .unchanged_for:
                // Periods back, one after another, whose figure equals this period's; a gap ends the count.
                guard case let .indicator(id) = args[0], let now = current(unit, id) else { return .missing }
                var n = 0
                while n < 60, let v = ctx.historical(ctx.period.back(n + 1), unit, id), abs(v - now) <= 1e-9 * max(1, abs(now)) { n += 1 }
                return .number(Double(n))
            case .target:
                guard case let .indicator(id) = args[0] else { return .missing }
                return ctx.reference.targets.target(year: ctx.period.year, unit: unit, indicator: id).map(RuleValue.number) ?? .missing
            case .sum_children:
                guard case let .indicator(id) = args[0] else { return .missing }
                let kids: [UnitCode]
                if let submission { kids = ctx.childRows(of: unit, in: submission) } else { kids = ctx.tree.children(of: unit) }
                guard !kids.isEmpty else { return .missing }
                var sum = 0.0
                for k in kids { guard let v = current(k, id) else { return .missing }; sum += v }
                return .number(sum)
            case .if:
                guard let c = evaluate(args[0]).truth else { return .missing }
                return evaluate(c ? args[1] : args[2])
            case .is_blank:
                guard case let .indicator(id) = args[0] else { return .missing }
                return .bool(current(unit, id) == nil)
            }
        }
    }
}

/// Whether a look-back of the rule being evaluated found no earlier figure.
final class HistoryGap: @unchecked Sendable {
    var missing = false
}

/// The user's rules of `rules.yaml`, written in the expression language.
public struct UserRuleCheck: Check {
    public let rule: UserRule
    public init(_ rule: UserRule) { self.rule = rule }

    public var rules: [RuleDescriptor] {
        [RuleDescriptor(rule.id, rule.severity, Message(zh: rule.title, en: rule.title))]
    }
    public var explanation: Message {
        Message(zh: (rule.description.isEmpty ? rule.title : rule.description) + "（条件：\(rule.source)）",
                en: (rule.description.isEmpty ? rule.title : rule.description) + " (condition: \(rule.source))")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        // A rule not in force for the period checked (an imported 审核公式's 生效/停用报告期) is not run.
        guard rule.inForce(ctx.period) else { return [] }
        var out: [Finding] = []
        var tally = UnitCounter()
        let slotRule = tally.slot(rule.id)
        defer { ctx.tally.add(tally) }
        for sub in ctx.submissions {
            guard let first = sub.rows.first else { continue }
            // One evaluator a submission, moved from row to row.
            var ev = RuleEvaluator(ctx: ctx, submission: sub, unit: first.code)
            for (k, row) in sub.rows.enumerated() {
                let level = ctx.level(ofRow: k, in: sub)
                if let levels = rule.levels, let level, !levels.contains(level) { continue }
                ev.unit = row.code
                ev.gap.missing = false
                let result = ev.evaluate(rule.assertion)
                let failed: Bool
                switch result.truth {
                case .some(let ok): failed = !ok; tally.add(slotRule, evaluated: 1)
                case .none:
                    failed = rule.missing == .fail
                    // A missing value: skipped, unless the rule says a missing value fails.
                    tally.add(slotRule, evaluated: failed ? 1 : 0, skipped: failed ? 0 : 1, noHistory: !failed && ev.gap.missing ? 1 : 0)
                }
                guard failed else { continue }
                let facts = rule.assertion.indicators.sorted().map { id -> String in
                    let v = ev.current(row.code, id)
                    return "\(ctx.catalog[id]?.name ?? id.rawValue)=\(v.map { figure($0, ctx.catalog[id]) } ?? "空")"
                }.joined(separator: "，")
                let factsEn = rule.assertion.indicators.sorted().map { id -> String in
                    "\(id)=\(ev.current(row.code, id).map { figure($0, ctx.catalog[id]) } ?? "blank")"
                }.joined(separator: ", ")
                let missingNote = result == .missing ? "（有数值缺失）" : ""
                // In Chinese the rule's words and the figures; its expression is on the rule's own page
                // (`renju rules explain`, the desk's 规则说明), not in a clerk's message.
                // An imported rule in the prefecture's words: its 序号 and the formula as printed.
                let cited = rule.ref.map { "审核关系 \($0)：\(rule.printed ?? rule.source)" }
                let zh = (rule.message ?? cited ?? "不符合规则“\(rule.title)”") + "：\(facts)\(missingNote)"
                let en = (rule.message ?? "Breaks the rule “\(rule.title)”") + ": \(factsEn)\(result == .missing ? " (a value is missing)" : ""); condition: \(rule.source)"
                var finding = Finding(rule: rule.id, severity: rule.severity, unit: row.code, unitName: ctx.name(of: row.code, in: sub),
                                   period: ctx.period, indicator: rule.indicator, value: rule.indicator.flatMap { ev.current(row.code, $0) },
                                   message: Message(zh: zh, en: en),
                                   source: rule.indicator.flatMap { sub.values.observation(row.code, $0)?.source } ?? row.source)
                finding.ruleRef = rule.ref
                out.append(finding)
            }
        }
        return out
    }
}
