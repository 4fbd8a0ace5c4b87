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

    /// A slot packs the code with its value in one word: any Int32 still comes back as set —
    /// rows past 8 million, negative values — through growing and overwriting.
    func testTheUnitIndexKeepsEveryValueWhateverItsSize() {
        let values: [Int32] = [0, 1, -1, 0x7F_FFFF, -0x7F_FFFF, 0x80_0000, -0x80_0000, -0x80_0001, Int32.max, Int32.min, 12_345_678]
        var index = UnitIndex()
        var expected: [UnitCode: Int32] = [:]
        for (i, v) in values.enumerated() {
            for k in 0..<50 {  // enough codes to grow the table several times
                let c = code(640_422_100_000 + UInt64(i) * 1000 + UInt64(k))
                index.set(c, v); expected[c] = v
            }
        }
        index.set(code(999_999_999_999), Int32.min); expected[code(999_999_999_999)] = Int32.min
        for (c, v) in expected { XCTAssertEqual(index[c], v, "\(c)") }
        XCTAssertEqual(index.count, expected.count)
        // A far value overwritten by a near one, and the other way round.
        let a = code(640_422_100_000 + 7 * 1000), b = code(640_422_100_000)
        index.set(a, 5); index.set(b, Int32.max)
        XCTAssertEqual(index[a], 5)
        XCTAssertEqual(index[b], Int32.max)
        XCTAssertEqual(index.count, expected.count)
    }

    func testRowsTriedNearTheLastFoundAreTheRowsTheIndexGives() {
        // The checks find each unit's row trying the one after the last found first: whatever the
        // order asked — as read, reversed, shuffled, with units twice and units the table lacks —
        // the answer is the index's own.
        var table = PeriodValues()
        let slots = table.register(["households"])
        let origin = table.origin(file: "县.csv", sheet: nil)
        var units: [UnitCode] = []
        for k in 0..<500 where k % 7 != 3 {
            let u = code(640_422_100_000 + UInt64(k / 20) * 1000 + 201 + UInt64(k % 20))
            units.append(u)
            XCTAssertTrue(table.appendRow(u, [Double(k)], PeriodValues.RowColumns(slots: slots, indicators: ["households"], fileColumns: [2]), origin: origin, row: k))
        }
        var rng = Stream(s: 7)
        let lacking = (0..<30).map { code(650_000_000_000 + UInt64($0)) }
        var shuffled = units + lacking + units.prefix(40)
        for i in shuffled.indices.reversed() { shuffled.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        for asked in [units, Array(units.reversed()), shuffled, lacking + units, units + units] {
            XCTAssertEqual(table.rows(of: asked), asked.map { table.row(of: $0) })
        }
        // One cursor walked in the order read, with units the table lacks between: each row as the index has it.
        var cursor = PeriodValues.RowCursor()
        for (k, u) in units.enumerated() {
            XCTAssertEqual(cursor.row(of: u, in: table), k)
            if k % 50 == 0 { XCTAssertNil(cursor.row(of: lacking[k % lacking.count], in: table)) }
        }
        XCTAssertEqual(cursor.row(of: units[0], in: table), 0, "back to the first")
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

    /// Every figure says the cell it was read from, whatever the mix: a wide form (the row's and
    /// column's places shared), a long table (each figure from its own row), figures without a cell
    /// (a store), overwritten figures, and tables of different layouts merged either way round —
    /// checked against a plain map of every (unit, indicator) after each step of a fixed stream.
    func testEveryFigureSaysItsCellAfterAnyMixOfFormsAndMerges() {
        let ids: [IndicatorID] = ["households", "cleaners", "road_total_km", "sanitary_toilet_hh", "investment_10k_yuan"]
        let units = (0..<30).map { code(640_422_100_201 + UInt64($0)) }
        struct Expected: Equatable { var value: Double; var source: SourceRef? }
        var rng = Stream(s: 7)
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        func fill(_ table: inout PeriodValues, _ model: inout [String: Expected], file: String, layout: [Int], steps: Int, units: [UnitCode]) {
            let slots = table.register(ids)
            let origin = table.origin(file: file, sheet: "数据")
            for step in 0..<steps {
                let unit = units[pick(units.count)]
                switch pick(6) {
                case 0, 1:  // a wide form's row: the indicators in the layout's columns
                    let row = 5 + pick(40)
                    let chosen = ids.indices.filter { _ in pick(3) > 0 }
                    let kept = table.setRow(unit, chosen.map { .init(value: Double(step), column: layout[$0], slot: slots[$0], indicator: ids[$0]) },
                                            origin: origin, row: row)
                    for (k, i) in chosen.enumerated() where !kept.contains(k) {
                        model["\(unit) \(ids[i])"] = Expected(value: Double(step), source: SourceRef(file: file, sheet: "数据", row: row, column: layout[i]))
                    }
                case 2:  // a long table: one figure, its own row, the value column
                    let i = pick(ids.count), row = 100 + pick(500)
                    let kept = table.setRow(unit, [.init(value: Double(step), column: 3, slot: slots[i], indicator: ids[i])], origin: origin, row: row)
                    if kept.isEmpty { model["\(unit) \(ids[i])"] = Expected(value: Double(step), source: SourceRef(file: file, sheet: "数据", row: row, column: 3)) }
                case 3:  // overwritten with a cell from anywhere (blanks read as zero, a fix)
                    let i = pick(ids.count)
                    let source = SourceRef(file: file, sheet: pick(2) == 0 ? "数据" : "附表", row: pick(60), column: pick(30))
                    table.set(unit, ids[i], Observation(Double(-step), source: source))
                    model["\(unit) \(ids[i])"] = Expected(value: Double(-step), source: source)
                case 5:  // a form's row appended whole (all the form's columns or some), else through setRow as the reader does
                    let row = 5 + pick(40)
                    let form = pick(2) == 0 ? Array(ids.indices) : [4, 0, 2]
                    let columns = PeriodValues.RowColumns(slots: form.map { slots[$0] }, indicators: form.map { ids[$0] }, fileColumns: form.map { layout[$0] })
                    let values = form.map { _ in pick(3) > 0 ? Double(step) : PeriodValues.blankEntry }
                    let filled = form.indices.filter { PeriodValues.figure(values[$0]) != nil }
                    let had = table.contains(unit)
                    let appended = table.appendRow(unit, values, columns, origin: origin, row: row)
                    if had && !filled.isEmpty { XCTAssertFalse(appended, "a unit the table has is never appended again") }
                    var stored = filled
                    if !appended {
                        let kept = table.setRow(unit, filled.map { .init(value: values[$0], column: layout[form[$0]], slot: slots[form[$0]], indicator: ids[form[$0]]) },
                                                origin: origin, row: row)
                        stored = filled.enumerated().filter { !kept.contains($0.offset) }.map(\.element)
                    }
                    for j in stored {
                        model["\(unit) \(ids[form[j]])"] = Expected(value: Double(step), source: SourceRef(file: file, sheet: "数据", row: row, column: layout[form[j]]))
                    }
                default:  // from a store: no cell, or no source at all
                    let i = pick(ids.count)
                    let source: SourceRef? = pick(2) == 0 ? nil : SourceRef(file: "store", sheet: nil)
                    table.set(unit, ids[i], Observation(Double(step) + 0.5, source: source))
                    model["\(unit) \(ids[i])"] = Expected(value: Double(step) + 0.5, source: source)
                }
            }
        }
        let elsewhere = (0..<30).map { code(640_422_200_201 + UInt64($0)) }  // another township's villages
        func assertSame(_ table: PeriodValues, _ model: [String: Expected], _ what: String) {
            var n = 0
            for u in units + elsewhere { for id in ids {
                let got = table.observation(u, id).map { Expected(value: $0.value, source: $0.source) }
                XCTAssertEqual(got, model["\(u) \(id)"], "\(what): \(u) \(id)")
                if got != nil { n += 1 }
            } }
            XCTAssertEqual(table.count, n, what)
        }
        for round in 0..<20 {
            var a = PeriodValues(), b = PeriodValues()
            var ma: [String: Expected] = [:], mb: [String: Expected] = [:]
            fill(&a, &ma, file: "甲县.xlsx", layout: [2, 3, 4, 5, 6], steps: 10 + pick(60), units: units)
            assertSame(a, ma, "round \(round), one table")
            fill(&b, &mb, file: "乙县.csv", layout: [6, 2, 9, 3, 4], steps: 10 + pick(60), units: units)
            let overwrite = round % 2 == 0
            var merged = a
            merged.merge(b, overwrite: overwrite)
            var mm = ma
            for (k, v) in mb where overwrite || mm[k] == nil { mm[k] = v }
            assertSame(merged, mm, "round \(round), merged (overwrite: \(overwrite))")
            assertSame(a, ma, "round \(round), the first table after the merge")
            // Tables of different units (another township's file, a store's slice): merged whole.
            var c = PeriodValues(), mc: [String: Expected] = [:]
            fill(&c, &mc, file: round % 3 == 0 ? "甲县.xlsx" : "丙县.xlsx", layout: round % 3 == 1 ? [6, 2, 9, 3, 4] : [2, 3, 4, 5, 6],
                 steps: 10 + pick(60), units: elsewhere)
            var joined = merged
            joined.merge(c, overwrite: overwrite)
            var mj = mm
            for (k, v) in mc { mj[k] = v }
            assertSame(joined, mj, "round \(round), another township's table merged")
            assertSame(c, mc, "round \(round), that table after the merge")
        }
    }

    /// A wide form's figures take their 8 bytes and little more: their cells are shared by row and
    /// column (a national quarter's 25 million figures fit in ≈ 200 MiB, not 400).
    func testAWideFormsFiguresTakeAboutEightBytesEach() {
        let ids = (0..<23).map { IndicatorID("indicator_\($0)") }  // the catalog's 23 a village
        var table = PeriodValues()
        let slots = table.register(ids)
        let origin = table.origin(file: "县.csv", sheet: nil)
        table.reserveCapacity(rows: 10_000)
        for r in 0..<10_000 {
            _ = table.setRow(code(640_422_100_000 + UInt64(r / 300) * 1000 + UInt64(r % 300)),
                             ids.indices.map { .init(value: Double(r), column: 2 + $0, slot: slots[$0], indicator: ids[$0]) }, origin: origin, row: r + 1)
        }
        XCTAssertEqual(table.count, 230_000)
        XCTAssertEqual(table.source(code(640_422_100_000 + 33 * 1000 + 1), "indicator_2"), SourceRef(file: "县.csv", row: 33 * 300 + 1 + 1, column: 4))
        // The figures' 8 bytes, and a row's code, place and unit-index slots (≤ 64 bytes).
        XCTAssertLessThan(table.allocatedBytes, 230_000 * 8 + 10_000 * 80, "every figure's own cell would add 1.8 MB")
    }
}
