import Foundation
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

    static let dataExtensions: Set<String> = ["csv", "txt", "xlsx", "xlsm", "xls"]

    /// Files under the given paths, folders searched recursively, in a stable order.
    public static func files(in paths: [String]) throws -> [URL] {
        var out: [URL] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else {
                throw InputError.notFound(p)
            }
            let url = URL(fileURLWithPath: p)
            if isDir.boolValue {
                let found = (fm.enumerator(at: url, includingPropertiesForKeys: nil)?.allObjects as? [URL]) ?? []
                out += found.filter { u in
                    let name = u.lastPathComponent
                    return !name.hasPrefix(".") && !name.hasPrefix("~$") && dataExtensions.contains(u.pathExtension.lowercased())
                }.map { ($0.path, $0) }.sorted { $0.0 < $1.0 }.map(\.1)
            } else {
                out.append(url)
            }
        }
        return out
    }

    public enum InputError: Error, CustomStringConvertible {
        case notFound(String)
        public var description: String {
            switch self { case let .notFound(p): return "找不到文件或文件夹 / no such file or folder: \(p)" }
        }
    }

    public func load(paths: [String], defaultPeriod: Period?) throws -> InputSet {
        // Files are read side by side on every core; the result keeps the files' order.
        let urls = try Self.files(in: paths)
        let parts = urls.concurrentMap { url in
            var one = InputSet()
            read(url, defaultPeriod: defaultPeriod, into: &one)
            return one
        }
        var set = InputSet()
        for one in parts {
            set.submissions += one.submissions
            set.signOffs += one.signOffs
            set.explanations += one.explanations
            set.findings += one.findings
            set.files += one.files
        }
        return set
    }

    public func read(_ url: URL, defaultPeriod: Period?, into set: inout InputSet) {
        let file = url.lastPathComponent
        let path = url.path
        set.files.append(path)
        func unreadable(_ why: String) {
            set.findings.append(Finding(
                rule: .unreadableFile, severity: .error, unit: nil, period: defaultPeriod,
                message: Message(zh: "文件无法读取：\(why)", en: "Cannot read the file: \(why)"),
                source: SourceRef(file: file)))
        }
        var grids: [Grid] = []
        switch url.pathExtension.lowercased() {
        case "xlsx", "xlsm":
            do { grids = try xlsx.read(url: url).map(\.grid) } catch { unreadable("\(error)"); return }
        case "xls":
            unreadable("旧版 .xls 格式不受支持，请在 Excel 中另存为 .xlsx / the old .xls format is not supported; save as .xlsx"); return
        default:
            guard let attrs = try? FileManager.default.attributesOfItem(atPath: path),
                  let size = attrs[.size] as? NSNumber else { unreadable("无法打开 / cannot open"); return }
            if size.intValue > maxCSVBytes { unreadable("文件过大 / file too large (\(size.intValue) bytes)"); return }
            guard let data = FileManager.default.contents(atPath: path) else { unreadable("无法打开 / cannot open"); return }
            if String(data: data, encoding: .utf8) == nil, !data.starts(with: [0xEF, 0xBB, 0xBF]), TextDecoding.looksMixed(data) {
                set.findings.append(Finding(
                    rule: .encoding, severity: .error, unit: nil, period: defaultPeriod,
                    message: Message(zh: "文件混用了 UTF-8 和 GBK 两种编码（多半是从不同文件拼接而来），无法可靠读取：请在 Excel 中打开后另存为一种编码的 CSV",
                                     en: "The file mixes UTF-8 and GBK text (pasted from two sources) and cannot be read reliably: save it again in one encoding"),
                    source: SourceRef(file: file)))
                return
            }
            guard let (text, _) = TextDecoding.decode(data) else {
                unreadable("编码无法识别（既不是 UTF-8 也不是 GB18030）/ unknown text encoding"); return
            }
            let parsed = CSVReader.parse(text, name: nil)
            grids = [parsed.grid]
            for p in parsed.problems {
                switch p {
                case let .unterminatedQuote(row):
                    set.findings.append(Finding(
                        rule: .csvQuote, severity: .error, unit: nil, period: defaultPeriod,
                        message: Message(zh: "第 \(row + 1) 行有一个引号没有配对闭合，该行以后的内容可能错位：请检查这一行（已按引号不跨行重新读取）",
                                         en: "Row \(row + 1) opens a quote that never closes; what follows may be misread (re-read with quotes ending at the line end)"),
                        source: SourceRef(file: file, row: row, column: 0)))
                case let .cellTooLong(row, column):
                    set.findings.append(Finding(
                        rule: .cellTooLong, severity: .error, unit: nil, period: defaultPeriod,
                        message: Message(zh: "单元格内容超过 \(CSVReader.maxCellCharacters) 个字符，已截断", en: "A cell longer than \(CSVReader.maxCellCharacters) characters was cut"),
                        source: SourceRef(file: file, row: row, column: column)))
                }
            }
        }
        var anyTable = false
        for g in grids {
            switch reader.read(g, file: file, defaultPeriod: defaultPeriod) {
            case let .submissions(subs):
                anyTable = true
                for s in subs {
                    if s.period == nil {
                        var s2 = s
                        s2.findings.append(Finding(
                            rule: .noPeriod, severity: .error, unit: nil, period: nil,
                            message: Message(zh: "找不到报告期：请在表头上方填写“报告期：2025年第三季度”，或用 --period 指定",
                                             en: "No reporting period found: add “报告期：2025Q3” above the header or pass --period"),
                            source: SourceRef(file: file, sheet: g.name)))
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
