import Foundation

/// Text normalisation shared by every stage: full-width to half-width, trimmed.
public enum TextNormalizer {
    /// NFKC folds full-width digits, letters and punctuation (`１２３４．５`, `（户）`, `：`) to ASCII.
    public static func fold(_ s: String) -> String {
        s.precomposedStringWithCompatibilityMapping.trimmingCharacters(in: .whitespacesAndNewlines.union(.controlCharacters))
    }

    /// A key for matching headers and names: folded, without blanks and quote marks.
    public static func key(_ s: String) -> String {
        let folded = fold(s).lowercased()
        let drop: Set<Character> = [" ", "\t", "\"", "'", "“", "”", "‘", "’", "「", "」", "\u{3000}", "\u{00A0}"]
        return String(folded.filter { !drop.contains($0) })
    }
}

/// Shortest decimal spelling of a number: `12.5`, `3`, `0` (SPEC §5, content digest).
public func shortestDecimal(_ x: Double) -> String {
    if x == 0 { return "0" }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
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
    return Double(String(format: "%.15g", x)) ?? x
}
