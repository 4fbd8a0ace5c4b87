import Foundation
import RenjuModel

/// Everything a user can change without recompiling: catalog, divisions, targets, check settings,
/// sign-off chains. Loaded from a reference directory (default: the bundled `reference-data/`).
public struct ReferenceData: Sendable {
    public var catalog: Catalog
    public var tree: DivisionTree
    public var targets: Targets
    public var checks: CheckSettings
    public var chains: SignOffChains
    public var keys: KeyRegistry = KeyRegistry()
    public var ranking: RankingConfig = RankingConfig()
    /// Ratios tested against peers (`ratios.yaml`).
    public var ratios: [RatioDefinition] = []
    /// What changing each figure costs in error localisation (`localisation.yaml`).
    public var fixWeights = FixWeights()
    /// The reporting calendar (`calendar.yaml`): the period being reported, the desk's time zone.
    public var calendar = ReportingCalendar()
    /// How earlier periods' units became today's (`division-changes.csv`): history is carried across.
    public var changes = DivisionChanges()
    public var directory: String

    public init(catalog: Catalog, tree: DivisionTree, targets: Targets = Targets(), checks: CheckSettings = CheckSettings(),
                chains: SignOffChains = SignOffChains(), directory: String = "") {
        self.catalog = catalog; self.tree = tree; self.targets = targets; self.checks = checks
        self.chains = chains; self.directory = directory
    }

    /// Loads a reference directory. `divisions` and `targets` replace the directory's own files.
    public static func load(directory: String, divisions: String? = nil, targets: String? = nil, changes: String? = nil) throws -> ReferenceData {
        try load(directory: directory, divisions: divisions, targets: targets, changes: changes, tree: { try DivisionsLoader.load(paths: $0) })
    }

    /// `load`, the divisions made from their files by `makeTree` where `load` loads them (a
    /// caller that loads them side by side with other work returns a stand-in and waits later).
    public static func load(directory: String, divisions: String?, targets: String?, changes: String?,
                            tree makeTree: (_ files: [String]) throws -> DivisionTree) throws -> ReferenceData {
        let fm = FileManager.default
        let dir = URL(fileURLWithPath: directory)
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        guard fm.fileExists(atPath: path("indicators.yaml")) else {
            throw ReferenceError(file: path("indicators.yaml"), "missing: not a reference-data folder (use --reference DIR)")
        }
        let catalog = try CatalogLoader.load(path: path("indicators.yaml"))
        let divisionFiles: [String]
        if let divisions { divisionFiles = [divisions] } else {
            let d = dir.appendingPathComponent("divisions")
            divisionFiles = ((try? fm.contentsOfDirectory(atPath: d.path)) ?? [])
                .filter { $0.lowercased().hasSuffix(".csv") }.sorted().map { d.appendingPathComponent($0).path }
        }
        for f in divisionFiles where !fm.fileExists(atPath: f) { throw ReferenceError(file: f, "no such file") }
        let tree = try makeTree(divisionFiles)
        var t = Targets()
        let targetFiles: [String]
        if let targets { targetFiles = [targets] } else {
            let d = dir.appendingPathComponent("targets")
            targetFiles = ((try? fm.contentsOfDirectory(atPath: d.path)) ?? [])
                .filter { $0.lowercased().hasSuffix(".csv") }.sorted().map { d.appendingPathComponent($0).path }
        }
        for f in targetFiles {
            guard fm.fileExists(atPath: f) else { throw ReferenceError(file: f, "no such file") }
            for x in try Targets.load(path: f, catalog: catalog).all { t.add(x) }
        }
        let checks = fm.fileExists(atPath: path("rules.yaml")) ? try CheckSettings.load(path: path("rules.yaml"), catalog: catalog) : CheckSettings()
        let chains = fm.fileExists(atPath: path("signoff.yaml")) ? try SignOffChains.load(path: path("signoff.yaml")) : SignOffChains()
        var ref = ReferenceData(catalog: catalog, tree: tree, targets: t, checks: checks, chains: chains, directory: directory)
        ref.keys = try KeyRegistry.load(directory: path("keys"))
        if fm.fileExists(atPath: path("ranking.yaml")) { ref.ranking = try RankingConfig.load(path: path("ranking.yaml"), catalog: catalog) }
        if fm.fileExists(atPath: path("ratios.yaml")) { ref.ratios = try RatioLoader.load(path: path("ratios.yaml"), catalog: catalog) }
        if fm.fileExists(atPath: path("calendar.yaml")) { ref.calendar = try ReportingCalendar.load(path: path("calendar.yaml")) }
        if fm.fileExists(atPath: path("localisation.yaml")) { ref.fixWeights = try FixWeightsLoader.load(path: path("localisation.yaml"), catalog: catalog) }
        if let changes {
            guard fm.fileExists(atPath: changes) else { throw ReferenceError(file: changes, "no such file") }
            ref.changes = try DivisionChangesLoader.load(path: changes)
        } else if fm.fileExists(atPath: path("division-changes.csv")) {
            ref.changes = try DivisionChangesLoader.load(path: path("division-changes.csv"))
        }
        return ref
    }

    /// The vocabulary the form reader needs to recognise a sign-off footer.
    public var signOffVocabulary: SignOffVocabulary {
        let roles = chains.allRoleLabels
        return SignOffVocabulary(roles: roles.isEmpty ? SignOffVocabulary.standard.roles : roles,
                                 dateLabels: chains.dateLabels)
    }
}

/// Public keys of signers (`reference-data/keys/*.pub`), by name.
public struct KeyRegistry: Sendable {
    public private(set) var keys: [String: [Data]] = [:]
    public init() {}

    public mutating func add(name: String, key: Data) { keys[name, default: []].append(key) }
    public func keys(for name: String) -> [Data] { keys[name] ?? [] }
    public var isEmpty: Bool { keys.isEmpty }

    /// Reads `name: …` and `ed25519: <base64>` (or `sm2: <base64 DER>`) lines.
    public static func parse(_ text: String, file: String) throws -> (String, Data) {
        var name: String?, key: Data?
        for (i, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "name": name = parts[1]
            case "ed25519":
                guard let d = Data(base64Encoded: parts[1]), d.count == 32 else {
                    throw ReferenceError(file: file, line: i + 1, "ed25519: not a base64 32-byte public key")
                }
                key = d
            case "sm2":
                // DER SubjectPublicKeyInfo (checked when a signature is verified).
                guard let d = Data(base64Encoded: parts[1]), d.count > 32, d.first == 0x30 else {
                    throw ReferenceError(file: file, line: i + 1, "sm2: not a base64 DER public key")
                }
                key = d
            default: continue
            }
        }
        guard let name, !name.isEmpty else { throw ReferenceError(file: file, "no “name:” line") }
        guard let key else { throw ReferenceError(file: file, "no “ed25519:” or “sm2:” line") }
        return (name, key)
    }

    public static func load(directory: String) throws -> KeyRegistry {
        var reg = KeyRegistry()
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".pub") }.sorted()
        for f in files {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(f).path
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ReferenceError(file: path, "cannot read") }
            let (name, key) = try parse(text, file: path)
            reg.add(name: name, key: key)
        }
        return reg
    }
}
