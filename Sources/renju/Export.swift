import ArgumentParser
import Foundation
import RenjuModel
import RenjuApp

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the prefecture's return (上报表) from validated submissions.",
        discussion: """
        Reads and checks the inputs like `validate`, then writes the return of a template in \
        templates/: one row per unit of the template's level and a computed 合计 row (totals summed, \
        rates recomputed from the summed parts), the footer filled from the sign-offs, and a chart sheet.
        The return is written even when errors are open (as a draft), but the exit status is then 1 \
        and the errors are listed on stderr; --strict refuses to write it.
        With --impute the return holds the imputed values in place of the wrong or blank figures, \
        and a unit of its rows that did not report is estimated from its last period (× the median \
        change of those that did), so that the 合计 is complete: every such cell has a comment \
        (method, basis, what was reported) and a legend line under the table says so.

          renju export --template prefecture-quarterly --out 西吉县-2025Q3.xlsx examples/xiji
        """
    )

    @OptionGroup var checking: CheckOptions

    @Option(name: .long, help: ArgumentHelp("Template name in templates/ or a template file.", valueName: "name|file"))
    var template: String = "prefecture-quarterly"

    @Option(name: .long, help: ArgumentHelp("The .xlsx file to write.", valueName: "file"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("Reporting unit (default: the unit above the template's rows that holds the input).", valueName: "code"))
    var unit: String?

    @Flag(name: .long, help: "Do not write the return while errors are open.")
    var strict = false

    @Argument(help: ArgumentHelp("Files and folders to read.", valueName: "input"))
    var inputs: [String]

    mutating func run() async throws {
        let lang = checking.lang
        try Workspace.checkOutput(out, notIn: inputs)
        let workspace = checking.workspace
        let v = try workspace.validate(inputs, period: checking.period.value, asOf: checking.asOf.value)
        let r = try workspace.writeReturn(v, template: template, unit: unit, to: out, strict: strict)
        if r.openErrors > 0 || !r.written {
            note(lang, zh: "注意：还有 \(v.result.summary.errors) 条错误未改正（renju validate 查看）", en: "note: \(v.result.summary.errors) open errors (see renju validate)")
        }
        guard r.written else { throw ExitCode(1) }
        note(lang, zh: "已写出 \(out)（\(r.unitName) \(r.period.chinese)）", en: "wrote \(out) (\(r.unitName) \(r.period))")
        if !r.imputed.isEmpty {
            let estimated = Set(r.imputed.filter { $0.method == .unreported }.map(\.unit)).count
            let filled = r.imputed.filter { $0.method != .unreported }.count
            note(lang, zh: "其中 \(filled) 个插补值\(estimated > 0 ? "、\(estimated) 个未报单位按上期推算" : "")：每个都有批注，表下有说明",
                 en: "with \(filled) imputed values\(estimated > 0 ? " and \(estimated) units that did not report estimated from last period" : ""): each has a comment; a legend line is under the table")
        }
        if r.openErrors > 0 { throw ExitCode(1) }
    }
}

struct Template: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a township's blank collection form (采集表).",
        discussion: """
        The villages of the township are listed with a 合计 row; input cells are validated by Excel \
        (whole numbers ≥ 0, decimals ≥ 0 for km and tonnes, 0–100 for rates, 是/否 for yes/no) and \
        everything else is locked. Renju reads the filled form back.

          renju template --unit 640422100000 --period 2025Q4 --out 吉强镇-2025Q4.xlsx
        """
    )

    @OptionGroup var reference: ReferenceOptions
    @OptionGroup var period: PeriodOption
    @OptionGroup var language: LanguageOption

    @Option(name: .long, help: ArgumentHelp("The township (or any unit) whose form to write.", valueName: "code"))
    var unit: String

    @Option(name: .long, help: ArgumentHelp("The .xlsx file to write.", valueName: "file"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("Template name in templates/ or a template file.", valueName: "name|file"))
    var template: String = "collection-form"

    func validate() throws {
        if period.period == nil { throw ValidationError("--period is required (e.g. --period 2025Q4)") }
    }

    mutating func run() async throws {
        guard let p = period.value else { throw ExitCode(2) }
        try Workspace.checkOutput(out, notIn: [])
        try reference.workspace().writeCollectionForm(unit: unit, period: p, template: template, to: out)
        note(language.lang, zh: "已写出 \(out)", en: "wrote \(out)")
    }
}
