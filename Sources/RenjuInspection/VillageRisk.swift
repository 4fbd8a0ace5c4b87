import Foundation
import RenjuModel

/// The risk part of 抽查: how much each village's figures are in doubt, from a validation's open
/// findings (an error counts 1, a warning its impact score or 0.5), and which rules flagged which
/// of its figures. A finding above a village (a township's total that does not add up) is shared
/// equally by the villages under it; a finding on a rate names the rate's parts, the figures an
/// inspector can count.
public struct VillageRisk: Sendable {
    /// The villages' scores (a village without an open finding has none).
    public let score: [UnitCode: Double]
    /// By village, the rules that flagged each figure (nil: the whole unit).
    public let rules: [UnitCode: [IndicatorID?: Set<RuleID>]]

    public init(findings: [Finding], villages: some Sequence<UnitCode>, tree: DivisionTree, catalog: Catalog) {
        let villageSet = Set(villages)
        // Each unit above a village: the villages under it, in code order.
        var under: [UnitCode: [UnitCode]] = [:]
        for v in villageSet.sorted() {
            var u = v
            while let p = tree.parent(of: u), p != u { under[p, default: []].append(v); u = p }
        }
        var score: [UnitCode: Double] = [:], rules: [UnitCode: [IndicatorID?: Set<RuleID>]] = [:]
        for f in findings where f.isOpen && f.severity >= .warning {
            guard let u = f.unit else { continue }
            let s = f.score ?? (f.severity == .error ? 1 : 0.5)
            let targets = villageSet.contains(u) ? [u] : (under[u] ?? [])
            guard !targets.isEmpty else { continue }
            for t in targets {
                score[t, default: 0] += s / Double(targets.count)
                var named: [IndicatorID?] = [nil]
                if t == u, let id = f.indicator {
                    if let ind = catalog[id], case let .rate(n, d) = ind.kind { named = [n, d] } else { named = [id] }
                }
                for n in named { rules[t, default: [:]][n, default: []].insert(f.rule) }
            }
        }
        self.score = score
        self.rules = rules
    }

    /// The rules that flagged a figure of the village, or the whole village.
    public func rules(of village: UnitCode, indicator: IndicatorID) -> [RuleID] {
        let flags = rules[village] ?? [:]
        return (flags[indicator] ?? []).union(flags[nil] ?? []).sorted()
    }

    /// Why a village was drawn for its risk, as the inspection workbook says it.
    public func reason(_ village: UnitCode) -> String {
        let names = Set((rules[village] ?? [:]).values.flatMap { $0 }).map(\.description).sorted()
        return names.joined(separator: "、") + String(format: "（影响分 %.2f）", score[village] ?? 0)
    }
}
