import Foundation
import RenjuModel
import Yams

/// A YAML document with positions, so that every mistake can be reported with its line.
struct YAMLFile {
    let path: String
    let root: Node

    init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReferenceError(file: path, "cannot read the file / 无法读取")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ReferenceError(file: path, "not UTF-8 text / 不是 UTF-8 文本")
        }
        do {
            guard let node = try Yams.compose(yaml: text) else { throw ReferenceError(file: path, "empty file / 文件为空") }
            root = node
        } catch let e as YamlError {
            throw Self.describe(e, path: path)
        }
    }

    static func describe(_ e: YamlError, path: String) -> ReferenceError {
        switch e {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _):
            return ReferenceError(file: path, line: mark.line, column: mark.column, "YAML syntax: \(problem)")
        default:
            return ReferenceError(file: path, "YAML: \(e)")
        }
    }

    func error(_ node: Node?, _ message: String) -> ReferenceError {
        ReferenceError(file: path, line: node?.mark?.line, column: node?.mark?.column, message)
    }

    func mapping(_ node: Node?, _ what: String) throws -> Node.Mapping {
        guard let m = node?.mapping else { throw error(node, "\(what): expected a mapping (key: value)") }
        return m
    }

    /// A mapping whose keys must be among `keys`: a misspelt key (`intger:`) is refused with its
    /// line and the nearest known key, never silently ignored.
    func mapping(_ node: Node?, _ what: String, keys: [String]) throws -> Node.Mapping {
        let m = try mapping(node, what)
        for (k, _) in m {
            let key = k.scalar?.string ?? ""
            guard !keys.contains(key) else { continue }
            let near = keys.min { editDistance($0, key) < editDistance($1, key) }
            let hint = near.map { editDistance($0, key) <= max(2, key.count / 3) ? " — did you mean “\($0)”?" : "" } ?? ""
            throw error(k, "\(what): unknown key “\(key)”\(hint) (known: \(keys.joined(separator: ", ")))")
        }
        return m
    }

    func sequence(_ node: Node?, _ what: String) throws -> [Node] {
        guard let s = node?.sequence else { throw error(node, "\(what): expected a list") }
        return Array(s)
    }

    func string(_ node: Node?, _ what: String) throws -> String {
        guard let s = node?.scalar?.string, !s.isEmpty else { throw error(node, "\(what): expected text") }
        return s
    }

    func number(_ node: Node?, _ what: String) throws -> Double {
        guard let s = node?.scalar?.string, let d = Double(s) else { throw error(node, "\(what): expected a number") }
        return d
    }

    func int(_ node: Node?, _ what: String) throws -> Int {
        guard let s = node?.scalar?.string, let d = Int(s) else { throw error(node, "\(what): expected a whole number") }
        return d
    }

    func bool(_ node: Node?, _ what: String) throws -> Bool {
        guard let s = node?.scalar?.string.lowercased() else { throw error(node, "\(what): expected true or false") }
        switch s {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(node, "\(what): expected true or false, not \(s)")
        }
    }

    func strings(_ node: Node?, _ what: String) throws -> [String] {
        try sequence(node, what).map { try string($0, what) }
    }
}

