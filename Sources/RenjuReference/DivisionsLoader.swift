import Foundation
import RenjuModel
import RenjuText

/// Loads divisions CSVs (`code,name,level,parent`; lines starting with # are comments).
public enum DivisionsLoader {
    public static func load(paths: [String]) throws -> DivisionTree {
        var divisions = Accumulator()
        for (f, p) in paths.enumerated() { try divisions.add(file: f, path: p) }
        let tree = divisions.tree, places = divisions.places
        try checkHierarchy(tree, place: { code in tree.position(of: code).map { (paths[Int(places[$0].file)], Int(places[$0].line)) } })
        return tree
    }

    /// The tree as its files are added one after another, with where each unit was defined.
    struct Accumulator {
        var tree = DivisionTree()
        /// Where each unit of the tree (by its position) was defined, and the last file that listed it.
        var places: [(file: Int32, line: Int32, lastFile: Int32)] = []

        /// Adds a file's units. A code listed twice in one file is refused; one listed in an
        /// earlier file must be defined the same way. The first problem in the file is reported.
        mutating func add(file f: Int, path p: String) throws {
            let parts = try ReferenceCSV.map(path: p, header: ["code", "name", "level", "parent"],
                                             chineseHeader: ["区划代码", "名称", "级别", "上级代码"]) { r in (r.line, unit(r, path: p)) }
            let n = parts.reduce(0) { $0 + $1.count }
            tree.reserve(tree.count + n)
            places.reserveCapacity(places.count + n)
            let file = Int32(truncatingIfNeeded: f)
            for part in parts {
                for (line, parsed) in part {
                    let u = try parsed.get()
                    guard let i = tree.addIfAbsent(u) else {
                        places.append((file, Int32(truncatingIfNeeded: line), file))
                        continue
                    }
                    if places[i].lastFile == file { throw ReferenceError(file: p, line: line, "code \(u.code) is listed twice") }
                    places[i].lastFile = file
                    // The same code in two files: the same definition is fine, another one is not.
                    guard let old = tree.unit(at: i), old.name == u.name, old.parent == u.parent, old.level == u.level else {
                        let old = tree.unit(at: i)
                        throw ReferenceError(file: p, line: line,
                            "code \(u.code) (\(u.name), \(u.level.rawValue), parent \(u.parent?.rawValue ?? "none")) is defined differently at \(firstPath(i)):\(places[i].line) (\(old?.name ?? ""), \(old?.level.rawValue ?? ""), parent \(old?.parent?.rawValue ?? "none"))")
                    }
                }
            }
            paths.append(p)
        }

        private var paths: [String] = []
        private func firstPath(_ i: Int) -> String {
            let f = Int(places[i].file)
            return f < paths.count ? paths[f] : "?"
        }
    }
    /// The divisions must form a tree a county can be checked against: every parent listed (but
    /// for the top units of the file, whose parent is outside it), a parent above its child
    /// (no village under a village), no unit its own parent or ancestor. Else each township's
    /// totals would be charged with errors that are the file's.
    static func checkHierarchy(_ tree: DivisionTree, place: @Sendable (UnitCode) -> (path: String, line: Int)?) throws {
        let units = tree.all
        guard let top = units.map(\.level.depth).min() else { return }
        @Sendable func problem(_ u: RenjuModel.Unit) -> ReferenceError? {
            func fail(_ why: String) -> ReferenceError {
                let p = place(u.code)
                return ReferenceError(file: p?.path ?? "divisions", line: p?.line, why)
            }
            guard let parent = u.parent else {
                if u.level.depth != top {
                    return fail("unit \(u.code) \(u.name) (\(u.level.rawValue)) has no parent; only the file's top units (\(Level.allCases.first { $0.depth == top }?.rawValue ?? "")) may have none")
                }
                return nil
            }
            if parent == u.code { return fail("unit \(u.code) \(u.name) is its own parent") }
            guard let p = tree.level(of: parent) else {
                if u.level.depth != top {
                    return fail("unit \(u.code) \(u.name): its parent \(parent) is not in the divisions")
                }
                return nil
            }
            guard p.depth < u.level.depth else {
                let name = tree.name(of: parent) ?? ""
                return fail("unit \(u.code) \(u.name) (\(u.level.rawValue)) is under \(parent) \(name), a \(p.rawValue): a parent must be of a higher level")
            }
            return nil
        }
        // Side by side in slices (a national list has 700,000 units); the first problem in the
        // tree's order is the one reported.
        let slice = 1 << 15
        let found = Array(stride(from: 0, to: units.count, by: slice)).concurrentMap { start -> ReferenceError? in
            for u in units[start..<min(start + slice, units.count)] { if let e = problem(u) { return e } }
            return nil
        }
        if let first = found.first(where: { $0 != nil }), let e = first { throw e }
    }

    /// The units of one file (a code listed twice refused; the hierarchy is not checked).
    public static func load(path: String) throws -> [RenjuModel.Unit] {
        var divisions = Accumulator()
        try divisions.add(file: 0, path: path)
        return divisions.tree.all
    }

    static func unit(_ r: ReferenceCSV.Row, path: String) -> Result<RenjuModel.Unit, ReferenceError> {
        guard let code = UnitCode(r.fields[0]) else {
            return .failure(ReferenceError(file: path, line: r.line, "code “\(r.fields[0])” is not a division code (up to 12 digits)"))
        }
        let name = TextNormalizer.fold(r.fields[1])
        guard !name.isEmpty else { return .failure(ReferenceError(file: path, line: r.line, "unit \(code) has no name")) }
        guard let level = Level(written: TextNormalizer.fold(r.fields[2])) else {
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

/// Reads a reference CSV (UTF-8 or GB18030) with a fixed header, keeping line numbers.
enum ReferenceCSV {
    struct Row { let line: Int; let fields: [String] }

    static func rows(path: String, header: [String], chineseHeader: [String]) throws -> [Row] {
        try map(path: path, header: header, chineseHeader: chineseHeader) { $0 }.flatMap { $0 }
    }

    /// The rows after the header, each made a value by `make`, in file order, in parts (a large
    /// file's parts are read side by side: a national divisions list has 700,000 rows). Blank
    /// rows and `#` comments are left out; each row has the header's fields (missing ones empty).
    static func map<T: Sendable>(path: String, header: [String], chineseHeader: [String],
                                 _ make: @escaping @Sendable (Row) -> T) throws -> [[T]] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReferenceError(file: path, "cannot read the file / 无法读取")
        }
        guard let (text, _) = TextDecoding.decode(data) else {
            throw ReferenceError(file: path, "unknown text encoding / 编码无法识别")
        }
        let parts = CSV.recordParts(from: text)
        let width = header.count
        @Sendable func row(_ r: (row: Int, fields: [String]), lines: Int) -> Row? {
            guard let firstCell = r.fields.first(where: { !TextNormalizer.isBlank($0) }),
                  !TextNormalizer.fold(firstCell).hasPrefix("#") else { return nil }
            var fields = Array(r.fields.prefix(width))
            while fields.count < width { fields.append("") }
            return Row(line: lines + r.row + 1, fields: fields)
        }
        // The header: the first row that is not blank or a comment.
        var first: (part: Int, record: Int)?
        search: for (k, part) in parts.enumerated() {
            for (j, r) in part.records.enumerated() {
                guard let h = row(r, lines: part.lines) else { continue }
                let keys = h.fields.map { TextNormalizer.key($0) }
                guard keys == header || keys == chineseHeader else {
                    throw ReferenceError(file: path, line: h.line, "expected the header \(header.joined(separator: ","))")
                }
                first = (k, j + 1)
                break search
            }
        }
        guard let first else { throw ReferenceError(file: path, "empty file: expected the header \(header.joined(separator: ","))") }
        let after = parts.indices.filter { $0 >= first.part }
        return after.concurrentMap { k in
            let part = parts[k]
            var out: [T] = []
            out.reserveCapacity(part.records.count)
            for j in (k == first.part ? first.record : 0)..<part.records.count {
                if let r = row(part.records[j], lines: part.lines) { out.append(make(r)) }
            }
            return out
        }
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
