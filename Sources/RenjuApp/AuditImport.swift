import Foundation
import RenjuModel
import RenjuReference
import RenjuReading
import RenjuReport

/// The prefecture's 审核公式 workbook taken in (`renju rules import`): a sheet with the columns
/// 序号 | 审核公式 | 审核类型 | 适用层级 | 说明 | 生效报告期 | 停用报告期, each row a rule in Renju's
/// language keeping its 序号, the formula as printed and its cell; a row that cannot be read is
/// refused with its cell and why — none dropped silently.
public enum AuditImport {
    public struct Refused: Sendable, Equatable {
        /// `sheet!B5`.
        public let cell: String
        public let message: Message
    }

    public struct Imported: Sendable {
        /// The rules as a rules file (`rules:`), for `--rules FILE` or the reference folder.
        public let yaml: String
        public let rules: Int
        public let refused: [Refused]
    }

    /// Not such a workbook (no sheet with 序号 and 审核公式 columns).
    public struct NotAWorkbook: UserFacingError {
        public let userMessage: Message
    }

    static let columns: [(key: String, titles: [String])] = [
        ("ref", ["序号", "编号", "公式序号"]), ("formula", ["审核公式", "审核关系", "公式"]), ("type", ["审核类型", "类型", "审核性质"]),
        ("level", ["适用层级", "层级", "适用范围"]), ("note", ["说明", "备注"]), ("from", ["生效报告期", "起始报告期"]), ("until", ["停用报告期", "截止报告期"]),
    ]

    public static func read(_ path: String, catalog: Catalog) throws -> Imported {
        let url = URL(fileURLWithPath: path)
        let sheets: [XLSXReader.Sheet]
        do { sheets = try XLSXReader().read(url: url) } catch {
            throw NotAWorkbook(userMessage: Message(zh: "无法读取 \(path)：\(Message.of(error).zh)", en: "cannot read \(path): \(Message.of(error).en)"))
        }
        let file = url.lastPathComponent
        for sheet in sheets where !sheet.hidden {
            let grid = sheet.grid
            // The header row: the first with both a 序号 and a 审核公式 column.
            for header in grid.rowIndices.prefix(30) {
                var at: [String: Int] = [:]
                for (c, cell) in grid.cells(inRow: header) {
                    let title = cell.display.trimmingCharacters(in: .whitespaces)
                    if let key = columns.first(where: { $0.titles.contains(title) })?.key, at[key] == nil { at[key] = c }
                }
                guard let refCol = at["ref"], let formulaCol = at["formula"] else { continue }
                return rows(grid, sheet: sheet.name, file: file, header: header, at: at, ref: refCol, formula: formulaCol, catalog: catalog)
            }
        }
        throw NotAWorkbook(userMessage: Message(zh: "\(path) 不是审核公式工作簿：找不到带“序号”和“审核公式”两列的工作表",
                                                en: "\(path) is not a 审核公式 workbook: no sheet with 序号 and 审核公式 columns"))
    }

    static func rows(_ grid: Grid, sheet: String, file: String, header: Int, at: [String: Int], ref refCol: Int, formula formulaCol: Int,
                     catalog: Catalog) -> Imported {
        var yaml = "# 审核公式 imported from \(file) by renju rules import: a rule a row, keeping its 序号 (ref),\n"
        yaml += "# the formula as printed and its cell (origin). Add it with `renju validate --rules FILE`.\n"
        yaml += "rules:\n"
        var refused: [Refused] = []
        var count = 0
        var seen = Set<String>()
        func text(_ row: Int, _ key: String) -> String? {
            guard let c = at[key], let cell = grid[row, c] else { return nil }
            let t = cell.display.trimmingCharacters(in: .whitespacesAndNewlines)
            return t.isEmpty ? nil : t
        }
        for row in grid.rowIndices where row > header {
            guard let printed = text(row, "formula") else { continue }
            let cell = "\(sheet)!\(SourceRef.a1(row: row, column: formulaCol))"
            func refuse(_ zh: String, _ en: String) { refused.append(Refused(cell: cell, message: Message(zh: zh, en: en))) }
            guard let ref = text(row, "ref") else { refuse("没有序号", "no 序号"); continue }
            guard seen.insert(ref).inserted else { refuse("序号 \(ref) 重复", "序号 \(ref) appears twice"); continue }
            let severity: String
            switch text(row, "type") ?? "强制性" {
            case "强制性", "强制", "错误": severity = "error"
            case "核实性", "核实", "提示核实": severity = "warning"
            case "提示性", "提示": severity = "info"
            case let other: refuse("审核类型“\(other)”应为强制性、核实性或提示性", "审核类型 “\(other)”: expected 强制性, 核实性 or 提示性"); continue
            }
            var levels: [String] = []
            for part in (text(row, "level") ?? "全部").split(whereSeparator: { "、,，/ ".contains($0) }) {
                switch part {
                case "全部", "所有": levels = []
                case "村", "行政村": levels.append("village")
                case "乡镇", "乡", "镇": levels.append("township")
                case "县", "县区", "县级": levels.append("county")
                case "市", "州", "地市": levels.append("prefecture")
                default: refuse("适用层级“\(part)”应为村、乡镇、县或全部", "适用层级 “\(part)”: expected 村, 乡镇, 县 or 全部"); levels = ["?"]
                }
            }
            if levels == ["?"] { continue }
            var period: [String: String] = [:]
            var badPeriod = false
            for key in ["from", "until"] {
                guard let t = text(row, key) else { continue }
                guard let p = Period.parse(t) else { refuse("报告期“\(t)”看不懂（如 2025Q3、2025年第三季度）", "not a period: “\(t)” (e.g. 2025Q3)"); badPeriod = true; break }
                period[key] = p.description
            }
            if badPeriod { continue }
            let assertion: String
            do { assertion = try AuditFormula.translate(printed, catalog: catalog) } catch let r as AuditFormula.Refusal {
                let at = r.offset.map { (zh: "（第 \($0 + 1) 个字符）", en: " (character \($0 + 1))") } ?? (zh: "", en: "")
                refuse(r.message.zh + at.zh, r.message.en + at.en); continue
            } catch { refuse("无法翻译", "cannot translate"); continue }
            let name = ref.unicodeScalars.map { $0.isASCII && (CharacterSet.alphanumerics.contains($0)) ? String($0) : "_" }.joined()
            let note = text(row, "note")
            yaml += "  - id: identity.audit_\(name)\n"
            yaml += "    ref: \(quoted(ref))\n"
            yaml += "    title: \(quoted(note.map { "审核关系 \(ref)：\($0)" } ?? "审核关系 \(ref)：\(printed)"))\n"
            yaml += "    printed: \(quoted(printed))\n"
            yaml += "    origin: \(quoted("\(file)!\(cell)"))\n"
            yaml += "    severity: \(severity)\n"
            if !levels.isEmpty { yaml += "    levels: [\(levels.joined(separator: ", "))]\n" }
            if let f = period["from"] { yaml += "    from: \(f)\n" }
            if let u = period["until"] { yaml += "    until: \(u)\n" }
            yaml += "    assert: \(quoted(assertion))\n"
            count += 1
        }
        if count == 0 { yaml += "  []\n" }
        return Imported(yaml: count == 0 ? yaml.replacingOccurrences(of: "rules:\n  []\n", with: "rules: []\n") : yaml, rules: count, refused: refused)
    }

    /// A YAML double-quoted scalar: JSON's string escapes are YAML's too.
    static func quoted(_ s: String) -> String { JSONReport.quote(s) }
}

extension Workspace {
    /// The user rules of a rules file or a 审核公式 workbook (refused rows make it unreadable).
    public static func ruleSet(_ path: String, catalog: Catalog) throws -> [UserRule] {
        var settings = CheckSettings()
        do {
            if path.lowercased().hasSuffix(".xlsx") {
                let imported: AuditImport.Imported
                do { imported = try AuditImport.read(path, catalog: catalog) } catch let e as AuditImport.NotAWorkbook { throw AppError(e.userMessage) }
                guard imported.refused.isEmpty else {
                    throw AppError(zh: "\(path) 有 \(imported.refused.count) 行审核公式读不懂（renju rules import 查看）",
                                   en: "\(path): \(imported.refused.count) rows cannot be read (see renju rules import)")
                }
                let temp = FileManager.default.temporaryDirectory.appendingPathComponent("renju-rules-\(UUID().uuidString).yaml")
                defer { try? FileManager.default.removeItem(at: temp) }
                do { try imported.yaml.write(to: temp, atomically: true, encoding: .utf8) } catch { throw AppError(zh: "无法写临时文件", en: "cannot write a scratch file", cause: error) }
                try settings.addRules(path: temp.path, catalog: catalog)
            } else {
                guard FileManager.default.fileExists(atPath: path) else { throw AppError(zh: "找不到 \(path)", en: "no file \(path)") }
                try settings.addRules(path: path, catalog: catalog)
            }
        } catch let e as ReferenceError {
            throw AppError(Message.of(e))
        }
        return settings.userRules
    }

    public struct RuleSetDiff: Sendable {
        public var lines: [String] = []
        public var added = 0, removed = 0, changed = 0, same = 0
    }

    /// Two versions of a rule set compared rule by rule: by 序号 where the rules have one, else by id;
    /// a rule is changed when its meaning (the formula's canonical form), severity, levels or periods differ.
    public static func diff(_ a: [UserRule], _ b: [UserRule]) -> RuleSetDiff {
        func key(_ r: UserRule) -> String { r.ref.map { "序号 \($0)" } ?? r.id.description }
        func shown(_ r: UserRule) -> String { r.printed ?? r.source }
        func facets(_ r: UserRule) -> [(String, String)] {
            [("formula", r.assertion.canonical), ("severity", r.severity.rawValue),
             ("levels", r.levels.map { $0.map(\.rawValue).sorted().joined(separator: ",") } ?? "all"),
             ("from", r.from?.description ?? "-"), ("until", r.until?.description ?? "-")]
        }
        let old = Dictionary(a.map { (key($0), $0) }, uniquingKeysWith: { x, _ in x })
        let new = Dictionary(b.map { (key($0), $0) }, uniquingKeysWith: { x, _ in x })
        var out = RuleSetDiff()
        for k in Set(old.keys).union(new.keys).sorted(by: { $0.localizedStandardCompare($1) == .orderedAscending }) {
            switch (old[k], new[k]) {
            case let (nil, n?): out.added += 1; out.lines.append("added    \(k)  \(shown(n))")
            case let (o?, nil): out.removed += 1; out.lines.append("removed  \(k)  \(shown(o))")
            case let (o?, n?):
                let before = facets(o), after = facets(n)
                let differ = zip(before, after).filter { $0.0.1 != $0.1.1 }
                if differ.isEmpty { out.same += 1; continue }
                out.changed += 1
                let what = differ.map { $0.0.0 == "formula" ? "\(shown(o)) → \(shown(n))" : "\($0.0.0) \($0.0.1) → \($0.1.1)" }
                out.lines.append("changed  \(k)  " + what.joined(separator: "; "))
            case (nil, nil): continue
            }
        }
        return out
    }
}
