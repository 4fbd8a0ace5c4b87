import Foundation
import RenjuModel
import RenjuReference

/// A check: a small value that can be listed (id, title, severity), explained and run.
public protocol Check: Sendable {
    /// The rule ids this check can report, with their default severities.
    var rules: [RuleDescriptor] { get }
    /// What the check looks at, in a sentence a clerk understands.
    var explanation: Message { get }
    /// How much of a validation's time the check takes: the validator starts the large ones first.
    var cost: CheckCost { get }
    func run(_ ctx: CheckContext) -> [Finding]
}

/// A check's share of a validation's time, as the benchmark of a national quarter measures it
/// (`renju-bench validate`, perf's samples by check). Checks run side by side; the large ones are
/// started first, so that no core is left running one of them while the others have finished.
/// The order they start in changes no finding and no report: each check's findings stay in its place.
public enum CheckCost: Int, Sendable, Comparable {
    /// A few units or none (the sign-off chains' roots, targets, changed codes).
    case small
    /// One pass over every unit's figures.
    case medium
    /// Every unit's figures and statistics over groups of them (0.15–0.3 CPU-s for 500,000 villages).
    case large
    public static func < (a: CheckCost, b: CheckCost) -> Bool { a.rawValue < b.rawValue }
}

extension Check {
    public var cost: CheckCost { .medium }
}

/// What a check sees: the reference data, the checked period's submissions and figures, history.
public struct CheckContext: Sendable {
    public let reference: ReferenceData
    public let period: Period
    public let submissions: [Submission]
    /// Figures of earlier periods (history files, the store).
    public let history: Dataset
    public let asOf: CivilDate?
    /// Sign-offs from sign-off sheets and CSVs (footers stay with their submission).
    public let signOffs: [SignOff]
    /// What each rule evaluated and skipped, as the checks count it.
    public let tally = RuleTally()
    /// What several checks compute alike (peer groups), computed once.
    let shared = SharedComputations()

    /// How the history reached today's codes (the change table), and the names earlier files gave
    /// to codes the divisions no longer list.
    public let lineage: Lineage

    public init(reference: ReferenceData, period: Period, submissions: [Submission], history: Dataset, asOf: CivilDate?,
                signOffs: [SignOff] = [], lineage: Lineage = Lineage()) {
        self.init(reference: reference, period: period, index: SubmissionIndex(submissions, tree: reference.tree), history: history,
                  asOf: asOf, signOffs: signOffs, lineage: lineage)
    }

    /// A context over submissions already indexed (`SubmissionIndex`, which needs no history: it
    /// can be made while the history is merged).
    public init(reference: ReferenceData, period: Period, index: SubmissionIndex, history: Dataset, asOf: CivilDate?,
                signOffs: [SignOff] = [], lineage: Lineage = Lineage()) {
        self.lineage = lineage
        self.reference = reference; self.period = period; self.submissions = index.submissions; self.history = history
        self.asOf = asOf; self.signOffs = signOffs
        self.firstSubmission = index.firstSubmission
        self.moreSubmissions = index.moreSubmissions
        self.childMaps = index.childMaps
        self.rowSets = index.rowSets
        self.givenNames = index.givenNames
        self.totalRowPlaces = index.totalRowPlaces
        self.unitsByLevel = index.unitsByLevel
        self.rowLevels = index.rowLevels
        self.rootsBySubmission = index.roots
        self.previousValues = history[period.previous] ?? PeriodValues()
        self.earlierValues = history[period.previous.previous] ?? PeriodValues()
    }

    /// Where each unit's figures are: the first submission with a row for it, and any others.
    let firstSubmission: UnitIndex
    let moreSubmissions: [UnitCode: [Int]]

    /// A figure of the checked period from whichever submission has it first (as `current`, without
    /// merging every submission).
    /// The submission a unit's row is in (its first, when given twice).
    public func submission(of unit: UnitCode) -> Submission? {
        firstSubmission[unit].map { submissions[Int($0)] }
    }

    public func currentValue(_ unit: UnitCode, _ indicator: IndicatorID) -> Double? {
        guard let f = firstSubmission[unit] else { return nil }
        if let v = submissions[Int(f)].values[unit, indicator] { return v }
        for i in moreSubmissions[unit] ?? [] { if let v = submissions[i].values[unit, indicator] { return v } }
        return nil
    }

    /// The two periods before the checked one, looked up without going through the dataset.
    public let previousValues: PeriodValues
    public let earlierValues: PeriodValues

    /// A figure of an earlier period.
    public func historical(_ p: Period, _ unit: UnitCode, _ indicator: IndicatorID) -> Double? {
        if p == period.previous { return previousValues[unit, indicator] }
        if p == period.previous.previous { return earlierValues[unit, indicator] }
        return history.value(p, unit, indicator)
    }

    let childMaps: [[UnitCode: [UnitCode]]]
    /// By submission: the places in its rows of the units with children among its rows (totals).
    let totalRowPlaces: [[Int]]
    /// By submission: the names rows give to units not in the divisions file.
    let givenNames: [[UnitCode: String]]
    let rowSets: [Set<UnitCode>]

    public var catalog: Catalog { reference.catalog }
    public var tree: DivisionTree { reference.tree }

    public func level(of unit: UnitCode) -> Level? { Self.level(of: unit, in: tree) }

    /// By submission, each row's level, found once for every check.
    let rowLevels: [[Level?]]
    /// By submission, its top units, found once for every check.
    let rootsBySubmission: [[UnitCode]]

    /// A submission's top units (`Submission.roots(in:)`): found once for a checked submission.
    public func roots(of sub: Submission) -> [UnitCode] {
        if sub.index >= 0, sub.index < rootsBySubmission.count, Self.sameRows(submissions[sub.index].rows, sub.rows) {
            return rootsBySubmission[sub.index]
        }
        return sub.roots(in: tree)
    }

    /// Whether two row lists are one array (the same storage: neither changed since it was shared).
    static func sameRows(_ a: [UnitRow], _ b: [UnitRow]) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
    }

    /// The level of row `k` of a checked submission (`level(of:)` of its unit), without a look-up
    /// (a level is its code's: a row found at the same place with the same code has it).
    public func level(ofRow k: Int, in sub: Submission) -> Level? {
        guard k >= 0, k < sub.rows.count else { return nil }
        if sub.index >= 0, sub.index < rowLevels.count, k < rowLevels[sub.index].count, submissions[sub.index].rows[k].code == sub.rows[k].code {
            return rowLevels[sub.index][k]
        }
        return level(of: sub.rows[k].code)
    }

    static func level(of unit: UnitCode, in tree: DivisionTree) -> Level? {
        if let l = tree.level(of: unit) { return l }
        let v = unit.value
        if v % 1000 != 0 { return .village }
        if v % 1_000_000 != 0 { return .township }
        if v % 100_000_000 != 0 { return .county }
        return .prefecture
    }

    public func name(of unit: UnitCode, in sub: Submission? = nil) -> String? {
        if let n = tree.name(of: unit) { return n }
        guard let sub else { return nil }
        if sub.index < givenNames.count, submissions[sub.index].file == sub.file { return givenNames[sub.index][unit] }
        return sub.rows.first(where: { $0.code == unit })?.givenName
    }

    /// The configured setting of a rule, falling back to its descriptor's default severity.
    public func setting(_ id: RuleID) -> CheckSetting {
        reference.checks.setting(id, default: CheckRegistry.defaultSeverity(of: id))
    }

    /// A finding of a rule at its default severity. What `rules.yaml` says of the rule (severity,
    /// levels, enabled) is applied once, for every rule alike, by the `FindingCollector`.
    /// A finding of a built-in rule. Its severity is the rule's descriptor's — the one place a
    /// default severity is written (`rules.yaml` may then change it, applied once by the collector).
    public func finding(_ id: RuleID, unit: UnitCode?, sub: Submission? = nil,
                        indicator: IndicatorID? = nil, value: Double? = nil, expected: Double? = nil,
                        message: Message, source: SourceRef? = nil, period: Period? = nil) -> Finding {
        Finding(rule: id, severity: CheckRegistry.defaultSeverity(of: id), unit: unit, unitName: unit.flatMap { name(of: $0, in: sub) },
                       period: period ?? self.period, indicator: indicator, value: value, expected: expected,
                       message: message, source: source)
    }

    /// The previous period's figure for a unit, if history has it.
    public func previous(_ unit: UnitCode, _ indicator: IndicatorID) -> Double? {
        previousValues[unit, indicator]
    }

    /// Every unit of the checked submissions, grouped by level, with the index of its submission:
    /// the peers of the statistical tests.
    public let unitsByLevel: [(level: Level, units: [(unit: UnitCode, submission: Int)])]

    /// Children of `unit` among the rows of a submission (units the divisions file places under it).
    public func childRows(of unit: UnitCode, in sub: Submission) -> [UnitCode] {
        if sub.index < childMaps.count, submissions[sub.index].file == sub.file { return childMaps[sub.index][unit] ?? [] }
        return sub.rows.map(\.code).filter { $0 != unit && (tree.treeParent(of: $0) ?? nil) == unit }
    }

    /// The rows of a submission whose units have children among its rows (its totals), in order.
    public func totalRows(in sub: Submission) -> [UnitRow] {
        if sub.index < totalRowPlaces.count && submissions[sub.index].file == sub.file { return totalRowPlaces[sub.index].map { sub.rows[$0] } }
        return sub.rows.filter { !childRows(of: $0.code, in: sub).isEmpty }
    }

    /// The units with a row in the submission.
    public func rowSet(of sub: Submission) -> Set<UnitCode> {
        sub.index < rowSets.count && submissions[sub.index].file == sub.file ? rowSets[sub.index] : Set(sub.rows.map(\.code))
    }

    /// Whether every division child of `unit` has a row in the submission.
    public func hasAllChildren(of unit: UnitCode, in sub: Submission) -> Bool {
        let present = rowSet(of: sub)
        return tree.children(of: unit).allSatisfy { present.contains($0) }
    }

    /// The unit of measure as shown after a figure (a flag's total is a count of villages).
    public func unitLabel(_ ind: Indicator, total: Bool) -> String {
        if ind.kind.isFlag { return total ? "个村" : "" }
        return ind.unit
    }
}

/// The checked period's submissions, numbered and indexed for the checks: where each unit's row
/// is, each unit's children among a submission's rows, the units by level.
public struct SubmissionIndex: Sendable {
    let submissions: [Submission]
    let firstSubmission: UnitIndex
    let moreSubmissions: [UnitCode: [Int]]
    let childMaps: [[UnitCode: [UnitCode]]]
    let rowSets: [Set<UnitCode>]
    let givenNames: [[UnitCode: String]]
    let totalRowPlaces: [[Int]]
    let unitsByLevel: [(level: Level, units: [(unit: UnitCode, submission: Int)])]
    /// By submission, each row's level (`CheckContext.level(of:)`), nil where it has none.
    let rowLevels: [[Level?]]
    /// By submission, its top units (`Submission.roots(in:)`).
    let roots: [[UnitCode]]

    public init(_ submissions: [Submission], tree: DivisionTree) {
        var numbered = submissions
        for i in numbered.indices { numbered[i].index = i }
        self.submissions = numbered
        var firstSub = UnitIndex(capacity: numbered.reduce(0) { $0 + $1.rows.count })
        var moreSubs: [UnitCode: [Int]] = [:]
        for (i, sub) in numbered.enumerated() {
            for k in sub.rows.indices {
                let code = sub.rows[k].code
                if let f = firstSub.insert(code, Int32(i)), Int(f) != i, moreSubs[code]?.contains(i) != true {
                    moreSubs[code, default: []].append(i)
                }
            }
        }
        self.firstSubmission = firstSub
        self.moreSubmissions = moreSubs
        // Children of each unit among each submission's rows, the set of its rows, and each
        // row's level: once, on every core, each row's unit looked up in the tree once.
        let levels = Level.allCases.sorted()
        struct PerSubmission {
            var children: [UnitCode: [UnitCode]] = [:]
            var present: Set<UnitCode> = []
            var unknownNames: [UnitCode: String] = [:]
            var totals: [Int] = []
            var roots: [UnitCode] = []
            var buckets: [Int] = []
        }
        let per = numbered.concurrentMap { sub -> PerSubmission in
            var out = PerSubmission()
            // Names given to units the divisions file does not know (usually none), looked up by
            // code: searching the rows for each finding was quadratic in a file of unknown codes.
            var parents: [UnitCode?] = []
            parents.reserveCapacity(sub.rows.count)
            out.buckets.reserveCapacity(sub.rows.count)
            // A parent's children mostly come one after another: gathered a run at a time.
            var runParent: UnitCode?, run: [UnitCode] = []
            func endRun() {
                if let p = runParent, !run.isEmpty { out.children[p, default: []].append(contentsOf: run) }
                run.removeAll(keepingCapacity: true)
            }
            for k in sub.rows.indices {
                let code = sub.rows[k].code
                let position = tree.position(of: code)
                let parent = position.flatMap { tree.parent(atPosition: $0) }
                parents.append(parent)
                if let p = parent, p != code {
                    if p != runParent { endRun(); runParent = p }
                    run.append(code)
                }
                if position == nil, let n = sub.rows[k].givenName, out.unknownNames[code] == nil { out.unknownNames[code] = n }
                let level = position.flatMap { tree.level(atPosition: $0) } ?? CheckContext.level(of: code, in: tree)
                out.buckets.append(level.flatMap { l in levels.firstIndex(of: l) } ?? -1)
            }
            endRun()
            out.totals = sub.rows.indices.filter { out.children[sub.rows[$0].code] != nil }
            out.present = Set(sub.rows.lazy.map(\.code))
            // The top units: rows whose parent is not among the rows (as `Submission.roots(in:)`);
            // the answer for the last parent asked is kept at hand.
            var lastParent: UnitCode?, lastPresent = false
            out.roots = sub.rows.indices.filter { k in
                guard let p = parents[k] else { return true }
                if p != lastParent { lastParent = p; lastPresent = out.present.contains(p) }
                return !lastPresent
            }.map { sub.rows[$0].code }
            return out
        }
        self.childMaps = per.map(\.children)
        self.rowSets = per.map(\.present)
        self.givenNames = per.map(\.unknownNames)
        self.totalRowPlaces = per.map(\.totals)
        self.roots = per.map(\.roots)
        // The units put by level in input order (levels in their own order: one bucket each, no dictionary).
        let bucketOfRow = per.map(\.buckets)
        var buckets = [[(unit: UnitCode, submission: Int)]](repeating: [], count: levels.count)
        for (i, sub) in numbered.enumerated() {
            for k in sub.rows.indices where bucketOfRow[i][k] >= 0 { buckets[bucketOfRow[i][k]].append((sub.rows[k].code, i)) }
        }
        self.unitsByLevel = levels.indices.filter { !buckets[$0].isEmpty }.map { (levels[$0], buckets[$0]) }
        self.rowLevels = bucketOfRow.map { row in row.map { $0 >= 0 ? levels[$0] : nil } }
    }
}

/// How a period's history reached the checked period's codes.
public struct Lineage: Sendable {
    /// Units whose earlier figures were carried from other codes.
    public var carried: Set<UnitCode> = []
    /// Units split off without a share: no baseline, with the change that says why.
    public var unsharedSplits: [UnitCode: DivisionChange] = [:]
    /// Names the history files gave to codes the divisions file does not list (an old code).
    public var historyNames: [UnitCode: String] = [:]
    public init(carried: Set<UnitCode> = [], unsharedSplits: [UnitCode: DivisionChange] = [:], historyNames: [UnitCode: String] = [:]) {
        self.carried = carried; self.unsharedSplits = unsharedSplits; self.historyNames = historyNames
    }
}

/// Formats a figure with an indicator's decimals, for messages.
public func figure(_ x: Double, _ ind: Indicator?) -> String {
    guard let ind else { return shortestDecimal(x) }
    let p = pow(10, Double(ind.decimals))
    return shortestDecimal((x * p).rounded() / p)
}

/// Rounds for the `expected` field of a finding.
public func rounded(_ x: Double, _ decimals: Int) -> Double {
    let p = pow(10, Double(decimals))
    return (x * p).rounded() / p
}
