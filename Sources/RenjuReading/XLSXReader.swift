import Foundation
import RenjuModel

/// Reads an .xlsx workbook: every sheet into a sparse grid. Our own reader on `ZipParts` and a
/// streaming byte scanner for the XML parts (`SheetScanner`; Foundation's XMLParser crashed on a
/// fuzzed workbook.xml and refuses lines past 10 MB): shared strings,
/// inline strings, numbers, booleans, error cells, formulas with or without a cached value, number
/// formats (for dates).
public struct XLSXReader: Sendable {
    public struct Failure: UserFacingError, CustomStringConvertible {
        public let message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
        public var userMessage: Message { Message(zh: "无法读取工作簿：\(message)", en: "cannot read the workbook: \(message)") }
    }

    /// Limits that keep a hostile file from eating the machine.
    /// Documented in the README (“Limits”).
    public struct Limits: Sendable {
        /// Bytes one part (a sheet's XML) may expand to: about 2 million cells.
        public var maxPartBytes = 96 * 1024 * 1024
        /// Bytes all parts together may expand to.
        public var maxTotalBytes = 192 * 1024 * 1024
        /// Expansion ratio past which a part is a zip bomb (real sheets: 5–30×), judged after 1 MiB.
        public var maxRatio = 200.0
        public var maxEntries = 10_000
        public var maxCells = 4_000_000
        public var maxSharedStrings = 2_000_000
        public var maxCellChars = 32_767
        public init() {}
    }

    public let limits: Limits
    public init(limits: Limits = Limits()) { self.limits = limits }

    public struct Sheet: Sendable {
        public let name: String
        public let grid: Grid
        public var hidden: Bool { grid.hidden }
    }

    /// A workbook as read: its sheets, and what could not be read of it (a sheet whose part is
    /// missing), each said in a sentence.
    public struct Workbook: Sendable {
        public var sheets: [Sheet] = []
        public var problems: [String] = []
    }

    public func read(url: URL) throws -> [Sheet] { try readWorkbook(url: url).sheets }

    public func readWorkbook(url: URL) throws -> Workbook {
        try read(zip: try ZipParts(url: url))
    }

    /// A workbook whose package directory was already read (by `FileKind`, once).
    func readWorkbook(url: URL, parts: ZipParts?) throws -> Workbook {
        try read(zip: try parts ?? ZipParts(url: url))
    }

    /// One worksheet part's XML read into a grid (formulas recomputed), with the same limits as a
    /// workbook's sheets: for the fuzzer's `sheet` target and for tests.
    public func sheet(xml data: Data, name: String = "Sheet1") throws -> Grid {
        guard data.count <= limits.maxPartBytes else { throw Failure("部件过大 / part too large") }
        let xml = try Self.utf8(data, part: name)
        if Self.hasDeclaration(xml) { throw Failure("含有 DOCTYPE/ENTITY 声明 / holds a DOCTYPE or ENTITY declaration") }
        return try SheetScanner.sheet(xml, name: name, shared: [], xfFormats: [], cellBudget: limits.maxCells,
                                      maxChars: limits.maxCellChars).0
    }

    // No in-memory package: the package is mapped from its file (ZipParts), never fully copied.

    func read(zip: ZipParts) throws -> Workbook {
        guard zip.records.count <= limits.maxEntries else { throw Failure("压缩包条目过多 / too many entries in the package") }
        var budget = limits.maxTotalBytes
        func part(_ path: String) throws -> Data? {
            guard let key = zip.entry(named: path) else { return nil }
            // Bytes are counted as they are inflated: the declared sizes can lie.
            guard var data = try zip.extract(key, cap: min(limits.maxPartBytes, budget), maxRatio: limits.maxRatio) else { return nil }
            budget -= data.count
            data = try Self.utf8(data, part: key)
            if Self.hasDeclaration(data) {
                throw Failure("部件 \(key) 含有 DOCTYPE/ENTITY 声明，拒绝读取 / part \(key) holds a DOCTYPE or ENTITY declaration")
            }
            return data
        }

        // The workbook part: where the package's relationships say (officeDocument), else the usual place.
        var workbookPath = "xl/workbook.xml"
        if let rootRels = try part("_rels/.rels") {
            for r in try SheetScanner.relationships(rootRels) where r.type.hasSuffix("/officeDocument") {
                workbookPath = Self.resolve(r.target, from: "")
                break
            }
        }
        guard let workbookXML = try part(workbookPath) else {
            if zip.entry(named: "xl/workbook.bin") != nil {
                throw Failure("这是 .xlsb（Excel 二进制工作簿），请在 Excel 中另存为 .xlsx / an .xlsb (binary) workbook: save it as .xlsx")
            }
            throw Failure("缺少工作簿部件 \(workbookPath) / the workbook part \(workbookPath) is missing")
        }
        let book = try SheetScanner.workbook(workbookXML)
        let folder = Self.folder(of: workbookPath)
        var rels: [String: String] = [:]
        var sharedStringsPath = folder + "sharedStrings.xml"
        var stylesPath = folder + "styles.xml"
        if let relsXML = try part(folder + "_rels/" + Self.fileName(of: workbookPath) + ".rels") {
            for r in try SheetScanner.relationships(relsXML) {
                let target = Self.resolve(r.target, from: folder)
                rels[r.id] = target
                if r.type.hasSuffix("/sharedStrings") { sharedStringsPath = target }
                if r.type.hasSuffix("/styles") { stylesPath = target }
            }
        }
        var shared: [String] = []
        if let ssXML = try part(sharedStringsPath) {
            shared = try SheetScanner.sharedStrings(ssXML, limit: limits.maxSharedStrings, maxChars: limits.maxCellChars)
        }
        var xfFormats: [Int] = []
        var dateFormats = Set<Int>([14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58])
        var percentFormats = Set<Int>([9, 10])
        if let stylesXML = try part(stylesPath) {
            let st = try SheetScanner.styles(stylesXML)
            xfFormats = st.cellXfFormats
            for (id, code) in st.customFormats {
                if Self.looksLikeDate(code) { dateFormats.insert(id) }
                if Self.looksLikePercent(code) { percentFormats.insert(id) } else { percentFormats.remove(id) }
            }
        }

        var out = Workbook()
        var cellsLeft = limits.maxCells
        for (index, s) in book.sheets.enumerated() {
            let path = s.relID.flatMap { rels[$0] } ?? (folder + "worksheets/sheet\(index + 1).xml")
            guard let xml = try part(path) else {
                // A chart sheet or dialog sheet has no cells; a worksheet whose part is missing is said.
                if !(path.contains("chartsheets/") || path.contains("dialogsheets/")) {
                    out.problems.append("工作表“\(s.name)”的部件 \(path) 在文件中找不到，该表未读取 / sheet “\(s.name)”: its part \(path) is not in the package; not read")
                }
                continue
            }
            var (grid, count) = try SheetScanner.sheet(xml, name: s.name, shared: shared, xfFormats: xfFormats,
                                                       cellBudget: cellsLeft, maxChars: limits.maxCellChars) { g in
                g.dateFormats = dateFormats
                g.percentFormats = percentFormats
                g.date1904 = book.date1904
                g.hidden = s.hidden
            }
            grid.dateFormats = dateFormats
            cellsLeft -= count
            out.sheets.append(Sheet(name: s.name, grid: grid))
        }
        return out
    }

    /// XML parts in UTF-16 (with or without a byte-order mark) are turned into UTF-8 for the scanner.
    static func utf8(_ data: Data, part: String) throws -> Data {
        guard data.count >= 2 else { return data }
        let b0 = data[data.startIndex], b1 = data[data.startIndex + 1]
        var encoding: String.Encoding?
        if b0 == 0xFF, b1 == 0xFE { encoding = .utf16LittleEndian }
        else if b0 == 0xFE, b1 == 0xFF { encoding = .utf16BigEndian }
        else if b0 == 0x3C, b1 == 0x00 { encoding = .utf16LittleEndian }
        else if b0 == 0x00, b1 == 0x3C { encoding = .utf16BigEndian }
        guard let encoding else { return data }
        var body = data
        if (b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF) { body = data.dropFirst(2) }
        guard let text = String(data: body, encoding: encoding) else {
            throw Failure("部件 \(part) 的 UTF-16 编码有误 / part \(part): bad UTF-16")
        }
        return Data(text.utf8)
    }

    /// The folder of a part, with its trailing slash (`xl/` for `xl/workbook.xml`, `` at the root).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[...slash])
    }

    static func fileName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// A relationship target as a part name: absolute (`/xl/…`) from the package root, else
    /// relative to the folder of the part that holds the relationship.
    static func resolve(_ target: String, from folder: String) -> String {
        let t = target.replacingOccurrences(of: "\\", with: "/")
        var parts: [String] = t.hasPrefix("/") ? [] : folder.split(separator: "/").map(String.init)
        for p in t.split(separator: "/") {
            if p == ".." { if !parts.isEmpty { parts.removeLast() } } else if p != "." { parts.append(String(p)) }
        }
        return parts.joined(separator: "/")
    }

    /// Whether a number format shows a percentage: a `%` outside quoted text, escapes and brackets.
    static func looksLikePercent(_ code: String) -> Bool {
        var inQuote = false, inBracket = false, escaped = false
        for ch in code {
            if escaped { escaped = false; continue }
            if ch == "\\" && !inQuote { escaped = true; continue }
            if ch == "\"" { inQuote.toggle(); continue }
            if inQuote { continue }
            if ch == "[" { inBracket = true; continue }
            if ch == "]" { inBracket = false; continue }
            if !inBracket, ch == "%" { return true }
        }
        return false
    }

    /// Byte search (memchr for the first byte): Foundation's Data.range(of:) is slow on large parts.
    /// Whether XML bytes hold `<!DOCTYPE` or `<!ENTITY`: one pass looking for `!`, which is rare
    /// in a sheet (every tag has a `<`).
    static func hasDeclaration(_ data: Data) -> Bool {
        let doctype = Array("DOCTYPE".utf8), entity = Array("ENTITY".utf8)
        return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Bool in
            guard let base = raw.baseAddress, raw.count >= 2 else { return false }
            let b = raw.bindMemory(to: UInt8.self)
            func follows(_ word: [UInt8], at i: Int) -> Bool {
                guard i + word.count <= b.count else { return false }
                for k in word.indices where b[i + k] != word[k] { return false }
                return true
            }
            var i = 1
            while i < raw.count {
                guard let p = memchr(base + i, Int32(UInt8(ascii: "!")), raw.count - i) else { return false }
                let at = base.distance(to: UnsafeRawPointer(p))
                if b[at - 1] == UInt8(ascii: "<"), follows(doctype, at: at + 1) || follows(entity, at: at + 1) { return true }
                i = at + 1
            }
            return false
        }
    }


    static func looksLikeDate(_ code: String) -> Bool {
        // Drop quoted literals and bracketed sections ([Red], [$-804]) before looking for y/m/d.
        var s = ""
        var inQuote = false, inBracket = false
        for ch in code {
            if ch == "\"" { inQuote.toggle(); continue }
            if inQuote { continue }
            if ch == "[" { inBracket = true; continue }
            if ch == "]" { inBracket = false; continue }
            if !inBracket { s.append(ch) }
        }
        let l = s.lowercased()
        return l.contains("y") || l.contains("d") || l.contains("年") || l.contains("日") || (l.contains("m") && !l.contains("0"))
    }
}
