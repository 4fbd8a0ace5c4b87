import Foundation
import RenjuModel

/// What the application layer needs of a history store: a SQLite file (RenjuStore) or a PostgreSQL
/// server (RenjuPostgres). Every method is one read or one transaction; `async`, so that a server
/// store waits for its answer without holding a thread.
public protocol HistoryStoring: AnyObject, Sendable {
    /// Where the store is, for messages (a path, or a server's address without its password).
    var path: String { get }
    /// Brings the schema up to this version (`renju db migrate`; a writing command on opening).
    func migrate() async throws
    /// Stored figures of the given periods (all periods when nil), of the given units only (all
    /// units when nil): a county's check fetches its own few hundred units through the index, not
    /// a province's half million.
    func dataset(periods: [Period]?, units: [UnitCode]?) async throws -> Dataset
    /// Stores submissions in one transaction; a unit's period already stored is replaced, with
    /// what changed recorded. `pause` is a test hook: seconds to wait inside the transaction.
    @discardableResult
    func importSubmissions(_ entries: [StoreEntry], who: String, forced: Bool, reason: String?, now: Date, pause: Double) async throws -> [ImportRecord]
    func periods() async throws -> [StoredPeriod]
    func history(unit: UnitCode, indicator: IndicatorID) async throws -> [SeriesPoint]
    /// The audit trail, oldest first.
    func imports() async throws -> [ImportRecord]
    /// The findings stored with a period's imports.
    func findings(period: Period) async throws -> [StoredFinding]
    /// The reporting units (a submission's top unit) with an import of the period.
    func importedUnits(period: Period) async throws -> Set<UnitCode>
    /// The values imputed beside a period's imports (apart from the reported figures).
    func imputed(period: Period) async throws -> [StoredImputation]
}

/// An imputed value as stored: apart from the reported figures, with how it was found.
public struct StoredImputation: Sendable, Equatable {
    public let unit: UnitCode
    public let indicator: IndicatorID
    public let value: Double
    public let reported: Double?
    public let method: String
    /// In Chinese, as the findings' messages are stored.
    public let basis: String
    public init(unit: UnitCode, indicator: IndicatorID, value: Double, reported: Double?, method: String, basis: String) {
        self.unit = unit; self.indicator = indicator; self.value = value; self.reported = reported; self.method = method; self.basis = basis
    }
}

extension HistoryStoring {
    /// Stored figures of the given periods (all periods when nil), every unit.
    public func dataset(periods: [Period]?) async throws -> Dataset { try await dataset(periods: periods, units: nil) }
}

/// One submission to store.
public struct StoreEntry: Sendable {
    public let submission: Submission
    public let root: UnitCode
    public let digest: String?
    public let signOffs: [SignOff]
    public let explanations: [Explanation]
    public let findings: [Finding]
    /// Values imputed for the submission's units (`--impute`), stored apart from its figures.
    public var imputed: [ImputedFigure] = []
    /// The content digest of the rule set that checked it (RuleSetDigest).
    public var rulesDigest: String?
    public init(submission: Submission, root: UnitCode, digest: String?, signOffs: [SignOff], explanations: [Explanation], findings: [Finding]) {
        self.submission = submission; self.root = root; self.digest = digest; self.signOffs = signOffs
        self.explanations = explanations; self.findings = findings
    }
}

/// One figure an import replaced: the unit, the indicator, the value before and after (nil where
/// there was none).
public struct FigureChange: Sendable, Equatable, CustomStringConvertible {
    public let unit: UnitCode
    public let indicator: IndicatorID
    public let old: Double?
    public let new: Double?
    public init(unit: UnitCode, indicator: IndicatorID, old: Double?, new: Double?) {
        self.unit = unit; self.indicator = indicator; self.old = old; self.new = new
    }
    public var description: String {
        "\(unit) \(indicator): \(old.map(shortestDecimal) ?? "—") → \(new.map(shortestDecimal) ?? "—")"
    }
}

/// What an import did, for the audit trail and the user.
public struct ImportRecord: Sendable, Equatable {
    public let id: Int64
    /// ISO 8601, UTC.
    public let at: String
    public let who: String
    public let file: String
    public let digest: String?
    public let period: Period
    public let unit: UnitCode
    public let forced: Bool
    public let reason: String?
    public let replaced: Bool
    public let changes: [FigureChange]

    public init(id: Int64, at: String, who: String, file: String, digest: String?, period: Period, unit: UnitCode, forced: Bool,
                reason: String?, replaced: Bool, changes: [FigureChange]) {
        self.id = id; self.at = at; self.who = who; self.file = file; self.digest = digest; self.period = period; self.unit = unit
        self.forced = forced; self.reason = reason; self.replaced = replaced; self.changes = changes
    }
}

/// A period in the store: how many units and figures it holds.
public struct StoredPeriod: Sendable, Equatable {
    public let period: Period
    public let units: Int
    public let figures: Int
    public init(period: Period, units: Int, figures: Int) { self.period = period; self.units = units; self.figures = figures }
}

/// A finding as the store keeps it (the Chinese message only).
public struct StoredFinding: Sendable, Equatable {
    public let unit: UnitCode?
    public let rule: RuleID
    public let severity: Severity
    public let indicator: IndicatorID?
    public let value: Double?
    public let expected: Double?
    public let message: String
    public let explained: Bool

    public init(unit: UnitCode?, rule: RuleID, severity: Severity, indicator: IndicatorID?, value: Double?, expected: Double?,
                message: String, explained: Bool) {
        self.unit = unit; self.rule = rule; self.severity = severity; self.indicator = indicator; self.value = value
        self.expected = expected; self.message = message; self.explained = explained
    }
}

/// What went wrong with the store, in words for the user.
public enum StoreError: UserFacingError, CustomStringConvertible {
    /// Another process holds the store (an import running) past the wait.
    case busy(String)
    /// The store holds something that does not parse back (edited by hand).
    case corrupt(String, String)
    /// The store's schema is older than this version and the command only reads.
    case behind(String)
    /// The store was written by a newer Renju (migrations this binary does not know).
    case newer(String, [String])

    public var userMessage: Message {
        switch self {
        case let .behind(p): return Message(zh: "数据库 \(p) 的结构需要升级，请先运行 renju db migrate --db \(p)",
                                            en: "the store \(p) was made by an older Renju: run `renju db migrate --db \(p)` first")
        case let .busy(p): return Message(zh: "数据库 \(p) 正忙：另一次入库正在进行，请稍后再试",
                                          en: "the store \(p) is busy: another import is running; try again when it has finished")
        case let .newer(p, ids): return Message(zh: "数据库 \(p) 由更新版本的 Renju 写入（结构 \(ids.joined(separator: "、"))），本版本不能打开：请升级 Renju",
                                                en: "the store \(p) was written by a newer Renju (schema \(ids.joined(separator: ", "))); this version cannot open it: upgrade Renju")
        case let .corrupt(p, what): return Message(zh: "数据库 \(p) 内容有误：\(what)", en: "the store \(p) is damaged: \(what)")
        }
    }
    public var description: String { "\(userMessage.en) / \(userMessage.zh)" }
}

/// One stored figure of a unit's series: the period and the value.
public struct SeriesPoint: Sendable, Equatable {
    public let period: Period
    public let value: Double
    public init(period: Period, value: Double) { self.period = period; self.value = value }
}
