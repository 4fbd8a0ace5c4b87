import ArgumentParser
import Foundation
import RenjuModel
import RenjuReading
import RenjuReference
import RenjuChecks
import RenjuExport

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the prefecture's return (上报表) from validated submissions.",
        discussion: """
        Reads and checks the inputs like `validate`, then writes the return of a template in \
        templates/: one row per unit of the template's level and a computed 合计 row (totals summed, \
        rates recomputed from the summed parts), the footer filled from the sign-offs, and a chart sheet.
        The return is written even when errors are open (as a draft), but the exit status is then 1 \
        and the errors are listed on stderr; --strict refuses to write it.

          renju export --template prefecture-quarterly --out 西吉县-2025Q3.xlsx examples/xiji
        """
    )

    @OptionGroup var common: CommonOptions

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

    func run() throws {
        try Session.checkOutput(out, notIn: inputs)
        let session = try Session.run(common, inputs: inputs)
        let reference = session.reference
        let tpl: ReportTemplate
        do { tpl = try common.loadTemplate(template, catalog: reference.catalog) } catch let e as CouldNotRun { writeStderr("renju: \(e)"); throw ExitCode(2) }
        guard let period = session.result.period else { writeStderr("renju: no period found in the input (use --period)"); throw ExitCode(2) }
        let root: UnitCode
        if let unit {
            guard let u = UnitCode(unit), reference.tree[u] != nil else { writeStderr("renju: --unit \(unit) is not in the divisions file"); throw ExitCode(2) }
            root = u
        } else {
            guard let u = reportingUnit(session, level: tpl.rowLevel) else { writeStderr("renju: cannot tell the reporting unit; use --unit"); throw ExitCode(2) }
            root = u
        }
        let s = session.result.summary
        if session.result.hasOpenError {
            writeStderr(common.lang == .zh ? "注意：还有 \(s.errors) 条错误未改正（renju validate 查看）" : "note: \(s.errors) open errors (see renju validate)")
            if strict { throw ExitCode(1) }
        }
        var current = PeriodValues()
        for sub in session.result.submissions { current.merge(sub.values, overwrite: true) }
        let signOffs = (session.input.signOffs + session.result.submissions.flatMap(\.signOffs)).filter { $0.unit == root && ($0.period == nil || $0.period == period) }
        do {
            try ReturnExporter(reference: reference, template: tpl).write(to: out, unit: root, period: period, reported: current, signOffs: signOffs)
        } catch {
            writeStderr("renju: \(error)"); throw ExitCode(2)
        }
        writeStderr(common.lang == .zh ? "已写出 \(out)（\(reference.tree.name(of: root) ?? root.rawValue) \(period.chinese)）" : "wrote \(out)")
        if session.result.hasOpenError { throw ExitCode(1) }
    }

    /// The lowest common ancestor of the input's units, raised until it lies above the rows' level.
    func reportingUnit(_ session: Session, level: Level?) -> UnitCode? {
        let tree = session.reference.tree
        let codes = Set(session.result.submissions.flatMap { $0.rows.map(\.code) }).filter { tree[$0] != nil }
        guard var lca = codes.first else { return nil }
        func chain(_ c: UnitCode) -> [UnitCode] {
            var out = [c]; var cur = c
            while let p = tree[cur]?.parent, out.count < 16 { out.append(p); cur = p }
            return out
        }
        for c in codes {
            let ancestors = Set(chain(c))
            lca = chain(lca).first { ancestors.contains($0) } ?? lca
        }
        if let level {
            while let l = tree[lca]?.level, l >= level, let p = tree[lca]?.parent { lca = p }
        }
        return lca
    }
}

struct Template: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a township's blank collection form (采集表).",
        discussion: """
        The villages of the township are listed with a 合计 row; input cells are validated by Excel \
        (whole numbers ≥ 0, decimals ≥ 0 for km and tonnes, 0–100 for rates, 是/否 for yes/no) and \
        everything else is locked. Renju reads the filled form back.

          renju template --unit 640422100000 --period 2025Q4 --out 吉强镇-2025Q4.xlsx
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("The township (or any unit) whose form to write.", valueName: "code"))
    var unit: String

    @Option(name: .long, help: ArgumentHelp("The .xlsx file to write.", valueName: "file"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("Template name in templates/ or a template file.", valueName: "name|file"))
    var template: String = "collection-form"

    func validate() throws {
        if common.period == nil { throw ValidationError("--period is required (e.g. --period 2025Q4)") }
    }

    func run() throws {
        let reference: ReferenceData
        do { reference = try common.loadReference() } catch let e as CouldNotRun { writeStderr("renju: \(e)"); throw ExitCode(2) }
        guard let u = UnitCode(unit), reference.tree[u] != nil else { writeStderr("renju: --unit \(unit) is not in the divisions file"); throw ExitCode(2) }
        guard let period = common.parsedPeriod else { throw ExitCode(2) }
        let tpl: ReportTemplate
        do { tpl = try common.loadTemplate(template, catalog: reference.catalog) } catch let e as CouldNotRun { writeStderr("renju: \(e)"); throw ExitCode(2) }
        do {
            try CollectionFormWriter(reference: reference, template: tpl).write(to: out, unit: u, period: period)
        } catch {
            writeStderr("renju: \(error)"); throw ExitCode(2)
        }
        writeStderr(common.lang == .zh ? "已写出 \(out)" : "wrote \(out)")
    }
}
