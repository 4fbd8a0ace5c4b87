import Foundation

/// What a CSV scan hands its fields to: a grid of cells (the form reader), or records (the
/// reference loaders).
public protocol CSVSink {
    /// Whether the field at (row, column) is wanted; false: it is not turned into text.
    mutating func keeps(row: Int, column: Int) -> Bool
    /// A kept field: its bytes (UTF-8, quotes taken off and doubled quotes made single; empty
    /// for an empty field, valid only during the call) and whether it was quoted. A sink that
    /// wants text makes it (`CSV.text(bytes)`); one that reads numbers from the bytes need not.
    mutating func field(row: Int, column: Int, bytes: UnsafeBufferPointer<UInt8>, quoted: Bool)
    /// The line `row` ended.
    mutating func endLine(row: Int)
    /// The bytes about to be scanned: a field's bytes often lie inside them (an unquoted field is
    /// handed over where it stands, not copied), and stay valid until the scan ends.
    mutating func input(_ bytes: UnsafeBufferPointer<UInt8>)
    /// A field longer than `CSV.maxCellCharacters` was cut.
    mutating func cellTooLong(row: Int, column: Int)
}

extension CSVSink {
    public mutating func input(_ bytes: UnsafeBufferPointer<UInt8>) {}
}

public enum CSV {
    /// Excel's own limit on a cell's characters.
    public static let maxCellCharacters = 32_767

    /// The line feeds in `bytes`, counted eight bytes at a time (a form's rows, before its scan).
    public static func lineFeeds(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let n = bytes.count, words = n / 8
        var count = 0, i = 0
        let raw = UnsafeRawPointer(base)
        // A byte of `x ^ 0x0A…` is zero where a line feed is: counted with the usual bit trick
        // (exact: the high bit of each byte is set for a zero byte and only for one).
        let ones: UInt64 = 0x0101_0101_0101_0101, lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        for w in 0..<words {
            let x = raw.loadUnaligned(fromByteOffset: w * 8, as: UInt64.self) ^ (ones &* 0x0A)
            let zero = ~(((x & lows) &+ lows) | x | lows)
            count += zero.nonzeroBitCount
        }
        i = words * 8
        while i < n { if base[i] == 0x0A { count += 1 }; i += 1 }
        return count
    }

    /// A field's text (invalid UTF-8 repaired with U+FFFD, as every field was always read).
    @inlinable
    public static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        bytes.isEmpty ? "" : String(decoding: bytes, as: UTF8.self)
    }

    /// The records of a CSV text as rows of fields (zero-based row numbers, empty lines left out):
    /// for reference files (a national divisions list). A quote that never closes is read again
    /// with quotes ending at the line end.
    public static func records(from text: String) -> [(row: Int, fields: [String])] {
        var text = text
        if let parts = text.withUTF8({ recordsSideBySide($0) }) { return parts }
        return recordsInOneScan(text)
    }

    /// `records(from:)` in parts, in order, for a reader that goes on side by side (a national
    /// divisions list): the rows of a part count from its `lines`, the lines before it (a small or
    /// quoted text is one part).
    public static func recordParts(from text: String) -> [(lines: Int, records: [(row: Int, fields: [String])])] {
        var text = text
        if let parts = text.withUTF8({ recordPartsSideBySide($0) }) { return parts }
        return [(0, recordsInOneScan(text))]
    }

    /// `records(from:)` by one scan of the whole text.
    static func recordsInOneScan(_ text: String) -> [(row: Int, fields: [String])] {
        var text = text
        func run(_ spanning: Bool) -> CSVScanner<RecordSink> {
            var s = CSVScanner(sink: RecordSink())
            text.withUTF8 { s.run($0, quotesSpanLines: spanning) }
            return s
        }
        let first = run(true)
        return first.unterminated == nil ? first.sink.records : run(false).sink.records
    }

    /// A large text without a quote mark (so no field spans lines) cut after line feeds into
    /// parts scanned side by side: the records, with their rows, that one scan gives. Nil for any
    /// other text.
    static func recordsSideBySide(_ bytes: UnsafeBufferPointer<UInt8>) -> [(row: Int, fields: [String])]? {
        recordPartsSideBySide(bytes).map { parts in
            var out: [(row: Int, fields: [String])] = []
            out.reserveCapacity(parts.reduce(0) { $0 + $1.records.count })
            for part in parts { for r in part.records { out.append((r.row + part.lines, r.fields)) } }
            return out
        }
    }

    /// `recordsSideBySide` before its parts are joined.
    static func recordPartsSideBySide(_ bytes: UnsafeBufferPointer<UInt8>) -> [(lines: Int, records: [(row: Int, fields: [String])])]? {
        guard bytes.count >= 1 << 20, !bytes.contains(0x22) else { return nil }
        let wanted = max(2, ProcessInfo.processInfo.activeProcessorCount * 4)
        var cuts = [0]
        for k in 1..<wanted {
            var i = max(bytes.count * k / wanted, (cuts.last ?? 0) + 1)
            while i < bytes.count, bytes[i - 1] != 0x0A { i += 1 }
            guard i < bytes.count else { break }
            cuts.append(i)
        }
        cuts.append(bytes.count)
        let parts = PartResults(cuts.count - 1)
        // The bytes outlive the parts' scans (the caller holds them for this call); each part only reads them.
        nonisolated(unsafe) let text = bytes
        let bounds = cuts
        DispatchQueue.concurrentPerform(iterations: bounds.count - 1) { k in
            let part = UnsafeBufferPointer(rebasing: text[bounds[k]..<bounds[k + 1]])
            var scanner = CSVScanner(sink: RecordSink())
            scanner.run(part, quotesSpanLines: true)
            // Line ends as the scanner counts them: a line feed, or a carriage return alone.
            var ends = 0
            for i in part.indices where part[i] == 0x0A || (part[i] == 0x0D && (i + 1 == part.endIndex || part[i + 1] != 0x0A)) { ends += 1 }
            parts.put(k, scanner.sink.records, lineEnds: ends)
        }
        return parts.joined()
    }

    /// Each part's records and line ends, put once by the worker that scanned it.
    private final class PartResults: @unchecked Sendable {
        private let lock = NSLock()
        private var records: [[(row: Int, fields: [String])]]
        private var ends: [Int]
        init(_ n: Int) { records = Array(repeating: [], count: n); ends = Array(repeating: 0, count: n) }
        func put(_ k: Int, _ r: [(row: Int, fields: [String])], lineEnds: Int) { lock.lock(); records[k] = r; ends[k] = lineEnds; lock.unlock() }
        /// The parts in order, each with the lines before it.
        func joined() -> [(lines: Int, records: [(row: Int, fields: [String])])] {
            lock.lock(); defer { lock.unlock() }
            var out: [(lines: Int, records: [(row: Int, fields: [String])])] = []
            var offset = 0
            for k in records.indices {
                out.append((offset, records[k]))
                offset += ends[k]
            }
            return out
        }
    }

    /// Rows of fields, each with the fields up to its last non-empty one.
    public struct RecordSink: CSVSink {
        public var records: [(row: Int, fields: [String])] = []
        var current: [String] = []
        /// The last record's width: room for the next at once (a reference file's rows are alike).
        var width = 0
        public init() {}
        public mutating func keeps(row: Int, column: Int) -> Bool { true }
        public mutating func field(row: Int, column: Int, bytes: UnsafeBufferPointer<UInt8>, quoted: Bool) {
            guard !bytes.isEmpty || quoted || !current.isEmpty else { return }
            while current.count < column { current.append("") }
            current.append(CSV.text(bytes))
        }
        public mutating func endLine(row: Int) {
            if !current.isEmpty {
                width = current.count
                records.append((row, current))
                current = []
                current.reserveCapacity(width)
            }
        }
        public mutating func cellTooLong(row: Int, column: Int) {}
    }
}

/// RFC 4180 on UTF-8 bytes (quoted fields, doubled quotes, LF or CRLF): the separators
/// (`,` `"` CR LF) are ASCII and never part of a multi-byte character, so fields are cut without
/// decoding. A cell is cut at Excel's 32,767 characters. Exact row and column positions are kept
/// for `file:cell` references; a broken quote is for the caller to report (`unterminated`).
///
/// State lives in a struct with methods, not in closures over locals: captured variables are
/// boxed and their every access checked at run time.
public struct CSVScanner<Sink: CSVSink> {
    public var sink: Sink
    /// A quote opened on this (zero-based) row and never closed.
    public var unterminated: Int?
    @usableFromInline var row = 0, col = 0
    /// The field's bytes are `field[..<length]` (the buffer is reused, never shrunk).
    @usableFromInline var field: [UInt8] = Array(repeating: 0, count: 64)
    @usableFromInline var length = 0
    @usableFromInline var count = 0
    @usableFromInline var fieldWasQuoted = false, tooLong = false, dropping = false
    /// The field is `input[directStart..<directEnd]` (an unquoted field met whole by the fast
    /// path: handed over where it stands); −1 when it is in `field`.
    @usableFromInline var directStart = -1, directEnd = -1
    @usableFromInline var input = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    /// Plain lines are handed over at once (`plainLine`); false: every line byte by byte (a
    /// test holds the two to the same calls of the sink).
    public var plainLinesAtOnce = true

    public init(sink: Sink) { self.sink = sink }

    @inlinable @inline(__always) mutating func put(_ b: UInt8) {
        if directStart >= 0 {
            // (Never met: a field handed over whole ends at its separator.) Kept whole all the same.
            for k in directStart..<directEnd { if length < field.count { field[length] = input[k] } else { field.append(input[k]) }; length += 1 }
            directStart = -1
        }
        if length < field.count { field[length] = b } else { field.append(b) }
        length += 1
    }


    @inlinable @inline(__always) mutating func append(_ b: UInt8) {
        if b & 0xC0 == 0x80 { if !dropping { put(b) }; return }
        if count < CSV.maxCellCharacters { put(b); count += 1; dropping = false; return }
        dropping = true
        if !tooLong { tooLong = true; sink.cellTooLong(row: row, column: col) }
    }

    @inlinable mutating func flush() {
        if sink.keeps(row: row, column: col) {
            let (r, c, n, q) = (row, col, length, fieldWasQuoted)
            if directStart >= 0 {
                sink.field(row: r, column: c, bytes: UnsafeBufferPointer(rebasing: input[directStart..<directEnd]), quoted: q)
            } else {
                field.withUnsafeBufferPointer { sink.field(row: r, column: c, bytes: UnsafeBufferPointer(rebasing: $0[..<n]), quoted: q) }
            }
        }
        length = 0; count = 0; fieldWasQuoted = false; tooLong = false; dropping = false; directStart = -1
    }

    @inlinable mutating func endLine() {
        flush()
        sink.endLine(row: row)
        row += 1; col = 0
    }

    /// Bytes of `x` that are zero: the high bit of each such byte set. Exact for the lowest set
    /// byte (a byte above a zero one may be marked too): enough to find the first match in a word.
    @inlinable @inline(__always) static func zeroBytes(_ x: UInt64) -> UInt64 {
        (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    /// The first line feed at or after `from`, eight bytes at a time.
    @inlinable static func lineFeed(in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base), n = bytes.count
        var k = from
        while k + 8 <= n {
            let m = zeroBytes(raw.loadUnaligned(fromByteOffset: k, as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A)
            if m != 0 { return k + m.trailingZeroBitCount >> 3 }
            k += 8
        }
        while k < n { if base[k] == 0x0A { return k }; k += 1 }
        return nil
    }

    /// The first quote mark or carriage return in `from..<to`, eight bytes at a time.
    @inlinable static func quoteOrReturn(in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        var k = from
        while k + 8 <= to {
            let w = raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            let m = zeroBytes(w ^ 0x2222_2222_2222_2222) | zeroBytes(w ^ 0x0D0D_0D0D_0D0D_0D0D)
            if m != 0 { return k + m.trailingZeroBitCount >> 3 }
            k += 8
        }
        while k < to { if base[k] == 0x22 || base[k] == 0x0D { return k }; k += 1 }
        return nil
    }

    /// Plain lines: where the next line feed is, and where in the line before it a quote mark or
    /// carriage return was met (−1: none known), so that no byte is searched twice for either.
    @usableFromInline struct PlainLines {
        @usableFromInline var lineFeed = -1, unplain = -1, noMoreLineFeeds = false
        @inlinable init() {}
    }

    /// A line at `i` (a line's start) of plain fields — no quote mark, no carriage return but
    /// the one of a CRLF ending, shorter than a cell's limit — handed to the sink field by
    /// field and ended, exactly as the byte-by-byte scan would: the index after its line feed.
    /// Nil, having handed over nothing, for any other line (and for a last line without a
    /// line feed): the byte-by-byte scan takes it.
    @inlinable mutating func plainLine(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, _ lines: inout PlainLines) -> Int? {
        guard !lines.noMoreLineFeeds, let base = bytes.baseAddress else { return nil }
        if lines.lineFeed < i {
            guard let lf = Self.lineFeed(in: bytes, from: i) else { lines.noMoreLineFeeds = true; return nil }
            lines.lineFeed = lf; lines.unplain = -1
        }
        let lf = lines.lineFeed
        if lines.unplain >= i { return nil }
        let end = lf > i && base[lf - 1] == 0x0D ? lf - 1 : lf
        guard end - i < CSV.maxCellCharacters else { return nil }
        if let p = Self.quoteOrReturn(in: bytes, from: i, to: end) { lines.unplain = p; return nil }
        var start = i, k = i
        while true {
            while k < end && base[k] != 0x2C { k += 1 }
            if sink.keeps(row: row, column: col) {
                sink.field(row: row, column: col, bytes: UnsafeBufferPointer(rebasing: bytes[start..<k]), quoted: false)
            }
            if k == end { break }
            col += 1; k += 1; start = k
        }
        sink.endLine(row: row)
        row += 1; col = 0
        return lf + 1
    }

    @inlinable public mutating func run(_ bytes: UnsafeBufferPointer<UInt8>, quotesSpanLines: Bool) {
        let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
        var inQuotes = false, quoteRow = 0
        let n = bytes.count
        var i = 0
        var slowUntil = 0  // a run too long for the fast path is taken byte by byte (cut exactly)
        var lines = PlainLines()
        input = bytes
        sink.input(bytes)
        defer { input = UnsafeBufferPointer(start: nil, count: 0) }
        while i < n {
            // A line of plain fields, at once (most lines of a form).
            if plainLinesAtOnce, col == 0, length == 0, !inQuotes, !fieldWasQuoted, directStart < 0, i >= slowUntil,
               let next = plainLine(bytes, at: i, &lines) {
                i = next
                continue
            }
            let c = bytes[i]
            // Fast path: the rest of an unquoted field, copied at once while under the length limit.
            if i >= slowUntil, !inQuotes, c != quote || length > 0 || fieldWasQuoted, c != comma, c != cr, c != lf {
                var j = i, chars = 0
                while j < n {
                    let d = bytes[j]
                    if d == comma || d == cr || d == lf { break }
                    if d & 0xC0 != 0x80 { chars += 1 }
                    j += 1
                }
                if count + chars < CSV.maxCellCharacters, !dropping, length == 0, !fieldWasQuoted {
                    // The whole field, up to its separator: handed over where it stands.
                    directStart = i; directEnd = j; count = chars
                    i = j
                    continue
                }
                if count + chars < CSV.maxCellCharacters, !dropping {
                    if length + (j - i) > field.count { field.append(contentsOf: repeatElement(0, count: length + (j - i) - field.count)) }
                    let at = length
                    field.withUnsafeMutableBufferPointer { dst in
                        if let d = dst.baseAddress, let s = bytes.baseAddress { (d + at).update(from: s + i, count: j - i) }
                    }
                    length += j - i; count += chars
                    i = j
                    continue
                }
                slowUntil = j
            }
            i += 1
            if inQuotes {
                if c == quote {
                    if i < n, bytes[i] == quote { append(quote); i += 1 } else { inQuotes = false }
                } else if !quotesSpanLines && (c == lf || c == cr) {
                    // The quote never closed on its line: the line ends here.
                    inQuotes = false
                    if c == cr, i < n, bytes[i] == lf { i += 1 }
                    endLine()
                } else {
                    append(c)
                }
                continue
            }
            switch c {
            case quote where length == 0 && !fieldWasQuoted:
                inQuotes = true; fieldWasQuoted = true; quoteRow = row
            case comma:
                flush(); col += 1
            case cr:
                if i < n, bytes[i] == lf { i += 1 }
                endLine()
            case lf:
                endLine()
            default:
                append(c)
            }
        }
        unterminated = inQuotes && quotesSpanLines ? quoteRow : nil
        endLine()
    }
}
