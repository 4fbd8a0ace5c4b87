import Foundation
import RenjuModel

extension CheckContext {
    /// The unit whose subtree bounds a unit's peers: its county for units below a county (a
    /// village is compared with the villages of its county, not of the province), the parent for
    /// a county or above. Nil for a unit the divisions do not know.
    public func peerScope(of unit: UnitCode) -> UnitCode? {
        let tree = reference.tree
        guard let level = tree.level(of: unit) else { return nil }
        if level <= .county { return tree.parent(of: unit) }
        var u = unit
        for _ in 0..<8 {
            guard let p = tree.parent(of: u) else { return nil }
            if let lp = tree.level(of: p), lp <= .county { return p }
            u = p
        }
        return nil
    }

    /// Units of one level split into peer groups (by `peerScope`), as indices into `units`, in
    /// a fixed order.
    public func peerGroups(_ units: [(unit: UnitCode, submission: Int)]) -> [[Int]] {
        var groups: [UnitCode?: [Int]] = [:]
        var order: [UnitCode?] = []
        for (k, u) in units.enumerated() {
            let s = peerScope(of: u.unit)
            if groups[s] == nil { order.append(s) }
            groups[s, default: []].append(k)
        }
        return order.map { groups[$0] ?? [] }
    }
}
