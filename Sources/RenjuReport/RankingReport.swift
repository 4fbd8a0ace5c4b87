import Foundation
import RenjuModel
import RenjuChecks
import RenjuRanking

/// Text and JSON renderings of a ranking.
public enum RankingReport {
    public static func text(_ r: Ranking, unitName: String, lang: Language = .zh) -> String {
        let zh = lang == .zh
        let annual = r.period.kind == .year
        var out = zh ? "\(unitName) \(r.period)\(annual ? " 年度考核（一年一考核）" : " 乡镇排名")\n\n"
                     : "\(unitName) \(r.period): \(annual ? "annual assessment of townships" : "ranking of townships")\n\n"
        for e in r.entries {
            let awards = zh ? [e.award?.rawValue, e.admonish ? "诫勉谈话" : nil]
                            : [e.award.map { $0 == .redFlag ? "red flag" : "yellow card" }, e.admonish ? "admonishment talk" : nil]
            let award = awards.compactMap { $0 }.joined(separator: " ")
            guard e.reported else { out += zh ? " 未报  \(e.name)（\(e.unit)）\n" : " n/r  \(e.name) (\(e.unit)): not reported\n"; continue }
            out += String(format: "%3d  ", e.rank) + (zh ? "\(e.name)（\(e.unit)）  \(String(format: "%.2f", e.score)) 分  \(award)\n"
                                                         : "\(e.name) (\(e.unit))  \(String(format: "%.2f", e.score)) points  \(award)\n")
            var line = ""
            for (i, p) in e.parts.enumerated() {
                let sign = p.points < 0 ? " − " : (i == 0 ? "" : " + ")
                let label = zh || p.englishLabel.isEmpty ? p.label : p.englishLabel
                line += "\(sign)\(label) \(String(format: "%.2f", abs(p.points)))"
            }
            out += "     " + line + "\n"
            for n in (zh ? e.notes : e.englishNotes) { out += zh ? "     注：\(n)\n" : "     note: \(n)\n" }
        }
        let notes = zh ? r.notes : r.englishNotes
        for n in notes { out += zh ? "\n注：\(n)" : "\nnote: \(n)" }
        return out + (notes.isEmpty ? "" : "\n")
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
