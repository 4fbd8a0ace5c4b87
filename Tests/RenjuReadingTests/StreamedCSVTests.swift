import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReading
import RenjuReference
import RenjuText

/// A large CSV form is read a row at a time as it is scanned (its memory is its figures, not a
/// grid of its text), an ordinary row straight from its bytes; what it reads must be exactly what
/// reading the whole grid of text cells at once reads — figures with their cells, blanks,
/// duplicates far apart, bad rows and cells that are not plain numbers, the footer's sign-offs.
final class StreamedCSVTests: XCTestCase {
    /// A form's lines are counted eight bytes at a time before its scan (room for its rows):
    /// exactly the line feeds, whatever bytes lie beside them, at any length and alignment.
    func testLineFeedsAreCountedExactly() {
        var seed: UInt64 = 42
        func next() -> Int { seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Int(seed >> 33) }
        let alphabet: [UInt8] = [0x0A, 0x0D, 0x8A, 0x0B, 0x09, 0x00, 0xFF, 0x7F, 0x80, 0x2C, 0x31, 0xE6]
        for length in Array(0..<40) + [255, 256, 1_000, 4_099] {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in alphabet[next() % alphabet.count] }
                bytes.withUnsafeBufferPointer { all in
                    for start in 0..<min(8, max(length, 1)) where start <= length {
                        let part = UnsafeBufferPointer(rebasing: all[start...])
                        XCTAssertEqual(CSV.lineFeeds(part), part.filter { $0 == 0x0A }.count, "length \(length) from \(start)")
                    }
                }
            }
        }
    }

    func testAFieldsFiguresAreReadFromItsBytesAsAFullParseReadsThem() {
        // A plain decimal (a sign, digits with at most one point, 1–15 digits) is the value Swift's
        // own parser gives it, to the bit; anything else is nil. Random texts of digits, points,
        // signs and other bytes, and the edges by hand; from a buffer and from any collection.
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789.-+ e,x".utf8)
        var texts = ["", "-", "+", ".", "-.", "5.", ".5", "-.5", "+7", "-0", "0.000", "1.2.3", "--5", "5-", "123456789012345",
                     "1234567890123456", "12345678.9012345", "1234567890.123456", "99999999999999999999", "0000000000000001"]
        for _ in 0..<20_000 {
            let length = Int.random(in: 1...18, using: &rng)
            texts.append(String(decoding: (0..<length).map { _ in alphabet.randomElement(using: &rng) ?? 0x30 }, as: UTF8.self))
            // Mostly numbers, as fields are.
            texts.append((Bool.random(using: &rng) ? "-" : "") + String(Int.random(in: 0...9_999_999, using: &rng))
                         + (Bool.random(using: &rng) ? "." + String(Int.random(in: 0...99_999, using: &rng)) : ""))
        }
        func plain(_ text: String) -> Double? {
            var body = Substring(text)
            if let f = body.first, f == "-" || f == "+" { body = body.dropFirst() }
            let digits = body.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }.count, points = body.utf8.filter { $0 == 0x2E }.count
            guard digits + points == body.utf8.count, points <= 1, (1...15).contains(digits) else { return nil }
            return Double(text)
        }
        var numbers = 0
        for text in texts {
            let bytes = Array(text.utf8)
            let expected = plain(text)
            if expected != nil { numbers += 1 }
            XCTAssertEqual(bytes.withUnsafeBufferPointer { NumberText.plainDecimal($0) }?.bitPattern, expected?.bitPattern, "“\(text)”")
            XCTAssertEqual(NumberText.plainDecimal(bytes.lazy.map { $0 })?.bitPattern, expected?.bitPattern, "“\(text)” (not contiguous)")
        }
        XCTAssertGreaterThan(numbers, 20_000)
    }

    func testBytesAreTakenAsUTF8ExactlyWhenTheStringWouldBe() {
        // A file is scanned where its bytes lie only if Swift's own validation would take them as
        // UTF-8: random bytes around every edge of the encoding (overlong forms, surrogates,
        // above U+10FFFF, cut short), in runs of ASCII and Chinese text.
        var rng = SystemRandomNumberGenerator()
        let edges: [UInt8] = [0x00, 0x2C, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE4, 0xED,
                              0xEE, 0xEF, 0xF0, 0xF3, 0xF4, 0xF5, 0xF8, 0xFE, 0xFF]
        let pieces: [[UInt8]] = [Array("区划代码,村".utf8), Array("1234567,89.5".utf8), Array("😀".utf8), [0xEF, 0xBB, 0xBF]]
        var checked = 0, valid = 0
        for _ in 0..<60_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes += pieces.randomElement(using: &rng) ?? []
                case 1: bytes.append(edges.randomElement(using: &rng) ?? 0)
                case 2: bytes += (0..<Int.random(in: 1...9, using: &rng)).map { _ in UInt8.random(in: 0x20...0x7E, using: &rng) }
                default: bytes.append(UInt8.random(in: 0...255, using: &rng))
                }
            }
            let swift = String(validating: bytes, as: UTF8.self) != nil
            let ours = bytes.withUnsafeBufferPointer { TextDecoding.isValidUTF8($0) }
            XCTAssertEqual(ours, swift, "\(bytes.map { String(format: "%02X", $0) }.joined(separator: " "))")
            checked += 1; if swift { valid += 1 }
        }
        // Both kinds were met in numbers.
        XCTAssertGreaterThan(valid, 5_000); XCTAssertGreaterThan(checked - valid, 5_000)
        // A BOM is left to the decoder (it is taken off there).
        XCTAssertFalse([0xEF, 0xBB, 0xBF, 0x41].withUnsafeBufferPointer { TextDecoding.isUnmarkedUTF8($0) })
        XCTAssertTrue(Array("区划代码".utf8).withUnsafeBufferPointer { TextDecoding.isUnmarkedUTF8($0) })
    }

    func testAFormReadRowByRowReadsExactlyWhatTheWholeGridReads() throws {
        let reference = try testReference()
        var lines = ["关于农村人居环境的统计表", "报告期：2025Q3", "区划代码,单位名称,总户数,卫生厕所户数,保洁员,生活垃圾产生量,照片"]
        let rows = 13_522
        for n in 0..<rows {
            let code = "6404221\(String(format: "%05d", n))"
            switch n {
            case 7_000: lines.append("640422100010,重复的村,1,1,1,1")           // the unit of row 10 again, far below
            case 9_000: lines.append("6404X2100001,错码村,300,200,3,4.5")        // not a division code
            case 9_001: lines.append(",,,,,")                                    // a blank row
            case 9_002: lines.append("\(code),全角村,１２０,\"1,234\",-,4.5")      // full-width digits, a thousands separator, a dash
            case 9_003: lines.append("\(code), 空格村 ,\" 120\",无,\"\",abc")     // blanks around, 无, a quoted empty cell, a word
            case 9_004: lines.append("\"\(code)\",\"引号村\",\"120\",\"12.5\",\"3\",\"0.25\"")  // every cell quoted
            case 9_005: lines.append(" \(code),前空格码,1,2,3,4")               // a code with a blank before it
            case 9_006: lines.append("\(code),超长码村,1e3,2,3,4,=DISPIMG(\"ID_1\",1)")  // an exponent; a picture
            case 9_007: lines.append("640422,县级行,10,20,30,40")                // a short code (padded)
            default: lines.append("\(code),村\(n),\(100 + n % 900),\(10 + n % 90),\(n % 7 == 0 ? "" : String(1 + n % 9)),\(Double(n % 500) / 10)")
            }
        }
        lines.append("单位负责人：张三,统计负责人：李四,填表人：王五,报出日期：2025年10月8日")
        let text = lines.joined(separator: "\r\n") + "\r\n"
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("large.csv")
        try text.write(to: file, atomically: true, encoding: .utf8)

        let reader = FormReader(catalog: reference.catalog, tree: reference.tree, vocabulary: reference.signOffVocabulary)
        var set = InputSet()
        InputLoader(reader: reader).read(file, defaultPeriod: nil, into: &set)
        guard case let .submissions(whole) = reader.read(CSVReader.grid(from: text), file: "large.csv", defaultPeriod: nil) else {
            return XCTFail("the whole grid is a form")
        }
        let streamed = try XCTUnwrap(set.submissions.first)
        let expected = try XCTUnwrap(whole.first)
        XCTAssertEqual(set.submissions.count, 1)

        // Every unit row, in order, with its cell.
        XCTAssertEqual(streamed.rows.map(\.code), expected.rows.map(\.code))
        XCTAssertEqual(streamed.rows.map(\.source), expected.rows.map(\.source))
        XCTAssertEqual(streamed.rows.count, rows - 3, "all rows but the duplicate, the bad code and the blank row")
        XCTAssertEqual(streamed.blanks.count, expected.blanks.count)
        for (unit, blanks) in expected.blanks { XCTAssertEqual(streamed.blanks[unit], blanks, "\(unit)") }
        XCTAssertEqual(streamed.unreadable, expected.unreadable)
        XCTAssertFalse(streamed.unreadable.isEmpty, "the cells that are not numbers are named")
        // Every figure, with the cell it came from.
        XCTAssertEqual(streamed.values.count, expected.values.count)
        XCTAssertGreaterThan(streamed.values.count, 4 * (rows - 3) - rows / 7 - 10)
        for row in expected.rows {
            let a = streamed.values.entries(of: row.code), b = expected.values.entries(of: row.code)
            XCTAssertEqual(a.map(\.indicator), b.map(\.indicator), "\(row.code)")
            XCTAssertEqual(a.map(\.observation.value), b.map(\.observation.value), "\(row.code)")
            XCTAssertEqual(a.map(\.observation.source), b.map(\.observation.source), "\(row.code)")
        }
        // The row of unit 10 given again two chunks later is named with both rows; the bad code too.
        func describe(_ f: [Finding]) -> [String] { f.map { "\($0.rule) \($0.unit?.description ?? "-") \($0.source?.description ?? "-") \($0.message.zh)" } }
        XCTAssertEqual(describe(streamed.findings), describe(expected.findings))
        XCTAssertTrue(streamed.findings.contains { $0.rule == .duplicateUnit && $0.message.zh.contains("第 14 行和第 7004 行") },
                      describe(streamed.findings).joined(separator: "\n"))
        XCTAssertTrue(streamed.findings.contains { $0.rule == .badCode && $0.source?.row == 9_003 })
        XCTAssertTrue(streamed.findings.contains { $0.rule == .notANumber && $0.message.zh.contains("abc") })
        // The footer under the last chunk still gives the sign-offs.
        XCTAssertEqual(Set(streamed.signOffs.map(\.role)), ["单位负责人", "统计负责人", "填表人"])
        XCTAssertEqual(streamed.signOffs, expected.signOffs)
        XCTAssertEqual(streamed.period, Period(year: 2025, quarter: 3))
    }
}

/// The scanner's plain lines, handed over at once, against the same text scanned byte by byte:
/// the sink must be called exactly alike — quotes, carriage returns alone and before line feeds,
/// empty lines and fields, a last line without a line feed, cells over Excel's limit, columns the
/// sink does not keep.
final class PlainLineScanTests: XCTestCase {
    struct Recorder: CSVSink {
        var calls: [String] = []
        mutating func keeps(row: Int, column: Int) -> Bool {
            calls.append("k\(row),\(column)")
            return (row + column) % 5 != 3
        }
        mutating func field(row: Int, column: Int, bytes: UnsafeBufferPointer<UInt8>, quoted: Bool) {
            calls.append("f\(row),\(column),\(quoted),\(Array(bytes))")
        }
        mutating func endLine(row: Int) { calls.append("e\(row)") }
        mutating func cellTooLong(row: Int, column: Int) { calls.append("t\(row),\(column)") }
    }

    func calls(_ bytes: [UInt8], atOnce: Bool, spanning: Bool) -> [String] {
        var s = CSVScanner(sink: Recorder())
        s.plainLinesAtOnce = atOnce
        bytes.withUnsafeBufferPointer { s.run($0, quotesSpanLines: spanning) }
        return s.sink.calls + ["u\(s.unterminated.map(String.init) ?? "-")"]
    }

    func testPlainLinesCallTheSinkAsTheByteByByteScanDoes() {
        var rng = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = [Array("640422100201".utf8), Array("东后村".utf8), Array("12.5".utf8), [0x2C], [0x2C], [0x2C],
                                 [0x0A], [0x0A], [0x0D, 0x0A], [0x0D], [0x22], Array("\"a,b\"".utf8), Array("\"x\"\"y\"".utf8),
                                 [], Array("abcdefgh".utf8), [0x20], [0x09]]
        var plainSeen = 0
        for round in 0..<3_000 {
            var bytes: [UInt8] = []
            // Every other text without quote marks: lines plain enough to be taken at once.
            let from = round % 2 == 0 ? pieces.filter { !$0.contains(0x22) } : pieces
            for _ in 0..<Int.random(in: 0...40, using: &rng) { bytes += from.randomElement(using: &rng) ?? [] }
            if round % 100 == 0 {
                // A cell over the limit, on a line of its own and in a plain line.
                bytes += Array(repeating: 0x41, count: CSV.maxCellCharacters + Int.random(in: -2...3, using: &rng)) + [0x2C, 0x31, 0x0A]
            }
            if !bytes.contains(0x22), bytes.contains(0x0A) { plainSeen += 1 }
            for spanning in [true, false] {
                XCTAssertEqual(calls(bytes, atOnce: true, spanning: spanning), calls(bytes, atOnce: false, spanning: spanning),
                               "\(String(decoding: bytes.prefix(200), as: UTF8.self).debugDescription)")
            }
        }
        XCTAssertGreaterThan(plainSeen, 1_000)
    }
}
