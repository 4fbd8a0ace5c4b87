import ArgumentParser
import Foundation
import RenjuModel
import RenjuReport
import RenjuApp
import RenjuReference

struct Rules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The checks (审核规则): list them, analyse a rule file, explain one.",
        subcommands: [RulesList.self, RulesExplain.self, RulesImport.self, RulesDiff.self, RulesExport.self],
        defaultSubcommand: RulesList.self)
}

/// `renju rules explain ID`: one rule in full — what it looks for, its severity and levels as
/// configured, its parameters with their defaults, ranges and meanings.
struct RulesExplain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "explain", abstract: "Explain one rule: what it looks for, its severity and parameters.")
    @OptionGroup var reference: ReferenceOptions
    @OptionGroup var language: LanguageOption
    @Argument(help: ArgumentHelp("The rule's id, e.g. temporal.stable.", valueName: "id")) var id: String

    mutating func run() async throws {
        let lang = language.lang
        let e = try reference.workspace().explain(id)
        let l = e.listing, zh = lang == .zh
        let severity = l.severity.map { zh ? $0.label(lang) + " (\($0.rawValue))" : $0.rawValue } ?? (zh ? "已关闭" : "off")
        let byDefault = e.defaultSeverity.map { zh ? "（默认 \($0.label(lang))）" : " (default \($0.rawValue))" } ?? ""
        say("\(l.id)  \(l.title.text(lang))")
        say((zh ? "严重程度：" : "Severity: ") + severity + (e.defaultSeverity != l.severity ? byDefault : ""))
        say((zh ? "适用层级：" : "Levels: ") + (l.levels.map { $0.map(\.rawValue).joined(separator: ", ") } ?? (zh ? "全部" : "all")))
        if let about = e.about { say("\n" + about.text(lang)) }
        if let condition = l.condition { say("\n" + (zh ? "条件：" : "Condition: ") + condition) }
        if let byPeriod = l.byPeriod { say((zh ? "按报告期类型：" : "By kind of period: ") + byPeriod) }
        if !e.parameters.isEmpty {
            say(zh ? "\n参数：" : "\nParameters:")
            for p in e.parameters {
                let value = l.parameters.first { $0.name == p.name }?.value ?? p.defaultValue
                let range = "\(shortestDecimal(p.range.lowerBound))–\(shortestDecimal(p.range.upperBound))"
                say("  \(p.name) = \(shortestDecimal(value))" + (value != p.defaultValue ? (zh ? "（默认 \(shortestDecimal(p.defaultValue))）" : " (default \(shortestDecimal(p.defaultValue)))") : "")
                    + (zh ? "，范围 \(range)：" : ", range \(range): ") + p.about.text(lang))
            }
        }
    }
}

struct RulesList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the checks that will run (审核规则), or check a rule file.",
        discussion: """
        Every check's id, severity, levels, title and parameters (an override shows the default it \
        replaces), as configured in reference-data/rules.yaml, and the user's own rules with their conditions.

          renju rules
          renju rules --check                   # analyse the reference folder's rules.yaml
          renju rules --check my-rules.yaml     # … or this rule file

        --check loads the file (exit 2 with file:line when it does not load), then analyses the \
        rule set over one unit's figures, level by level: rules that contradict each other \
        (infeasible, with a minimal set of conflicting rules), rules that always hold given the \
        others (redundant), figures the rules confine beyond their own range (implied bounds, fixed \
        values), and the rules that cannot take part (not analysed, with why). Error rules are \
        analysed together; each warning rule against them. Exit 0 clean, 1 findings.
        """
    )

    @OptionGroup var reference: ReferenceOptions
    @OptionGroup var format: FormatOption
    @OptionGroup var language: LanguageOption

    @Flag(name: .long, help: "Load and analyse a rule file (default: the reference folder's rules.yaml); exit 0 clean, 1 findings, 2 when it does not load.")
    var check = false

    @Argument(help: ArgumentHelp("The rule file for --check.", valueName: "file"))
    var file: String?

    @Flag(name: .customLong("hit-rate"), help: "How often each rule's findings were right, from the store's on-site checks (renju verify import).")
    var hitRate = false

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Only the rules in force for this period (an imported 审核公式's 生效/停用报告期).", valueName: "period"))
    var period: String?

    mutating func run() async throws {
        let workspace = reference.workspace()
        let lang = language.lang
        if hitRate {
            let openedStore = try await Workspace.openStore(storePath(store), create: false)
            let db = openedStore.store
            let h = try await workspace.hitRates(store: db)
            switch format.format {
            case .json: print(RuleAnalysisReport.hitRatesJSON(h))
            case .text: say(RuleAnalysisReport.hitRatesText(h, lang: lang), terminator: "")
            }
            return
        }
        if check {
            let analysed = try workspace.analyseRules(file)
            let path = analysed.file, n = analysed.loaded, analysis = analysed.analysis
            switch format.format {
            case .json: print(RuleAnalysisReport.json(analysis, file: path, lang: lang))
            case .text:
                say(lang, zh: "\(path)：可以读入 — \(n.settings) 项检查设置，\(n.userRules) 条自定义规则，\(n.identities) 条恒等关系",
                    en: "\(path): loads — \(n.settings) check settings, \(n.userRules) user rules, \(n.identities) identities")
                say(RuleAnalysisReport.text(analysis, lang: lang), terminator: "")
            }
            if !analysis.isClean { throw ExitCode(1) }
            return
        }
        guard file == nil else { throw ValidationError("a file is only taken with --check (renju rules --check FILE)") }
        let inForce = try period.map { text -> Period in
            guard let p = Period.parse(text) else { throw ValidationError("--period: not a period (e.g. 2025Q3)") }
            return p
        }
        let listed = try workspace.rules(period: inForce)
        let ref = listed.reference, rules = listed.rules
        let all = lang == .zh ? "全部" : "all"
        let rows = rules.map { r -> (id: String, severity: String, levels: String, title: String, detail: String) in
            let params = r.parameters.map { p -> String in
                let text = "\(p.name)=\(shortestDecimal(p.value))"
                guard p.value != p.defaultValue else { return text }
                return text + (lang == .zh ? "（默认 \(shortestDecimal(p.defaultValue))）" : " (default \(shortestDecimal(p.defaultValue)))")
            }.joined(separator: " ") + (r.byPeriod.map { " (\($0))" } ?? "")
            return (r.id.description, r.severity?.rawValue ?? "off", r.levels.map { $0.map(\.rawValue).joined(separator: ",") } ?? all,
                    r.title.text(lang), r.condition ?? params)
        }
        switch format.format {
        case .json:
            let items = rows.map { r in
                "  {\"id\": \(JSONReport.quote(r.id)), \"severity\": \(JSONReport.quote(r.severity)), \"levels\": \(JSONReport.quote(r.levels)), \"title\": \(JSONReport.quote(r.title)), \"detail\": \(JSONReport.quote(r.detail))}"
            }
            print("[\n" + items.joined(separator: ",\n") + "\n]")
        case .text:
            // Columns padded by display width: a Chinese character takes two.
            let w = rows.map { displayWidth($0.id) }.max() ?? 20
            let lw = rows.map { displayWidth($0.levels) }.max() ?? 8
            let tw = rows.map { displayWidth($0.title) }.max() ?? 10
            for r in rows {
                say("\(padded(r.id, to: w))  \(padded(r.severity, to: 7))  \(padded(r.levels, to: lw))  \(r.detail.isEmpty ? r.title : padded(r.title, to: tw) + "  " + r.detail)")
            }
            say(lang, zh: "\n共 \(rows.count) 条规则（\(ref.directory)/rules.yaml）", en: "\n\(rows.count) rules (\(ref.directory)/rules.yaml)")
        }
    }
}

/// `renju rules import FILE.xlsx`: the prefecture's 审核公式 as a rules file, every row read or
/// refused with its cell; the rules are analysed with the reference folder's at once.
struct RulesImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Take in the prefecture's 审核公式 workbook: a rules file, every row read or refused with its cell.",
        discussion: """
        The workbook: one sheet with the columns 序号 | 审核公式 | 审核类型 (强制性 / 核实性 / 提示性) | \
        适用层级 (村 / 乡镇 / 县 / 全部) | 说明 | 生效报告期 | 停用报告期. Formulas as the reporting systems print \
        them: [指标名称], >= <= > < = <>, + - * /, ( ), ROUND(x, n), ABS, MIN, MAX, IF(条件, 规则), AND / OR \
        (且 / 或), 上期([x]), 上年同期([x]), SUM下级([x]); full-width characters accepted (docs/SPEC.md §5).
        Exit 0 all rows read; 1 some refused (the rest written); 2 not such a workbook.

          renju rules import 审核公式2025.xlsx --out reference-data/prefecture-rules.yaml
          renju validate --rules reference-data/prefecture-rules.yaml examples/xiji
        """)
    @OptionGroup var reference: ReferenceOptions
    @OptionGroup var language: LanguageOption
    @Option(name: .long, help: ArgumentHelp("The rules file to write (default: standard output).", valueName: "file")) var out: String?
    @Argument(help: ArgumentHelp("The 审核公式 workbook (.xlsx).", valueName: "workbook")) var workbook: String

    mutating func run() async throws {
        let lang = language.lang
        let workspace = reference.workspace()
        let ref = try workspace.reference()
        let imported: AuditImport.Imported
        do { imported = try AuditImport.read(workbook, catalog: ref.catalog) } catch let e as AuditImport.NotAWorkbook {
            writeStderr("renju: " + e.userMessage.text(lang))
            throw ExitCode(2)
        }
        if let out {
            try Workspace.checkOutput(out, notIn: [workbook])
            do { try imported.yaml.write(toFile: out, atomically: true, encoding: .utf8) } catch {
                throw AppError(zh: "无法写出 \(out)", en: "cannot write \(out)", cause: error)
            }
        } else {
            print(imported.yaml, terminator: "")
        }
        for r in imported.refused {
            writeStderr(lang == .zh ? "未导入 \(r.cell)：\(r.message.zh)" : "not imported \(r.cell): \(r.message.en)")
        }
        note(lang, zh: "导入 \(imported.rules) 条审核公式\(imported.refused.isEmpty ? "" : "，\(imported.refused.count) 行未导入")\(out.map { "：\($0)" } ?? "")",
             en: "\(imported.rules) rules imported\(imported.refused.isEmpty ? "" : ", \(imported.refused.count) rows refused")\(out.map { ": \($0)" } ?? "")")
        // The set analysed at once, with the reference folder's rules: conflicts and hidden equalities before it is used.
        if let out, imported.rules > 0 {
            var locations = workspace.locations
            locations.rules = [out]
            let analysed = try Workspace(locations).analyseImported()
            say(RuleAnalysisReport.text(analysed, lang: lang), terminator: "")
        }
        if !imported.refused.isEmpty { throw ExitCode(1) }
    }
}

/// `renju rules diff A B`: what changed between two versions of a rule set (rules files or
/// 审核公式 workbooks) — by 序号 (else by id) and by meaning: a reordered formula is not a change.
struct RulesDiff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Rules added, removed and changed between two rule files or 审核公式 workbooks (by 序号 and by meaning).",
        discussion: """
          renju rules diff 审核公式2024.xlsx 审核公式2025.xlsx
        Exit 0 when nothing changed, 1 when something did, 2 when a file cannot be read.
        """)
    @OptionGroup var reference: ReferenceOptions
    @OptionGroup var language: LanguageOption
    @Argument(help: ArgumentHelp("The earlier version.", valueName: "old")) var old: String
    @Argument(help: ArgumentHelp("The later version.", valueName: "new")) var new: String

    mutating func run() async throws {
        let ref = try reference.workspace().reference()
        let a = try Workspace.ruleSet(old, catalog: ref.catalog), b = try Workspace.ruleSet(new, catalog: ref.catalog)
        let d = Workspace.diff(a, b)
        for line in d.lines { print(line) }
        print(language.lang == .zh ? "新增 \(d.added)，删除 \(d.removed)，修改 \(d.changed)，未变 \(d.same)"
                                   : "added \(d.added), removed \(d.removed), changed \(d.changed), unchanged \(d.same)")
        if d.added + d.removed + d.changed > 0 { throw ExitCode(1) }
    }
}

/// `renju rules export --xlsx FILE`: the rule set in force as a 审核公式 workbook.
struct RulesExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "The rule set in force as a 审核公式 workbook (built-in, the county's own, imported; each with where it comes from).",
        discussion: """
        The layout `renju rules import` reads, with a 来源 column. The county's own and imported rules are \
        written as formulas (importable again); a built-in check is named with what it looks for.

          renju rules export --xlsx 西吉县-审核规则.xlsx [--rules prefecture.yaml] [--period 2025Q3]
        """)
    @OptionGroup var reference: ReferenceOptions
    @OptionGroup var language: LanguageOption
    @Option(name: .long, help: ArgumentHelp("The workbook to write.", valueName: "file")) var xlsx: String
    @Option(name: .long, help: ArgumentHelp("Only the rules in force for this period.", valueName: "period")) var period: String?

    mutating func run() async throws {
        let p = try period.map { t -> Period in
            guard let p = Period.parse(t) else { throw ValidationError("--period: not a period (e.g. 2025Q3)") }
            return p
        }
        try Workspace.checkOutput(xlsx, notIn: [], option: "--xlsx")
        let n = try reference.workspace().exportRules(to: xlsx, period: p)
        note(language.lang, zh: "已写出 \(xlsx)（\(n) 条规则）", en: "wrote \(xlsx) (\(n) rules)")
    }
}
