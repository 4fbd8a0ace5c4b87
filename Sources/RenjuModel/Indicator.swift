import Foundation

/// The id of an indicator in the catalog (`sanitary_toilet_rate`).
///
/// Ids are interned: each distinct id has a small number (`slot`) for the life of the process, so
/// comparing and hashing an id is comparing an integer — figures are looked up by id millions of
/// times when a province is checked.
public struct IndicatorID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable, ExpressibleByStringLiteral {
    public let rawValue: String
    /// The interned number of this id (equal ids, equal slots).
    public let slot: Int32
    public init(_ raw: String) { rawValue = raw; slot = IndicatorSlots.shared.slot(for: raw) }
    public init(stringLiteral value: String) { self.init(value) }
    public var description: String { rawValue }
    public static func == (a: IndicatorID, b: IndicatorID) -> Bool { a.slot == b.slot }
    public func hash(into hasher: inout Hasher) { hasher.combine(slot) }
    public static func < (a: IndicatorID, b: IndicatorID) -> Bool { a.rawValue < b.rawValue }
    public init(from decoder: Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(rawValue) }
}

/// The process-wide table of interned indicator ids.
final class IndicatorSlots: @unchecked Sendable {
    static let shared = IndicatorSlots()
    private let lock = NSLock()
    private var slots: [String: Int32] = [:]

    func slot(for raw: String) -> Int32 {
        lock.lock(); defer { lock.unlock() }
        if let s = slots[raw] { return s }
        let s = Int32(truncatingIfNeeded: slots.count)
        slots[raw] = s
        return s
    }
}

/// How a stock may move from one period to the next.
public enum TemporalPolicy: Hashable, Sendable {
    /// A fall is 负增长, an error.
    case nonDecreasing
    /// A change of more than this many percent is a warning.
    case stable(percent: Double)
    case free
}

/// What an indicator measures, which decides how it adds up and how it may move in time.
public enum IndicatorKind: Hashable, Sendable {
    case stock(TemporalPolicy)
    case ytd
    case flow
    case flag
    case rate(numerator: IndicatorID, denominator: IndicatorID)
    /// A rate as a table publishes it, without its parts (a yearbook's 无害化处理率): range, peer,
    /// temporal and digit checks apply; it is neither recomputed nor rolled up.
    case publishedRate

    public var name: String {
        switch self {
        case .stock: return "stock"
        case .ytd: return "ytd"
        case .flow: return "flow"
        case .flag: return "flag"
        case .rate, .publishedRate: return "rate"
        }
    }

    /// Summed up the hierarchy (stock, ytd, flow).
    public var isSummed: Bool {
        switch self {
        case .stock, .ytd, .flow: return true
        default: return false
        }
    }
    public var isRate: Bool {
        switch self {
        case .rate, .publishedRate: return true
        default: return false
        }
    }
    /// A rate declared with its parts (numerator and denominator in the catalog).
    public var hasParts: Bool { if case .rate = self { return true }; return false }
    public var isFlag: Bool { self == .flag }
}

/// What a blank (or a dash: —, /, －, 无数据) in an indicator's cell means.
public enum BlankMeaning: String, Sendable, CaseIterable {
    /// The figure must be given (a blank is `completeness.missing_value`).
    case required
    /// A blank is 0 (published tables print "—" for none): read as 0, and checked as 0.
    case zero
    /// A blank means the figure does not apply here: neither required nor checked.
    case notApplicable = "not_applicable"
}

/// One indicator of the catalog.
///
/// A class (immutable): checks walk the catalog for every unit, and passing an entry around is
/// then one reference, not a dozen strings.
public final class Indicator: Hashable, Sendable {
    public let id: IndicatorID
    public let name: String
    public let unit: String
    public let decimals: Int
    public let kind: IndicatorKind
    /// Counts of things (households, toilets, people): must be whole numbers.
    public let integer: Bool
    /// May be left blank: not required (`optional: true`, or `blank: not_applicable`; a `zero`
    /// indicator's column is still required, its blank cells are 0).
    public let optional: Bool
    /// What a blank in its cell means (`blank:` in indicators.yaml; `optional: true` is not_applicable).
    public let blank: BlankMeaning
    /// Group heading for two-level export headers.
    public let group: String
    public let englishName: String
    public let aliases: [String]
    /// The indicator's code in the 统计报表制度 (`code:`), by which 审核公式 and forms may name it.
    public let code: String?
    /// For a flag: the title of the derived share of villages with yes, shown in exports
    /// (生活垃圾收运处置体系覆盖的行政村比例).
    public let shareTitle: String?
    /// A flow with a seasonal pattern (`seasonal: true`): judged against the same period a year
    /// earlier (同比) where the history has it.
    public let seasonal: Bool

    public init(id: IndicatorID, name: String, unit: String, decimals: Int, kind: IndicatorKind,
                integer: Bool = false, optional: Bool = false, group: String = "", englishName: String = "",
                aliases: [String] = [], shareTitle: String? = nil, blank: BlankMeaning? = nil, seasonal: Bool = false, code: String? = nil) {
        self.seasonal = seasonal; self.code = code
        self.id = id; self.name = name; self.unit = unit; self.decimals = decimals; self.kind = kind
        let meaning = blank ?? (optional ? .notApplicable : .required)
        self.blank = meaning
        self.integer = integer; self.optional = optional || meaning == .notApplicable; self.group = group
        self.englishName = englishName.isEmpty ? id.rawValue : englishName
        self.aliases = aliases
        self.shareTitle = shareTitle
    }

    /// The same indicator with another blank convention (a run's inputs declaring their own).
    public func with(blank meaning: BlankMeaning) -> Indicator {
        Indicator(id: id, name: name, unit: unit, decimals: decimals, kind: kind, integer: integer, optional: meaning == .notApplicable,
                  group: group, englishName: englishName, aliases: aliases, shareTitle: shareTitle, blank: meaning, seasonal: seasonal)
    }

    /// Half a unit of the last decimal: the tolerance of a total.
    public var halfUnit: Double { 0.5 * pow(10, -Double(decimals)) }

    public func displayName(_ lang: Language) -> String { lang == .zh ? name : englishName }

    public static func == (a: Indicator, b: Indicator) -> Bool {
        a === b || (a.id == b.id && a.name == b.name && a.unit == b.unit && a.decimals == b.decimals && a.kind == b.kind
            && a.integer == b.integer && a.optional == b.optional && a.group == b.group && a.englishName == b.englishName
            && a.aliases == b.aliases && a.shareTitle == b.shareTitle && a.blank == b.blank && a.seasonal == b.seasonal)
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

/// The indicator catalog, in its file's order.
public struct Catalog: Sendable {
    public let indicators: [Indicator]
    private let byID: [IndicatorID: Indicator]
    private let byKey: [String: IndicatorID]
    private let derivedKeys: Set<String>

    /// Indicators that move together (`related:` in indicators.yaml), each group in the file's order.
    public let related: [[IndicatorID]]
    private let groupOf: [IndicatorID: Int]

    /// The group of related indicators `id` is in (an index into `related`).
    public func relatedGroup(of id: IndicatorID) -> Int? { groupOf[id] }

    public init(_ indicators: [Indicator], related: [[IndicatorID]] = []) {
        self.indicators = indicators
        self.related = related
        var g: [IndicatorID: Int] = [:]
        for (i, ids) in related.enumerated() { for id in ids { g[id] = i } }
        self.groupOf = g
        var byID: [IndicatorID: Indicator] = [:]
        var byKey: [String: IndicatorID] = [:]
        for ind in indicators {
            byID[ind.id] = ind
            byKey[TextNormalizer.key(ind.id.rawValue)] = ind.id
            byKey[TextNormalizer.key(ind.name)] = ind.id
            for a in ind.aliases { byKey[TextNormalizer.key(a)] = ind.id }
            if let c = ind.code { byKey[TextNormalizer.key(c)] = ind.id }
        }
        self.byID = byID
        self.byKey = byKey
        self.derivedKeys = Set(indicators.compactMap { $0.shareTitle.map(TextNormalizer.key) })
    }

    public subscript(id: IndicatorID) -> Indicator? { byID[id] }

    /// The kind of an indicator, without copying the whole entry.
    public func kind(of id: IndicatorID) -> IndicatorKind? { byID[id]?.kind }

    /// Resolves a column title or an indicator cell: the id or the Chinese name, with or without a
    /// bracketed unit (`通村公路硬化率(%)`, `总户数（户）`), full-width or half-width.
    public func resolve(_ title: String) -> IndicatorID? { resolve(key: TextNormalizer.key(title)) }

    /// `resolve(_:)` for a title's key (`TextNormalizer.key`), when the caller has it already.
    public func resolve(key k: String) -> IndicatorID? {
        if let id = byKey[k] { return id }
        // Strip one trailing bracketed unit: (…) [..] after folding.
        if let open = k.lastIndex(where: { $0 == "(" || $0 == "[" }), k.hasSuffix(")") || k.hasSuffix("]") {
            let base = String(k[..<open])
            if let id = byKey[base] { return id }
        }
        return nil
    }

    /// Rates whose numerator or denominator is `id`.
    public func rates(using id: IndicatorID) -> [Indicator] {
        indicators.filter {
            if case let .rate(n, d) = $0.kind { return n == id || d == id }
            return false
        }
    }

    public var rates: [Indicator] { indicators.filter { $0.kind.isRate } }

    /// Whether a column title is a share Renju derives itself (read back from an export, ignored).
    public func isDerivedColumn(_ title: String) -> Bool { isDerivedColumn(key: TextNormalizer.key(title)) }

    /// `isDerivedColumn(_:)` for a title's key (`TextNormalizer.key`).
    public func isDerivedColumn(key: String) -> Bool {
        var k = key
        if let open = k.lastIndex(where: { $0 == "(" }), k.hasSuffix(")") { k = String(k[..<open]) }
        return derivedKeys.contains(k)
    }
}

/// Language of messages and reports.
public enum Language: String, Sendable, CaseIterable {
    case zh, en
}
