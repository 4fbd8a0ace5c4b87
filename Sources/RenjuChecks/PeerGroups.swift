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
    /// indices into that level's units, in a fixed order; computed once for every check (a check
    /// asking meanwhile waits for it, as for `levelIndex`).
    public func peerGroups(at level: Level) -> [[Int]] {
        let parents = levelIndex(at: level).parents
        return shared.groups(level) {
            peerGroups(unitsByLevel.first { $0.level == level }?.units ?? [], parents: parents)
        }
    }

    /// Units split into peer groups (by `peerScope`), as indices into `units`, in a fixed order.
    public func peerGroups(_ units: [(unit: UnitCode, submission: Int)]) -> [[Int]] {
        peerGroups(units, parents: nil)
    }

    /// `peerGroups(_:)` with each unit's parent in the tree when known (`LevelIndex.parents`).
    func peerGroups(_ units: [(unit: UnitCode, submission: Int)], parents: [UnitCode?]?) -> [[Int]] {
        var groups: [[Int]] = []
        var groupOfScope: [UnitCode?: Int] = [:]
        func group(_ scope: UnitCode?) -> Int {
            if let g = groupOfScope[scope] { return g }
            groupOfScope[scope] = groups.count
            groups.append([])
            return groups.count - 1
        }
        // Below the county a unit's scope is found by walking up from its parent: worked out once
        // a parent (a township's villages share it), not once a village.
        let tree = reference.tree
        let knownParents = parents.flatMap { $0.count == units.count ? $0 : nil }
        var groupFromParent = UnitIndex()
        for (k, u) in units.enumerated() {
            let g: Int
            if let level = tree.level(of: u.unit), level > .county, let p = knownParents.map({ $0[k] }) ?? tree.parent(of: u.unit) {
                if let i = groupFromParent[p] { g = Int(i) } else {
                    g = group(peerScope(of: u.unit))
                    groupFromParent.set(p, Int32(truncatingIfNeeded: g))
                }
            } else {
                g = group(peerScope(of: u.unit))
            }
            groups[g].append(k)
        }
        return groups
    }
}

/// Units (indices into a level's units) put under their parents (`LevelIndex.parents`), the
/// parents in the order first met; a unit without a parent is left out. Through a unit index: a
/// province's villages are not hashed one by one.
func byParent(_ units: some Sequence<Int>, parents: [UnitCode?]) -> (parents: [UnitCode], children: [[Int]]) {
    var slotOf = UnitIndex()
    var order: [UnitCode] = [], children: [[Int]] = []
    for k in units {
        guard k < parents.count, let p = parents[k] else { continue }
        if let slot = slotOf.insert(p, Int32(truncatingIfNeeded: order.count)) { children[Int(slot)].append(k) } else {
            order.append(p); children.append([k])
        }
    }
    return (order, children)
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
            let previous = previousValues, earlier = earlierValues
            let historyRows: @Sendable () -> ([Int?], [Int?]) = {
                (previous.rows(of: units.lazy.map(\.unit)), earlier.rows(of: units.lazy.map(\.unit)))
            }
            // A large level's history rows are looked up on a thread of their own meanwhile: the
            // checks that start first all need this index, and wait for it.
            let history = units.count < Self.levelSplitUnits ? nil : InBackground(historyRows)
            // Each unit's row tried first after the last found in its submission.
            var cursors = [PeriodValues.RowCursor](repeating: PeriodValues.RowCursor(), count: submissions.count)
            let rows = units.map { u -> Int? in
                cursors[u.submission].row(of: u.unit, in: submissions[u.submission].values)
            }
            let parents = units.map { tree.parent(of: $0.unit) }
            let (prevRows, earlierRows) = history?.value ?? historyRows()
            return LevelIndex(rows: rows, prevRows: prevRows, earlierRows: earlierRows, parents: parents)
        }
    }

    /// Units of a level from which its index is made on two threads.
    static let levelSplitUnits = 50_000
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
    /// The level's peer groups, computed once (a second check asking meanwhile waits for them).
    func groups(_ level: Level, _ make: () -> [[Int]]) -> [[Int]] {
        lock.withLock {
            if let hit = peerGroups[level] { return hit }
            let made = make()
            peerGroups[level] = made
            return made
        }
    }
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
