import Foundation
import RenjuModel
import RenjuReference

/// `outlier.hb`: Hidiroglou–Berthelot on period-to-period ratios of every flow and of year-to-date
/// increments, per indicator, across the peer units of one level under the same county.
public struct HBCheck: Check {
    public static let id = RuleID(.outlier, "hb")
    /// The same test on year-to-date increments: its own rule, so that its severity can differ
    /// (quarterly increments of cumulative amounts are lumpy by nature: info by default).
    public static let ytdID = RuleID(.outlier, "hb_ytd")
    public init() {}
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.id, .warning, Message(zh: "与上期相比变动异常（HB 检验）", en: "Unusual change from last period (Hidiroglou–Berthelot)"),
                        parameters: Self.parameters),
         RuleDescriptor(Self.ytdID, .info, Message(zh: "本期新增量与上期新增量相比异常（HB 检验）", en: "Unusual year-to-date increment (Hidiroglou–Berthelot)"),
                        parameters: Self.parameters)]
    }
    public static let u = RuleParameter("U", default: 0.5, range: 0...1, Message(zh: "规模权重指数 U（0–1）", en: "size exponent U (0–1)"))
    public static let a = RuleParameter("A", default: 0.05, range: 0...1_000_000, Message(zh: "防止小偏差被放大的常数 A", en: "constant A keeping small deviations small"))
    public static let c = RuleParameter("C", default: 4, range: 0.5...1_000, Message(zh: "四分位距的倍数 C", en: "multiple C of the quartile distances"))
    public static let minUnits = RuleParameter("min_units", default: 5, range: 3...1_000_000, wholeNumber: true,
                                               Message(zh: "同级单位少于此数不检验", en: "fewest peer units for the test"))
    static var parameters: [RuleParameter] { [u, a, c, minUnits] }
    static func test(_ ctx: CheckContext, _ id: RuleID) -> HidiroglouBerthelot {
        let v = { (p: RuleParameter) in ctx.reference.checks.value(p, of: id) }
        return HidiroglouBerthelot(u: v(u), a: v(a), c: v(c), minUnits: Int(v(minUnits)))
    }
    public var explanation: Message {
        Message(zh: "对当期量和本年累计的本期增量，计算各单位本期与上期的比值，以同级单位比值的中位数为基准，结合规模（HB 检验）找出变动异常的单位。",
                en: "Ratios of this period to the last (flows, and year-to-date increments), compared with the peers' median ratio and weighted by size.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        let flows = Self.test(ctx, Self.id), increments = Self.test(ctx, Self.ytdID)
        var out: [Finding] = []
        let prev = ctx.period.previous
        // Year-to-date amounts are increments within the year: the first quarter's is the amount itself.
        let nowIsFirst = prev.year != ctx.period.year, prevIsFirst = prev.previous.year != prev.year
        var tally = UnitCounter()
        let slotFlows = tally.slot(Self.id), slotIncrements = tally.slot(Self.ytdID)
        defer { ctx.tally.add(tally) }
        let rd = ctx.figures
        // Peers: the units of one level under the same county (not every county of the input).
        for (level, allUnits) in ctx.unitsByLevel {
          let index = ctx.levelIndex(at: level)
          for group in ctx.peerGroups(at: level) {
            let units = group.map { allUnits[$0] }
            // Units a test ran on (a unit without last period's figures, or among too few peers, is skipped).
            var testedFlow = Array(repeating: false, count: units.count), testedYTD = testedFlow
            defer {
                let f = testedFlow.filter { $0 }.count, y = testedYTD.filter { $0 }.count
                tally.add(slotFlows, evaluated: f, skipped: units.count - f)
                tally.add(slotIncrements, evaluated: y, skipped: units.count - y)
            }
            // Each unit's rows in its submission and in the two periods before, resolved once for every check.
            let figs = group.map { UnitFigures(allUnits[$0], index, $0) }
            for ind in ctx.catalog.indicators where ind.kind == .flow || ind.kind == .ytd {
                let isYTD = ind.kind == .ytd
                var members: [(UnitCode, Int)] = []
                var memberIndex: [Int] = []
                var pairs: [(current: Double, previous: Double)] = []
                for (k, (u, i)) in units.enumerated() {
                    guard let cur = rd.now(figs[k], ind.id), let last = rd.before(figs[k], ind.id, 1) else { continue }
                    var now = cur, before = last
                    if isYTD {
                        if !nowIsFirst { now = cur - last }
                        if !prevIsFirst {
                            guard let e = rd.before(figs[k], ind.id, 2) else { continue }
                            before = last - e
                        }
                    }
                    members.append((u, i)); pairs.append((now, before)); memberIndex.append(k)
                }
                let rule = ind.kind == .ytd ? Self.ytdID : Self.id
                guard let summary = (ind.kind == .ytd ? increments : flows).run(pairs) else { continue }
                if isYTD { for k in memberIndex { testedYTD[k] = true } } else { for k in memberIndex { testedFlow[k] = true } }
                let what = ind.kind == .ytd ? "本期新增的\(ind.name)" : ind.name
                let whatEn = ind.kind == .ytd ? "the increase of \(ind.englishName) this period" : ind.englishName
                for r in summary.outliers {
                    let (u, i) = members[r.index]
                    let sub = ctx.submissions[i]
                    let (now, before) = pairs[r.index]
                    let last = "上期（\(prev)）\(figure(before, ind))\(ind.unit)"
                    let change: String
                    if r.ratio >= 2 { change = "是\(last)的 \(String(format: "%.1f", r.ratio)) 倍" }
                    else if r.ratio <= 0.5 { change = "只有\(last)的 \(String(format: "%.0f", r.ratio * 100))%" }
                    else { change = "比\(last)\(r.ratio >= 1 ? "增加" : "减少") \(String(format: "%.1f", abs(r.ratio - 1) * 100))%" }
                    out += [ctx.finding(rule, ind.kind == .ytd ? .info : .warning, unit: u, sub: sub, indicator: ind.id, value: now, expected: before, message: Message(
                        zh: "\(what) \(figure(now, ind))\(ind.unit)，\(change)；同级 \(summary.results.count) 个\(level.chinese)的中位比值为 \(String(format: "%.2f", summary.medianRatio))（HB 检验异常）：请核实",
                        en: "\(whatEn) is \(figure(now, ind)), \(String(format: "%.2f", r.ratio)) times last period's \(figure(before, ind)); the median ratio of \(summary.results.count) peer units is \(String(format: "%.2f", summary.medianRatio)) (Hidiroglou–Berthelot outlier)"),
                        source: sub.values.observation(u, ind.id)?.source)].compactMap { $0 }
                }
            }
          }
        }
        return out
    }
}

/// `outlier.peer`: the robust z-score of each rate across the peer units of one level.
public struct PeerScoreCheck: Check {
    public static let id = RuleID(.outlier, "peer")
    public init() {}
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.id, .info, Message(zh: "比率明显偏离同级单位", en: "Rate far from the peers'"), parameters: [Self.threshold, Self.minUnits])]
    }
    public static let threshold = RuleParameter("threshold", default: 3.5, range: 0.5...1_000, Message(zh: "稳健 Z 分数的阈值", en: "robust z-score above which a rate is flagged"))
    public static let minUnits = RuleParameter("min_units", default: 5, range: 3...1_000_000, wholeNumber: true,
                                               Message(zh: "同级单位少于此数不检验", en: "fewest peer units for the test"))
    public var explanation: Message {
        Message(zh: "各比率与同级单位中位数的稳健 Z 分数 0.6745×(x−中位数)/MAD 超过 3.5 的，提示分析人员关注。",
                en: "A rate whose robust z-score 0.6745 × (x − median) / MAD across peer units exceeds 3.5.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        let scorer = RobustScore(threshold: ctx.reference.checks.value(Self.threshold, of: Self.id),
                                 minUnits: Int(ctx.reference.checks.value(Self.minUnits, of: Self.id)))
        var out: [Finding] = []
        var tally = UnitCounter()
        let slotId = tally.slot(Self.id)
        defer { ctx.tally.add(tally) }
        let rd = ctx.figures
        for (level, allUnits) in ctx.unitsByLevel {
          let index = ctx.levelIndex(at: level)
          for group in ctx.peerGroups(at: level) {
            let units = group.map { allUnits[$0] }
            let figs = group.map { UnitFigures(allUnits[$0], index, $0) }
            var tested = Array(repeating: false, count: units.count)
            defer { let n = tested.filter { $0 }.count; tally.add(slotId, evaluated: n, skipped: units.count - n) }
            for ind in ctx.catalog.rates {
                guard case let .rate(n, d) = ind.kind else { continue }
                var members: [(UnitCode, Int)] = []
                var memberIndex: [Int] = []
                var xs: [Double] = []
                for (k, (u, i)) in units.enumerated() {
                    _ = i
                    let f = figs[k]
                    guard let x = rd.now(f, ind.id) ?? RollUp.rate(numerator: rd.now(f, n), denominator: rd.now(f, d)) else { continue }
                    members.append((u, i)); xs.append(x); memberIndex.append(k)
                }
                guard let (med, _, scores) = scorer.scores(xs) else { continue }
                for k in memberIndex { tested[k] = true }
                for (i, z) in scores.enumerated() where abs(z) > scorer.threshold {
                    let (u, si) = members[i]
                    let sub = ctx.submissions[si]
                    out += [ctx.finding(Self.id, .info, unit: u, sub: sub, indicator: ind.id, value: xs[i], expected: rounded(med, ind.decimals), message: Message(
                        zh: "\(ind.name) \(figure(xs[i], ind))%，明显\(z > 0 ? "高于" : "低于")同级 \(xs.count) 个\(level.chinese)的中位数 \(figure(med, ind))%（稳健 Z 分数 \(String(format: "%.1f", z))）",
                        en: "\(ind.englishName) \(figure(xs[i], ind))% is far \(z > 0 ? "above" : "below") the median \(figure(med, ind))% of \(xs.count) peer units (robust z \(String(format: "%.1f", z)))"),
                        source: sub.values.observation(u, ind.id)?.source)].compactMap { $0 }
                }
            }
          }
        }
        return out
    }
}

/// `duplicate.rows`: units of one submission with identical values in six or more non-zero
/// indicators — copy-pasted rows.
public struct DuplicateRowsCheck: Check {
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

    public static func groups(_ rows: [[IndicatorID: Double]], minimum: Int, commonShare: Double = 0.05) -> [[Int]] {
        let ids = Set(rows.flatMap(\.keys)).sorted()
        return groups(columns: ids.map { id in rows.map { $0[id] } }, rows: rows.count, minimum: minimum, commonShare: commonShare)
    }

    /// The same, from one array per indicator holding each row's value: equal values are found by
    /// sorting each column, so a province's submissions cost no more than their rows.
    public static func groups(columns: [[Double?]], rows n: Int, minimum: Int, commonShare: Double = 0.05) -> [[Int]] {
        // In a small submission every coincidence is worth a look; in a large one common values are
        // noise. Copied rows come in twos and threes: a value shared by more than `maxShared` rows
        // is never a copy signal, which also keeps the pairs counted linear in the rows (a
        // 400,000-row file once counted 10¹¹ pairs).
        let common = n < 40 ? Int.max : max(3, min(Self.maxShared, Int((commonShare * Double(n)).rounded(.down))))
        var shared: [Int: Int] = [:]
        var pairs: [(value: Double, row: Int)] = []
        for col in columns {
            pairs.removeAll(keepingCapacity: true)
            for (i, v) in col.enumerated() { if let v, v != 0 { pairs.append((v, i)) } }
            pairs.sort { $0.value < $1.value || ($0.value == $1.value && $0.row < $1.row) }
            var s = 0
            while s < pairs.count {
                var e = s + 1
                while e < pairs.count, pairs[e].value == pairs[s].value { e += 1 }
                // Only rare values count: a value many rows share says nothing about copying.
                if e - s > 1, e - s <= common {
                    for a in s..<e { for b in (a + 1)..<e { shared[pairs[a].row * n + pairs[b].row, default: 0] += 1 } }
                }
                s = e
            }
        }
        var parent = Array(0..<n)
        func root(_ i: Int) -> Int { var i = i; while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }; return i }
        for (key, count) in shared where count >= minimum { parent[root(key % n)] = root(key / n) }
        let grouped = Dictionary(grouping: 0..<n, by: root)
        return grouped.values.filter { $0.count > 1 }.map { $0.sorted() }.sorted { $0[0] < $1[0] }
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        let minimum = Int(ctx.reference.checks.value(Self.minIndicators, of: Self.id))
        let commonShare = ctx.reference.checks.value(Self.commonShare, of: Self.id)
        let ids = ctx.catalog.indicators.filter { !$0.kind.isRate && !$0.kind.isFlag }.map(\.id)
        var out: [Finding] = []
        var tally = UnitCounter()
        let slotId = tally.slot(Self.id)
        defer { ctx.tally.add(tally) }
        for sub in ctx.submissions {
            // Peers are rows of the same level: a total row is not compared with its villages.
            // (Levels in a fixed order: no dictionary order reaches the findings or their order.)
            let byLevel = Dictionary(grouping: sub.rows.map(\.code)) { ctx.level(of: $0) }
            for level in byLevel.keys.sorted(by: { ($0?.depth ?? 99) < ($1?.depth ?? 99) }) {
                let codes = byLevel[level] ?? []
                tally.add(slotId, evaluated: codes.count > 1 ? codes.count : 0, skipped: codes.count > 1 ? 0 : codes.count)
                let rows = codes.map { sub.values.row(of: $0) }
                let columns = ids.map { id -> [Double?] in
                    guard let c = sub.values.column(for: id) else { return Array(repeating: nil, count: rows.count) }
                    return rows.map { r in r.flatMap { sub.values.value(row: $0, column: c) } }
                }
                for g in Self.groups(columns: columns, rows: codes.count, minimum: minimum, commonShare: commonShare) {
                    let units = g.map { codes[$0] }
                    let names = units.map { "\(ctx.name(of: $0, in: sub) ?? "")（\($0)）" }.joined(separator: "、")
                    let shared = ids.filter { id in
                        guard let v = sub.values[units[0], id], v != 0 else { return false }
                        return units.allSatisfy { sub.values[$0, id] == v }
                    }.compactMap { ctx.catalog[$0]?.name }
                    for u in units {
                        out += [ctx.finding(Self.id, .warning, unit: u, sub: sub, message: Message(
                            zh: "\(names) 有 \(shared.count) 项指标数值完全相同（\(shared.prefix(8).joined(separator: "、"))\(shared.count > 8 ? "等" : "")），疑似复制粘贴：请逐村核实",
                            en: "\(units.map(\.rawValue).joined(separator: ", ")) share \(shared.count) identical non-zero figures: rows look copy-pasted"),
                            source: sub.rows.first { $0.code == u }?.source)].compactMap { $0 }
                    }
                }
            }
        }
        return out
    }
}

/// `digits.round` (most non-zero values of a unit are multiples of 10) and `digits.benford`
/// (first-digit conformity of one indicator across the units of a level, only where Benford's law
/// can hold: two orders of magnitude or more and enough values).
public struct DigitsCheck: Check {
    public static let round = RuleID(.digits, "round")
    public static let benford = RuleID(.digits, "benford")
    public init() {}
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.round, .info, Message(zh: "整十数偏多", en: "Mostly round numbers"), parameters: [Self.roundShare, Self.roundMinimum]),
         RuleDescriptor(Self.benford, .info, Message(zh: "首位数字分布（本福特定律）", en: "First-digit distribution (Benford)"), parameters: [Self.benfordMinimum])]
    }
    public static let roundShare = RuleParameter("share", default: 0.6, range: 0...1, Message(zh: "整十数占非零数值的比例超过此值才提示", en: "share of round non-zero figures above which a unit is flagged"))
    public static let roundMinimum = RuleParameter("min_values", default: 6, range: 1...1_000_000, wholeNumber: true,
                                                   Message(zh: "非零数值少于此数不检验", en: "fewest non-zero figures for the test"))
    public static let benfordMinimum = RuleParameter("min_values", default: 1000, range: 10...100_000_000, wholeNumber: true,
                                                     Message(zh: "数值少于此数不检验", en: "fewest figures for the test"))
    public var explanation: Message {
        Message(zh: "一个单位的非零数值大多是 10 的倍数，可能是估报；一个指标在同级单位中跨两个数量级以上、且数值足够多（默认 1000 个）时，其首位数字分布按 Nigrini 的 MAD 判断与本福特定律的符合程度。",
                en: "A unit whose non-zero values are mostly multiples of 10 may be estimating; the first digits of one indicator across a level's units — where they span two orders of magnitude and number 1,000 or more — are compared with Benford's law by Nigrini's MAD.")
    }

    /// Whether a figure is a whole multiple of 10 (by integer arithmetic where exact: fmod is slow).
    static func isMultipleOfTen(_ x: Double) -> Bool {
        if abs(x) < 9e15 { return x == x.rounded(.towardZero) && Int64(x) % 10 == 0 }
        return x.truncatingRemainder(dividingBy: 10) == 0
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        let share = ctx.reference.checks.value(Self.roundShare, of: Self.round)
        let minValues = Int(ctx.reference.checks.value(Self.roundMinimum, of: Self.round))
        let benford = Benford(minValues: Int(ctx.reference.checks.value(Self.benfordMinimum, of: Self.benford)))
        let amounts = ctx.catalog.indicators.filter { !$0.kind.isRate && !$0.kind.isFlag }.map(\.id)
        var out: [Finding] = []
        var xs: [Double] = []
        var tally = UnitCounter()
        let slotRound = tally.slot(Self.round)
        let slotBenford = tally.slot(Self.benford)
        defer { ctx.tally.add(tally) }
        for sub in ctx.submissions {
            let cols = sub.values.columns(for: amounts)
            for row in sub.rows {
                guard let r = sub.values.row(of: row.code) else { continue }
                xs.removeAll(keepingCapacity: true)
                for c in cols { if let v = sub.values.value(row: r, column: c), v != 0 { xs.append(v) } }
                guard xs.count >= minValues else { tally.add(slotRound, evaluated: 0, skipped: 1); continue }
                tally.add(slotRound, evaluated: 1)
                let round = xs.filter(Self.isMultipleOfTen).count
                if Double(round) / Double(xs.count) >= share {
                    out += [ctx.finding(Self.round, .info, unit: row.code, sub: sub, message: Message(
                        zh: "\(xs.count) 个非零数值中有 \(round) 个是 10 的倍数（整十数），可能是估报",
                        en: "\(round) of \(xs.count) non-zero figures are multiples of 10: possibly estimated"),
                        source: row.source)].compactMap { $0 }
                }
            }
        }
        // Benford per indicator and level, only where its assumption holds: the values span two
        // orders of magnitude or more, and there are enough of them for Nigrini's MAD thresholds.
        for (level, units) in ctx.unitsByLevel {
            var ran = false
            guard units.count >= benford.minValues else { tally.add(slotBenford, evaluated: 0, skipped: units.count); continue }
            let index = ctx.levelIndex(at: level)
            let rd = ctx.figures
            for id in amounts {
                guard let ind = ctx.catalog[id] else { continue }
                var values: [Double] = []
                for (k, u) in units.enumerated() {
                    if let v = rd.now(UnitFigures(u, index, k), id), v > 0 { values.append(v) }
                }
                guard values.count >= benford.minValues, let p1 = OrderStatistics.quantile(values, 0.01),
                      let p99 = OrderStatistics.quantile(values, 0.99), p1 > 0, p99 / p1 >= 100,
                      let result = benford.test(values) else { continue }
                ran = true
                guard result.verdict == .nonconformity || result.verdict == .marginal else { continue }
                let words: [Benford.Verdict: String] = [.close: "高度符合", .acceptable: "可接受", .marginal: "勉强符合", .nonconformity: "不符合"]
                out += [ctx.finding(Self.benford, .info, unit: nil, indicator: id, value: rounded(result.mad, 4), message: Message(
                    zh: "\(result.count) 个\(level.chinese)的\(ind.name)首位数字分布与本福特定律\(words[result.verdict] ?? "")（Nigrini MAD = \(String(format: "%.4f", result.mad))；首位为 1 的占 \(String(format: "%.1f", result.proportions[0] * 100))%，理论 30.1%）",
                    en: "First digits of \(ind.englishName) over \(result.count) units: \(result.verdict.rawValue) with Benford's law (Nigrini MAD \(String(format: "%.4f", result.mad)); leading 1s \(String(format: "%.1f", result.proportions[0] * 100))% vs 30.1%)"),
                    source: nil)].compactMap { $0 }
            }
            tally.add(slotBenford, evaluated: ran ? units.count : 0, skipped: ran ? 0 : units.count)
        }
        return out
    }
}
