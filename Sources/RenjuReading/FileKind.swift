import Foundation
import RenjuModel

/// What a file is, from its first bytes and, for a zip, its entries — not from its name: Excel
/// saves a password-protected .xlsx as an OLE2 compound file, and clerks rename files.
enum FileKind {
    /// A zip package that may be an .xlsx workbook: its directory, read once (nil when it is
    /// damaged — the reader then says what is wrong).
    case zip(ZipParts?)
    /// A spreadsheet Renju does not read, with what it is and what to do (zh, en).
    case refused(zh: String, en: String, rule: RuleID)
    /// Anything else (text is read as CSV).
    case other

    static func sniff(_ url: URL) -> FileKind {
        let ext = url.pathExtension.lowercased()
        if FileIdentity.kind(of: url.path) == .directory { return ext == "numbers" ? numbers : .other }
        // The first bytes by one open and read (a national quarter is thousands of files).
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .other }
        var bytes = [UInt8](repeating: 0, count: 8)
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, 8) }
        close(fd)
        let head = Array(bytes.prefix(max(n, 0)))
        if head.starts(with: [0x50, 0x4B]) { return zipKind(url, ext: ext) }
        if head == CompoundFile.magic { return ole2Kind(url, ext: ext) }
        return biffKind(head) ?? .other
    }

    static let numbers = FileKind.refused(
        zh: "这是 Apple Numbers 文件，请在 Numbers 中导出为 Excel（.xlsx）",
        en: "an Apple Numbers file: export it to Excel (.xlsx) from Numbers", rule: .unsupportedFile)

    static func zipKind(_ url: URL, ext: String) -> FileKind {
        guard let zip = try? ZipParts(url: url) else { return .zip(nil) }  // the reader says what is wrong with it
        if let m = try? zip.extract(zip.entry(named: "mimetype") ?? "mimetype", cap: 4096, maxRatio: 1_000),
           let type = String(data: m, encoding: .utf8) {
            if type.contains("opendocument.spreadsheet") {
                return .refused(zh: "这是 OpenDocument 表格（.ods），请在 WPS/LibreOffice/Excel 中另存为 .xlsx",
                                en: "an OpenDocument spreadsheet (.ods): save it as .xlsx", rule: .unsupportedFile)
            }
            if type.contains("opendocument") {
                return .refused(zh: "这是 OpenDocument 文档，不是电子表格", en: "an OpenDocument file, not a spreadsheet", rule: .unsupportedFile)
            }
        }
        if zip.entry(named: "xl/workbook.bin") != nil {
            return .refused(zh: "这是 .xlsb（Excel 二进制工作簿），请在 Excel 中另存为 .xlsx",
                            en: "an .xlsb (binary) workbook: save it as .xlsx", rule: .unsupportedFile)
        }
        if zip.records.keys.contains(where: { $0.hasPrefix("Index/") && $0.hasSuffix(".iwa") }) { return numbers }
        if zip.entry(named: "word/document.xml") != nil {
            return .refused(zh: "这是 Word 文档，不是电子表格", en: "a Word document, not a spreadsheet", rule: .unsupportedFile)
        }
        return .zip(zip)
    }

    /// An OLE2 compound file, by the entries directly under its root (not by a byte search: an
    /// .xls may embed a Word document): an encrypted OOXML package (a password), an Excel 97–2003
    /// or 5.0/95 workbook, WPS .et, or an old Word/PowerPoint file.
    static func ole2Kind(_ url: URL, ext: String) -> FileKind {
        guard let data = try? Data(contentsOf: url, options: .alwaysMapped) else { return .other }
        guard let cf = CompoundFile(data) else {
            return .refused(zh: "这是已损坏的 OLE2 复合文档（旧版 Office 格式）：如是 .xls，请在 Excel/WPS 中打开后另存为 .xlsx",
                            en: "a damaged OLE2 compound file (an old Office format): if it is an .xls, open it and save it as .xlsx",
                            rule: .unsupportedFile)
        }
        if cf.contains("EncryptionInfo") || cf.contains("EncryptedPackage") {
            return .refused(zh: "文件设有打开密码（已加密），无法读取：请在 Excel/WPS 中取消密码后另存为 .xlsx",
                            en: "the workbook is password-protected (encrypted): remove the password and save it as .xlsx",
                            rule: .passwordProtected)
        }
        let workbook = cf.contains("Workbook"), book = cf.contains("Book")
        if ext == "et" || ext == "ett", workbook || book || !cf.contains("WordDocument") {
            return .refused(zh: "这是 WPS 表格格式（.et），请在 WPS 中另存为 Excel 工作簿（.xlsx）",
                            en: "a WPS spreadsheet (.et): save it as an Excel workbook (.xlsx) in WPS", rule: .unsupportedFile)
        }
        if workbook { return xls }
        if book { return oldExcel("Excel 5.0/95") }
        if cf.contains("WordDocument") {
            return .refused(zh: "这是旧版 Word 文档，不是电子表格", en: "an old Word document, not a spreadsheet", rule: .unsupportedFile)
        }
        if cf.contains("PowerPoint Document") {
            return .refused(zh: "这是旧版 PowerPoint 演示文稿，不是电子表格", en: "an old PowerPoint presentation, not a spreadsheet", rule: .unsupportedFile)
        }
        return .refused(zh: "这是 OLE2 复合文档（旧版 Office 格式），但其中没有工作簿：请在 Excel/WPS 中打开后另存为 .xlsx",
                        en: "an OLE2 compound file (an old Office format) holding no workbook: open it and save it as .xlsx",
                        rule: .unsupportedFile)
    }

    static let xls = FileKind.refused(zh: "这是旧版 Excel 97-2003 格式（.xls），请在 Excel/WPS 中另存为 .xlsx",
                                      en: "an old Excel 97-2003 workbook (.xls): save it as .xlsx", rule: .unsupportedFile)

    static func oldExcel(_ version: String) -> FileKind {
        .refused(zh: "这是旧版 Excel 文件（\(version)），请在 Excel/WPS 中打开后另存为 .xlsx",
                 en: "an old Excel file (\(version)): open it in Excel or WPS and save it as .xlsx", rule: .unsupportedFile)
    }

    /// A BIFF2–BIFF5 worksheet or workbook written as a bare record stream (Excel 2.x–4.0, and
    /// BIFF5 outside a compound file): it starts with a BOF record — id 0x0009, 0x0209, 0x0409 or
    /// 0x0809, a length of 4–20 bytes, a version word and a known substream type.
    static func biffKind(_ head: [UInt8]) -> FileKind? {
        guard head.count >= 8, head[0] == 0x09, [0x00, 0x02, 0x04, 0x08].contains(head[1]) else { return nil }
        let length = Int(head[2]) | Int(head[3]) << 8
        let type = Int(head[6]) | Int(head[7]) << 8
        guard (4...20).contains(length), [0x0005, 0x0006, 0x0010, 0x0020, 0x0040, 0x0100].contains(type) else { return nil }
        switch head[1] {
        case 0x00: return oldExcel("Excel 2.x")
        case 0x02: return oldExcel("Excel 3.0")
        case 0x04: return oldExcel("Excel 4.0")
        default: return oldExcel("Excel 5.0/95")
        }
    }
}
