import Foundation

/// Numbers as clerks type them, read from text that has already been folded (full-width to
/// half-width): plain decimals on a fast path, thousands separators, a sign, a trailing `%`.
/// Shared by the form reader and the reference-data loaders.
public enum NumberText {

    /// A plain ASCII decimal as most cells hold (`1234`, `-12.5`), without any folding; nil for
    /// anything else (blanks, full-width digits, separators, exponents, `nan`…).
    @inlinable
    public static func plain(_ s: String) -> Double? {
        var t = s
        return t.withUTF8 { plainDecimal($0) } ?? plainLong(s)
    }

    /// A plain decimal of at most 15 digits (`-12.5`, `3`), exactly as a full parse would read
    /// it; nil for anything else. (Read through its contiguous bytes: one parser for every caller.)
    @inlinable
    public static func plainDecimal<C: Collection>(_ bytes: C) -> Double? where C.Element == UInt8 {
        if let v = bytes.withContiguousStorageIfAvailable({ plainDecimal($0) }) { return v }
        return Array(bytes).withUnsafeBufferPointer { plainDecimal($0) }
    }

    /// `plainDecimal` on bytes where they lie (a CSV field as the scanner hands it over, 25 million
    /// a national quarter): a sign, then the integer digits, then a point and the fraction's, each
    /// part a tight loop of its own. At most 15 digits fit a double exactly, as does 10^k for
    /// k ≤ 15, so one division gives the correctly rounded value (Clinger's fast path).
    @inlinable
    public static func plainDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let p = bytes.baseAddress, !bytes.isEmpty else { return nil }
        let n = bytes.count
        var i = 0, negative = false
        if p[0] == 0x2D || p[0] == 0x2B { negative = p[0] == 0x2D; i = 1 }
        var m: UInt64 = 0
        let start = i
        while i < n {
            let d = p[i] &- 0x30
            if d > 9 { break }
            m = m &* 10 &+ UInt64(d); i += 1
        }
        var digits = i - start, frac = 0
        if i < n {
            guard p[i] == 0x2E else { return nil }
            i += 1
            let fracStart = i
            while i < n {
                let d = p[i] &- 0x30
                guard d <= 9 else { return nil }
                m = m &* 10 &+ UInt64(d); i += 1
            }
            frac = i - fracStart; digits += frac
        }
        // (More than 15 digits may have wrapped `m`: such a text is not a plain decimal here.)
        guard digits > 0, digits <= 15 else { return nil }
        let v = frac == 0 ? Double(m) : Double(m) / powerOfTen(frac)
        return negative ? -v : v
    }

    /// 10^k for 1 ≤ k ≤ 15, exact (a fraction's digits), without the shared table's lazy start.
    @inlinable @inline(__always)
    static func powerOfTen(_ k: Int) -> Double {
        switch k {
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        default: return 1e15
        }
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
