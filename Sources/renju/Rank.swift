import ArgumentParser
import Foundation
import RenjuModel
import RenjuReading
import RenjuReference
import RenjuChecks
import RenjuStore
import RenjuExport

struct Rank: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rank townships (排名): scores, 流动红旗, 黄牌警告, and the admonishment alert (诫勉谈话).",
        discussion: """
        Scores come from reference-data/ranking.yaml (indicator levels, progress against targets, \
        penalties for open errors and late sign-offs). Figures come from the store (--db) and from \
        any inputs given; the inputs of the ranked period are validated to count their open errors.

          renju rank --db renju.sqlite --period 2025Q3
          renju rank --period 2025Q3 --xlsx 排名通报.xlsx history/ current/
        """
    )

    @OptionGroup var common: CommonOptions
    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Also write the ranking bulletin (templates/monthly-bulletin.yaml).", valueName: "file"))
    var xlsx: String?

    @Option(name: .long, help: ArgumentHelp("The unit whose townships are ranked (default: the county of the data).", valueName: "code"))
    var unit: String?

    @Argument(help: ArgumentHelp("Files and folders to read (optional with --db).", valueName: "input"))
    var inputs: [String] = []

    func run() throws {
        let db = try store.open()
        var dataset = try db?.dataset() ?? Dataset()
        var session: Session? = nil
        let reference: ReferenceData
        if !inputs.isEmpty {
            if let xlsx { try Session.checkOutput(xlsx, notIn: inputs, option: "--xlsx") }
            let s = try Session.run(common, inputs: inputs, history: dataset)
            session = s
            reference = s.reference
            for sub in s.input.submissions { if let p = sub.period { dataset.merge(p, sub.values) } }
        } else {
            do { reference = try common.loadReference() } catch let e as CouldNotRun { writeStderr("renju: \(e)"); throw ExitCode(2) }
        }
        guard let period = common.parsedPeriod ?? dataset.periods.keys.max() else {
            writeStderr("renju: no figures to rank (give inputs or --db)"); throw ExitCode(2)
        }
        guard let current = dataset[period] else { writeStderr("renju: no figures for \(period)"); throw ExitCode(2) }
        let tree = reference.tree
        let root: UnitCode
        if let unit {
            guard let u = UnitCode(unit), tree[u] != nil else { writeStderr("renju: --unit \(unit) is not in the divisions file"); throw ExitCode(2) }
            root = u
        } else {
            let counties = Set(current.units.filter { tree[$0] != nil }.compactMap { u -> UnitCode? in
                var cur: UnitCode? = u
                while let c = cur, let l = tree[c]?.level, l >= reference.ranking.level { cur = tree[c]?.parent }
                return cur
            })
            guard counties.count == 1, let c = counties.first else {
                writeStderr("renju: the figures span \(counties.count) units above the ranked level; use --unit"); throw ExitCode(2)
            }
            root = c
        }
        func penalties(_ p: Period) throws -> [UnitCode: (errors: Int, late: Int)] {
            if let s = session, s.result.period == p {
                var out: [UnitCode: (errors: Int, late: Int)] = [:]
                for f in s.result.findings where f.isOpen {
                    guard let u = f.unit else { continue }
                    var c = out[u] ?? (0, 0)
                    if f.severity == .error { c.errors += 1 }
                    if f.rule == SignOffCheck.late { c.late += 1 }
                    out[u] = c
                }
                return out
            }
            return try db?.penalties(period: p) ?? [:]
        }
        let ranker = Ranker(reference: reference)
        var earlier: [Ranking] = []
        var p = period
        for _ in 0..<max(0, reference.ranking.admonishAfter - 1) {
            p = p.previous
            guard let values = dataset[p] else { break }
            earlier.append(ranker.rank(period: p, entries: ranker.score(period: p, under: root, values: values, penalties: try penalties(p))))
        }
        let ranking = ranker.rank(period: period, entries: ranker.score(period: period, under: root, values: current, penalties: try penalties(period)), earlier: earlier)
        let name = tree.name(of: root) ?? root.rawValue
        switch common.format {
        case .json: print(RankingReport.json(ranking))
        case .text: say(RankingReport.text(ranking, unitName: name, lang: common.lang), terminator: "")
        }
        if let xlsx {
            do {
                let tpl = try common.loadTemplate("monthly-bulletin", catalog: reference.catalog)
                try BulletinWriter(template: tpl).write(to: xlsx, ranking: ranking, unitName: name)
                writeStderr("已写出 \(xlsx)")
            } catch let e as CouldNotRun { writeStderr("renju: \(e)"); throw ExitCode(2) } catch { writeStderr("renju: \(error)"); throw ExitCode(2) }
        }
    }
}
