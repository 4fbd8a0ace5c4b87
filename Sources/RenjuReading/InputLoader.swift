import Foundation
import RenjuText
import RenjuModel

/// Everything read from the files and folders given on the command line.
public struct InputSet: Sendable {
    public var submissions: [Submission] = []
    public var signOffs: [SignOff] = []
    public var explanations: [Explanation] = []
    /// Problems with whole files (unreadable, no table), and sign-off table problems.
    public var findings: [Finding] = []
    public var files: [String] = []
    public init() {}
}

/// Collects input files from paths (files and folders, in any mix) and reads them.
public struct InputLoader: Sendable {
    public let reader: FormReader
    public let xlsx: XLSXReader
    public var maxCSVBytes = 256 * 1024 * 1024

    public init(reader: FormReader, xlsx: XLSXReader = XLSXReader()) { self.reader = reader; self.xlsx = xlsx }

    /// Files past this size are read one at a time (see `read`).
    public static let largeFileBytes = 32 * 1024 * 1024
    static let largeFileGate = DispatchSemaphore(value: 1)

    /// Extensions read as text tables.
    static let textExtensions: Set<String> = ["csv", "txt", "tsv"]
    /// Extensions of spreadsheets: read when they are .xlsx inside, else refused with what they are.
    static let spreadsheetExtensions: Set<String> = ["xlsx", "xlsm", "xltx", "xltm", "xls", "xlsb", "xlt", "ods", "et", "ett", "numbers"]

    /// One input file, and whether it was found in a folder (rather than named by the user).
    public struct InputFile: Sendable {
        public let url: URL
        public let inFolder: Bool
        /// What one stat() of it said while the folder was walked (nil for a path named by the user).
        let status: FileIdentity.Status?
        init(url: URL, inFolder: Bool, status: FileIdentity.Status? = nil) { self.url = url; self.inFolder = inFolder; self.status = status }
    }

    /// Files under the given paths, folders searched recursively, in a stable order.
    public static func files(in paths: [String]) throws -> [URL] { try inputFiles(in: paths).map(\.url) }

    /// Every file under the given paths (folders searched recursively, a `.numbers` package taken
    /// as one file), in a stable order. Nothing is left out here: what is not read is said.
    public static func inputFiles(in paths: [String]) throws -> [InputFile] {
        var out: [InputFile] = []
        for p in paths {
            guard let kind = FileIdentity.kind(of: p) else { throw InputError.notFound(p) }
            let url = URL(fileURLWithPath: p)
            if kind == .directory, url.pathExtension.lowercased() != "numbers" {
                var found: [(path: String, status: FileIdentity.Status)] = []
                walk(p, into: &found)
                // The kind is known from the walk: a URL made without it would stat the file again.
                out += found.sorted { $0.path < $1.path }.map {
                    InputFile(url: URL(fileURLWithPath: $0.path, isDirectory: $0.status.kind == .directory), inFolder: true, status: $0.status)
                }
            } else {
                out.append(InputFile(url: url, inFolder: false))
            }
        }
        return out
    }

    /// Every file below a folder, each with what one stat() of it says (Foundation's enumerator
    /// with resource values took 1.3 s for 11,000 files); a large folder's entries are stat'ed
    /// side by side. A `.numbers` package is one file to the user.
    static func walk(_ dir: String, into found: inout [(path: String, status: FileIdentity.Status)], depth: Int = 0) {
        guard depth < 64, let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        let paths = names.map { dir.hasSuffix("/") ? dir + $0 : dir + "/" + $0 }
        let statuses = paths.count > 256 ? paths.concurrentMap(FileIdentity.Status.init(path:)) : paths.map(FileIdentity.Status.init(path:))
        for (k, name) in names.enumerated() {
            guard let status = statuses[k] else { continue }
            if status.kind == .directory, !name.lowercased().hasSuffix(".numbers") {
                walk(paths[k], into: &found, depth: depth + 1)
            } else {
                found.append((paths[k], status))
            }
        }
    }

    public enum InputError: UserFacingError, CustomStringConvertible {
        case notFound(String)
        public var description: String {
            switch self { case let .notFound(p): return "找不到文件或文件夹 / no such file or folder: \(p)" }
        }
        public var userMessage: Message {
            switch self { case let .notFound(p): return Message(zh: "找不到文件或文件夹：\(p)", en: "no such file or folder: \(p)") }
        }
    }

    /// Reads files and folders. `progress`, when given, is told (files done, files in all) as
    /// files finish, from whichever thread read them (calls are serialised).
    public func load(paths: [String], defaultPeriod: Period?, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> InputSet {
        var set = InputSet()
        // The same file named twice (itself and in its folder, a folder twice, a link to it) is
        // read once: files are told apart by device and inode, one stat() each.
        var seen = Set<FileIdentity>()
        var files: [InputFile] = []
        for f in try Self.inputFiles(in: paths) {
            guard let key = f.status?.identity ?? FileIdentity(path: f.url.path) else { files.append(f); continue }
            if seen.insert(key).inserted { files.append(f); continue }
            set.findings.append(Finding(
                rule: .givenTwice, severity: .info, unit: nil, period: defaultPeriod,
                message: Message(zh: "文件 \(f.url.path) 被重复指定，只读取一次", en: "The file \(f.url.path) was given twice; it was read once"),
                source: SourceRef(file: f.url.lastPathComponent)))
        }
        // Files are read side by side on every core, taken one at a time (a file is large enough
        // a task, and cores running out of files together leave none idle); the result keeps the files' order.
        let counter = Progress(total: files.count, report: progress)
        let parts = Array(files.enumerated()).concurrentMap(perTask: 1) { (index, f) in
            var one = InputSet()
            read(f.url, inFolder: f.inFolder, size: f.status?.size, defaultPeriod: defaultPeriod, into: &one)
            counter.done()
            for i in one.submissions.indices { one.submissions[i].fileIndex = index }
            return one
        }
        for one in parts {
            set.submissions += one.submissions
            set.signOffs += one.signOffs
            set.explanations += one.explanations
            set.findings += one.findings
            set.files += one.files
        }
        set.reconcileOverlaps(catalog: reader.catalog)
        return set
    }

    public func read(_ url: URL, defaultPeriod: Period?, into set: inout InputSet) {
        read(url, inFolder: false, defaultPeriod: defaultPeriod, into: &set)
    }

    /// Reads one file: by what its bytes are, not only by its name. A file found in a folder that
    /// is not a table is named in an info; a spreadsheet Renju cannot read says what it is.
    public func read(_ url: URL, inFolder: Bool, defaultPeriod: Period?, into set: inout InputSet) {
        read(url, inFolder: inFolder, size: nil, defaultPeriod: defaultPeriod, into: &set)
    }

    /// `read(_:inFolder:defaultPeriod:into:)` of a file whose size the folder's walk found (nil: not known yet).
    func read(_ url: URL, inFolder: Bool, size known: Int?, defaultPeriod: Period?, into set: inout InputSet) {
        let file = url.lastPathComponent
        let path = url.path
        set.files.append(path)
        func unreadable(_ why: String, rule: RuleID = .unreadableFile) {
            set.findings.append(Finding(
                rule: rule, severity: .error, unit: nil, period: defaultPeriod,
                message: Message(zh: "文件无法读取：\(why)", en: "Cannot read the file: \(why)"),
                source: SourceRef(file: file)))
        }
        func skipped(_ zh: String, _ en: String) {
            set.findings.append(Finding(
                rule: .skippedFile, severity: .info, unit: nil, period: defaultPeriod,
                message: Message(zh: "已跳过：\(zh)", en: "Skipped: \(en)"), source: SourceRef(file: file)))
        }
        let ext = url.pathExtension.lowercased()
        if file.hasPrefix("~$") { skipped("Excel/WPS 打开文件时留下的临时锁文件", "a lock file Excel or WPS leaves while a workbook is open"); return }
        if file.hasPrefix(".") { skipped("隐藏文件", "a hidden file"); return }
        // Large files are read one at a time: reading side by side would add their peaks up.
        let size = known ?? FileIdentity.size(of: path)
        let large = (size ?? 0) > Self.largeFileBytes
        if large { Self.largeFileGate.wait() }
        defer { if large { Self.largeFileGate.signal() } }
        let kind = FileKind.sniff(url)
        switch kind {
        case let .refused(zh, en, rule):
            unreadable(zh + " / " + en, rule: rule); return
        case .zip:
            break
        case .other where Self.spreadsheetExtensions.contains(ext):
            unreadable("扩展名是 .\(ext)，但内容不是 zip 格式的 .xlsx 工作簿（文件已损坏，或是改了扩展名的其他文件）/ named .\(ext) but its content is not an .xlsx (zip) workbook: damaged, or another kind of file renamed")
            return
        case .other where inFolder && !Self.textExtensions.contains(ext):
            skipped("不是数据文件（.\(ext)），只读取 .xlsx 工作簿和 CSV 文件", "not a data file (.\(ext)); only .xlsx workbooks and CSV files are read")
            return
        case .other:
            break
        }
        var grids: [Grid] = []
        var streamed: (grid: Grid, stream: CSVTableStream)?
        switch kind {
        case let .zip(parts):
            do {
                let book = try xlsx.readWorkbook(url: url, parts: parts)
                // Visible sheets first: a hidden draft never wins over the sheet the clerk sees.
                grids = book.sheets.filter { !$0.hidden }.map(\.grid) + book.sheets.filter(\.hidden).map(\.grid)
                for p in book.problems {
                    set.findings.append(Finding(rule: .missingSheet, severity: .error, unit: nil, period: defaultPeriod,
                                                message: Message(zh: p, en: p), source: SourceRef(file: file)))
                }
            } catch { unreadable("\(error)"); return }
        default:
            guard let size else { unreadable("无法打开 / cannot open"); return }
            if size > maxCSVBytes { unreadable("文件过大 / file too large (\(size) bytes)"); return }
            guard let data = FileManager.default.contents(atPath: path) else { unreadable("无法打开 / cannot open"); return }
            func encodingRefused(_ message: Message) {
                set.findings.append(Finding(rule: .encoding, severity: .error, unit: nil, period: defaultPeriod, message: message,
                                            source: SourceRef(file: file)))
            }
            typealias Parsed = (grid: Grid, problems: [CSVReader.Problem], stream: CSVTableStream)
            let stream = { CSVTableStream(reader, file: file, defaultPeriod: defaultPeriod) }
            /// The text decoded, then read; nil, having said why, when its encoding is refused.
            func decodedAndRead() -> Parsed? {
                // Decoded once: bytes that are valid UTF-8 (without a BOM) decode as UTF-8 and as nothing else.
                let decoded = TextDecoding.decode(data)
                if decoded?.encoding != .utf8, !data.starts(with: [0xEF, 0xBB, 0xBF]), TextDecoding.looksMixed(data) {
                    encodingRefused(Message(zh: "文件混用了 UTF-8 和 GBK 两种编码（多半是从不同文件拼接而来），无法可靠读取：请在 Excel 中打开后另存为一种编码的 CSV",
                                            en: "The file mixes UTF-8 and GBK text (pasted from two sources) and cannot be read reliably: save it again in one encoding"))
                    return nil
                }
                guard let (text, encoding) = decoded else {
                    unreadable("编码无法识别（既不是 UTF-8 也不是 GB18030）/ unknown text encoding"); return nil
                }
                if encoding == .gb18030, TextDecoding.looksSingleByteWestern(data) {
                    // Read as GBK, a Latin-1 file's names would be garbled without a word: ask instead.
                    encodingRefused(Message(zh: "文件的编码无法确定：既不是 UTF-8，也不像 GBK（更像西文编码 Latin-1/Windows-1252），按 GBK 读取会把名称读成乱码。请在 Excel 中打开后另存为“CSV UTF-8（逗号分隔）”",
                                            en: "Cannot tell the file's encoding: not UTF-8, and not like GBK (more like Latin-1/Windows-1252); read as GBK its names would be garbled. Open it in Excel and save it as “CSV UTF-8 (comma delimited)”"))
                    return nil
                }
                return CSVReader.read(text, name: nil, stream: stream)
            }
            // Valid UTF-8 without a BOM (what `decode` reads as UTF-8 unchanged, and as nothing
            // else: the usual file) is scanned where its bytes lie, no String made of the file.
            let unmarked: Parsed? = data.withUnsafeBytes { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                return TextDecoding.isUnmarkedUTF8(bytes) ? CSVReader.read(bytes: bytes, name: nil, stream: stream) : nil
            }
            guard let parsed = unmarked ?? decodedAndRead() else { return }
            streamed = (parsed.grid, parsed.stream)
            for p in parsed.problems {
                switch p {
                case let .unterminatedQuote(row):
                    set.findings.append(Finding(
                        rule: .csvQuote, severity: .error, unit: nil, period: defaultPeriod,
                        message: Message(zh: "第 \(row + 1) 行有一个引号没有配对闭合，该行以后的内容可能错位：请检查这一行（已按引号不跨行重新读取）",
                                         en: "Row \(row + 1) opens a quote that never closes; what follows may be misread (re-read with quotes ending at the line end)"),
                        source: SourceRef(file: file, row: row, column: 0)))
                case let .rowTooWide(row):
                    set.findings.append(Finding(
                        rule: .cellTooLong, severity: .error, unit: nil, period: defaultPeriod,
                        message: Message(zh: "第 \(row + 1) 行超过 \(CSVReader.maxColumns) 列（Excel 的最大列数），其余部分未读取：文件多半已损坏或不是报表",
                                         en: "Row \(row + 1) has more than \(CSVReader.maxColumns) columns (Excel's limit); the rest was not read: the file is likely damaged or not a form"),
                        source: SourceRef(file: file, row: row, column: CSVReader.maxColumns)))
                case let .cellTooLong(row, column):
                    set.findings.append(Finding(
                        rule: .cellTooLong, severity: .error, unit: nil, period: defaultPeriod,
                        message: Message(zh: "单元格内容超过 \(CSVReader.maxCellCharacters) 个字符，已截断", en: "A cell longer than \(CSVReader.maxCellCharacters) characters was cut"),
                        source: SourceRef(file: file, row: row, column: column)))
                }
            }
        }
        var anyTable = false
        var contents = grids.map { g in (content: reader.read(g, file: file, defaultPeriod: defaultPeriod), sheet: g.name, hidden: g.hidden) }
        if let (g, stream) = streamed { contents.append((stream.finish(g), g.name, g.hidden)) }
        for g in contents {
            switch g.content {
            case let .submissions(subs):
                for var s in subs {
                    // A list of units with no indicator column at all (a code list for drop-downs) is not a return.
                    if !s.isLongFormat, s.columns.isEmpty, s.values.isEmpty, !s.findings.contains(where: { $0.rule == .unknownColumn }) {
                        continue
                    }
                    anyTable = true
                    s.hiddenSheet = g.hidden
                    if s.period == nil {
                        var s2 = s
                        s2.findings.append(Finding(
                            rule: .noPeriod, severity: .error, unit: nil, period: nil,
                            message: Message(zh: "找不到报告期：请在表头上方填写“报告期：2025年第三季度”，或用 --period 指定",
                                             en: "No reporting period found: add “报告期：2025Q3” above the header or pass --period"),
                            source: SourceRef(file: file, sheet: g.sheet)))
                        set.submissions.append(s2)
                    } else {
                        set.submissions.append(s)
                    }
                }
            case let .signOffs(list, findings):
                anyTable = true
                set.signOffs += list
                set.findings += findings
            case let .explanations(list, findings):
                anyTable = true
                set.explanations += list
                set.findings += findings
            case .none:
                continue
            }
        }
        if !anyTable {
            set.findings.append(Finding(
                rule: .noTable, severity: .warning, unit: nil, period: defaultPeriod,
                message: Message(zh: "文件中没有找到以“区划代码”开头的表头行，已跳过", en: "No header row starting with 区划代码/unit_code found; file skipped"),
                source: SourceRef(file: file)))
        }
    }
}

/// A file as the file system knows it (device and inode), whatever path names it.
struct FileIdentity: Hashable, Sendable {
    let device: UInt64
    let inode: UInt64

    init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        device = UInt64(st.st_dev); inode = UInt64(st.st_ino)
    }

    enum Kind: Sendable { case file, directory }

    init(device: UInt64, inode: UInt64) { self.device = device; self.inode = inode }

    /// What one stat() of a path says (links followed): a folder or a file, who it is, how large.
    struct Status: Sendable {
        let kind: Kind
        let identity: FileIdentity
        let size: Int
        init?(path: String) {
            var st = stat()
            guard stat(path, &st) == 0 else { return nil }
            kind = (st.st_mode & S_IFMT) == S_IFDIR ? .directory : .file
            identity = FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
            size = Int(st.st_size)
        }
    }

    /// The size in bytes of what is at `path` (links followed).
    static func size(of path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int(st.st_size)
    }

    /// A folder, or anything else that exists (links followed); nil when nothing is there.
    static func kind(of path: String) -> Kind? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return (st.st_mode & S_IFMT) == S_IFDIR ? .directory : .file
    }
}

/// Counts files done across threads and passes the count on, one call at a time.
final class Progress: @unchecked Sendable {
    let total: Int
    let report: (@Sendable (Int, Int) -> Void)?
    private let lock = NSLock()
    private var count = 0
    init(total: Int, report: (@Sendable (Int, Int) -> Void)?) { self.total = total; self.report = report }
    func done() {
        guard let report else { return }
        lock.lock(); defer { lock.unlock() }
        count += 1
        report(count, total)
    }
}
