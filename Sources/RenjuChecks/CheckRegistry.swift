import Foundation
import RenjuModel
import RenjuReference

/// The built-in checks, in the order they run.
public enum CheckRegistry {
    public static let builtIn: [any Check] = [
        UnitCodeCheck(), CompletenessCheck(), RangeCheck(), IdentityCheck(), AggregateCheck(), TemporalCheck(),
        TargetCheck(), SignOffCheck(), HBCheck(), PeerScoreCheck(), DuplicateRowsCheck(), DigitsCheck(),
        RatioCheck(), PaceCheck(), RepeatCheck(), UniformityCheck(), HeapingCheck(), InflationCheck(), LineageCheck(), RepetitionShareCheck(), AssessmentCheck(), AlikeCheck(),
    ]

    /// Every rule id a built-in check or a reader can report.
    public static var knownRules: Set<RuleID> {
        Set(descriptors.map(\.id))
    }

    /// Every built-in rule, the readers' first: what `rules.yaml` may configure.
    /// Each described: in its own words, or its check's (`Check.explanation`), or the reader's.
    public static let descriptors: [RuleDescriptor] =
        readingRules.map { $0.describedBy(Message(zh: "读取文件时发现的问题：文件、工作表或单元格本身有误，数据未能按原样读出。",
                                                  en: "A problem met while reading the file: the file, a sheet or a cell is not as a form should be, so a figure could not be read as written.")) }
        + builtIn.flatMap { check in check.rules.map { $0.describedBy(check.explanation) } }

    /// Each built-in rule's default severity, from its descriptor.
    static let severities: [RuleID: Severity] = Dictionary(descriptors.map { ($0.id, $0.severity) }, uniquingKeysWith: { a, _ in a })

    /// The default severity of a built-in rule (an error for an id no descriptor declares, which
    /// `RuleDescriptorTests` keeps from happening).
    public static func defaultSeverity(of id: RuleID) -> Severity { severities[id] ?? .error }

    /// The built-in checks and the user's rules of the reference data.
    public static func checks(for reference: ReferenceData) -> [any Check] {
        builtIn + reference.checks.userRules.map { UserRuleCheck($0) as any Check }
    }

    /// Rule ids reported by the readers (not by a check value).
    public static let readingRules: [RuleDescriptor] = [
        RuleDescriptor(.unreadableFile, .error, Message(zh: "文件无法读取", en: "File cannot be read")),
        RuleDescriptor(.notANumber, .error, Message(zh: "不是数值", en: "Not a number")),
        RuleDescriptor(.excelError, .error, Message(zh: "Excel 错误值", en: "Excel error value")),
        RuleDescriptor(.formulaNoValue, .error, Message(zh: "公式没有计算结果", en: "Formula without a value")),
        RuleDescriptor(.duplicateUnit, .error, Message(zh: "同一单位出现两次", en: "Unit listed twice")),
        RuleDescriptor(.duplicateValue, .error, Message(zh: "同一指标填了两个值", en: "Indicator given twice")),
        RuleDescriptor(.badCode, .error, Message(zh: "区划代码无效", en: "Invalid division code")),
        RuleDescriptor(.noPeriod, .error, Message(zh: "找不到报告期", en: "No reporting period")),
        RuleDescriptor(.unknownColumn, .warning, Message(zh: "未知的列", en: "Unknown column")),
        RuleDescriptor(.unknownIndicator, .warning, Message(zh: "未知的指标", en: "Unknown indicator")),
        RuleDescriptor(.noTable, .warning, Message(zh: "文件中没有数据表", en: "No table in the file")),
        RuleDescriptor(.encoding, .error, Message(zh: "文件编码无法可靠识别", en: "Text encoding cannot be told reliably")),
        RuleDescriptor(.csvQuote, .error, Message(zh: "CSV 引号没有闭合", en: "Unterminated CSV quote")),
        RuleDescriptor(.cellTooLong, .error, Message(zh: "单元格内容过长", en: "Cell too long")),
        RuleDescriptor(.formulaStale, .warning, Message(zh: "公式结果与保存的值不符", en: "Formula result differs from the saved value")),
        RuleDescriptor(.formulaNotRecomputed, .info, Message(zh: "公式未能复算", en: "Formula not recomputed")),
        RuleDescriptor(.missingSheet, .error, Message(zh: "工作表无法找到", en: "Sheet missing from the package")),
        RuleDescriptor(.unsupportedFile, .error, Message(zh: "文件格式不受支持", en: "Unsupported file format")),
        RuleDescriptor(.passwordProtected, .error, Message(zh: "文件设有密码", en: "Password-protected file")),
        RuleDescriptor(.skippedFile, .info, Message(zh: "文件夹中的非数据文件", en: "Not a data file")),
        RuleDescriptor(.dateValue, .error, Message(zh: "应填代码或数值处是日期", en: "A date where a code or figure belongs")),
        RuleDescriptor(.conflictingValue, .error, Message(zh: "同一数据在两处不一致", en: "Same figure given differently in two places")),
        RuleDescriptor(.historyConflict, .warning, Message(zh: "历史数据在两处不一致", en: "History given differently in two places")),
        RuleDescriptor(.givenTwice, .info, Message(zh: "同一数据重复提供", en: "Same figures given twice")),
        RuleDescriptor(.periodNotEnded, .warning, Message(zh: "报告期尚未结束", en: "Period not ended")),
    ]
}

/// An explanation (说明) naming a rule no check reports: refused, since a typo would leave the
/// warning it meant to explain unexplained without a word.
public struct UnknownExplainedRule: UserFacingError, CustomStringConvertible {
    public let explanation: Explanation
    public let suggestion: RuleID?
    public var description: String {
        let at = explanation.source?.description ?? "说明"
        let hint = suggestion.map { " — did you mean “\($0)”?" } ?? ""
        return "\(at): 说明中的规则“\(explanation.rule ?? "")”不存在 / no rule “\(explanation.rule ?? "")”\(hint) (`renju rules` lists them; a category such as temporal is allowed)"
    }
    public var userMessage: Message {
        let at = explanation.source?.description ?? "说明"
        let rule = explanation.rule ?? ""
        return Message(zh: "\(at)：说明中的规则“\(rule)”不存在\(suggestion.map { "，是否指“\($0)”？" } ?? "")（renju rules 列出全部规则；也可写类别，如 temporal）",
                       en: "\(at): no rule “\(rule)”\(suggestion.map { " — did you mean “\($0)”?" } ?? "") (`renju rules` lists them; a category such as temporal is allowed)")
    }
}

extension CheckRegistry {
    /// Every rule an explanation may name: the built-in rules, the user's rules, and the categories.
    public static func verify(_ explanations: [Explanation], reference: ReferenceData) throws {
        let ids = descriptors.map(\.id) + reference.checks.userRules.map(\.id)
        let names = Set(ids.map(\.description) + RuleCategory.allCases.map(\.rawValue))
        for e in explanations {
            guard let r = e.rule?.trimmingCharacters(in: .whitespaces), !r.isEmpty, !names.contains(r) else { continue }
            let near = ids.min { editDistance($0.description, r) < editDistance($1.description, r) }
            throw UnknownExplainedRule(explanation: e, suggestion: near.flatMap { editDistance($0.description, r) <= 3 ? $0 : nil })
        }
    }
}
