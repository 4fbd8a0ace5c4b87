import Foundation
import RenjuModel
import RenjuReference

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
    /// What could not be checked, and why (nil when no period was checked).
    public var coverage: Coverage?
    /// Figures filled in (`--impute`), each with how; empty unless asked for.
    public var imputed: [ImputedFigure] = []

    public init(period: Period?, findings: [Finding], submissions: [Submission], history: Dataset, unitsChecked: Int) {
        self.period = period; self.findings = findings; self.submissions = submissions; self.history = history; self.unitsChecked = unitsChecked
    }

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
            return RuleSummary(rule: id, evaluated: max(t?.evaluated ?? 0, failed), failed: failed, skipped: t?.skipped ?? 0,
                               skippedNoHistory: t?.noHistory ?? 0)
        }
    }

    public var summary: FindingSummary { FindingSummary(units: unitsChecked, findings: findings) }

    /// The same result with only the findings of `minimum` severity or above (what a report shows).
    public func keeping(minimum: Severity) -> ValidationResult {
        guard minimum > .info else { return self }
        return replacing(findings: findings.filter { $0.severity >= minimum })
    }

    /// The same result with other findings (re-weighted, filtered), everything else kept.
    public func replacing(findings new: [Finding]) -> ValidationResult {
        var out = ValidationResult(period: period, findings: new, submissions: submissions, history: history, unitsChecked: unitsChecked)
        out.tallies = tallies; out.filesRead = filesRead; out.coverage = coverage; out.imputed = imputed
        return out
    }
    public var hasOpenError: Bool { findings.contains { $0.severity == .error && $0.isOpen } }
}

/// A step after the checks that adds to their findings (error localisation's suggested fixes),
/// reading the same context.
public protocol FindingStage: Sendable {
    func apply(_ findings: [Finding], _ ctx: CheckContext) -> [Finding]
}

/// Runs every check over the input: the newest period (or `period`) is checked; earlier periods
/// are history, used as baselines.
public struct Validator: Sendable {
    public let reference: ReferenceData
    public let checks: [any Check]
    /// Stages that refine the findings once every check has run (error localisation).
    public var stages: [any FindingStage] = []

    public init(reference: ReferenceData, checks: [any Check]? = nil, stages: [any FindingStage] = []) {
        self.reference = reference; self.checks = checks ?? CheckRegistry.checks(for: reference); self.stages = stages
    }

    /// A submission with its blank cells of `ids` (columns the form has) read as 0, each keeping
    /// the blank cell as its source.
    static func blanksAsZero(_ sub: Submission, _ ids: [IndicatorID]) -> Submission {
        let present = ids.filter { sub.columns.contains($0) }
        guard !present.isEmpty else { return sub }
        var out = sub
        for row in sub.rows {
            for id in present where sub.values[row.code, id] == nil && !(sub.unreadable[row.code]?.contains(id) ?? false) {
                out.values.set(row.code, id, Observation(0, source: sub.blanks[row.code]?[id] ?? row.source))
                out.blanks[row.code]?[id] = nil
            }
        }
        return out
    }

    /// Blank cells of `ids` in the submissions' rows (columns the form has), by indicator.
    static func countBlanks(_ subs: [Submission], _ ids: [IndicatorID]) -> [IndicatorID: Int] {
        var out: [IndicatorID: Int] = [:]
        for sub in subs {
            let present = ids.filter { sub.columns.contains($0) }
            guard !present.isEmpty else { continue }
            for row in sub.rows {
                for id in present where sub.values[row.code, id] == nil && !(sub.unreadable[row.code]?.contains(id) ?? false) {
                    out[id, default: 0] += 1
                }
            }
        }
        return out
    }

    public func validate(submissions given: [Submission], fileFindings: [Finding] = [], explanations: [Explanation] = [],
                         signOffs: [SignOff] = [], period requested: Period? = nil, extraHistory: Dataset = Dataset(), asOf: CivilDate? = nil) -> ValidationResult {
        // A blank where the catalog says a blank is zero (`blank: zero`) is read as 0 from here on.
        let zeroes = reference.catalog.indicators.filter { $0.blank == .zero }.map(\.id)
        let period = requested ?? given.compactMap(\.period).max()
        // Blank cells read by their declaration, counted for the coverage before they are filled.
        let declared = reference.catalog.indicators.filter { $0.blank != .required }
        let blankCounts = declared.isEmpty ? [:] : Self.countBlanks(given.filter { $0.period == period }, declared.map(\.id))
        let all = zeroes.isEmpty ? given : given.map { Self.blanksAsZero($0, zeroes) }
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
        var earlier: [Period: [PeriodValues]] = [:]
        for s in all { if let p = s.period, p < period { earlier[p, default: []].append(s.values) } }
        // The earlier periods' tables are merged on one core while the checked period's
        // submissions are indexed on the others (neither needs the other).
        let earlierInOrder = earlier.sorted(by: { $0.key < $1.key })
        // The names earlier files gave to codes the divisions no longer list go with it (all rows of history are looked at).
        let tree = reference.tree
        let merging = InBackground { [extraHistory] in
            var history = extraHistory
            for (p, list) in earlierInOrder { history.merge(p, all: list) }
            var names: [UnitCode: String] = [:]
            for s in all where s.period.map({ $0 < period }) ?? false {
                for row in s.rows where tree.position(of: row.code) == nil {
                    if let n = row.givenName, names[row.code] == nil { names[row.code] = n }
                }
            }
            return (history, names)
        }
        let index = SubmissionIndex(current, tree: reference.tree)
        let merged = merging.value
        var history = merged.0
        // Figures reported under earlier codes carried to today's (the change table).
        var lineage = Lineage()
        lineage.historyNames = merged.1
        if !reference.changes.isEmpty {
            let carried = reference.changes.carry(history, to: period, catalog: reference.catalog)
            history = carried.dataset
            lineage.carried = Set(carried.carried)
            lineage.unsharedSplits = carried.unsharedSplits
        }
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
        // The rules' parameters for this kind of period (a year is not a quarter: rules.yaml's `year:`).
        var forPeriod = reference
        forPeriod.checks = reference.checks.forPeriod(period.kind)
        let ctx = CheckContext(reference: forPeriod, period: period, index: index, history: history, asOf: asOf,
                               signOffs: signOffs, lineage: lineage)
        findings += collector.admit(Self.run(checks, ctx).flatMap { $0 })
        // Fill in unit names the readers could not know.
        findings = findings.map { f in
            var g = f
            if g.unitName == nil, let u = g.unit { g.unitName = ctx.name(of: u) }
            return g
        }
        findings = Self.explain(findings, with: explanations.filter { $0.period == nil || $0.period == period })
        findings = ImpactScore.apply(findings, ctx)
        for stage in stages { findings = stage.apply(findings, ctx) }
        var result = ValidationResult(period: period, findings: sort(findings), submissions: current,
                                      history: history, unitsChecked: ctx.firstSubmission.count)
        result.tallies = ctx.tally.snapshot
        let settings = reference.checks
        var coverage = Coverage(period: period, units: current.flatMap(\.unitCodes), history: history, tallies: result.tallies,
                                enabled: { settings.setting($0, default: CheckRegistry.defaultSeverity(of: $0)).enabled })
        coverage.changedWithoutHistory = coverage.unitsWithoutHistory.filter { !reference.changes.changes(into: $0).isEmpty }.count
        coverage.carried = lineage.carried.isEmpty ? 0 : current.flatMap(\.unitCodes).filter { lineage.carried.contains($0) }.count
        for ind in declared {
            guard let n = blankCounts[ind.id], n > 0 else { continue }
            if ind.blank == .zero { coverage.blanksAsZero.append(.init(indicator: ind.id, cells: n)) }
            else { coverage.notApplicable.append(.init(indicator: ind.id, cells: n)) }
            coverage.indicatorNames[ind.id] = Message(zh: ind.name, en: ind.englishName)
        }
        // Rates as published: totals are not recomputed from parts there are none of (said once).
        if (result.tallies[AggregateCheck.sum]?.evaluated ?? 0) > 0 {
            for ind in reference.catalog.indicators where ind.kind == .publishedRate {
                coverage.ratesNotRolledUp.append(ind.id)
                coverage.indicatorNames[ind.id] = Message(zh: ind.name, en: ind.englishName)
            }
        }
        result.coverage = coverage
        return result
    }

    /// Runs the checks side by side (each check only reads the context), the large ones started
    /// first (`CheckCost`); results in check order.
    static func run(_ checks: [any Check], _ ctx: CheckContext) -> [[Finding]] {
        let order = startOrder(checks)
        let found = order.concurrentMap(perTask: 1) { checks[$0].run(ctx) }
        var out = [[Finding]](repeating: [], count: checks.count)
        for (k, i) in order.enumerated() { out[i] = found[k] }
        return out
    }

    /// The checks' positions in the order they are started: by cost, largest first, then as listed.
    static func startOrder(_ checks: [any Check]) -> [Int] {
        checks.indices.sorted { a, b in checks[a].cost != checks[b].cost ? checks[a].cost > checks[b].cost : a < b }
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

    func sort(_ fs: [Finding]) -> [Finding] { Self.ordered(fs) }

    /// Findings in report order: by unit, severity (errors first), rule, indicator, then as found.
    public static func ordered(_ fs: [Finding]) -> [Finding] {
        fs.enumerated().sorted { a, b in
            let x = a.element, y = b.element
            // By the code's number (the 12 digits' order), without spelling the code for each comparison.
            if x.unit != y.unit { return (x.unit?.value ?? 0, x.unit == nil ? 0 : 1) < (y.unit?.value ?? 0, y.unit == nil ? 0 : 1) }
            if x.severity != y.severity { return x.severity > y.severity }
            if x.rule != y.rule { return x.rule < y.rule }
            if x.indicator != y.indicator { return (x.indicator?.rawValue ?? "") < (y.indicator?.rawValue ?? "") }
            return a.offset < b.offset
        }.map(\.element)
    }
}
