import XCTest
import RenjuTestSupport
@testable import RenjuModel
import RenjuReading

final class PeriodTests: XCTestCase {
    func testEverySpellingOfAQuarter() {
        for s in ["2025Q3", "2025-Q3", "2025年第三季度", "2025年三季度", "2025年第3季度", "２０２５Ｑ３", "2025q3", " 2025年3季度 "] {
            XCTAssertEqual(Period.parse(s), Period(year: 2025, quarter: 3), s)
        }
    }

    func testMonthsAndYears() {
        XCTAssertEqual(Period.parse("2025-07"), Period(year: 2025, month: 7))
        XCTAssertEqual(Period.parse("2025年7月"), Period(year: 2025, month: 7))
        XCTAssertEqual(Period.parse("2025"), Period(year: 2025))
        XCTAssertEqual(Period.parse("2025年"), Period(year: 2025))
        XCTAssertNil(Period.parse("2025Q5"))
        XCTAssertNil(Period.parse("2025年第五季度"))
        XCTAssertNil(Period.parse("报告期"))
        XCTAssertNil(Period.parse("2025-13"))
    }

    func testPreviousPeriodCrossesTheYear() {
        XCTAssertEqual(Period(year: 2025, quarter: 1).previous, Period(year: 2024, quarter: 4))
        XCTAssertEqual(Period(year: 2025, quarter: 3).previous, Period(year: 2025, quarter: 2))
        XCTAssertEqual(Period(year: 2025, month: 1).previous, Period(year: 2024, month: 12))
        XCTAssertEqual(Period(year: 2025, quarter: 3).description, "2025Q3")
        XCTAssertEqual(Period(year: 2025, quarter: 3).endDate.description, "2025-09-30")
    }

    func testTheUsualSpellingOfAQuarterReadsAsEveryOther() {
        // `2025Q3` is read from its bytes: the same period (or none) as `2025年第3季度`.
        for y in [1899, 1900, 2025, 2999, 3000] {
            for q in 0...5 {
                for letter in ["Q", "q"] {
                    XCTAssertEqual(Period.parse("\(y)\(letter)\(q)"), Period.parse("\(y)年第\(q)季度"), "\(y)\(letter)\(q)")
                }
            }
        }
        XCTAssertEqual(Period.parse("2025Q3"), Period(year: 2025, quarter: 3))
        XCTAssertNil(Period.parse("2025X3"))
        // `2025年第三季度` and its variants, read from their characters: as the general reading reads them.
        for y in ["1899", "1900", "2025", "2999", "3000", "２０２５", "20251"] {
            for q in ["第三季度", "三季度", "第3季度", "3季", "第四季", "第五季度", "第0季度", "第一季度 ", "第二季度度", "二季", "第2", "上半年", "Q3"] {
                XCTAssertEqual(Period.parse(y + "年" + q), Period.parseSpelling(y + "年" + q), y + "年" + q)
            }
        }
        XCTAssertEqual(Period.parse("2025年第三季度"), Period(year: 2025, quarter: 3))
    }

    func testPeriodFoundInAFormTitle() {
        XCTAssertEqual(Period.find(in: "西吉县2025年三季度农村人居环境整治进度统计表"), Period(year: 2025, quarter: 3))
        XCTAssertEqual(Period.find(in: "西吉县2025Q3农村人居环境整治进度统计表"), Period(year: 2025, quarter: 3))
        XCTAssertNil(Period.find(in: "农村人居环境整治进度统计表"))
    }

    func testDates() {
        XCTAssertEqual(CivilDate.parse("2025年10月8日"), CivilDate(year: 2025, month: 10, day: 8))
        XCTAssertEqual(CivilDate.parse("2025-10-08"), CivilDate(year: 2025, month: 10, day: 8))
        XCTAssertEqual(CivilDate.parse("2025/10/8"), CivilDate(year: 2025, month: 10, day: 8))
        XCTAssertNil(CivilDate.parse("2025-02-30"))
        XCTAssertEqual(CivilDate(excelSerial: 45938), CivilDate(year: 2025, month: 10, day: 8))
        // `2025-10-08` is read from its bytes: the same day (or none) as the same date written out.
        for y in [1899, 1900, 2024, 2025, 2100, 2999, 3000] {
            for m in 0...13 {
                for d in [0, 1, 28, 29, 30, 31, 32] {
                    let iso = String(format: "%04d-%02d-%02d", y, m, d)
                    XCTAssertEqual(CivilDate.parse(iso), CivilDate.parse("\(y)年\(m)月\(d)日"), iso)
                }
            }
        }
        XCTAssertNil(CivilDate.parse("2025-1a-08"))
        XCTAssertEqual(CivilDate(year: 2025, month: 9, day: 30).adding(days: 10), CivilDate(year: 2025, month: 10, day: 10))
    }
}

final class CellParserTests: XCTestCase {
    func testMessyNumbersAreRead() {
        XCTAssertEqual(CellParser.read(text: "1,234", kind: .flow), .value(1234))
        XCTAssertEqual(CellParser.read(text: "１２３４．５", kind: .flow), .value(1234.5))
        XCTAssertEqual(CellParser.read(text: "  56 ", kind: .stock(.free)), .value(56))
        XCTAssertEqual(CellParser.read(text: "81.29%", kind: .rate(numerator: "a", denominator: "b")), .value(81.29))
        XCTAssertEqual(CellParser.read(text: "６９．４５%", kind: .rate(numerator: "a", denominator: "b")), .value(69.45))
        XCTAssertEqual(CellParser.read(text: "-4", kind: .stock(.free)), .value(-4))
    }

    func testPlainDecimalsAreReadExactlyAsTheStandardParserReadsThem() {
        // The reader's fast path for plain decimals must give the very same double as a full parse.
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<50_000 {
            let digits = Int.random(in: 1...17, using: &rng)
            var s = (0..<digits).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
            let dot = Int.random(in: 0...digits, using: &rng)
            if dot < digits { s.insert(".", at: s.index(s.startIndex, offsetBy: dot)) }
            if Bool.random(using: &rng) { s = "-" + s }
            guard let expected = Double(s) else { continue }
            XCTAssertEqual(CellParser.read(text: s, kind: .flow), .value(expected), s)
        }
        XCTAssertEqual(CellParser.read(text: "0.1", kind: .flow), .value(0.1))
        XCTAssertEqual(CellParser.read(text: "77.24", kind: .flow), .value(77.24))
        XCTAssertEqual(CellParser.read(text: "123456789012.345", kind: .flow), .value(123456789012.345))
    }

    func testFlags() {
        XCTAssertEqual(CellParser.read(text: "是", kind: .flag), .value(1))
        XCTAssertEqual(CellParser.read(text: "否", kind: .flag), .value(0))
        XCTAssertEqual(CellParser.read(text: "1", kind: .flag), .value(1))
        XCTAssertEqual(CellParser.read(text: "0", kind: .flag), .value(0))
        XCTAssertEqual(CellParser.read(.bool(true), kind: .flag), .value(1))
    }

    func testBlanksAndProblems() {
        for s in ["", "—", "-", "/", "  "] { XCTAssertEqual(CellParser.read(text: s, kind: .flow), .blank, s) }
        XCTAssertEqual(CellParser.read(text: "#VALUE!", kind: .flow), .excelError("#VALUE!"))
        XCTAssertEqual(CellParser.read(.error("#DIV/0!"), kind: .flow), .excelError("#DIV/0!"))
        XCTAssertEqual(CellParser.read(.formulaWithoutValue("B2/C2"), kind: .flow), .formulaWithoutValue("B2/C2"))
        XCTAssertEqual(CellParser.read(text: "约50", kind: .flow), .notANumber("约50"))
        XCTAssertEqual(CellParser.read(text: "12%", kind: .flow), .notANumber("12%"), "a % sign only on rates")
        XCTAssertEqual(CellParser.read(text: "1,23", kind: .flow), .notANumber("1,23"), "commas only as thousands separators")
    }

    func testExcelPrecisionIsFifteenSignificantDigitsForAnyValue() {
        // Whatever shortcut excelPrecision takes, it must equal printing with %.15g and reading back.
        var rng = SystemRandomNumberGenerator()
        for i in 0..<50_000 {
            let x: Double
            if i % 2 == 0 {
                // A figure as typed (a few decimals), sometimes with binary noise from a formula.
                let m = Double(Int64.random(in: -10_000_000_000...10_000_000_000, using: &rng))
                let base = m / [1.0, 10, 100, 1000, 10_000][Int.random(in: 0...4, using: &rng)]
                x = Bool.random(using: &rng) ? base : base.nextUp
            } else {
                x = Double.random(in: 1e-4...1e14, using: &rng) * (Bool.random(using: &rng) ? 1 : -1)
            }
            let reference = Double(String(format: "%.15g", x)) ?? x
            XCTAssertEqual(excelPrecision(x), reference, "\(x)")
        }
    }

    func testRoundingByTheIntegerConversionIsRoundingToNearestAwayFromZero() {
        // excelPrecision's rounding, held to the library's for every kind of value below 2⁵²:
        // halves both ways, just beside them, negatives, small and large magnitudes.
        var rng = SystemRandomNumberGenerator()
        var values: [Double] = [0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994, 0x1p52 - 0.5,
                                -(0x1p52 - 0.5), 0x1p51 + 0.5, 4503599627370495.5, 1e15 - 0.5, 0.1, -0.1, 1e-300, -1e-300]
        for _ in 0..<100_000 {
            let k = Double(Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &rng))
            values += [k + 0.5, k - 0.5, (k + 0.5).nextUp, (k + 0.5).nextDown,
                       Double.random(in: -0x1p52...0x1p52, using: &rng), Double.random(in: -10...10, using: &rng)]
        }
        for y in values where abs(y) < 0x1p52 {
            // (Zero's sign aside: both compare equal, as every use of it compares.)
            XCTAssertEqual(roundedHalfAway(y), y.rounded(), "\(y)")
        }
    }

    func testExcelBinaryNoiseIsRoundedAway() {
        XCTAssertEqual(CellParser.read(.number(77.23999999999999), kind: .flow), .value(77.24))
        XCTAssertEqual(shortestDecimal(12.5), "12.5")
        XCTAssertEqual(shortestDecimal(3), "3")
        XCTAssertEqual(shortestDecimal(0), "0")
        XCTAssertEqual(shortestDecimal(0.1 + 0.2), "0.3")
    }

    func testUnitCodes() {
        XCTAssertEqual(UnitCode("640422")?.rawValue, "640422000000")
        XCTAssertEqual(UnitCode("６４０４２２１００２０１")?.rawValue, "640422100201")
        XCTAssertNil(UnitCode("64042210020A"))
        XCTAssertNil(UnitCode("6404221002011"))
        XCTAssertEqual(UnitCode("640422208299")?.structuralParent?.rawValue, "640422208000")
        XCTAssertEqual(UnitCode("640422208000")?.structuralParent?.rawValue, "640422000000")
        // Codes read from their bytes and read as text agree: blanks around, a blank inside, one digit.
        XCTAssertEqual(UnitCode(" 640422100201")?.rawValue, "640422100201")
        XCTAssertEqual(UnitCode("640422100201 ")?.rawValue, "640422100201")
        XCTAssertNil(UnitCode("6404 22100201"))
        XCTAssertNil(UnitCode("6"))
    }

    func testLevelsAreReadInAnyCase() {
        // A divisions file's level column: what `Level(rawValue:)` reads once lowercased.
        for level in Level.allCases {
            XCTAssertEqual(Level(written: level.rawValue), level)
            XCTAssertEqual(Level(written: level.rawValue.uppercased()), level)
            XCTAssertEqual(Level(written: level.rawValue.capitalized), level)
        }
        XCTAssertNil(Level(written: "town"))
        XCTAssertNil(Level(written: ""))
    }
}
