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
        and explanation (说明) CSVs. The newest period found is checked; earlier periods are history.

        Examples:
          renju validate examples/xiji
          renju validate --format json --as-of 2025-10-31 history/ current/ > findings.json
          renju validate --xlsx 审核结果.xlsx current/
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("Also write a findings workbook: flagged cells highlighted, messages as comments, and a 审核情况 sheet.", valueName: "file"))
    var xlsx: String?

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("Files and folders to read.", valueName: "input"))
    var inputs: [String]

    func run() throws {
        if let xlsx { try Session.checkOutput(xlsx, notIn: inputs) }
        // Earlier periods in the store are history, exactly like history files.
        let history = try store.open()?.dataset() ?? Dataset()
        let session = try Session.run(common, inputs: inputs, history: history)
        let result = session.result
        switch common.format {
        case .json:
            print(JSONReport.render(result, lang: common.lang), terminator: "")
        case .text:
            print(TextReport.render(result, lang: common.lang, colour: isatty(STDOUT_FILENO) != 0), terminator: "")
        }
        if let xlsx {
            do {
                try FindingsWorkbook(reference: session.reference).write(to: xlsx, result: result, lang: common.lang)
                writeStderr(common.lang == .zh ? "审核结果已写入 \(xlsx)" : "findings workbook written to \(xlsx)")
            } catch {
                writeStderr("renju: \(error)"); throw ExitCode(2)
            }
        }
        if result.hasOpenError { throw ExitCode(1) }
    }
}
