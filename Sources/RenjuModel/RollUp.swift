import Foundation

/// Totals up the division tree: sums for stock/ytd/flow, counts of "yes" for flags, and rates
/// recomputed from the summed parts — never an average of rates; blank when the denominator is 0.
public struct RollUp: Sendable {
    public let catalog: Catalog
    /// For each rate of the catalog (by place), the places of its numerator and denominator.
    private let rateParts: [(rate: Int, numerator: Int, denominator: Int)]

    public init(catalog: Catalog) {
        self.catalog = catalog
        var place: [IndicatorID: Int] = [:]
        for (k, ind) in catalog.indicators.enumerated() where place[ind.id] == nil { place[ind.id] = k }
        rateParts = catalog.indicators.enumerated().compactMap { k, ind in
            guard case let .rate(n, d) = ind.kind, let pn = place[n], let pd = place[d] else { return nil }
            return (k, pn, pd)
        }
    }

    /// `100 × numerator / denominator`, or nil when either is missing or the denominator is 0.
    public static func rate(numerator: Double?, denominator: Double?) -> Double? {
        guard let n = numerator, let d = denominator, d != 0 else { return nil }
        return 100 * n / d
    }

    /// The total of `children` for every indicator: nil where no child has the figure
    /// (for a summed kind) or the rate is undefined.
    public func total(of children: [UnitCode], in values: PeriodValues) -> [IndicatorID: Double] {
        var out: [IndicatorID: Double] = [:]
        for (ind, v) in zip(catalog.indicators, totals(of: children.map { values.row(of: $0) }, in: values)) {
            if let v { out[ind.id] = v }
        }
        return out
    }

    /// `total(of:in:)` for the children's rows in `values`, a total for each indicator in the
    /// catalog's order (nil where `total` has none): no dictionary made for every total row.
    public func totals(of rows: [Int?], in values: PeriodValues) -> [Double?] {
        var out = [Double?](repeating: nil, count: catalog.indicators.count)
        for (k, ind) in catalog.indicators.enumerated() {
            switch ind.kind {
            case .stock, .ytd, .flow, .flag:
                // A village's flag is 1 or 0, a township's the count of its villages with 1:
                // either way the total is the sum.
                guard let col = values.column(for: ind.id) else { continue }
                var sum = 0.0, any = false
                for r in rows { if let v = values.value(row: r, column: col) { sum += v; any = true } }
                if any { out[k] = sum }
            case .rate, .publishedRate:
                break
            }
        }
        for p in rateParts {
            if let r = RollUp.rate(numerator: out[p.numerator], denominator: out[p.denominator]) { out[p.rate] = r }
        }
        return out
    }

    /// Rolls leaf figures up to every ancestor in `tree` below and including `root`, keeping
    /// reported figures of leaves (units without children in the tree).
    public func rollUp(root: UnitCode, tree: DivisionTree, leaves: PeriodValues) -> PeriodValues {
        var out = PeriodValues()
        func visit(_ code: UnitCode) {
            let kids = tree.children(of: code)
            if kids.isEmpty {
                for (id, o) in leaves.entries(of: code) { out.set(code, id, o) }
                return
            }
            for k in kids { visit(k) }
            for (id, v) in total(of: kids, in: out) { out.set(code, id, Observation(v)) }
        }
        visit(root)
        return out
    }
}

extension RollUp {
    /// Consolidates reported figures up the tree below `root`: a unit whose children reported is
    /// the roll-up of its children (sums, counts, rates from summed parts); a unit whose children
    /// did not report keeps its own reported figures. The county's return is therefore always the
    /// sum of what its villages reported, wherever villages are in the input.
    public func consolidate(root: UnitCode, tree: DivisionTree, reported: PeriodValues) -> PeriodValues {
        var out = PeriodValues()
        @discardableResult
        func visit(_ code: UnitCode) -> Bool {
            let kids = tree.children(of: code).filter { visit($0) }
            if !kids.isEmpty {
                for (id, v) in total(of: kids, in: out) { out.set(code, id, Observation(v)) }
                return true
            }
            let entries = reported.entries(of: code)
            guard !entries.isEmpty else { return false }
            var own: [IndicatorID: Double] = [:]
            for (id, o) in entries { out.set(code, id, o); own[id] = o.value }
            // A reported unit without children data: rates follow its own parts.
            for ind in catalog.indicators {
                if case let .rate(n, d) = ind.kind, own[ind.id] == nil,
                   let r = RollUp.rate(numerator: own[n], denominator: own[d]) {
                    out.set(code, ind.id, Observation(r))
                }
            }
            return true
        }
        visit(root)
        return out
    }

    /// The number of villages under a unit that reported a flag (the denominator of a coverage share).
    public func reportingVillages(of code: UnitCode, tree: DivisionTree, flag: IndicatorID, reported: PeriodValues) -> Int {
        let kids = tree.children(of: code)
        if kids.isEmpty { return reported[code, flag] != nil ? 1 : 0 }
        return kids.reduce(0) { $0 + reportingVillages(of: $1, tree: tree, flag: flag, reported: reported) }
    }
}
