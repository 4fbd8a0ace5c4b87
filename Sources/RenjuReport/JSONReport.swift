import Foundation
import RenjuModel
import RenjuChecks

/// The `--format json` report (SPEC §6), keys in the documented order.
public enum JSONReport {
    /// The report of SPEC §6, and with `rules` a `"rules"` array beside it: per rule, the units
    /// evaluated, failed and skipped (what was checked, not only what failed).
    public static func render(_ result: ValidationResult, lang: Language, rules: [RuleSummary] = []) -> String {
        let s = result.summary
        var out = "{\n"
        out += "  \"period\": \(result.period.map { quote($0.description) } ?? "null"),\n"
        out += "  \"summary\": {\"units\": \(s.units), \"errors\": \(s.errors), \"warnings\": \(s.warnings), \"explained\": \(s.explained), \"infos\": \(s.infos)},\n"
        out += "  \"findings\": ["
        out += result.findings.map { f in
            var fields: [String] = []
            fields.append("\"rule\": \(quote(f.rule.description))")
            if let ref = f.ruleRef { fields.append("\"rule_ref\": \(quote(ref))") }
            fields.append("\"severity\": \(quote(f.severity.rawValue))")
            fields.append("\"unit\": \(f.unit.map { quote($0.rawValue) } ?? "null")")
            fields.append("\"unit_name\": \(f.unitName.map(quote) ?? "null")")
            fields.append("\"period\": \((f.period ?? result.period).map { quote($0.description) } ?? "null")")
            fields.append("\"indicator\": \(f.indicator.map { quote($0.rawValue) } ?? "null")")
            fields.append("\"value\": \(number(f.value))")
            fields.append("\"expected\": \(number(f.expected))")
            fields.append("\"message\": \(quote(f.message.text(lang)))")
            fields.append("\"source\": \(f.source.map { quote($0.description) } ?? "null")")
            fields.append("\"explained\": \(f.explained)")
            if let e = f.explanation { fields.append("\"explanation\": \(quote(e))") }
            if let sc = f.score { fields.append("\"score\": \(number(sc))") }
            if let fix = f.fix {
                fields.append("\"fix\": [" + fix.map { c in
                    let range = c.low.map { lo in ", \"min\": \(number(lo)), \"max\": \(number(c.high))" } ?? ""
                    return "{\"indicator\": \(quote(c.indicator.rawValue)), \"value\": \(number(c.value))\(range)}"
                }.joined(separator: ", ") + "]")
            }
            if f.fix == nil, let note = f.fixMessage { fields.append("\"fix_note\": \(quote(note.text(lang)))") }
            return "\n    {" + fields.joined(separator: ", ") + "}"
        }.joined(separator: ",")
        out += result.findings.isEmpty ? "]" : "\n  ]"
        if !rules.isEmpty {
            out += ",\n  \"rules\": [" + rules.map { r in
                "\n    {\"rule\": \(quote(r.rule.description)), \"evaluated\": \(r.evaluated), \"failed\": \(r.failed), \"skipped\": \(r.skipped), \"skipped_no_history\": \(r.skippedNoHistory)}"
            }.joined(separator: ",") + "\n  ]"
        }
        if !result.imputed.isEmpty {
            // Imputed values, beside the reported ones (`--impute`).
            out += ",\n  \"imputed\": [" + result.imputed.map { i in
                "\n    {\"unit\": \(quote(i.unit.rawValue)), \"indicator\": \(quote(i.indicator.rawValue)), \"value\": \(number(i.value)), "
                + "\"reported\": \(number(i.reported)), \"status\": \"imputed\", \"method\": \(quote(i.method.rawValue)), \"basis\": \(quote(i.basis.text(lang)))}"
            }.joined(separator: ",") + "\n  ]"
        }
        if let c = result.coverage {
            // Counts, and the first units (in code order) of each list; `complete` when nothing was left out.
            let shown = c.unitsWithoutHistory.prefix(20).map { quote($0.rawValue) }.joined(separator: ", ")
            out += ",\n  \"coverage\": {\"complete\": \(c.isComplete), \"previous_period\": \(quote(c.previousPeriod.description)), "
            out += "\"history\": \(c.hasHistory), \"units_without_history\": \(c.unitsWithoutHistory.count), "
            out += "\"units_without_history_first\": [\(shown)], "
            out += "\"periods_missing\": [\(c.missingPeriods.map { quote($0.description) }.joined(separator: ", "))], "
            out += "\"rules_skipped\": [\(c.skipped.map { "{\"rule\": \(quote($0.rule.description)), \"units\": \($0.units)}" }.joined(separator: ", "))], "
            func counts(_ list: [Coverage.BlankCount]) -> String {
                "[" + list.map { "{\"indicator\": \(quote($0.indicator.rawValue)), \"cells\": \($0.cells)}" }.joined(separator: ", ") + "]"
            }
            out += "\"units_without_history_in_changes\": \(c.changedWithoutHistory), \"units_history_carried\": \(c.carried), "
            out += "\"not_applicable\": \(counts(c.notApplicable)), \"blanks_read_as_zero\": \(counts(c.blanksAsZero)), "
            out += "\"rates_not_rolled_up\": [\(c.ratesNotRolledUp.map { quote($0.rawValue) }.joined(separator: ", "))], "
            out += "\"message\": \(quote(c.sentence(lang)))}"
        }
        out += "\n}\n"
        return out
    }

    static func number(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "null" }
        return shortestDecimal(x)
    }

    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                // Control characters, and the line and paragraph separators (they end a line in some readers).
                if u.value < 0x20 || u.value == 0x2028 || u.value == 0x2029 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
