import Foundation
import RenjuModel

/// The formulas collection forms use, recomputed: references to cells and ranges of the same
/// sheet, numbers, `+ − × ÷ ^`, unary minus, `%`, comparisons, and `SUM`, `ROUND`, `IF`,
/// `IFERROR`, `MIN`, `MAX`, `ABS`. Anything else is `unsupported` and named, never guessed.
///
/// Why: a cached value can be missing (openpyxl) or wrong (XlsxWriter writes 0; a program that
/// does not recalculate leaves last version's figure), and a clerk's form computes its 合计 row
/// and its rates with exactly these formulas.
indirect enum FormulaExpr: Sendable {
    case number(Double)
    case text(String)
    case bool(Bool)
    case ref(row: Int, column: Int)
    case range(CellRange)
    case negate(FormulaExpr)
    case percent(FormulaExpr)
    case binary(String, FormulaExpr, FormulaExpr)
    case call(String, [FormulaExpr])
}

/// An Excel error value met while computing (`#DIV/0!`, `#VALUE!`).
struct ExcelError: Error, Equatable { let code: String; init(_ code: String) { self.code = code } }

/// A value while computing: Excel's kinds.
enum FormulaValue: Equatable, Sendable {
    case number(Double)
    case text(String)
    case bool(Bool)
    case error(String)
    case blank
}

struct FormulaParser {
    struct Unsupported: Error { let reason: String }

    enum Token: Equatable {
        case number(Double), text(String), name(String), ref(String), op(String), lparen, rparen, comma, colon
    }

    let sheet: String?
    /// Offset applied to relative references (a shared formula used away from its anchor).
    let rowOffset: Int, columnOffset: Int
    var tokens: [Token] = []
    var i = 0

    init(sheet: String?, rowOffset: Int = 0, columnOffset: Int = 0) {
        self.sheet = sheet; self.rowOffset = rowOffset; self.columnOffset = columnOffset
    }

    static func parse(_ text: String, sheet: String?, rowOffset: Int = 0, columnOffset: Int = 0) throws -> FormulaExpr {
        var p = FormulaParser(sheet: sheet, rowOffset: rowOffset, columnOffset: columnOffset)
        guard text.utf8.count <= 8_192 else { throw Unsupported(reason: "公式过长 / formula too long") }
        p.tokens = try tokenize(text, sheet: sheet)
        let e = try p.comparison(depth: 0)
        guard p.i == p.tokens.count else { throw Unsupported(reason: "无法解析 / cannot parse") }
        return e
    }

    static func tokenize(_ text: String, sheet: String?) throws -> [Token] {
        var out: [Token] = []
        let c = Array(text.unicodeScalars)
        var i = 0
        if i < c.count, c[i] == "=" { i += 1 }
        func isNameChar(_ s: Unicode.Scalar) -> Bool {
            (s >= "A" && s <= "Z") || (s >= "a" && s <= "z") || (s >= "0" && s <= "9") || s == "_" || s == "." || s == "$"
        }
        while i < c.count {
            let ch = c[i]
            if ch == " " || ch == "\n" || ch == "\r" || ch == "\t" { i += 1; continue }
            if ch == "\"" {
                out.append(.text(try quoted(c, at: &i))); continue
            }
            if ch == "'" {
                // A quoted sheet name: 'Sheet name'!A1
                let s = try quoted(c, at: &i)
                guard i < c.count, c[i] == "!" else { throw Unsupported(reason: "无法解析 / cannot parse") }
                i += 1
                guard s == sheet else { throw Unsupported(reason: "引用了其他工作表“\(s)” / refers to another sheet") }
                continue
            }
            if (ch >= "0" && ch <= "9") || (ch == "." && i + 1 < c.count && c[i + 1] >= "0" && c[i + 1] <= "9") {
                var s = ""
                while i < c.count, (c[i] >= "0" && c[i] <= "9") || c[i] == "." { s.unicodeScalars.append(c[i]); i += 1 }
                if i < c.count, c[i] == "E" || c[i] == "e" {
                    s.unicodeScalars.append(c[i]); i += 1
                    if i < c.count, c[i] == "+" || c[i] == "-" { s.unicodeScalars.append(c[i]); i += 1 }
                    while i < c.count, c[i] >= "0" && c[i] <= "9" { s.unicodeScalars.append(c[i]); i += 1 }
                }
                // A row range such as 3:5 is not supported; a number followed by a letter is a name.
                guard let d = Double(s), d.isFinite else { throw Unsupported(reason: "无法解析数字 / bad number") }
                out.append(.number(d)); continue
            }
            if isNameChar(ch) || ch.value >= 0x80 {
                var s = ""
                while i < c.count, isNameChar(c[i]) || c[i].value >= 0x80 { s.unicodeScalars.append(c[i]); i += 1 }
                if i < c.count, c[i] == "!" {
                    i += 1
                    guard s == sheet else { throw Unsupported(reason: "引用了其他工作表“\(s)” / refers to another sheet") }
                    continue
                }
                if i < c.count, c[i] == "(" { out.append(.name(s.uppercased())); continue }
                if SheetScanner.position(Array(s.utf8)) != nil { out.append(.ref(s)); continue }
                let u = s.uppercased()
                if u == "TRUE" || u == "FALSE" { out.append(.name(u)); continue }
                throw Unsupported(reason: "名称“\(s)”不受支持 / the name \(s) is not supported")
            }
            switch ch {
            case "(": out.append(.lparen)
            case ")": out.append(.rparen)
            case ",": out.append(.comma)
            case ":": out.append(.colon)
            case "+", "-", "*", "/", "^", "&", "%", "=": out.append(.op(String(ch)))
            case "<", ">":
                if i + 1 < c.count, c[i + 1] == "=" || (ch == "<" && c[i + 1] == ">") {
                    out.append(.op(String(ch) + String(c[i + 1]))); i += 1
                } else { out.append(.op(String(ch))) }
            default:
                throw Unsupported(reason: "字符“\(ch)”不受支持 / unsupported character")
            }
            i += 1
        }
        return out
    }

    /// The text between the quote at `i` and its closing quote (a doubled quote stands for one);
    /// `i` moves past the closing quote.
    static func quoted(_ c: [Unicode.Scalar], at i: inout Int) throws -> String {
        let q = c[i]
        var s = ""
        i += 1
        while true {
            guard i < c.count else { throw Unsupported(reason: "引号未闭合 / unterminated quote") }
            if c[i] == q {
                if i + 1 < c.count, c[i + 1] == q { s.unicodeScalars.append(q); i += 2; continue }
                i += 1
                return s
            }
            s.unicodeScalars.append(c[i]); i += 1
        }
    }

    /// A shared formula's text as it reads in a cell `rows` and `columns` away from its anchor:
    /// relative references moved, `$`-fixed parts and quoted text left alone (for messages).
    static func moved(_ text: String, rows: Int, columns: Int) -> String {
        guard rows != 0 || columns != 0 else { return text }
        let c = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        func isLetter(_ s: Unicode.Scalar) -> Bool { (s >= "A" && s <= "Z") || (s >= "a" && s <= "z") }
        func isDigit(_ s: Unicode.Scalar) -> Bool { s >= "0" && s <= "9" }
        while i < c.count {
            let ch = c[i]
            if ch == "\"" || ch == "'" {
                // Quoted text or sheet name, copied as it is.
                out.append(ch); i += 1
                while i < c.count { out.append(c[i]); i += 1; if c[i - 1] == ch { break } }
                continue
            }
            let boundary = i == 0 || !(isLetter(c[i - 1]) || isDigit(c[i - 1]) || c[i - 1] == "_" || c[i - 1] == ".")
            if boundary, ch == "$" || isLetter(ch) {
                // Try `$?LETTERS$?DIGITS` not followed by a name character or `(`.
                var k = i
                let colFixed = c[k] == "$"; if colFixed { k += 1 }
                let ls = k
                while k < c.count, isLetter(c[k]), k - ls < 3 { k += 1 }
                let letters = String(String.UnicodeScalarView(c[ls..<k])).uppercased()
                let rowFixed = k < c.count && c[k] == "$"; if rowFixed { k += 1 }
                let ds = k
                while k < c.count, isDigit(c[k]) { k += 1 }
                let ends = k >= c.count || !(isLetter(c[k]) || isDigit(c[k]) || c[k] == "_" || c[k] == "(" || c[k] == ".")
                if !letters.isEmpty, k > ds, ends, let row = Int(String(String.UnicodeScalarView(c[ds..<k]))),
                   let (_, col) = SheetScanner.position(Array((letters + "1").utf8)) {
                    let newCol = colFixed ? col : col + columns, newRow = rowFixed ? row : row + rows
                    if newCol >= 0, newRow >= 1 {
                        let ref = (colFixed ? "$" : "") + SourceRef.columnLetters(newCol) + (rowFixed ? "$" : "") + String(newRow)
                        out.append(contentsOf: ref.unicodeScalars)
                        i = k
                        continue
                    }
                }
                // Not a reference: copy the name as it is.
                while i < c.count, isLetter(c[i]) || isDigit(c[i]) || c[i] == "_" || c[i] == "." || c[i] == "$" { out.append(c[i]); i += 1 }
                continue
            }
            out.append(ch); i += 1
        }
        return String(out)
    }

    var peek: Token? { i < tokens.count ? tokens[i] : nil }

    mutating func expect(_ t: Token) throws {
        guard peek == t else { throw Unsupported(reason: "无法解析 / cannot parse") }
        i += 1
    }

    static let maxDepth = 64

    mutating func comparison(depth: Int) throws -> FormulaExpr {
        guard depth < Self.maxDepth else { throw Unsupported(reason: "公式嵌套过深 / nested too deep") }
        var l = try additive(depth: depth + 1)
        while case let .op(o)? = peek, ["=", "<>", "<", ">", "<=", ">="].contains(o) {
            i += 1
            l = .binary(o, l, try additive(depth: depth + 1))
        }
        return l
    }

    mutating func additive(depth: Int) throws -> FormulaExpr {
        var l = try multiplicative(depth: depth + 1)
        while case let .op(o)? = peek, o == "+" || o == "-" || o == "&" {
            guard o != "&" else { throw Unsupported(reason: "文本连接“&”不受支持 / & is not supported") }
            i += 1
            l = .binary(o, l, try multiplicative(depth: depth + 1))
        }
        return l
    }

    mutating func multiplicative(depth: Int) throws -> FormulaExpr {
        var l = try power(depth: depth + 1)
        while case let .op(o)? = peek, o == "*" || o == "/" {
            i += 1
            l = .binary(o, l, try power(depth: depth + 1))
        }
        return l
    }

    mutating func power(depth: Int) throws -> FormulaExpr {
        var l = try unary(depth: depth + 1)
        while case .op("^")? = peek {
            i += 1
            l = .binary("^", l, try unary(depth: depth + 1))
        }
        return l
    }

    mutating func unary(depth: Int) throws -> FormulaExpr {
        guard depth < Self.maxDepth else { throw Unsupported(reason: "公式嵌套过深 / nested too deep") }
        if case .op("-")? = peek { i += 1; return .negate(try unary(depth: depth + 1)) }
        if case .op("+")? = peek { i += 1; return try unary(depth: depth + 1) }
        var e = try primary(depth: depth + 1)
        while case .op("%")? = peek { i += 1; e = .percent(e) }
        return e
    }

    func position(_ ref: String) throws -> (Int, Int) {
        guard let (r, c) = SheetScanner.position(Array(ref.utf8)) else { throw Unsupported(reason: "无效引用 \(ref) / bad reference") }
        // `$` fixes the part it stands before; the rest moves with a shared formula.
        let scalars = Array(ref)
        let columnFixed = scalars.first == "$"
        let rowFixed = scalars.dropFirst().contains("$")
        let row = rowFixed ? r : r + rowOffset, column = columnFixed ? c : c + columnOffset
        guard row >= 0, column >= 0, row < 1_048_576, column < 16_384 else { throw Unsupported(reason: "#REF!") }
        return (row, column)
    }

    mutating func primary(depth: Int) throws -> FormulaExpr {
        guard let t = peek else { throw Unsupported(reason: "公式不完整 / incomplete formula") }
        i += 1
        switch t {
        case let .number(d): return .number(d)
        case let .text(s): return .text(s)
        case .lparen:
            let e = try comparison(depth: depth + 1)
            try expect(.rparen)
            return e
        case let .ref(a):
            let (r, c) = try position(a)
            if case .colon? = peek {
                i += 1
                guard case let .ref(b)? = peek else { throw Unsupported(reason: "无效区域 / bad range") }
                i += 1
                let (r2, c2) = try position(b)
                return .range(CellRange(top: r, left: c, bottom: r2, right: c2))
            }
            return .ref(row: r, column: c)
        case let .name(n):
            if n == "TRUE" || n == "FALSE" {
                if case .lparen? = peek { i += 1; try expect(.rparen) }
                return .bool(n == "TRUE")
            }
            guard FormulaEvaluator.functions.contains(n) else { throw Unsupported(reason: "函数 \(n) 不受支持 / function \(n) is not supported") }
            try expect(.lparen)
            var args: [FormulaExpr] = []
            if case .rparen? = peek { i += 1; return .call(n, args) }
            while true {
                args.append(try comparison(depth: depth + 1))
                if case .comma? = peek { i += 1; continue }
                try expect(.rparen)
                break
            }
            return .call(n, args)
        default:
            throw Unsupported(reason: "无法解析 / cannot parse")
        }
    }
}

/// A formula cell as read: its text and, for a shared formula, the offset from its anchor.
struct PendingFormula: Sendable {
    let text: String
    let rowOffset: Int
    let columnOffset: Int
    /// Whether the file held a cached value for the cell.
    let hasCachedValue: Bool

    /// The formula as the cell would show it (a shared formula moved from its anchor).
    var shownText: String { FormulaParser.moved(text, rows: rowOffset, columns: columnOffset) }
}

/// Computes the formula cells of one sheet and writes the results into its grid.
struct FormulaEvaluator {
    static let functions: Set<String> = ["SUM", "ROUND", "IF", "IFERROR", "MIN", "MAX", "ABS"]
    /// Cells one sheet's formulas may visit in all (a hostile SUM(A1:XFD1048576) repeated).
    static let workBudget = 20_000_000

    var grid: Grid
    let formulas: [Int: PendingFormula]
    var parsed: [Int: Result<FormulaExpr, FormulaParser.Unsupported>] = [:]
    var memo: [Int: FormulaValue] = [:]
    var visiting = Set<Int>()
    var work = 0
    var failure: String?

    init(grid: Grid, formulas: [Int: PendingFormula]) { self.grid = grid; self.formulas = formulas }

    static func apply(to grid: inout Grid, formulas: [Int: PendingFormula], positions: [(Int, Int)]) {
        var ev = FormulaEvaluator(grid: grid, formulas: formulas)
        var results: [(Int, Int, FormulaValue?, String?)] = []
        for (r, c) in positions {
            ev.failure = nil
            guard ev.expr(r, c) != nil else { results.append((r, c, nil, ev.failure)); continue }
            let v = ev.value(r, c)
            results.append((r, c, ev.failure == nil ? v : nil, ev.failure))
        }
        var notes: [Int: FormulaNote] = [:]
        for (r, c, value, failure) in results {
            let key = FormulaNote.key(r, c)
            guard let f = formulas[key] else { continue }
            let cached = grid[r, c]
            let format = grid.format(r, c)
            guard let value else {
                if f.hasCachedValue { notes[key] = .notRecomputed(formula: f.shownText, reason: failure ?? "") }
                continue
            }
            switch value {
            case let .number(v):
                let shown = excelPrecision(v)
                if !f.hasCachedValue {
                    grid.set(r, c, .number(shown), format: format)
                    notes[key] = .computed(formula: f.shownText, value: shown)
                } else if let cached, !Self.same(cached, shown) {
                    grid.set(r, c, .number(shown), format: format)
                    notes[key] = .stale(formula: f.shownText, cached: cached.display, computed: shown)
                }
            case let .error(e):
                if !f.hasCachedValue { grid.set(r, c, .error(e), format: format) }
                else if case .error = cached {} else { notes[key] = .notRecomputed(formula: f.shownText, reason: e) }
            case let .text(s):
                if !f.hasCachedValue { grid.set(r, c, .text(s), format: format) }
            case let .bool(b):
                if !f.hasCachedValue { grid.set(r, c, .bool(b), format: format) }
            case .blank:
                if !f.hasCachedValue { grid.set(r, c, .text(""), format: format) }
            }
        }
        grid.formulaNotes = notes
    }

    /// Whether a cached cell shows the computed number (to Excel's 15 digits, within 1e-9).
    static func same(_ cached: RawCell, _ v: Double) -> Bool {
        let c: Double
        switch cached {
        case let .number(d): c = excelPrecision(d)
        case let .text(t):
            guard let d = CellParser.number(TextNormalizer.fold(t)) else { return false }
            c = d
        case let .bool(b): c = b ? 1 : 0
        default: return false
        }
        return abs(c - v) <= 1e-9 * max(1, abs(c), abs(v))
    }

    mutating func expr(_ r: Int, _ c: Int) -> FormulaExpr? {
        let key = FormulaNote.key(r, c)
        if let p = parsed[key] {
            switch p { case let .success(e): return e; case let .failure(u): failure = u.reason; return nil }
        }
        guard let f = formulas[key] else { return nil }
        do {
            let e = try FormulaParser.parse(f.text, sheet: grid.name, rowOffset: f.rowOffset, columnOffset: f.columnOffset)
            parsed[key] = .success(e)
            return e
        } catch let u as FormulaParser.Unsupported {
            parsed[key] = .failure(u); failure = u.reason; return nil
        } catch {
            failure = "\(error)"; return nil
        }
    }

    /// The value of a cell: computed when it holds a formula, else as stored.
    mutating func value(_ r: Int, _ c: Int) -> FormulaValue {
        let key = FormulaNote.key(r, c)
        if let f = formulas[key] {
            if let m = memo[key] { return m }
            guard failure == nil else { return .blank }
            guard !visiting.contains(key), visiting.count < 256 else {
                failure = "循环引用 / circular reference"; return .blank
            }
            if let e = expr(r, c) {
                visiting.insert(key)
                defer { visiting.remove(key) }
                let v = eval(e)
                if failure == nil { memo[key] = v }
                return v
            }
            // A formula beyond the subset: its cached value stands in, when the file has one.
            guard f.hasCachedValue else { return .blank }
            failure = nil
        }
        return stored(r, c)
    }

    func stored(_ r: Int, _ c: Int) -> FormulaValue {
        switch grid[r, c] {
        case let .number(d)?: return .number(d)
        case let .text(t)?: return TextNormalizer.isBlank(t) ? .blank : .text(t)
        case let .bool(b)?: return .bool(b)
        case let .error(e)?: return .error(e)
        case .formulaWithoutValue?: return .error("#N/A")
        case nil: return .blank
        }
    }

    /// The values of a range's stored cells (blank cells add nothing to SUM, MIN, MAX).
    mutating func values(in range: CellRange) -> [FormulaValue] {
        var out: [FormulaValue] = []
        for r in grid.rowIndices where r >= range.top && r <= range.bottom {
            for e in grid.rawCells(inRow: r) where e.column >= range.left && e.column <= range.right {
                work += 1
                if work > Self.workBudget { failure = "计算量过大 / too much work"; return out }
                out.append(value(r, e.column))
                if failure != nil { return out }
            }
        }
        return out
    }

    static func number(_ v: FormulaValue) -> Result<Double, ExcelError> {
        switch v {
        case let .number(d): return .success(d)
        case .blank: return .success(0)
        case let .bool(b): return .success(b ? 1 : 0)
        case let .text(t):
            if let d = CellParser.number(TextNormalizer.fold(t)) { return .success(d) }
            return .failure(ExcelError("#VALUE!"))
        case let .error(e): return .failure(ExcelError(e))
        }
    }

    mutating func eval(_ e: FormulaExpr) -> FormulaValue {
        if failure != nil { return .blank }
        switch e {
        case let .number(d): return .number(d)
        case let .text(s): return .text(s)
        case let .bool(b): return .bool(b)
        case let .ref(r, c): return value(r, c)
        case .range:
            failure = "区域不能单独使用 / a range outside a function"; return .blank
        case let .negate(x):
            switch Self.number(eval(x)) { case let .success(d): return .number(-d); case let .failure(err): return .error(err.code) }
        case let .percent(x):
            switch Self.number(eval(x)) { case let .success(d): return .number(d / 100); case let .failure(err): return .error(err.code) }
        case let .binary(op, a, b):
            let x = eval(a), y = eval(b)
            if ["=", "<>", "<", ">", "<=", ">="].contains(op) { return compare(op, x, y) }
            let dx: Double, dy: Double
            switch Self.number(x) { case let .success(d): dx = d; case let .failure(err): return .error(err.code) }
            switch Self.number(y) { case let .success(d): dy = d; case let .failure(err): return .error(err.code) }
            let out: Double
            switch op {
            case "+": out = dx + dy
            case "-": out = dx - dy
            case "*": out = dx * dy
            case "/":
                guard dy != 0 else { return .error("#DIV/0!") }
                out = dx / dy
            default: out = pow(dx, dy)
            }
            return out.isFinite ? .number(out) : .error("#NUM!")
        case let .call(name, args):
            return call(name, args)
        }
    }

    func compare(_ op: String, _ x: FormulaValue, _ y: FormulaValue) -> FormulaValue {
        if case let .error(e) = x { return .error(e) }
        if case let .error(e) = y { return .error(e) }
        // Blank compares as 0 with a number and as "" with text (Excel).
        let order: Int
        switch (x, y) {
        case let (.text(a), .text(b)): order = a.lowercased() < b.lowercased() ? -1 : (a.lowercased() == b.lowercased() ? 0 : 1)
        case let (.text(a), .blank): order = a.isEmpty ? 0 : 1
        case let (.blank, .text(b)): order = b.isEmpty ? 0 : -1
        case (.text, _): order = 1
        case (_, .text): order = -1
        default:
            let a = (try? Self.number(x).get()) ?? 0, b = (try? Self.number(y).get()) ?? 0
            order = a < b ? -1 : (a == b ? 0 : 1)
        }
        switch op {
        case "=": return .bool(order == 0)
        case "<>": return .bool(order != 0)
        case "<": return .bool(order < 0)
        case ">": return .bool(order > 0)
        case "<=": return .bool(order <= 0)
        default: return .bool(order >= 0)
        }
    }

    static func truth(_ v: FormulaValue) -> Result<Bool, ExcelError> {
        switch v {
        case let .bool(b): return .success(b)
        case let .number(d): return .success(d != 0)
        case .blank: return .success(false)
        case let .error(e): return .failure(ExcelError(e))
        case let .text(t):
            switch t.uppercased() { case "TRUE": return .success(true); case "FALSE": return .success(false); default: return .failure(ExcelError("#VALUE!")) }
        }
    }

    /// Numbers of a function's arguments: ranges give their numeric cells only; a direct
    /// argument is coerced (Excel's rule for SUM, MIN, MAX).
    mutating func numbers(_ args: [FormulaExpr]) -> Result<[Double], ExcelError> {
        var out: [Double] = []
        for a in args {
            if case let .range(range) = a {
                for v in values(in: range) {
                    if case let .number(d) = v { out.append(d) }
                    if case let .error(e) = v { return .failure(ExcelError(e)) }
                }
            } else {
                switch Self.number(eval(a)) { case let .success(d): out.append(d); case let .failure(e): return .failure(e) }
            }
            if failure != nil { return .success(out) }
        }
        return .success(out)
    }

    mutating func call(_ name: String, _ args: [FormulaExpr]) -> FormulaValue {
        switch name {
        case "SUM", "MIN", "MAX":
            switch numbers(args) {
            case let .failure(e): return .error(e.code)
            case let .success(xs):
                if name == "SUM" { return .number(xs.reduce(0, +)) }
                guard !xs.isEmpty else { return .number(0) }
                return .number(name == "MIN" ? (xs.min() ?? 0) : (xs.max() ?? 0))
            }
        case "ABS":
            guard args.count == 1 else { failure = "ABS 参数个数不对 / ABS takes one argument"; return .blank }
            switch Self.number(eval(args[0])) { case let .success(d): return .number(abs(d)); case let .failure(e): return .error(e.code) }
        case "ROUND":
            guard args.count == 2 else { failure = "ROUND 参数个数不对 / ROUND takes two arguments"; return .blank }
            let x = Self.number(eval(args[0])), n = Self.number(eval(args[1]))
            guard case let .success(dx) = x else { if case let .failure(e) = x { return .error(e.code) }; return .blank }
            guard case let .success(dn) = n else { if case let .failure(e) = n { return .error(e.code) }; return .blank }
            return .number(Self.round(dx, digits: Int(max(-20, min(20, dn)).rounded(.towardZero))))
        case "IF":
            guard (2...3).contains(args.count) else { failure = "IF 参数个数不对 / IF takes two or three arguments"; return .blank }
            switch Self.truth(eval(args[0])) {
            case let .failure(e): return .error(e.code)
            case let .success(t):
                if t { return eval(args[1]) }
                return args.count == 3 ? eval(args[2]) : .bool(false)
            }
        case "IFERROR":
            guard args.count == 2 else { failure = "IFERROR 参数个数不对 / IFERROR takes two arguments"; return .blank }
            let v = eval(args[0])
            if case .error = v { return eval(args[1]) }
            return v
        default:
            failure = "函数 \(name) 不受支持 / function \(name) is not supported"; return .blank
        }
    }

    /// Excel's ROUND: half away from zero, on the number as Excel shows it (15 digits), so that
    /// ROUND(1.005, 2) is 1.01 as in Excel.
    static func round(_ x: Double, digits: Int) -> Double {
        let d = max(-15, min(15, digits))
        let p = pow(10.0, Double(abs(d)))
        if d >= 0 { return excelPrecision(excelPrecision(x * p).rounded(.toNearestOrAwayFromZero) / p) }
        return excelPrecision((x / p).rounded(.toNearestOrAwayFromZero) * p)
    }
}
