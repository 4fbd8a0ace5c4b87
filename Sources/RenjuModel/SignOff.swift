import Foundation

/// One signature of a sign-off chain: who signed, in which role, when, over which figures.
public struct SignOff: Hashable, Sendable {
    public let unit: UnitCode
    public let period: Period?
    /// The role as written on the form (aliases are resolved against the chain by the checks).
    public let role: String
    public let name: String
    public let date: CivilDate?
    public let dateText: String?
    public let digest: String?
    /// Ed25519 signature (base64) over the sign-off's canonical text, when signed with `renju sign`.
    public let signature: String?
    public let source: SourceRef?
    /// Where it was read: a sign-off sheet or CSV, or the footer under the data.
    public let fromFooter: Bool

    public init(unit: UnitCode, period: Period?, role: String, name: String, date: CivilDate?, dateText: String? = nil,
                digest: String?, signature: String? = nil, source: SourceRef?, fromFooter: Bool = false) {
        self.unit = unit; self.period = period; self.role = role; self.name = name
        self.date = date; self.dateText = dateText; self.digest = digest; self.signature = signature
        self.source = source; self.fromFooter = fromFooter
    }

    /// The text a signature covers: `renju-signoff-v1|unit|period|role|name|date|digest`.
    public var signedText: String {
        "renju-signoff-v1|\(unit)|\(period?.description ?? "")|\(role)|\(name)|\(date?.description ?? "")|\(digest ?? "")"
    }
}

/// A written explanation (说明) that clears matching warnings — never an error.
public struct Explanation: Hashable, Sendable {
    public let unit: UnitCode
    public let period: Period?
    /// A rule id (`temporal.stable`), a category (`temporal`), or nil for any warning of the unit.
    public let rule: String?
    public let indicator: IndicatorID?
    public let text: String
    public let source: SourceRef?

    public init(unit: UnitCode, period: Period?, rule: String?, indicator: IndicatorID?, text: String, source: SourceRef?) {
        self.unit = unit; self.period = period; self.rule = rule; self.indicator = indicator; self.text = text; self.source = source
    }

    /// Whether this explanation is about a finding (same unit, period, rule and indicator).
    public func covers(_ f: Finding) -> Bool {
        guard f.unit == unit else { return false }
        if let period, let fp = f.period, period != fp { return false }
        if let rule, !rule.isEmpty {
            if rule.contains(".") { if f.rule.description != rule { return false } }
            else if f.rule.category.rawValue != rule { return false }
        }
        if let indicator, f.indicator != nil, f.indicator != indicator { return false }
        return true
    }
}

/// Labels that a sign-off footer or sheet may use (from `reference-data/signoff.yaml`).
public struct SignOffVocabulary: Sendable {
    public var roles: [String]
    public var dateLabels: [String]
    public init(roles: [String], dateLabels: [String]) { self.roles = roles; self.dateLabels = dateLabels }
    public static let standard = SignOffVocabulary(
        roles: ["单位负责人", "统计负责人", "填表人", "审核人"], dateLabels: ["报出日期", "填表日期"])
}
