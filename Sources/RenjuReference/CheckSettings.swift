import Foundation
import RenjuModel
import Yams

/// How one built-in check is configured in `rules.yaml`.
public struct CheckSetting: Sendable {
    public let id: RuleID
    public var severity: Severity
    /// Levels the check applies to; nil for all.
    public var levels: Set<Level>?
    public var enabled: Bool
    public var params: [String: Double]
    /// Where the setting is written (for refusing unknown ids with their line).
    public var line: Int?
    /// Where each parameter is written.
    public var paramLines: [String: Int] = [:]
    /// Parameters for one kind of period (`year: {scale: 4}`): a year is not a quarter, and a
    /// threshold set for quarters misjudges annual returns. They replace `params` when the checked
    /// period is of that kind.
    public var byPeriod: [Period.Kind: [String: Double]] = [:]
    /// Where each period kind's parameters are written.
    public var byPeriodLines: [Period.Kind: Int] = [:]

    /// The setting for a period of `kind`: its parameters with that kind's in their place.
    public func forPeriod(_ kind: Period.Kind) -> CheckSetting {
        guard let own = byPeriod[kind] else { return self }
        var s = self
        s.params.merge(own) { _, new in new }
        return s
    }

    public init(id: RuleID, severity: Severity, levels: Set<Level>? = nil, enabled: Bool = true, params: [String: Double] = [:], line: Int? = nil) {
        self.id = id; self.severity = severity; self.levels = levels; self.enabled = enabled; self.params = params; self.line = line
    }

    public func applies(to level: Level?) -> Bool {
        guard enabled else { return false }
        guard let levels, let level else { return true }
        return levels.contains(level)
    }
}

/// The contents of `rules.yaml`: check settings and the identities checked row by row.
public struct CheckSettings: Sendable {
    public private(set) var settings: [RuleID: CheckSetting] = [:]
    /// Part ≤ whole.
    public var partWhole: [(part: IndicatorID, whole: IndicatorID)] = []
    /// When the first is above zero the second must be too.
    public var requires: [(when: IndicatorID, then: IndicatorID)] = []
    /// The line of each `part_whole` and `requires` pair (for the rule-set analysis's file:line).
    public var partWholeLines: [Int?] = []
    public var requiresLines: [Int?] = []
    /// Rules written by the user in the expression language.
    public var userRules: [UserRule] = []
    /// How figures are imputed (`imputation:`): the methods tried in order, and per indicator.
    public var imputation = ImputationMethods()

    public init() {}

    public subscript(id: RuleID) -> CheckSetting? { settings[id] }

    public mutating func set(_ s: CheckSetting) { settings[s.id] = s }

    /// The settings for a checked period of `kind`: every rule's parameters with those written for
    /// that kind of period in their place.
    public func forPeriod(_ kind: Period.Kind) -> CheckSettings {
        var out = self
        for (id, s) in settings where !s.byPeriod.isEmpty { out.settings[id] = s.forPeriod(kind) }
        return out
    }

    /// The configured setting, or the given default.
    public func setting(_ id: RuleID, default severity: Severity) -> CheckSetting {
        settings[id] ?? CheckSetting(id: id, severity: severity)
    }

    /// Applies configured severities to findings and drops those of disabled checks.
    public func apply(_ findings: [Finding]) -> [Finding] {
        findings.compactMap { f in
            guard let s = settings[f.rule] else { return f }
            if !s.enabled { return nil }
            var g = f; g.severity = s.severity; return g
        }
    }

    /// The file the settings came from.
    public var path: String = ""

    public static func load(path: String, catalog: Catalog) throws -> CheckSettings {
        let file = try YAMLFile(path: path)
        let root = try file.mapping(file.root, "rules.yaml", keys: ["checks", "identities", "rules", "imputation"])
        var out = CheckSettings()
        out.path = path
        if let checks = root["checks"] {
            for (k, v) in try file.mapping(checks, "checks") {
                let idText = try file.string(k, "check id")
                guard let id = RuleID(idText) else {
                    throw file.error(k, "“\(idText)” is not a rule id of the form category.name with a known category (\(RuleCategory.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                let m = try file.mapping(v, idText)
                var severity = Severity.error
                var levels: Set<Level>? = nil
                var enabled = true
                var params: [String: Double] = [:]
                var paramLines: [String: Int] = [:]
                var byPeriod: [Period.Kind: [String: Double]] = [:]
                var byPeriodLines: [Period.Kind: Int] = [:]
                for (pk, pv) in m {
                    let key = try file.string(pk, "\(idText) setting")
                    switch key {
                    case "severity":
                        let s = try file.string(pv, "\(idText).severity")
                        guard let sev = Severity(rawValue: s) else { throw file.error(pv, "\(idText).severity “\(s)”: expected error, warning or info") }
                        severity = sev
                    case "levels":
                        levels = Set(try file.strings(pv, "\(idText).levels").map { l in
                            guard let lv = Level(rawValue: l) else { throw file.error(pv, "\(idText).levels: unknown level “\(l)”") }
                            return lv
                        })
                    case "enabled":
                        enabled = try file.bool(pv, "\(idText).enabled")
                    case "title", "description":
                        continue
                    case "month", "quarter", "half", "year":
                        let kind: Period.Kind = Period.Kind.allCases.first { $0.key == key } ?? .year
                        var own: [String: Double] = [:]
                        for (nk, nv) in try file.mapping(pv, "\(idText).\(key)") {
                            let name = try file.string(nk, "\(idText).\(key) parameter")
                            let v = try file.number(nv, "\(idText).\(key).\(name)")
                            guard v.isFinite else { throw file.error(nv, "\(idText).\(key).\(name) must be a number (got \(shortestDecimal(v)))") }
                            own[name] = v
                        }
                        byPeriod[kind] = own
                        byPeriodLines[kind] = pk.mark?.line
                    default:
                        // Tolerances, thresholds, counts and shares: none is meaningful below 0
                        // (a negative tolerance would flag every figure).
                        // A parameter: its name and range are checked against the rule's descriptor (`verify`).
                        let v = try file.number(pv, "\(idText).\(key)")
                        guard v.isFinite else { throw file.error(pv, "\(idText).\(key) must be a number (got \(shortestDecimal(v)))") }
                        params[key] = v
                        paramLines[key] = pk.mark?.line
                    }
                }
                var setting = CheckSetting(id: id, severity: severity, levels: levels, enabled: enabled, params: params, line: k.mark?.line)
                setting.paramLines = paramLines
                setting.byPeriod = byPeriod
                setting.byPeriodLines = byPeriodLines
                out.set(setting)
            }
        }
        if let ids = root["identities"] {
            let m = try file.mapping(ids, "identities", keys: ["part_whole", "requires"])
            func lines(_ key: String) -> [Int?] {
                guard let node = m[key], let items = try? file.sequence(node, "identities.\(key)") else { return [] }
                return items.map { $0.mark?.line }
            }
            func pairs(_ key: String) throws -> [(IndicatorID, IndicatorID)] {
                guard let node = m[key] else { return [] }
                return try file.sequence(node, "identities.\(key)").map { item in
                    let pair = try file.strings(item, "identities.\(key) entry")
                    guard pair.count == 2 else { throw file.error(item, "identities.\(key): expected a pair [a, b]") }
                    for p in pair where catalog[IndicatorID(p)] == nil {
                        throw file.error(item, "identities.\(key): unknown indicator “\(p)”")
                    }
                    return (IndicatorID(pair[0]), IndicatorID(pair[1]))
                }
            }
            out.partWhole = try pairs("part_whole").map { (part: $0.0, whole: $0.1) }
            out.requires = try pairs("requires").map { (when: $0.0, then: $0.1) }
            out.partWholeLines = lines("part_whole"); out.requiresLines = lines("requires")
        }
        if let node = root["imputation"] {
            let m = try file.mapping(node, "imputation", keys: ["methods", "indicators"])
            func methods(_ n: Node, _ what: String) throws -> [ImputedFigure.Method] {
                let names = try file.strings(n, what)
                return try names.map { name in
                    guard let method = ImputedFigure.Method(rawValue: name), ImputedFigure.Method.choosable.contains(method) else {
                        throw file.error(n, "\(what): unknown method “\(name)” (methods: \(ImputedFigure.Method.choosable.map(\.rawValue).joined(separator: ", ")))")
                    }
                    return method
                }
            }
            if let d = m["methods"] { out.imputation.methods = try methods(d, "imputation.methods") }
            if let ind = m["indicators"] {
                for (k, v) in try file.mapping(ind, "imputation.indicators") {
                    let id = try file.string(k, "imputation.indicators key")
                    guard catalog[IndicatorID(id)] != nil else { throw file.error(k, "imputation.indicators: unknown indicator “\(id)”") }
                    out.imputation.byIndicator[IndicatorID(id)] = try methods(v, "imputation.indicators.\(id)")
                }
            }
        }
        if let rules = root["rules"] {
            var seen = Set<RuleID>()
            for node in try file.sequence(rules, "rules") {
                let rule = try userRule(node, file: file, catalog: catalog)
                if seen.contains(rule.id) || out.settings[rule.id] != nil {
                    throw file.error(node.mapping?["id"], "rule “\(rule.id)” is defined twice")
                }
                seen.insert(rule.id)
                out.userRules.append(rule)
            }
        }
        return out
    }

    static func userRule(_ node: Node, file: YAMLFile, catalog: Catalog) throws -> UserRule {
        let m = try file.mapping(node, "rule")
        for (k, _) in m {
            let key = k.scalar?.string ?? ""
            if !["id", "title", "description", "severity", "levels", "assert", "missing", "indicator", "message", "ref", "printed", "origin", "from", "until"].contains(key) {
                throw file.error(k, "unknown rule field “\(key)” (fields: id, title, description, severity, levels, assert, missing, indicator, message; for an imported 审核公式 also ref, printed, origin, from, until)")
            }
        }
        let idText = try file.string(m["id"], "rule id")
        guard let id = RuleID(idText) else {
            throw file.error(m["id"], "“\(idText)” is not a rule id of the form category.name with a known category (\(RuleCategory.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let title = try file.string(m["title"], "\(idText).title")
        let sevText = try file.string(m["severity"], "\(idText).severity")
        guard let severity = Severity(rawValue: sevText) else { throw file.error(m["severity"], "\(idText).severity “\(sevText)”: expected error, warning or info") }
        var levels: Set<Level>? = nil
        if let l = m["levels"] {
            levels = Set(try file.strings(l, "\(idText).levels").map { t in
                guard let lv = Level(rawValue: t) else { throw file.error(l, "\(idText).levels: unknown level “\(t)”") }
                return lv
            })
        }
        let exprNode = m["assert"]
        let text = try file.string(exprNode, "\(idText).assert")
        let assertion: RuleExpression
        do {
            assertion = try RuleExpressionParser.parse(text) { catalog[$0] != nil }
        } catch let e as RuleExpressionError {
            // Column of the character within the file: the scalar's column, plus a quote if quoted.
            var column = e.offset + 1
            if let mark = exprNode?.mark {
                let quoted = exprNode?.scalar?.style == .doubleQuoted || exprNode?.scalar?.style == .singleQuoted
                column = mark.column + e.offset + (quoted ? 1 : 0)
            }
            throw ReferenceError(file: file.path, line: exprNode?.mark?.line, column: column, "\(idText).assert: \(e.message)")
        }
        var missing = MissingPolicy.skip
        if let mn = m["missing"] {
            let t = try file.string(mn, "\(idText).missing")
            guard let p = MissingPolicy(rawValue: t) else { throw file.error(mn, "\(idText).missing “\(t)”: expected skip or fail") }
            missing = p
        }
        var indicator: IndicatorID? = nil
        if let i = m["indicator"] {
            let t = try file.string(i, "\(idText).indicator")
            guard catalog[IndicatorID(t)] != nil else { throw file.error(i, "\(idText).indicator: unknown indicator “\(t)”") }
            indicator = IndicatorID(t)
        } else {
            indicator = assertion.indicators.sorted().first
        }
        var rule = UserRule(id: id, title: title, description: m["description"]?.scalar?.string ?? "", severity: severity,
                            levels: levels, assertion: assertion, source: text, missing: missing, indicator: indicator,
                            message: m["message"]?.scalar?.string, line: m["id"]?.mark?.line)
        rule.ref = m["ref"]?.scalar?.string
        rule.printed = m["printed"]?.scalar?.string
        rule.origin = m["origin"]?.scalar?.string
        for key in ["from", "until"] {
            guard let node = m[key] else { continue }
            let t = try file.string(node, "\(idText).\(key)")
            guard let p = Period.parse(t) else { throw file.error(node, "\(idText).\(key): not a period (e.g. 2025Q3): “\(t)”") }
            if key == "from" { rule.from = p } else { rule.until = p }
        }
        return rule
    }

    /// The rules of a rules file given beside the reference folder's (`--rules FILE`): its
    /// `rules:` only; an id the settings have already is refused.
    public mutating func addRules(path: String, catalog: Catalog) throws {
        let file = try YAMLFile(path: path)
        let root = try file.mapping(file.root, path, keys: ["rules"])
        guard let rules = root["rules"] else { return }
        for node in try file.sequence(rules, "rules") {
            let rule = try Self.userRule(node, file: file, catalog: catalog)
            if settings[rule.id] != nil || userRules.contains(where: { $0.id == rule.id }) {
                throw file.error(node.mapping?["id"], "rule “\(rule.id)” is defined twice (here and in the reference folder or another rules file)")
            }
            userRules.append(rule)
        }
    }
}


/// The imputation methods of rules.yaml: tried in order until one gives a value that passes every
/// error rule.
public struct ImputationMethods: Sendable {
    public var methods: [ImputedFigure.Method] = [.deterministic, .ratio, .donor]
    public var byIndicator: [IndicatorID: [ImputedFigure.Method]] = [:]
    public init() {}
    public func methods(for id: IndicatorID) -> [ImputedFigure.Method] { byIndicator[id] ?? methods }
}
