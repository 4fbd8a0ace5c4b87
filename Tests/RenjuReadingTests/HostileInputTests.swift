import XCTest
import RenjuTestSupport
import ZIPFoundation
import RenjuModel
import RenjuReading
import RenjuReference

/// Hostile and broken files: each is a clear `format.*` error naming the file, never a crash,
/// and the other files are still read.
final class HostileInputTests: XCTestCase {
    var reference: ReferenceData!
    var dir: URL!

    override func setUpWithError() throws {
        reference = try testReference()
        dir = try temporaryDirectory("hostile")
        // A good file beside every hostile one.
        try "报告期：2025Q3\n区划代码,总户数\n640422100201,300\n".write(to: dir.appendingPathComponent("good.csv"), atomically: true, encoding: .utf8)
    }

    func load() throws -> InputSet {
        let loader = InputLoader(reader: FormReader(catalog: reference.catalog, tree: reference.tree))
        return try loader.load(paths: [dir.path], defaultPeriod: nil)
    }

    /// Asserts one error finding of the rule about the file, and that the good file was read.
    @discardableResult
    func assertRefused(_ file: String, rule: RuleID = .unreadableFile, contains text: String? = nil,
                       line: UInt = #line) throws -> Finding {
        let set = try load()
        let f = try XCTUnwrap(set.findings.first { $0.source?.file == file }, "no finding for \(file)", line: line)
        XCTAssertEqual(f.rule, rule, f.message.zh, line: line)
        XCTAssertEqual(f.severity, .error, line: line)
        if let text { XCTAssertTrue(f.message.zh.contains(text) || f.message.en.contains(text), f.message.zh, line: line) }
        XCTAssertTrue(set.submissions.contains { $0.file == "good.csv" && !$0.values.isEmpty }, "the other files are still read", line: line)
        return f
    }

    func addEntry(_ archive: Archive, _ path: String, _ text: String) throws {
        let data = Data(text.utf8)
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { pos, size in
            data.subdata(in: Int(pos)..<Int(pos) + size)
        }
    }

    func testNotAZip() throws {
        try Data("PK\u{3}\u{4} this is not really a zip".utf8).write(to: dir.appendingPathComponent("fake.xlsx"))
        try assertRefused("fake.xlsx", contains: "zip")
    }

    func testTruncatedWorkbook() throws {
        let full = dir.appendingPathComponent("full.tmp")
        try writeSharedStringsWorkbook(full, sheets: [("数据", [[.s("区划代码"), .s("总户数")], [.s("640422100202"), .n(300)]])])
        let bytes = try Data(contentsOf: full)
        try bytes.prefix(bytes.count / 2).write(to: dir.appendingPathComponent("cut.xlsx"))
        try FileManager.default.removeItem(at: full)
        try assertRefused("cut.xlsx")
    }

    func testZipBombIsStoppedByTheExpansionRatio() throws {
        let url = dir.appendingPathComponent("bomb.xlsx")
        try writeRawWorkbook(url, sheets: [("数据", inlineRow(0, [.s("区划代码")]))])
        // Replace the sheet by 16 MiB of one repeated byte (deflates about 1000:1).
        let archive = try Archive(url: url, accessMode: .update)
        if let e = archive["xl/worksheets/sheet1.xml"] { try archive.remove(e) }
        let size = 16 * 1024 * 1024
        let chunk = Data(repeating: 0x20, count: 1 << 16)
        try archive.addEntry(with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: Int64(size), compressionMethod: .deflate,
                             bufferSize: 1 << 16) { pos, n in chunk.prefix(n) }
        let f = try assertRefused("bomb.xlsx", contains: "zip")
        XCTAssertTrue(f.message.zh.contains("压缩比"), f.message.zh)
    }

    func testEntityExpansionIsRefused() throws {
        let url = dir.appendingPathComponent("lol.xlsx")
        try writeRawWorkbook(url, sheets: [("数据", inlineRow(0, [.s("区划代码")]))])
        let archive = try Archive(url: url, accessMode: .update)
        if let e = archive["xl/worksheets/sheet1.xml"] { try archive.remove(e) }
        var lol = #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">"#
        lol += (1...9).map { i in "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i == 1 ? "" : String(i - 1));", count: 10) + "\">" }.joined()
        lol += #"]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"#
        try addEntry(archive, "xl/worksheets/sheet1.xml", lol)
        try assertRefused("lol.xlsx", contains: "DOCTYPE")
    }

    func testASheetClaimingMillionsOfColumnsIsReadSparsely() throws {
        let url = dir.appendingPathComponent("wide.xlsx")
        let ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        try writeRawWorkbook(url, sheets: [("数据", inlineRow(0, [.s("报告期：2025Q3")]))])
        let archive = try Archive(url: url, accessMode: .update)
        if let e = archive["xl/worksheets/sheet1.xml"] { try archive.remove(e) }
        let xml = #"<worksheet xmlns="\#(ns)"><dimension ref="A1:XFD1048576"/><sheetData>"# +
            inlineRow(0, [.s("报告期：2025Q3")]) + inlineRow(1, [.s("区划代码"), .s("总户数")]) + inlineRow(2, [.s("640422100202"), .n(300)]) +
            #"<row r="99999999"><c r="ZZZZ99999999"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>7</v></c></row></sheetData></worksheet>"#
        try addEntry(archive, "xl/worksheets/sheet1.xml", xml)
        let set = try load()
        let sub = try XCTUnwrap(set.submissions.first { $0.file == "wide.xlsx" })
        XCTAssertEqual(sub.values[try XCTUnwrap(UnitCode("640422100202")), "households"], 300)
        XCTAssertFalse(set.findings.contains { $0.source?.file == "wide.xlsx" && $0.severity == .error })
    }

    func testACellOfMegabytes() throws {
        let url = dir.appendingPathComponent("big-cell.xlsx")
        // Two million random Chinese characters: not compressible, so it is the cell limit that speaks.
        var rng = SystemRandomNumberGenerator()
        let big = String(String.UnicodeScalarView((0..<2_000_000).compactMap { _ in Unicode.Scalar(UInt32.random(in: 0x4E00...0x9FA5, using: &rng)) }))
        try writeRawWorkbook(url, sheets: [("数据", inlineRow(0, [.s("区划代码"), .s(big)]))])
        try assertRefused("big-cell.xlsx", contains: "过长")
        try ("报告期：2025Q3\n区划代码,总户数\n640422100202," + String(repeating: "9", count: 100_000) + "\n")
            .write(to: dir.appendingPathComponent("big-cell.csv"), atomically: true, encoding: .utf8)
        let f = try assertRefused("big-cell.csv", rule: .cellTooLong)
        XCTAssertEqual(f.source?.description, "big-cell.csv:B3")
    }

    func testCSVWithABrokenQuoteIsReportedAndTheRestStillRead() throws {
        let text = "报告期：2025Q3\n区划代码,单位名称,总户数\n640422100201,\"甲村,500\n640422100202,乙村,300\n"
        try text.write(to: dir.appendingPathComponent("quote.csv"), atomically: true, encoding: .utf8)
        let f = try assertRefused("quote.csv", rule: .csvQuote)
        XCTAssertEqual(f.source?.description, "quote.csv:A3")
        let sub = try XCTUnwrap(try load().submissions.first { $0.file == "quote.csv" })
        XCTAssertEqual(sub.values[try XCTUnwrap(UnitCode("640422100202")), "households"], 300, "the lines after the broken one are still read")
    }

    func testCSVMixingUTF8AndGBK() throws {
        var data = Data("报告期：2025Q3\n区划代码,单位名称,总户数\n640422100201,甲村,500\n".utf8)
        data.append(try XCTUnwrap("640422100202,乙村,300\n640422101201,丙村,200\n".data(using: String.Encoding(rawValue: 0x8000_0632))))
        try data.write(to: dir.appendingPathComponent("mixed.csv"))
        try assertRefused("mixed.csv", rule: .encoding, contains: "GBK")
        // A pure GBK file is not mistaken for a mixed one.
        try XCTUnwrap("报告期：2025Q3\n区划代码,单位名称,总户数\n640422100201,甲村,500\n".data(using: String.Encoding(rawValue: 0x8000_0632)))
            .write(to: dir.appendingPathComponent("gbk.csv"))
        XCTAssertFalse(try load().findings.contains { $0.source?.file == "gbk.csv" })
    }

    func testASheetOnOneLineOfMoreThanTenMegabytes() throws {
        // libxlsxwriter writes a sheet on one line; libxml2 refuses lines past 10 MB. Ours does not.
        let url = dir.appendingPathComponent("long-line.xlsx")
        try writeRawWorkbook(url, sheets: [("数据", inlineRow(0, [.s("区划代码")]))])
        let archive = try Archive(url: url, accessMode: .update)
        if let e = archive["xl/worksheets/sheet1.xml"] { try archive.remove(e) }
        var filler = [UInt8](repeating: 0, count: 11 * 1024 * 1024)
        var x: UInt32 = 2_463_534_242
        for i in filler.indices { x ^= x << 13; x ^= x >> 17; x ^= x << 5; filler[i] = UInt8(97 + x % 26) }  // incompressible letters
        let ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        var xml = Data(#"<worksheet xmlns="\#(ns)"><sheetData>"#.utf8)
        xml.append(Data((inlineRow(0, [.s("报告期：2025Q3")]) + inlineRow(1, [.s("区划代码"), .s("总户数")])).utf8))
        xml.append(Data("<!--".utf8)); xml.append(contentsOf: filler); xml.append(Data("-->".utf8))
        xml.append(Data((inlineRow(2, [.s("640422100202"), .n(300)]) + "</sheetData></worksheet>").utf8))
        try archive.addEntry(with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: Int64(xml.count), compressionMethod: .deflate) { pos, size in
            xml.subdata(in: Int(pos)..<Int(pos) + size)
        }
        let set = try load()
        XCTAssertFalse(set.findings.contains { $0.source?.file == "long-line.xlsx" }, "\(set.findings.map(\.message.zh))")
        let sub = try XCTUnwrap(set.submissions.first { $0.file == "long-line.xlsx" })
        XCTAssertEqual(sub.values[try XCTUnwrap(UnitCode("640422100202")), "households"], 300)
    }

    func testFuzzFoundWorkbooksAreErrorsNotCrashes() throws {
        // Found by libFuzzer: ZIPFoundation's in-memory archive trapped on the first, Foundation's
        // XMLParser on the second's workbook.xml; both are now a clear error.
        // The third hung ZIPFoundation's inflate for ever (a truncated deflate stream).
        for name in ["regression-memoryfile-offset", "regression-xmlparser-namespace", "regression-bogus-size-hang"] {
            let seed = repoRoot.appendingPathComponent("Fuzz/corpus/xlsx/\(name).xlsx")
            try FileManager.default.copyItem(at: seed, to: dir.appendingPathComponent("\(name).xlsx"))
            try assertRefused("\(name).xlsx")
        }
    }
}
