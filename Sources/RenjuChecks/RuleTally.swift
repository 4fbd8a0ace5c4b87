import Foundation
import RenjuModel
import RenjuReference

/// How many units a rule was evaluated on, and how many it could not evaluate for a missing
/// figure — what was checked, not only what failed (R validate's `summary()`). Checks count
/// locally, unit by unit, and add their counts once at the end (checks run side by side).
public final class RuleTally: @unchecked Sendable {
    public struct Count: Sendable, Equatable {
        public var evaluated = 0
        public var skipped = 0
        public init(evaluated: Int = 0, skipped: Int = 0) { self.evaluated = evaluated; self.skipped = skipped }
    }

    private let lock = NSLock()
    private var counts: [RuleID: Count] = [:]

    public init() {}

    public func add(_ id: RuleID, _ c: Count) {
        lock.lock(); defer { lock.unlock() }
        counts[id, default: Count()].evaluated += c.evaluated
        counts[id, default: Count()].skipped += c.skipped
    }

    public func add(_ units: UnitCounter) { for (id, c) in units.counts { add(id, c) } }

    public var snapshot: [RuleID: Count] {
        lock.lock(); defer { lock.unlock() }
        return counts
    }
}

/// A check's local count, unit by unit: `ran` when a test of the rule ran for the unit, `missing`
/// when one could not for a missing figure; `next()` closes the unit (evaluated when any test
/// ran, skipped when none ran and one was missing).
public struct UnitCounter: Sendable {
    public private(set) var counts: [RuleID: RuleTally.Count] = [:]
    private var ran: Set<RuleID> = []
    private var missed: Set<RuleID> = []

    public init() {}

    public mutating func ran(_ id: RuleID) { ran.insert(id) }
    public mutating func missing(_ id: RuleID) { missed.insert(id) }

    public mutating func next() {
        for id in ran { counts[id, default: .init()].evaluated += 1 }
        for id in missed.subtracting(ran) { counts[id, default: .init()].skipped += 1 }
        ran.removeAll(keepingCapacity: true); missed.removeAll(keepingCapacity: true)
    }

    /// Many units at once (a test over peers: every unit with the figures was evaluated).
    public mutating func add(_ id: RuleID, evaluated: Int, skipped: Int = 0) {
        counts[id, default: .init()].evaluated += evaluated
        counts[id, default: .init()].skipped += skipped
    }
}

/// One rule in a validation's summary: units evaluated, units with a finding, units skipped.
public struct RuleSummary: Sendable, Equatable {
    public let rule: RuleID
    public let evaluated: Int
    public let failed: Int
    public let skipped: Int
}
