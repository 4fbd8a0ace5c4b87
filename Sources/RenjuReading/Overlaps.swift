import Foundation
import RenjuModel

extension InputSet {
    /// Where one unit's figures for one period come from more than one place (two sheets of a
    /// workbook, two files, a copy of last quarter inside this quarter's workbook): figures that
    /// differ are a finding naming both places, and a submission wholly repeated elsewhere is read
    /// once. Never a silent choice.
    ///
    /// Which place wins, when they differ: a sheet of a file whose newest period is that period
    /// (the file sent for it) over a copy inside a later period's workbook; a visible sheet over a
    /// hidden one; then the order the files were given (folders in name order). Differences in the
    /// period being checked are errors (`format.conflicting_value`); in history, warnings
    /// (`format.history_conflict`), since they change the baseline of temporal checks.
    public mutating func reconcileOverlaps(catalog: Catalog? = nil) {
        guard submissions.count > 1 else { return }
        var newestOfFile: [Int: Period] = [:]
        for s in submissions { if let p = s.period { newestOfFile[s.fileIndex] = max(newestOfFile[s.fileIndex] ?? p, p) } }
        let newest = submissions.compactMap(\.period).max()
        var byPeriod: [Period: [Int]] = [:]
        for (i, s) in submissions.enumerated() { if let p = s.period { byPeriod[p, default: []].append(i) } }
        var dropped = Set<Int>()
        // Periods in order: the findings of one come before the next's, whatever the dictionary's order.
        for period in byPeriod.keys.sorted() {
            guard let indices = byPeriod[period], indices.count > 1 else { continue }
            // Files whose codes lie in ranges apart (a township's file each, as usual) share no unit.
            if codeRangesApart(indices) { continue }
            func rank(_ i: Int) -> Int {
                let s = submissions[i]
                return (s.period == newestOfFile[s.fileIndex] ? 0 : 2) + (s.hiddenSheet ? 1 : 0)
            }
            let order = indices.sorted { (rank($0), $0) < (rank($1), $1) }
            var owner = UnitIndex()
            owner.reserve(indices.reduce(0) { $0 + submissions[$1].rows.count })
            for i in order {
                // A sheet without figures (a code list for drop-downs) neither claims units nor is dropped.
                if submissions[i].values.isEmpty { continue }
                var overlapping: [(code: UnitCode, owner: Int)] = []
                var fresh: [UnitCode] = []
                // Codes only: the rows' names and sources are not touched (no reference counting a row).
                submissions[i].rows.withUnsafeBufferPointer { rows in
                    fresh.reserveCapacity(rows.count)
                    for k in rows.indices {
                        let code = rows[k].code
                        if let o = owner[code] { overlapping.append((code, Int(o))) } else { fresh.append(code) }
                    }
                }
                var conflicts = 0
                for (code, o) in overlapping {
                    conflicts += compare(code, later: i, earlier: o, period: period, checked: period == newest, catalog: catalog)
                }
                let s = submissions[i]
                if !overlapping.isEmpty, fresh.isEmpty {
                    // Wholly given elsewhere: read once.
                    dropped.insert(i)
                    if conflicts == 0 {
                        let first = submissions[owner[s.rows[0].code].map(Int.init) ?? i]
                        findings.append(Finding(
                            rule: .givenTwice, severity: .info, unit: nil, period: period,
                            message: Message(zh: "\(place(s)) 的数据与 \(place(first)) 完全相同，只读取一次",
                                             en: "\(place(s)) repeats the figures of \(place(first)); read once"),
                            source: s.rows.first?.source))
                    }
                    continue
                }
                for u in fresh { owner.set(u, Int32(truncatingIfNeeded: i)) }
            }
        }
        guard !dropped.isEmpty else { return }
        submissions = submissions.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
    }

    /// Whether the submissions' codes, each from its lowest to its highest, lie in ranges that do
    /// not meet (so no unit is in two of them).
    func codeRangesApart(_ indices: [Int]) -> Bool {
        // Each submission's range (a national quarter's million rows: side by side).
        let subs = submissions
        var ranges = indices.concurrentMap { i -> (low: UInt64, high: UInt64)? in
            subs[i].rows.withUnsafeBufferPointer { rows in
                guard var low = rows.first?.code.value else { return nil }
                var high = low
                for row in rows { low = min(low, row.code.value); high = max(high, row.code.value) }
                return (low, high)
            }
        }.compactMap { $0 }
        ranges.sort { $0.low < $1.low }
        for k in ranges.indices.dropFirst() where ranges[k].low <= ranges[k - 1].high { return false }
        return true
    }

    func place(_ s: Submission) -> String {
        let sheet = s.rows.first?.source?.sheet.map { ":\($0)" } ?? ""
        return s.file + sheet + (s.hiddenSheet ? "（隐藏表 / hidden sheet）" : "")
    }

    /// Findings for the figures of `unit` that two submissions give differently; their count.
    mutating func compare(_ unit: UnitCode, later: Int, earlier: Int, period: Period, checked: Bool, catalog: Catalog?) -> Int {
        let a = submissions[earlier].values, b = submissions[later].values
        var count = 0
        for (id, obs) in b.entries(of: unit) {
            guard let kept = a.observation(unit, id), kept.value != obs.value else { continue }
            count += 1
            let name = catalog?[id]?.name ?? id.rawValue, english = catalog?[id]?.englishName ?? id.rawValue
            let here = kept.source?.description ?? submissions[earlier].file
            let there = obs.source?.description ?? submissions[later].file
            let v1 = shortestDecimal(kept.value), v2 = shortestDecimal(obs.value)
            if checked {
                findings.append(Finding(
                    rule: .conflictingValue, severity: .error, unit: unit, period: period, indicator: id, value: obs.value, expected: kept.value,
                    message: Message(zh: "\(name)在两处填报的数值不同：\(here) 为 \(v1)，\(there) 为 \(v2)；已按 \(here) 审核，请删除错误的一处",
                                     en: "\(english) is given differently in two places: \(v1) at \(here), \(v2) at \(there); \(here) was checked — remove the wrong one"),
                    source: obs.source))
            } else {
                findings.append(Finding(
                    rule: .historyConflict, severity: .warning, unit: unit, period: period, indicator: id, value: obs.value, expected: kept.value,
                    message: Message(zh: "历史数据（\(period)）\(name)在两处不同：\(here) 为 \(v1)，\(there) 为 \(v2)；比较时采用 \(here)",
                                     en: "History (\(period)) \(english) differs between two places: \(v1) at \(here), \(v2) at \(there); \(here) is the baseline"),
                    source: obs.source))
            }
        }
        return count
    }
}
