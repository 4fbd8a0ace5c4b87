import Foundation
import RenjuModel
import RenjuReference
import RenjuReading
import RenjuChecks
import RenjuExport
import RenjuSynth

extension Workspace {
    /// What Renju reads from files, without checking it: the figures, and whether a file (or a
    /// sheet of one) could not be read at all.
    public func figures(_ inputs: [String], period: Period?) throws -> ReadFigures {
        let ref = try reference()
        let input = try read(inputs, period: period, reference: ref)
        let fileLevel: Set<RuleID> = [.unreadableFile, .unsupportedFile, .passwordProtected, .missingSheet, .encoding]
        let unreadable = (input.findings + input.submissions.flatMap(\.findings)).contains { $0.severity == .error && fileLevel.contains($0.rule) }
        return ReadFigures(reference: ref, input: input, unreadable: unreadable)
    }
}

/// What `renju show` shows: the figures as read, and whether some file could not be read.
public struct ReadFigures: Sendable {
    public let reference: ReferenceData
    public let input: InputSet
    public let unreadable: Bool
}

/// Every figure of a validation's period with its status (`renju impute`): reported, imputed
/// (method, basis, what was reported) or blank — one a row, in the order of the units read and
/// the catalog. A text that a spreadsheet would take for a formula is given a leading apostrophe.
public enum FigureStatusTable {
    public static let header = ["period", "unit_code", "unit_name", "indicator", "value", "status", "method", "basis", "reported"]
    /// The statuses a figure can have.
    public static let statuses = ["reported", "corrected", "imputed", "blank"]

    /// `inspections`: what on-site checks found; a figure found wrong with a value is `corrected`.
    public static func csv(_ v: Workspace.Validation, inspections: [InspectionResult] = []) -> String {
        let cat = v.reference.catalog, tree = v.reference.tree
        var filled: [UnitCode: [IndicatorID: ImputedFigure]] = [:]
        for f in v.result.imputed { filled[f.unit, default: [:]][f.indicator] = f }
        // The latest record of each figure of this period (recorded in order) wins.
        var corrected: [UnitCode: [IndicatorID: InspectionResult]] = [:]
        for r in inspections where r.period == v.result.period && r.wrong && r.found != nil { corrected[r.unit, default: [:]][r.indicator] = r }
        var lines = [header.joined(separator: ",")]
        var seen = Set<UnitCode>()
        for sub in v.result.submissions where sub.period == v.result.period {
            let p = sub.period?.description ?? ""
            for row in sub.rows where seen.insert(row.code).inserted {
                let u = row.code, name = tree.name(of: u) ?? ""
                for ind in cat.indicators {
                    let reported = sub.values[u, ind.id]
                    var cells: [String]
                    if let c = corrected[u]?[ind.id], let found = c.found {
                        let basis = "抽查核实：\(c.inspector)\(c.inspectedOn.map { "，\($0)" } ?? "")"
                        cells = [shortestDecimal(found), "corrected", "inspection", basis, reported.map(shortestDecimal) ?? ""]
                    } else if let f = filled[u]?[ind.id] {
                        cells = [shortestDecimal(f.value), "imputed", f.method.rawValue, f.basis.zh, reported.map(shortestDecimal) ?? ""]
                    } else if let r = reported {
                        cells = [shortestDecimal(r), "reported", "", "", shortestDecimal(r)]
                    } else if sub.blanks[u]?[ind.id] != nil {
                        cells = ["", "blank", "", "", ""]
                    } else { continue }
                    lines.append(([p, u.rawValue, name, ind.id.rawValue] + cells).map(field).joined(separator: ","))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func field(_ s: String) -> String {
        var t = s
        if let c = t.first, "=+-@".contains(c), Double(t) == nil { t = "'" + t }
        return t.contains(",") || t.contains("\"") || t.contains("\n") || t.contains("\r") ? "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : t
    }
}
