import Foundation

/// A 12-digit 统计用区划代码. Shorter codes are right-padded with zeros (`640422` → `640422000000`).
public struct UnitCode: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let rawValue: String

    /// Parses a code as written in a cell: digits only (full-width accepted), 2–12 digits.
    public init?(_ text: String) {
        let s = TextNormalizer.fold(text)
        guard (2...12).contains(s.count), s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        rawValue = s.count == 12 ? s : s + String(repeating: "0", count: 12 - s.count)
    }

    public var description: String { rawValue }
    public static func < (a: UnitCode, b: UnitCode) -> Bool { a.rawValue < b.rawValue }

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
public struct DivisionTree: Sendable {
    public private(set) var units: [UnitCode: Unit] = [:]
    public private(set) var children: [UnitCode: [UnitCode]] = [:]

    public init(_ list: [Unit] = []) {
        for u in list { add(u) }
    }

    public mutating func add(_ u: Unit) {
        if units[u.code] == nil, let p = u.parent { children[p, default: []].append(u.code) }
        units[u.code] = u
    }

    public subscript(code: UnitCode) -> Unit? { units[code] }

    public func children(of code: UnitCode) -> [UnitCode] { (children[code] ?? []).sorted() }

    public func name(of code: UnitCode) -> String? { units[code]?.name }

    /// All units below `code`, depth first.
    public func descendants(of code: UnitCode) -> [UnitCode] {
        var out: [UnitCode] = []
        for c in children(of: code) { out.append(c); out.append(contentsOf: descendants(of: c)) }
        return out
    }

    public func isAncestor(_ a: UnitCode, of b: UnitCode) -> Bool {
        var cur = units[b]?.parent
        var guardCount = 0
        while let c = cur, guardCount < 16 {
            if c == a { return true }
            cur = units[c]?.parent; guardCount += 1
        }
        return false
    }

    public var roots: [UnitCode] {
        units.values.filter { $0.parent == nil || units[$0.parent!] == nil }.map(\.code).sorted()
    }

    public func units(at level: Level) -> [Unit] {
        units.values.filter { $0.level == level }.sorted { $0.code < $1.code }
    }
}

extension UnitCode {
    /// The parent implied by the code's structure (national standard): a village's township, a
    /// township's county, a county's prefecture. Used for codes the divisions file does not know.
    public var structuralParent: UnitCode? {
        let d = Array(rawValue)
        func zeroed(from i: Int) -> UnitCode? { UnitCode(String(d[0..<i]) + String(repeating: "0", count: 12 - i)) }
        if d[9...].contains(where: { $0 != "0" }) { return zeroed(from: 9) }
        if d[6..<9].contains(where: { $0 != "0" }) { return zeroed(from: 6) }
        if d[4..<6].contains(where: { $0 != "0" }) { return zeroed(from: 4) }
        if d[2..<4].contains(where: { $0 != "0" }) { return zeroed(from: 2) }
        return nil
    }
}

extension DivisionTree {
    /// The parent from the divisions file, or from the code's structure for unknown codes.
    public func parent(of code: UnitCode) -> UnitCode? {
        if let u = self[code] { return u.parent }
        return code.structuralParent
    }
}
