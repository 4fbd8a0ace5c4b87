import ArgumentParser
import Foundation
import RenjuModel
import RenjuApp

struct Divisions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work with divisions files and the division change table.",
        subcommands: [Diff.self]
    )

    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Propose a division change table (division-changes.csv) from last year's and this year's divisions files.",
            discussion: """
            Compares two divisions files (code,name,level,parent) and writes the change lines they suggest, \
            for a person to confirm: the same name and parent under a new code is a rename, under another \
            parent a move; under one parent, several codes gone and one new is a merge, one gone and \
            several new a split (fill in each part's share). Codes that match nothing are listed as comments.

              renju divisions diff divisions-2024.csv divisions-2025.csv --effective 2025-01-01 --out division-changes.csv
            """
        )

        @Argument(help: ArgumentHelp("The earlier divisions file.", valueName: "old"))
        var old: String
        @Argument(help: ArgumentHelp("The later divisions file.", valueName: "new"))
        var new: String
        @Option(name: .long, help: ArgumentHelp("The first day the new codes are used (default: 1 January of this year).", valueName: "date"))
        var effective: CivilDate?
        @Option(name: .long, help: ArgumentHelp("Write the proposal to this file (default: standard output).", valueName: "file"))
        var out: String?

        mutating func run() async throws {
            let date = effective ?? CivilDate(year: CivilDate.today.year, month: 1, day: 1)
            let result = try Workspace.divisionDiff(old: old, new: new, effective: date)
            let text = result.csv(effective: date)
            if let out {
                try Workspace.checkOutput(out, notIn: [old, new])
                do { try Data(text.utf8).write(to: URL(fileURLWithPath: out)) } catch {
                    throw AppError(zh: "无法写入 \(out)", en: "cannot write \(out)", cause: error)
                }
                writeStderr("\(result.proposals.count) proposed changes, \(result.unmatchedOld.count + result.unmatchedNew.count) codes unmatched → \(out)")
            } else {
                print(text, terminator: "")
            }
        }
    }
}
