import Foundation
import RenjuModel
import RenjuText

/// What a cell means for an indicator.
public enum CellReading: Equatable, Sendable {
    case value(Double)
    case blank
    case notANumber(String)
    case excelError(String)
    case formulaWithoutValue(String)
}

/// Normalises messy real-world cells (SPEC §4): `1,234`, full-width digits and punctuation
/// (`１２３４．５`), surrounding spaces, a trailing `%` on rates, `是/否` and `1/0` on flags;
/// `—`, `-`, `/`, `－`, `无` (in a figure's cell) and empty mean no value — what the blank means
/// (required, zero, not applicable) is the catalog's `blank:`.
public enum CellParser {
    static let blanks: Set<String> = ["", "-", "—", "——", "–", "/", "--", "－", "无数据"]
    static let yes: Set<String> = ["是", "有", "y", "yes", "true", "√", "✓"]
    static let no: Set<String> = ["否", "无", "n", "no", "false", "×"]

    public static func read(_ cell: RawCell?, kind: IndicatorKind) -> CellReading {
        read(cell, flag: kind.isFlag, percent: kind.isRate)
    }

    /// Reads a cell for a flag (`是/否`) or a rate (a trailing `%`) or any other figure.
    public static func read(_ cell: RawCell?, flag: Bool, percent: Bool) -> CellReading {
        guard let cell else { return .blank }
        switch cell {
        case let .number(d):
            return .value(excelPrecision(d))
        case let .bool(b):
            return flag ? .value(b ? 1 : 0) : .notANumber(b ? "TRUE" : "FALSE")
        case let .error(e):
            return .excelError(e)
        case let .formulaWithoutValue(f):
            return .formulaWithoutValue(f)
        case let .text(t):
            return read(text: t, flag: flag, percent: percent)
        }
    }

    public static func read(text raw: String, kind: IndicatorKind) -> CellReading {
        read(text: raw, flag: kind.isFlag, percent: kind.isRate)
    }

    public static func read(text raw: String, flag: Bool, percent: Bool) -> CellReading {
        if let d = plainNumber(raw) { return .value(d) }
        let folded = TextNormalizer.fold(raw)
        // 无 is a blank in a figure's cell (a published table's "none") and 否 in a yes/no cell.
        if blanks.contains(folded) || (!flag && folded == "无") { return .blank }
        if folded.hasPrefix("#"), folded.count <= 16, folded.hasSuffix("!") || folded.hasSuffix("?") || folded == "#N/A" {
            return .excelError(folded)
        }
        if flag {
            let l = folded.lowercased()
            if yes.contains(l) { return .value(1) }
            if no.contains(l) { return .value(0) }
        }
        if let d = number(folded, allowPercent: percent) { return .value(d) }
        return .notANumber(raw)
    }

    /// A plain ASCII decimal (`1234`, `-12.5`), the fast path of every cell.
    @inline(__always) static func plainNumber(_ s: String) -> Double? { NumberText.plain(s) }

    /// A plain number with optional thousands separators, sign and (for rates) a trailing `%`.
    public static func number(_ folded: String, allowPercent: Bool = false) -> Double? { NumberText.number(folded, allowPercent: allowPercent) }
}
