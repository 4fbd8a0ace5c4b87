import ArgumentParser
import Foundation
import RenjuModel
import RenjuApp

struct Impute: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Every figure of the period with its status: reported, or imputed (how and from what) — as a long CSV.",
        discussion: """
        Reads and checks the inputs like `validate`, then fills the figures error localisation names \
        and the required figures left blank: with the methods of rules.yaml (`imputation:`, in order: \
        deterministic where the error rules leave one value, ratio = last period × the peers' median \
        change, trend = last period + its last change, donor = the most similar unit of the same \
        parent scaled by households). A value is kept only if the unit's error rules then hold. \
        --trust-totals keeps a total its units do not add up to and scales the units to it (prorate).
        Nothing reported is changed: the CSV says, figure by figure, what was reported and what was \
        filled in (status reported / imputed / blank, method, basis, the reported value).

          renju impute --out 西吉县-2025Q3-插补.csv examples/xiji
        """
    )

    @OptionGroup var checking: CheckOptions

    @Option(name: .long, help: ArgumentHelp("The CSV file to write (default: standard output).", valueName: "file"))
    var out: String?

    @Argument(help: ArgumentHelp("Files and folders to read.", valueName: "input"))
    var inputs: [String]

    mutating func run() async throws {
        if let out { try Workspace.checkOutput(out, notIn: inputs) }
        var workspace = checking.workspace
        workspace.conventions.impute = true
        let v = try workspace.validate(inputs, period: checking.period.value, asOf: checking.asOf.value)
        try Workspace.requireSomethingChecked(v)
        let table = FigureStatusTable.csv(v)
        if let out {
            do { try table.write(toFile: out, atomically: true, encoding: .utf8) } catch {
                throw AppError(zh: "无法写出 \(out)：\(error.localizedDescription)", en: "cannot write \(out): \(error.localizedDescription)")
            }
            let n = v.result.imputed.count
            note(checking.lang, zh: "已写出 \(out)（\(n) 个插补值）", en: "wrote \(out) (\(n) imputed values)")
        } else {
            print(table, terminator: "")
        }
    }
}
