import ArgumentParser
import Foundation
import RenjuModel
import RenjuReading
import RenjuReference
import RenjuChecks
import RenjuExport

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check submissions and report what is wrong (审核).",
        discussion: """
        Give files and folders in any mix: township workbooks (.xlsx), wide or long CSVs, sign-off \
        CSVs. The newest period found is checked; earlier periods are history (baselines).

        Examples:
          renju validate examples/2025Q2 examples/2025Q3
          renju validate --format json --as-of 2025-10-31 history/ current/ > findings.json
        """
    )

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("Files and folders to read.", valueName: "input"))
    var inputs: [String]

    func run() throws {
        let reference: ReferenceData
        do { reference = try common.loadReference() } catch let e as CouldNotRun { writeStderr("renju: \(e)"); throw ExitCode(2) }
        let reader = FormReader(catalog: reference.catalog, tree: reference.tree, vocabulary: reference.signOffVocabulary)
        let loader = InputLoader(reader: reader)
        let input: InputSet
        do {
            input = try loader.load(paths: inputs, defaultPeriod: common.parsedPeriod)
        } catch {
            writeStderr("renju: \(error)"); throw ExitCode(2)
        }
        let result = Validator(reference: reference).validate(
            submissions: input.submissions, fileFindings: input.findings, explanations: input.explanations, period: common.parsedPeriod,
            asOf: common.parsedAsOf)
        switch common.format {
        case .json:
            print(JSONReport.render(result, lang: common.lang), terminator: "")
        case .text:
            print(TextReport.render(result, lang: common.lang, colour: isatty(STDOUT_FILENO) != 0), terminator: "")
        }
        if result.hasOpenError { throw ExitCode(1) }
    }
}
