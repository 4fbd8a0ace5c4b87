import Foundation
import XCTest
import RenjuTestSupport
import RenjuModel
@testable import RenjuReading

/// Formulas of a form recomputed as Excel would: the figure a clerk sees, or a clear note.
final class FormulaTests: XCTestCase {
    /// One sheet with numbers in A1:A3 and the given formulas in column B (cached value or none).
    func read(_ formulas: [(String, String?)], sheet: String = "数据") throws -> Grid {
        var xml = #"<row r="1"><c r="A1"><v>1.005</v></c><c r="C1" t="inlineStr"><is><t>text</t></is></c></row>"#
        xml += #"<row r="2"><c r="A2"><v>2</v></c></row><row r="3"><c r="A3"><v>-2.5</v></c></row>"#
        for (i, (f, cached)) in formulas.enumerated() {
            let r = i + 5
            let escaped = f.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            xml += #"<row r="\#(r)"><c r="B\#(r)"><f>\#(escaped)</f>\#(cached.map { "<v>\($0)</v>" } ?? "")</c></row>"#
        }
        let url = try temporaryDirectory().appendingPathComponent("f.xlsx")
        try writeRawWorkbook(url, sheets: [(sheet, xml)])
        return try XCTUnwrap(XLSXReader().read(url: url).first).grid
    }

    func number(_ g: Grid, _ row: Int) -> Double? {
        if case let .number(d)? = g[row - 1, 1] { return d }
        return nil
    }

    func testExcelArithmeticAndFunctions() throws {
        let g = try read([
            ("SUM(A1:A3)", nil),                 // 0.505
            ("ROUND(A1,2)", nil),                // Excel: 1.01 (half away from zero on the shown value)
            ("ROUND(A3,0)", nil),                // -3
            ("IF(A2>1,A2*10,0)", nil),           // 20
            ("IFERROR(A2/0,\"\")", nil),         // "" → blank text
            ("A2/0", nil),                       // #DIV/0!
            ("MAX(A1:A3)+MIN(A1:A3)+ABS(A3)", nil), // 2 - 2.5 + 2.5 = 2
            ("SUM(A1:C3)", nil),                 // text in a range is ignored
            ("50%*A2", nil),                     // 1
            ("-A2^2", nil),                      // Excel: (-2)^2 = 4
        ])
        XCTAssertEqual(number(g, 5), 0.505)
        XCTAssertEqual(number(g, 6), 1.01)
        XCTAssertEqual(number(g, 7), -3)
        XCTAssertEqual(number(g, 8), 20)
        XCTAssertEqual(g[8, 1], .text(""))
        XCTAssertEqual(g[9, 1], .error("#DIV/0!"))
        XCTAssertEqual(number(g, 11), 2)
        XCTAssertEqual(number(g, 12), 0.505)
        XCTAssertEqual(number(g, 13), 1)
        XCTAssertEqual(number(g, 14), 4)
        XCTAssertEqual(g.formulaNotes[FormulaNote.key(4, 1)], .computed(formula: "SUM(A1:A3)", value: 0.505))
    }

    func testStaleCachedValueIsReplacedAndNamed() throws {
        let g = try read([("SUM(A1:A3)", "0"), ("SUM(A2:A2)", "2")])
        XCTAssertEqual(number(g, 5), 0.505)
        XCTAssertEqual(g.formulaNotes[FormulaNote.key(4, 1)], .stale(formula: "SUM(A1:A3)", cached: "0", computed: 0.505))
        XCTAssertNil(g.formulaNotes[FormulaNote.key(5, 1)], "a cached value the formula gives needs no note")
    }

    func testWhatIsNotRecomputedIsSaidNeverGuessed() throws {
        let g = try read([
            ("VLOOKUP(1,A1:A3,1)", "7"),   // beyond the subset, cached: the cached value, noted
            ("VLOOKUP(1,A1:A3,1)", nil),   // beyond the subset, no cache: stays a formula without a value
            ("其他表!A1+1", nil),           // another sheet
            ("B8+1", nil),                 // circular: B8 refers to itself
            ("SUM(B5,1)", nil),            // uses B5's cached value: 8
        ])
        XCTAssertEqual(number(g, 5), 7)
        if case .notRecomputed? = g.formulaNotes[FormulaNote.key(4, 1)] {} else { XCTFail("no note for a formula kept from its cache") }
        XCTAssertEqual(g[5, 1], .formulaWithoutValue("VLOOKUP(1,A1:A3,1)"))
        XCTAssertEqual(g[6, 1], .formulaWithoutValue("其他表!A1+1"))
        XCTAssertEqual(g[7, 1], .formulaWithoutValue("B8+1"))
        XCTAssertEqual(number(g, 9), 8)
    }

    func testSameSheetQualifiedReferenceAndSharedFormulas() throws {
        // B5 anchors a shared formula (A1*2) used again in B6 and B7, moved down a row each.
        let xml = #"<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row><row r="3"><c r="A3"><v>3</v></c></row>"#
            + #"<row r="5"><c r="B5"><f t="shared" ref="B5:B7" si="0">A1*2</f></c></row>"#
            + #"<row r="6"><c r="B6"><f t="shared" si="0"/></c></row><row r="7"><c r="B7"><f t="shared" si="0"/><v>99</v></c></row>"#
            + #"<row r="8"><c r="B8"><f>'数据'!A3+数据!$A$1</f></c></row>"#
        let url = try temporaryDirectory().appendingPathComponent("s.xlsx")
        try writeRawWorkbook(url, sheets: [("数据", xml)])
        let g = try XCTUnwrap(XLSXReader().read(url: url).first).grid
        XCTAssertEqual(number(g, 5), 2)
        XCTAssertEqual(number(g, 6), 4)
        XCTAssertEqual(number(g, 7), 6)
        // The note shows the formula as it reads in B7, moved two rows from its anchor.
        XCTAssertEqual(g.formulaNotes[FormulaNote.key(6, 1)], .stale(formula: "A3*2", cached: "99", computed: 6))
        XCTAssertEqual(number(g, 8), 4)
    }

    /// The fuzzer's seeds for one worksheet (Fuzz/corpus/sheet): a 合计 row of SUMs (one with
    /// XlsxWriter's cached 0), a shared IFERROR(ROUND(…)) rate, a merged two-level header, and
    /// circular or other-sheet formulas that must stay without a value.
    func testFuzzSeedsReadAsExcelWould() throws {
        let dir = repoRoot.appendingPathComponent("Fuzz/corpus/sheet")
        let g = try XLSXReader().sheet(xml: Data(contentsOf: dir.appendingPathComponent("formulas.xml")), name: "数据")
        XCTAssertEqual(g[4, 1], .number(400))
        XCTAssertEqual(g[4, 2], .number(250))
        XCTAssertEqual(g[4, 3], .number(62.5))
        XCTAssertEqual(g[5, 3], .number(66.67))
        XCTAssertEqual(g[6, 3], .number(50))
        XCTAssertEqual(g.formulaNotes[FormulaNote.key(4, 1)], .stale(formula: "SUM(B6:B7)", cached: "0", computed: 400))
        XCTAssertEqual(g.merges, [CellRange(top: 2, left: 0, bottom: 3, right: 0), CellRange(top: 2, left: 1, bottom: 2, right: 3)])
        let c = try XLSXReader().sheet(xml: Data(contentsOf: dir.appendingPathComponent("circular.xml")), name: "数据")
        for col in 0..<4 {
            if case .formulaWithoutValue? = c[0, col] {} else { XCTFail("column \(col): \(String(describing: c[0, col]))") }
        }
    }

    func testSharedFormulaTextMovedForMessages() {
        XCTAssertEqual(FormulaParser.moved("ROUND(D6/C6*100,2)", rows: 3, columns: 0), "ROUND(D9/C9*100,2)")
        XCTAssertEqual(FormulaParser.moved("SUM($B$2:B5)+'数据 1'!A1", rows: 1, columns: 1), "SUM($B$2:C6)+'数据 1'!B2")
        XCTAssertEqual(FormulaParser.moved("IF(A1>0,\"A1\",LOG10(A1))", rows: 1, columns: 0), "IF(A2>0,\"A1\",LOG10(A2))")
    }

    func testACellsReferenceIsReadAsTheA1RuleSays() {
        // Letters (either case) then digits, `$` left out, within XFD1048576: as the rule gives
        // it, from a cell's bytes and from any collection. Random references and the edges by hand.
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("ABCXYZabz0123456789$:-".utf8)
        var refs = ["A1", "XFD1048576", "XFE1", "A1048577", "A0", "$B$2", "b3", "1A", "A", "1", "", "AAAA1", "A1B", "ZZZ99999999"]
        for _ in 0..<20_000 {
            refs.append(String(decoding: (0..<Int.random(in: 1...9, using: &rng)).map { _ in alphabet.randomElement(using: &rng) ?? 0x41 }, as: UTF8.self))
        }
        func rule(_ ref: String) -> (Int, Int)? {
            let t = ref.replacingOccurrences(of: "$", with: "")
            let letters = t.prefix { $0.isASCII && $0.isLetter }, digits = t.dropFirst(letters.count)
            guard !letters.isEmpty, !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), letters.count <= 4, digits.count <= 8,
                  let row = Int(digits) else { return nil }
            let col = letters.uppercased().unicodeScalars.reduce(0) { $0 * 26 + Int($1.value) - 64 }
            guard (1...16_384).contains(col), (1...1_048_576).contains(row) else { return nil }
            return (row - 1, col - 1)
        }
        for ref in refs {
            let bytes = Array(ref.utf8), expected = rule(ref)
            let fromBuffer = bytes.withUnsafeBufferPointer { SheetScanner.position($0[...]) }
            let fromAny = SheetScanner.position(bytes.lazy.map { $0 })
            XCTAssertEqual(fromBuffer?.0, expected?.0, ref); XCTAssertEqual(fromBuffer?.1, expected?.1, ref)
            XCTAssertEqual(fromAny?.0, expected?.0, ref); XCTAssertEqual(fromAny?.1, expected?.1, ref)
        }
        XCTAssertEqual(SheetScanner.position(Array("XFD1048576".utf8))?.1, 16_383)
    }
}
