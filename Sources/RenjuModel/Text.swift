import Foundation

/// Text normalisation shared by every stage: full-width to half-width, trimmed.
public enum TextNormalizer {
    /// NFKC folds full-width digits, letters and punctuation (`１２３４．５`, `（户）`, `：`) to ASCII.
    public static func fold(_ s: String) -> String {
        if isFoldedAlready(s) { return s }
        // Fast path: plain ASCII needs no Unicode normalisation, only trimming.
        var ascii = true
        for b in s.utf8 where b >= 0x80 { ascii = false; break }
        if ascii {
            let u = s.utf8
            guard let first = u.firstIndex(where: { $0 > 0x20 && $0 != 0x7F }) else { return "" }
            guard let last = u.lastIndex(where: { $0 > 0x20 && $0 != 0x7F }) else { return "" }
            if first == u.startIndex && last == u.index(before: u.endIndex) { return s }
            return String(s[first...last])
        }
        if isNFKCStable(s) {
            // ASCII and common CJK ideographs only: NFKC leaves them as they are; trim ASCII blanks.
            let u = s.utf8
            guard let first = u.firstIndex(where: { $0 > 0x20 && $0 != 0x7F }) else { return "" }
            guard let last = u.lastIndex(where: { $0 > 0x20 && $0 != 0x7F }) else { return "" }
            if first == u.startIndex && last == u.index(before: u.endIndex) { return s }
            return String(s[first...last])
        }
        if let t = foldedByTable(s) { return t }
        return foldedByFoundation(s)
    }

    /// NFKC by Foundation, then trimmed: what `fold` gives for any text.
    static func foldedByFoundation(_ s: String) -> String {
        s.precomposedStringWithCompatibilityMapping.trimmingCharacters(in: Self.trimmed)
    }

    /// Text of printable ASCII, tabs, CJK ideographs, full-width ASCII forms (U+FF01–U+FF5E:
    /// `（户）`, `１２`, `：`) and the ideographic space, folded without Foundation — a form's
    /// titles are mostly such text, and Foundation's NFKC took microseconds a title. NFKC maps
    /// exactly those full-width forms to the ASCII characters they stand for and the ideographic
    /// space to a space, and leaves the rest as it is; the ends are then trimmed as `fold` trims.
    /// Nil for any other text.
    static func foldedByTable(_ s: String) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for v in s.unicodeScalars {
            let x = v.value
            if x < 0x80 {
                if x < 0x20 && x != 0x09 { return nil }
                out.append(UInt8(x))
            } else if x >= 0xFF01 && x <= 0xFF5E {
                out.append(UInt8(x - 0xFF01 + 0x21))
            } else if x == 0x3000 {
                out.append(0x20)
            } else if (0x4E00...0x9FFF).contains(x) || (0x3400...0x4DBF).contains(x) {
                out.append(contentsOf: String(v).utf8)
            } else {
                return nil
            }
        }
        guard let first = out.firstIndex(where: { $0 > 0x20 && $0 != 0x7F }),
              let last = out.lastIndex(where: { $0 > 0x20 && $0 != 0x7F }) else { return "" }
        return String(decoding: out[first...last], as: UTF8.self)
    }

    /// Whether every scalar is printable ASCII, a tab, or a CJK unified ideograph (U+3400–U+4DBF,
    /// U+4E00–U+9FFF): text NFKC does not change and whose only blanks are ASCII.
    /// Whether `fold` gives the text back as it is, told in one pass over its bytes: printable
    /// ASCII, tabs and CJK ideographs (U+3400–U+4DBF, U+4E00–U+9FFF, which NFKC leaves alone), and
    /// no blank or control character at either end. A division's name, level and code, a row's
    /// name: almost every text a national quarter folds. False says only "not this fast way".
    static func isFoldedAlready(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { b in
            guard let first = b.first, let last = b.last, first > 0x20, first != 0x7F, last > 0x20, last != 0x7F else { return false }
            var i = 0
            let n = b.count
            while i < n {
                let x = b[i]
                if x < 0x80 {
                    guard x >= 0x20 && x != 0x7F || x == 0x09 else { return false }
                    i += 1
                    continue
                }
                // Three bytes: E3 90–BF (U+3400–U+3FFF), E4 80–B6 (U+4000–U+4DBF) or E4 B8–BF
                // (U+4E00–U+4FFF), E5–E9 80–BF (U+5000–U+9FFF); the third byte any continuation.
                guard i + 2 < n, b[i + 2] & 0xC0 == 0x80 else { return false }
                let y = b[i + 1]
                switch x {
                case 0xE3: guard y >= 0x90 && y <= 0xBF else { return false }
                case 0xE4: guard y >= 0x80 && y <= 0xBF && y != 0xB7 else { return false }
                case 0xE5...0xE9: guard y >= 0x80 && y <= 0xBF else { return false }
                default: return false
                }
                i += 3
            }
            return true
        }
    }

    static func isNFKCStable(_ s: String) -> Bool {
        for v in s.unicodeScalars {
            let x = v.value
            if x < 0x80 { if x < 0x20 && x != 0x09 { return false }; continue }
            if (0x4E00...0x9FFF).contains(x) || (0x3400...0x4DBF).contains(x) { continue }
            return false
        }
        return true
    }

    /// `fold(s)`, or nil when that is blank (`isBlank`), in one pass for text of ASCII and CJK
    /// ideographs (a name on a form's row, read for every unit of a national quarter).
    public static func foldedUnlessBlank(_ s: String) -> String? {
        if isFoldedAlready(s) { return s }
        if isNFKCStable(s) {
            // What `fold` gives such text: trimmed of ASCII blanks; blank only when nothing is left.
            let u = s.utf8
            guard let first = u.firstIndex(where: { $0 > 0x20 && $0 != 0x7F }),
                  let last = u.lastIndex(where: { $0 > 0x20 && $0 != 0x7F }) else { return nil }
            if first == u.startIndex && last == u.index(before: u.endIndex) { return s }
            return String(s[first...last])
        }
        let folded = fold(s)
        return isBlank(folded) ? nil : folded
    }

    /// Whether text is empty once folded (blanks, control characters, full-width spaces).
    public static func isBlank(_ s: String) -> Bool {
        for b in s.utf8 {
            if b > 0x20 && b < 0x7F { return false }
            if b >= 0x80 { return fold(s).isEmpty }
        }
        return true
    }

    static let trimmed = CharacterSet.whitespacesAndNewlines.union(.controlCharacters)

    /// A key for matching headers and names: folded, without blanks and quote marks.
    public static func key(_ s: String) -> String {
        // ASCII and CJK ideographs (as written, or once full-width forms are folded by the table):
        // bytes dropped and lower-cased without a look at each character's properties.
        if isNFKCStable(s) { return asciiCJKKey(s) }
        if let folded = foldedByTable(s) { return asciiCJKKey(folded) }
        return keyByFoundation(s)
    }

    /// `key` of text of ASCII and CJK ideographs only: blanks, quotes and the control character
    /// DEL dropped (as `keyByFoundation` drops them), ASCII letters lower-cased.
    static func asciiCJKKey(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            if b == 0x20 || b == 0x09 || b == 0x22 || b == 0x27 || b == 0x7F { continue }
            out.append(b >= 0x41 && b <= 0x5A ? b + 0x20 : b)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `key` for any text, by Foundation's NFKC and each character's properties.
    static func keyByFoundation(_ s: String) -> String {
        let folded = foldedByFoundation(s).lowercased()
        // Line breaks (Alt+Enter in a header title, CRLF) and other blanks never tell titles apart.
        return String(folded.filter { ch in
            !keyDrop.contains(ch) && !ch.isWhitespace && !ch.unicodeScalars.contains { $0.properties.generalCategory == .control }
        })
    }

    static let keyDrop: Set<Character> = [" ", "\t", "\"", "'", "“", "”", "‘", "’", "「", "」", "\u{3000}", "\u{00A0}"]

    /// Whether Swift's shortest spelling of `x` has at most 15 significant digits and no exponent.
    static func shortEnough(_ d: String) -> Bool {
        var digits = 0, leading = true
        for c in d.utf8 {
            if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { return false }
            guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { continue }
            if leading && c == UInt8(ascii: "0") { continue }
            leading = false; digits += 1
        }
        return digits <= 15
    }
}

/// Text safe to print on a terminal: control characters (ESC sequences that recolour or rewrite
/// the screen, a carriage return that overwrites a line, C1 controls, DEL) and the bidirectional
/// overrides that reorder what is shown are written as `\u{1B}`; line breaks and tabs stay.
/// Everything a user gave (names, 说明, file names) passes through this before a terminal sees it.
public func terminalSafe(_ s: String) -> String {
    func unsafe(_ v: UInt32) -> Bool {
        (v < 0x20 && v != 0x0A && v != 0x09) || (0x7F...0x9F).contains(v)
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F
    }
    var clean = true
    for b in s.utf8 where (b < 0x20 && b != 0x0A && b != 0x09) || b == 0x7F || b == 0xC2 || b == 0xE2 { clean = false; break }
    if clean { return s }
    var out = ""
    for u in s.unicodeScalars {
        if unsafe(u.value) { out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}" } else { out.unicodeScalars.append(u) }
    }
    return out
}

/// Shortest decimal spelling of a number: `12.5`, `3`, `0` (SPEC §5, content digest).
public func shortestDecimal(_ x: Double) -> String {
    if x == 0 { return "0" }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    // Swift's shortest round-trip spelling is the answer whenever it has at most 15 significant
    // digits and no exponent (always so for figures read from files); else %.15g.
    if abs(x) >= 1e-4, abs(x) < 1e15 {
        let d = x.description
        if TextNormalizer.shortEnough(d) { return d }
    }
    var s = String(format: "%.15g", x)
    if s.contains("e") {
        // Fall back to Swift's shortest round-trip spelling for very large/small values.
        s = "\(x)"
    }
    if s.contains("."), !s.contains("e") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
    }
    return s
}

/// Rounds to 15 significant digits, as Excel displays numbers: 77.23999999999999 → 77.24.
public func excelPrecision(_ x: Double) -> Double {
    guard x.isFinite, x != 0 else { return x }
    // Most numbers already are what they look like: no formatting needed.
    if abs(x) < 1e15, x == roundedHalfAway(x) { return x }
    // Without formatting: x is the double nearest to m / 10^k for a whole m of at most 15 digits
    // (m / 10^k is then correctly rounded: m and 10^k are exact), so it already shows as itself.
    var p = 1.0
    for _ in 1...15 {
        p *= 10
        let y = x * p
        let m = abs(y) < 0x1p52 ? roundedHalfAway(y) : y.rounded()
        if abs(m) >= 1e15 { break }
        if m / p == x { return x }
    }
    if abs(x) >= 1e-4, abs(x) < 1e15, TextNormalizer.shortEnough(x.description) { return x }
    return Double(String(format: "%.15g", x)) ?? x
}

/// `y.rounded()` (to nearest, halves away from zero) for |y| < 2⁵², by the integer conversion the
/// processor does in one instruction rather than a call to the C library's `round` (a workbook's
/// every figure is held to Excel's 15 digits, several roundings each); zero comes back unsigned.
@inlinable @inline(__always)
public func roundedHalfAway(_ y: Double) -> Double {
    let t = Double(Int64(y))  // toward zero; exact below 2⁵²
    let f = y - t             // exact
    return f >= 0.5 ? t + 1 : f <= -0.5 ? t - 1 : t
}

/// Columns a text takes in a terminal: East Asian wide and fullwidth characters (汉字, fullwidth
/// punctuation, Hangul, kana) take two, combining marks none, everything else one.
public func displayWidth(_ s: String) -> Int {
    var w = 0
    for u in s.unicodeScalars {
        let v = u.value
        switch v {
        case 0x0300...0x036F, 0x200B...0x200F, 0xFE00...0xFE0F: continue
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            w += 2
        default:
            w += 1
        }
    }
    return w
}

/// The text padded with spaces to `width` terminal columns (never cut).
public func padded(_ s: String, to width: Int) -> String {
    let w = displayWidth(s)
    return w >= width ? s : s + String(repeating: " ", count: width - w)
}

/// Levenshtein distance, for "did you mean" in messages about misspelt keys.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    var row = Array(0...b.count)
    for i in 1...a.count {
        var prev = row[0]; row[0] = i
        for j in stride(from: 1, through: b.count, by: 1) {
            let cur = row[j]
            row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
            prev = cur
        }
    }
    return row[b.count]
}
