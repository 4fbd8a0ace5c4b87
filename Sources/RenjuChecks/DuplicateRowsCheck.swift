import Foundation
import RenjuModel
import RenjuReference

/// `duplicate.rows`: units of one submission with identical values in six or more non-zero
/// indicators — copy-pasted rows.
public struct DuplicateRowsCheck: Check {
    public var cost: CheckCost { .large }
    public static let id = RuleID(.duplicate, "rows")
    public init() {}
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.id, .warning, Message(zh: "疑似复制粘贴的行", en: "Copy-pasted rows"), parameters: [Self.minIndicators, Self.commonShare])]
    }
    public static let minIndicators = RuleParameter("min_indicators", default: 6, range: 2...1_000, wholeNumber: true,
                                                    Message(zh: "至少有几项非零指标相同才提示", en: "how many identical non-zero figures make two rows copies"))
    public static let commonShare = RuleParameter("common_share", default: 0.05, range: 0...1,
                                                  Message(zh: "超过此比例的行都有的数值不算相同（常见值）", en: "a value shared by more than this share of rows is common, not copied"))
    public var explanation: Message {
        Message(zh: "同一报表中两个及以上单位有 6 项以上非零指标（比率和是/否指标除外，多数单位都有的常见值不计）完全相同的，疑似复制粘贴。",
                en: "Two or more units of one submission with identical values in six or more non-zero indicators (rates, flags and values common to many units aside).")
    }

    /// Groups of rows (indices) sharing at least `minimum` identical non-zero values. In a
    /// submission of 40 rows or more, a value that many rows share (more than `commonShare` of them,
    /// and more than three) says nothing about copying — one public toilet, two cleaners — and does
    /// not count.
    /// The most rows one value may be shared by and still count towards a copy (see `groups`).
    public static let maxShared = 20

    /// Forms of up to this many rows count each pair's shared values in a table of all pairs
    /// (1 MiB at most); larger ones sort the pairs' notes.
    static let countedRows = 512

    public static func groups(_ rows: [[IndicatorID: Double]], minimum: Int, commonShare: Double = 0.05) -> [[Int]] {
        let ids = Set(rows.flatMap(\.keys)).sorted()
        return groups(columns: ids.map { id in rows.map { $0[id] } }, rows: rows.count, minimum: minimum, commonShare: commonShare)
    }

    /// The same, from one array per indicator holding each row's value.
    public static func groups(columns: [[Double?]], rows n: Int, minimum: Int, commonShare: Double = 0.05) -> [[Int]] {
        var flat = [Double](repeating: 0, count: columns.count * n)
        for (c, col) in columns.enumerated() { for (i, v) in col.prefix(n).enumerated() { flat[c * n + i] = v ?? 0 } }
        return groups(flat: flat, columns: columns.count, rows: n, minimum: minimum, commonShare: commonShare)
    }

    /// The same, from the columns one after another in one array (`n` entries each; a zero, a
    /// NaN — a blank — is no value): equal values are found by hashing each column, so a
    /// province's submissions cost no more than their rows.
    static func groups(flat: [Double], columns k: Int, rows n: Int, minimum: Int, commonShare: Double) -> [[Int]] {
        guard n > 1, flat.count >= k * n else { return [] }
        // In a small submission every coincidence is worth a look; in a large one common values are
        // noise. Copied rows come in twos and threes: a value shared by more than `maxShared` rows
        // is never a copy signal, which also keeps the pairs counted linear in the rows (a
        // 400,000-row file once counted 10¹¹ pairs).
        let common = n < 40 ? Int.max : max(3, min(Self.maxShared, Int((commonShare * Double(n)).rounded(.down))))
        // Equal values are found by hashing their bits (a figure is neither zero nor NaN here, so
        // equal bits are equal values): each value's rows are chained from its slot. Every pair of
        // rows sharing a rare value is noted once a column; runs of a pair in the sorted notes
        // count the values the two rows share.
        var pairKeys: [Int] = []
        var table = ValueTable(rows: n)
        var members: [Int] = []
        flat.withUnsafeBufferPointer { all in
            for c in 0..<k {
                table.fill(UnsafeBufferPointer(rebasing: all[(c * n)..<(c * n + n)]))
                for slot in table.used {
                    let size = table.count(slot)
                    // Only rare values count: a value many rows share says nothing about copying.
                    guard size > 1, size <= common else { continue }
                    table.rows(slot, into: &members)
                    for a in 0..<members.count {
                        for b in (a + 1)..<members.count {
                            let x = members[a], y = members[b]
                            pairKeys.append(min(x, y) * n + max(x, y))
                        }
                    }
                }
            }
        }
        guard pairKeys.count >= minimum else { return [] }
        var parent = Array(0..<n)
        func root(_ i: Int) -> Int { var i = i; while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }; return i }
        var joined = false
        if n <= Self.countedRows {
            // A form of a township's size: the notes of each pair counted in a table of all pairs.
            var notes = [Int32](repeating: 0, count: n * n)
            notes.withUnsafeMutableBufferPointer { notes in
                for key in pairKeys {
                    notes[key] += 1
                    if notes[key] == minimum { parent[root(key % n)] = root(key / n); joined = true }
                }
            }
        } else {
            pairKeys.sort()
            var s = 0
            while s < pairKeys.count {
                var e = s + 1
                while e < pairKeys.count, pairKeys[e] == pairKeys[s] { e += 1 }
                if e - s >= minimum { let key = pairKeys[s]; parent[root(key % n)] = root(key / n); joined = true }
                s = e
            }
        }
        guard joined else { return [] }
        // Each group's rows in order, the groups in the order of their first row.
        var byRoot = [[Int]](repeating: [], count: n)
        for i in 0..<n { byRoot[root(i)].append(i) }
        return byRoot.filter { $0.count > 1 }.sorted { $0[0] < $1[0] }
    }

    /// The values of one column, by their bits: for each distinct value, how many rows hold it
    /// and which (chained through `next`). Reused column after column: a slot is empty unless
    /// stamped with the current column.
    struct ValueTable {
        struct Slot { var key: UInt64 = 0; var stamp: Int32 = 0; var head: Int32 = -1; var count: Int32 = 0 }
        private var slots: [Slot]
        private var next: [Int32]
        private var stamp: Int32 = 0
        private let mask: Int
        /// The slots filled for the current column, in the order first filled.
        private(set) var used: [Int] = []

        init(rows: Int) {
            var size = 16
            while size < rows * 2 { size <<= 1 }
            slots = Array(repeating: Slot(), count: size)
            next = Array(repeating: -1, count: max(rows, 1))
            mask = size - 1
        }

        /// Puts a column's values in (as many as the table has rows), forgetting the last column's.
        mutating func fill(_ column: UnsafeBufferPointer<Double>) {
            stamp += 1
            used.removeAll(keepingCapacity: true)
            let stamp = stamp, mask = mask, rows = min(column.count, next.count)
            var used = used
            self.used = []
            slots.withUnsafeMutableBufferPointer { slots in
                next.withUnsafeMutableBufferPointer { next in
                    for row in 0..<rows {
                        let v = column[row]
                        guard v != 0, v == v else { continue }
                        let bits = v.bitPattern
                        var h = Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
                        while slots[h].stamp == stamp, slots[h].key != bits { h = (h + 1) & mask }
                        if slots[h].stamp != stamp {
                            slots[h] = Slot(key: bits, stamp: stamp, head: -1, count: 0)
                            used.append(h)
                        }
                        next[row] = slots[h].head
                        slots[h].head = Int32(truncatingIfNeeded: row)
                        slots[h].count += 1
                    }
                }
            }
            self.used = used
        }

        func count(_ slot: Int) -> Int { Int(slots[slot].count) }

        /// The rows holding the slot's value, into a buffer reused from value to value.
        func rows(_ slot: Int, into out: inout [Int]) {
            out.removeAll(keepingCapacity: true)
            var r = slots[slot].head
            while r >= 0 { out.append(Int(r)); r = next[Int(r)] }
        }
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        let minimum = Int(ctx.reference.checks.value(Self.minIndicators, of: Self.id))
        let commonShare = ctx.reference.checks.value(Self.commonShare, of: Self.id)
        let ids = ctx.catalog.indicators.filter { !$0.kind.isRate && !$0.kind.isFlag }.map(\.id)
        var out: [Finding] = []
        var tally = UnitCounter()
        let slotId = tally.slot(Self.id)
        defer { ctx.tally.add(tally) }
        var flat: [Double] = []
        for sub in ctx.submissions {
            // Peers are rows of the same level: a total row is not compared with its villages.
            // (Levels in a fixed order: no dictionary order reaches the findings or their order.)
            let byLevel = Dictionary(grouping: sub.rows.indices) { ctx.level(ofRow: $0, in: sub) }
            for level in byLevel.keys.sorted(by: { ($0?.depth ?? 99) < ($1?.depth ?? 99) }) {
                let codes = (byLevel[level] ?? []).map { sub.rows[$0].code }
                tally.add(slotId, evaluated: codes.count > 1 ? codes.count : 0, skipped: codes.count > 1 ? 0 : codes.count)
                // The level's rows' figures, column after column (0 for none), in one reused array.
                let n = codes.count
                let rows = sub.values.rows(of: codes)
                flat.removeAll(keepingCapacity: true)
                flat.append(contentsOf: repeatElement(0, count: ids.count * n))
                for (k, id) in ids.enumerated() {
                    guard let c = sub.values.column(for: id) else { continue }
                    for (i, r) in rows.enumerated() { if let r, let v = sub.values.value(row: r, column: c) { flat[k * n + i] = v } }
                }
                for g in Self.groups(flat: flat, columns: ids.count, rows: n, minimum: minimum, commonShare: commonShare) {
                    let units = g.map { codes[$0] }
                    let names = units.map { "\(ctx.name(of: $0, in: sub) ?? "")（\($0)）" }.joined(separator: "、")
                    let shared = ids.filter { id in
                        guard let v = sub.values[units[0], id], v != 0 else { return false }
                        return units.allSatisfy { sub.values[$0, id] == v }
                    }.compactMap { ctx.catalog[$0]?.name }
                    for u in units {
                        out += [ctx.finding(Self.id, unit: u, sub: sub, message: Message(
                            zh: "\(names) 有 \(shared.count) 项指标数值完全相同（\(shared.prefix(8).joined(separator: "、"))\(shared.count > 8 ? "等" : "")），疑似复制粘贴：请逐村核实",
                            en: "\(units.map(\.rawValue).joined(separator: ", ")) share \(shared.count) identical non-zero figures: rows look copy-pasted"),
                            source: sub.rows.first { $0.code == u }?.source)]
                    }
                }
            }
        }
        return out
    }
}
