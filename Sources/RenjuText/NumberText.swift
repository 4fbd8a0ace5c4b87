import Foundation

/// Numbers as clerks type them, read from text that has already been folded (full-width to
/// half-width): plain decimals on a fast path, thousands separators, a sign, a trailing `%`.
/// Shared by the form reader and the reference-data loaders.
public enum NumberText {
    @usableFromInline static let powersOfTen: [Double] = (0...22).map { (0..<$0).reduce(1.0) { p, _ in p * 10 } }

    /// A plain ASCII decimal as most cells hold (`1234`, `-12.5`), without any folding; nil for
    /// anything else (blanks, full-width digits, separators, exponents, `nan`…).
    @inlinable
    public static func plain(_ s: String) -> Double? {
        var t = s
        return t.withUTF8 { plainDecimal($0) } ?? plainLong(s)
    }

    /// A plain decimal of at most 15 digits (`-12.5`, `3`), exactly as a full parse would read
    /// it; nil for anything else.
    @inlinable
    public static func plainDecimal<C: Collection>(_ bytes: C) -> Double? where C.Element == UInt8 {
        var digits = 0, dots = 0, i = 0, frac = 0
        var m: UInt64 = 0, negative = false
        for b in bytes {
            if b >= 0x30 && b <= 0x39 {
                digits += 1
                if digits > 15 { return nil }
                m = m &* 10 &+ UInt64(b - 0x30); if dots == 1 { frac += 1 }
            } else if b == 0x2E { dots += 1; if dots > 1 { return nil } }
            else if (b == 0x2D || b == 0x2B) && i == 0 { negative = b == 0x2D }
            else { return nil }
            i += 1
        }
        guard digits > 0 else { return nil }
        // Exact fast path (Clinger): at most 15 digits fit a double exactly, as does 10^k for
        // k ≤ 22, so one division gives the correctly rounded value.
        let v = frac == 0 ? Double(m) : Double(m) / powersOfTen[frac]
        return negative ? -v : v
    }

    /// A plain decimal of more than 15 digits, by the full parser.
    @inlinable
    public static func plainLong(_ s: String) -> Double? {
        var digits = 0, dots = 0, i = 0
        for b in s.utf8 {
            if b >= 0x30 && b <= 0x39 { digits += 1 }
            else if b == 0x2E { dots += 1 }
            else if !((b == 0x2D || b == 0x2B) && i == 0) { return nil }
            i += 1
        }
        guard digits > 15, dots <= 1, digits <= 300, let d = Double(s), d.isFinite else { return nil }
        return d
    }

    /// A plain number with optional thousands separators, sign and (for rates) a trailing `%`.
    public static func number(_ folded: String, allowPercent: Bool = false) -> Double? {
        // Fast path: a plain decimal (digits, one point, a leading sign) — what almost every cell is.
        if let d = plain(folded) { return d }
        var s = folded.replacingOccurrences(of: " ", with: "")
        if allowPercent, s.hasSuffix("%") { s.removeLast() }
        guard !s.isEmpty else { return nil }
        // Thousands separators: only in the integer part, in groups of three.
        if s.contains(",") {
            let intPart = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? s
            let groups = intPart.trimmingCharacters(in: CharacterSet(charactersIn: "+-")).split(separator: ",", omittingEmptySubsequences: false)
            guard groups.count > 1, let first = groups.first, (1...3).contains(first.count),
                  groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
            s = s.replacingOccurrences(of: ",", with: "")
        }
        guard s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E") }),
              let d = Double(s), d.isFinite else { return nil }
        return d
    }
}
