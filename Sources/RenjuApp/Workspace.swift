import Foundation
import RenjuModel
import RenjuReference
import RenjuReading
import RenjuChecks
import RenjuEditing

/// The use cases every front end calls (the command line, the web desk, the benchmark): typed
/// inputs in, typed results out, one `AppError` when a use case cannot run. Nothing here prints.
public struct Workspace: Sendable {
    public let locations: Locations
    /// Told (done, total) as a long step advances — files read, counties written — for a front
    /// end that shows progress; nil: nothing is told.
    public var progress: (@Sendable (_ step: ProgressStep, _ done: Int, _ total: Int) -> Void)?

    /// The reference data, loaded by the first use case that needs it and kept: a command or a
    /// desk loads (and checks) it once, not on every call.
    private let loaded = LoadedReference()

    /// What this run's inputs declare about themselves (a published table: blanks, total rows).
    public var conventions = InputConventions()

    public init(_ locations: Locations, conventions: InputConventions = InputConventions()) {
        self.locations = locations; self.conventions = conventions
    }

    /// What a progress report counts.
    public enum ProgressStep: Sendable { case readingFiles, writingCounties }

    // MARK: reference data and templates

    /// The reference data, its rule settings checked against every rule's descriptor; loaded once
    /// per workspace (a failure is not kept: the next call tries again).
    public func reference() throws -> ReferenceData {
        try loaded.value { try loadReference() }
    }

    /// The reference data and the inputs read, the files read while the divisions load on a
    /// thread of their own (a national list takes a third of a second, much of it on one core).
    /// What is read and what is refused are what `reference()` then `read(_:)` give: a step of
    /// the reading that needs the divisions waits for them, and an error in the reference data
    /// is told before one in the inputs.
    public func referenceAndInput(_ inputs: [String], period: Period? = nil) throws -> (reference: ReferenceData, input: InputSet) {
        if let ready = loaded.ready { return (ready, try read(inputs, period: period, reference: ready)) }
        let tree = Pending<DivisionTree?>()
        var loading: InBackground<Result<DivisionTree, any Error>>?
        // The divisions, once loaded (nil if they were never started); their error as the reference data's.
        func divisionsLoaded() throws -> DivisionTree? {
            do { return try loading?.value.get() } catch { throw Self.referenceError(error) }
        }
        let light: ReferenceData
        do {
            light = try loadReference(tree: { files in
                loading = InBackground {
                    let made = Result<DivisionTree, any Error> { try DivisionsLoader.load(paths: files) }
                    tree.fulfil(try? made.get())
                    return made
                }
                return DivisionTree()  // a stand-in: the reading asks `tree` for them
            })
        } catch {
            // The divisions come before the rest of the reference data: their error is told first.
            _ = try divisionsLoaded()
            throw error
        }
        guard loading != nil else { return (light, try read(inputs, period: period, reference: light)) }
        let input: InputSet
        do { input = try read(inputs, period: period, tree: tree, reference: light) } catch {
            _ = try divisionsLoaded()
            throw error
        }
        var ref = light
        ref.tree = try divisionsLoaded() ?? DivisionTree()
        return (try loaded.value { ref }, input)
    }

    /// A reference data problem as every use case tells it.
    private static func referenceError(_ error: any Error) -> any Error {
        if let e = error as? ReferenceError { return AppError(zh: "参考数据有误：\(e)", en: "reference data: \(e)") }
        return error
    }

    private func loadReference(tree makeTree: (_ files: [String]) throws -> DivisionTree = { try DivisionsLoader.load(paths: $0) }) throws -> ReferenceData {
        do {
            var ref = try ReferenceData.load(directory: locations.reference, divisions: locations.divisions, targets: locations.targets,
                                             changes: locations.divisionChanges, tree: makeTree)
            ref = try conventions.apply(to: ref)
            // Rules given beside the reference folder's: a rules file, or the prefecture's 审核公式
            // workbook itself (every row must be read: a rule silently left out would be a check not made).
            for path in locations.rules {
                if path.lowercased().hasSuffix(".xlsx") {
                    let imported: AuditImport.Imported
                    do { imported = try AuditImport.read(path, catalog: ref.catalog) } catch let e as AuditImport.NotAWorkbook { throw AppError(e.userMessage) }
                    guard imported.refused.isEmpty else {
                        let list = imported.refused.prefix(5).map { "\($0.cell) \($0.message.zh)" }.joined(separator: "；")
                        throw AppError(zh: "\(path) 有 \(imported.refused.count) 行审核公式读不懂（\(list)）：先用 renju rules import 查看并改正",
                                       en: "\(path): \(imported.refused.count) rows cannot be read (\(imported.refused.prefix(5).map { "\($0.cell) \($0.message.en)" }.joined(separator: "; "))); see renju rules import")
                    }
                    let temp = FileManager.default.temporaryDirectory.appendingPathComponent("renju-rules-\(UUID().uuidString).yaml")
                    defer { try? FileManager.default.removeItem(at: temp) }
                    do { try imported.yaml.write(to: temp, atomically: true, encoding: .utf8) } catch {
                        throw AppError(zh: "无法写临时文件", en: "cannot write a scratch file", cause: error)
                    }
                    try ref.checks.addRules(path: temp.path, catalog: ref.catalog)
                } else {
                    guard FileManager.default.fileExists(atPath: path) else { throw AppError(zh: "找不到规则文件 \(path)", en: "no rules file \(path)") }
                    try ref.checks.addRules(path: path, catalog: ref.catalog)
                }
            }
            try ref.checks.verify(CheckRegistry.descriptors)
            return ref
        } catch let e as ReferenceError {
            throw Self.referenceError(e)
        }
    }

    /// A template by name (in the templates folder) or by path.
    public func template(_ name: String, catalog: Catalog) throws -> ReportTemplate {
        do { return try ReportTemplate.load(name, directory: locations.templates, catalog: catalog) } catch let e as ReferenceError {
            throw AppError(zh: "模板有误：\(e)", en: "template: \(e)")
        }
    }

    // MARK: reading and validating

    /// Reads files and folders of submissions, sign-offs and explanations. An explanation naming
    /// no rule is refused here, with its cell.
    public func read(_ inputs: [String], period: Period? = nil, reference: ReferenceData) throws -> InputSet {
        try read(inputs, period: period, tree: Pending(reference.tree), reference: reference)
    }

    /// `read(_:period:reference:)` with the divisions perhaps still loading (`tree`; `reference.tree` is then a stand-in).
    private func read(_ inputs: [String], period: Period?, tree: Pending<DivisionTree?>, reference: ReferenceData) throws -> InputSet {
        let reader = FormReader(catalog: reference.catalog, pendingTree: tree, vocabulary: reference.signOffVocabulary)
        // A submission given as a file brings the sign-offs `renju sign` wrote beside it.
        var paths = inputs
        for p in inputs where FileManager.default.fileExists(atPath: p) && !p.hasSuffix("-signoffs.csv") {
            var isDir: ObjCBool = false
            FileManager.default.fileExists(atPath: p, isDirectory: &isDir)
            let beside = Self.signOffFile(for: p).path
            if !isDir.boolValue, FileManager.default.fileExists(atPath: beside),
               !inputs.contains(where: { URL(fileURLWithPath: $0).standardizedFileURL.path == URL(fileURLWithPath: beside).standardizedFileURL.path }) {
                paths.append(beside)
            }
        }
        do {
            let report = progress
            let input = try InputLoader(reader: reader).load(paths: paths, defaultPeriod: period,
                                                             progress: report.map { r in { @Sendable done, total in r(.readingFiles, done, total) } })
            try CheckRegistry.verify(input.explanations, reference: reference)
            return input
        } catch let e as AppError { throw e } catch {
            throw AppError(Message.of(error))
        }
    }

    /// What validating a set of inputs gives.
    public struct Validation: Sendable {
        public let reference: ReferenceData
        public let input: InputSet
        public let result: ValidationResult
    }

    /// Reads the inputs and checks the newest period (or `period`); earlier periods of the inputs
    /// and `history` (the store) are its history.
    public func validate(_ inputs: [String], period: Period? = nil, history: Dataset = Dataset(), asOf: CivilDate = .today) throws -> Validation {
        let (reference, input) = try referenceAndInput(inputs, period: period)
        return check(input, reference: reference, period: period, history: history, asOf: asOf)
    }

    /// The checks over what was read (the step after `read`, for a front end that times or shows each).
    /// `localiser`: one built for `reference` beforehand (the desk checks every upload with the
    /// same rules: building the localiser's rule indices each time cost as much as reading the file).
    public func check(_ input: InputSet, reference: ReferenceData, period: Period? = nil, history: Dataset = Dataset(), asOf: CivilDate = .today,
                      localiser: ErrorLocaliser? = nil) -> Validation {
        // Error localisation after the checks: which figure to fix (a suggestion, never a change).
        var result = Validator(reference: reference, stages: [localiser ?? ErrorLocaliser(reference: reference)]).validate(
            submissions: input.submissions, fileFindings: input.findings, explanations: input.explanations,
            signOffs: input.signOffs, period: period, extraHistory: history, asOf: asOf)
        result.filesRead = input.files.count
        // Values for the localised and blank figures, when asked for (reported beside, never in place).
        if conventions.impute { result.imputed = Imputer(reference: reference).impute(result, asOf: asOf, prorate: conventions.trustTotals) }
        return Validation(reference: reference, input: input, result: result)
    }

    /// Per rule that ran (switched on): units evaluated, with a finding, skipped for a missing figure.
    public static func ruleSummaries(_ v: Validation) -> [RuleSummary] {
        let checks = v.reference.checks
        let ids = CheckRegistry.descriptors.filter { checks.setting($0.id, default: $0.severity).enabled }.map(\.id)
            + checks.userRules.map(\.id)
        return v.result.ruleSummaries(rules: ids)
    }

    /// Validating nothing is not a pass: an empty folder, a header-only file, a period without data.
    public static func requireSomethingChecked(_ v: Validation) throws {
        guard v.result.unitsChecked == 0 else { return }
        let periods = Set(v.input.submissions.compactMap(\.period)).sorted().map(\.description).joined(separator: ", ")
        let want = v.result.period?.description
        throw AppError(
            zh: "没有可审核的数据：输入中没有\(want ?? "任何报告期")的单位\(periods.isEmpty ? "（没有读到任何数据行）" : "（输入中的报告期：\(periods)）")",
            en: "nothing to validate: no unit of \(want ?? "any period") in the input\(periods.isEmpty ? " (no data rows were read)" : " (periods in the input: \(periods))")")
    }

    /// Refuses an output path that is one of the inputs (nothing a user gave is modified in
    /// place) or empty (refused before any work). `option` names it as the user gave it.
    public static func checkOutput(_ out: String, notIn inputs: [String], option: String = "--out") throws {
        if out.trimmingCharacters(in: .whitespaces).isEmpty {
            throw AppError(zh: "输出文件名为空（\(option)）", en: "the output file name is empty (\(option))")
        }
        let target = URL(fileURLWithPath: out).standardizedFileURL.resolvingSymlinksInPath().path
        let files = (try? InputLoader.files(in: inputs)) ?? []
        if files.contains(where: { $0.standardizedFileURL.resolvingSymlinksInPath().path == target }) {
            throw AppError(zh: "\(option) \(out) 是输入文件之一：Renju 从不改写交给它的文件",
                           en: "\(option) \(out) is one of the inputs; Renju never writes over what it was given")
        }
    }

    /// A unit the divisions file knows, from an option's text.
    public static func unit(_ text: String, in reference: ReferenceData, option: String = "--unit") throws -> UnitCode {
        guard let u = UnitCode(text), reference.tree[u] != nil else {
            throw AppError(zh: "\(option) \(text) 不在区划表中", en: "\(option) \(text) is not in the divisions file")
        }
        return u
    }

    /// The submissions' content digests (数据摘要), one a submission with a period.
    public func digests(_ inputs: [String], period: Period?) throws -> [SubmissionDigest] {
        let reference = try reference()
        let input = try read(inputs, period: period, reference: reference)
        let out = input.submissions.compactMap { sub -> SubmissionDigest? in
            guard let d = ContentDigest.of(sub), let p = sub.period else { return nil }
            return SubmissionDigest(digest: d, unit: sub.rows.first?.code, period: p, file: sub.file)
        }
        if out.isEmpty { throw AppError(zh: "输入中没有带报告期的报表", en: "no submission with a period in the input") }
        return out
    }
}

/// The reference data a workspace loaded, shared by its copies.
final class LoadedReference: @unchecked Sendable {
    private let lock = NSLock()
    private var data: ReferenceData?

    /// The reference data, if loaded.
    var ready: ReferenceData? { lock.withLock { data } }

    func value(_ load: () throws -> ReferenceData) throws -> ReferenceData {
        lock.lock(); defer { lock.unlock() }
        if let data { return data }
        let fresh = try load()
        data = fresh
        return fresh
    }
}

/// A submission's content digest (数据摘要), as `renju digest` prints it.
public struct SubmissionDigest: Sendable {
    public let digest: String
    public let unit: UnitCode?
    public let period: Period
    public let file: String
}
