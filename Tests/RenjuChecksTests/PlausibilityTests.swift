import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReading
import RenjuReference
@testable import RenjuChecks

/// The p-quantile of sorted values by the (n+1)p rule, as a textbook computes it.
private func sortedQuantile(_ s: [Double], _ p: Double) -> Double {
    let h = Double(s.count + 1) * p
    if h <= 1 { return s[0] }
    if h >= Double(s.count) { return s[s.count - 1] }
    let lo = Int(h.rounded(.down))
    return s[lo - 1] + (h - Double(lo)) * (s[lo] - s[lo - 1])
}

/// The statistical detectors, with expectations computed by hand.
final class PlausibilityTests: XCTestCase {
    func testWorkOnEveryCoreKeepsTheInputOrder() {
        // Files and checks are processed side by side; reports must not depend on which finished first.
        for n in [0, 1, 2, 13, 1_000, 100_003] {
            let xs = Array(0..<n)
            XCTAssertEqual(xs.concurrentMap { $0 * 3 + 1 }, xs.map { $0 * 3 + 1 }, "n=\(n)")
        }
    }

    func testMediansAndQuartilesBySelectionEqualThoseOfTheSortedValues() {
        // The detectors select order statistics in linear time; they must be exactly the textbook ones.
        var rng = SystemRandomNumberGenerator()
        func sortedMedian(_ s: [Double]) -> Double { let n = s.count; return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2 }
        for n in [1, 2, 3, 4, 5, 7, 10, 31, 100, 1001] {
            for _ in 0..<50 {
                // Few distinct values as well as many: ties are the hard case for selection.
                let spread = Bool.random(using: &rng) ? 3 : 1_000_000
                let xs = (0..<n).map { _ in Double(Int.random(in: 0..<spread, using: &rng)) / 7 }
                let s = xs.sorted()
                XCTAssertEqual(OrderStatistics.median(xs), sortedMedian(s))
                for p in [0.25, 0.75, 0.1, 0.9] { XCTAssertEqual(OrderStatistics.quantile(xs, p), sortedQuantile(s, p), "n=\(n) p=\(p)") }
            }
        }
    }

    /// Benford's gate asks for the 1 % and 99 % points of a province's values; they are found
    /// among the values beyond two bounds a sample gives, not by partitioning all. They must be the
    /// textbook ones whatever the values: spread, heaped on a few values, sorted, reversed, with
    /// outliers placed where the sample does not look, and with one half of a tail all equal.
    func testTailQuantilesOfManyValuesEqualThoseOfTheSortedValues() {
        var seed: UInt64 = 7
        func next(_ n: Int) -> Int { seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Int(seed >> 33) % n }
        var sets: [(String, [Double])] = []
        for n in [16_384, 50_000, 123_457] {
            sets.append(("spread \(n)", (0..<n).map { _ in exp(Double(next(1_000_000)) / 100_000) }))
            sets.append(("few values \(n)", (0..<n).map { _ in Double(next(5)) }))
            sets.append(("sorted \(n)", (0..<n).map(Double.init)))
            sets.append(("reversed \(n)", (0..<n).map { Double(n - $0) }))
            // Outliers off the sample's stride (the sample reads every n/2048-th value).
            var hidden = (0..<n).map { _ in Double(100 + next(50)) }
            for k in 0..<(n / 50) { hidden[k * 50 + 1] = k % 2 == 0 ? 0.001 * Double(k + 1) : 1e9 + Double(k) }
            sets.append(("hidden tails \(n)", hidden))
            // The lowest 3 % one value: the bound falls on it.
            sets.append(("flat low tail \(n)", (0..<n).map { i in i % 33 == 0 ? 1 : Double(2 + next(1000)) }))
        }
        for (name, xs) in sets {
            let s = xs.sorted()
            for ps in [[0.01, 0.99], [0.99, 0.01], [0.001, 0.05, 0.95, 0.999], [0.0, 1.0]] {
                XCTAssertEqual(OrderStatistics.quantiles(xs, ps), ps.map { sortedQuantile(s, $0) }, "\(name) \(ps)")
            }
        }
        XCTAssertNotNil(OrderStatistics.tailQuantiles((0..<50_000).map(Double.init), [0.01, 0.99]), "a spread of many values takes the short way")
        XCTAssertNil(OrderStatistics.tailQuantiles((0..<50_000).map(Double.init), [0.01, 0.5]), "a median is not a tail")
        var withNaN = (0..<50_000).map(Double.init); withNaN[777] = .nan
        XCTAssertNil(OrderStatistics.tailQuantiles(withNaN, [0.01, 0.99]), "a NaN sends the values the plain way")
    }

    func testQuartilesByTheNPlusOnePRule() throws {
        let xs = [7.0, 1, 3, 5, 9, 11, 13]  // sorted 1 3 5 7 9 11 13, n = 7
        XCTAssertEqual(OrderStatistics.quantile(xs, 0.25), 3)        // h = 2
        XCTAssertEqual(OrderStatistics.quantile(xs, 0.75), 11)       // h = 6
        XCTAssertEqual(OrderStatistics.quantile([1, 2, 3, 4], 0.25), 1.25)  // h = 1.25
        XCTAssertEqual(OrderStatistics.quantile([1, 2, 3, 4], 0.75), 3.75)  // h = 3.75
        XCTAssertEqual(OrderStatistics.quantile([1, 2], 0.75), 2, "clamped at the last value")
        XCTAssertEqual(OrderStatistics.median([4, 1, 3, 2]), 2.5)
    }

    func testHBFlagsBothTails() throws {
        // Ratios 1, 1.1, 0.9, 1, 3, 0.2, 1.05 → median 1.
        let pairs: [(current: Double, previous: Double)] = [(10, 10), (11, 10), (9, 10), (10, 10), (30, 10), (2, 10), (10.5, 10)]
        let s = try XCTUnwrap(HidiroglouBerthelot(excludeRepeats: false).run(pairs))
        XCTAssertEqual(s.medianRatio, 1)
        // E: 0, 0.1·√11, (1 − 1/0.9)·√10, 0, 2·√30, −4·√10, 0.05·√10.5; M = 0, Q1 = E(2nd) = −0.35136, Q3 = E(6th) = 0.33166.
        let r = s.results
        XCTAssertEqual(r[1].effect, 0.1 * 11.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(r[2].effect, (1 - 1 / 0.9) * 10.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(r[0].low, -4 * 0.351364, accuracy: 1e-5)
        XCTAssertEqual(r[0].high, 4 * 0.331662, accuracy: 1e-5)
        XCTAssertEqual(s.outliers.map(\.index), [4, 5], "the 3-fold jump and the fall to a fifth")
    }

    func testHBSpreadIsFlooredAtAM() throws {
        // Ratios 1,1,1,2,2,2: median 1.5; E = −5 (×3) and (2/1.5 − 1)·√200 (×3); M = (−5 + 4.714)/2.
        let pairs: [(current: Double, previous: Double)] = [(100, 100), (100, 100), (100, 100), (200, 100), (200, 100), (200, 100)]
        let e = (2 / 1.5 - 1) * 200.0.squareRoot()
        let m = (-5 + e) / 2
        let usual = try XCTUnwrap(HidiroglouBerthelot(excludeRepeats: false).run(pairs))
        XCTAssertEqual(usual.results[0].low, m - 4 * (m - -5), accuracy: 1e-9, "d_L = M − Q1")
        let floored = try XCTUnwrap(HidiroglouBerthelot(a: 100, excludeRepeats: false).run(pairs))
        XCTAssertEqual(floored.results[0].low, m - 4 * abs(100 * m), accuracy: 1e-9, "d_L = |A·M| when larger")
        XCTAssertEqual(floored.results[0].high, m + 4 * abs(100 * m), accuracy: 1e-9)
    }

    func testHBNeedsFiveUnitsWithPositiveValues() {
        let four: [(current: Double, previous: Double)] = [(1.5, 1), (2, 1), (3, 1), (9, 1)]
        XCTAssertNil(HidiroglouBerthelot().run(four))
        XCTAssertNil(HidiroglouBerthelot().run(four + [(5, 0), (0, 5)]), "zeros do not count")
        XCTAssertNotNil(HidiroglouBerthelot().run(four + [(5, 4)]))
        XCTAssertNil(HidiroglouBerthelot().run(four + [(5, 5)]), "a figure equal to last period's does not count")
    }

    /// Repetition is not noise: figures equal to last period's are left out of the median and the
    /// quartiles. 144 of 180 villages repeating would otherwise make the median ratio 1 and every
    /// honest +1.6 % look extreme.
    func testHBLeavesRepeatsOutOfItsQuartiles() throws {
        let moved: [(current: Double, previous: Double)] = [(10.16, 10), (20.3, 20), (15.25, 15), (30.5, 30), (12.2, 12), (8.13, 8)]
        let repeats = Array(repeating: (current: 10.0, previous: 10.0), count: 24)
        let s = try XCTUnwrap(HidiroglouBerthelot().run(repeats + moved))
        XCTAssertEqual(s.results.count, 6, "only the units that moved are judged")
        // Ratios 1.016, 1.015, 1.016667, 1.016667, 1.016667, 1.01625: sorted, the middle two are 1.01625 and 1.016667.
        XCTAssertEqual(s.medianRatio, (1.01625 + 1.0166667) / 2, accuracy: 1e-6, "the median of the moved units' ratios")
        XCTAssertEqual(s.outliers.count, 0, "+1.5–1.7 % changes are ordinary among units that moved")
        // The textbook test, repeats in: median ratio 1, and the +1.6 % units all fall outside.
        let textbook = try XCTUnwrap(HidiroglouBerthelot(excludeRepeats: false).run(repeats + moved))
        XCTAssertEqual(textbook.medianRatio, 1)
        XCTAssertEqual(textbook.outliers.count, 6)
    }

    /// An improbable change must also matter: at least `minRelative` from the median ratio and
    /// `minAbsolute` in the indicator's units.
    func testHBOutliersMustBeMaterial() throws {
        // Tight ratios around 1.15; one village at 1.033 (−10 % against the median) and one at 3.
        let pairs: [(current: Double, previous: Double)] = [(23, 20), (23.2, 20), (22.9, 20), (23.1, 20), (22.95, 20), (23.05, 20), (20.66, 20), (60, 20)]
        let improbable = try XCTUnwrap(HidiroglouBerthelot().run(pairs))
        XCTAssertEqual(improbable.outliers.map(\.index), [6, 7], "without a floor both are outside the narrow interval")
        let material = try XCTUnwrap(HidiroglouBerthelot(minRelative: 0.2, minAbsolute: 1).run(pairs))
        // 1.033 / 1.1525 − 1 = −10 %: not material; 3 / 1.1525 − 1 = +160 %, 60 − 23.05 = 37 t: material.
        XCTAssertEqual(material.outliers.map(\.index), [7])
        let big = try XCTUnwrap(HidiroglouBerthelot(minRelative: 0.2, minAbsolute: 40).run(pairs))
        XCTAssertEqual(big.outliers.map(\.index), [], "37 t from the expected figure is below a 40 t floor")
    }

    func testRobustScore() throws {
        XCTAssertNil(RobustScore().scores([5, 5, 5, 5, 9]), "MAD 0: skipped")
        let (med, mad, z) = try XCTUnwrap(RobustScore().scores([1, 2, 3, 4, 100]))
        XCTAssertEqual(med, 3); XCTAssertEqual(mad, 1)
        XCTAssertEqual(z[4], 0.6745 * 97, accuracy: 1e-12)
        XCTAssertEqual(z[0], -1.349, accuracy: 1e-12)
        XCTAssertNil(RobustScore().scores([1, 2, 3, 4]), "too few units")
    }

    func testBenfordMAD() throws {
        // Exactly Benford-shaped first digits: close.
        let counts = [301, 176, 125, 97, 79, 67, 58, 51, 46]
        var xs: [Double] = []
        for (i, n) in counts.enumerated() { xs += Array(repeating: Double(i + 1) * 10 + 3, count: n) }
        let close = try XCTUnwrap(Benford().test(xs))
        XCTAssertEqual(close.count, 1000)
        XCTAssertLessThan(close.mad, 0.001)
        XCTAssertEqual(close.verdict, .close)
        // Uniform first digits: MAD = mean |1/9 − log10(1 + 1/d)| = 0.0597.
        let uniform = (1...9).flatMap { d in Array(repeating: Double(d) * 100, count: 20) }
        let u = try XCTUnwrap(Benford().test(uniform))
        XCTAssertEqual(u.mad, 0.059717, accuracy: 1e-5)
        XCTAssertEqual(u.verdict, .nonconformity)
        XCTAssertNil(Benford().test(Array(repeating: 12, count: 99)), "fewer than 100 values")
        XCTAssertEqual(Benford.firstDigit(0.0456), 4)
        XCTAssertEqual(Benford.firstDigit(98_765), 9)
        XCTAssertNil(Benford.firstDigit(0))
    }

    func testDuplicateRowGroups() {
        let a: [IndicatorID: Double] = ["households": 500, "sanitary_toilet_hh": 400, "sewage_treated_hh": 200, "road_total_km": 10.5,
                                        "road_hardened_km": 8.25, "garbage_generated_t": 20.1, "cleaners": 0]
        var b = a; b["cleaners"] = 6
        var c = a; c["households"] = 501; c["road_total_km"] = 10.4
        XCTAssertEqual(DuplicateRowsCheck.groups([a, b, c], minimum: 6), [[0, 1]], "a and b share 6 non-zero values; c only 4")
        XCTAssertEqual(DuplicateRowsCheck.groups([a, c], minimum: 6), [])
        XCTAssertEqual(DuplicateRowsCheck.groups([a, b, a, c], minimum: 6), [[0, 1, 2]], "a row copied twice")
        // Forty villages that all have one public toilet, four cleaners, five renovated houses…:
        // common values are no sign of copying.
        let common: [IndicatorID: Double] = ["public_toilets_built": 1, "cleaners": 4, "dilapidated_houses_renovated": 5,
                                             "garbage_facilities_added": 1, "illegal_buildings_found": 10, "illegal_buildings_removed": 6]
        let many: [[IndicatorID: Double]] = (0..<40).map { (i: Int) -> [IndicatorID: Double] in
            var row = common
            row["households"] = Double(300 + i)
            row["road_total_km"] = 10 + Double(i) / 7
            return row
        }
        XCTAssertEqual(DuplicateRowsCheck.groups(many, minimum: 6), [])
    }

    /// The groups found by hashing each column's values are those of the rule itself, pair by pair:
    /// two rows are copies when at least `minimum` of their non-zero values are equal and rare (in
    /// 2 to `common` rows). Checked against that definition on forms of many sizes, with copied
    /// rows, chains of copies, shared common values, negative values and blanks.
    func testDuplicateRowGroupsAreThePairsTheRuleDefines() {
        var seed: UInt64 = 42
        func next(_ n: Int) -> Int { seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Int(seed >> 33) % n }
        // Up to 512 rows a table counts each pair's shared values; beyond, sorted notes do.
        XCTAssertEqual(DuplicateRowsCheck.countedRows, 512)
        for rows in [2, 5, 39, 40, 41, 120, 400, 700] {
            let width = 10
            var columns: [[Double?]] = (0..<width).map { c in
                (0..<rows).map { _ -> Double? in
                    switch next(10) {
                    case 0: return nil
                    case 1: return 0
                    default: return Double(next(c < 3 ? 8 : 60 + rows)) * (c == 9 ? -0.5 : 1)
                    }
                }
            }
            // Copies: some rows take another row's values in most columns.
            for _ in 0..<(rows / 10 + 1) where rows > 1 {
                let from = next(rows), to = next(rows)
                for c in 0..<width where next(4) > 0 { columns[c][to] = columns[c][from] }
            }
            let common = rows < 40 ? Int.max : max(3, min(DuplicateRowsCheck.maxShared, Int((0.05 * Double(rows)).rounded(.down))))
            let counts: [[Double: Int]] = columns.map { col in col.reduce(into: [:]) { if let v = $1 { $0[v, default: 0] += 1 } } }
            func rare(_ v: Double?, _ c: Int) -> Bool {
                guard let v, v != 0 else { return false }
                let k = counts[c][v] ?? 0
                return k > 1 && k <= common
            }
            var parent = Array(0..<rows)
            func root(_ i: Int) -> Int { var i = i; while parent[i] != i { i = parent[i] }; return i }
            for a in 0..<rows {
                for b in (a + 1)..<rows {
                    let shared = (0..<width).filter { c in columns[c][a] == columns[c][b] && rare(columns[c][a], c) }.count
                    if shared >= 4 { parent[root(b)] = root(a) }
                }
            }
            let expected = Dictionary(grouping: 0..<rows, by: root).values.filter { $0.count > 1 }.map { $0.sorted() }.sorted { $0[0] < $1[0] }
            XCTAssertEqual(DuplicateRowsCheck.groups(columns: columns, rows: rows, minimum: 4), expected, "\(rows) rows")
            if rows >= 40 { XCTAssertFalse(expected.isEmpty, "copies are planted in \(rows) rows") }
        }
    }

    // MARK: through the validator

    func testCopiedVillageRowsAreWarnedNamingEveryUnit() throws {
        let reference = try testReference()
        let a = villageValues()
        let r = validate([cleanTownship(a: a, b: a)], reference: reference)
        let dups = r.findings.filter { $0.rule.description == "duplicate.rows" }
        XCTAssertEqual(Set(dups.compactMap(\.unit?.rawValue)), ["640422100201", "640422100202"])
        XCTAssertTrue(dups.allSatisfy { $0.message.zh.contains("640422100201") && $0.message.zh.contains("640422100202") })
        XCTAssertFalse(validate([cleanTownship()], reference: reference).rules().contains("duplicate.rows"))
    }

    /// Two villages of a township with the same flows are told, the later naming the earlier —
    /// alike whether the township's villages are few (compared in a list) or many (by a dictionary).
    func testCopiedFlowsAreToldAlikeInSmallAndLargeTownships() throws {
        for n in [10, UniformityCheck.listedChildren + 16] {
            var div = "code,name,level,parent\n640422000000,西吉县,county,\n640422100000,吉强镇,township,640422000000\n"
            func code(_ i: Int) -> String { "640422100\(200 + i)" }
            for i in 1...n { div += "\(code(i)),村\(i),village,640422100000\n" }
            let reference = try testReference(divisions: div)
            var villages: [[String: Double?]] = []
            var rows: [(String, [String: Double?])] = []
            for i in 1...n {
                let k = Double(i == n - 1 ? 3 : i)  // the next-to-last village repeats the third's flows
                let v = villageValues(generated: 20 + k, collected: 18 + k / 2, harmless: 16 + k / 4, found: 10 + k, removed: 6 + k, investment: 100 + k)
                villages.append(v); rows.append((code(i), v))
            }
            let r = validate([longCSV(period: "2025Q3", rows: [("640422100000", totalValues(villages))] + rows)], reference: reference)
            let copied = r.findings.filter { $0.rule == UniformityCheck.flows }
            XCTAssertEqual(copied.map(\.unit?.rawValue), [code(n - 1)], "\(n) villages")
            XCTAssertTrue(copied.allSatisfy { $0.message.zh.contains(code(3)) }, "\(n) villages: \(copied.map(\.message.zh))")
        }
    }

    func testHBJumpInAFlowAcrossPeerVillages() throws {
        // Eight villages whose garbage barely moves, one whose garbage is 7.5 times last quarter's.
        var div = "code,name,level,parent\n640422000000,西吉县,county,\n640422100000,吉强镇,township,640422000000\n"
        for i in 1...8 { div += "64042210020\(i),村\(i),village,640422100000\n" }
        let reference = try testReference(divisions: div)
        func quarter(_ p: String, jump: Bool) -> String {
            var rows: [(String, [String: Double?])] = []
            var villages: [[String: Double?]] = []
            for i in 1...8 {
                let drift = [0.97, 1.02, 1.0, 0.99, 1.04, 0.96, 1.01, 1.03][i - 1]
                let g = (20.0 + Double(i) * 3) * (p == "2025Q3" ? drift : 1)
                let gen = jump && i == 3 ? g * 7.5 : g
                let v = villageValues(generated: (gen * 10).rounded() / 10, collected: (gen * 8).rounded() / 10, harmless: (gen * 7).rounded() / 10,
                                      investment: p == "2025Q3" ? 150 : 100)
                villages.append(v); rows.append(("64042210020\(i)", v))
            }
            return longCSV(period: p, rows: [("640422100000", totalValues(villages))] + rows)
        }
        let r = validate([quarter("2025Q2", jump: false), quarter("2025Q3", jump: true)], reference: reference)
        let hb = r.findings.filter { $0.rule.description == "outlier.hb" }
        XCTAssertEqual(Set(hb.compactMap(\.unit?.rawValue)), ["640422100203"])
        // The three garbage flows jumped together: one finding (indicators.yaml related:) naming the other two.
        XCTAssertEqual(hb.compactMap(\.indicator?.rawValue), ["garbage_generated_t"])
        let f = try XCTUnwrap(hb.first { $0.indicator == "garbage_generated_t" })
        XCTAssertTrue(f.message.zh.contains("生活垃圾集中收运量") && f.message.zh.contains("生活垃圾无害化处理量"), f.message.zh)
        XCTAssertEqual(f.severity, .warning)
        XCTAssertTrue(f.message.zh.contains("7.5 倍") && f.message.zh.contains("中位比值"), f.message.zh)
        XCTAssertFalse(validate([quarter("2025Q2", jump: false), quarter("2025Q3", jump: false)], reference: reference).rules().contains("outlier.hb"))
    }

    func testRoundNumbersAndBenfordAreInformation() throws {
        let reference = try testReference()
        let round = villageValues(households: 500, toilets: 400, sewage: 200, roadTotal: 10, roadHard: 10, generated: 20, collected: 20,
                                  harmless: 10, cleaners: 10, found: 10, removed: 10, area: 600, publicToilets: 10, houses: 10, green: 10, investment: 100)
        let r = validate([cleanTownship(a: round)], reference: reference)
        let f = try XCTUnwrap(r.findings.first { $0.rule.description == "digits.round" })
        XCTAssertEqual(f.unit?.rawValue, "640422100201")
        XCTAssertEqual(f.severity, .info)
        XCTAssertFalse(r.findings.contains { $0.rule.description == "digits.round" && $0.unit?.rawValue == "640422100202" })
    }

    /// Benford is tested only where it can hold: figures spread smoothly over orders of magnitude.
    /// Honest counts that cluster around a size are not tested; fabricated figures with flat first digits over a wide spread are found.
    func testBenfordOnlyWhereItsAssumptionHolds() throws {
        var csv = "code,name,level,parent\n640422000000,西吉县,county,\n640422100000,吉强镇,township,640422000000\n640422101000,兴隆镇,township,640422000000\n"
        let villages = (0..<1200).map { k in String(format: "6404221%02d%03d", k / 600, 201 + k % 600) }
        for (k, v) in villages.enumerated() { csv += "\(v),村\(k),village,\(k < 600 ? "640422100000" : "640422101000")\n" }
        let reference = try testReference(divisions: csv)
        var seed: UInt64 = 20251001
        func uniform() -> Double { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Double(seed >> 11) / Double(1 << 53) }
        func normal() -> Double { (-2 * log(max(uniform(), 1e-12))).squareRoot() * cos(2 * .pi * uniform()) }
        func quarter(_ values: [Double]) -> String {
            longCSV(period: "2025Q3", rows: zip(villages, values).map { ($0, ["illegal_area_removed_m2": $1.rounded()]) })
        }
        // Nine in ten around 30,000 (log10 spread 0.15), one in ten anywhere from 300 to 1,000,000:
        // two orders of magnitude between the 1st and 99th percentiles, first digits far from
        // Benford's (Nigrini MAD ≈ 0.08, "nonconformity"), yet honest — the log10 spread is ≈ 0.34.
        let clustered = villages.indices.map { k in k % 10 == 9 ? pow(10, 2.5 + 3.5 * uniform()) : 30_000 * pow(10, 0.15 * normal()) }
        let honest = validate([quarter(clustered)], reference: reference)
        XCTAssertFalse(honest.findings.contains { $0.rule == DigitsCheck.benford }, "clustered by design: not Benford's to judge")
        let flat = villages.map { _ in (1 + floor(uniform() * 9)) * pow(10, 1 + floor(uniform() * 4)) + floor(uniform() * 10) }
        let invented = validate([quarter(flat)], reference: reference)
        XCTAssertTrue(invented.findings.contains { $0.rule == DigitsCheck.benford && $0.indicator == "illegal_area_removed_m2" },
                      "first digits 1–9 equally often over four orders of magnitude")
    }

    /// Indicators that move together (indicators.yaml `related:`): a village whose garbage
    /// generated, collected and treated all tripled (27 t → 81 t, 24.3 → 72.9, 21.6 → 64.8) gets
    /// one finding naming the three.
    func testRelatedFlowsThatMoveTogetherAreOneFinding() throws {
        var csv = "code,name,level,parent\n640422000000,西吉县,county,\n640422100000,吉强镇,township,640422000000\n"
        let villages = (1...8).map { String(format: "640422100%03d", 200 + $0) }
        for (i, v) in villages.enumerated() { csv += "\(v),村\(i + 1),village,640422100000\n" }
        let reference = try testReference(divisions: csv)
        XCTAssertEqual(reference.catalog.related.first?.map(\.rawValue), ["garbage_generated_t", "garbage_collected_t", "garbage_harmless_t"])
        func quarter(_ p: String, _ factor: (Int) -> Double) -> String {
            longCSV(period: p, rows: villages.enumerated().map { k, v in
                let g = 20 + Double(k)
                return (v, ["garbage_generated_t": (g * factor(k) * 10).rounded() / 10, "garbage_collected_t": (g * 0.9 * factor(k) * 10).rounded() / 10,
                            "garbage_harmless_t": (g * 0.8 * factor(k) * 10).rounded() / 10])
            })
        }
        let growth: [Double] = [1.10, 1.12, 1.15, 1.13, 1.11, 1.14, 1.12, 3.0]
        let r = validate([quarter("2025Q2") { _ in 1 }, quarter("2025Q3") { growth[$0] }], reference: reference)
        let hb = r.findings.filter { $0.rule.description == "outlier.hb" }
        XCTAssertEqual(hb.count, 1, "\(hb.map(\.message.zh))")
        let f = try XCTUnwrap(hb.first)
        XCTAssertEqual(f.unit?.rawValue, villages[7])
        XCTAssertEqual(f.indicator, "garbage_generated_t")
        XCTAssertTrue(f.message.zh.contains("生活垃圾集中收运量 72.9吨") && f.message.zh.contains("生活垃圾无害化处理量 64.8吨"), f.message.zh)
    }

    /// When most villages repeat last quarter's flows, that is one finding for the county, and the
    /// few that moved by +1.5–1.7 % are not outliers among themselves.
    func testMostVillagesRepeatingIsOneFindingForTheCounty() throws {
        var csv = "code,name,level,parent\n640422000000,西吉县,county,\n640422100000,吉强镇,township,640422000000\n"
        let villages = (1...30).map { String(format: "640422100%03d", 200 + $0) }
        for (i, v) in villages.enumerated() { csv += "\(v),村\(i + 1),village,640422100000\n" }
        let reference = try testReference(divisions: csv)
        func quarter(_ p: String, moved: Int) -> String {
            longCSV(period: p, rows: villages.enumerated().map { k, v in
                let g = 20 + Double(k), f = k < moved ? 1.015 + 0.0005 * Double(k % 4) : 1
                return (v, ["garbage_generated_t": p == "2025Q2" ? g : (g * f * 10).rounded() / 10])
            })
        }
        let r = validate([quarter("2025Q2", moved: 0), quarter("2025Q3", moved: 10)], reference: reference)
        let f = try XCTUnwrap(r.findings.first { $0.rule == RepetitionShareCheck.id }, "\(r.findings.map(\.rule))")
        XCTAssertEqual(f.unit?.rawValue, "640422000000", "one finding, for the county")
        XCTAssertTrue(f.message.zh.hasPrefix("30 个村中有 20 个的当期量"), f.message.zh)
        XCTAssertEqual(r.findings.filter { $0.rule == RepetitionShareCheck.id }.count, 1)
        XCTAssertFalse(r.rules().contains("outlier.hb"), "the ten that moved are ordinary among themselves")
        // A few repeating villages are the per-unit checks' business, not the county's.
        XCTAssertFalse(validate([quarter("2025Q2", moved: 0), quarter("2025Q3", moved: 25)], reference: reference).rules().contains("temporal.repeated_share"))
    }
}
