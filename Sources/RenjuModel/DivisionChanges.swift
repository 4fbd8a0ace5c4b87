import Foundation

/// One line of a division change table (`division-changes.csv`) — the lists the statistics
/// bureau publishes with each year's 统计用区划代码: 撤县设区, 撤乡设镇, 村庄合并, renames.
public struct DivisionChange: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        /// The same unit under a new code or name (the same parent).
        case rename
        /// Several units became one: the new unit is compared with the sum of its predecessors.
        case merge
        /// One unit became several: each is compared with its `share` of the old unit.
        case split
        /// The same unit under another parent (a new code to match).
        case move

        public var chinese: String {
            switch self {
            case .rename: return "更名"
            case .merge: return "合并"
            case .split: return "拆分"
            case .move: return "划转"
            }
        }
    }

    /// The first day the new code is used: periods ending before it were reported under the old one.
    public let effective: CivilDate
    public let oldCode: UnitCode
    public let newCode: UnitCode
    public let kind: Kind
    /// For a split: the part of the old unit's amounts that went to the new one (0 < share ≤ 1).
    public let share: Double?
    public let note: String
    /// The line of the change table, for messages.
    public let line: Int

    public init(effective: CivilDate, oldCode: UnitCode, newCode: UnitCode, kind: Kind, share: Double? = nil, note: String = "", line: Int = 0) {
        self.effective = effective; self.oldCode = oldCode; self.newCode = newCode; self.kind = kind
        self.share = share; self.note = note; self.line = line
    }
}

/// The change table: how the units of earlier periods became today's. History is carried across
/// it before any check compares a unit with its past.
public struct DivisionChanges: Sendable {
    /// In the order they took effect, then the table's order.
    public let all: [DivisionChange]
    private let intoUnit: [UnitCode: [Int]]

    public init(_ changes: [DivisionChange] = []) {
        all = changes.enumerated().sorted { a, b in
            a.element.effective != b.element.effective ? a.element.effective < b.element.effective : a.offset < b.offset
        }.map(\.element)
        var into: [UnitCode: [Int]] = [:]
        for (i, c) in all.enumerated() { into[c.newCode, default: []].append(i) }
        intoUnit = into
    }

    public var isEmpty: Bool { all.isEmpty }

    /// The changes that made `unit` (it is their new code), in the order they took effect.
    public func changes(into unit: UnitCode) -> [DivisionChange] { (intoUnit[unit] ?? []).map { all[$0] } }

    /// The changes between a period's figures and the checked period's: effective after the
    /// earlier period ended and no later than the checked one ends.
    public func between(_ earlier: Period, _ checked: Period) -> [DivisionChange] {
        all.filter { earlier.endDate < $0.effective && !(checked.endDate < $0.effective) }
    }

    /// The earlier codes whose figures may be carried to `units` (their predecessors, and theirs),
    /// in code order: what a store must fetch besides the units themselves.
    public func predecessors(of units: [UnitCode]) -> [UnitCode] {
        guard !all.isEmpty else { return [] }
        var seen = Set(units), out: [UnitCode] = []
        var queue = units.filter { intoUnit[$0] != nil }
        while let u = queue.popLast() {
            for c in changes(into: u) where seen.insert(c.oldCode).inserted {
                out.append(c.oldCode); queue.append(c.oldCode)
            }
        }
        return out.sorted()
    }

    /// The history with every earlier period's figures carried to the codes of `checked`.
    public func carry(_ history: Dataset, to checked: Period, catalog: Catalog) -> CarriedHistory {
        var out = history
        var carried = Set<UnitCode>()
        var unshared: [UnitCode: DivisionChange] = [:]
        guard !all.isEmpty else { return CarriedHistory(dataset: out, carried: [], unsharedSplits: [:]) }
        for p in history.periods.keys.sorted() where p < checked {
            let steps = between(p, checked)
            guard !steps.isEmpty, var values = out.periods[p] else { continue }
            // One date at a time: a unit renamed in 2023 and merged in 2024 is carried twice.
            var i = 0
            while i < steps.count {
                var j = i
                while j < steps.count, steps[j].effective == steps[i].effective { j += 1 }
                let step = Self.apply(Array(steps[i..<j]), to: values, catalog: catalog)
                values = step.values
                carried.formUnion(step.carried)
                for (u, c) in step.unshared where unshared[u] == nil { unshared[u] = c }
                i = j
            }
            out.periods[p] = values
        }
        return CarriedHistory(dataset: out, carried: carried.sorted(), unsharedSplits: unshared)
    }

    /// One day's changes on one period's figures, read from the figures before any of them.
    static func apply(_ changes: [DivisionChange], to before: PeriodValues, catalog: Catalog)
        -> (values: PeriodValues, carried: Set<UnitCode>, unshared: [UnitCode: DivisionChange]) {
        // The new codes in the table's order, each with its lines.
        var order: [UnitCode] = [], lines: [UnitCode: [DivisionChange]] = [:]
        for c in changes {
            if lines[c.newCode] == nil { order.append(c.newCode) }
            lines[c.newCode, default: []].append(c)
        }
        var replaced: [UnitCode: [IndicatorID: Double]] = [:]
        var removed = Set<UnitCode>()
        var unshared: [UnitCode: DivisionChange] = [:]
        for new in order {
            let entries = lines[new] ?? []
            guard let first = entries.first else { continue }
            switch first.kind {
            case .rename, .move:
                // The same unit: its own figures, unless the period already has the new code.
                guard first.oldCode != new, before.contains(first.oldCode), !before.contains(new) else { continue }
                replaced[new] = before.figures(of: first.oldCode)
            case .merge:
                // The sum of the predecessors (and of the unit itself when it absorbed them).
                var sources = entries.map(\.oldCode)
                if before.contains(new), !sources.contains(new) { sources.append(new) }
                guard sources.allSatisfy(before.contains) else {
                    // Part of the merged unit is missing that period: no sum to compare with.
                    if before.contains(new) { removed.insert(new) }
                    continue
                }
                replaced[new] = Self.sum(sources, in: before, catalog: catalog)
            case .split:
                guard before.contains(first.oldCode) else { continue }
                if let share = first.share {
                    replaced[new] = Self.scaled(first.oldCode, by: share, in: before, catalog: catalog)
                } else {
                    unshared[new] = first
                    // A part compared with the whole would be a false fall: no baseline at all.
                    if before.contains(new) { removed.insert(new) }
                }
            }
        }
        guard !replaced.isEmpty || !removed.isEmpty else { return (before, [], unshared) }
        var out = PeriodValues()
        out.reserveCapacity(rows: before.codes.count + replaced.count)
        for u in before.codes where replaced[u] == nil && !removed.contains(u) {
            for (id, o) in before.entries(of: u) { out.set(u, id, o) }
        }
        for u in replaced.keys.sorted() {
            guard let figures = replaced[u] else { continue }
            for ind in catalog.indicators { if let v = figures[ind.id] { out.set(u, ind.id, Observation(v)) } }
        }
        return (out, Set(replaced.keys), unshared)
    }

    /// Amounts summed, rates recomputed from the summed parts, a flag kept where all agree.
    static func sum(_ units: [UnitCode], in values: PeriodValues, catalog: Catalog) -> [IndicatorID: Double] {
        var out: [IndicatorID: Double] = [:]
        for ind in catalog.indicators {
            let figures = units.compactMap { values[$0, ind.id] }
            guard figures.count == units.count, let first = figures.first else { continue }
            switch ind.kind {
            case .stock, .ytd, .flow: out[ind.id] = figures.reduce(0, +)
            case .flag: if figures.allSatisfy({ $0 == first }) { out[ind.id] = first }
            case .rate, .publishedRate: continue
            }
        }
        for ind in catalog.indicators {
            if case let .rate(n, d) = ind.kind, let r = RollUp.rate(numerator: out[n], denominator: out[d]) { out[ind.id] = r }
        }
        return out
    }

    /// Amounts times the share; rates and flags as they were (a part of a unit, the same mix).
    static func scaled(_ unit: UnitCode, by share: Double, in values: PeriodValues, catalog: Catalog) -> [IndicatorID: Double] {
        var out: [IndicatorID: Double] = [:]
        for ind in catalog.indicators {
            guard let v = values[unit, ind.id] else { continue }
            out[ind.id] = ind.kind.isSummed ? v * share : v
        }
        return out
    }
}

/// History carried across the change table.
public struct CarriedHistory: Sendable {
    public let dataset: Dataset
    /// Units whose earlier figures came from another code (renamed, moved, merged, split with a share).
    public let carried: [UnitCode]
    /// Units split off without a share: no baseline, with the change that says why.
    public let unsharedSplits: [UnitCode: DivisionChange]
}
