import ArgumentParser
import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuReading

enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

extension Language: ExpressibleByArgument {}

/// Options every command shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Reference data folder (indicators, rules, divisions, targets, chains).", valueName: "dir"))
    var reference: String?

    @Option(name: .long, help: ArgumentHelp("Divisions file (code,name,level,parent); replaces the reference folder's.", valueName: "file"))
    var divisions: String?

    @Option(name: .long, help: ArgumentHelp("Targets file (year,unit_code,indicator,target); replaces the reference folder's.", valueName: "file"))
    var targets: String?

    @Option(name: .long, help: ArgumentHelp("Period to check (2025Q3, 2025年第三季度, 2025-07…); default: the newest in the input.", valueName: "period"))
    var period: String?

    @Option(name: .long, help: "Report format: text or json.")
    var format: OutputFormat = .text

    @Option(name: .long, help: "Language of messages: zh or en.")
    var lang: Language = .zh

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Today's date for deadline checks (default: today).", valueName: "date"))
    var asOf: String?

    func validate() throws {
        if let period, Period.parse(period) == nil {
            throw ValidationError("--period: “\(period)” is not a period (try 2025Q3 or 2025年第三季度)")
        }
        if let asOf, CivilDate.parse(asOf) == nil {
            throw ValidationError("--as-of: “\(asOf)” is not a date (try 2025-10-31)")
        }
    }

    var parsedPeriod: Period? { period.flatMap(Period.parse) }
    var parsedAsOf: CivilDate? { asOf.flatMap(CivilDate.parse) }

    /// The reference folder: --reference, $RENJU_REFERENCE, the bundled one next to the executable's
    /// checkout, or ./reference-data.
    func referenceDirectory() -> String {
        if let reference { return reference }
        if let env = ProcessInfo.processInfo.environment["RENJU_REFERENCE"], !env.isEmpty { return env }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("reference-data")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("indicators.yaml").path) { return candidate.path }
            dir = dir.deletingLastPathComponent()
        }
        return "reference-data"
    }

    /// The templates folder: $RENJU_TEMPLATES, or `templates/` beside the reference folder.
    func templatesDirectory() -> String {
        if let env = ProcessInfo.processInfo.environment["RENJU_TEMPLATES"], !env.isEmpty { return env }
        let beside = URL(fileURLWithPath: referenceDirectory()).deletingLastPathComponent().appendingPathComponent("templates")
        if FileManager.default.fileExists(atPath: beside.path) { return beside.path }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("templates")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("prefecture-quarterly.yaml").path) { return candidate.path }
            dir = dir.deletingLastPathComponent()
        }
        return "templates"
    }

    func loadTemplate(_ name: String, catalog: Catalog) throws -> ReportTemplate {
        do { return try ReportTemplate.load(name, directory: templatesDirectory(), catalog: catalog) } catch let e as ReferenceError {
            throw CouldNotRun("模板有误 / template: \(e)")
        }
    }

    func loadReference() throws -> ReferenceData {
        do {
            let ref = try ReferenceData.load(directory: referenceDirectory(), divisions: divisions, targets: targets)
            try ref.checks.verify(CheckRegistry.descriptors)
            return ref
        } catch let e as ReferenceError {
            throw CouldNotRun("参考数据有误 / reference data: \(e)")
        }
    }
}

/// A failure that stops a command before it can check anything (exit status 2).
struct CouldNotRun: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

func writeStderr(_ s: String) {
    let safe = terminalSafe(s)
    FileHandle.standardError.write(Data((safe.hasSuffix("\n") ? safe : safe + "\n").utf8))
}

/// Prints text for a person (not JSON or CSV meant for programs) with control and escape
/// sequences from the input shown escaped, never obeyed by the terminal.
func say(_ s: String, terminator: String = "\n") {
    print(terminalSafe(s), terminator: terminator)
}

/// Reads and validates the inputs: what `validate`, `export` and `rank` share.
struct Session {
    let reference: ReferenceData
    let input: InputSet
    let result: ValidationResult

    /// Loads the reference data and reads the inputs (exit status 2 when either cannot be).
    static func read(_ common: CommonOptions, inputs: [String]) throws -> (ReferenceData, InputSet) {
        let reference: ReferenceData
        do { reference = try common.loadReference() } catch let e as CouldNotRun { writeStderr("renju: \(e)"); throw ExitCode(2) }
        let reader = FormReader(catalog: reference.catalog, tree: reference.tree, vocabulary: reference.signOffVocabulary)
        do {
            let input = try InputLoader(reader: reader).load(paths: inputs, defaultPeriod: common.parsedPeriod)
            try CheckRegistry.verify(input.explanations, reference: reference)
            return (reference, input)
        } catch {
            writeStderr("renju: \(error)"); throw ExitCode(2)
        }
    }

    static func run(_ common: CommonOptions, inputs: [String], history: Dataset = Dataset()) throws -> Session {
        let (reference, input) = try read(common, inputs: inputs)
        let result = Validator(reference: reference).validate(
            submissions: input.submissions, fileFindings: input.findings, explanations: input.explanations,
            signOffs: input.signOffs, period: common.parsedPeriod, extraHistory: history, asOf: common.parsedAsOf ?? CivilDate.today)
        return Session(reference: reference, input: input, result: result)
    }

    /// Refuses an output path that is one of the inputs: nothing a user gave is modified in place.
    static func checkOutput(_ out: String, notIn inputs: [String], option: String = "--out") throws {
        // Refused before any work: an empty name would only fail after the whole run.
        if out.trimmingCharacters(in: .whitespaces).isEmpty {
            writeStderr("renju: the output file name is empty / 输出文件名为空")
            throw ExitCode(2)
        }
        let target = URL(fileURLWithPath: out).standardizedFileURL.resolvingSymlinksInPath().path
        let files = (try? InputLoader.files(in: inputs)) ?? []
        if files.contains(where: { $0.standardizedFileURL.resolvingSymlinksInPath().path == target }) {
            writeStderr("renju: \(option) \(out) is one of the inputs; Renju never writes over what it was given")
            throw ExitCode(2)
        }
    }
}
