import Foundation
import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReference
@testable import RenjuReading

/// What WPS Office writes into the workbooks clerks send: pictures in cells (`DISPIMG` formulas
/// with their text as the cached value) and sometimes a sheet dimension that covers a corner of
/// the data only. Neither may disturb the figures, and a column of pictures is not a stranger.
final class WPSTests: XCTestCase {
    func testPicturesInCellsAndAWrongDimensionLeaveTheFiguresAsTheyAre() throws {
        let ref = try testReference()
        let header: [FixtureCell?] = [.s("区划代码"), .s("单位名称"), .s("总户数"), .s("卫生厕所户数"), .s("保洁员")]
        let rows: [[FixtureCell?]] = [
            [.s("640422100000"), .s("吉强镇"), .n(800), .n(610), .n(10)],
            [.s("640422100201"), .s("甲村"), .n(500), .n(400), .n(6)],
            [.s("640422100202"), .s("乙村"), .n(300), .n(210), .n(4)],
        ]
        func sheet(pictures: Bool) -> String {
            var xml = #"<row r="1"><c r="A1" t="inlineStr"><is><t>2025年第三季度</t></is></c></row>"#
            var h = inlineRow(1, header)
            if pictures { h = h.replacingOccurrences(of: "</row>", with: #"<c r="F2" t="inlineStr"><is><t>现场照片</t></is></c></row>"#) }
            xml += h
            for (i, r) in rows.enumerated() {
                var row = inlineRow(i + 2, r)
                if pictures {
                    // As WPS writes a picture in a cell: the formula and its own text as the value.
                    row = row.replacingOccurrences(of: "</row>", with: #"<c r="F\#(i + 3)" t="str"><f>_xlfn.DISPIMG("ID_4F2A\#(i)",1)</f><v>=DISPIMG("ID_4F2A\#(i)",1)</v></c></row>"#)
                }
                xml += row
            }
            return xml
        }
        let dir = try temporaryDirectory()
        let plain = dir.appendingPathComponent("plain.xlsx"), wps = dir.appendingPathComponent("wps.xlsx")
        try writeRawWorkbook(plain, sheets: [("数据", sheet(pictures: false))])
        try writeRawWorkbook(wps, sheets: [("数据", sheet(pictures: true))], dimension: "A1:C3")
        let loader = InputLoader(reader: FormReader(catalog: ref.catalog, tree: ref.tree))
        let a = try loader.load(paths: [plain.path], defaultPeriod: nil)
        let b = try loader.load(paths: [wps.path], defaultPeriod: nil)
        func figures(_ set: InputSet) -> [String] {
            set.submissions.flatMap { s in s.values.units.flatMap { u in s.values.figures(of: u).map { "\(u)|\($0.key)=\($0.value)" } } }.sorted()
        }
        XCTAssertEqual(figures(b), figures(a), "the same figures, the whole table read despite the dimension A1:C3")
        XCTAssertEqual(figures(b).count, 9)
        let findings = b.findings + b.submissions.flatMap(\.findings)
        XCTAssertTrue(findings.isEmpty, "a column of pictures is neither a figure nor an unknown column: \(findings.map(\.message.zh))")
        // A column that is not all pictures is still named.
        let mixed = dir.appendingPathComponent("mixed.xlsx")
        try writeRawWorkbook(mixed, sheets: [("数据", sheet(pictures: true).replacingOccurrences(of: #"<v>=DISPIMG("ID_4F2A1",1)</v>"#, with: "<v>备注</v>"))])
        let c = try loader.load(paths: [mixed.path], defaultPeriod: nil)
        XCTAssertTrue((c.findings + c.submissions.flatMap(\.findings)).contains { $0.rule == .unknownColumn })
    }
}
