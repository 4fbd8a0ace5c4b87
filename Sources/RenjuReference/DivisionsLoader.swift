import Foundation
import RenjuModel
import RenjuText

/// Loads divisions CSVs (`code,name,level,parent`; lines starting with # are comments).
public enum DivisionsLoader {
    public static func load(paths: [String]) throws -> DivisionTree {
        var tree = DivisionTree()
        // Where each unit was defined, for messages that name both places.
        var origin = UnitIndex()
        var places: [(path: String, line: Int)] = []
        for p in paths {
            let (units, lines) = try loadWithLines(path: p)
            tree.reserve(tree.count + units.count)
            for (k, u) in units.enumerated() {
                if let i = origin[u.code], let old = tree[u.code] {
                    // The same code in two files: the same definition is fine, another one is not.
                    guard old.name == u.name, old.parent == u.parent, old.level == u.level else {
                        let first = places[Int(i)]
                        throw ReferenceError(file: p, line: lines[k],
                            "code \(u.code) (\(u.name), \(u.level.rawValue), parent \(u.parent?.rawValue ?? "none")) is defined differently at \(first.path):\(first.line) (\(old.name), \(old.level.rawValue), parent \(old.parent?.rawValue ?? "none"))")
                    }
                    continue
                }
                origin.set(u.code, Int32(truncatingIfNeeded: places.count))
                places.append((p, lines[k]))
                tree.add(u)
            }
        }
        try checkHierarchy(tree, place: { code in origin[code].map { places[Int($0)] } })
        return tree
    }

    /// The divisions must form a tree a county can be checked against: every parent listed (but
    /// for the top units of the file, whose parent is outside it), a parent above its child
    /// (no village under a village), no unit its own parent or ancestor. Else each township's
    /// totals would be charged with errors that are the file's.
    static func checkHierarchy(_ tree: DivisionTree, place: (UnitCode) -> (path: String, line: Int)?) throws {
        func fail(_ u: RenjuModel.Unit, _ why: String) -> ReferenceError {
            let p = place(u.code)
            return ReferenceError(file: p?.path ?? "divisions", line: p?.line, why)
        }
        let units = tree.all
        guard let top = units.map(\.level.depth).min() else { return }
        for u in units {
            guard let parent = u.parent else {
                if u.level.depth != top {
                    throw fail(u, "unit \(u.code) \(u.name) (\(u.level.rawValue)) has no parent; only the file's top units (\(Level.allCases.first { $0.depth == top }?.rawValue ?? "")) may have none")
                }
                continue
            }
            if parent == u.code { throw fail(u, "unit \(u.code) \(u.name) is its own parent") }
            guard let p = tree[parent] else {
                if u.level.depth != top {
                    throw fail(u, "unit \(u.code) \(u.name): its parent \(parent) is not in the divisions")
                }
                continue
            }
            guard p.level.depth < u.level.depth else {
                throw fail(u, "unit \(u.code) \(u.name) (\(u.level.rawValue)) is under \(p.code) \(p.name), a \(p.level.rawValue): a parent must be of a higher level")
            }
        }
    }

    public static func load(path: String) throws -> [RenjuModel.Unit] { try loadWithLines(path: path).0 }

    /// The units of one file, with the line each is on.
    static func loadWithLines(path: String) throws -> ([RenjuModel.Unit], [Int]) {
        let rows = try ReferenceCSV.rows(path: path, header: ["code", "name", "level", "parent"],
                                         chineseHeader: ["区划代码", "名称", "级别", "上级代码"])
        // Rows are understood side by side (a national list has 700,000), then checked for
        // duplicates in file order, so the first problem reported is the first in the file.
        let parsed = rows.concurrentMap { unit($0, path: path) }
        var out: [RenjuModel.Unit] = []
        out.reserveCapacity(rows.count)
        var seen = UnitIndex(capacity: rows.count)
        for (i, r) in rows.enumerated() {
            let u = try parsed[i].get()
            if seen[u.code] != nil { throw ReferenceError(file: path, line: r.line, "code \(u.code) is listed twice") }
            seen.set(u.code, 1)
            out.append(u)
        }
        return (out, rows.map(\.line))
    }

    static func unit(_ r: ReferenceCSV.Row, path: String) -> Result<RenjuModel.Unit, ReferenceError> {
        guard let code = UnitCode(r.fields[0]) else {
            return .failure(ReferenceError(file: path, line: r.line, "code “\(r.fields[0])” is not a division code (up to 12 digits)"))
        }
        let name = TextNormalizer.fold(r.fields[1])
        guard !name.isEmpty else { return .failure(ReferenceError(file: path, line: r.line, "unit \(code) has no name")) }
        guard let level = Level(rawValue: TextNormalizer.fold(r.fields[2]).lowercased()) else {
            return .failure(ReferenceError(file: path, line: r.line, "level “\(r.fields[2])”: expected prefecture, county, township or village"))
        }
        let parentText = TextNormalizer.fold(r.fields[3])
        var parent: UnitCode? = nil
        if !parentText.isEmpty {
            guard let p = UnitCode(parentText) else {
                return .failure(ReferenceError(file: path, line: r.line, "parent “\(parentText)” is not a division code"))
            }
            parent = p
        }
        return .success(RenjuModel.Unit(code: code, name: name, level: level, parent: parent))
    }
}

/// A target of the annual task: `year,unit_code,indicator,target`.
public struct Target: Hashable, Sendable {
    public let year: Int
    public let unit: UnitCode
    public let indicator: IndicatorID
    public let value: Double
    public init(year: Int, unit: UnitCode, indicator: IndicatorID, value: Double) {
        self.year = year; self.unit = unit; self.indicator = indicator; self.value = value
    }
}

/// Annual targets (州下达任务 split to units).
public struct Targets: Sendable {
    public private(set) var all: [Target] = []
    private struct Key: Hashable { let year: Int; let unit: UnitCode; let indicator: IndicatorID }
    private var index: [Key: Double] = [:]
    private var units = UnitIndex()
    public init(_ list: [Target] = []) { for t in list { add(t) } }
    public mutating func add(_ t: Target) {
        all.append(t); index[Key(year: t.year, unit: t.unit, indicator: t.indicator)] = t.value
        units.set(t.unit, 1)
    }
    /// Whether any target is set for the unit (most units of a province have none).
    public func hasTargets(for unit: UnitCode) -> Bool { units[unit] != nil }
    public func target(year: Int, unit: UnitCode, indicator: IndicatorID) -> Double? {
        index.isEmpty ? nil : index[Key(year: year, unit: unit, indicator: indicator)]
    }

    public static func load(path: String, catalog: Catalog) throws -> Targets {
        let rows = try ReferenceCSV.rows(path: path, header: ["year", "unit_code", "indicator", "target"],
                                         chineseHeader: ["年度", "区划代码", "指标", "目标"])
        var t = Targets()
        for r in rows {
            guard let year = Int(TextNormalizer.fold(r.fields[0])), (1900...2999).contains(year) else {
                throw ReferenceError(file: path, line: r.line, "year “\(r.fields[0])” is not a year")
            }
            guard let unit = UnitCode(r.fields[1]) else {
                throw ReferenceError(file: path, line: r.line, "unit_code “\(r.fields[1])” is not a division code")
            }
            guard let id = catalog.resolve(r.fields[2]) else {
                throw ReferenceError(file: path, line: r.line, "unknown indicator “\(r.fields[2])”")
            }
            guard let v = NumberText.number(TextNormalizer.fold(r.fields[3]), allowPercent: true) else {
                throw ReferenceError(file: path, line: r.line, "target “\(r.fields[3])” is not a number")
            }
            t.add(Target(year: year, unit: unit, indicator: id, value: v))
        }
        return t
    }
}

/// Reads a small reference CSV (UTF-8 or GB18030) with a fixed header, keeping line numbers.
enum ReferenceCSV {
    struct Row { let line: Int; let fields: [String] }

    static func rows(path: String, header: [String], chineseHeader: [String]) throws -> [Row] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReferenceError(file: path, "cannot read the file / 无法读取")
        }
        guard let (text, _) = TextDecoding.decode(data) else {
            throw ReferenceError(file: path, "unknown text encoding / 编码无法识别")
        }
        var out: [Row] = []
        var sawHeader = false
        for (r, all) in CSV.records(from: text) {
            guard let firstCell = all.first(where: { !TextNormalizer.isBlank($0) }) else { continue }
            if TextNormalizer.fold(firstCell).hasPrefix("#") { continue }
            var fields = Array(all.prefix(header.count))
            while fields.count < header.count { fields.append("") }
            if !sawHeader {
                let keys = fields.map { TextNormalizer.key($0) }
                guard keys == header || keys == chineseHeader else {
                    throw ReferenceError(file: path, line: r + 1, "expected the header \(header.joined(separator: ","))")
                }
                sawHeader = true
                continue
            }
            out.append(Row(line: r + 1, fields: fields))
        }
        if !sawHeader { throw ReferenceError(file: path, "empty file: expected the header \(header.joined(separator: ","))") }
        return out
    }
}

/// Loads a division change table: `effective,old_code,new_code,kind,share,note`
/// (生效日期,原代码,新代码,变更类型,比例,说明); kind rename | merge | split | move (更名 | 合并 | 拆分 | 划转).
public enum DivisionChangesLoader {
    static let header = ["effective", "old_code", "new_code", "kind", "share", "note"]
    static let chineseHeader = ["生效日期", "原代码", "新代码", "变更类型", "比例", "说明"]

    public static func load(path: String) throws -> DivisionChanges {
        let rows = try ReferenceCSV.rows(path: path, header: header, chineseHeader: chineseHeader)
        var out: [DivisionChange] = []
        for r in rows {
            let f = r.fields.map { TextNormalizer.fold($0).trimmingCharacters(in: .whitespaces) }
            func fail(_ why: String) -> ReferenceError { ReferenceError(file: path, line: r.line, why) }
            guard let effective = CivilDate.parse(f[0]) else { throw fail("effective “\(f[0])”: expected a date such as 2025-07-01") }
            guard let old = UnitCode(f[1]) else { throw fail("old_code “\(f[1])” is not a division code (up to 12 digits)") }
            guard let new = UnitCode(f[2]) else { throw fail("new_code “\(f[2])” is not a division code (up to 12 digits)") }
            let kindText = f[3].lowercased()
            guard let kind = DivisionChange.Kind(rawValue: kindText) ?? DivisionChange.Kind.allCases.first(where: { $0.chinese == f[3] }) else {
                throw fail("kind “\(f[3])”: expected rename, merge, split or move (更名、合并、拆分、划转)")
            }
            var share: Double? = nil
            if !f[4].isEmpty {
                guard kind == .split else { throw fail("share is for a split only (this line is a \(kind.rawValue))") }
                guard let s = NumberText.number(f[4], allowPercent: true).map({ f[4].hasSuffix("%") ? $0 / 100 : $0 }), s > 0, s <= 1 else {
                    throw fail("share “\(f[4])”: expected a number above 0 and at most 1 (or a percentage)")
                }
                share = s
            }
            if old == new, kind == .merge || kind == .move {
                throw fail("a \(kind.rawValue) from \(old) to itself changes nothing")
            }
            out.append(DivisionChange(effective: effective, oldCode: old, newCode: new, kind: kind, share: share, note: f[5], line: r.line))
        }
        // One date, one new unit, one kind of change; a split's shares at most the whole.
        var kinds: [String: (DivisionChange.Kind, Int)] = [:]
        var shares: [String: Double] = [:]
        for c in out {
            let key = "\(c.effective)|\(c.newCode)"
            if let (k, line) = kinds[key], k != c.kind {
                throw ReferenceError(file: path, line: c.line, "\(c.newCode) on \(c.effective) is a \(c.kind.rawValue) here and a \(k.rawValue) on line \(line)")
            }
            kinds[key] = (c.kind, c.line)
            if c.kind == .rename || c.kind == .move, let (_, line) = kinds["\(key)|from"] {
                throw ReferenceError(file: path, line: c.line, "\(c.newCode) on \(c.effective) has two predecessors (also line \(line)): several units into one is a merge")
            }
            kinds["\(key)|from"] = (c.kind, c.line)
            if c.kind == .split, let s = c.share {
                let k = "\(c.effective)|\(c.oldCode)"
                shares[k, default: 0] += s
                if (shares[k] ?? 0) > 1 + 1e-9 {
                    throw ReferenceError(file: path, line: c.line, "the shares of \(c.oldCode) split on \(c.effective) add up to more than 1")
                }
            }
        }
        return DivisionChanges(out)
    }
}
