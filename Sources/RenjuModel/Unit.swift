import Foundation

/// A 12-digit 统计用区划代码. Shorter codes are right-padded with zeros (`640422` → `640422000000`).
/// Held as a number: codes are hashed and compared millions of times at national scale.
public struct UnitCode: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let value: UInt64

    init(value: UInt64) { self.value = value }

    /// A code written as 2–12 ASCII digits and nothing else (a CSV field's bytes, the usual
    /// cell), read without making text: the code `init?(_:)` reads from the same digits. Nil for
    /// anything else — which `init?(_:)` may still read (blanks around it, full-width digits).
    public init?(asciiDigits bytes: UnsafeBufferPointer<UInt8>) {
        guard (2...12).contains(bytes.count) else { return nil }
        var v: UInt64 = 0
        for b in bytes {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            v = v &* 10 &+ UInt64(b - 0x30)
        }
        for _ in bytes.count..<12 { v *= 10 }
        value = v
    }

    /// Parses a code as written in a cell: digits only (full-width accepted), 2–12 digits.
    public init?(_ text: String) {
        // The usual code, 2–12 ASCII digits and nothing else, read from the bytes as they lie.
        var bytes = text
        if let code = bytes.withUTF8({ UnitCode(asciiDigits: $0) }) { self = code; return }
        var v: UInt64 = 0, n = 0
        var ascii = true
        for b in text.utf8 {
            if b >= 0x30 && b <= 0x39 { v = v &* 10 &+ UInt64(b - 0x30); n += 1; if n > 12 { return nil } }
            else if b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A { if n > 0 { ascii = false; break } }
            else { ascii = false; break }
        }
        if !ascii {
            // Full-width digits, inner blanks and the like: fold, then parse again.
            let s = TextNormalizer.fold(text)
            guard (2...12).contains(s.count), s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            v = 0; n = 0
            for b in s.utf8 { v = v * 10 + UInt64(b - 0x30); n += 1 }
        }
        guard (2...12).contains(n) else { return nil }
        for _ in n..<12 { v *= 10 }
        value = v
    }

    /// The 12 digits.
    public var rawValue: String {
        let d = String(value)
        return d.count >= 12 ? d : String(repeating: "0", count: 12 - d.count) + d
    }

    public var description: String { rawValue }
    public static func < (a: UnitCode, b: UnitCode) -> Bool { a.value < b.value }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let c = UnitCode(s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a unit code: \(s)"))
        }
        self = c
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer(); try c.encode(rawValue)
    }
}

/// Administrative level of a unit.
public enum Level: String, Sendable, CaseIterable, Codable, Comparable {
    case province, prefecture, county, township, village

    public var depth: Int {
        switch self {
        case .province: return 0
        case .prefecture: return 1
        case .county: return 2
        case .township: return 3
        case .village: return 4
        }
    }
    public static func < (a: Level, b: Level) -> Bool { a.depth < b.depth }

    /// A level as a divisions file writes it, in any case (`village`, `Village`): `init(rawValue:)`
    /// of the text lowercased, the usual lowercase text matched without making a copy.
    public init?(written text: String) {
        switch text {
        case "province": self = .province
        case "prefecture": self = .prefecture
        case "county": self = .county
        case "township": self = .township
        case "village": self = .village
        default:
            guard let level = Level(rawValue: text.lowercased()) else { return nil }
            self = level
        }
    }

    public var chinese: String {
        switch self {
        case .province: return "省"
        case .prefecture: return "州/市"
        case .county: return "县"
        case .township: return "乡镇"
        case .village: return "村"
        }
    }
}

/// An administrative unit: a county, a township, a village.
public struct Unit: Hashable, Sendable {
    public let code: UnitCode
    public let name: String
    public let level: Level
    public let parent: UnitCode?

    public init(code: UnitCode, name: String, level: Level, parent: UnitCode?) {
        self.code = code; self.name = name; self.level = level; self.parent = parent
    }
}

/// The division tree of a county (or any region): units and their children, from a divisions file.
/// Units and child lists are found through `UnitIndex` (a national tree has 700,000 units).
public struct DivisionTree: Sendable {
    private var list: [Unit] = []
    /// Level and parent of each unit in `list`, apart: checks ask for these for every row, and
    /// reading them from the units would copy each unit's name.
    private var levels: [Level] = []
    private var parents: [UnitCode?] = []
    private var index = UnitIndex()
    private var childLists: [[UnitCode]] = []
    private var childIndex = UnitIndex()

    public init(_ list: [Unit] = []) {
        for u in list { add(u) }
    }

    public mutating func add(_ u: Unit) {
        if let i = addIfAbsent(u) { list[i] = u; levels[i] = u.level; parents[i] = u.parent }
    }

    /// Adds a unit whose code is not in the tree yet; else leaves the tree as it is and returns
    /// the position (in `all`) of the unit with that code.
    public mutating func addIfAbsent(_ u: Unit) -> Int? {
        if let i = index.insert(u.code, Int32(truncatingIfNeeded: list.count)) { return Int(i) }
        list.append(u); levels.append(u.level); parents.append(u.parent)
        if let p = u.parent {
            // Kept sorted as they come (files list them in order, so this is an append).
            let slot: Int
            if let s = childIndex.insert(p, Int32(truncatingIfNeeded: childLists.count)) { slot = Int(s) } else {
                slot = childLists.count
                childLists.append([])
            }
            var i = childLists[slot].count
            while i > 0, u.code < childLists[slot][i - 1] { i -= 1 }
            childLists[slot].insert(u.code, at: i)
        }
        return nil
    }

    /// Where a unit is in `all`.
    public func position(of code: UnitCode) -> Int? { index[code].map { Int($0) } }

    /// The unit at a position of `all`.
    public func unit(at position: Int) -> Unit? { list.indices.contains(position) ? list[position] : nil }

    /// Number of units.
    public var count: Int { list.count }

    /// Every unit, in the order added.
    public var all: [Unit] { list }

    /// Makes room for `n` units in all (a national divisions file) so the index does not regrow.
    public mutating func reserve(_ n: Int) {
        index.reserve(n); list.reserveCapacity(n); levels.reserveCapacity(n); parents.reserveCapacity(n)
    }

    public subscript(code: UnitCode) -> Unit? { index[code].map { list[Int($0)] } }

    public func children(of code: UnitCode) -> [UnitCode] { childIndex[code].map { childLists[Int($0)] } ?? [] }

    public func name(of code: UnitCode) -> String? { self[code]?.name }

    /// The level of a unit in the tree.
    public func level(of code: UnitCode) -> Level? { index[code].map { levels[Int($0)] } }

    /// Whether the tree has the unit, and its parent there (nil inside for a root).
    public func treeParent(of code: UnitCode) -> UnitCode?? { index[code].map { parents[Int($0)] } }

    /// The parent and level of the unit at a position of `all` (`position(of:)`): a unit looked
    /// up once for both.
    public func parent(atPosition p: Int) -> UnitCode? { parents.indices.contains(p) ? parents[p] : nil }
    public func level(atPosition p: Int) -> Level? { levels.indices.contains(p) ? levels[p] : nil }

    /// All units below `code`, depth first.
    public func descendants(of code: UnitCode) -> [UnitCode] {
        var out: [UnitCode] = []
        for c in children(of: code) { out.append(c); out.append(contentsOf: descendants(of: c)) }
        return out
    }

    /// The lowest unit above (or equal to) every given unit the tree knows, raised while its level
    /// is at or below `level` (a return whose rows are townships reports for their county); nil
    /// when none is known. Decided in code order, whatever order the units come in.
    public func commonAncestor(of codes: some Sequence<UnitCode>, above level: Level? = nil) -> UnitCode? {
        let known = Set(codes).filter { self[$0] != nil }.sorted()
        guard var lca = known.first else { return nil }
        func chain(_ c: UnitCode) -> [UnitCode] {
            var out = [c]; var cur = c
            while let p = self[cur]?.parent, out.count < 16 { out.append(p); cur = p }
            return out
        }
        for c in known {
            let ancestors = Set(chain(c))
            lca = chain(lca).first { ancestors.contains($0) } ?? lca
        }
        if let level {
            while let l = self[lca]?.level, l >= level, let p = self[lca]?.parent { lca = p }
        }
        return lca
    }

    public func isAncestor(_ a: UnitCode, of b: UnitCode) -> Bool {
        var cur = self[b]?.parent
        var guardCount = 0
        while let c = cur, guardCount < 16 {
            if c == a { return true }
            cur = self[c]?.parent; guardCount += 1
        }
        return false
    }

    public var roots: [UnitCode] {
        list.filter { u in u.parent.map { self[$0] == nil } ?? true }.map(\.code).sorted()
    }

    public func units(at level: Level) -> [Unit] {
        list.filter { $0.level == level }.sorted { $0.code < $1.code }
    }
}

extension UnitCode {
    /// The parent implied by the code's structure (national standard): a village's township, a
    /// township's county, a county's prefecture. Used for codes the divisions file does not know.
    public var structuralParent: UnitCode? {
        let d = Array(rawValue)
        func zeroed(from i: Int) -> UnitCode? { UnitCode(String(d[0..<i]) + String(repeating: "0", count: 12 - i)) }
        if value % 1000 != 0 { return zeroed(from: 9) }
        if value % 1_000_000 != 0 { return zeroed(from: 6) }
        if value % 100_000_000 != 0 { return zeroed(from: 4) }
        if value % 10_000_000_000 != 0 { return zeroed(from: 2) }
        return nil
    }
}

extension DivisionTree {
    /// The parent from the divisions file, or from the code's structure for unknown codes.
    public func parent(of code: UnitCode) -> UnitCode? {
        if let p = treeParent(of: code) { return p }
        return code.structuralParent
    }
}
