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
        /// Of the skipped, those without enough history (no figure of the earlier period a rule compares with).
        public var noHistory = 0
        public init(evaluated: Int = 0, skipped: Int = 0, noHistory: Int = 0) { self.evaluated = evaluated; self.skipped = skipped; self.noHistory = noHistory }
    }

    private let lock = NSLock()
    private var counts: [RuleID: Count] = [:]

    public init() {}

    public func add(_ id: RuleID, _ c: Count) {
        lock.lock(); defer { lock.unlock() }
        counts[id, default: Count()].evaluated += c.evaluated
        counts[id, default: Count()].skipped += c.skipped
        counts[id, default: Count()].noHistory += c.noHistory
    }

    public func add(_ units: UnitCounter) { for (id, c) in units.all { add(id, c) } }

    public var snapshot: [RuleID: Count] {
        lock.lock(); defer { lock.unlock() }
        return counts
    }
}

/// A check's local count, unit by unit: `ran` when a test of the rule ran for the unit, `missing`
/// when one could not for a missing figure; `next()` closes the unit (evaluated when any test
/// ran, skipped when none ran and one was missing). Rules are registered once as slots: the
/// counting in the checks' inner loops is array indexing, never hashing a rule id.
public struct UnitCounter: Sendable {
    public struct Slot: Sendable { let index: Int }
    private var ids: [RuleID] = []
    private var counts: [RuleTally.Count] = []
    /// The unit being counted: a bit a slot (a check reports far fewer than 64 rules).
    private var ranBits: UInt64 = 0, missedBits: UInt64 = 0

    public init() {}

    /// The slot of a rule (registered on first use: call it once, outside the loops).
    public mutating func slot(_ id: RuleID) -> Slot {
        if let i = ids.firstIndex(of: id) { return Slot(index: i) }
        precondition(ids.count < 64, "a check counts at most 64 rules")
        ids.append(id); counts.append(.init())
        return Slot(index: ids.count - 1)
    }

    @inline(__always) public mutating func ran(_ s: Slot) { ranBits |= 1 << UInt64(s.index) }
    @inline(__always) public mutating func missing(_ s: Slot) { missedBits |= 1 << UInt64(s.index) }

    public mutating func next() {
        guard ranBits | missedBits != 0 else { return }
        var bits = ranBits | missedBits
        while bits != 0 {
            let i = bits.trailingZeroBitCount
            if ranBits & (1 << UInt64(i)) != 0 { counts[i].evaluated += 1 } else { counts[i].skipped += 1 }
            bits &= bits - 1
        }
        ranBits = 0; missedBits = 0
    }

    /// Units counted at once (a test over peers; a rule every unit with figures is held against).
    @inline(__always) public mutating func add(_ s: Slot, evaluated: Int, skipped: Int = 0, noHistory: Int = 0) {
        counts[s.index].evaluated += evaluated
        counts[s.index].skipped += skipped
        counts[s.index].noHistory += noHistory
    }

    public mutating func add(_ id: RuleID, evaluated: Int, skipped: Int = 0, noHistory: Int = 0) {
        add(slot(id), evaluated: evaluated, skipped: skipped, noHistory: noHistory)
    }

    public var all: [(RuleID, RuleTally.Count)] { Array(zip(ids, counts)) }
}

/// One rule in a validation's summary: units evaluated, units with a finding, units skipped.
public struct RuleSummary: Sendable, Equatable {
    public let rule: RuleID
    public let evaluated: Int
    public let failed: Int
    public let skipped: Int
    /// Of the skipped, the units without enough history.
    public var skippedNoHistory = 0
    public init(rule: RuleID, evaluated: Int, failed: Int, skipped: Int, skippedNoHistory: Int = 0) {
        self.rule = rule; self.evaluated = evaluated; self.failed = failed; self.skipped = skipped; self.skippedNoHistory = skippedNoHistory
    }
}
