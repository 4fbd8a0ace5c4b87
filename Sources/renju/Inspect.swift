import ArgumentParser
import Foundation
import RenjuModel
import RenjuApp

struct Sample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Choose villages for on-site checks (抽查) and write the inspection workbook.",
        discussion: """
        Part of the sample by risk — probability proportional to the villages' findings' scores (a \
        township's or county's findings shared by its villages), certainties first, then systematic \
        selection — and part purely at random (--random-share, default 0.2) from all the villages not \
        already chosen, so that honest-looking data is checked too and hit rates stay unbiased. The \
        same seed gives the same sample on every run and machine. Each village's inclusion \
        probability is recorded in the store (--db) and in the workbook: one sheet per township \
        (--by county: per county), each village's figures with why it was chosen and validated blank \
        cells for what the inspector finds. Bring it back with `renju verify import`.

          renju sample --period 2025Q3 --size 20 --seed 7 --out 抽查-2025Q3.xlsx --db renju.sqlite current/
        """
    )

    @OptionGroup var checking: CheckOptions
    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: "How many villages to choose.")
    var size: Int

    @Option(name: .long, help: "The random generator's seed (default: from the clock, printed).")
    var seed: UInt64?

    @Option(name: .customLong("random-share"), help: "The share of the sample drawn purely at random (0–1).")
    var randomShare: Double = 0.2

    @Option(name: .long, help: "One sheet per township or per county.")
    var by: Grouping = .township

    @Option(name: .long, help: ArgumentHelp("The inspection workbook to write.", valueName: "file"))
    var out: String

    @Option(name: .long, help: "Who draws the sample (default: the login name).")
    var who: String?

    @Argument(help: ArgumentHelp("The period's returns (files and folders).", valueName: "input"))
    var inputs: [String]

    enum Grouping: String, ExpressibleByArgument { case township, county }

    mutating func run() async throws {
        let lang = checking.lang
        let openedStore = try await Workspace.openStore(storePath(store), create: true)
        let db = openedStore.store, created = openedStore.created
        if created { note(lang, zh: "已新建数据库 \(db.path)", en: "created a new store at \(db.path)") }
        let s = seed ?? UInt64(Date().timeIntervalSince1970)
        let sample = try await checking.workspace.sample(inputs, store: db, period: checking.period.value, size: size, seed: s, randomShare: randomShare,
                                                   grouping: by == .county ? .county : .township, out: out, who: who, asOf: checking.asOf.value)
        let risk = sample.units.filter { $0.part == .risk }.count
        say(lang, zh: "抽查编号 \(sample.id ?? 0)：\(sample.period) 抽取 \(sample.units.count) 个村（按风险 \(risk) 个，随机 \(sample.units.count - risk) 个），种子 \(s)，核实表 \(out)",
            en: "sample \(sample.id ?? 0): \(sample.units.count) villages of \(sample.period) (\(risk) by risk, \(sample.units.count - risk) at random), seed \(s), workbook \(out)")
        for u in sample.units {
            say("  \(u.unit)  \(u.part == .risk ? (lang == .zh ? "风险" : "risk  ") : (lang == .zh ? "随机" : "random"))  π = \(String(format: "%.4f", u.probability))")
        }
    }
}

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What on-site checks found (核实).",
        subcommands: [VerifyImport.self]
    )
}

struct VerifyImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Record a filled inspection workbook: each checked figure confirmed, or wrong with the true value.",
        discussion: """
        Each verified figure is recorded beside the submitted one — who inspected, when, the reported \
        and the true value, who recorded it — never over it. A result that is not 属实 or 有误, a 有误 \
        without the true value, or a date that is not a date stops the import with its sheet and cell; \
        nothing is recorded then. `renju rules --hit-rate` then says how often each rule was right.

          renju verify import --db renju.sqlite 抽查-2025Q3.xlsx
        """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var language: LanguageOption

    @Option(name: .long, help: "Who records the results (default: the login name).")
    var who: String?

    @Argument(help: ArgumentHelp("The filled inspection workbook.", valueName: "file"))
    var file: String

    mutating func run() async throws {
        let lang = language.lang
        let openedStore = try await Workspace.openStore(storePath(store), migrate: true)
        let db = openedStore.store
        let v = try await Workspace.verifyImport(file, store: db, who: who)
        say(lang, zh: "抽查编号 \(v.sampleID)：记录 \(v.results.count) 个核实数（属实 \(v.confirmed)，有误 \(v.corrected)），存入 \(db.path)",
            en: "sample \(v.sampleID): \(v.results.count) figures recorded (\(v.confirmed) confirmed, \(v.corrected) wrong) in \(db.path)")
        for r in v.results where r.wrong {
            say("  \(r.unit) \(r.indicator): \(r.reported.map(shortestDecimal) ?? "—") → \(r.found.map(shortestDecimal) ?? "—")  (\(r.inspector)\(r.inspectedOn.map { " " + $0 } ?? ""))")
        }
    }
}
