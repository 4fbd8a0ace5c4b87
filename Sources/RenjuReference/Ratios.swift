import Foundation
import RenjuModel

/// A ratio of two indicators tested against peer units (`outlier.ratio`): garbage per household,
/// cleaners per 100 households … A level can look normal while its ratio to the unit's size is
/// several times the peers' (a persistent unit slip, an inflated count).
public struct RatioDefinition: Sendable, Equatable {
    /// Which units are peers: those under the same county (default), the same township, or every
    /// unit of the level in the input.
    public enum Peers: String, Sendable { case county, township, all }
    public let id: String
    public let numerator: IndicatorID
    public let denominator: IndicatorID
    /// The ratio is shown × scale (per 100 households: 100).
    public let scale: Double
    public let name: String
    public let englishName: String
    public let unit: String
    public let peers: Peers
    public let levels: [Level]
}

/// `reference-data/ratios.yaml`.
public enum RatioLoader {
    public static func load(path: String, catalog: Catalog) throws -> [RatioDefinition] {
        let file = try YAMLFile(path: path)
        let top = try file.mapping(file.root, "ratios.yaml", keys: ["ratios"])
        var out: [RatioDefinition] = []
        var seen = Set<String>()
        for node in try file.sequence(top["ratios"], "ratios") {
            let m = try file.mapping(node, "ratio", keys: ["id", "numerator", "denominator", "scale", "name", "en", "unit", "peers", "levels"])
            let id = try file.string(m["id"], "id")
            guard id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), seen.insert(id).inserted else {
                throw file.error(m["id"], "ratio id “\(id)”: letters, digits and _ only, and each id once")
            }
            func indicator(_ key: String) throws -> IndicatorID {
                let t = try file.string(m[key], key)
                guard let ind = catalog[IndicatorID(t)] else { throw file.error(m[key], "\(key): unknown indicator “\(t)”") }
                guard !ind.kind.isRate, !ind.kind.isFlag else { throw file.error(m[key], "\(key): “\(t)” is a rate or a flag; ratios are of amounts") }
                return ind.id
            }
            let num = try indicator("numerator"), den = try indicator("denominator")
            guard num != den else { throw file.error(m["denominator"], "a ratio of an indicator to itself") }
            let scale = try m["scale"].map { try file.number($0, "scale") } ?? 1
            guard scale > 0 else { throw file.error(m["scale"], "scale must be above 0") }
            var peers = RatioDefinition.Peers.county
            if let p = m["peers"] {
                let t = try file.string(p, "peers")
                guard let v = RatioDefinition.Peers(rawValue: t) else { throw file.error(p, "peers: county, township or all, not “\(t)”") }
                peers = v
            }
            var levels: [Level] = [.village]
            if let l = m["levels"] {
                levels = try file.strings(l, "levels").map { t in
                    guard let lv = Level(rawValue: t) else { throw file.error(l, "unknown level “\(t)”") }
                    return lv
                }
            }
            out.append(RatioDefinition(id: id, numerator: num, denominator: den, scale: scale, name: try file.string(m["name"], "name"),
                                       englishName: try m["en"].map { try file.string($0, "en") } ?? id,
                                       unit: try m["unit"].map { try file.string($0, "unit") } ?? "", peers: peers, levels: levels))
        }
        return out
    }
}
