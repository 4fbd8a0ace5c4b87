import Foundation

/// Which part of an inspection sample a unit was drawn in: by risk (probability proportional to
/// its findings' scores) or purely at random (so that honest-looking data is checked too).
public enum SamplePart: String, Sendable, Codable, Equatable {
    case risk, random
}

/// One figure of a sampled unit, to be verified on site.
public struct SampledFigure: Sendable, Equatable {
    public let unit: UnitCode
    public let part: SamplePart
    /// The unit's inclusion probability in the whole design (risk or random).
    public let probability: Double
    public let indicator: IndicatorID
    public let reported: Double?
    /// The rules whose findings named this figure (or the unit, naming no figure).
    public let rules: [RuleID]
    public init(unit: UnitCode, part: SamplePart, probability: Double, indicator: IndicatorID, reported: Double?, rules: [RuleID]) {
        self.unit = unit; self.part = part; self.probability = probability; self.indicator = indicator
        self.reported = reported; self.rules = rules
    }
}

/// An inspection sample (抽查): how it was drawn and the figures to verify.
public struct InspectionSample: Sendable {
    public var id: Int64?
    public let period: Period
    public let seed: UInt64
    public let size: Int
    public let randomShare: Double
    public let grouping: Level
    public let at: String
    public let who: String
    public let figures: [SampledFigure]
    public init(id: Int64?, period: Period, seed: UInt64, size: Int, randomShare: Double, grouping: Level, at: String, who: String, figures: [SampledFigure]) {
        self.id = id; self.period = period; self.seed = seed; self.size = size; self.randomShare = randomShare
        self.grouping = grouping; self.at = at; self.who = who; self.figures = figures
    }
    /// The sampled units, in code order, with their part and probability.
    public var units: [(unit: UnitCode, part: SamplePart, probability: Double)] {
        var seen = Set<UnitCode>()
        return figures.compactMap { f in seen.insert(f.unit).inserted ? (f.unit, f.part, f.probability) : nil }.sorted { $0.unit < $1.unit }
    }
}

/// What an inspector found for one figure: confirmed, or wrong with the true value. Recorded
/// beside the submitted figure, never over it.
public struct InspectionResult: Sendable, Equatable {
    public let sampleID: Int64
    public let period: Period
    public let unit: UnitCode
    public let indicator: IndicatorID
    public let reported: Double?
    /// The value found on site (nil when confirmed without one).
    public let found: Double?
    public let wrong: Bool
    public let inspector: String
    public let inspectedOn: String?
    public let recordedAt: String
    public let recordedBy: String
    public init(sampleID: Int64, period: Period, unit: UnitCode, indicator: IndicatorID, reported: Double?, found: Double?, wrong: Bool,
                inspector: String, inspectedOn: String?, recordedAt: String, recordedBy: String) {
        self.sampleID = sampleID; self.period = period; self.unit = unit; self.indicator = indicator; self.reported = reported
        self.found = found; self.wrong = wrong; self.inspector = inspector; self.inspectedOn = inspectedOn
        self.recordedAt = recordedAt; self.recordedBy = recordedBy
    }
}
