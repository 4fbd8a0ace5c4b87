import Foundation
import RenjuModel

/// A rule expression (SPEC §5): indicator ids, numbers, `+ - * /`, comparisons, `and or not`,
/// `abs min max`, `prev(x)` (or `prev(x, k)`: k periods back), `last_year(x)` (the same period a
/// year earlier), `mean_prev(x, n)` / `min_prev(x, n)` / `max_prev(x, n)` (over the n periods
/// before), `unchanged_for(x)` (how many periods back the figure has not changed), `target(x)`,
/// `sum_children(x)`, `if(c, a, b)`, `is_blank(x)`.
public indirect enum RuleExpression: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case indicator(IndicatorID)
    case negate(RuleExpression)
    case not(RuleExpression)
    case binary(BinaryOperator, RuleExpression, RuleExpression)
    case call(Function, [RuleExpression])

    public enum BinaryOperator: String, Sendable {
        case add = "+", subtract = "-", multiply = "*", divide = "/"
        case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "==", notEqual = "!="
        case and, or
    }

    public enum Function: String, Sendable, CaseIterable {
        case abs, min, max, prev, last_year, mean_prev, min_prev, max_prev, unchanged_for, target, sum_children, `if`, is_blank, round

        var arity: ClosedRange<Int> {
            switch self {
            case .prev: return 1...2
            case .mean_prev, .min_prev, .max_prev, .round: return 2...2
            case .abs, .last_year, .unchanged_for, .target, .sum_children, .is_blank: return 1...1
            case .min, .max: return 1...16
            case .if: return 3...3
            }
        }
        /// Functions whose argument must be an indicator id.
        var takesIndicator: Bool {
            [.prev, .last_year, .mean_prev, .min_prev, .max_prev, .unchanged_for, .target, .sum_children, .is_blank].contains(self)
        }
        /// Functions whose second argument counts periods back.
        var countsPeriods: Bool { [.prev, .mean_prev, .min_prev, .max_prev].contains(self) }
    }

    public var description: String {
        switch self {
        case let .number(x): return shortestDecimal(x)
        case let .indicator(id): return id.rawValue
        case let .negate(e): return "-\(e)"
        case let .not(e): return "not \(e)"
        case let .binary(op, a, b): return "(\(a) \(op.rawValue) \(b))"
        case let .call(f, args): return "\(f.rawValue)(\(args.map(\.description).joined(separator: ", ")))"
        }
    }

    /// Whether `is_blank` appears anywhere in it.
    public var usesBlank: Bool {
        switch self {
        case .number, .indicator: return false
        case let .negate(e), let .not(e): return e.usesBlank
        case let .binary(_, a, b): return a.usesBlank || b.usesBlank
        case let .call(f, args): return f == .is_blank || args.contains { $0.usesBlank }
        }
    }

    /// Every indicator the expression reads (outside `is_blank`, whose argument may be missing).
    public var indicators: Set<IndicatorID> {
        switch self {
        case .number: return []
        case let .indicator(id): return [id]
        case let .negate(e), let .not(e): return e.indicators
        case let .binary(_, a, b): return a.indicators.union(b.indicators)
        case let .call(_, args): return args.reduce(into: Set()) { $0.formUnion($1.indicators) }
        }
    }
}

/// A syntax error in an expression, at a zero-based character offset.
public struct RuleExpressionError: UserFacingError, CustomStringConvertible {
    public let offset: Int
    public let message: String
    public var description: String { "column \(offset + 1): \(message)" }
    public var userMessage: Message { Message(zh: "第 \(offset + 1) 个字符处：\(message)", en: description) }
}

/// A recursive-descent parser with the usual precedence:
/// `or` < `and` < `not` < comparisons < `+ -` < `* /` < unary minus < calls and parentheses.
public struct RuleExpressionParser {
    enum Token: Equatable {
        case number(Double), ident(String), op(String), lparen, rparen, comma, end
    }

    let tokens: [(Token, Int)]
    var pos = 0
    let known: (IndicatorID) -> Bool

    public static func parse(_ text: String, knownIndicator: @escaping (IndicatorID) -> Bool) throws -> RuleExpression {
        var p = RuleExpressionParser(tokens: try tokenize(text), known: knownIndicator)
        let e = try p.parseOr()
        guard case .end = p.peek else { throw RuleExpressionError(offset: p.offset, message: "unexpected “\(p.tokenText)” after the end of the expression") }
        return e
    }

    static func tokenize(_ text: String) throws -> [(Token, Int)] {
        var out: [(Token, Int)] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            let start = i
            if c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber) {
                var s = ""
                while i < chars.count, chars[i].isASCII, chars[i].isNumber || chars[i] == "." { s.append(chars[i]); i += 1 }
                guard let d = Double(s) else { throw RuleExpressionError(offset: start, message: "“\(s)” is not a number") }
                out.append((.number(d), start)); continue
            }
            if c.isLetter || c == "_" {
                var s = ""
                while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { s.append(chars[i]); i += 1 }
                out.append((.ident(s), start)); continue
            }
            let two = i + 1 < chars.count ? String(chars[i...i + 1]) : ""
            if ["<=", ">=", "==", "!=", "&&", "||"].contains(two) {
                out.append((.op(two == "&&" ? "and" : two == "||" ? "or" : two), start)); i += 2; continue
            }
            switch c {
            case "+", "-", "*", "/", "<", ">": out.append((.op(String(c)), start))
            case "=": out.append((.op("=="), start))
            case "(": out.append((.lparen, start))
            case ")": out.append((.rparen, start))
            case ",": out.append((.comma, start))
            default: throw RuleExpressionError(offset: start, message: "unexpected character “\(c)”")
            }
            i += 1
        }
        out.append((.end, chars.count))
        return out
    }

    var peek: Token { tokens[pos].0 }
    var offset: Int { tokens[pos].1 }
    var tokenText: String {
        switch peek {
        case let .number(d): return shortestDecimal(d)
        case let .ident(s): return s
        case let .op(s): return s
        case .lparen: return "("
        case .rparen: return ")"
        case .comma: return ","
        case .end: return "end"
        }
    }
    mutating func advance() { if pos < tokens.count - 1 { pos += 1 } }

    mutating func parseOr() throws -> RuleExpression {
        var e = try parseAnd()
        while peek == .ident("or") || peek == .op("or") { advance(); e = .binary(.or, e, try parseAnd()) }
        return e
    }
    mutating func parseAnd() throws -> RuleExpression {
        var e = try parseNot()
        while peek == .ident("and") || peek == .op("and") { advance(); e = .binary(.and, e, try parseNot()) }
        return e
    }
    mutating func parseNot() throws -> RuleExpression {
        if peek == .ident("not") { advance(); return .not(try parseNot()) }
        return try parseComparison()
    }
    mutating func parseComparison() throws -> RuleExpression {
        let e = try parseAdditive()
        if case let .op(s) = peek, let op = RuleExpression.BinaryOperator(rawValue: s),
           [.less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual].contains(op) {
            advance()
            let rhs = try parseAdditive()
            if case let .op(s2) = peek, ["<", "<=", ">", ">=", "==", "!="].contains(s2) {
                throw RuleExpressionError(offset: offset, message: "comparisons do not chain: use “and” (a < b and b < c)")
            }
            return .binary(op, e, rhs)
        }
        return e
    }
    mutating func parseAdditive() throws -> RuleExpression {
        var e = try parseMultiplicative()
        while case let .op(s) = peek, s == "+" || s == "-" {
            advance(); e = .binary(s == "+" ? .add : .subtract, e, try parseMultiplicative())
        }
        return e
    }
    mutating func parseMultiplicative() throws -> RuleExpression {
        var e = try parseUnary()
        while case let .op(s) = peek, s == "*" || s == "/" {
            advance(); e = .binary(s == "*" ? .multiply : .divide, e, try parseUnary())
        }
        return e
    }
    mutating func parseUnary() throws -> RuleExpression {
        if peek == .op("-") { advance(); return .negate(try parseUnary()) }
        if peek == .op("+") { advance(); return try parseUnary() }
        return try parsePrimary()
    }
    mutating func parsePrimary() throws -> RuleExpression {
        let at = offset
        switch peek {
        case let .number(d):
            advance(); return .number(d)
        case .lparen:
            advance()
            let e = try parseOr()
            guard peek == .rparen else { throw RuleExpressionError(offset: offset, message: "expected “)”") }
            advance(); return e
        case let .ident(name):
            advance()
            if peek == .lparen {
                guard let f = RuleExpression.Function(rawValue: name) else {
                    throw RuleExpressionError(offset: at, message: "unknown function “\(name)” (known: \(RuleExpression.Function.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                advance()
                var args: [RuleExpression] = []
                if peek != .rparen {
                    args.append(try parseOr())
                    while peek == .comma { advance(); args.append(try parseOr()) }
                }
                guard peek == .rparen else { throw RuleExpressionError(offset: offset, message: "expected “,” or “)” in \(name)(…)") }
                advance()
                guard f.arity.contains(args.count) else {
                    throw RuleExpressionError(offset: at, message: "\(name) takes \(f.arity.lowerBound == f.arity.upperBound ? "\(f.arity.lowerBound)" : "\(f.arity.lowerBound) or more") argument(s), not \(args.count)")
                }
                if f.takesIndicator, case .indicator = args[0] {} else if f.takesIndicator {
                    throw RuleExpressionError(offset: at, message: "\(name)(…) takes an indicator id")
                }
                if f.countsPeriods, args.count == 2 {
                    guard case let .number(k) = args[1], k >= 1, k <= 60, k == k.rounded() else {
                        throw RuleExpressionError(offset: at, message: "\(name)(x, k): k is how many periods back, a whole number from 1 to 60")
                    }
                }
                return .call(f, args)
            }
            if ["and", "or", "not"].contains(name) { throw RuleExpressionError(offset: at, message: "“\(name)” needs a value before it") }
            let id = IndicatorID(name)
            guard known(id) else { throw RuleExpressionError(offset: at, message: "unknown indicator “\(name)”") }
            return .indicator(id)
        case .end:
            throw RuleExpressionError(offset: at, message: "the expression ends too early")
        default:
            throw RuleExpressionError(offset: at, message: "unexpected “\(tokenText)”")
        }
    }
}

/// How a rule treats a missing value.
public enum MissingPolicy: String, Sendable {
    /// The rule is not evaluated for the unit.
    case skip
    /// A missing value makes the rule fail.
    case fail
}

/// A user-written rule from `rules.yaml`.
public struct UserRule: Sendable {
    public let id: RuleID
    public let title: String
    public let description: String
    public let severity: Severity
    public let levels: Set<Level>?
    public let assertion: RuleExpression
    public let source: String
    public let missing: MissingPolicy
    /// The indicator findings are attached to.
    public let indicator: IndicatorID?
    public let message: String?
    public let line: Int?
    /// An imported 审核公式: its 序号, the formula as printed, where it came from (file!cell).
    public var ref: String? = nil
    public var printed: String? = nil
    public var origin: String? = nil
    /// The periods it is in force: from `from` (inclusive) until `until` (exclusive); nil: always.
    public var from: Period? = nil
    public var until: Period? = nil

    /// Whether the rule applies to a period.
    public func inForce(_ p: Period) -> Bool {
        if let from {
            let before = p.kind == from.kind ? p < from : p.endDate < from.endDate
            if before { return false }
        }
        if let until {
            let stopped = p.kind == until.kind ? !(p < until) : !(p.endDate < until.endDate)
            if stopped { return false }
        }
        return true
    }
}

extension RuleExpression {
    /// The expression's meaning in one spelling: operands of commutative operators in a fixed
    /// order and `a >= b` written `b <= a` — two rules that differ only in how they were written
    /// (a reordered formula) compare equal.
    public var canonical: String {
        switch self {
        case let .number(x): return shortestDecimal(x)
        case let .indicator(id): return id.rawValue
        case let .negate(e): return "-(\(e.canonical))"
        case let .not(e): return "not(\(e.canonical))"
        case let .call(f, args): return "\(f.rawValue)(\(args.map(\.canonical).joined(separator: ",")))"
        case let .binary(op, a, b):
            switch op {
            case .add, .multiply, .equal, .notEqual, .and, .or:
                let parts = [a.canonical, b.canonical].sorted()
                return "(\(parts[0]) \(op.rawValue) \(parts[1]))"
            case .greater: return "(\(b.canonical) < \(a.canonical))"
            case .greaterEqual: return "(\(b.canonical) <= \(a.canonical))"
            default: return "(\(a.canonical) \(op.rawValue) \(b.canonical))"
            }
        }
    }
}
