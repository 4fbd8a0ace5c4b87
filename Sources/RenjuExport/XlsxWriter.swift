import Foundation
import RenjuModel
import CXlsxWriter

/// The libxlsxwriter library Renju writes Excel files with.
public enum XlsxWriterLibrary {
    /// The version of the linked libxlsxwriter (e.g. `1.1.4`).
    public static var version: String {
        guard let p = lxw_version() else { return "?" }
        return String(cString: p)
    }
}

/// An error from libxlsxwriter, with its own text.
public struct XlsxError: UserFacingError, CustomStringConvertible {
    public let message: String
    init(_ code: lxw_error, _ what: String) {
        let text = lxw_strerror(code).map { String(cString: $0) } ?? "error \(code.rawValue)"
        message = "\(what): \(text)"
    }
    init(message: String) { self.message = message }
    public var description: String { message }
    public var userMessage: Message { Message(zh: "无法写出工作簿（\(message)）", en: "cannot write the workbook (\(message))") }
}

/// How a cell looks. Formats are made once per distinct style and reused.
public struct CellStyle: Hashable, Sendable {
    public enum Align: Hashable, Sendable { case left, center, right }
    public var bold = false
    public var fontSize: Double = 11
    public var fontName = "宋体"
    public var fontColor: UInt32? = nil
    public var align: Align? = nil
    public var verticalCenter = true
    public var border = false
    public var numberFormat: String? = nil
    public var background: UInt32? = nil
    public var wrap = false
    /// Unlocked cells stay editable when the sheet is protected.
    public var unlocked = false

    public init(bold: Bool = false, fontSize: Double = 11, align: Align? = nil, border: Bool = false,
                numberFormat: String? = nil, background: UInt32? = nil, wrap: Bool = false, unlocked: Bool = false,
                fontColor: UInt32? = nil) {
        self.bold = bold; self.fontSize = fontSize; self.align = align; self.border = border
        self.numberFormat = numberFormat; self.background = background; self.wrap = wrap; self.unlocked = unlocked
        self.fontColor = fontColor
    }
}

/// A cell value to write.
public enum XlsxValue: Sendable {
    case text(String)
    case number(Double)
    case blank
}

/// A data-validation rule for a range of cells.
public enum XlsxValidation: Sendable {
    /// Whole numbers at least `min`.
    case wholeAtLeast(Double)
    /// Decimals at least `min`.
    case decimalAtLeast(Double)
    /// Decimals between `min` and `max`.
    case decimalBetween(Double, Double)
    /// One of a short list (joined text under 255 bytes — a libxlsxwriter 1.1.4 limit).
    case list([String])
    /// One of the values in a range, such as a hidden sheet's column: `=选项!$A$1:$A$2`.
    case listRange(String)
}

/// An Excel workbook written with libxlsxwriter: written to a temporary file beside the target
/// and renamed on `close()`, so a failure never leaves a half-written file behind. No C pointer
/// leaves this type.
public final class XlsxBook {
    private var workbook: UnsafeMutablePointer<lxw_workbook>?
    private var formats: [CellStyle: UnsafeMutablePointer<lxw_format>] = [:]
    /// The style asked for last and its format: a column of figures asks for the same style cell
    /// after cell, and comparing it costs less than hashing its strings (`formats` is the table).
    private var lastFormat: (style: CellStyle, format: UnsafeMutablePointer<lxw_format>)?
    public let target: URL
    private let temporary: URL
    public let constantMemory: Bool
    private var sheets: [XlsxSheet] = []

    public init(path: String, constantMemory: Bool = false) throws {
        // libxlsxwriter prints numbers with %.16G: keep the C numeric locale.
        setlocale(LC_NUMERIC, "C")
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else { throw XlsxError(message: "no output file named (an empty path)") }
        // An output that is a symbolic link is written through: the file it points to is replaced
        // (atomically, beside itself), the link is kept.
        var resolved = URL(fileURLWithPath: path)
        if let dest = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
            resolved = dest.hasPrefix("/") ? URL(fileURLWithPath: dest) : resolved.deletingLastPathComponent().appendingPathComponent(dest)
        }
        target = resolved
        let dir = target.deletingLastPathComponent()
        // Said as it is (libxlsxwriter would say "usually a permissions error" for a missing folder).
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            throw XlsxError(message: "the folder \(dir.path) does not exist / 文件夹不存在")
        }
        guard FileManager.default.isWritableFile(atPath: dir.path) else {
            throw XlsxError(message: "no permission to write in \(dir.path) / 没有写入该文件夹的权限")
        }
        Self.removeStaleTemporaries(of: target)
        temporary = dir.appendingPathComponent(".\(target.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).tmp")
        self.constantMemory = constantMemory
        var options = lxw_workbook_options()
        options.constant_memory = constantMemory ? 1 : 0
        options.use_zip64 = 1
        let wb: UnsafeMutablePointer<lxw_workbook>? = temporary.path.withCString { p in
            constantMemory ? workbook_new_opt(p, &options) : workbook_new(p)
        }
        guard let wb else { throw XlsxError(message: "cannot create \(temporary.path)") }
        workbook = wb
    }

    /// Temporary files `.NAME.PID.N.tmp` left beside `target` by a run that was killed: removed
    /// when their process is gone (a run still writing is left alone).
    static func removeStaleTemporaries(of target: URL) {
        let dir = target.deletingLastPathComponent()
        let prefix = "." + target.lastPathComponent + "."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            let parts = name.dropFirst(prefix.count).split(separator: ".")
            guard parts.count == 3, let pid = Int32(parts[0]) else { continue }
            if pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(at: dir.appendingPathComponent(name))
            }
        }
    }

    deinit {
        // Not closed: free everything and leave no file behind.
        if let wb = workbook {
            _ = workbook_close(wb)
            try? FileManager.default.removeItem(at: temporary)
        }
    }

    func book() throws -> UnsafeMutablePointer<lxw_workbook> {
        guard let wb = workbook else { throw XlsxError(message: "the workbook is already closed") }
        return wb
    }

    public func addSheet(_ name: String) throws -> XlsxSheet {
        let wb = try book()
        guard !name.isEmpty else { throw XlsxError(message: "a sheet needs a name") }
        let safe = xmlSafe(name)
        guard !safe.isEmpty, let ws = safe.withCString({ workbook_add_worksheet(wb, $0) }) else {
            throw XlsxError(message: "cannot add the sheet “\(name)” (a name of at most 31 characters, without []:*?/\\, used once)")
        }
        let sheet = XlsxSheet(book: self, sheet: ws, name: safe)
        sheets.append(sheet)
        return sheet
    }

    func format(_ style: CellStyle) throws -> UnsafeMutablePointer<lxw_format> {
        if let last = lastFormat, last.style == style { return last.format }
        if let f = formats[style] { lastFormat = (style, f); return f }
        let wb = try book()
        guard let f = workbook_add_format(wb) else { throw XlsxError(message: "cannot add a format") }
        if style.bold { format_set_bold(f) }
        format_set_font_size(f, style.fontSize)
        if !style.fontName.isEmpty { style.fontName.withCString { format_set_font_name(f, $0) } }
        if let c = style.fontColor { format_set_font_color(f, lxw_color_t(c)) }
        switch style.align {
        case .left?: format_set_align(f, UInt8(LXW_ALIGN_LEFT.rawValue))
        case .center?: format_set_align(f, UInt8(LXW_ALIGN_CENTER.rawValue))
        case .right?: format_set_align(f, UInt8(LXW_ALIGN_RIGHT.rawValue))
        case nil: break
        }
        if style.verticalCenter { format_set_align(f, UInt8(LXW_ALIGN_VERTICAL_CENTER.rawValue)) }
        if style.border { format_set_border(f, UInt8(LXW_BORDER_THIN.rawValue)) }
        if let nf = style.numberFormat, !nf.isEmpty { nf.withCString { format_set_num_format(f, $0) } }
        if let bg = style.background { format_set_bg_color(f, lxw_color_t(bg)) }
        if style.wrap { format_set_text_wrap(f) }
        if style.unlocked { format_set_unlocked(f) }
        formats[style] = f
        lastFormat = (style, f)
        return f
    }

    /// A native column (vertical bar) chart with one series per value range.
    public func addColumnChart(on sheet: XlsxSheet, row: Int, column: Int, title: String,
                               categories: XlsxRange, series: [(name: String, values: XlsxRange)],
                               yAxisTitle: String?, size: (width: Int, height: Int) = (960, 480)) throws {
        let wb = try book()
        guard let chart = workbook_add_chart(wb, UInt8(LXW_CHART_COLUMN.rawValue)) else { throw XlsxError(message: "cannot add a chart") }
        for s in series {
            guard let ser = chart_add_series(chart, nil, nil) else { throw XlsxError(message: "cannot add a chart series") }
            xmlSafe(categories.sheet).withCString { sn in
                chart_series_set_categories(ser, sn, lxw_row_t(categories.firstRow), lxw_col_t(categories.firstColumn),
                                            lxw_row_t(categories.lastRow), lxw_col_t(categories.lastColumn))
            }
            xmlSafe(s.values.sheet).withCString { sn in
                chart_series_set_values(ser, sn, lxw_row_t(s.values.firstRow), lxw_col_t(s.values.firstColumn),
                                        lxw_row_t(s.values.lastRow), lxw_col_t(s.values.lastColumn))
            }
            if !s.name.isEmpty { xmlSafe(s.name).withCString { chart_series_set_name(ser, $0) } }
        }
        if !title.isEmpty { xmlSafe(title).withCString { chart_title_set_name(chart, $0) } }
        if let yAxisTitle, !yAxisTitle.isEmpty, let axis = chart.pointee.y_axis { xmlSafe(yAxisTitle).withCString { chart_axis_set_name(axis, $0) } }
        chart_legend_set_position(chart, UInt8(LXW_CHART_LEGEND_BOTTOM.rawValue))
        var opt = lxw_chart_options()
        opt.x_scale = Double(size.width) / 480
        opt.y_scale = Double(size.height) / 288
        let err = worksheet_insert_chart_opt(try sheet.handle(), lxw_row_t(row), lxw_col_t(column), chart, &opt)
        if err != LXW_NO_ERROR { throw XlsxError(err, "insert chart") }
    }

    /// Writes the file and moves it to its target name.
    public func close() throws {
        guard let wb = workbook else { return }
        workbook = nil
        formats = [:]
        lastFormat = nil
        for s in sheets { s.invalidate() }
        let err = workbook_close(wb)
        if err != LXW_NO_ERROR {
            try? FileManager.default.removeItem(at: temporary)
            throw XlsxError(err, "write \(target.lastPathComponent)")
        }
        // On disk before it takes the name: a crash after the rename never leaves an empty file.
        let fd = open(temporary.path, O_RDONLY)
        if fd >= 0 { fsync(fd); SwiftGlibc.close(fd) }
        if rename(temporary.path, target.path) != 0 {
            let e = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw XlsxError(message: "cannot move the finished file to \(target.path): \(e)")
        }
        // And the new name on disk too: the folder's entry, synced after the rename.
        let dirfd = open(target.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY)
        if dirfd >= 0 { fsync(dirfd); SwiftGlibc.close(dirfd) }
    }
}

/// A rectangle of cells on a named sheet (zero-based, inclusive).
public struct XlsxRange: Sendable {
    public let sheet: String
    public let firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int
    public init(sheet: String, firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int) {
        self.sheet = sheet; self.firstRow = firstRow; self.firstColumn = firstColumn; self.lastRow = lastRow; self.lastColumn = lastColumn
    }
    /// `'sheet'!$A$1:$A$2`.
    public var absolute: String {
        func cell(_ r: Int, _ c: Int) -> String { "$\(columnLetters(c))$\(r + 1)" }
        return "'\(sheet.replacingOccurrences(of: "'", with: "''"))'!\(cell(firstRow, firstColumn)):\(cell(lastRow, lastColumn))"
    }
}

/// Text as XML 1.0 allows it, for every string Renju hands to libxlsxwriter (cells, comments,
/// sheet names, chart titles, validation messages): most C0 control characters are forbidden in
/// XML and make the workbook unreadable. A vertical tab or form feed (Word's line and page breaks,
/// pasted into a 说明) becomes a line break; the other controls and U+FFFE/U+FFFF are dropped.
public func xmlSafe(_ s: String) -> String {
    var clean = true
    for b in s.utf8 where (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D) || b == 0xEF { clean = false; break }
    if clean { return s }
    var out = String.UnicodeScalarView()
    for u in s.unicodeScalars {
        switch u.value {
        case 0x0B, 0x0C: out.append("\n")
        case 0x09, 0x0A, 0x0D: out.append(u)
        case 0x00..<0x20, 0xFFFE, 0xFFFF: continue
        default: out.append(u)
        }
    }
    return String(out)
}

func columnLetters(_ column: Int) -> String {
    var n = column + 1, s = ""
    while n > 0 { let r = (n - 1) % 26; s = String(UnicodeScalar(UInt8(65 + r))) + s; n = (n - 1) / 26 }
    return s
}

/// One worksheet of an `XlsxBook`.
public final class XlsxSheet {
    private unowned let book: XlsxBook
    private var sheet: UnsafeMutablePointer<lxw_worksheet>?
    public let name: String

    init(book: XlsxBook, sheet: UnsafeMutablePointer<lxw_worksheet>, name: String) {
        self.book = book; self.sheet = sheet; self.name = name
    }

    func invalidate() { sheet = nil }

    func handle() throws -> UnsafeMutablePointer<lxw_worksheet> {
        guard let sheet else { throw XlsxError(message: "the workbook is already closed") }
        return sheet
    }

    private func check(_ e: lxw_error, _ what: @autoclosure () -> String) throws {
        if e != LXW_NO_ERROR { throw XlsxError(e, what()) }
    }

    public func write(_ row: Int, _ column: Int, _ value: XlsxValue, _ style: CellStyle? = nil) throws {
        let ws = try handle()
        let f = try style.map { try book.format($0) }
        let r = lxw_row_t(row), c = lxw_col_t(column)
        switch value {
        case let .number(x) where x.isFinite:
            try check(worksheet_write_number(ws, r, c, x, f), "write \(columnLetters(column))\(row + 1)")
        case let .text(s) where !s.isEmpty:
            try check(xmlSafe(s).withCString { worksheet_write_string(ws, r, c, $0, f) }, "write \(columnLetters(column))\(row + 1)")
        default:
            if f != nil { try check(worksheet_write_blank(ws, r, c, f), "write \(columnLetters(column))\(row + 1)") }
        }
    }

    public func write(_ row: Int, _ column: Int, _ text: String, _ style: CellStyle? = nil) throws {
        try write(row, column, .text(text), style)
    }

    public func merge(_ firstRow: Int, _ firstColumn: Int, _ lastRow: Int, _ lastColumn: Int, _ text: String, _ style: CellStyle) throws {
        let ws = try handle()
        let f = try book.format(style)
        try check(xmlSafe(text).withCString {
            worksheet_merge_range(ws, lxw_row_t(firstRow), lxw_col_t(firstColumn), lxw_row_t(lastRow), lxw_col_t(lastColumn), $0, f)
        }, "merge")
    }

    public func setColumn(_ first: Int, _ last: Int, width: Double, style: CellStyle? = nil) throws {
        try check(worksheet_set_column(try handle(), lxw_col_t(first), lxw_col_t(last), width, try style.map { try book.format($0) }), "set column")
    }

    public func setRow(_ row: Int, height: Double) throws {
        try check(worksheet_set_row(try handle(), lxw_row_t(row), height, nil), "set row")
    }

    public func freeze(rows: Int, columns: Int) throws { worksheet_freeze_panes(try handle(), lxw_row_t(rows), lxw_col_t(columns)) }

    /// A4 landscape, fit to one page wide, the given rows repeated on every printed page.
    public func printSetup(repeatRows: ClosedRange<Int>?, landscape: Bool = true) throws {
        let ws = try handle()
        if landscape { worksheet_set_landscape(ws) }
        worksheet_set_paper(ws, 9)  // A4
        worksheet_fit_to_pages(ws, 1, 0)
        worksheet_center_horizontally(ws)
        worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6)
        if let r = repeatRows { try check(worksheet_repeat_rows(ws, lxw_row_t(r.lowerBound), lxw_row_t(r.upperBound)), "repeat rows") }
    }

    /// Locks every cell that is not written with an unlocked style.
    public func protect() throws {
        var p = lxw_protection()
        p.format_columns = 1
        p.format_rows = 1
        worksheet_protect(try handle(), nil, &p)
    }

    public func hide() throws { worksheet_hide(try handle()) }

    public func comment(_ row: Int, _ column: Int, _ text: String, author: String = "Renju") throws {
        guard !text.isEmpty else { return }  // an empty comment overflows the heap in 1.1.4
        let ws = try handle()
        var opt = lxw_comment_options()
        opt.width = 360
        opt.height = 160
        try xmlSafe(author).withCString { a in
            opt.author = UnsafeMutablePointer(mutating: a)
            try check(xmlSafe(text).withCString { worksheet_write_comment_opt(ws, lxw_row_t(row), lxw_col_t(column), $0, &opt) }, "comment")
        }
    }

    public func validate(_ firstRow: Int, _ firstColumn: Int, _ lastRow: Int, _ lastColumn: Int, _ rule: XlsxValidation,
                         message: String) throws {
        let ws = try handle()
        var v = lxw_data_validation()
        v.error_type = UInt8(LXW_VALIDATION_ERROR_TYPE_STOP.rawValue)
        v.ignore_blank = UInt8(LXW_VALIDATION_ON.rawValue)
        var keep: [UnsafeMutablePointer<CChar>] = []
        defer { keep.forEach { free($0) } }
        func c(_ s: String) -> UnsafeMutablePointer<CChar>? {
            guard !s.isEmpty, let p = strdup(xmlSafe(s)) else { return nil }
            keep.append(p); return p
        }
        switch rule {
        case let .wholeAtLeast(m):
            v.validate = UInt8(LXW_VALIDATION_TYPE_INTEGER.rawValue)
            v.criteria = UInt8(LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO.rawValue)
            v.value_number = m
        case let .decimalAtLeast(m):
            v.validate = UInt8(LXW_VALIDATION_TYPE_DECIMAL.rawValue)
            v.criteria = UInt8(LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO.rawValue)
            v.value_number = m
        case let .decimalBetween(lo, hi):
            v.validate = UInt8(LXW_VALIDATION_TYPE_DECIMAL.rawValue)
            v.criteria = UInt8(LXW_VALIDATION_CRITERIA_BETWEEN.rawValue)
            v.minimum_number = lo
            v.maximum_number = hi
        case let .list(items):
            // libxlsxwriter 1.1.4 overflows a buffer past 255 bytes or 255 items.
            guard !items.isEmpty, items.count < 255, items.joined(separator: ",").utf8.count < 250, !items.contains("") else {
                throw XlsxError(message: "a validation list must have 1–254 non-empty items under 250 bytes; use a range on a hidden sheet")
            }
            v.validate = UInt8(LXW_VALIDATION_TYPE_LIST.rawValue)
        case let .listRange(formula):
            guard !formula.isEmpty else { throw XlsxError(message: "empty validation formula") }
            v.validate = UInt8(LXW_VALIDATION_TYPE_LIST_FORMULA.rawValue)
            v.value_formula = c(formula)
        }
        v.error_title = c("输入有误")
        v.error_message = c(message)
        let r0 = lxw_row_t(firstRow), c0 = lxw_col_t(firstColumn), r1 = lxw_row_t(lastRow), c1 = lxw_col_t(lastColumn)
        if case let .list(items) = rule {
            var pointers: [UnsafeMutablePointer<CChar>?] = items.map { c($0) }
            pointers.append(nil)
            try pointers.withUnsafeMutableBufferPointer { buf in
                v.value_list = buf.baseAddress
                try check(worksheet_data_validation_range(ws, r0, c0, r1, c1, &v), "data validation")
            }
        } else {
            try check(worksheet_data_validation_range(ws, r0, c0, r1, c1, &v), "data validation")
        }
    }
}
