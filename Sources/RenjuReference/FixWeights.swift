import Foundation
import RenjuModel
import Yams

/// What it costs to change a figure, for error localisation (Fellegi–Holt): the suggested fix for
/// a unit is the cheapest set of its figures that, changed, lets every error rule hold. A reported
/// rate is cheaper to change than a count the township measured. (`reference-data/localisation.yaml`)
public struct FixWeights: Sendable, Equatable {
    /// By kind: `rate`, `flag`, `stock`, `ytd`, `flow`.
    public var kinds: [String: Double] = ["rate": 1, "flag": 2, "stock": 3, "ytd": 3, "flow": 3]
    /// By indicator, over the kind's.
    public var indicators: [IndicatorID: Double] = [:]
    /// The time one unit's search may take before it is given up ("not localised").
    public var timeLimit: Double = 1
    /// The most figures a fix may change.
    public var maxChanges: Int = 6

    public init() {}

    public func weight(of indicator: Indicator) -> Double {
        indicators[indicator.id] ?? kinds[indicator.kind.name] ?? 3
    }
}

/// `reference-data/localisation.yaml`.
public enum FixWeightsLoader {
    public static func load(path: String, catalog: Catalog) throws -> FixWeights {
        let file = try YAMLFile(path: path)
        let top = try file.mapping(file.root, "localisation.yaml", keys: ["weights", "time_limit_seconds", "max_changes"])
        var out = FixWeights()
        if let t = top["time_limit_seconds"] {
            let v = try file.number(t, "time_limit_seconds")
            guard v > 0, v <= 600 else { throw file.error(t, "time_limit_seconds must be above 0 and at most 600 (got \(shortestDecimal(v)))") }
            out.timeLimit = v
        }
        if let t = top["max_changes"] {
            let v = try file.number(t, "max_changes")
            guard v >= 1, v <= 12, v == v.rounded() else { throw file.error(t, "max_changes must be a whole number from 1 to 12") }
            out.maxChanges = Int(v)
        }
        guard let w = top["weights"] else { return out }
        let m = try file.mapping(w, "weights", keys: ["kinds", "indicators"])
        func positive(_ node: Node?, _ what: String) throws -> Double {
            let v = try file.number(node, what)
            guard v > 0, v.isFinite else { throw file.error(node, "\(what) must be above 0 (got \(shortestDecimal(v)))") }
            return v
        }
        if let k = m["kinds"] {
            let kinds = try file.mapping(k, "weights.kinds", keys: ["rate", "flag", "stock", "ytd", "flow"])
            for (k, node) in kinds { let name = k.scalar?.string ?? ""; out.kinds[name] = try positive(node, "weights.kinds.\(name)") }
        }
        if let i = m["indicators"] {
            for (k, node) in try file.mapping(i, "weights.indicators") {
                let name = k.scalar?.string ?? ""
                guard catalog[IndicatorID(name)] != nil else { throw file.error(node, "weights.indicators: unknown indicator “\(name)”") }
                out.indicators[IndicatorID(name)] = try positive(node, "weights.indicators.\(name)")
            }
        }
        return out
    }
}
