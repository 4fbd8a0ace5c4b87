import Foundation
import RenjuModel
import Yams

/// One role of a sign-off chain.
public struct ChainRole: Sendable, Hashable {
    public let role: String
    public let aliases: [String]
    public func matches(_ text: String) -> Bool {
        let k = TextNormalizer.key(text)
        return k == TextNormalizer.key(role) || aliases.contains { TextNormalizer.key($0) == k }
    }
}

/// Sign-off chains by reporting level, and the deadline (`signoff.yaml`).
public struct SignOffChains: Sendable {
    public var chains: [Level: [ChainRole]] = [:]
    public var deadlineDays = 10
    public var dateLabels: [String] = ["报出日期", "填表日期"]
    /// `signatures: required`: every sign-off must carry a valid electronic signature. Otherwise
    /// (`optional`, the default) only the signers with a registered key must.
    public var signaturesRequired = false
    /// `same_person: allowed`: one person may sign two roles of one chain (a small township where
    /// the head keeps the statistics). `forbidden` (the default, SPEC §5) makes it an error.
    public var samePersonAllowed = false

    public init() {}

    public var allRoleLabels: [String] {
        var out: [String] = []
        for roles in chains.values { for r in roles { out.append(r.role); out += r.aliases } }
        return Array(Set(out)).sorted()
    }

    public static func load(path: String) throws -> SignOffChains {
        let file = try YAMLFile(path: path)
        let root = try file.mapping(file.root, "signoff.yaml", keys: ["deadline_days", "date_aliases", "signatures", "same_person", "chains"])
        var out = SignOffChains()
        if let d = root["deadline_days"] { out.deadlineDays = try file.int(d, "deadline_days") }
        if let d = root["date_aliases"] { out.dateLabels = try file.strings(d, "date_aliases") }
        if let d = root["signatures"] {
            switch try file.string(d, "signatures") {
            case "required": out.signaturesRequired = true
            case "optional": out.signaturesRequired = false
            case let other: throw file.error(d, "signatures “\(other)”: expected required or optional")
            }
        }
        if let d = root["same_person"] {
            switch try file.string(d, "same_person") {
            case "allowed": out.samePersonAllowed = true
            case "forbidden": out.samePersonAllowed = false
            case let other: throw file.error(d, "same_person “\(other)”: expected allowed or forbidden")
            }
        }
        for (k, v) in try file.mapping(root["chains"], "chains") {
            let levelText = try file.string(k, "chain level")
            guard let level = Level(rawValue: levelText) else { throw file.error(k, "unknown level “\(levelText)”") }
            out.chains[level] = try file.sequence(v, "chains.\(levelText)").map { item in
                let m = try file.mapping(item, "role", keys: ["role", "aliases"])
                return ChainRole(role: try file.string(m["role"], "role"),
                                 aliases: m["aliases"] == nil ? [] : try file.strings(m["aliases"], "aliases"))
            }
        }
        return out
    }
}
