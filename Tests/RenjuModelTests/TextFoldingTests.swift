import XCTest
@testable import RenjuModel

/// A form's titles and names are folded (full-width to half-width, trimmed) and keyed for matching
/// millions of times; text of ASCII, CJK ideographs and full-width forms is folded by a table, not
/// by Foundation's NFKC. The table must give exactly what NFKC gives, or a title such as
/// `卫生厕所户数（户）` would stop matching its indicator.
final class TextFoldingTests: XCTestCase {
    func testTheTableFoldsAndKeysExactlyAsFoundationsNFKCDoes() {
        // Every kind of character the table takes, and some it leaves to Foundation.
        var alphabet: [Unicode.Scalar] = []
        for x in 0x20...0x7E { alphabet.append(Unicode.Scalar(UInt8(x))) }
        for x in [0x09, 0x7F, 0x0A, 0x0D, 0x3000, 0x00A0, 0x201C, 0x300C, 0xFF61, 0xFFE5, 0x2460, 0x3400, 0x4E00, 0x6237, 0x9FFF, 0x5395] {
            alphabet.append(Unicode.Scalar(UInt32(x))!)
        }
        for x in 0xFF01...0xFF5E { alphabet.append(Unicode.Scalar(UInt32(x))!) }
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int { seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Int(seed >> 33) }
        var tabled = 0
        for _ in 0..<20_000 {
            var s = String.UnicodeScalarView()
            for _ in 0..<(1 + next() % 12) { s.append(alphabet[next() % alphabet.count]) }
            let text = String(s)
            XCTAssertEqual(TextNormalizer.fold(text), TextNormalizer.foldedByFoundation(text), "fold of \(text.unicodeScalars.map { String($0.value, radix: 16) })")
            XCTAssertEqual(TextNormalizer.key(text), TextNormalizer.keyByFoundation(text), "key of \(text.unicodeScalars.map { String($0.value, radix: 16) })")
            // A name read from a row: folded, or nil when blank — as `fold` and `isBlank` say, in one pass.
            let folded = TextNormalizer.fold(text)
            XCTAssertEqual(TextNormalizer.foldedUnlessBlank(text), TextNormalizer.isBlank(folded) ? nil : folded, "name \(text.unicodeScalars.map { String($0.value, radix: 16) })")
            if TextNormalizer.foldedByTable(text) != nil { tabled += 1 }
        }
        XCTAssertGreaterThan(tabled, 2_000, "the table's own path is exercised")
        // The titles of the collection form, as clerks' Excel writes them.
        for title in ["卫生厕所户数（户）", "　区划代码　", "公路里程（公里）", "生活垃圾无害化处理率（％）", "ＡＢＣ１２３", "单位名称：\t"] {
            XCTAssertEqual(TextNormalizer.fold(title), TextNormalizer.foldedByFoundation(title), title)
            XCTAssertEqual(TextNormalizer.key(title), TextNormalizer.keyByFoundation(title), title)
        }
        XCTAssertEqual(TextNormalizer.key("卫生厕所户数（户）"), "卫生厕所户数(户)")
        // Text that folds to itself is told by its bytes: never wrongly, around every edge of the
        // ideographs it takes (U+3400–U+4DBF, U+4E00–U+9FFF) and of blanks and controls.
        let edges: [UInt32] = [0x09, 0x0A, 0x1F, 0x20, 0x21, 0x41, 0x7E, 0x7F, 0xA0, 0x3000, 0x33FF, 0x3400, 0x3FFF, 0x4000, 0x4DBF, 0x4DC0,
                               0x4DFF, 0x4E00, 0x4FFF, 0x5000, 0x6237, 0x9FFF, 0xA000, 0xF900, 0xFF10, 0x1F600]
        var already = 0
        for _ in 0..<20_000 {
            var s = String.UnicodeScalarView()
            for _ in 0..<(1 + next() % 8) { s.append(Unicode.Scalar(edges[next() % edges.count]) ?? "a") }
            let text = String(s)
            if TextNormalizer.isFoldedAlready(text) {
                already += 1
                XCTAssertEqual(TextNormalizer.foldedByFoundation(text), text, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            }
            XCTAssertEqual(TextNormalizer.fold(text), TextNormalizer.foldedByFoundation(text), "fold of \(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        XCTAssertGreaterThan(already, 200, "the bytes' own path is exercised")
        for name in ["东后村", "A1 东后村", "㐀䶵一鿿", "x\ty"] { XCTAssertTrue(TextNormalizer.isFoldedAlready(name), name) }
        for name in [" 东后村", "东后村 ", "䷀", "ꀀ", "", "东\u{1}村", "１"] { XCTAssertFalse(TextNormalizer.isFoldedAlready(name), name) }
        for (name, folded) in [(" 东后村 ", "东后村"), ("\t", nil), ("　", nil), ("", nil), ("东后村", "东后村"), ("\u{7F} a ", "a")] as [(String, String?)] {
            XCTAssertEqual(TextNormalizer.foldedUnlessBlank(name), folded, name)
        }
    }
}
