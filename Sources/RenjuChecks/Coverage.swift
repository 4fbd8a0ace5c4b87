import Foundation
import RenjuModel

/// What a validation could not check, and why — said in every report rather than left for a
/// quiet report to be read as a clean one: units with no figures of the period before (no
/// temporal check for them), periods missing between the history and the checked period, and the
/// rules that skipped units for a missing figure or too few peers.
public struct Coverage: Sendable, Equatable {
    /// The period the temporal checks compare with.
    public let previousPeriod: Period
    /// Checked units without figures of `previousPeriod`, in code order.
    public let unitsWithoutHistory: [UnitCode]
    /// Periods after the newest one in the history and before the checked one (none when the
    /// history holds the period before, or holds nothing).
    public let missingPeriods: [Period]
    /// Whether the input or the store held any earlier period at all.
    public let hasHistory: Bool
    /// Each rule that skipped units, with how many, in rule order.
    public let skipped: [RuleSkip]

    public struct RuleSkip: Sendable, Equatable {
        public let rule: RuleID
        public let units: Int
    }
    /// Blank cells of one indicator read by its declaration (not applicable, or zero).
    public struct BlankCount: Sendable, Equatable {
        public let indicator: IndicatorID
        public let cells: Int
    }

    /// Of the units without history, those the change table names (split without a share, a
    /// merge whose predecessors are missing): told apart from units nothing is known of.
    public var changedWithoutHistory = 0
    /// Checked units whose history was carried from earlier codes (the change table).
    public var carried = 0
    /// Blank cells of not-applicable indicators: neither required nor checked.
    public var notApplicable: [BlankCount] = []
    /// Blank cells read as 0 (`blank: zero`): checked as 0.
    public var blanksAsZero: [BlankCount] = []
    /// Rates published without their parts: not recomputed for totals (said once).
    public var ratesNotRolledUp: [IndicatorID] = []
    /// The names of the indicators listed above, for the sentence.
    public var indicatorNames: [IndicatorID: Message] = [:]

    /// Nothing left unchecked (blanks read as 0 are checked, and carried history is history).
    public var isComplete: Bool {
        unitsWithoutHistory.isEmpty && missingPeriods.isEmpty && skipped.isEmpty && notApplicable.isEmpty && ratesNotRolledUp.isEmpty
    }

    public init(period: Period, units: [UnitCode], history: Dataset, tallies: [RuleID: RuleTally.Count], enabled: (RuleID) -> Bool = { _ in true }) {
        previousPeriod = period.previous
        let before = history.periods[period.previous]
        // A row of the period before is enough (no figures copied out per unit: a province has half a million).
        var rows = PeriodValues.RowCursor()
        unitsWithoutHistory = units.filter { u in
            guard let before else { return true }
            return rows.row(of: u, in: before) == nil
        }.sorted()
        let earlier = history.periods.keys.filter { $0 < period }
        hasHistory = !earlier.isEmpty
        var missing: [Period] = []
        if let newest = earlier.max(), newest < period.previous {
            var p = period.previous
            while p > newest, missing.count < 48 { missing.append(p); p = p.previous }
        }
        missingPeriods = missing.sorted()
        skipped = tallies.filter { $0.value.skipped > 0 && enabled($0.key) }.map { RuleSkip(rule: $0.key, units: $0.value.skipped) }.sorted { $0.rule < $1.rule }
    }

    /// One paragraph for the text report.
    /// `ruleTitle`: how a rule is named (the desk names rules by their titles, not their ids).
    public func sentence(_ lang: Language, ruleTitle: (RuleID) -> String? = { _ in nil }) -> String {
        var parts: [String] = []
        func name(_ id: IndicatorID) -> String { indicatorNames[id]?.text(lang) ?? id.rawValue }
        if !hasHistory {
            parts.append(lang == .zh ? "输入和数据库中没有更早的报告期：未做与上期的比较" : "no earlier period in the input or the store: nothing was compared with a previous period")
        } else if !unitsWithoutHistory.isEmpty {
            let changed = changedWithoutHistory > 0
                ? (lang == .zh ? "（其中 \(changedWithoutHistory) 个在区划变更表中有记载）" : " (\(changedWithoutHistory) of them in the change table)") : ""
            parts.append(lang == .zh ? "\(unitsWithoutHistory.count) 个单位没有上期（\(previousPeriod)）数据\(changed)，未做与上期的比较"
                                     : "\(unitsWithoutHistory.count) units have no figures of \(previousPeriod)\(changed): not compared with it")
        }
        if !notApplicable.isEmpty {
            let list = notApplicable.map { "\(name($0.indicator))（\($0.cells)）" }.joined(separator: "、")
            parts.append(lang == .zh ? "不适用而未审核的空格（格数）：\(list)" : "blank cells declared not applicable, not checked (cells): \(list)")
        }
        if !ratesNotRolledUp.isEmpty {
            let list = ratesNotRolledUp.map(name).joined(separator: "、")
            parts.append(lang == .zh ? "未给出分子分母的比率，合计行不重算：\(list)" : "rates given without their parts, not recomputed for totals: \(list)")
        }
        if !missingPeriods.isEmpty {
            let list = missingPeriods.map(\.description).joined(separator: "、")
            parts.append(lang == .zh ? "历史数据与本期之间缺少报告期：\(list)" : "periods missing between the history and this one: \(list)")
        }
        if !skipped.isEmpty {
            let list = skipped.map { "\(ruleTitle($0.rule) ?? $0.rule.description)（\($0.units)）" }.joined(separator: "、")
            parts.append(lang == .zh ? "因缺少数据或同级单位太少而跳过的规则（单位数）：\(list)" : "rules that skipped units for a missing figure or too few peers (units): \(list)")
        }
        return parts.joined(separator: lang == .zh ? "；" : "; ")
    }
}
