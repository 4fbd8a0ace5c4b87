import ArgumentParser
import Foundation
import RenjuModel
import RenjuReport
import RenjuApp
import RenjuStoreCore

struct Rank: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rank townships (排名): scores, 流动红旗, 黄牌警告, and the admonishment alert (诫勉谈话).",
        discussion: """
        Scores come from reference-data/ranking.yaml (indicator levels, progress against targets, \
        penalties for open errors and late sign-offs). Figures come from the store (--db) and from \
        any inputs given; the inputs of the ranked period are validated to count their open errors.

          renju rank --db renju.sqlite --period 2025Q3
          renju rank --period 2025Q3 --xlsx 排名通报.xlsx history/ current/
          renju rank --period 2025-07 --db renju.sqlite          # a monthly bulletin (一月一通报)
          renju rank --year 2025 --db renju.sqlite --xlsx 年度考核.xlsx   # the annual assessment (一年一考核)

        --year combines the year's periods in the store (quarters, else months): the mean score, \
        plus 流动红旗, minus 黄牌, figures an on-site check found wrong, late or unsigned returns — \
        the points in ranking.yaml (annual), every part printed.
        """
    )

    @OptionGroup var checking: CheckOptions
    @OptionGroup var format: FormatOption
    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Also write the ranking bulletin (templates/monthly-bulletin.yaml).", valueName: "file"))
    var xlsx: String?

    @Option(name: .long, help: ArgumentHelp("The unit whose townships are ranked (default: the county of the data).", valueName: "code"))
    var unit: String?

    @Option(name: .long, help: ArgumentHelp("The annual assessment of this year (一年一考核) instead of one period's ranking.", valueName: "year"))
    var year: Int?

    @Argument(help: ArgumentHelp("Files and folders to read (optional with --db).", valueName: "input"))
    var inputs: [String] = []

    mutating func run() async throws {
        if let xlsx { try Workspace.checkOutput(xlsx, notIn: inputs, option: "--xlsx") }
        var db: (any HistoryStoring)? = nil
        if let named = store.named { db = try await Workspace.openStore(named).store }
        let workspace = checking.workspace
        if year != nil && checking.period.value != nil { throw ValidationError("--year and --period: one or the other") }
        let r = if let year { try await workspace.rankYear(inputs: inputs, store: db, year: year, unit: unit, asOf: checking.asOf.value) }
            else { try await workspace.rank(inputs: inputs, store: db, period: checking.period.value, unit: unit, asOf: checking.asOf.value) }
        switch format.format {
        case .json: print(RankingReport.json(r.ranking))
        case .text: say(RankingReport.text(r.ranking, unitName: r.unitName, lang: checking.lang), terminator: "")
        }
        if let xlsx {
            try workspace.writeBulletin(r, to: xlsx)
            note(checking.lang, zh: "已写出 \(xlsx)", en: "wrote \(xlsx)")
        }
    }
}
