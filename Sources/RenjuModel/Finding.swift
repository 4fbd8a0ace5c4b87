import Foundation

/// Severity as on the national statistical reporting platform.
public enum Severity: String, Sendable, Comparable, CaseIterable, Codable {
    /// 提示 — for the analyst.
    case info
    /// 核实性 — must be confirmed; a written explanation (说明) clears it.
    case warning
    /// 强制性 — must be fixed before reporting upward.
    case error

    public var rank: Int { switch self { case .info: 0; case .warning: 1; case .error: 2 } }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }

    public func label(_ lang: Language) -> String {
        switch (self, lang) {
        case (.error, .zh): return "错误"
        case (.warning, .zh): return "核实"
        case (.info, .zh): return "提示"
        case (.error, .en): return "error"
        case (.warning, .en): return "warning"
        case (.info, .en): return "info"
        }
    }
}

/// The category of a rule: the part of `category.name` before the dot.
public enum RuleCategory: String, Sendable, CaseIterable, Codable {
    case format, completeness, range, identity, aggregate, temporal, target, outlier, duplicate, digits, signoff
}

/// A rule id of the form `category.name`.
public struct RuleID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let category: RuleCategory
    public let name: String

    public init(_ category: RuleCategory, _ name: String) { self.category = category; self.name = name }

    /// Parses `category.name`; nil for an unknown category or a malformed id.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let c = RuleCategory(rawValue: parts[0]), !parts[1].isEmpty,
              parts[1].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        category = c; name = parts[1]
    }

    public var description: String { "\(category.rawValue).\(name)" }
    public static func < (a: RuleID, b: RuleID) -> Bool { a.description < b.description }
}

/// A message in both languages.
public struct Message: Hashable, Sendable {
    public let zh: String
    public let en: String
    public init(zh: String, en: String) { self.zh = zh; self.en = en }
    public func text(_ lang: Language) -> String { lang == .zh ? zh : en }
}

/// One figure an error localisation suggests changing, and to what where the rules determine it.
public struct SuggestedChange: Sendable, Equatable {
    public let indicator: IndicatorID
    /// The value the rules leave, when they leave exactly one.
    public let value: Double?
    /// Else the range they leave, when it is narrow (843–844).
    public let low: Double?
    public let high: Double?
    public init(indicator: IndicatorID, value: Double?, low: Double? = nil, high: Double? = nil) {
        self.indicator = indicator; self.value = value; self.low = low; self.high = high
    }
}

/// Something a check found.
public struct Finding: Sendable {
    public var rule: RuleID
    public var severity: Severity
    public var unit: UnitCode?
    public var unitName: String?
    public var period: Period?
    public var indicator: IndicatorID?
    /// The 序号 of the imported 审核公式 the finding breaks (the prefecture's own numbering), if any.
    public var ruleRef: String?
    public var value: Double?
    public var expected: Double?
    public var message: Message
    public var source: SourceRef?
    public var explained: Bool
    public var explanation: String?
    /// Selective editing (warnings): how much of the county's figure this finding puts in doubt,
    /// in percentage points (0–100) — the unit's share of the county total of the indicator (its
    /// households where the finding names none) times how far the figure is from what was expected
    /// (1 where nothing is expected). Nil for errors and infos.
    public var score: Double?
    /// Error localisation (Fellegi–Holt): the unit's cheapest set of figures that, changed, lets
    /// every error rule hold — each with the value the rules then fix, or nil where they leave it
    /// open. A suggestion: Renju never changes a figure. The same on every error of the unit.
    public var fix: [SuggestedChange]?
    /// The suggestion as the reports show it (建议修改：通村公路硬化率 → 92.31), or why a unit with
    /// errors has none (the search's time limit, rules it cannot model).
    public var fixMessage: Message?

    public init(rule: RuleID, severity: Severity, unit: UnitCode?, unitName: String? = nil, period: Period?,
                indicator: IndicatorID? = nil, value: Double? = nil, expected: Double? = nil,
                message: Message, source: SourceRef? = nil) {
        self.rule = rule; self.severity = severity; self.unit = unit; self.unitName = unitName
        self.period = period; self.indicator = indicator; self.value = value; self.expected = expected
        self.message = message; self.source = source; self.explained = false; self.explanation = nil; self.score = nil
    }

    /// Open: not cleared by an explanation.
    public var isOpen: Bool { !explained }
}

/// Counts for the report's summary line.
public struct FindingSummary: Sendable, Equatable {
    public var units = 0
    public var errors = 0
    public var warnings = 0
    public var explained = 0
    public var infos = 0

    public init(units: Int, findings: [Finding]) {
        self.units = units
        for f in findings {
            if f.explained { explained += 1; continue }
            switch f.severity {
            case .error: errors += 1
            case .warning: warnings += 1
            case .info: infos += 1
            }
        }
    }
}

/// The built-in rule ids, shared by the readers (which find `format.*` problems) and the checks.
extension RuleID {
    public static let unreadableFile = RuleID(.format, "unreadable_file")
    public static let notANumber = RuleID(.format, "not_a_number")
    public static let excelError = RuleID(.format, "excel_error")
    public static let formulaNoValue = RuleID(.format, "formula_no_value")
    public static let duplicateUnit = RuleID(.format, "duplicate_unit")
    public static let duplicateValue = RuleID(.format, "duplicate_value")
    public static let unknownUnit = RuleID(.format, "unknown_unit")
    public static let badCode = RuleID(.format, "bad_code")
    public static let noPeriod = RuleID(.format, "no_period")
    public static let nameMismatch = RuleID(.format, "name_mismatch")
    public static let unknownColumn = RuleID(.format, "unknown_column")
    public static let unknownIndicator = RuleID(.format, "unknown_indicator")
    public static let noTable = RuleID(.format, "no_table")
    public static let encoding = RuleID(.format, "encoding")
    public static let csvQuote = RuleID(.format, "csv_quote")
    public static let cellTooLong = RuleID(.format, "cell_too_long")
    public static let formulaStale = RuleID(.format, "formula_stale")
    public static let formulaNotRecomputed = RuleID(.format, "formula_not_recomputed")
    public static let missingSheet = RuleID(.format, "missing_sheet")
    public static let unsupportedFile = RuleID(.format, "unsupported_file")
    public static let passwordProtected = RuleID(.format, "password_protected")
    public static let skippedFile = RuleID(.format, "skipped_file")
    public static let conflictingValue = RuleID(.format, "conflicting_value")
    public static let dateValue = RuleID(.format, "date_value")
    public static let historyConflict = RuleID(.format, "history_conflict")
    public static let givenTwice = RuleID(.format, "given_twice")
    public static let periodNotEnded = RuleID(.format, "period_not_ended")
}

/// An error as a user reads it: what went wrong (and what to do), in both languages. Every error
/// a front end may show conforms — the application's, the desk's, the store's, the reference
/// loaders', the workbook writer's — and the front end picks the language.
public protocol UserFacingError: Error, Sendable {
    var userMessage: Message { get }
}

extension Message {
    /// What to tell a user of any error: its own words when it is a `UserFacingError`; a system
    /// error's description (a file that does not open); otherwise that something went wrong
    /// inside, with the error's kind — never a raw dump of its fields.
    public static func of(_ error: any Error) -> Message {
        if let e = error as? any UserFacingError { return e.userMessage }
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain {
            return Message(zh: ns.localizedDescription, en: ns.localizedDescription)
        }
        let kind = String(describing: type(of: error))
        return Message(zh: "内部错误（\(kind)）", en: "internal error (\(kind))")
    }

    /// Both languages in one line (the command line's default: Chinese, then English).
    public var bilingual: String { zh == en ? zh : "\(zh) / \(en)" }
}

/// A figure Renju filled in (`--impute`): never silent, never mistaken for a reported one.
public struct ImputedFigure: Sendable, Equatable {
    /// How the value was found, in the order tried.
    public enum Method: String, Sendable {
        /// The error rules leave exactly one value (a rate from its parts, a total from its children).
        case deterministic
        /// Last period's figure times the peers' median change (ratio imputation).
        case ratio
        /// The most similar unit of the same parent, scaled by size (donor imputation).
        case donor
        /// Last period's figure plus the change since the period before (the unit's own trend).
        case trend
        /// The units' figures scaled so that they add up to their parent's total, which the county trusts.
        case prorate
        /// A unit that did not report: last period's figure × the median change of those that did.
        case unreported

        /// The methods one may choose for a figure in rules.yaml (`imputation:`), in words there.
        public static let choosable: [Method] = [.deterministic, .ratio, .trend, .donor]
        public var chinese: String {
            switch self {
            case .deterministic: return "规则确定"
            case .ratio: return "比率（上期 × 同级中位变动）"
            case .trend: return "趋势（上期 + 上期较前期的变动）"
            case .donor: return "近邻单位"
            case .prorate: return "按上级合计比例分摊"
            case .unreported: return "未报单位按上期推算"
            }
        }
    }
    public let unit: UnitCode
    public let indicator: IndicatorID
    public let value: Double
    /// What was reported (nil for a blank).
    public let reported: Double?
    public let method: Method
    /// The rule (deterministic), the peers' median ratio (ratio) or the donor unit (donor), as words.
    public let basis: Message
    public init(unit: UnitCode, indicator: IndicatorID, value: Double, reported: Double?, method: Method, basis: Message) {
        self.unit = unit; self.indicator = indicator; self.value = value; self.reported = reported; self.method = method; self.basis = basis
    }
}
