import Foundation
import RenjuModel

/// A setting of a built-in rule in `rules.yaml` (a tolerance, a threshold, a minimum count):
/// its name, default and allowed range, declared once, beside the rule that reads it.
public struct RuleParameter: Sendable, Hashable {
    public let name: String
    public let defaultValue: Double
    public let range: ClosedRange<Double>
    /// A count: only whole numbers are allowed.
    public let wholeNumber: Bool
    public let about: Message

    public init(_ name: String, default value: Double, range: ClosedRange<Double>, wholeNumber: Bool = false, _ about: Message) {
        self.name = name; self.defaultValue = value; self.range = range; self.wholeNumber = wholeNumber; self.about = about
    }

    /// What may be written, for messages: `0–100`, `a whole number from 2`.
    public var allowed: String {
        let hi = range.upperBound == .infinity ? "" : shortestDecimal(range.upperBound)
        let span = hi.isEmpty ? "\(shortestDecimal(range.lowerBound)) or more" : "\(shortestDecimal(range.lowerBound))–\(hi)"
        return wholeNumber ? "a whole number, \(span)" : span
    }
}

/// A rule a check can report: its id, default severity, title, and the parameters it reads.
public struct RuleDescriptor: Sendable {
    public let id: RuleID
    public let severity: Severity
    public let title: Message
    public let parameters: [RuleParameter]
    /// Where the rule is linear, the form its edits take over the catalog and rules.yaml: the rule
    /// set's analysis and error localisation build their edits from this (nil: the rule cannot
    /// take part — a statistical test, a sign-off, a format problem).
    public let linear: LinearForm?
    /// What the rule looks for, in a sentence or two a clerk understands (`renju rules explain`,
    /// the desk's rule page). Given by the rule, or by the check that reports it.
    public let about: Message?
    /// Where the rule comes from: `built-in` (a rule of Renju), or a file and line for a user's rule.
    public let origin: String

    public init(_ id: RuleID, _ severity: Severity, _ title: Message, parameters: [RuleParameter] = [], linear: LinearForm? = nil,
                about: Message? = nil, origin: String = "built-in") {
        self.id = id; self.severity = severity; self.title = title; self.parameters = parameters; self.linear = linear
        self.about = about; self.origin = origin
    }

    /// The same rule, described as `about` says where it has no words of its own.
    public func describedBy(_ about: Message) -> RuleDescriptor {
        RuleDescriptor(id, severity, title, parameters: parameters, linear: linear, about: self.about ?? about, origin: origin)
    }
}

/// How a built-in rule reads as linear edits, for every indicator (or rules.yaml entry) it covers.
/// Listed in the order the edits are built.
public enum LinearForm: Sendable, CaseIterable {
    /// Every figure that is not a rate: `x >= 0`.
    case nonNegative
    /// Every rate within the rule's `min`…`max`.
    case rateRange
    /// Every yes/no figure: 0 or 1.
    case flagRange
    /// Every `part_whole` pair of rules.yaml: `part <= whole`.
    case partWhole
    /// Every rate of the catalog: `rate = 100 × numerator / denominator` within the tolerance.
    case rateIdentity
    /// Every `requires` pair of rules.yaml: `when > 0 → then > 0`.
    case requires
    /// Every summed indicator above a village: the total equals the sum of its children (± half a unit).
    case aggregateSum
    /// Every rate above a village: recomputed from the summed parts.
    case aggregateRate
    /// Every non-decreasing stock: not below the previous period.
    case stockNonDecreasing
    /// Every year-to-date figure: not below the previous period within the year.
    case ytdNonDecreasing
}

extension CheckSettings {
    /// The value a rule's parameter has: as configured in `rules.yaml`, else its default.
    public func value(_ parameter: RuleParameter, of id: RuleID) -> Double {
        settings[id]?.params[parameter.name] ?? parameter.defaultValue
    }

    /// Refuses what no rule reads: a setting for an id no check reports, a parameter the rule
    /// does not have (`tolerence: 0.5`), a value outside the parameter's range — each with the
    /// file and line, since a typo would otherwise be silently ignored.
    public func verify(_ descriptors: [RuleDescriptor]) throws {
        let known = Dictionary(descriptors.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for s in settings.values.sorted(by: { ($0.line ?? 0) < ($1.line ?? 0) }) {
            guard let d = known[s.id] else {
                throw ReferenceError(file: path, line: s.line, "no check reports “\(s.id)”: is the id misspelt? (`renju rules` lists them)")
            }
            var written: [(name: String, value: Double, line: Int?)] =
                s.params.map { ($0.key, $0.value, s.paramLines[$0.key] ?? s.line) }
            for (kind, own) in s.byPeriod { written += own.map { ($0.key, $0.value, s.byPeriodLines[kind] ?? s.line) } }
            for (name, value, line) in written.sorted(by: { ($0.line ?? 0, $0.name) < ($1.line ?? 0, $1.name) }) {
                guard let p = d.parameters.first(where: { $0.name == name }) else {
                    let near = d.parameters.map(\.name).min { editDistance($0, name) < editDistance($1, name) }
                        .flatMap { editDistance($0, name) <= max(2, name.count / 3) ? "did you mean “\($0)”? " : nil } ?? ""
                    let have = near + (d.parameters.isEmpty ? "it has no parameters"
                        : "its parameters: " + d.parameters.map(\.name).joined(separator: ", "))
                    throw ReferenceError(file: path, line: line, "\(s.id) has no parameter “\(name)” (\(have); settings: severity, levels, enabled)")
                }
                if !p.range.contains(value) || (p.wholeNumber && value != value.rounded()) {
                    throw ReferenceError(file: path, line: line, "\(s.id).\(name) must be \(p.allowed) (got \(shortestDecimal(value)))")
                }
            }
        }
    }
}
