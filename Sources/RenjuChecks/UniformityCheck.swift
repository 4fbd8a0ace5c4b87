import Foundation
import RenjuModel
import RenjuReference

/// Copies across units: `duplicate.uniform_rate` — every child of a unit (the villages of a
/// township) reporting one rate, within the rounding their integer parts allow;
/// `duplicate.uniform_gain` — every child reporting the same non-zero gain of a stock;
/// `duplicate.flows_copied` — two children with the same non-zero flows.
public struct UniformityCheck: Check {
    public var cost: CheckCost { .large }
    public static let rate = RuleID(.duplicate, "uniform_rate")
    public static let gain = RuleID(.duplicate, "uniform_gain")
    public static let flows = RuleID(.duplicate, "flows_copied")
    public init() {}
    public static let minUnits = RuleParameter("min_units", default: 5, range: 2...1_000, wholeNumber: true,
        Message(zh: "下级单位少于此数不检验", en: "fewest children for the test"))
    public static let minFlows = RuleParameter("min_flows", default: 2, range: 1...100, wholeNumber: true,
        Message(zh: "相同的非零当期量至少几个", en: "fewest equal non-zero flows"))
    public static let minSteps = RuleParameter("min_steps", default: 20, range: 1...1_000_000,
        Message(zh: "当期量至少为末位单位的倍数（太小的数相同不足为奇）", en: "smallest flow, in units of its last decimal (small values coincide by chance)"))
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.rate, .warning, Message(zh: "下级单位的比率全都相同", en: "Every child reports the same rate"), parameters: [Self.minUnits]),
         RuleDescriptor(Self.gain, .warning, Message(zh: "下级单位的增量全都相同", en: "Every child reports the same gain"), parameters: [Self.minUnits]),
         RuleDescriptor(Self.flows, .warning, Message(zh: "两个单位的当期量完全相同", en: "Two units with identical flows"), parameters: [Self.minFlows, Self.minSteps])]
    }
    public var explanation: Message {
        Message(zh: "同一乡镇各村的比率在整数户数允许的舍入范围内完全一致、或各村的增量完全相同，多是按同一比例或同一数字推算；两个村的多项当期量完全相同，多是互相抄填。",
                en: "One rate across a township's villages (within what rounding allows), one identical gain, or two villages with the same flows: figures derived from one number, or copied.")
    }

    /// Up to this many children a parent's flows are compared in a list, not hashed.
    public static let listedChildren = 64

    public func run(_ ctx: CheckContext) -> [Finding] {
        let rd = ctx.figures
        let settings = ctx.reference.checks
        let minUnits = Int(settings.value(Self.minUnits, of: Self.rate)), minGain = Int(settings.value(Self.minUnits, of: Self.gain))
        let minFlows = Int(settings.value(Self.minFlows, of: Self.flows)), minSteps = settings.value(Self.minSteps, of: Self.flows)
        let tree = ctx.reference.tree
        var tally = UnitCounter()
        let sRate = tally.slot(Self.rate), sGain = tally.slot(Self.gain), sFlows = tally.slot(Self.flows)
        defer { ctx.tally.add(tally) }
        var out: [Finding] = []
        let flowIndicators = ctx.catalog.indicators.filter { $0.kind == .flow }
        // Each flow's least step (10^−decimals), worked out once, not once a unit.
        let flowSteps = flowIndicators.map { pow(10, -Double($0.decimals)) }
        let flowIDs = flowIndicators.map(\.id)
        let stocks = ctx.catalog.indicators.filter { if case .stock = $0.kind { return $0.integer }; return false }
        // Each rate with its parts and their rounding, taken apart once (not for every parent).
        let rateParts: [(ind: Indicator, n: IndicatorID, d: IndicatorID, numInd: Indicator)] = ctx.catalog.rates.compactMap { ind in
            guard case let .rate(n, d) = ind.kind, let numInd = ctx.catalog[n] else { return nil }
            return (ind, n, d, numInd)
        }
        // Each parent's gains, in a buffer reused from parent to parent.
        var gains: [Double] = []
        for (level, units) in ctx.unitsByLevel {
            // Children by parent, in input order.
            let index = ctx.levelIndex(at: level)
            let figs = UnitFigures.all(ctx, level, units)
            let (parents, children) = byParent(units.indices, parents: index.parents)
            for (p, kids) in zip(parents, children) {
                let figures = kids.map { figs[$0] }
                let sub = ctx.submissions[figures[0].s]
                // The parent's name, looked up only for a finding.
                var pname: String { tree.name(of: p) ?? p.rawValue }
                // One rate.
                if kids.count >= minUnits {
                    tally.add(sRate, evaluated: 1)
                    for (ind, n, d, numInd) in rateParts {
                        let q = pow(10, -Double(numInd.decimals)), r = 0.5 * pow(10, -Double(ind.decimals))
                        var lo = -Double.infinity, hi = Double.infinity, count = 0
                        var least: Double?, most: Double?
                        for f in figures {
                            guard let den = rd.now(f, d), den > 0, let num = rd.now(f, n) else { continue }
                            let x = rd.now(f, ind.id) ?? num / den * 100
                            let half = 50 * q / den + r
                            lo = max(lo, x - half); hi = min(hi, x + half); count += 1
                            // As `min()` and `max()` of the rates would compare them.
                            if let l = least { if x < l { least = x } } else { least = x }
                            if let m = most { if m < x { most = x } } else { most = x }
                        }
                        // A rate at its bound (everyone at 100 %) is uniform by nature.
                        guard count >= minUnits, lo <= hi, hi < 99.5, lo > 0.5, let mn = least, let mx = most else { continue }
                        out += [ctx.finding(Self.rate, unit: p, sub: sub, indicator: ind.id, value: rounded((lo + hi) / 2, ind.decimals), message: Message(
                            zh: "\(pname)的 \(count) 个下级单位的\(ind.name)都在 \(figure((lo + hi) / 2, ind))% 左右（\(figure(mn, ind))%–\(figure(mx, ind))%），在各自\(numInd.name)取整所允许的范围内完全一致：请核实是否按同一比例推算",
                            en: "All \(count) units under \(pname) report \(ind.englishName) of about \(figure((lo + hi) / 2, ind))% (\(figure(mn, ind))–\(figure(mx, ind))%), one value within what rounding of \(numInd.englishName) allows: derived from one ratio?"),
                            source: nil)]
                    }
                } else { tally.add(sRate, evaluated: 0, skipped: 1) }
                // One gain.
                if kids.count >= minGain {
                    tally.add(sGain, evaluated: 1)
                    for ind in stocks {
                        gains.removeAll(keepingCapacity: true)
                        for f in figures { if let a = rd.now(f, ind.id), let b = rd.before(f, ind.id, 1) { gains.append(a - b) } }
                        guard gains.count >= minGain, let g = gains.first, g != 0, gains.allSatisfy({ $0 == g }) else { continue }
                        out += [ctx.finding(Self.gain, unit: p, sub: sub, indicator: ind.id, value: g, message: Message(
                            zh: "\(pname)的 \(gains.count) 个下级单位的\(ind.name)本期都增加了 \(figure(g, ind))\(ind.unit)：请核实是否平均摊派",
                            en: "All \(gains.count) units under \(pname) report the same gain of \(figure(g, ind)) in \(ind.englishName): spread evenly from one number?"),
                            source: nil)]
                    }
                } else { tally.add(sGain, evaluated: 0, skipped: 1) }
                // The same flows in two children.
                // Flows already seen under this parent: a township's few villages are compared
                // in a list (no hashing); a parent of many children, by a dictionary.
                let listed = figures.count <= Self.listedChildren
                var seen: [[Double]: UnitCode] = [:]
                var seenKeys: [[Double]] = [], seenUnits: [UnitCode] = []
                // A unit's flows that count (NaN for one that does not).
                func flows(_ f: UnitFigures) -> [Double] {
                    flowIDs.indices.map { i in
                        guard let v = rd.now(f, flowIDs[i]), v != 0, abs(v) / flowSteps[i] >= minSteps else { return .nan }
                        return v
                    }
                }
                for f in figures {
                    // The key compared: a flow that does not count is −∞ (one array a unit).
                    var hashable: [Double] = []
                    hashable.reserveCapacity(flowIDs.count)
                    var real = 0
                    for i in flowIDs.indices {
                        guard let v = rd.now(f, flowIDs[i]), v != 0, abs(v) / flowSteps[i] >= minSteps else { hashable.append(-Double.infinity); continue }
                        hashable.append(v); real += 1
                    }
                    guard real >= minFlows else { tally.add(sFlows, evaluated: 0, skipped: 1); continue }
                    tally.add(sFlows, evaluated: 1)
                    let earlier = listed ? seenKeys.firstIndex(of: hashable).map { seenUnits[$0] } : seen[hashable]
                    if let other = earlier {
                        let key = flows(f)
                        let names = zip(flowIndicators, key).filter { !$0.1.isNaN }.map { "\($0.0.name) \(figure($0.1, $0.0))" }.joined(separator: "、")
                        out += [ctx.finding(Self.flows, unit: f.unit, sub: ctx.submissions[f.s], message: Message(
                            zh: "\(names) 与 \(tree.name(of: other) ?? other.rawValue)（\(other)）完全相同：请核实是否互相抄填",
                            en: "The flows (\(names)) are exactly those of \(tree.name(of: other) ?? other.rawValue) (\(other)): copied?"),
                            source: ctx.submissions[f.s].rows.first { $0.code == f.unit }?.source)]
                    } else if listed { seenKeys.append(hashable); seenUnits.append(f.unit) } else { seen[hashable] = f.unit }
                }
            }
        }
        return out
    }
}
