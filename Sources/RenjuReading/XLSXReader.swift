import Foundation
import RenjuModel
import ZIPFoundation

/// Reads an .xlsx workbook: every sheet into a sparse grid. Our own reader on ZIPFoundation and a
/// streaming byte scanner for the XML parts (`SheetScanner`; Foundation's XMLParser crashed on a
/// fuzzed workbook.xml and refuses lines past 10 MB): shared strings,
/// inline strings, numbers, booleans, error cells, formulas with or without a cached value, number
/// formats (for dates).
public struct XLSXReader: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
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
    }

    public func read(url: URL) throws -> [Sheet] {
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw Failure("不是有效的 xlsx 文件（无法作为 zip 打开） / not a valid .xlsx (cannot be opened as a zip)")
        }
        return try read(archive, zip: try ZipParts(url: url))
    }

    // No in-memory variant: ZIPFoundation's memory-backed archive traps on some corrupt offsets
    // (found by fuzzing; Fuzz/corpus/xlsx/regression-memoryfile-offset.xlsx); its file-backed one does not.

    func read(_ archive: Archive, zip: ZipParts) throws -> [Sheet] {
        var entries: [String: Entry] = [:]
        var count = 0
        for e in archive {
            count += 1
            if count > limits.maxEntries { throw Failure("压缩包条目过多 / too many entries in the package") }
            entries[e.path] = e
        }
        var budget = limits.maxTotalBytes
        func part(_ path: String) throws -> Data? {
            let key = path.hasPrefix("/") ? String(path.dropFirst()) : path
            guard entries[key] != nil else { return nil }
            // Bytes are counted as they are inflated: the declared sizes can lie.
            guard let data = try zip.extract(key, cap: min(limits.maxPartBytes, budget), maxRatio: limits.maxRatio) else { return nil }
            budget -= data.count
            if Self.hasDeclaration(data) {
                throw Failure("部件 \(key) 含有 DOCTYPE/ENTITY 声明，拒绝读取 / part \(key) holds a DOCTYPE or ENTITY declaration")
            }
            return data
        }

        guard let workbookXML = try part("xl/workbook.xml") else {
            throw Failure("缺少 xl/workbook.xml / xl/workbook.xml is missing")
        }
        let bookSheets = try SheetScanner.workbookSheets(workbookXML)
        var rels: [String: String] = [:]
        var sharedStringsPath = "xl/sharedStrings.xml"
        var stylesPath = "xl/styles.xml"
        if let relsXML = try part("xl/_rels/workbook.xml.rels") {
            for r in try SheetScanner.relationships(relsXML) {
                let target = Self.resolve(r.target)
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
        if let stylesXML = try part(stylesPath) {
            let st = try SheetScanner.styles(stylesXML)
            xfFormats = st.cellXfFormats
            for (id, code) in st.customFormats where Self.looksLikeDate(code) { dateFormats.insert(id) }
        }

        var sheets: [Sheet] = []
        var cellsLeft = limits.maxCells
        for (index, s) in bookSheets.enumerated() {
            let path = s.relID.flatMap { rels[$0] } ?? "xl/worksheets/sheet\(index + 1).xml"
            guard let xml = try part(path) else { continue }
            var (grid, count) = try SheetScanner.sheet(xml, name: s.name, shared: shared, xfFormats: xfFormats,
                                                       cellBudget: cellsLeft, maxChars: limits.maxCellChars)
            grid.dateFormats = dateFormats
            cellsLeft -= count
            sheets.append(Sheet(name: s.name, grid: grid))
        }
        return sheets
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


    static func resolve(_ target: String) -> String {
        if target.hasPrefix("/") { return String(target.dropFirst()) }
        var parts = ["xl"]
        for p in target.split(separator: "/") {
            if p == ".." { if !parts.isEmpty { parts.removeLast() } } else if p != "." { parts.append(String(p)) }
        }
        return parts.joined(separator: "/")
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

    /// Zero-based (row, column) of an A1 reference.
    static func position(_ ref: String) -> (Int, Int)? {
        var col = 0, row = 0, sawLetter = false, sawDigit = false
        for u in ref.utf8 {
            switch u {
            case 65...90 where !sawDigit: col = col * 26 + Int(u - 64); sawLetter = true
            case 97...122 where !sawDigit: col = col * 26 + Int(u - 96); sawLetter = true
            case 48...57: row = row * 10 + Int(u - 48); sawDigit = true
            case 36: continue
            default: return nil
            }
            if col > 16_384 || row > 1_048_576 { return nil }
        }
        guard sawLetter, sawDigit, row >= 1, col >= 1 else { return nil }
        return (row - 1, col - 1)
    }
}
