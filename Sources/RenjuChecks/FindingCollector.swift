import Foundation
import RenjuModel
import RenjuReference

/// The one place where `rules.yaml` meets the findings: every finding — of the readers, the
/// built-in checks and the user's rules alike — gets its rule's configured severity, and is
/// dropped when the rule is switched off or does not apply at the unit's level.
public struct FindingCollector: Sendable {
    let settings: CheckSettings
    let userRules: [RuleID: UserRule]
    let tree: DivisionTree

    public init(reference: ReferenceData) {
        settings = reference.checks
        userRules = Dictionary(reference.checks.userRules.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        tree = reference.tree
    }

    public func admit(_ f: Finding) -> Finding? {
        let level = f.unit.flatMap { CheckContext.level(of: $0, in: tree) }
        var g = f
        if let s = settings[f.rule] {
            guard s.applies(to: level) else { return nil }
            g.severity = s.severity
        } else if let r = userRules[f.rule] {
            if let levels = r.levels, let level, !levels.contains(level) { return nil }
            g.severity = r.severity
        }
        return g
    }

    public func admit(_ list: [Finding]) -> [Finding] { list.compactMap(admit) }
}
