import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReading
import RenjuReference

final class ReadingTests: XCTestCase {
    var reference: ReferenceData!
    override func setUpWithError() throws { reference = try testReference() }

    func loader() -> InputLoader {
        InputLoader(reader: FormReader(catalog: reference.catalog, tree: reference.tree, vocabulary: reference.signOffVocabulary))
    }

    func testLongCSVWithChineseHeadersAndIndicatorNames() throws {
        let text = "\u{FEFF}报告期,区划代码,指标,数值\r\n2025年第三季度,640422100201,总户数,\"1,234\"\r\n2025Q3,640422100201,sanitary_toilet_hh,１００\r\n"
        let subs = readCSV(text, reference: reference)
        XCTAssertEqual(subs.count, 1)
        XCTAssertEqual(subs[0].period, Period(year: 2025, quarter: 3))
        let u = try XCTUnwrap(UnitCode("640422100201"))
        XCTAssertEqual(subs[0].values[u, "households"], 1234)
        XCTAssertEqual(subs[0].values[u, "sanitary_toilet_hh"], 100)
        XCTAssertEqual(subs[0].values.observation(u, "households")?.source?.description, "t.csv:D2")
    }

    func testWideCSVInGB18030WithTitleRowsAndBracketedUnits() throws {
        let text = """
        西吉县2025年三季度农村人居环境整治进度统计表
        填报单位：吉强镇,,报告期：2025年第三季度

        区划代码,单位名称,卫生厕所普及率(%),总户数（户）,卫生厕所户数,生活垃圾收运处置体系覆盖（是/否）,备注
        640422100201,甲村,８０．００%,"1,000",800,是,
        640422100202,乙村,50,200,100,否,新村
        """
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("吉强镇.csv")
        try XCTUnwrap(text.replacingOccurrences(of: "\n", with: "\r\n").data(using: String.Encoding(rawValue: 0x8000_0632))).write(to: file)
        XCTAssertNil(String(data: try Data(contentsOf: file), encoding: .utf8), "the fixture really is GB18030")
        let set = try loader().load(paths: [file.path], defaultPeriod: nil)
        let sub = try XCTUnwrap(set.submissions.first)
        XCTAssertEqual(sub.period, Period(year: 2025, quarter: 3))
        XCTAssertEqual(sub.rows.map(\.code.rawValue), ["640422100201", "640422100202"])
        let a = try XCTUnwrap(UnitCode("640422100201")), b = try XCTUnwrap(UnitCode("640422100202"))
        XCTAssertEqual(sub.values[a, "sanitary_toilet_rate"], 80)
        XCTAssertEqual(sub.values[a, "households"], 1000)
        XCTAssertEqual(sub.values[a, "garbage_system_covered"], 1)
        XCTAssertEqual(sub.values[b, "garbage_system_covered"], 0)
        XCTAssertEqual(sub.rows.first?.givenName, "甲村")
        // The unknown column is a warning naming its cell, not a crash.
        let unknown = sub.findings.filter { $0.rule == .unknownColumn }
        XCTAssertEqual(unknown.count, 1)
        XCTAssertEqual(unknown.first?.severity, .warning)
        XCTAssertEqual(unknown.first?.source?.description, "吉强镇.csv:G4")
    }

    func testXLSXWithSharedStrings() throws {
        let url = try temporaryDirectory().appendingPathComponent("shared.xlsx")
        try writeSharedStringsWorkbook(url, sheets: [("数据", [
            [.s("某县人居环境统计表")],
            [.s("报告期：2025Q3")],
            [],
            [.s("区划代码"), .s("单位名称"), .s("households"), .s("卫生厕所户数(户)")],
            [.s("640422100201"), .s("甲村"), .n(500), .n(400)],
            [.n(640422100202), .s("乙村"), .n(300), .s("２１０")],
        ])])
        let set = try loader().load(paths: [url.path], defaultPeriod: nil)
        let sub = try XCTUnwrap(set.submissions.first)
        XCTAssertEqual(sub.period, Period(year: 2025, quarter: 3))
        let b = try XCTUnwrap(UnitCode("640422100202"))
        XCTAssertEqual(sub.values[b, "households"], 300)
        XCTAssertEqual(sub.values[b, "sanitary_toilet_hh"], 210)
        XCTAssertEqual(sub.values.observation(b, "sanitary_toilet_hh")?.source?.description, "shared.xlsx:数据!D6")
    }

    func testXLSXWithInlineStringsErrorCellsFormulasAndFooter() throws {
        let url = try temporaryDirectory().appendingPathComponent("inline.xlsx")
        let data = [
            inlineRow(0, [.s("报告期:2025年第三季度")]),
            inlineRow(2, [.s("unit_code"), .s("单位名称"), .s("households"), .s("cleaners"), .s("investment_10k_yuan")]),
            inlineRow(3, [.s("640422100201"), .s("甲村"), .n(500), nil, .n(10)]),
            #"<row r="5"><c r="A5" t="inlineStr"><is><t>640422100202</t></is></c><c r="C5"><f>VLOOKUP(1,E1:E3,1)</f></c><c r="D5" t="e"><v>#VALUE!</v></c><c r="E5"><f>SUM(E4:E4)*2</f></c></row>"#,
            inlineRow(6, [.s("单位负责人：张三"), nil, .s("统计负责人: 李四"), .s("填表人：王五  报出日期：2025年10月8日")]),
        ].joined()
        try writeRawWorkbook(url, sheets: [("Sheet1", data)])
        let set = try loader().load(paths: [url.path], defaultPeriod: nil)
        let sub = try XCTUnwrap(set.submissions.first)
        XCTAssertEqual(sub.rows.count, 2)
        let a = try XCTUnwrap(UnitCode("640422100201")), b = try XCTUnwrap(UnitCode("640422100202"))
        XCTAssertEqual(sub.values[a, "households"], 500)
        XCTAssertEqual(sub.blanks[a]?["cleaners"]?.description, "inline.xlsx:Sheet1!D4")
        let err = try XCTUnwrap(sub.findings.first { $0.rule == .excelError })
        XCTAssertEqual(err.unit, b)
        XCTAssertEqual(err.source?.description, "inline.xlsx:Sheet1!D5")
        // A formula Renju recomputes gives its value; one beyond that subset, without a cached value, is an error.
        XCTAssertEqual(sub.values[b, "investment_10k_yuan"], 20)
        let formula = try XCTUnwrap(sub.findings.first { $0.rule == .formulaNoValue })
        XCTAssertEqual(formula.source?.description, "inline.xlsx:Sheet1!C5")
        XCTAssertTrue(formula.message.zh.contains("VLOOKUP(1,E1:E3,1)"))
        XCTAssertNil(sub.values[b, "households"])
        // The footer under the data rows gives the sign-offs; the rows are not mistaken for data.
        XCTAssertEqual(Set(sub.signOffs.map(\.role)), ["单位负责人", "统计负责人", "填表人"])
        XCTAssertEqual(sub.signOffs.first { $0.role == "统计负责人" }?.name, "李四")
        XCTAssertEqual(sub.signOffs.first?.date, CivilDate(year: 2025, month: 10, day: 8))
    }

    func testColumnsInAnyOrderAndIdOrNameTitles() throws {
        let a = "区划代码,累计投入资金(万元),households\n640422100201,12.5,300\n"
        let b = "households,unit_code,investment_10k_yuan\n300,640422100201,12.5\n"
        for text in [a, b] {
            let sub = try XCTUnwrap(readCSV("报告期：2025Q3\n" + text, reference: reference).first)
            let u = try XCTUnwrap(UnitCode("640422100201"))
            XCTAssertEqual(sub.values[u, "investment_10k_yuan"], 12.5, text)
            XCTAssertEqual(sub.values[u, "households"], 300, text)
        }
    }

    func testDuplicateUnitRowAndConflictingValuesAreErrors() throws {
        let wide = "报告期：2025Q3\n区划代码,总户数\n640422100201,300\n640422100201,301\n"
        let sub = try XCTUnwrap(readCSV(wide, reference: reference).first)
        XCTAssertEqual(sub.findings.map(\.rule), [.duplicateUnit])
        let long = "period,unit_code,indicator,value\n2025Q3,640422100201,households,300\n2025Q3,640422100201,总户数,301\n"
        let sub2 = try XCTUnwrap(readCSV(long, reference: reference).first)
        XCTAssertEqual(sub2.findings.map(\.rule), [.duplicateValue])
    }

    func testUnreadableFileIsAFindingAndOtherFilesAreStillRead() throws {
        let dir = try temporaryDirectory()
        try Data("this is not a zip".utf8).write(to: dir.appendingPathComponent("a-broken.xlsx"))
        try "报告期：2025Q3\n区划代码,总户数\n640422100201,300\n".write(to: dir.appendingPathComponent("b-good.csv"), atomically: true, encoding: .utf8)
        let set = try loader().load(paths: [dir.path], defaultPeriod: nil)
        XCTAssertEqual(set.findings.first?.rule, .unreadableFile)
        XCTAssertEqual(set.findings.first?.source?.file, "a-broken.xlsx")
        XCTAssertEqual(set.submissions.count, 1)
    }

    func testSignOffSheetIsRead() throws {
        let text = "区划代码,报告期,角色,姓名,日期,数据摘要\n640422100000,2025年第三季度,审核人,李四,2025年10月4日,ABCDEF\n"
        let reader = FormReader(catalog: reference.catalog, tree: reference.tree)
        guard case let .signOffs(list, _) = reader.read(CSVReader.grid(from: text), file: "s.csv", defaultPeriod: nil) else {
            return XCTFail("not read as a sign-off table")
        }
        XCTAssertEqual(list.count, 1)
        XCTAssertEqual(list[0].role, "审核人")
        XCTAssertEqual(list[0].period, Period(year: 2025, quarter: 3))
        XCTAssertEqual(list[0].date, CivilDate(year: 2025, month: 10, day: 4))
        XCTAssertEqual(list[0].digest, "abcdef")
    }
}
