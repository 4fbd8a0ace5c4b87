import Foundation
import RenjuModel

/// The 审核公式 of a 统计报表制度, as the reporting systems print them, translated into Renju's
/// rule language: indicators by name in square brackets (`[卫生厕所户数]`), comparisons
/// `>= <= > < = <>`, `+ - * /`, parentheses, `ROUND(x, n)`, `ABS`, `MIN`, `MAX`, `IF(cond, rule)`
/// (the rule where the condition holds) and `IF(cond, a, b)`, `AND`/`OR`/`NOT` (且/或/非),
/// `上期([x])`, `上年同期([x])`, `SUM下级([x])`; full-width brackets, operators and digits
/// accepted. A formula that cannot be read is refused with where and why.
public enum AuditFormula {
    public struct Refusal: Error, Sendable, Equatable {
        public let message: Message
        /// The character (0-based) of the formula where the problem is, where known.
        public let offset: Int?
    }

    static let fullWidth: [Character: String] = [
        "（": "(", "）": ")", "［": "[", "］": "]", "【": "[", "】": "]", "＜": "<", "＞": ">", "＝": "=", "＋": "+",
        "－": "-", "—": "-", "×": "*", "＊": "*", "÷": "/", "／": "/", "，": ",", "．": ".", "≤": "<=", "≥": ">=", "≠": "<>",
        "　": " ", "“": "\"", "”": "\"",
    ]

    /// The formula with full-width characters made ASCII (digits too); brackets' contents kept.
    public static func normalized(_ text: String) -> String {
        var out = ""
        for c in text {
            if let s = fullWidth[c] { out += s; continue }
            if let v = c.unicodeScalars.first?.value, c.unicodeScalars.count == 1, (0xFF10...0xFF19).contains(v) {
                out.append(Character(UnicodeScalar(v - 0xFF10 + 0x30) ?? "0")); continue
            }
            out.append(c)
        }
        return out
    }

    enum Token: Equatable { case indicator(IndicatorID), number(String), op(String), open, close, comma, word(String) }

    static let functions: [String: String] = [
        "ROUND": "round", "ABS": "abs", "MIN": "min", "MAX": "max", "上期": "prev", "上年同期": "last_year", "SUM下级": "sum_children",
        "下级合计": "sum_children", "本期": "",
    ]
    static let logic: [String: String] = ["AND": "and", "OR": "or", "NOT": "not", "且": "and", "或": "or", "非": "not"]

    static func tokens(_ text: String, catalog: Catalog) throws -> [(Token, Int)] {
        let chars = Array(text)
        var out: [(Token, Int)] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            let start = i
            switch c {
            case "[":
                guard let close = chars[(i + 1)...].firstIndex(of: "]") else {
                    throw Refusal(message: Message(zh: "方括号不配对", en: "unbalanced square brackets"), offset: i)
                }
                let name = String(chars[(i + 1)..<close]).trimmingCharacters(in: .whitespaces)
                guard let id = catalog.resolve(name) ?? (catalog[IndicatorID(name)] != nil ? IndicatorID(name) : nil) else {
                    throw Refusal(message: Message(zh: "指标目录中没有“\(name)”", en: "no indicator “\(name)” in the catalog"), offset: i)
                }
                out.append((.indicator(id), start)); i = close + 1
            case "]":
                throw Refusal(message: Message(zh: "方括号不配对", en: "unbalanced square brackets"), offset: i)
            case "(": out.append((.open, start)); i += 1
            case ")": out.append((.close, start)); i += 1
            case ",": out.append((.comma, start)); i += 1
            case "+", "-", "*", "/": out.append((.op(String(c)), start)); i += 1
            case "<", ">", "=", "!":
                var op = String(c)
                if i + 1 < chars.count, "=>".contains(chars[i + 1]) { op.append(chars[i + 1]); i += 1 }
                i += 1
                switch op {
                case "=", "==": out.append((.op("=="), start))
                case "<>", "!=": out.append((.op("!="), start))
                case "<", ">", "<=", ">=": out.append((.op(op), start))
                default: throw Refusal(message: Message(zh: "看不懂的运算符“\(op)”", en: "not an operator: “\(op)”"), offset: start)
                }
            default:
                if c.isNumber && c.isASCII || c == "." {
                    var j = i
                    while j < chars.count, chars[j].isASCII && chars[j].isNumber || chars[j] == "." { j += 1 }
                    var number = String(chars[i..<j])
                    if j < chars.count, chars[j] == "%" { number = "(\(number) / 100)"; j += 1 }
                    out.append((.number(number), start)); i = j
                } else if c.isLetter {
                    var j = i
                    while j < chars.count, chars[j].isLetter || chars[j].isNumber && !"(".contains(chars[j]) { j += 1 }
                    out.append((.word(String(chars[i..<j]).uppercased()), start)); i = j
                } else {
                    throw Refusal(message: Message(zh: "看不懂的字符“\(c)”", en: "unexpected character “\(c)”"), offset: i)
                }
            }
        }
        // Parentheses balanced.
        var depth = 0
        for (t, at) in out {
            if t == .open { depth += 1 }
            if t == .close { depth -= 1; if depth < 0 { throw Refusal(message: Message(zh: "圆括号不配对", en: "unbalanced parentheses"), offset: at) } }
        }
        if depth != 0 { throw Refusal(message: Message(zh: "圆括号不配对", en: "unbalanced parentheses"), offset: out.last?.1) }
        return out
    }

    /// The formula in Renju's rule language (checked by its parser).
    public static func translate(_ printed: String, catalog: Catalog) throws -> String {
        let text = normalized(printed)
        let toks = try tokens(text, catalog: catalog)
        var pos = 0
        func emit(until stop: (Token) -> Bool) throws -> String {
            var out: [String] = []
            while pos < toks.count, !stop(toks[pos].0) {
                let (t, at) = toks[pos]
                switch t {
                case let .indicator(id): out.append(id.rawValue); pos += 1
                case let .number(n): out.append(n); pos += 1
                case let .op(o): out.append(o); pos += 1
                case .comma: out.append(","); pos += 1
                case .open:
                    pos += 1
                    let inner = try emit(until: { $0 == .close }); pos += 1
                    out.append("(\(inner))")
                case .close: throw Refusal(message: Message(zh: "圆括号不配对", en: "unbalanced parentheses"), offset: at)
                case let .word(w):
                    pos += 1
                    if let l = logic[w] { out.append(l); continue }
                    guard pos < toks.count, toks[pos].0 == .open else {
                        throw Refusal(message: Message(zh: "看不懂的词“\(w)”（函数名后应有括号）", en: "unknown word “\(w)” (a function needs its parentheses)"), offset: at)
                    }
                    pos += 1
                    // The arguments, split at this level's commas.
                    var args: [String] = []
                    while true {
                        args.append(try emit(until: { $0 == .comma || $0 == .close }))
                        guard pos < toks.count else { throw Refusal(message: Message(zh: "圆括号不配对", en: "unbalanced parentheses"), offset: at) }
                        if toks[pos].0 == .close { pos += 1; break }
                        pos += 1
                    }
                    if w == "IF" || w == "如果" {
                        switch args.count {
                        case 2: out.append("(not (\(args[0])) or (\(args[1])))")
                        case 3: out.append("if(\(args[0]), \(args[1]), \(args[2]))")
                        default: throw Refusal(message: Message(zh: "IF 需要 2 或 3 个参数", en: "IF takes 2 or 3 arguments"), offset: at)
                        }
                    } else if let f = functions[w] {
                        out.append(f.isEmpty ? "(\(args.joined(separator: ", ")))" : "\(f)(\(args.joined(separator: ", ")))")
                    } else {
                        throw Refusal(message: Message(zh: "不认识的函数“\(w)”", en: "unknown function “\(w)”"), offset: at)
                    }
                }
            }
            return out.joined(separator: " ")
        }
        let result = try emit(until: { _ in false })
        do { _ = try RuleExpressionParser.parse(result) { catalog[$0] != nil } } catch let e as RuleExpressionError {
            throw Refusal(message: Message(zh: "公式不完整或不成立：\(e.message)", en: "not a complete rule: \(e.message)"), offset: nil)
        }
        return result
    }
}
