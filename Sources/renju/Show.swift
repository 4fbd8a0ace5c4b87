import ArgumentParser
import Foundation
import RenjuModel
import RenjuApp

struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the figures Renju reads from files, as a long CSV (period,unit_code,indicator,value).",
        discussion: """
        What Renju understood from a workbook or CSV of any layout — useful to check a new form, or to \
        convert forms to the long layout:

          renju show 吉强镇.xlsx > 吉强镇-long.csv
        """
    )

    @OptionGroup var reference: ReferenceOptions
    @OptionGroup var period: PeriodOption
    @OptionGroup var language: LanguageOption

    @Argument(help: ArgumentHelp("Files and folders to read.", valueName: "input"))
    var inputs: [String]

    mutating func run() async throws {
        let r = try reference.workspace().figures(inputs, period: period.value)
        print("period,unit_code,indicator,value")
        for sub in r.input.submissions {
            let p = sub.period?.description ?? ""
            for u in sub.values.units {
                for ind in r.reference.catalog.indicators {
                    if let v = sub.values[u, ind.id] { print("\(p),\(u),\(ind.id),\(shortestDecimal(v))") }
                }
            }
        }
        for f in r.input.findings + r.input.submissions.flatMap(\.findings) where f.severity == .error {
            writeStderr("\(f.source?.description ?? ""): \(f.message.text(language.lang))")
        }
        // A file (or a sheet of one) that could not be read is a failure of this command, not a detail.
        if r.unreadable { throw ExitCode(1) }
    }
}
