import Foundation
import RenjuModel
import Yams

/// An export layout read from `templates/*.yaml`: the statistical form's title, top-right block,
/// column groups, rows, footer and chart — all editable by a county without recompiling.
public struct ReportTemplate: Sendable {
    public enum Kind: String, Sendable { case `return`, form, bulletin }

    /// One data column.
    public enum Column: Sendable, Equatable {
        case indicator(IndicatorID)
        /// The share of villages whose flag is yes (生活垃圾收运处置体系覆盖的行政村比例), in %.
        case share(IndicatorID, title: String)
        /// A named field of a non-indicator layout (ranking bulletin).
        case field(String)
    }

    public struct Group: Sendable {
        public let title: String
        public let columns: [Column]
    }

    public struct FooterField: Sendable {
        public let label: String
        /// Sign-off roles whose name fills this field, first match wins (default: the label).
        public let roles: [String]
        public let isDate: Bool
    }

    public struct Chart: Sendable {
        public let sheet: String
        public let title: String
        public let axis: String
        public let indicators: [IndicatorID]
    }

    public let name: String
    public let kind: Kind
    public let sheet: String
    public let title: String
    public let form: [(label: String, value: String)]
    public let unitLine: String
    public let rowLevel: Level?
    public let totalLabel: String
    public let font: String
    public let fontSize: Double
    public let columnWidth: Double
    public let groups: [Group]
    public let footer: [FooterField]
    public let chart: Chart?
    public let notes: String?

    public var columns: [Column] { groups.flatMap(\.columns) }

    /// Fills `{unit}`, `{period}`, `{period_zh}`.
    public static func fill(_ text: String, unit: String, period: Period) -> String {
        text.replacingOccurrences(of: "{unit}", with: unit)
            .replacingOccurrences(of: "{period}", with: period.description)
            .replacingOccurrences(of: "{period_zh}", with: period.chinese)
    }

    /// Loads `NAME` from a templates folder, or a template file path.
    public static func load(_ nameOrPath: String, directory: String, catalog: Catalog) throws -> ReportTemplate {
        var path = nameOrPath
        if !FileManager.default.fileExists(atPath: path) || !(path.hasSuffix(".yaml") || path.hasSuffix(".yml")) {
            path = URL(fileURLWithPath: directory).appendingPathComponent(nameOrPath + ".yaml").path
        }
        guard FileManager.default.fileExists(atPath: path) else {
            let known = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
                .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
            throw ReferenceError(file: path, "no such template (known: \(known.joined(separator: ", ")))")
        }
        let file = try YAMLFile(path: path)
        let m = try file.mapping(file.root, "template", keys: ["name", "kind", "sheet", "title", "form", "unit_line", "rows", "font", "font_size", "column_width", "columns", "footer", "chart", "notes"])
        let kindText = try file.string(m["kind"], "kind")
        guard let kind = Kind(rawValue: kindText) else { throw file.error(m["kind"], "kind “\(kindText)”: expected return, form or bulletin") }
        var form: [(String, String)] = []
        if let f = m["form"] {
            for item in try file.sequence(f, "form") {
                let pair = try file.strings(item, "form entry")
                guard pair.count == 2 else { throw file.error(item, "form: expected [label, value]") }
                form.append((pair[0], pair[1]))
            }
        }
        var rowLevel: Level? = nil
        var total = "合计"
        if let r = m["rows"] {
            let rm = try file.mapping(r, "rows", keys: ["level", "total"])
            if let l = rm["level"] {
                let t = try file.string(l, "rows.level")
                guard let lv = Level(rawValue: t) else { throw file.error(l, "rows.level: unknown level “\(t)”") }
                rowLevel = lv
            }
            if let t = rm["total"] { total = try file.string(t, "rows.total") }
        }
        var groups: [Group] = []
        for g in try file.sequence(m["columns"], "columns") {
            let gm = try file.mapping(g, "column group", keys: ["group", "indicators", "fields"])
            let title = try file.string(gm["group"], "group")
            var cols: [Column] = []
            if let inds = gm["indicators"] {
                for item in try file.sequence(inds, "\(title).indicators") {
                    if let s = item.scalar?.string {
                        guard catalog[IndicatorID(s)] != nil else { throw file.error(item, "unknown indicator “\(s)”") }
                        cols.append(.indicator(IndicatorID(s)))
                    } else {
                        let im = try file.mapping(item, "column", keys: ["share", "title"])
                        let id = try file.string(im["share"], "share")
                        guard catalog[IndicatorID(id)]?.kind.isFlag == true else { throw file.error(im["share"], "share: “\(id)” is not a yes/no indicator") }
                        let title = im["title"]?.scalar?.string ?? catalog[IndicatorID(id)]?.shareTitle ?? "\(id) share"
                        cols.append(.share(IndicatorID(id), title: title))
                    }
                }
            }
            if let fields = gm["fields"] { cols += try file.strings(fields, "\(title).fields").map { .field($0) } }
            guard !cols.isEmpty else { throw file.error(g, "group “\(title)” has no columns") }
            groups.append(Group(title: title, columns: cols))
        }
        var footer: [FooterField] = []
        if let f = m["footer"] {
            for item in try file.sequence(f, "footer") {
                let fm = try file.mapping(item, "footer field", keys: ["label", "roles", "date"])
                let label = try file.string(fm["label"], "footer.label")
                footer.append(FooterField(label: label,
                                          roles: fm["roles"] == nil ? [label] : try file.strings(fm["roles"], "footer.roles"),
                                          isDate: fm["date"] == nil ? false : try file.bool(fm["date"], "footer.date")))
            }
        }
        var chart: Chart? = nil
        if let c = m["chart"] {
            let cm = try file.mapping(c, "chart", keys: ["sheet", "title", "axis", "indicators"])
            let inds = cm["indicators"] == nil ? [] : try file.strings(cm["indicators"], "chart.indicators").map { s -> IndicatorID in
                guard catalog[IndicatorID(s)] != nil else { throw file.error(cm["indicators"], "chart: unknown indicator “\(s)”") }
                return IndicatorID(s)
            }
            chart = Chart(sheet: cm["sheet"]?.scalar?.string ?? "图表", title: cm["title"]?.scalar?.string ?? "",
                          axis: cm["axis"]?.scalar?.string ?? "", indicators: inds)
        }
        return ReportTemplate(
            name: m["name"]?.scalar?.string ?? nameOrPath, kind: kind, sheet: m["sheet"]?.scalar?.string ?? "Sheet1",
            title: try file.string(m["title"], "title"), form: form, unitLine: m["unit_line"]?.scalar?.string ?? "填报单位：{unit}",
            rowLevel: rowLevel, totalLabel: total, font: m["font"]?.scalar?.string ?? "宋体",
            fontSize: m["font_size"] == nil ? 10 : try file.number(m["font_size"], "font_size"),
            columnWidth: m["column_width"] == nil ? 11 : try file.number(m["column_width"], "column_width"),
            groups: groups, footer: footer, chart: chart, notes: m["notes"]?.scalar?.string)
    }
}

extension Period {
    /// `2025年第三季度`, `2025年7月`, `2025年上半年`, `2025年`.
    public var chinese: String {
        let q = ["", "一", "二", "三", "四"]
        switch kind {
        case .quarter: return "\(year)年第\(q[index])季度"
        case .month: return "\(year)年\(index)月"
        case .half: return "\(year)年\(index == 1 ? "上" : "下")半年"
        case .year: return "\(year)年"
        }
    }
}
