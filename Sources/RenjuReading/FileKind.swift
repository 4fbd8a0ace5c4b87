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

    static let ole2Magic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    static func sniff(_ url: URL) -> FileKind {
        let ext = url.pathExtension.lowercased()
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue {
            return ext == "numbers" ? numbers : .other
        }
        guard let handle = try? FileHandle(forReadingFrom: url) else { return .other }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
        if head.starts(with: [0x50, 0x4B]) { return zipKind(url, ext: ext) }
        if head == ole2Magic { return ole2Kind(url, ext: ext) }
        return .other
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

    /// An OLE2 compound file: an encrypted OOXML package (a password), or an old binary
    /// workbook (.xls, WPS .et). Stream names are UTF-16LE in the directory sectors.
    static func ole2Kind(_ url: URL, ext: String) -> FileKind {
        guard let data = try? Data(contentsOf: url, options: .alwaysMapped) else { return .other }
        func has(_ name: String) -> Bool {
            var bytes: [UInt8] = []
            for u in name.utf16 { bytes.append(UInt8(u & 0xFF)); bytes.append(UInt8(u >> 8)) }
            return data.range(of: Data(bytes)) != nil
        }
        if has("EncryptionInfo") || has("EncryptedPackage") {
            return .refused(zh: "文件设有打开密码（已加密），无法读取：请在 Excel/WPS 中取消密码后另存为 .xlsx",
                            en: "the workbook is password-protected (encrypted): remove the password and save it as .xlsx",
                            rule: .passwordProtected)
        }
        if ext == "et" || ext == "ett" {
            return .refused(zh: "这是 WPS 表格格式（.et），请在 WPS 中另存为 Excel 工作簿（.xlsx）",
                            en: "a WPS spreadsheet (.et): save it as an Excel workbook (.xlsx) in WPS", rule: .unsupportedFile)
        }
        if ext == "doc" || has("WordDocument") {
            return .refused(zh: "这是旧版 Word 文档，不是电子表格", en: "an old Word document, not a spreadsheet", rule: .unsupportedFile)
        }
        return .refused(zh: "这是旧版 Excel 97-2003 格式（.xls），请在 Excel/WPS 中另存为 .xlsx",
                        en: "an old Excel 97-2003 workbook (.xls): save it as .xlsx", rule: .unsupportedFile)
    }
}
