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
    let err = workbook_close(wb)
    if err != LXW_NO_ERROR { throw NSError(domain: "fixture", code: Int(err.rawValue)) }
}

/// Writes a minimal workbook whose sheets are given as raw `<sheetData>` XML (inline strings,
/// error cells, formulas without cached values — what other generators write).
public func writeRawWorkbook(_ url: URL, sheets: [(String, String)], styles: String? = nil) throws {
    let ns = "http://schemas.openxmlformats.org/"
    var parts: [(String, String)] = [
        ("[Content_Types].xml", #"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="\#(ns)package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#),
        ("_rels/.rels", #"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="\#(ns)package/2006/relationships"><Relationship Id="rId1" Type="\#(ns)officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
    ]
    var sheetEntries = "", rels = ""
    for (i, (name, data)) in sheets.enumerated() {
        sheetEntries += #"<sheet name="\#(name)" sheetId="\#(i + 1)" r:id="rId\#(i + 1)"/>"#
        rels += #"<Relationship Id="rId\#(i + 1)" Type="\#(ns)officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#(i + 1).xml"/>"#
        parts.append(("xl/worksheets/sheet\(i + 1).xml", #"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="\#(ns)spreadsheetml/2006/main"><sheetData>\#(data)</sheetData></worksheet>"#))
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
