import ArgumentParser
import Foundation
import RenjuModel
import RenjuApp
import RenjuStoreCore

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
        filled in (status reported / imputed / blank, method, basis, the reported value). With --db, \
        a figure an on-site check (抽查, `renju verify import`) found wrong is `corrected`: the value found, \
        the inspector and the date.

          renju impute --out 西吉县-2025Q3-插补.csv examples/xiji
        """
    )

    @OptionGroup var checking: CheckOptions

    @Option(name: .long, help: ArgumentHelp("A store: its earlier periods are the history, and a figure an on-site check (抽查) found wrong is given as corrected, with the value found.", valueName: "path|url"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("The CSV file to write (default: standard output).", valueName: "file"))
    var out: String?

    @Argument(help: ArgumentHelp("Files and folders to read.", valueName: "input"))
    var inputs: [String]

    mutating func run() async throws {
        if let out { try Workspace.checkOutput(out, notIn: inputs) }
        var workspace = checking.workspace
        workspace.conventions.impute = true
        var v: Workspace.Validation
        var corrections: [InspectionResult] = []
        if let db {
            let store = try await Workspace.openStore(db).store
            v = try await workspace.validate(inputs, period: checking.period.value, store: store, asOf: checking.asOf.value)
            if let s = store as? any InspectionStoring { corrections = try await s.inspections() }
        } else {
            v = try workspace.validate(inputs, period: checking.period.value, asOf: checking.asOf.value)
        }
        try Workspace.requireSomethingChecked(v)
        let table = FigureStatusTable.csv(v, inspections: corrections)
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
