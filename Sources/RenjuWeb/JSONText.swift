import Foundation
import RenjuReport

/// JSON text embedded as it is (SPEC §6's report, rendered once by RenjuReport).
struct RawJSON { let text: String }

/// JSON from plain values (String, integers, Double, Bool, arrays, dictionaries, RawJSON, nil),
/// keys in code-point order. Foundation's JSONSerialization sorts keys with a locale-aware
/// comparison that cost more than the whole board; this writer does not.
enum JSONText {
    static func render(_ value: Any?) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    static func write(_ value: Any?, into out: inout String) {
        var value = value
        // An optional inside Any (a nil in a [String: Any?]) is its content, or null.
        while let v = value, type(of: v) is any ExpressibleByNilLiteral.Type, Mirror(reflecting: v).displayStyle == .optional {
            value = Mirror(reflecting: v).children.first?.value
        }
        switch value {
        case nil, is NSNull: out += "null"
        case let s as String: string(s, into: &out)
        case let b as Bool: out += b ? "true" : "false"
        case let i as Int: out += String(i)
        case let i as Int64: out += String(i)
        case let d as Double: out += d.isFinite ? (d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)") : "null"
        case let r as RawJSON: out += r.text
        case let a as [Any]:
            out += "["
            for (i, v) in a.enumerated() { if i > 0 { out += "," }; write(v, into: &out) }
            out += "]"
        case let o as [String: Any]:
            out += "{"
            for (i, k) in o.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                string(k, into: &out); out += ":"; write(o[k] ?? nil, into: &out)
            }
            out += "}"
        case let o as [String: Any?]:
            write(o.mapValues { $0 as Any }, into: &out)
        default: string("\(value!)", into: &out)
        }
    }

    static func string(_ s: String, into out: inout String) { out += JSONReport.quote(s) }
}
