import ArgumentParser
import Foundation
import RenjuModel
import RenjuReading
import RenjuReference

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the figures Renju reads from files, as a long CSV (period,unit_code,indicator,value).",
        discussion: """
        What Renju understood from a workbook or CSV of any layout — useful to check a new form, or to \
        convert forms to the long layout:

          renju show 吉强镇.xlsx > 吉强镇-long.csv
        """
    )

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("Files and folders to read.", valueName: "input"))
    var inputs: [String]

    func run() throws {
        let (reference, input) = try Session.read(common, inputs: inputs)
        print("period,unit_code,indicator,value")
        for sub in input.submissions {
            let p = sub.period?.description ?? ""
            for u in sub.values.units {
                for ind in reference.catalog.indicators {
                    if let v = sub.values[u, ind.id] { print("\(p),\(u),\(ind.id),\(shortestDecimal(v))") }
                }
            }
        }
        var unreadable = false
        for f in input.findings + input.submissions.flatMap(\.findings) where f.severity == .error {
            writeStderr("\(f.source?.description ?? ""): \(f.message.text(common.lang))")
            if Self.fileLevel.contains(f.rule) { unreadable = true }
        }
        // A file (or a sheet of one) that could not be read is a failure of this command, not a detail.
        if unreadable { throw ExitCode(1) }
    }

    static let fileLevel: Set<RuleID> = [.unreadableFile, .unsupportedFile, .passwordProtected, .missingSheet, .encoding]

}
