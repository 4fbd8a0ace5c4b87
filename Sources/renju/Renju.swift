import ArgumentParser
import Foundation
import RenjuExport
import RenjuApp

struct Renju: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renju",
        abstract: "Renju 人居 — check township living-environment returns before they go up, and export the prefecture's return.",
        discussion: """
        Township workbooks (xlsx or CSV, UTF-8 or GBK) are read, checked against the indicator \
        catalog, arithmetic identities, the previous period and the sign-off rules, and every problem \
        is reported in words a clerk can act on: error (must fix), warning (confirm or explain), info.

        Exit status: 0 no open error · 1 at least one error · 2 could not run.
        Reference data (indicators, rules, divisions, targets, chains) lives in reference-data/.
        """,
        version: BuildInfo.describe(extra: "libxlsxwriter \(XlsxWriterLibrary.version)"),
        subcommands: [Validate.self, Export.self, Template.self, Digest.self, Keygen.self, Sign.self, Rank.self, DB.self, Serve.self, User.self, Rules.self, Sample.self, Verify.self, Show.self, Synth.self, Divisions.self, Impute.self]
    )
}
