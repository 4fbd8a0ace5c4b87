import Foundation
import RenjuModel
import RenjuReference

/// The built-in checks, in the order they run.
public enum CheckRegistry {
    public static let builtIn: [any Check] = [
        UnitCodeCheck(), CompletenessCheck(), RangeCheck(), IdentityCheck(), AggregateCheck(), TemporalCheck(),
        TargetCheck(), SignOffCheck(), HBCheck(), PeerScoreCheck(), DuplicateRowsCheck(), DigitsCheck(),
    ]

    /// Every rule id a built-in check or a reader can report.
    public static var knownRules: Set<RuleID> {
        Set(descriptors.map(\.id))
    }

    /// Every built-in rule, the readers' first: what `rules.yaml` may configure.
    public static var descriptors: [RuleDescriptor] { readingRules + builtIn.flatMap(\.rules) }

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
        RuleDescriptor(.encoding, .error, Message(zh: "文件混用两种编码", en: "Mixed text encodings")),
        RuleDescriptor(.csvQuote, .error, Message(zh: "CSV 引号没有闭合", en: "Unterminated CSV quote")),
        RuleDescriptor(.cellTooLong, .error, Message(zh: "单元格内容过长", en: "Cell too long")),
        RuleDescriptor(.formulaStale, .warning, Message(zh: "公式结果与保存的值不符", en: "Formula result differs from the saved value")),
        RuleDescriptor(.formulaNotRecomputed, .info, Message(zh: "公式未能复算", en: "Formula not recomputed")),
        RuleDescriptor(.missingSheet, .error, Message(zh: "工作表无法找到", en: "Sheet missing from the package")),
        RuleDescriptor(.unsupportedFile, .error, Message(zh: "文件格式不受支持", en: "Unsupported file format")),
        RuleDescriptor(.passwordProtected, .error, Message(zh: "文件设有密码", en: "Password-protected file")),
        RuleDescriptor(.skippedFile, .info, Message(zh: "文件夹中的非数据文件", en: "Not a data file")),
        RuleDescriptor(.conflictingValue, .error, Message(zh: "同一数据在两处不一致", en: "Same figure given differently in two places")),
        RuleDescriptor(.historyConflict, .warning, Message(zh: "历史数据在两处不一致", en: "History given differently in two places")),
        RuleDescriptor(.givenTwice, .info, Message(zh: "同一数据重复提供", en: "Same figures given twice")),
        RuleDescriptor(.periodNotEnded, .warning, Message(zh: "报告期尚未结束", en: "Period not ended")),
    ]
}

/// The result of validating one period.
public struct ValidationResult: Sendable {
    public let period: Period?
    public let findings: [Finding]
    public let submissions: [Submission]
    public let history: Dataset
    public let unitsChecked: Int
    /// What each rule evaluated and skipped, as the checks counted it.
    public var tallies: [RuleID: RuleTally.Count] = [:]
    /// Files read (for the reading rules' counts).
    public var filesRead = 0

    /// Every rule that ran, in the order `renju rules` lists them: units evaluated, units with a
    /// finding, units skipped for a missing figure. Reading rules count files: read, with a finding.
    public func ruleSummaries(rules: [RuleID]) -> [RuleSummary] {
        var failedUnits: [RuleID: Set<UnitCode>] = [:]
        var failedFiles: [RuleID: Set<String>] = [:]
        for f in findings {
            if let u = f.unit { failedUnits[f.rule, default: []].insert(u) } else { failedFiles[f.rule, default: []].insert(f.source?.file ?? "") }
        }
        return rules.map { id in
            let t = tallies[id]
            let failed = (failedUnits[id]?.count ?? 0) + (failedFiles[id]?.count ?? 0)
            if id.category == .format && t == nil {
                return RuleSummary(rule: id, evaluated: max(filesRead, failed), failed: failed, skipped: 0)
            }
            return RuleSummary(rule: id, evaluated: max(t?.evaluated ?? 0, failed), failed: failed, skipped: t?.skipped ?? 0)
        }
    }

    public var summary: FindingSummary { FindingSummary(units: unitsChecked, findings: findings) }

    /// The same result with only the findings of `minimum` severity or above (what a report shows).
    public func keeping(minimum: Severity) -> ValidationResult {
        guard minimum > .info else { return self }
        var kept = ValidationResult(period: period, findings: findings.filter { $0.severity >= minimum }, submissions: submissions,
                                    history: history, unitsChecked: unitsChecked)
        kept.tallies = tallies; kept.filesRead = filesRead
        return kept
    }
    public var hasOpenError: Bool { findings.contains { $0.severity == .error && $0.isOpen } }
}

/// Runs every check over the input: the newest period (or `period`) is checked; earlier periods
/// are history, used as baselines.
public struct Validator: Sendable {
    public let reference: ReferenceData
    public let checks: [any Check]

    public init(reference: ReferenceData, checks: [any Check]? = nil) {
        self.reference = reference; self.checks = checks ?? CheckRegistry.checks(for: reference)
    }

    public func validate(submissions all: [Submission], fileFindings: [Finding] = [], explanations: [Explanation] = [],
                         signOffs: [SignOff] = [], period requested: Period? = nil, extraHistory: Dataset = Dataset(), asOf: CivilDate? = nil) -> ValidationResult {
        let period = requested ?? all.compactMap(\.period).max()
        let collector = FindingCollector(reference: reference)
        var findings: [Finding] = collector.admit(fileFindings)
        guard let period else {
            findings += collector.admit(all.flatMap(\.findings))
            return ValidationResult(period: nil, findings: sort(findings), submissions: [], history: Dataset(), unitsChecked: 0)
        }
        // Figures of a period that has not ended yet are provisional: said, once.
        if let asOf, asOf < period.endDate {
            findings += collector.admit([Finding(
                rule: .periodNotEnded, severity: .warning, unit: nil, period: period,
                message: Message(zh: "报告期 \(period) 到 \(period.endDate) 才结束（今天是 \(asOf)）：这些数据还不是期末数，请核实报告期是否填错",
                                 en: "The period \(period) ends on \(period.endDate) (today is \(asOf)): these are not end-of-period figures; check the period"))])
        }
        let current = all.filter { $0.period == period }
        var history = extraHistory
        var earlier: [Period: [PeriodValues]] = [:]
        for s in all { if let p = s.period, p < period { earlier[p, default: []].append(s.values) } }
        for (p, list) in earlier { history.merge(p, all: list) }
        for s in all {
            guard let p = s.period, p < period else { continue }
            // Problems in history files are told, but as information: they are not this period's to fix.
            // (Configured first, then lowered: rules.yaml never raises them back.)
            for var f in collector.admit(s.findings) where f.severity >= .warning {
                f.severity = .info
                f.message = Message(zh: "（历史数据 \(p)）" + f.message.zh, en: "(history \(p)) " + f.message.en)
                findings.append(f)
            }
        }
        findings += collector.admit(all.filter { $0.period == nil }.flatMap(\.findings))
        findings += collector.admit(current.flatMap(\.findings))
        let ctx = CheckContext(reference: reference, period: period, submissions: current, history: history, asOf: asOf,
                               signOffs: signOffs)
        findings += collector.admit(Self.run(checks, ctx).flatMap { $0 })
        var units = UnitIndex()
        for s in current { for row in s.rows { units.set(row.code, 0) } }
        // Fill in unit names the readers could not know.
        findings = findings.map { f in
            var g = f
            if g.unitName == nil, let u = g.unit { g.unitName = ctx.name(of: u) }
            return g
        }
        findings = Self.explain(findings, with: explanations.filter { $0.period == nil || $0.period == period })
        var result = ValidationResult(period: period, findings: sort(findings), submissions: current,
                                      history: history, unitsChecked: units.count)
        result.tallies = ctx.tally.snapshot
        return result
    }

    /// Runs the checks side by side (each check only reads the context), results in check order.
    static func run(_ checks: [any Check], _ ctx: CheckContext) -> [[Finding]] {
        checks.concurrentMap { $0.run(ctx) }
    }

    /// Marks warnings that a written explanation (说明) covers as explained. An explanation never
    /// clears an error: its text is shown beside the error, which stays open.
    static func explain(_ findings: [Finding], with explanations: [Explanation]) -> [Finding] {
        guard !explanations.isEmpty else { return findings }
        return findings.map { f in
            guard f.severity != .info, let e = explanations.first(where: { $0.covers(f) }) else { return f }
            var g = f
            g.explanation = e.text
            if f.severity == .warning { g.explained = true }
            return g
        }
    }

    func sort(_ fs: [Finding]) -> [Finding] {
        fs.enumerated().sorted { a, b in
            let x = a.element, y = b.element
            if x.unit != y.unit { return (x.unit?.rawValue ?? "") < (y.unit?.rawValue ?? "") }
            if x.severity != y.severity { return x.severity > y.severity }
            if x.rule != y.rule { return x.rule < y.rule }
            if x.indicator != y.indicator { return (x.indicator?.rawValue ?? "") < (y.indicator?.rawValue ?? "") }
            return a.offset < b.offset
        }.map(\.element)
    }
}

/// An explanation (说明) naming a rule no check reports: refused, since a typo would leave the
/// warning it meant to explain unexplained without a word.
public struct UnknownExplainedRule: Error, CustomStringConvertible, Sendable {
    public let explanation: Explanation
    public let suggestion: RuleID?
    public var description: String {
        let at = explanation.source?.description ?? "说明"
        let hint = suggestion.map { " — did you mean “\($0)”?" } ?? ""
        return "\(at): 说明中的规则“\(explanation.rule ?? "")”不存在 / no rule “\(explanation.rule ?? "")”\(hint) (`renju rules` lists them; a category such as temporal is allowed)"
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

/// The one place where `rules.yaml` meets the findings: every finding — of the readers, the
/// built-in checks and the user's rules alike — gets its rule's configured severity, and is
/// dropped when the rule is switched off or does not apply at the unit's level.
public struct FindingCollector: Sendable {
    let settings: CheckSettings
    let userRules: [RuleID: UserRule]
    let tree: DivisionTree

    public init(reference: ReferenceData) {
        settings = reference.checks
        userRules = Dictionary(reference.checks.userRules.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        tree = reference.tree
    }

    public func admit(_ f: Finding) -> Finding? {
        let level = f.unit.flatMap { CheckContext.level(of: $0, in: tree) }
        var g = f
        if let s = settings[f.rule] {
            guard s.applies(to: level) else { return nil }
            g.severity = s.severity
        } else if let r = userRules[f.rule] {
            if let levels = r.levels, let level, !levels.contains(level) { return nil }
            g.severity = r.severity
        }
        return g
    }

    public func admit(_ list: [Finding]) -> [Finding] { list.compactMap(admit) }
}
