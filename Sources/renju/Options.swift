import ArgumentParser
import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks

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

    func loadReference() throws -> ReferenceData {
        do {
            let ref = try ReferenceData.load(directory: referenceDirectory(), divisions: divisions, targets: targets)
            try ref.checks.verify(knownRules: CheckRegistry.knownRules)
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
    FileHandle.standardError.write(Data((s.hasSuffix("\n") ? s : s + "\n").utf8))
}
