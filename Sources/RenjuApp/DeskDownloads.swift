import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuStore
import RenjuStoreCore
import RenjuReading
import RenjuInspection
import RenjuRanking

// The desk's use cases: the return, the ranking, the findings workbook, the collection form, a series.
extension Desk {

    /// The return (上报表) of the account's unit for a period, from the latest version of every
    /// submission under it that was not sent back: the workbook's bytes.
    public func returnWorkbook(period: Period, template: String = "prefecture-quarterly", for grant: Grant<Permit.Export>, now: Date = Date()) async throws -> Download {
        let account = grant.account
        let subs = try await shownVersions(period: period, for: account)
        guard !subs.isEmpty else { throw DeskError.notFound(Message(zh: "\(period) 还没有可导出的报表", en: "nothing to export for \(period)")) }
        // Exactly the versions the board shows: each township's latest not sent back, its figures
        // of this period only, its desk sign-offs (a workbook's own 签字 only declares).
        var input = InputSet()
        for s in subs.sorted(by: { $0.unit < $1.unit }) {
            let one = try await prepared(s).input
            input.submissions += one.submissions; input.findings += one.findings
            input.signOffs += try await store.signOffs(submission: s.id); input.explanations += one.explanations
            input.explanations += try await store.explanations(submission: s.id)
            input.files += one.files
        }
        let history = try await frame(period: period, county: scope(of: account.unit)).history
        let v = workspace.check(input, reference: reference, period: period, history: history, asOf: today, localiser: localiser)
        let out = scratch.appendingPathComponent("return-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: out) }
        let unit: String? = reference.tree.level(of: account.unit).map { $0 <= .county } == true ? account.unit.rawValue : nil
        // A draft while townships are missing or errors are open: said inside the workbook.
        let board = boardUnits(for: account)
        let missing = board.count - subs.count
        let open = v.result.summary.errors
        var why: [String] = []
        if missing > 0 { why.append("\(board.count) 个乡镇中 \(missing) 个未上报或被退回，合计只含已上报的 \(subs.count) 个") }
        if open > 0 { why.append("还有 \(open) 条错误未改正") }
        let w = try workspace.writeReturn(v, template: template, unit: unit, to: out.path, strict: false,
                                          draft: why.isEmpty ? nil : why.joined(separator: "；") + "。不是正式上报数。")
        let bytes: Data
        do { bytes = try Data(contentsOf: out) } catch { throw AppError(zh: "无法读取写出的报表", en: "cannot read the written return", cause: error) }
        try await store.log(.export, who: account.login, submission: nil, unit: w.unit, period: period,
                      detail: "return \(template), \(subs.count) submissions\(w.openErrors > 0 ? ", draft: \(w.openErrors) open errors" : "")", now: now)
        return Download(name: "\(w.unitName)-\(period)-季报\(why.isEmpty ? "" : "-草稿").xlsx", bytes: bytes)
    }

    /// The ranking of the townships under the account's unit for a period: the store's figures and
    /// the latest version of each submission not sent back.
    /// A township's account sees its own line of its county's ranking (its rank among all the
    /// county's townships), not the other townships' scores: every answer is filtered to the
    /// user's units.
    public func ranking(period: Period, for grant: Grant<Permit.Read>) async throws -> Workspace.RankingResult {
        let account = grant.account
        let tree = reference.tree
        let above = tree.level(of: account.unit).map { $0 <= .county } == true
        let root = above ? account.unit : scope(of: account.unit)
        let latest = try await latest(period: period)
        let subs = boardUnits(under: root).compactMap { latest[$0] }.filter { $0.state != .returned }
        var paths: [String] = []
        for s in subs { paths.append(try await read(s).path) }
        var r = try await workspace.rank(inputs: paths, store: store, period: period, unit: root.rawValue, asOf: today)
        // Provisional until every township has signed (or was imported) and the deadline has passed.
        let imported = try await store.importedUnits(period: period)
        var final = today > deadline(of: period)
        for u in boardUnits(under: root) where final {
            if imported.contains(u) { continue }
            guard let s = latest[u], s.state != .returned else { final = false; break }
            if counts(of: try await submission(s)).status != .signed { final = false }
        }
        r.provisional = !final
        r.ranked = r.ranking.entries.filter(\.reported).count
        r.townships = r.ranking.entries.count
        if above { return r }
        // A township sees its own line (its rank among the county's), not the others' scores.
        let mine = r.ranking.entries.filter { DeskPolicy.inScope($0.unit, of: account, tree: tree) }
        var own = Workspace.RankingResult(ranking: Ranking(period: r.ranking.period, entries: mine, notes: [], englishNotes: []),
                                          unit: r.unit, unitName: r.unitName, reference: r.reference)
        own.provisional = r.provisional; own.ranked = r.ranked; own.townships = r.townships
        return own
    }


    /// The findings workbook of a submission.
    public func findingsWorkbook(submission id: Int64, for grant: Grant<Permit.Read>, lang: Language) async throws -> Download {
        let account = grant.account
        let s = try await submission(id: id, for: grant.read)
        let out = scratch.appendingPathComponent("findings-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: out) }
        try await Workspace.writeFindingsWorkbook(s.validation, to: out.path, lang: lang)
        do { return Download(name: "\(reference.tree.name(of: s.stored.unit) ?? s.stored.unit.rawValue)-\(s.stored.period)-第\(s.stored.version)版-审核结果.xlsx", bytes: try Data(contentsOf: out)) } catch {
            throw AppError(zh: "无法读取写出的工作簿", en: "cannot read the written workbook", cause: error)
        }
    }

    /// A unit's blank collection form for a period.
    public func collectionForm(unit: UnitCode, period: Period, for grant: Grant<Permit.Read>) throws -> Download {
        let account = grant.account
        guard DeskPolicy.inScope(unit, of: account, tree: reference.tree) else {
            throw DeskError.notAllowed(Message(zh: "无权下载", en: "not allowed"))
        }
        let out = scratch.appendingPathComponent("form-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: out) }
        try workspace.writeCollectionForm(unit: unit.rawValue, period: period, template: "collection-form", to: out.path)
        do { return Download(name: "\(unit)-\(period)-采集表.xlsx", bytes: try Data(contentsOf: out)) } catch {
            throw AppError(zh: "无法读取写出的采集表", en: "cannot read the written form", cause: error)
        }
    }

    /// A unit's series of one indicator from the store.
    public func history(unit: UnitCode, indicator: IndicatorID, for grant: Grant<Permit.Read>) async throws -> [SeriesPoint] {
        let account = grant.account
        guard DeskPolicy.inScope(unit, of: account, tree: reference.tree) else {
            throw DeskError.notAllowed(Message(zh: "无权查看", en: "not allowed"))
        }
        return try await store.history(unit: unit, indicator: indicator)
    }

    /// A point of a unit's series as the desk shows it: stored (imported) or uploaded on the desk
    /// and not yet imported (the latest version not sent back).
    public struct HistoryPoint: Sendable, Equatable {
        public let period: Period
        public let value: Double
        public let fromDesk: Bool
    }

    /// A unit's series: the store's periods, and the desk's uploads of the periods not imported.
    public func series(unit: UnitCode, indicator: IndicatorID, for grant: Grant<Permit.Read>) async throws -> [HistoryPoint] {
        let stored = try await history(unit: unit, indicator: indicator, for: grant)
        var points = stored.map { HistoryPoint(period: $0.period, value: $0.value, fromDesk: false) }
        let have = Set(stored.map(\.period))
        // The township whose return holds the unit (the unit itself when it is one).
        let tree = reference.tree
        var township: UnitCode? = unit
        while let u = township, tree.level(of: u).map({ $0 > Self.reportingLevel }) == true { township = tree.parent(of: u) }
        guard let town = township, tree.level(of: town) == Self.reportingLevel else { return points }
        var newest: [Period: StoredSubmission] = [:]
        for s in try await store.submissions(period: nil) where s.unit == town && !have.contains(s.period) {
            if (newest[s.period]?.version ?? 0) < s.version { newest[s.period] = s }
        }
        for (p, s) in newest.sorted(by: { $0.key < $1.key }) where s.state != .returned {
            let sub = try await submission(s)
            let values = sub.validation.result.submissions.filter { $0.period == p }
            if let v = values.lazy.compactMap({ $0.values[unit, indicator] }).first { points.append(HistoryPoint(period: p, value: v, fromDesk: true)) }
        }
        return points.sorted { $0.period < $1.period }
    }

    /// The units whose history an account may look at, for the picker: its own unit, the units of
    /// its board (townships) and, for a township, its villages; in code order.
    public func historyUnits(for account: Account) -> [UnitCode] {
        let tree = reference.tree
        var out = [account.unit]
        for t in boardUnits(for: account) where t != account.unit { out.append(t) }
        if tree.level(of: account.unit) == Self.reportingLevel { out += tree.children(of: account.unit).sorted() }
        return out
    }
}
