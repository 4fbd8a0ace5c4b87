import Foundation
import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReading
import RenjuReference

/// What a file is decides what Renju tells the clerk: by the top-level structure (an OLE2 file's
/// root entries; a BIFF stream's first record), never by a byte search or the file's name alone.
final class FileKindTests: XCTestCase {
    func refusal(_ name: String, _ bytes: Data) throws -> Finding {
        let reference = try testReference()
        let url = try temporaryDirectory().appendingPathComponent(name)
        try bytes.write(to: url)
        let loader = InputLoader(reader: FormReader(catalog: reference.catalog, tree: reference.tree))
        let set = try loader.load(paths: [url.path], defaultPeriod: nil)
        XCTAssertTrue(set.submissions.isEmpty)
        XCTAssertEqual(set.findings.count, 1, set.findings.map(\.message.zh).joined(separator: "\n"))
        let f = try XCTUnwrap(set.findings.first)
        XCTAssertEqual(f.severity, .error)
        XCTAssertEqual(f.source?.file, name, "the refusal names the file")
        return f
    }

    /// Apache POI's `WithEmbeddedObjects.xls` kind: a `Workbook` at the root and a Word document
    /// embedded in an `MBD…` storage below it — an Excel 97–2003 workbook, not "an old Word document".
    func testAnXlsWithAnEmbeddedWordDocumentIsAnXls() throws {
        let f = try refusal("embedded.xls", compoundFileBytes([
            ("Workbook", nil), ("MBD0001A2B3", ["WordDocument", "1Table", "\u{1}CompObj"]), ("\u{5}SummaryInformation", nil),
        ]))
        XCTAssertEqual(f.rule, .unsupportedFile)
        XCTAssertTrue(f.message.zh.contains("Excel 97-2003"), f.message.zh)
        XCTAssertFalse(f.message.zh.contains("Word"), f.message.zh)
    }

    func testAWordDocumentIsAWordDocument() throws {
        let f = try refusal("报告.xls", compoundFileBytes([("WordDocument", nil), ("1Table", nil)]))
        XCTAssertTrue(f.message.zh.contains("Word 文档"), f.message.zh)
    }

    func testAnEncryptedWorkbookAsksForThePassword() throws {
        let f = try refusal("加密.xlsx", compoundFileBytes([("EncryptionInfo", nil), ("EncryptedPackage", nil)]))
        XCTAssertEqual(f.rule, .passwordProtected)
    }

    /// Excel 5.0/95 keeps its workbook in a `Book` stream.
    func testAnExcel95WorkbookIsAnOldExcelFile() throws {
        let f = try refusal("1995.xls", compoundFileBytes([("Book", nil)]))
        XCTAssertTrue(f.message.zh.contains("旧版 Excel 文件（Excel 5.0/95）"), f.message.zh)
        XCTAssertTrue(f.message.zh.contains("另存为 .xlsx"), f.message.zh)
    }

    /// Excel 2.x–4.0 files are a bare BIFF record stream starting with a BOF record.
    func testBIFF2To4FilesAreOldExcelFilesNotDamagedOnes() throws {
        let boFs: [(String, [UInt8])] = [
            ("Excel 2.x", [0x09, 0x00, 0x04, 0x00, 0x02, 0x00, 0x10, 0x00]),
            ("Excel 3.0", [0x09, 0x02, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00]),
            ("Excel 4.0", [0x09, 0x04, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00]),
        ]
        for (version, bof) in boFs {
            let f = try refusal("old.xls", Data(bof + [UInt8](repeating: 0, count: 64)))
            XCTAssertTrue(f.message.zh.contains("旧版 Excel 文件（\(version)）"), f.message.zh)
            XCTAssertFalse(f.message.zh.contains("已损坏"), f.message.zh)
        }
    }

    /// A damaged compound file (a directory chain that loops, a truncated header) is refused
    /// with what it is and what to do, never a crash or a hang.
    func testDamagedCompoundFilesAreRefused() throws {
        var looping = [UInt8](compoundFileBytes([("Workbook", nil)]))
        // The FAT entry of the directory sector points at itself.
        looping[512 + 4] = 1; looping[512 + 5] = 0; looping[512 + 6] = 0; looping[512 + 7] = 0
        XCTAssertTrue(try refusal("loop.xls", Data(looping)).message.zh.contains("已损坏的 OLE2"))
        let truncated = compoundFileBytes([("Workbook", nil)]).prefix(300)
        XCTAssertTrue(try refusal("short.xls", Data(truncated)).message.zh.contains("已损坏的 OLE2"))
    }

    /// Hostile compound files (header fields, FAT and directory entries overwritten at random,
    /// seeded): every one refused with its file named, none crashing or hanging the reader.
    func testMutatedCompoundFilesAreAlwaysRefusedNamingTheFile() throws {
        let reference = try testReference()
        let loader = InputLoader(reader: FormReader(catalog: reference.catalog, tree: reference.tree))
        let dir = try temporaryDirectory()
        let valid = [UInt8](compoundFileBytes([("Workbook", nil), ("MBD0001", ["WordDocument", "1Table"]), ("Book", nil)]))
        var state: UInt64 = 0x5EED
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        for i in 0..<400 {
            var bytes = valid
            for _ in 0..<(1 + next() % 8) {
                let at = [0x1E, 0x2C, 0x30, 0x44, 0x48, 0x4C, 512, 516, 520, 1024 + 0x42, 1024 + 0x48, 1024 + 0x4C, 1152 + 0x48, 1152 + 0x4C]
                let o = next() % 2 == 0 ? at[next() % at.count] : next() % bytes.count
                bytes[o] = UInt8(truncatingIfNeeded: next())
            }
            let url = dir.appendingPathComponent("m\(i).xls")
            try Data(bytes).write(to: url)
            let set = try loader.load(paths: [url.path], defaultPeriod: nil)
            XCTAssertTrue(set.submissions.isEmpty)
            XCTAssertEqual(set.findings.count, 1)
            XCTAssertEqual(set.findings.first?.source?.file, "m\(i).xls")
        }
    }

    /// A Latin-1 CSV decodes as GBK without an error — into garbled names. Renju asks for the
    /// encoding instead; GBK files (common characters, and a rare one in a name) are read as before.
    func testALatin1CSVAsksForItsEncoding() throws {
        let latin1 = "unit_code,unit_name,households\n640422100201,Müller Höfe,500\n640422100202,Gärten Süd,300\n"
        let f = try refusal("latin1.csv", try XCTUnwrap(latin1.data(using: .isoLatin1)))
        XCTAssertEqual(f.rule, .encoding)
        XCTAssertTrue(f.message.zh.contains("CSV UTF-8"), f.message.zh)

        let reference = try testReference()
        let gbk = String.Encoding(rawValue: 0x8000_0632)
        let text = "报告期：2025年第三季度\n区划代码,单位名称,总户数\n640422100201,甲村堃,500\n640422100202,乙村,300\n"
        let url = try temporaryDirectory().appendingPathComponent("gbk.csv")
        try XCTUnwrap(text.data(using: gbk)).write(to: url)
        let set = try InputLoader(reader: FormReader(catalog: reference.catalog, tree: reference.tree)).load(paths: [url.path], defaultPeriod: nil)
        XCTAssertFalse(set.findings.contains { $0.rule == .encoding })
        XCTAssertEqual(set.submissions.first?.rows.first?.givenName, "甲村堃")
    }
}
