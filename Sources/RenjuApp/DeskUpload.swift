import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuStore
import RenjuStoreCore
import RenjuReading
import RenjuInspection
import RenjuRanking

// The desk's use cases: a township's upload, what it must belong to, closed periods and reopening.
extension Desk {
    // MARK: submissions

    /// The scratch file a stored file is read from: named by its digest, never by the user.
    func scratchFile(sha256: String, bytes: Data) throws -> String {
        let isZip = bytes.starts(with: [0x50, 0x4B])
        let url = scratch.appendingPathComponent("\(sha256).\(isZip ? "xlsx" : "csv")")
        if !FileManager.default.fileExists(atPath: url.path) {
            // Written under a temporary name, readable by the desk's user only, then renamed.
            let partial = scratch.appendingPathComponent(".\(UUID().uuidString)")
            guard FileManager.default.createFile(atPath: partial.path, contents: bytes, attributes: [.posixPermissions: 0o600]) else {
                throw AppError("cannot write a scratch file in \(scratch.path)")
            }
            if rename(partial.path, url.path) != 0 {
                try? FileManager.default.removeItem(at: partial)
                if !FileManager.default.fileExists(atPath: url.path) { throw AppError("cannot write a scratch file \(url.path)") }
            }
        }
        return url.path
    }

    /// Uploads a unit's return: one reporting unit's return for one period. The file is read (the
    /// reader's limits apply); every row of it — figures on every sheet, 签字, 说明 — must belong
    /// to the uploader's unit; the unit's own row must be there (a village alone or a file without
    /// the total is not the township's return); the period is the newest in the file and must be
    /// open. Then the bytes are stored as the unit's next version and checked against the history.
    /// `expecting`: the period the uploader's page shows; a file of another period is refused
    /// before it is stored, saying both.
    ///
    /// `line`: where uploads wait their turn (the server's). The file is read and stored in a slot
    /// of its own; its check then waits in the same line, shared with the county's other uploads
    /// stored by then (see `submission`).
    public func upload(_ bytes: Data, filename: String, by grant: Grant<Permit.Upload>, expecting: Period? = nil, now: Date = Date(),
                       in line: WorkQueue? = nil) async throws -> DeskSubmission {
        let added: StoredSubmission
        if let line {
            added = try await line.run(bytes: bytes.count) { try await self.stored(bytes, filename: filename, by: grant, expecting: expecting, now: now) }
        } else {
            added = try await stored(bytes, filename: filename, by: grant, expecting: expecting, now: now)
        }
        return try await submission(added, in: line)
    }

    /// An upload read, held to what it must be and stored (see `upload`).
    func stored(_ bytes: Data, filename: String, by grant: Grant<Permit.Upload>, expecting: Period?, now: Date) async throws -> StoredSubmission {
        let account = grant.account
        guard bytes.count <= maxUploadBytes else { throw DeskError.tooLarge(limit: maxUploadBytes) }
        let tree = reference.tree
        let unit = account.unit
        guard tree.level(of: unit) == Self.reportingLevel else {
            throw DeskError.notAllowed(Message(zh: "报表以乡镇为单位上报：只有乡镇的账号可以上传", en: "returns are uploaded per township: only a township's account uploads"))
        }
        let shown = Self.displayName(filename)
        let sha = ContentSHA.hex(bytes)
        let path = try scratchFile(sha256: sha, bytes: bytes)
        // A refused file is not kept: only stored versions stay in the scratch folder.
        var stored = false
        defer { if !stored { removeScratch(path, sha256: sha) } }
        let input = try workspace.read([path], reference: reference)
        let withRows = input.submissions.filter { !$0.rows.isEmpty }
        guard let period = withRows.compactMap(\.period).max() else {
            let findings = input.findings + input.submissions.flatMap(\.findings)
            // What is wrong with it, in words a clerk can act on: not a workbook at all, or a
            // table without a period, or nothing recognisable in it.
            let unopenable = withRows.isEmpty && findings.contains { $0.rule == RuleID.unreadableFile }
            let message = unopenable
                ? Message(zh: "无法打开文件 \(shown)：它不是可读的 Excel（.xlsx）或 CSV 文件，可能已损坏或是其他格式。请用 Excel 或 WPS 打开检查，另存为 .xlsx 后再上传",
                          en: "cannot open \(shown): it is not a readable Excel (.xlsx) or CSV file — damaged, or another format. Open it in Excel or WPS, save it as .xlsx and upload again")
                : withRows.isEmpty
                ? Message(zh: "文件 \(shown) 中没有认出报表：找不到区划代码和指标的表格。请使用本期采集表（工作台上可下载）填写后上传",
                          en: "no return recognised in \(shown): no table of unit codes and indicators. Fill in the period's collection form (on your desk) and upload it")
                : Message(zh: "文件 \(shown) 中找不到报告期：请在表头写明报告期（如“2025年第三季度”），或使用本期采集表",
                          en: "\(shown) does not say its period: write it in the heading (e.g. 2025年第三季度) or use the period's collection form")
            throw DeskError.unreadable(message, findings: findings.map { Self.renamed($0, from: path, to: shown) })
        }
        try checkBelongs(input, to: unit, account: account, path: path, shown: shown)
        let name = tree.name(of: unit) ?? unit.rawValue
        guard withRows.contains(where: { $0.period == period && $0.unitCodes.contains(unit) }) else {
            throw DeskError.unreadable(Message(
                zh: "文件 \(shown) 不是\(name)（\(unit)）\(period) 的完整报表：其中没有\(name)本级（合计）这一行。请上报本单位的整张报表（各村和合计行）",
                en: "\(shown) is not the whole \(period) return of \(name) (\(unit)): it has no row for \(name) itself (the total). Upload the unit's whole return (its villages and the total row)"),
                findings: [])
        }
        if let expecting, expecting != period {
            throw DeskError.conflict(Message(
                zh: "文件 \(shown) 是 \(period) 的报表，而本页是 \(expecting)：没有上传。如确为 \(period) 的报表，请在页面上方的报告期中选 \(period) 后再上传；否则请选对文件",
                en: "\(shown) is the return of \(period), but this page is \(expecting): nothing was uploaded. If it is meant for \(period), choose \(period) above and upload it there; otherwise choose the right file"))
        }
        if let closed = try await closure(unit: unit, period: period) {
            throw DeskError.conflict(closed)
        }
        let added = try await store.addSubmission(bytes: bytes, filename: shown, unit: unit, period: period, who: account.login, now: now)
        stored = true
        cache.bump(adding: added)
        // The file as just read is the stored version's (same bytes, same scratch path): its check
        // does not fetch it from the store and read it again.
        cache.putInput(sha, (path, input))
        return added
    }

    /// The level whose units upload returns and line the county's board: the township.
    public static let reportingLevel = Level.township

    /// Every row of an upload belongs to the uploader's unit: each unit row on every sheet lies in
    /// its subtree, each 签字 row is the unit's own, each 说明 names a unit of its subtree. The
    /// first row that does not is refused with its cell.
    func checkBelongs(_ input: InputSet, to unit: UnitCode, account: Account, path: String, shown: String) throws {
        let tree = reference.tree
        func cell(_ src: SourceRef?) -> String {
            guard let src else { return shown }
            return Self.renamed(src, from: path, to: shown).description
        }
        for s in input.submissions {
            for row in s.rows where !DeskPolicy.inScope(row.code, of: account, tree: tree) {
                throw DeskError.notAllowed(Message(zh: "文件中 \(cell(row.source)) 的单位 \(row.code) 不在您的管辖范围内：只能上报本单位的数据",
                                                   en: "\(cell(row.source)): unit \(row.code) is outside your unit; upload your own unit's figures only"))
            }
        }
        for o in input.signOffs + input.submissions.flatMap(\.signOffs) where o.unit != unit {
            throw DeskError.notAllowed(Message(zh: "文件中 \(cell(o.source)) 是单位 \(o.unit) 的签字（\(o.role) \(o.name)），不是本单位（\(unit)）的：只能上报本单位的签字",
                                               en: "\(cell(o.source)) is a sign-off of unit \(o.unit) (\(o.role) \(o.name)), not of your unit \(unit)"))
        }
        for x in input.explanations where !DeskPolicy.inScope(x.unit, of: account, tree: tree) {
            throw DeskError.notAllowed(Message(zh: "文件中 \(cell(x.source)) 的说明属于单位 \(x.unit)，不在您的管辖范围内",
                                               en: "\(cell(x.source)): an explanation for unit \(x.unit), outside your unit"))
        }
    }

    /// Why a unit's period takes no upload, or nil when it is open. A period is closed for a unit
    /// once its figures were imported into the store (`renju db import`: the period's history is
    /// settled) — unless the county reopened it on the desk after that import (audited).
    func closure(unit: UnitCode, period: Period) async throws -> Message? {
        let tree = reference.tree
        let related = { (u: UnitCode) -> Bool in u == unit || tree.isAncestor(u, of: unit) || tree.isAncestor(unit, of: u) }
        guard try await store.importedUnits(period: period).contains(where: related) else { return nil }
        let lastImport = try await store.imports().filter { $0.period == period && related($0.unit) }.map(\.at).max() ?? ""
        let reopened = try await store.events().contains { e in
            e.action == .reopen && e.period == period && e.unit.map { $0 == unit || tree.isAncestor($0, of: unit) } == true && e.at >= lastImport
        }
        if reopened { return nil }
        return Message(zh: "\(period) 已经入库（报告期已关闭），不能再上报：如确需更正，请县统计局在系统中重新开放该期",
                       en: "\(period) has been imported into the store (the period is closed): the county office must reopen it before a new upload")
    }

    /// 重新开放: the county lets a unit upload again for a closed period (audited, with a reason).
    public func reopen(unit: UnitCode, period: Period, reason: String, by grant: Grant<Permit.Review>, now: Date = Date()) async throws {
        let account = grant.account
        guard DeskPolicy.inScope(unit, of: account, tree: reference.tree) else {
            throw DeskError.notFound(Message(zh: "没有单位 \(unit)", en: "no unit \(unit)"))
        }
        let why = try Self.writtenText(reason, refusal: Message(zh: "重新开放须写明原因（不超过 2000 字）", en: "reopening needs a reason (at most 2000 characters)"))
        guard try await closure(unit: unit, period: period) != nil else {
            throw DeskError.conflict(Message(zh: "\(period) 对该单位并未关闭", en: "\(period) is not closed for that unit"))
        }
        try await store.log(.reopen, who: account.login, submission: nil, unit: unit, period: period, detail: "reopened: \(why)", now: now)
        cache.bump()
    }

    /// A refused upload's scratch file, unless a stored version with the same bytes reads from it.
    func removeScratch(_ path: String, sha256: String) {
        guard cache.input(sha256) == nil else { return }
        try? FileManager.default.removeItem(atPath: path)
    }
}
