import XCTest
import RenjuModel
import RenjuReading
import RenjuTestSupport

/// A folder is walked with one stat() an entry (a large folder's entries side by side); what
/// that stat says — folder or file, which file, how large — is what reading then goes by.
final class FolderWalkTests: XCTestCase {
    func testALargeFolderListsEachFileOnceInOrderAndAFileNamedTwiceIsReadOnce() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("renju-walk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sub = dir.appendingPathComponent("乡镇")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        // More entries than are stat'ed one by one, written in an order that is not the sorted one.
        var names: [String] = []
        for k in (0..<300).reversed() {
            let name = String(format: "%03d.csv", k)
            names.append(name)
            let text = "报告期：2025Q3\n区划代码,单位名称,总户数\n6404221\(String(format: "%05d", 10000 + k)),村\(k),\(100 + k)\n"
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try "区划代码,总户数\n640422100201,1\n".write(to: sub.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        // A link to a file of the folder: the same file, by its device and inode.
        try FileManager.default.createSymbolicLink(at: sub.appendingPathComponent("link.csv"), withDestinationURL: dir.appendingPathComponent("007.csv"))
        // A package is one file to the user, not a folder to walk.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("表.numbers"), withIntermediateDirectories: true)
        try "x".write(to: dir.appendingPathComponent("表.numbers/Index.zip"), atomically: true, encoding: .utf8)

        let listed = try InputLoader.files(in: [dir.path]).map { $0.path.replacingOccurrences(of: dir.path + "/", with: "") }
        let expected = (names + ["乡镇/a.csv", "乡镇/link.csv", "表.numbers"]).sorted()
        XCTAssertEqual(listed, expected)

        let reference = try testReference()
        let reader = FormReader(catalog: reference.catalog, tree: reference.tree)
        let set = try InputLoader(reader: reader).load(paths: [dir.path, dir.appendingPathComponent("042.csv").path], defaultPeriod: nil)
        // 300 files of one village each, and the folder's one; the link and the file named again are read once.
        XCTAssertEqual(set.submissions.filter { $0.period == Period(year: 2025, quarter: 3) }.count, 300)
        let twice = set.findings.filter { $0.rule == .givenTwice }.compactMap(\.source?.file).sorted()
        XCTAssertEqual(twice, ["042.csv", "link.csv"])
    }
}
