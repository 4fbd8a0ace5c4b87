import XCTest
@testable import RenjuText

/// A national divisions list (700,000 lines) is scanned in parts side by side when no quote mark
/// lets a field span lines. The records and their line numbers — what every error message about
/// the file names — must be those of one scan of the whole file.
final class LargeReferenceCSVTests: XCTestCase {
    func testALargeListScannedInPartsGivesTheRecordsOfOneScan() {
        var lines: [String] = ["code,name,level,parent"]
        var n = 0, size = 0
        while size < 3 << 20 {
            defer { size += lines[lines.count - 1].utf8.count + 1 }
            switch n % 97 {
            case 5: lines.append("")                                   // a blank line
            case 9: lines.append("# 注释行")                            // a comment
            case 13: lines.append(",,,")                               // a line of empty fields
            default: lines.append("6404\(String(format: "%08d", n)),第\(n)村,village,640400000000")
            }
            n += 1
        }
        // Line ends of every kind, a lone carriage return among them, and none after the last line.
        var text = ""
        for (i, line) in lines.enumerated() {
            text += line
            if i < lines.count - 1 { text += i % 3 == 0 ? "\r\n" : (i % 101 == 7 ? "\r" : "\n") }
        }
        let parts = text.utf8.withContiguousStorageIfAvailable { CSV.recordsSideBySide($0) } ?? nil
        let whole = CSV.recordsInOneScan(text)
        guard let parts else { return XCTFail("a large text without quotes is scanned in parts") }
        XCTAssertEqual(parts.count, whole.count)
        XCTAssertGreaterThan(whole.count, 50_000)
        XCTAssertTrue(zip(parts, whole).allSatisfy { $0.row == $1.row && $0.fields == $1.fields })
        XCTAssertEqual(CSV.records(from: text).last?.row, whole.last?.row)
        // A quote anywhere: one scan (a quoted field may span lines).
        XCTAssertNil((text + "\n1,\"a\nb\",c,d").utf8.withContiguousStorageIfAvailable { CSV.recordsSideBySide($0) } ?? nil)
    }
}
