import Foundation

/// Where the reference data and the templates are, found once for every use case:
/// an explicit folder, else the environment (`RENJU_REFERENCE`, `RENJU_TEMPLATES`), else the
/// folders of the checkout the executable was built in, else `./reference-data` and `./templates`.
public struct Locations: Sendable {
    public var reference: String
    public var templates: String
    /// A divisions or targets file that replaces the reference folder's.
    public var divisions: String?
    public var targets: String?
    /// A division change table that replaces the reference folder's `division-changes.csv`.
    public var divisionChanges: String?
    /// Rule files added to the reference folder's (`--rules`): a rules file, or a 审核公式 workbook.
    public var rules: [String] = []

    public init(reference: String, templates: String, divisions: String? = nil, targets: String? = nil, divisionChanges: String? = nil) {
        self.reference = reference; self.templates = templates; self.divisions = divisions; self.targets = targets
        self.divisionChanges = divisionChanges
    }

    public static func discover(reference: String? = nil, divisions: String? = nil, targets: String? = nil, divisionChanges: String? = nil,
                                executable: String = CommandLine.arguments.first ?? "renju",
                                environment: [String: String] = ProcessInfo.processInfo.environment) -> Locations {
        let ref = reference ?? environment["RENJU_REFERENCE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? nearExecutable(executable, "reference-data", marker: "indicators.yaml") ?? "reference-data"
        var tpl: String
        if let env = environment["RENJU_TEMPLATES"], !env.isEmpty { tpl = env } else {
            let beside = URL(fileURLWithPath: ref).deletingLastPathComponent().appendingPathComponent("templates").path
            tpl = FileManager.default.fileExists(atPath: beside) ? beside
                : nearExecutable(executable, "templates", marker: "prefecture-quarterly.yaml") ?? "templates"
        }
        return Locations(reference: ref, templates: tpl, divisions: divisions, targets: targets, divisionChanges: divisionChanges)
    }

    /// A folder of that name holding `marker`: in an installed archive's `share/renju/` (beside
    /// `bin/`), beside the executable, or up to six folders above it.
    static func nearExecutable(_ executable: String, _ name: String, marker: String) -> String? {
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        let installed = dir.deletingLastPathComponent().appendingPathComponent("share/renju").appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: installed.appendingPathComponent(marker).path) { return installed.path }
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(marker).path) { return candidate.path }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }
}

/// What `renju --version` says: the version, the commit it was built from, and where that is
/// known from (an installed archive's `share/renju/BUILD`, else the checkout's `.git`).
public enum BuildInfo {
    public static let version = "0.32.0"

    /// The commit of this build: `share/renju/BUILD` beside an installed binary (written by
    /// scripts/package.sh), else the checkout's HEAD the binary was built in; nil when neither is found.
    public static func commit(executable: String = CommandLine.arguments.first ?? "renju") -> String? {
        let exe = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
        let build = exe.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("share/renju/BUILD")
        if let text = try? String(contentsOf: build, encoding: .utf8) {
            for line in text.split(separator: "\n") where line.hasPrefix("commit=") { return String(line.dropFirst(7)) }
        }
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<6 {
            let git = dir.appendingPathComponent(".git")
            if let head = try? String(contentsOf: git.appendingPathComponent("HEAD"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) {
                guard head.hasPrefix("ref: ") else { return String(head.prefix(12)) }
                let ref = String(head.dropFirst(5))
                if let hash = try? String(contentsOf: git.appendingPathComponent(ref), encoding: .utf8) { return String(hash.prefix(12)) }
                if let packed = try? String(contentsOf: git.appendingPathComponent("packed-refs"), encoding: .utf8),
                   let line = packed.split(separator: "\n").first(where: { $0.hasSuffix(" " + ref) }) {
                    return String(line.prefix(12))
                }
                return nil
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    public static func describe(extra: String = "") -> String {
        "\(version) (commit \(commit() ?? "unknown")\(extra.isEmpty ? "" : ", " + extra))"
    }
}
