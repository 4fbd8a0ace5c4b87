import ArgumentParser
import Foundation
import RenjuModel
import RenjuChecks
import RenjuReport
import RenjuApp
import RenjuStoreCore

struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check submissions and report what is wrong (审核).",
        discussion: """
        Give files and folders in any mix: township workbooks (.xlsx), wide or long CSVs, sign-off \
        and explanation (说明) CSVs. The newest period found is checked; earlier periods are history. \
        A file's sign-offs written by `renju sign` (FILE-signoffs.csv beside it) are read with it.

        Examples:
          renju validate examples/xiji
          renju validate --format json --as-of 2025-10-31 history/ current/ > findings.json
          renju validate --xlsx 审核结果.xlsx current/
        """
    )

    @OptionGroup var checking: CheckOptions
    @OptionGroup var format: FormatOption
    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Report only findings of this severity or above: error, warning or info (the exit status still counts every error).", valueName: "severity"))
    var minSeverity: Severity = .info

    @Option(name: .long, help: ArgumentHelp("Also write a findings workbook: flagged cells highlighted, messages as comments, and a 审核情况 sheet.", valueName: "file"))
    var xlsx: String?

    @Argument(help: ArgumentHelp("Files and folders to read.", valueName: "input"))
    var inputs: [String]

    mutating func run() async throws {
        let lang = checking.lang
        if let xlsx { try Workspace.checkOutput(xlsx, notIn: inputs, option: "--xlsx") }
        // Earlier periods in the store are history, exactly like history files (only those the checks use).
        let workspace = checking.workspace
        let v: Workspace.Validation
        var opened: (any HistoryStoring)? = nil
        if let db = store.named {
            let s = try await Workspace.openStore(db).store
            opened = s
            v = try await workspace.validate(inputs, period: checking.period.value, store: s, asOf: checking.asOf.value)
        } else {
            v = try workspace.validate(inputs, period: checking.period.value, asOf: checking.asOf.value)
        }
        let shown = v.result.keeping(minimum: minSeverity)
        // The rule summary counts every finding, shown or not.
        let rules = Workspace.ruleSummaries(v)
        switch format.format {
        case .json: print(JSONReport.render(shown, lang: lang, rules: rules), terminator: "")
        case .text: print(TextReport.render(shown, lang: lang, colour: isatty(STDOUT_FILENO) != 0, rules: rules), terminator: "")
        }
        let hidden = v.result.findings.count - shown.findings.count
        if hidden > 0 {
            note(lang, zh: "另有 \(hidden) 条低于 \(minSeverity.rawValue) 的提示未显示（--min-severity）",
                 en: "\(hidden) findings below \(minSeverity.rawValue) not shown (--min-severity)")
        }
        if let xlsx {
            try await Workspace.writeFindingsWorkbook(v, to: xlsx, lang: lang, store: opened)
            note(lang, zh: "审核结果已写入 \(xlsx)", en: "findings workbook written to \(xlsx)")
        }
        // Nothing checked is not a pass: an empty folder, a header-only file, a --period without data.
        try Workspace.requireSomethingChecked(v)
        if v.result.hasOpenError { throw ExitCode(1) }
    }
}
