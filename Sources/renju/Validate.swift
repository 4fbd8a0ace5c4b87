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
        if let xlsx { try Session.checkOutput(xlsx, notIn: inputs, option: "--xlsx") }
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
        // Nothing checked is not a pass: an empty folder, a header-only file, a --period without data.
        if result.unitsChecked == 0 {
            let periods = Set(session.input.submissions.compactMap(\.period)).sorted().map(\.description).joined(separator: ", ")
            let want = result.period?.description ?? (common.lang == .zh ? "任何报告期" : "any period")
            writeStderr(common.lang == .zh
                ? "renju: 没有可审核的数据：输入中没有\(want)的单位\(periods.isEmpty ? "（没有读到任何数据行）" : "（输入中的报告期：\(periods)）")"
                : "renju: nothing to validate: no unit of \(want) in the input\(periods.isEmpty ? " (no data rows were read)" : " (periods in the input: \(periods))")")
            throw ExitCode(2)
        }
        if result.hasOpenError { throw ExitCode(1) }
    }
}
