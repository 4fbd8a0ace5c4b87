import Foundation
import RenjuModel

/// What a run's inputs declare about themselves when they are not the county's own forms — a
/// published table that prints "—" for none, a panel of peer units without total rows. Applied
/// over the reference data for that run only: the office changes the declaration, never the data.
public struct InputConventions: Sendable, Equatable {
    /// What a blank means: for every indicator (`indicator` nil) or one, later entries winning.
    public struct Blank: Sendable, Equatable {
        public let indicator: String?
        public let meaning: BlankMeaning
        public init(indicator: String?, meaning: BlankMeaning) { self.indicator = indicator; self.meaning = meaning }

        /// `zero`, `not_applicable`, `required`, or `INDICATOR=MEANING` (the id or the Chinese name).
        public init?(_ text: String) {
            let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let m = (parts.last ?? "").lowercased().replacingOccurrences(of: "-", with: "_")
            guard let meaning = BlankMeaning(rawValue: m) else { return nil }
            if parts.count == 2 {
                guard let first = parts.first, !first.isEmpty else { return nil }
                self.init(indicator: first, meaning: meaning)
            } else { self.init(indicator: nil, meaning: meaning) }
        }
    }

    public var blanks: [Blank] = []
    /// The inputs hold no total rows (a panel of peer units): `completeness.missing_total` is off.
    public var withoutTotals = false
    /// Values for the localised and blank figures are wanted (`--impute`).
    public var impute = false
    /// With `impute`: a total that its units do not add up to is trusted, and the units' figures
    /// are scaled to it (`--trust-totals`).
    public var trustTotals = false

    public init(blanks: [Blank] = [], withoutTotals: Bool = false) { self.blanks = blanks; self.withoutTotals = withoutTotals }

    public var isEmpty: Bool { blanks.isEmpty && !withoutTotals }

    /// The reference data as these inputs read it.
    public func apply(to reference: ReferenceData) throws -> ReferenceData {
        guard !isEmpty else { return reference }
        var ref = reference
        if !blanks.isEmpty {
            var meaning: [IndicatorID: BlankMeaning] = [:]
            for b in blanks {
                if let name = b.indicator {
                    guard let id = reference.catalog.resolve(name), let ind = reference.catalog[id] else {
                        throw ReferenceError(file: "--blank", "“\(name)” is not an indicator of the catalog")
                    }
                    if b.meaning == .zero, ind.kind.isRate || ind.kind.isFlag {
                        throw ReferenceError(file: "--blank", "\(id)=zero: zero is for counts and amounts, not a rate or a yes/no figure")
                    }
                    meaning[id] = b.meaning
                } else {
                    // Every indicator — but a blank rate or flag is never 0: not applicable instead.
                    for ind in reference.catalog.indicators {
                        meaning[ind.id] = b.meaning == .zero && (ind.kind.isRate || ind.kind.isFlag) ? .notApplicable : b.meaning
                    }
                }
            }
            ref.catalog = Catalog(reference.catalog.indicators.map { ind in
                guard let m = meaning[ind.id], m != ind.blank else { return ind }
                return ind.with(blank: m)
            }, related: reference.catalog.related)
        }
        if withoutTotals {
            var s = ref.checks[CompletenessCheckIDs.missingTotal] ?? CheckSetting(id: CompletenessCheckIDs.missingTotal, severity: .error)
            s.enabled = false
            ref.checks.set(s)
        }
        return ref
    }
}

/// The rule a panel without total rows switches off (named here: the checks module is above this one).
enum CompletenessCheckIDs {
    static let missingTotal = RuleID(.completeness, "missing_total")
}
