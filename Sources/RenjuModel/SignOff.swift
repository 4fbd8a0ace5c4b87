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
    public let source: SourceRef?

    public init(unit: UnitCode, period: Period?, role: String, name: String, date: CivilDate?, dateText: String? = nil,
                digest: String?, source: SourceRef?) {
        self.unit = unit; self.period = period; self.role = role; self.name = name
        self.date = date; self.dateText = dateText; self.digest = digest; self.source = source
    }
}
