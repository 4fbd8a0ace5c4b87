import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuStore
import RenjuStoreCore
import RenjuReading
import RenjuInspection
import RenjuRanking
import RenjuEditing

/// A submission as the desk shows it: the stored version and what checking it against the store's
/// history gives (with the 说明 and sign-offs given on the desk).
public struct DeskSubmission: Sendable {
    public let stored: StoredSubmission
    public let validation: Workspace.Validation
    /// The content digest (数据摘要) of the submission's figures: what a sign-off binds to.
    public let digest: String?
    /// The sign-offs given on the desk for this version: the version's sign-offs.
    public let signOffs: [SignOff]
    /// What the workbook's own 签字 sheet and footer declare: shown beside the desk's, compared
    /// with them, never taken for them.
    public let declaredSignOffs: [SignOff]
    public let explanations: [Explanation]
    /// Whether this is the unit's latest version of its period (earlier ones are superseded).
    public let isLatest: Bool
    /// The uploaded file's name as given, for display.
    public var filename: String { stored.filename }
}

/// One unit's line on the county's board.
public struct BoardLine: Sendable {
    public enum Status: String, Sendable { case notSubmitted = "not_submitted", submitted, returned, errors, warnings, explained, signed
        /// Not on the desk, but stored by `renju db import` (the county's own files).
        case imported }
    public let unit: UnitCode
    public let unitName: String
    public let status: Status
    public let submission: StoredSubmission?
    public let errors: Int
    public let warnings: Int
    public let explained: Int
    public let signedRoles: [String]
    public let late: Bool
}

/// The web desk's use cases over one store and one set of reference data: upload, check, explain,
/// sign, return, the board, the return workbook. Every front end (the HTTP server, tests) calls
/// these; none reads files or the store itself.
public final class Desk: Sendable {
    public let workspace: Workspace
    /// Reached through the desk's use cases only: the web never touches the store.
    let store: any DeskStoring
    public let reference: ReferenceData
    /// "Today" for deadlines and sign-off dates (the `--as-of` of the command line), or the clock.
    public let asOf: CivilDate?
    /// The largest upload accepted.
    public let maxUploadBytes: Int
    let cache = ValidationCache()
    /// The checks of a version under way, shared by every request that wants the same one.
    let checking = SingleFlight<DeskSubmission>()
    /// The checks of a county's latest versions under way and next (see `submission`).
    let countyChecking: Coalescing<CountyRun, [Int64: DeskSubmission]>
    /// The boards under way, likewise.
    let boarding = SingleFlight<[BoardLine]>()
    let scratch: URL
    /// The content digest of the rule set the desk checks with (RuleSetDigest), shown on its pages.
    public let rulesDigest: String
    /// The error localiser for the desk's rules, built once (see `Workspace.check`).
    let localiser: ErrorLocaliser

    public init(workspace: Workspace, store: any DeskStoring, asOf: CivilDate?, maxUploadBytes: Int = 16 * 1_048_576) throws {
        self.workspace = workspace; self.store = store; self.asOf = asOf; self.maxUploadBytes = maxUploadBytes
        reference = try workspace.reference()
        rulesDigest = RuleSetDigest.of(reference.checks)
        localiser = ErrorLocaliser(reference: reference)
        let cache = self.cache
        countyChecking = Coalescing { cache.generation }
        let temporary = FileManager.default.temporaryDirectory
        Self.removeStaleScratch(in: temporary)
        // Private to the desk's user: uploads are other people's figures.
        scratch = temporary.appendingPathComponent("renju-desk-\(getpid())-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw AppError(zh: "无法建立临时文件夹", en: "cannot create a scratch folder", cause: error)
        }
    }

    /// Scratch folders a desk left behind when it was killed (its process is gone) are removed
    /// when a desk starts; so are unnamed ones of older versions after a day.
    static func removeStaleScratch(in folder: URL) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix("renju-desk-") {
            let path = folder.appendingPathComponent(name).path
            let parts = name.dropFirst("renju-desk-".count).split(separator: "-", maxSplits: 1)
            if parts.count == 2, let pid = Int32(parts[0]), pid > 0 {
                if pid == getpid() { continue }
                if kill(pid, 0) == 0 || errno != ESRCH { continue }
                try? fm.removeItem(atPath: path)
            } else if let modified = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                      Date().timeIntervalSince(modified) > 86_400 {
                try? fm.removeItem(atPath: path)
            }
        }
    }

    deinit { try? FileManager.default.removeItem(at: scratch) }

    /// Today as the desk counts it (`--as-of`, else the clock).
    public var today: CivilDate { asOf ?? .today }

    /// The desk's private scratch folder (stored files as read; nothing a refused upload left).
    public var scratchFolder: URL { scratch }

    // MARK: helpers

    /// What a user wrote for the record (a 说明, a reason to send back or to reopen): trimmed, and
    /// refused with `refusal` when empty or over 2,000 characters.
    static func writtenText(_ text: String, refusal: Message) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 2000 else { throw DeskError.invalid(refusal) }
        return trimmed
    }

    /// The unit a file reports for: its single root, or the parent all its roots share.
    static func root(of subs: [Submission], tree: DivisionTree) -> UnitCode? {
        let roots = Set(subs.flatMap { $0.roots(in: tree) })
        if roots.count == 1 { return roots.first }
        let parents = Set(roots.map { tree.parent(of: $0) })
        if parents.count == 1, let p = parents.first { return p }
        return nil
    }

    /// A file name as given, fit for display: no folders, no control characters, at most 120 characters.
    public static func displayName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        // No control characters, and no bidirectional overrides or isolates (U+202A–202E,
        // U+2066–2069, the marks U+200E/F and U+061C), which make a shown name read other than it is.
        let bidi: Set<UInt32> = [0x061C, 0x200E, 0x200F]
        let clean = String(last.unicodeScalars.filter { u in
            u.value >= 0x20 && !(0x7F...0x9F).contains(u.value) && !(0x202A...0x202E).contains(u.value)
                && !(0x2066...0x2069).contains(u.value) && !bidi.contains(u.value)
        }.map(Character.init))
        let short = String(clean.prefix(120))
        return short.isEmpty ? "upload" : short
    }

    /// A stored file is read under its digest's name: what the user sees is the name it was
    /// uploaded under. (Readers name a file by its last path component.)
    static func renamed(_ s: SourceRef, from path: String, to shown: String) -> SourceRef {
        s.file == path || s.file == URL(fileURLWithPath: path).lastPathComponent
            ? SourceRef(file: shown, sheet: s.sheet, row: s.row, column: s.column) : s
    }

    static func renamed(_ f: Finding, from path: String, to shown: String) -> Finding {
        guard let s = f.source, s.file == path || s.file == URL(fileURLWithPath: path).lastPathComponent else { return f }
        var g = f
        g.source = SourceRef(file: shown, sheet: s.sheet, row: s.row, column: s.column)
        return g
    }

    static func renamed(_ r: ValidationResult, from path: String, to shown: String) -> ValidationResult {
        var out = ValidationResult(period: r.period, findings: r.findings.map { renamed($0, from: path, to: shown) }, submissions: r.submissions,
                                   history: r.history, unitsChecked: r.unitsChecked)
        out.tallies = r.tallies; out.filesRead = r.filesRead; out.coverage = r.coverage
        return out
    }
}


/// A login's account and stored password hash (for the sign-in check only).
public struct Credentials: Sendable {
    public let account: Account
    public let passwordHash: String
}

/// Where a submission stands on the board: its status, its open findings, who has signed.
public struct SubmissionCounts: Sendable, Equatable {
    public let status: BoardLine.Status
    public let errors: Int
    public let warnings: Int
    public let explained: Int
    public let signedRoles: [String]
    public let late: Bool
}

/// A workbook the desk hands out: the name to download it under, and its bytes.
public struct Download: Sendable {
    public let name: String
    public let bytes: Data
}

/// An inspection sample as drawn, and its workbook.
public struct SampleDownload: Sendable {
    public let name: String
    public let bytes: Data
    public let sample: InspectionSample
}
