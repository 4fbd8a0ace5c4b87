import Foundation
import RenjuModel
import Yams

/// Loads `indicators.yaml` into a catalog; every mistake is refused with its line.
public enum CatalogLoader {
    public static func load(path: String) throws -> Catalog {
        let file = try YAMLFile(path: path)
        let root = try file.mapping(file.root, "indicators.yaml", keys: ["indicators", "related"])
        let list = try file.sequence(root["indicators"], "indicators")
        var out: [Indicator] = []
        var seen: [String: Int] = [:]
        var pendingRates: [(Node, IndicatorID, IndicatorID)] = []
        // Names and aliases are how columns are matched: two indicators with one title would make
        // a column mean either. Keyed as titles are matched (folded, blanks and quotes dropped).
        var titles: [String: String] = [:]
        for node in list {
            let m = try file.mapping(node, "indicator", keys: ["id", "name", "en", "unit", "decimals", "kind", "policy", "stable_percent", "integer", "numerator", "denominator", "optional", "blank", "group", "aliases", "share_title", "seasonal", "code"])
            let id = try file.string(m["id"], "id")
            guard id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), id.first?.isLetter == true else {
                throw file.error(m["id"], "indicator id “\(id)”: use letters, digits and _ only, starting with a letter")
            }
            if seen[id] != nil { throw file.error(m["id"], "indicator “\(id)” is defined twice") }
            seen[id] = 1
            let name = try file.string(m["name"], "\(id).name")
            let unit = try file.string(m["unit"], "\(id).unit")
            let decimals = m["decimals"] == nil ? 0 : try file.int(m["decimals"], "\(id).decimals")
            guard (0...6).contains(decimals) else { throw file.error(m["decimals"], "\(id).decimals must be 0–6") }
            let kindText = try file.string(m["kind"], "\(id).kind")
            let kind: IndicatorKind
            switch kindText {
            case "stock":
                let policyText = m["policy"] == nil ? "free" : try file.string(m["policy"], "\(id).policy")
                switch policyText {
                case "non_decreasing": kind = .stock(.nonDecreasing)
                case "free": kind = .stock(.free)
                case "stable":
                    let pct = try file.number(m["stable_percent"], "\(id).stable_percent (needed by policy: stable)")
                    guard pct > 0 else { throw file.error(m["stable_percent"], "\(id).stable_percent must be above 0") }
                    kind = .stock(.stable(percent: pct))
                default:
                    throw file.error(m["policy"], "\(id).policy “\(policyText)”: expected non_decreasing, stable or free")
                }
            case "ytd": kind = .ytd
            case "flow": kind = .flow
            case "flag": kind = .flag
            case "rate" where m["numerator"] == nil && m["denominator"] == nil:
                // A rate as published, without its parts: checked as a rate, never recomputed.
                kind = .publishedRate
            case "rate":
                let n = IndicatorID(try file.string(m["numerator"], "\(id).numerator (a rate names both parts, or neither when published without them)"))
                let d = IndicatorID(try file.string(m["denominator"], "\(id).denominator (a rate names both parts, or neither when published without them)"))
                pendingRates.append((node, n, d))
                kind = .rate(numerator: n, denominator: d)
            default:
                throw file.error(m["kind"], "\(id).kind “\(kindText)”: expected stock, ytd, flow, flag or rate")
            }
            let integer = m["integer"] == nil ? false : try file.bool(m["integer"], "\(id).integer")
            let optional = m["optional"] == nil ? false : try file.bool(m["optional"], "\(id).optional")
            var blank: BlankMeaning? = nil
            if let node = m["blank"] {
                let text = try file.string(node, "\(id).blank")
                guard let meaning = BlankMeaning(rawValue: text) else {
                    throw file.error(node, "\(id).blank “\(text)”: expected required, zero or not_applicable")
                }
                if optional && meaning == .required { throw file.error(node, "\(id): optional: true and blank: required contradict each other") }
                if meaning == .zero && (kind.isRate || kind == .flag) { throw file.error(node, "\(id).blank: zero is for counts and amounts, not a rate or a yes/no figure") }
                blank = meaning
            }
            let group = m["group"]?.scalar?.string ?? ""
            let en = m["en"]?.scalar?.string ?? id
            let aliases = m["aliases"] == nil ? [] : try file.strings(m["aliases"], "\(id).aliases")
            let code = m["code"].map { $0.scalar?.string.trimmingCharacters(in: .whitespaces) ?? "" }
            if let code, code.isEmpty { throw file.error(m["code"], "\(id).code: not a code") }
            for (t, node) in [(name, m["name"])] + aliases.map({ ($0, m["aliases"]) }) + (code.map { [($0, m["code"])] } ?? []) {
                let key = TextNormalizer.key(t)
                if let other = titles[key], other != id {
                    throw file.error(node, "“\(t)” names both \(other) and \(id): a column so titled would be ambiguous")
                }
                titles[key] = id
            }
            let seasonal = m["seasonal"] == nil ? false : try file.bool(m["seasonal"], "\(id).seasonal")
            if seasonal, kind != .flow { throw file.error(m["seasonal"], "\(id).seasonal: only a flow is compared with the same period a year earlier") }
            let share = m["share_title"]?.scalar?.string
            if share != nil, kind != .flag { throw file.error(m["share_title"], "\(id).share_title: only a flag has a share of villages") }
            out.append(Indicator(id: IndicatorID(id), name: name, unit: unit, decimals: decimals, kind: kind,
                                 integer: integer, optional: optional, group: group, englishName: en, aliases: aliases,
                                 shareTitle: share, blank: blank, seasonal: seasonal, code: code))
        }
        let byID = Dictionary(out.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for (node, n, d) in pendingRates {
            for part in [n, d] {
                guard let ind = byID[part] else { throw file.error(node, "rate names unknown indicator “\(part)”") }
                if ind.kind.isRate { throw file.error(node, "a rate's numerator and denominator must not be rates (“\(part)”)") }
            }
        }
        if out.isEmpty { throw file.error(root["indicators"], "the catalog has no indicators") }
        // Indicators that move together (a flow and its parts): one finding names them all.
        var related: [[IndicatorID]] = []
        var inGroup = Set<IndicatorID>()
        for node in root["related"] == nil ? [] : try file.sequence(root["related"], "related") {
            let ids = try file.strings(node, "related group").map { IndicatorID($0) }
            guard ids.count >= 2 else { throw file.error(node, "a related group names two indicators or more") }
            for id in ids {
                guard byID[id] != nil else { throw file.error(node, "related: unknown indicator “\(id)”") }
                guard inGroup.insert(id).inserted else { throw file.error(node, "related: “\(id)” is in two groups") }
            }
            related.append(ids)
        }
        return Catalog(out, related: related)
    }
}
