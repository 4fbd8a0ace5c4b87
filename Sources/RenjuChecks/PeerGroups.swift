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

    /// The units of a level (as in `unitsByLevel`) split into peer groups by `peerScope`, as
    /// indices into that level's units, in a fixed order; computed once for every check.
    public func peerGroups(at level: Level) -> [[Int]] {
        if let hit = shared.groups(level) { return hit }
        let units = unitsByLevel.first { $0.level == level }?.units ?? []
        let groups = peerGroups(units)
        shared.setGroups(level, groups)
        return groups
    }

    /// Units split into peer groups (by `peerScope`), as indices into `units`, in a fixed order.
    public func peerGroups(_ units: [(unit: UnitCode, submission: Int)]) -> [[Int]] {
        var groups: [UnitCode?: [Int]] = [:]
        var order: [UnitCode?] = []
        // Below the county a unit's scope is found by walking up from its parent: worked out once
        // a parent (a township's villages share it), not once a village.
        let tree = reference.tree
        var scopeFromParent = UnitIndex()
        var scopes: [UnitCode?] = []
        for (k, u) in units.enumerated() {
            let s: UnitCode?
            if let level = tree.level(of: u.unit), level > .county, let p = tree.parent(of: u.unit) {
                if let i = scopeFromParent[p] { s = scopes[Int(i)] } else {
                    s = peerScope(of: u.unit)
                    scopeFromParent.set(p, Int32(truncatingIfNeeded: scopes.count)); scopes.append(s)
                }
            } else {
                s = peerScope(of: u.unit)
            }
            if groups[s] == nil { order.append(s) }
            groups[s, default: []].append(k)
        }
        return order.map { groups[$0] ?? [] }
    }
}

/// Where the units of one level are: each unit's row in its submission and in the two periods
/// before, and its parent — looked up once for every check (each lookup hashes a code).
public struct LevelIndex: Sendable {
    public let rows: [Int?]
    public let prevRows: [Int?]
    public let earlierRows: [Int?]
    public let parents: [UnitCode?]
}

extension CheckContext {
    public func levelIndex(at level: Level) -> LevelIndex {
        shared.index(level) {
            let units = unitsByLevel.first { $0.level == level }?.units ?? []
            let tree = reference.tree
            return LevelIndex(rows: units.map { submissions[$0.submission].values.row(of: $0.unit) },
                              prevRows: units.map { previousValues.row(of: $0.unit) },
                              earlierRows: units.map { earlierValues.row(of: $0.unit) },
                              parents: units.map { tree.parent(of: $0.unit) })
        }
    }
}

/// Results several checks share, computed by the first that needs them (checks run side by side).
final class SharedComputations: @unchecked Sendable {
    private var peerGroups: [Level: [[Int]]] = [:]
    private var indices: [Level: LevelIndex] = [:]
    private var figureReader: FigureReader?
    func reader(_ make: () -> FigureReader) -> FigureReader {
        lock.withLock {
            if let r = figureReader { return r }
            let r = make()
            figureReader = r
            return r
        }
    }
    private let lock = NSLock()
    func groups(_ level: Level) -> [[Int]]? { lock.withLock { peerGroups[level] } }
    func setGroups(_ level: Level, _ g: [[Int]]) { lock.withLock { peerGroups[level] = g } }
    /// The level's index, computed once (a second check asking meanwhile waits for it).
    func index(_ level: Level, _ make: () -> LevelIndex) -> LevelIndex {
        lock.withLock {
            if let hit = indices[level] { return hit }
            let made = make()
            indices[level] = made
            return made
        }
    }
}
