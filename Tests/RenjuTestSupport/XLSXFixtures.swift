import Foundation
import CXlsxWriter
import ZIPFoundation

/// A cell for fixture workbooks.
public enum FixtureCell {
    case s(String)
    case n(Double)
}

/// Writes a workbook with libxlsxwriter (strings go to the shared-string table).
public func writeSharedStringsWorkbook(_ url: URL, sheets: [(String, [[FixtureCell?]])]) throws {
    guard let wb = workbook_new(url.path) else { throw NSError(domain: "fixture", code: 1) }
    for (name, rows) in sheets {
        guard let ws = workbook_add_worksheet(wb, name) else { throw NSError(domain: "fixture", code: 2) }
        write(rows, to: ws)
    }
    let err = workbook_close(wb)
    if err != LXW_NO_ERROR { throw NSError(domain: "fixture", code: Int(err.rawValue)) }
}

/// Writes a minimal workbook whose sheets are given as raw `<sheetData>` XML (inline strings,
/// error cells, formulas without cached values — what other generators write).
/// `dimension`: a `<dimension ref="…"/>` for every sheet (WPS sometimes writes a wrong one).
public func writeRawWorkbook(_ url: URL, sheets: [(String, String)], styles: String? = nil, dimension: String? = nil) throws {
    let ns = "http://schemas.openxmlformats.org/"
    var parts: [(String, String)] = [
        ("[Content_Types].xml", #"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="\#(ns)package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#),
        ("_rels/.rels", #"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="\#(ns)package/2006/relationships"><Relationship Id="rId1" Type="\#(ns)officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
    ]
    var sheetEntries = "", rels = ""
    for (i, (name, data)) in sheets.enumerated() {
        sheetEntries += #"<sheet name="\#(name)" sheetId="\#(i + 1)" r:id="rId\#(i + 1)"/>"#
        rels += #"<Relationship Id="rId\#(i + 1)" Type="\#(ns)officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#(i + 1).xml"/>"#
        parts.append(("xl/worksheets/sheet\(i + 1).xml", #"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="\#(ns)spreadsheetml/2006/main">\#(dimension.map { #"<dimension ref="\#($0)"/>"# } ?? "")<sheetData>\#(data)</sheetData></worksheet>"#))
    }
    parts.append(("xl/workbook.xml", #"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="\#(ns)spreadsheetml/2006/main" xmlns:r="\#(ns)officeDocument/2006/relationships"><sheets>\#(sheetEntries)</sheets></workbook>"#))
    if let styles {
        rels += #"<Relationship Id="rIdS" Type="\#(ns)officeDocument/2006/relationships/styles" Target="styles.xml"/>"#
        parts.append(("xl/styles.xml", #"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="\#(ns)spreadsheetml/2006/main">\#(styles)</styleSheet>"#))
    }
    parts.append(("xl/_rels/workbook.xml.rels", #"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="\#(ns)package/2006/relationships">\#(rels)</Relationships>"#))
    try? FileManager.default.removeItem(at: url)
    let archive = try Archive(url: url, accessMode: .create)
    for (path, text) in parts {
        let data = Data(text.utf8)
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { pos, size in
            data.subdata(in: Int(pos)..<Int(pos) + size)
        }
    }
}

/// `<row>` XML from cells: strings inline, numbers as numbers.
public func inlineRow(_ r: Int, _ cells: [FixtureCell?]) -> String {
    var s = #"<row r="\#(r + 1)">"#
    for (c, cell) in cells.enumerated() {
        let ref = columnName(c) + String(r + 1)
        switch cell {
        case let .s(t)?: s += #"<c r="\#(ref)" t="inlineStr"><is><t>\#(t)</t></is></c>"#
        case let .n(x)?: s += #"<c r="\#(ref)"><v>\#(x)</v></c>"#
        case nil: continue
        }
    }
    return s + "</row>"
}

public func columnName(_ c: Int) -> String {
    var n = c + 1, s = ""
    while n > 0 { let r = (n - 1) % 26; s = String(UnicodeScalar(UInt8(65 + r))) + s; n = (n - 1) / 26 }
    return s
}

/// A merged range of a fixture sheet (zero-based, inclusive) with the text of its anchor cell.
public struct FixtureMerge {
    public let top: Int, left: Int, bottom: Int, right: Int
    public let text: String
    public init(_ top: Int, _ left: Int, _ bottom: Int, _ right: Int, _ text: String) {
        self.top = top; self.left = left; self.bottom = bottom; self.right = right; self.text = text
    }
}

/// Writes one sheet with libxlsxwriter as a clerk's Excel would: cells, merged ranges (written
/// after the cells, as Excel keeps them), and cells holding a number in a date format
/// (`yyyy-mm-dd`: Excel shows a date, the file holds its serial).
public func writeFormWorkbook(_ url: URL, sheet: String = "Sheet1", rows: [[FixtureCell?]], merges: [FixtureMerge] = [],
                              dates: [(row: Int, column: Int, serial: Double)] = []) throws {
    guard let wb = workbook_new(url.path), let ws = workbook_add_worksheet(wb, sheet) else { throw NSError(domain: "fixture", code: 1) }
    let dateFormat = workbook_add_format(wb)
    format_set_num_format(dateFormat, "yyyy-mm-dd")
    write(rows, to: ws)
    for d in dates { _ = worksheet_write_number(ws, lxw_row_t(d.row), lxw_col_t(d.column), d.serial, dateFormat) }
    for m in merges {
        _ = worksheet_merge_range(ws, lxw_row_t(m.top), lxw_col_t(m.left), lxw_row_t(m.bottom), lxw_col_t(m.right), m.text, nil)
    }
    let err = workbook_close(wb)
    if err != LXW_NO_ERROR { throw NSError(domain: "fixture", code: Int(err.rawValue)) }
}

/// An OLE2 compound file (the container of .xls, .doc, WPS .et) holding empty streams and
/// storages: `entries` are (name, children) — a storage when children is non-nil. Enough for
/// telling file kinds apart by the root's entries; 512-byte sectors, one FAT sector.
public func compoundFileBytes(_ entries: [(name: String, children: [String]?)]) -> Data {
    struct Entry { var name: String; var type: UInt8; var child: UInt32 = 0xFFFF_FFFF; var right: UInt32 = 0xFFFF_FFFF }
    var dir: [Entry] = [Entry(name: "Root Entry", type: 5)]
    var rootChildren: [UInt32] = []
    for e in entries {
        let index = UInt32(dir.count)
        rootChildren.append(index)
        dir.append(Entry(name: e.name, type: e.children == nil ? 2 : 1))
        if let kids = e.children, !kids.isEmpty {
            let first = UInt32(dir.count)
            for (k, name) in kids.enumerated() {
                dir.append(Entry(name: name, type: 2, right: k + 1 < kids.count ? UInt32(dir.count + 1) : 0xFFFF_FFFF))
            }
            dir[Int(index)].child = first
        }
    }
    // Siblings under the root: a chain through right siblings (a valid, if unbalanced, tree).
    if let first = rootChildren.first { dir[0].child = first }
    for (k, i) in rootChildren.enumerated() where k + 1 < rootChildren.count { dir[Int(i)].right = rootChildren[k + 1] }
    while dir.count % 4 != 0 { dir.append(Entry(name: "", type: 0)) }
    let dirSectors = dir.count / 4
    func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
    func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    var header = [UInt8](repeating: 0, count: 512)
    func put(_ at: Int, _ bytes: [UInt8]) { for (k, b) in bytes.enumerated() { header[at + k] = b } }
    put(0, [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
    put(0x18, le16(0x3E)); put(0x1A, le16(3)); put(0x1C, le16(0xFFFE)); put(0x1E, le16(9)); put(0x20, le16(6))
    put(0x2C, le32(1)); put(0x30, le32(1)); put(0x38, le32(4096))
    put(0x3C, le32(0xFFFF_FFFE)); put(0x44, le32(0xFFFF_FFFE))
    put(0x4C, le32(0))
    for i in 1..<109 { put(0x4C + 4 * i, le32(0xFFFF_FFFF)) }
    var fat = [UInt8]()
    fat += le32(0xFFFF_FFFD)
    for s in 0..<dirSectors { fat += le32(s + 1 < dirSectors ? UInt32(s + 2) : 0xFFFF_FFFE) }
    while fat.count < 512 { fat += le32(0xFFFF_FFFF) }
    var body = [UInt8]()
    for e in dir {
        var bytes = [UInt8](repeating: 0, count: 128)
        let units = Array(e.name.utf16.prefix(31))
        for (k, u) in units.enumerated() { bytes[2 * k] = UInt8(u & 0xFF); bytes[2 * k + 1] = UInt8(u >> 8) }
        let length = e.name.isEmpty ? 0 : UInt16(2 * (units.count + 1))
        bytes[0x40] = UInt8(length & 0xFF); bytes[0x41] = UInt8(length >> 8)
        bytes[0x42] = e.type; bytes[0x43] = 1
        for (k, b) in le32(0xFFFF_FFFF).enumerated() { bytes[0x44 + k] = b }
        for (k, b) in le32(e.right).enumerated() { bytes[0x48 + k] = b }
        for (k, b) in le32(e.child).enumerated() { bytes[0x4C + k] = b }
        for (k, b) in le32(0xFFFF_FFFE).enumerated() { bytes[0x74 + k] = b }
        body += bytes
    }
    return Data(header + fat + body)
}

/// Fixture rows into a libxlsxwriter sheet: strings as shared strings, numbers as numbers.
func write(_ rows: [[FixtureCell?]], to ws: UnsafeMutablePointer<lxw_worksheet>) {
    for (r, row) in rows.enumerated() {
        for (c, cell) in row.enumerated() {
            switch cell {
            case let .s(text)?: _ = worksheet_write_string(ws, lxw_row_t(r), lxw_col_t(c), text, nil)
            case let .n(x)?: _ = worksheet_write_number(ws, lxw_row_t(r), lxw_col_t(c), x, nil)
            case nil: continue
            }
        }
    }
}
