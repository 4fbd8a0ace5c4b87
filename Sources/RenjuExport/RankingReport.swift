import Foundation
import RenjuModel
import RenjuChecks

/// Text and JSON renderings of a ranking.
public enum RankingReport {
    public static func text(_ r: Ranking, unitName: String) -> String {
        var out = "\(unitName) \(r.period) 乡镇排名\n\n"
        for e in r.entries {
            let award = [e.award?.rawValue, e.admonish ? "诫勉谈话" : nil].compactMap { $0 }.joined(separator: " ")
            guard e.reported else { out += " 未报  \(e.name)（\(e.unit)）\n"; continue }
            out += String(format: "%3d  ", e.rank) + "\(e.name)（\(e.unit)）  \(String(format: "%.2f", e.score)) 分  \(award)\n"
            var line = ""
            for (i, p) in e.parts.enumerated() {
                let sign = p.points < 0 ? " − " : (i == 0 ? "" : " + ")
                line += "\(sign)\(p.label) \(String(format: "%.2f", abs(p.points)))"
            }
            out += "     " + line + "\n"
            for n in e.notes { out += "     注：\(n)\n" }
        }
        for n in r.notes { out += "\n注：\(n)" }
        return out + (r.notes.isEmpty ? "" : "\n")
    }

    public static func json(_ r: Ranking) -> String {
        let q = JSONReport.quote
        let items = r.entries.map { e -> String in
            let parts = e.parts.map { p in
                "{\"label\": \(q(p.label)), \"points\": \(shortestDecimal(p.points)), \"max\": \(p.maximum.map(shortestDecimal) ?? "null"), \"detail\": \(q(p.detail))}"
            }.joined(separator: ", ")
            return "    {\"rank\": \(e.reported ? String(e.rank) : "null"), \"unit\": \(q(e.unit.rawValue)), \"name\": \(q(e.name)), \"score\": \(shortestDecimal(e.score)), " +
                "\"award\": \(e.award.map { q($0 == .redFlag ? "red_flag" : "yellow_card") } ?? "null"), \"admonish\": \(e.admonish), " +
                "\"reported\": \(e.reported), \"breakdown\": [\(parts)], \"notes\": [\(e.notes.map(q).joined(separator: ", "))]}"
        }
        return "{\n  \"period\": \(q(r.period.description)),\n  \"notes\": [\(r.notes.map(q).joined(separator: ", "))],\n  \"ranking\": [\n" + items.joined(separator: ",\n") + "\n  ]\n}"
    }
}
