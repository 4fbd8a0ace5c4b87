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

    /// A folder of that name holding `marker`, beside the executable or up to six folders above it.
    static func nearExecutable(_ executable: String, _ name: String, marker: String) -> String? {
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(marker).path) { return candidate.path }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }
}
