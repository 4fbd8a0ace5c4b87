import Foundation
import RenjuModel
import RenjuText

/// What a part's scanner reports: start tags (local name, attributes, self-closing), end tags,
/// and character data between tags (entities decoded by the receiver through `decode`).
protocol XMLEvents {
    mutating func start(_ name: SheetScanner.Bytes, _ attrs: SheetScanner.Attributes, _ selfClosing: Bool) throws
    mutating func end(_ name: SheetScanner.Bytes) throws
    mutating func text(_ t: SheetScanner.Bytes) throws
}

/// A fast byte scanner for the two big parts of a workbook, the sheets and the shared strings.
/// Machine-written SpreadsheetML is simple: elements, attributes in quotes, text, the five
/// predefined entities and character references. Foundation's XMLParser is slower than
/// openpyxl here and fails on a part whose single line passes 10 MB (libxml2's limit), which is
/// how libxlsxwriter writes a sheet. DOCTYPE/ENTITY declarations are refused before this runs.
struct SheetScanner {
    typealias Failure = XLSXReader.Failure

    /// A byte buffer reused from cell to cell (emptied without giving its memory back).
    struct ByteBuffer {
        private var storage: [UInt8] = []
        private(set) var count = 0
        mutating func reset() { count = 0 }
        mutating func append(contentsOf s: Bytes) {
            let chunk = UnsafeBufferPointer(rebasing: s)
            guard let src = chunk.baseAddress, !chunk.isEmpty else { return }
            if storage.count < count + chunk.count { storage.append(contentsOf: repeatElement(0, count: count + chunk.count - storage.count)) }
            let at = count
            storage.withUnsafeMutableBufferPointer { dst in
                if let d = dst.baseAddress { (d + at).update(from: src, count: chunk.count) }
            }
            count += chunk.count
        }
        var bytes: ArraySlice<UInt8> { storage[0..<count] }
    }

    /// Calls `element` for each start tag (local name, attributes, self-closing), `endElement` for
    /// each end tag and `text` for character data between tags (entities decoded lazily by the
    /// caller through `decode`).
    /// Bytes of the part being scanned (valid only during the scan: callers copy what they keep).
    typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>
    typealias Attributes = ArraySlice<(Bytes, Bytes)>

    static func scan(_ data: Data, start: (Bytes, Attributes, Bool) throws -> Void,
                     end: (Bytes) throws -> Void, text: (Bytes) throws -> Void) throws {
        try withoutActuallyEscaping(start) { start in
            try withoutActuallyEscaping(end) { end in
                try withoutActuallyEscaping(text) { text in
                    var events = ClosureEvents(startTag: start, endTag: end, characters: text)
                    try scan(data, &events)
                }
            }
        }
    }

    /// The events of a part passed to closures (the small parts: workbook, styles, relationships).
    struct ClosureEvents: XMLEvents {
        let startTag: (Bytes, Attributes, Bool) throws -> Void
        let endTag: (Bytes) throws -> Void
        let characters: (Bytes) throws -> Void
        mutating func start(_ name: Bytes, _ attrs: Attributes, _ selfClosing: Bool) throws { try startTag(name, attrs, selfClosing) }
        mutating func end(_ name: Bytes) throws { try endTag(name) }
        mutating func text(_ t: Bytes) throws { try characters(t) }
    }

    static func scan<E: XMLEvents>(_ data: Data, _ events: inout E) throws {
        // Scanned where the part's bytes lie (a copy of a large sheet was its size again in fresh pages).
        try data.withUnsafeBytes { raw in try scan(raw.bindMemory(to: UInt8.self), &events) }
    }

    /// Calls `events` for each start tag, end tag and run of character data, in order. Generic
    /// over the receiver so that a sheet's reader is called directly (its state in a struct).
    static func scan<E: XMLEvents>(_ b: UnsafeBufferPointer<UInt8>, _ events: inout E) throws {
        let n = b.count
        var i = 0
        // Attributes of the current tag, in a buffer reused from tag to tag.
        var attrBuffer: [(Bytes, Bytes)] = []
        var attrCount = 0
        @inline(__always) func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        func localName(_ s: Int, _ e: Int) -> Bytes {
            var k = e - 1
            while k >= s { if b[k] == UInt8(ascii: ":") { return b[(k + 1)..<e] }; k -= 1 }
            return b[s..<e]
        }
        while i < n {
            // Text up to the next tag.
            var j = i
            while j < n, b[j] != UInt8(ascii: "<") { j += 1 }
            if j > i { try events.text(b[i..<j]) }
            if j >= n { break }
            i = j + 1
            guard i < n else { throw Failure("XML 在标签中间结束 / XML ends inside a tag") }
            let c = b[i]
            if c == UInt8(ascii: "?") {  // processing instruction
                guard let e = find(b, from: i, "?>") else { throw Failure("XML 处理指令没有结束 / unterminated processing instruction") }
                i = e + 2; continue
            }
            if c == UInt8(ascii: "!") {
                if starts(b, at: i, "!--") {
                    guard let e = find(b, from: i + 3, "-->") else { throw Failure("XML 注释没有结束 / unterminated comment") }
                    i = e + 3; continue
                }
                if starts(b, at: i, "![CDATA[") {
                    guard let e = find(b, from: i + 8, "]]>") else { throw Failure("XML CDATA 没有结束 / unterminated CDATA") }
                    try events.text(b[(i + 8)..<e])  // CDATA is literal; callers decode entities only outside it (rare in sheets)
                    i = e + 3; continue
                }
                throw Failure("XML 含有不允许的声明 / a declaration that is not allowed")
            }
            if c == UInt8(ascii: "/") {
                var k = i + 1
                while k < n, b[k] != UInt8(ascii: ">") { k += 1 }
                guard k < n else { throw Failure("XML 结束标签没有结束 / unterminated end tag") }
                var e = k
                while e > i + 1, isSpace(b[e - 1]) { e -= 1 }
                try events.end(localName(i + 1, e))
                i = k + 1; continue
            }
            // Start tag: name, attributes, maybe self-closing.
            var k = i
            while k < n, !isSpace(b[k]), b[k] != UInt8(ascii: ">"), b[k] != UInt8(ascii: "/") { k += 1 }
            let name = localName(i, k)
            attrCount = 0
            var selfClosing = false
            while true {
                while k < n, isSpace(b[k]) { k += 1 }
                guard k < n else { throw Failure("XML 标签没有结束 / unterminated tag") }
                if b[k] == UInt8(ascii: ">") { k += 1; break }
                if b[k] == UInt8(ascii: "/") {
                    guard k + 1 < n, b[k + 1] == UInt8(ascii: ">") else { throw Failure("XML 标签格式有误 / malformed tag") }
                    selfClosing = true; k += 2; break
                }
                let as0 = k
                while k < n, b[k] != UInt8(ascii: "="), !isSpace(b[k]), b[k] != UInt8(ascii: ">") { k += 1 }
                let an = localName(as0, k)
                while k < n, isSpace(b[k]) { k += 1 }
                guard k < n, b[k] == UInt8(ascii: "=") else { throw Failure("XML 属性格式有误 / malformed attribute") }
                k += 1
                while k < n, isSpace(b[k]) { k += 1 }
                guard k < n, b[k] == UInt8(ascii: "\"") || b[k] == UInt8(ascii: "'") else { throw Failure("XML 属性值没有引号 / unquoted attribute") }
                let q = b[k]; k += 1
                let vs = k
                while k < n, b[k] != q { k += 1 }
                guard k < n else { throw Failure("XML 属性值没有结束 / unterminated attribute") }
                if attrCount < attrBuffer.count { attrBuffer[attrCount] = (an, b[vs..<k]) } else { attrBuffer.append((an, b[vs..<k])) }
                attrCount += 1
                k += 1
            }
            try events.start(name, attrBuffer[0..<attrCount], selfClosing)
            if selfClosing { try events.end(name) }
            i = k
        }
    }

    static func starts(_ b: UnsafeBufferPointer<UInt8>, at i: Int, _ s: StaticString) -> Bool {
        let p = s.utf8Start
        guard i + s.utf8CodeUnitCount <= b.count else { return false }
        for k in 0..<s.utf8CodeUnitCount where b[i + k] != p[k] { return false }
        return true
    }

    static func find(_ b: UnsafeBufferPointer<UInt8>, from: Int, _ s: StaticString) -> Int? {
        let len = s.utf8CodeUnitCount
        guard len > 0, b.count >= len else { return nil }
        let first = s.utf8Start[0]
        var i = from
        while i + len <= b.count {
            if b[i] == first, starts(b, at: i, s) { return i }
            i += 1
        }
        return nil
    }

    /// Text with the predefined entities and character references decoded.
    static func decode<C: Collection>(_ s: C) -> String where C.Element == UInt8, C.Index == Int {
        guard s.contains(UInt8(ascii: "&")) else { return String(decoding: s, as: UTF8.self) }
        var out = [UInt8]()
        out.reserveCapacity(s.count)
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c == UInt8(ascii: "&"), let semi = s[i...].firstIndex(of: UInt8(ascii: ";")), semi - i <= 10 {
                let name = String(decoding: s[(i + 1)..<semi], as: UTF8.self)
                var scalar: Unicode.Scalar?
                switch name {
                case "amp": scalar = "&"
                case "lt": scalar = "<"
                case "gt": scalar = ">"
                case "quot": scalar = "\""
                case "apos": scalar = "'"
                default:
                    if name.hasPrefix("#x"), let v = UInt32(name.dropFirst(2), radix: 16) { scalar = Unicode.Scalar(v) }
                    else if name.hasPrefix("#"), let v = UInt32(name.dropFirst()) { scalar = Unicode.Scalar(v) }
                }
                if let scalar { out.append(contentsOf: Array(String(scalar).utf8)); i = semi + 1; continue }
            }
            out.append(c); i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// ASCII blanks trimmed (values are numbers or indices).
    static func trimmed(_ s: String) -> String {
        let u = s.utf8
        guard let f = u.firstIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }),
              let l = u.lastIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else { return "" }
        if f == u.startIndex && l == u.index(before: u.endIndex) { return s }
        return String(s[f...l])
    }

    static func equals<C: Collection>(_ s: C, _ t: StaticString) -> Bool where C.Element == UInt8 {
        guard s.count == t.utf8CodeUnitCount else { return false }
        var k = 0
        for c in s { if c != t.utf8Start[k] { return false }; k += 1 }
        return true
    }

    /// A1 reference to zero-based (row, column), from bytes (through their contiguous storage:
    /// one reader for every caller).
    static func position<C: Collection>(_ s: C) -> (Int, Int)? where C.Element == UInt8 {
        if let p = s.withContiguousStorageIfAvailable({ position($0[...]) }) { return p }
        return Array(s).withUnsafeBufferPointer { position($0[...]) }
    }

    /// A1 reference to zero-based (row, column), from bytes where they lie (every cell's `r`):
    /// letters (either case), then digits; `$` anywhere left out; within Excel's sheet.
    static func position(_ s: Slice<UnsafeBufferPointer<UInt8>>) -> (Int, Int)? {
        let b = UnsafeBufferPointer(rebasing: s)
        var col = 0, row = 0, sawL = false, sawD = false
        for k in 0..<b.count {
            let u = b[k]
            if u &- 48 <= 9 { row = row &* 10 &+ Int(u &- 48); sawD = true }
            else if !sawD, u &- 65 <= 25 { col = col &* 26 &+ Int(u &- 64); sawL = true }
            else if !sawD, u &- 97 <= 25 { col = col &* 26 &+ Int(u &- 96); sawL = true }
            else if u == 36 { continue }
            else { return nil }
            if col > 16_384 || row > 1_048_576 { return nil }
        }
        guard sawL, sawD, row >= 1, col >= 1 else { return nil }
        return (row - 1, col - 1)
    }

    static func int<C: Collection>(_ s: C) -> Int? where C.Element == UInt8 {
        var v = 0
        guard !s.isEmpty, s.count <= 12 else { return nil }
        for c in s { guard c >= 48, c <= 57 else { return nil }; v = v * 10 + Int(c - 48) }
        return v
    }

    /// Decodes OOXML's `_xHHHH_` escapes (ST_Xstring): `_x000D_` is a carriage return that Excel
    /// writes into a header title broken with Alt+Enter; `_x005F_` escapes a literal underscore.
    static func unescapeX(_ s: String) -> String {
        // Most strings have no escape: a byte scan (Foundation's String.contains is a CFString search).
        var previousUnderscore = false, found = false
        for b in s.utf8 {
            if previousUnderscore, b == UInt8(ascii: "x") { found = true; break }
            previousUnderscore = b == UInt8(ascii: "_")
        }
        guard found else { return s }
        var out = String.UnicodeScalarView()
        let u = Array(s.unicodeScalars)
        var i = 0
        func hex(_ c: Unicode.Scalar) -> UInt32? {
            switch c.value {
            case 48...57: return c.value - 48
            case 65...70: return c.value - 55
            case 97...102: return c.value - 87
            default: return nil
            }
        }
        while i < u.count {
            if u[i] == "_", i + 6 < u.count, u[i + 1] == "x", u[i + 6] == "_",
               let a = hex(u[i + 2]), let b = hex(u[i + 3]), let c = hex(u[i + 4]), let d = hex(u[i + 5]),
               let scalar = Unicode.Scalar(a << 12 | b << 8 | c << 4 | d) {
                out.append(scalar); i += 7; continue
            }
            out.append(u[i]); i += 1
        }
        return String(out)
    }

    /// Reads a worksheet part into a grid: cells, merged ranges, and formulas (recomputed where
    /// `FormulaEvaluator` can, see `Grid.formulaNotes`).
    static func sheet(_ data: Data, name: String, shared: [String], xfFormats: [Int], cellBudget: Int, maxChars: Int,
                      prepare: (inout Grid) -> Void = { _ in }) throws -> (Grid, Int) {
        var reader = SheetEvents(grid: Grid(name: name), shared: shared, xfFormats: xfFormats, cellBudget: cellBudget, maxChars: maxChars)
        prepare(&reader.grid)
        try scan(data, &reader)
        let cells = reader.cells
        var formulas = reader.formulas, formulaOrder = reader.formulaOrder
        let sharedMasters = reader.sharedMasters, sharedChildren = reader.sharedChildren
        // Shared formulas: each child is its anchor's formula moved by the child's offset.
        for ch in sharedChildren {
            guard let m = sharedMasters[ch.si] else { continue }
            formulas[FormulaNote.key(ch.row, ch.column)] = PendingFormula(
                text: m.text, rowOffset: ch.row - m.row, columnOffset: ch.column - m.column, hasCachedValue: ch.cached)
            formulaOrder.append((ch.row, ch.column))
            if !ch.cached {
                let shown = FormulaParser.moved(m.text, rows: ch.row - m.row, columns: ch.column - m.column)
                reader.grid.set(ch.row, ch.column, .formulaWithoutValue(shown), format: reader.grid.format(ch.row, ch.column))
            }
        }
        if !formulas.isEmpty { FormulaEvaluator.apply(to: &reader.grid, formulas: formulas, positions: formulaOrder) }
        return (reader.grid, cells)
    }

    /// A cell's `t` attribute.
    enum CellType {
        case none, n, s, inlineStr, str, b, e, d, other
        static func of(_ t: Bytes) -> CellType {
            if equals(t, "s") { return .s }
            if equals(t, "n") { return .n }
            if equals(t, "str") { return .str }
            if equals(t, "inlineStr") { return .inlineStr }
            if equals(t, "b") { return .b }
            if equals(t, "e") { return .e }
            if equals(t, "d") { return .d }
            return .other
        }
    }

    /// One worksheet being read, element by element: its state in a struct the scanner calls
    /// directly (as closures, the state was captured in boxes reached through a pointer at every
    /// element, a seventh of reading a sheet).
    struct SheetEvents: XMLEvents {
        var grid: Grid
        let shared: [String], xfFormats: [Int], cellBudget: Int, maxChars: Int
        var cells = 0
        // Formulas by cell; shared formulas by their index (`si`): anchor and text.
        var formulas: [Int: PendingFormula] = [:]
        var formulaOrder: [(Int, Int)] = []
        var sharedMasters: [Int: (row: Int, column: Int, text: String)] = [:]
        var sharedChildren: [(row: Int, column: Int, si: Int, cached: Bool)] = []
        var formulaShared = false, formulaSI: Int? = nil
        var row = -1, nextColumn = 0
        var cellRow = 0, cellCol = 0, style: Int? = nil
        var cellType = CellType.none
        /// The value's text when it came in one short chunk (a number: the common case), read from
        /// the part's bytes without copying; otherwise the text is in `value`.
        var valueChunk: Bytes? = nil
        var value = ByteBuffer(), formula = ByteBuffer(), inline = ByteBuffer()
        var hasValue = false, hasFormula = false, hasInline = false
        var inV = false, inF = false, inIs = false, inT = false, inRPh = false, inCell = false

        init(grid: Grid, shared: [String], xfFormats: [Int], cellBudget: Int, maxChars: Int) {
            self.grid = grid; self.shared = shared; self.xfFormats = xfFormats; self.cellBudget = cellBudget; self.maxChars = maxChars
        }

        /// The value as a plain decimal, from where its text is.
        func plainValue() -> Double? {
            if let chunk = valueChunk { return NumberText.plainDecimal(UnsafeBufferPointer(rebasing: chunk)) }
            return NumberText.plainDecimal(value.bytes)
        }

        mutating func noteFormula(_ r: Int, _ c: Int, hasValue: Bool, text: String) {
            guard formulas.count < 1_000_000 else { return }
            if formulaShared, let si = formulaSI {
                if !text.isEmpty, sharedMasters[si] == nil { sharedMasters[si] = (r, c, text) }
                else if text.isEmpty { sharedChildren.append((r, c, si, hasValue)); return }
            }
            guard !text.isEmpty else { return }
            formulas[FormulaNote.key(r, c)] = PendingFormula(text: text, rowOffset: 0, columnOffset: 0, hasCachedValue: hasValue)
            formulaOrder.append((r, c))
        }

        mutating func start(_ name: Bytes, _ attrs: Attributes, _ selfClosing: Bool) throws {
            if equals(name, "row") {
                if let r = attrs.first(where: { equals($0.0, "r") }).flatMap({ int($0.1) }), r >= 1, r <= 1_048_576 { row = r - 1 } else { row += 1 }
                nextColumn = 0
            } else if equals(name, "c") {
                inCell = true
                if let ref = attrs.first(where: { equals($0.0, "r") })?.1, let (r, c) = position(ref) { cellRow = r; cellCol = c }
                else { cellRow = max(row, 0); cellCol = nextColumn }
                nextColumn = cellCol + 1
                cellType = attrs.first(where: { equals($0.0, "t") }).map { CellType.of($0.1) } ?? .none
                style = attrs.first(where: { equals($0.0, "s") }).flatMap { int($0.1) }
                value.reset(); formula.reset(); inline.reset(); valueChunk = nil
                hasValue = false; hasFormula = false; hasInline = false
            } else if inCell {
                if equals(name, "v") { inV = true; hasValue = true }
                else if equals(name, "f") {
                    inF = true; hasFormula = true
                    formulaShared = attrs.first(where: { equals($0.0, "t") }).map { equals($0.1, "shared") } ?? false
                    formulaSI = attrs.first(where: { equals($0.0, "si") }).flatMap { int($0.1) }
                }
                else if equals(name, "is") { inIs = true; hasInline = true }
                else if equals(name, "t"), inIs { inT = true }
                else if equals(name, "rPh") { inRPh = true }
            } else if equals(name, "mergeCell") {
                if grid.merges.count < 100_000, let ref = attrs.first(where: { equals($0.0, "ref") })?.1 {
                    let parts = ref.split(separator: UInt8(ascii: ":"))
                    if parts.count == 2, let (r1, c1) = position(parts[0]), let (r2, c2) = position(parts[1]) {
                        grid.merges.append(CellRange(top: r1, left: c1, bottom: r2, right: c2))
                    }
                }
            }
        }

        mutating func end(_ name: Bytes) throws {
            if equals(name, "c") {
                inCell = false
                let cell: RawCell?
                // The common cell, a plain number, straight from its bytes.
                if cellType == .none || cellType == .n, hasValue, let d = plainValue() {
                    if hasFormula { noteFormula(cellRow, cellCol, hasValue: true, text: decode(formula.bytes)) }
                    cells += 1
                    if cells > cellBudget { throw Failure("单元格数量超过上限 / too many cells") }
                    let fmt: Int? = style.flatMap { $0 >= 0 && $0 < xfFormats.count ? xfFormats[$0] : nil }
                    grid.set(cellRow, cellCol, .number(d), format: fmt)
                    return
                }
                if let chunk = valueChunk { value.append(contentsOf: chunk); valueChunk = nil }
                let v = decode(value.bytes)
                let vt = trimmed(v)
                if cellType == .s {
                    if let i = Int(vt), i >= 0, i < shared.count { cell = .text(shared[i]) } else if hasValue { cell = .error("#REF(shared string \(v))") } else { cell = nil }
                } else if cellType == .inlineStr {
                    cell = hasInline ? .text(unescapeX(decode(inline.bytes))) : (hasValue ? .text(unescapeX(v)) : nil)
                } else if cellType == .str {
                    cell = hasValue ? .text(unescapeX(v)) : (hasFormula ? .formulaWithoutValue(decode(formula.bytes)) : nil)
                } else if cellType == .b {
                    cell = hasValue ? .bool(vt == "1") : (hasFormula ? .formulaWithoutValue(decode(formula.bytes)) : nil)
                } else if cellType == .e {
                    cell = .error(v.isEmpty ? "#VALUE!" : v)
                } else if cellType == .d {
                    cell = hasValue ? .text(v) : nil
                } else if hasValue, !vt.isEmpty {
                    if let d = Double(vt), d.isFinite { cell = .number(d) } else { cell = .text(v) }
                } else if hasFormula {
                    cell = .formulaWithoutValue(decode(formula.bytes))
                } else { cell = nil }
                if hasFormula { noteFormula(cellRow, cellCol, hasValue: hasValue && cell != nil && !vt.isEmpty, text: decode(formula.bytes)) }
                let stored: RawCell?
                if hasFormula, cell == nil || (hasValue && vt.isEmpty && cellType != .str) {
                    // A formula whose cached value is missing or empty: the formula stands in until computed.
                    stored = .formulaWithoutValue(decode(formula.bytes))
                } else { stored = cell }
                if let cell = stored {
                    cells += 1
                    if cells > cellBudget { throw Failure("单元格数量超过上限 / too many cells") }
                    let fmt: Int? = style.flatMap { $0 >= 0 && $0 < xfFormats.count ? xfFormats[$0] : nil }
                    grid.set(cellRow, cellCol, cell, format: fmt)
                }
            } else if equals(name, "v") { inV = false }
            else if equals(name, "f") { inF = false }
            else if equals(name, "is") { inIs = false }
            else if equals(name, "t") { inT = false }
            else if equals(name, "rPh") { inRPh = false }
        }

        mutating func text(_ t: Bytes) throws {
            guard inCell else { return }
            if inF, formula.count > 8_192 { return }
            if inV {
                // A short first chunk is kept where it is; anything more goes to the buffer.
                if value.count == 0, valueChunk == nil, t.count <= 64 { valueChunk = t }
                else {
                    if let chunk = valueChunk { value.append(contentsOf: chunk); valueChunk = nil }
                    value.append(contentsOf: t)
                }
            } else if inF { formula.append(contentsOf: t) } else if inT, !inRPh { inline.append(contentsOf: t) } else { return }
            let valueCount = value.count + (valueChunk?.count ?? 0)
            if valueCount + inline.count + formula.count > 4 * maxChars || valueCount + inline.count > maxChars {
                if let chunk = valueChunk { value.append(contentsOf: chunk); valueChunk = nil }
            }
            if value.count + inline.count + formula.count > 4 * maxChars
                || (value.count + inline.count > maxChars && decode(value.bytes).count + decode(inline.bytes).count > maxChars) {
                throw Failure("单元格 \(SourceRef.a1(row: cellRow, column: cellCol)) 内容过长（超过 \(maxChars) 个字符）/ cell content too long")
            }
        }
    }

    static func attribute(_ attrs: Attributes, _ name: StaticString) -> String? {
        attrs.first { equals($0.0, name) }.map { decode($0.1) }
    }

    /// A sheet listed in workbook.xml.
    struct BookSheet { let name: String; let relID: String?; let hidden: Bool }

    /// The sheets listed in workbook.xml (name, relationship id, hidden or not) and whether the
    /// workbook counts dates from 1904.
    static func workbook(_ data: Data) throws -> (sheets: [BookSheet], date1904: Bool) {
        var out: [BookSheet] = []
        var date1904 = false
        try scan(data, start: { name, attrs, _ in
            if equals(name, "workbookPr") {
                let v = attribute(attrs, "date1904")?.lowercased()
                date1904 = v == "1" || v == "true"
                return
            }
            guard equals(name, "sheet") else { return }
            // r:id arrives as local name "id" (the prefix is dropped).
            let state = attribute(attrs, "state") ?? "visible"
            out.append(BookSheet(name: attribute(attrs, "name") ?? "Sheet\(out.count + 1)", relID: attribute(attrs, "id"),
                                 hidden: state == "hidden" || state == "veryHidden"))
        }, end: { _ in }, text: { _ in })
        return (out, date1904)
    }

    /// The relationships of a `.rels` part (external targets left out).
    static func relationships(_ data: Data) throws -> [(id: String, type: String, target: String)] {
        var out: [(id: String, type: String, target: String)] = []
        try scan(data, start: { name, attrs, _ in
            guard equals(name, "Relationship"), let id = attribute(attrs, "Id"), let t = attribute(attrs, "Target") else { return }
            if attribute(attrs, "TargetMode") == "External" { return }
            out.append((id, attribute(attrs, "Type") ?? "", t))
        }, end: { _ in }, text: { _ in })
        return out
    }

    /// Number formats of styles.xml: the format id of each cell style, and the custom format codes.
    static func styles(_ data: Data) throws -> (cellXfFormats: [Int], customFormats: [Int: String]) {
        var xfs: [Int] = [], custom: [Int: String] = [:]
        var inCellXfs = false
        try scan(data, start: { name, attrs, _ in
            if equals(name, "numFmt"), let id = attribute(attrs, "numFmtId").flatMap({ Int($0) }), let code = attribute(attrs, "formatCode") {
                custom[id] = code
            } else if equals(name, "cellXfs") {
                inCellXfs = true
            } else if equals(name, "xf"), inCellXfs {
                xfs.append(attribute(attrs, "numFmtId").flatMap { Int($0) } ?? 0)
            }
        }, end: { name in
            if equals(name, "cellXfs") { inCellXfs = false }
        }, text: { _ in })
        return (xfs, custom)
    }

    /// Reads the shared-string table.
    static func sharedStrings(_ data: Data, limit: Int, maxChars: Int) throws -> [String] {
        var out: [String] = []
        var current: [UInt8] = []
        var inSI = false, inT = false, inRPh = false
        try scan(data, start: { name, _, _ in
            if equals(name, "si") { inSI = true; current.removeAll(keepingCapacity: true) }
            else if equals(name, "t") { inT = true }
            else if equals(name, "rPh") { inRPh = true }
        }, end: { name in
            if equals(name, "si") {
                inSI = false
                out.append(unescapeX(decode(current[...])))
                if out.count > limit { throw Failure("共享字符串过多 / too many shared strings") }
            } else if equals(name, "t") { inT = false }
            else if equals(name, "rPh") { inRPh = false }
        }, text: { t in
            guard inSI, inT, !inRPh else { return }
            current.append(contentsOf: t)
            if current.count > 4 * maxChars || (current.count > maxChars && decode(current[...]).count > maxChars) {
                throw Failure("共享字符串过长 / a shared string is too long")
            }
        })
        return out
    }
}
