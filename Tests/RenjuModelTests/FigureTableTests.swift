import XCTest
import RenjuModel

/// The unit index and the figure table a national quarter is kept in: every look-up finds what was
/// set, whatever the codes' pattern — a county's villages side by side, codes scattered over the
/// country, the first and last codes there are — and a row's figures go in with their cells.
final class FigureTableTests: XCTestCase {
    /// A small generator with a fixed stream (the test is the same on every run).
    struct Stream { var s: UInt64; mutating func next() -> UInt64 { s &+= 0x9E37_79B9_7F4A_7C15; var z = s; z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9; z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB; return z ^ (z >> 31) } }

    func code(_ v: UInt64) -> UnitCode { UnitCode(String(format: "%012llu", v))! }

    func testTheUnitIndexFindsEveryCodeItWasGivenAndNoOther() {
        var codes: [UnitCode] = []
        // Whole townships of villages one after another (how a county's file lists them)…
        for township in 0..<300 { for village in 0..<40 { codes.append(code(640_422_100_000 + UInt64(township) * 1000 + 201 + UInt64(village))) } }
        // …codes from all over the country, and the extremes of the code space.
        var rng = Stream(s: 34)
        for _ in 0..<20_000 { codes.append(code(100_000_000_000 + rng.next() % 800_000_000_000)) }
        codes += [code(0), code(999_999_999_999), code(999_999_999_000), code(1000), code(999)]
        var index = UnitIndex(), reference: [UnitCode: Int32] = [:]
        for (i, c) in codes.enumerated() { index.set(c, Int32(i)); reference[c] = Int32(i) }  // grown from 16 slots
        XCTAssertEqual(index.count, reference.count)
        for (c, v) in reference { XCTAssertEqual(index[c], v, "\(c)") }
        // Setting again changes the value and adds nothing.
        for c in codes.prefix(100) { index.set(c, -1) }
        XCTAssertEqual(index.count, reference.count)
        XCTAssertEqual(index[codes[0]], -1)
        // Codes never set are not found: neighbours of set ones included.
        for township in 0..<300 { XCTAssertNil(index[code(640_422_100_000 + UInt64(township) * 1000 + 999)]) }
        for _ in 0..<5_000 { let c = code(rng.next() % 1_000_000_000_000); XCTAssertEqual(index[c], reference[c], "\(c)") }
    }

    func testARowsFiguresGoInWithTheirCellsAndAFigureAlreadyThereIsKept() {
        var table = PeriodValues()
        let slots = table.register(["households", "cleaners", "road_total_km"])
        let origin = table.origin(file: "县.xlsx", sheet: "村")
        let unit = UnitCode("640422100201")!
        let kept = table.setRow(unit, [.init(value: 120, column: 2, slot: slots[0], indicator: "households"),
                                             .init(value: 3, column: 20_000, slot: slots[1], indicator: "cleaners")], origin: origin, row: 7)
        XCTAssertEqual(kept, [])
        XCTAssertEqual(table[unit, "households"], 120)
        XCTAssertEqual(table.source(unit, "households"), SourceRef(file: "县.xlsx", sheet: "村", row: 7, column: 2))
        // A column past the packed form's 16,384 still says its cell.
        XCTAssertEqual(table.source(unit, "cleaners"), SourceRef(file: "县.xlsx", sheet: "村", row: 7, column: 20_000))
        // The unit's second row: the figure it has is kept and named; a slot the table lacks, and a
        // slot that is another indicator's column, likewise (never written into).
        let again = table.setRow(unit, [.init(value: 999, column: 2, slot: slots[0], indicator: "households"),
                                         .init(value: 4.5, column: 4, slot: slots[2], indicator: "road_total_km"),
                                         .init(value: 1, column: 5, slot: 99, indicator: "households"),
                                         .init(value: 7, column: 6, slot: slots[2], indicator: "sanitary_toilet_hh")], origin: origin, row: 8)
        XCTAssertEqual(again, [0, 2, 3])
        XCTAssertNil(table[unit, "sanitary_toilet_hh"])
        XCTAssertEqual(table[unit, "households"], 120)
        XCTAssertEqual(table[unit, "road_total_km"], 4.5)
        XCTAssertEqual(table.source(unit, "road_total_km")?.row, 8)
    }

    func testFiguresInTheOrderAStoreWritesThem() {
        var table = PeriodValues()
        for (u, id, v) in [("640422100202", "cleaners", 2.0), ("640422100201", "households", 100), ("640422100201", "cleaners", 1),
                           ("640422100202", "households", 90), ("640422100203", "road_total_km", 1.5)] as [(String, IndicatorID, Double)] {
            table.set(UnitCode(u)!, id, Observation(v, source: nil))
        }
        let ordered = table.orderedFigures().map { "\($0.unit) \($0.indicator) \($0.value)" }
        let expected = table.units.flatMap { u in table.figures(of: u).sorted { $0.key < $1.key }.map { "\(u) \($0.key) \($0.value)" } }
        XCTAssertEqual(ordered, expected)
        XCTAssertEqual(ordered.first, "640422100201 cleaners 1.0")
        XCTAssertEqual(ordered.count, 5)
    }
}
