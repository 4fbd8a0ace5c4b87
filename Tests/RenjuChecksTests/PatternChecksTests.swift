import XCTest
import RenjuTestSupport
import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks

/// The plausibility detectors on small counties built by hand, each with the numbers worked out
/// here: what must be flagged is, with the figures that make it so, and what is ordinary is not.
final class PatternChecksTests: XCTestCase {
    /// A county with one township of `n` villages (640422100201 …).
    func county(villages n: Int) throws -> ReferenceData {
        var csv = "code,name,level,parent\n640422000000,西吉县,county,\n640422100000,吉强镇,township,640422000000\n"
        for i in 1...n { csv += "6404221002\(String(format: "%02d", i)),村\(i),village,640422100000\n" }
        return try testReference(divisions: csv)
    }

    func code(_ i: Int) -> String { "6404221002\(String(format: "%02d", i))" }

    func findings(_ r: ValidationResult, _ rule: String) -> [Finding] { r.findings.filter { $0.rule.description == rule } }

    func testARatioSeveralTimesThePeersIsFlaggedAndASmallFactorIsNot() throws {
        let ref = try county(villages: 10)
        // Nine villages: 20 t of garbage for 500 households (40 kg a household). Village 10: 200 t
        // (a × 10 slip: 400 kg). Village 9: 40 t (× 2, under the factor 2.5).
        var rows: [(String, [String: Double?])] = []
        for i in 1...10 {
            let g: Double = i == 10 ? 200 : i == 9 ? 40 : 20
            rows.append((code(i), ["households": 500, "garbage_generated_t": g, "garbage_collected_t": g * 0.9, "garbage_harmless_t": g * 0.8]))
        }
        let r = validate([longCSV(period: "2025Q3", rows: rows)], reference: ref)
        let hits = findings(r, "outlier.ratio").filter { $0.indicator == "garbage_generated_t" }
        XCTAssertEqual(hits.map { $0.unit?.rawValue }, [code(10)])
        XCTAssertEqual(hits.first?.value, 400, "kg a household: 200 t ÷ 500 × 1000")
        XCTAssertEqual(hits.first?.expected, 40)
        XCTAssertTrue(hits.first?.message.zh.contains("是中位数的 10.0 倍") == true, hits.first?.message.zh ?? "")
    }

    func testAYearToDateJumpFarBeyondThePaceIsFlagged() throws {
        let ref = try county(villages: 10)
        // Green area added, year to date: 0.10 in Q1, 0.20 by Q2 (0.10 a quarter). By Q3: 0.30 for
        // nine villages (pace 1), 0.80 for village 10 (an increase of 0.60: six times the pace).
        func rows(_ p: String, _ v: (Int) -> Double) -> String {
            longCSV(period: p, rows: (1...10).map { (code($0), ["green_area_added_10k_m2": v($0)]) })
        }
        let r = validate([rows("2025Q1") { _ in 0.10 }, rows("2025Q2") { _ in 0.20 }, rows("2025Q3") { $0 == 10 ? 0.80 : 0.30 }], reference: ref)
        let hits = findings(r, "outlier.ytd_pace")
        XCTAssertEqual(hits.map { $0.unit?.rawValue }, [code(10)])
        XCTAssertEqual(hits.first?.value ?? 0, 0.6, accuracy: 1e-9)
        XCTAssertEqual(hits.first?.expected ?? 0, 0.1, accuracy: 1e-9)
        XCTAssertTrue(hits.first?.message.zh.contains("6.0 倍") == true, hits.first?.message.zh ?? "")
    }

    func testFlowsRepeatedAreFlaggedOnlyWhereTheUnitsOwnChangesMakeItImprobable() throws {
        let ref = try county(villages: 2)
        // Village 1's garbage moved by 2.0 t (20 units of 0.1) every quarter, then repeats Q2 in Q3:
        // by chance about (1/41)³ ≈ 1.5e-5. Village 2's moved by 0.1 t (1 unit): about (1/3)³ ≈ 0.04.
        let big: [String: [Double]] = ["2024Q4": [20, 18, 16], "2025Q1": [22, 20, 18], "2025Q2": [24, 22, 20], "2025Q3": [24, 22, 20]]
        let small: [String: [Double]] = ["2024Q4": [10.0, 9.0, 8.0], "2025Q1": [10.1, 9.1, 8.1], "2025Q2": [10.2, 9.2, 8.2], "2025Q3": [10.2, 9.2, 8.2]]
        let texts = ["2024Q4", "2025Q1", "2025Q2", "2025Q3"].map { p in
            longCSV(period: p, rows: [big, small].enumerated().map { i, s in
                (code(i + 1), ["garbage_generated_t": s[p]![0], "garbage_collected_t": s[p]![1], "garbage_harmless_t": s[p]![2]])
            })
        }
        let hits = findings(validate(texts, reference: ref), "temporal.flows_repeated")
        XCTAssertEqual(hits.map { $0.unit?.rawValue }, [code(1)])
        XCTAssertTrue(hits.first?.message.zh.contains("1/68921") == true, "41³ = 68921: \(hits.first?.message.zh ?? "")")
    }

    func testStocksFrozenWhileFlowsMoveAreFlagged() throws {
        let ref = try county(villages: 2)
        // Village 1: six stocks the same in Q1, Q2 and Q3 while its garbage changes; village 2's stocks grow.
        func stocks(_ grow: Double) -> [String: Double?] {
            ["households": 500 + grow, "sanitary_toilet_hh": 400 + grow, "sewage_treated_hh": 200 + grow, "road_total_km": 10,
             "road_hardened_km": 8 + grow / 10, "cleaners": 6 + grow, "illegal_buildings_found": 10 + grow]
        }
        let texts = [(1, "2025Q1", 10.0), (2, "2025Q2", 11.0), (3, "2025Q3", 12.0)].map { step, p, g in
            longCSV(period: p, rows: [(code(1), stocks(0).merging(["garbage_generated_t": g]) { a, _ in a }),
                                      (code(2), stocks(Double(step)).merging(["garbage_generated_t": g]) { a, _ in a })])
        }
        let hits = findings(validate(texts, reference: ref), "temporal.frozen")
        XCTAssertEqual(hits.map { $0.unit?.rawValue }, [code(1)])
        XCTAssertTrue(hits.first?.message.zh.contains("7 项非零存量指标中有 7 项") == true, hits.first?.message.zh ?? "")
    }

    func testOneRateAcrossATownshipsVillagesIsFlagged() throws {
        let ref = try county(villages: 6)
        // Toilets = 82 % of households, rounded: 246/300, 328/400, 410/500, 492/600, 574/700, 656/800 —
        // every rate within half a household of 82 %.
        let hh: [Double] = [300, 400, 500, 600, 700, 800]
        let rows = hh.enumerated().map { i, h in (code(i + 1), ["households": h, "sanitary_toilet_hh": (h * 0.82).rounded()] as [String: Double?]) }
        let hits = findings(validate([longCSV(period: "2025Q3", rows: rows)], reference: ref), "duplicate.uniform_rate")
        XCTAssertEqual(hits.map { $0.unit?.rawValue }, ["640422100000"])
        XCTAssertEqual(hits.first?.indicator, "sanitary_toilet_rate")
        // Honest rates that differ by a few points are not.
        let varied = hh.enumerated().map { i, h in (code(i + 1), ["households": h, "sanitary_toilet_hh": (h * (0.70 + 0.04 * Double(i))).rounded()] as [String: Double?]) }
        XCTAssertTrue(findings(validate([longCSV(period: "2025Q3", rows: varied)], reference: ref), "duplicate.uniform_rate").isEmpty)
    }

    func testCountsHeapedOnZeroAndFiveAreFlagged() throws {
        let ref = try county(villages: 10)
        // 40 counts ≥ 10, all ending in 0: P(X ≥ 40 | n = 40, p = 0.2) = 0.2⁴⁰ ≈ 1.1e-28.
        let heaped = (1...10).map { i in (code(i), ["households": Double(300 + 10 * i), "sanitary_toilet_hh": Double(200 + 10 * i),
                                                    "sewage_treated_hh": Double(100 + 10 * i), "illegal_area_removed_m2": Double(50 + 10 * i)] as [String: Double?]) }
        let hits = findings(validate([longCSV(period: "2025Q3", rows: heaped)], reference: ref), "digits.heaping")
        XCTAssertEqual(hits.map { $0.unit?.rawValue }, ["640422100000"])
        XCTAssertEqual(hits.first?.value, 100)
        // Counts with ordinary last digits (7 of 40 on 0 or 5) are not.
        let ordinary = (1...10).map { i in (code(i), ["households": Double(301 + 7 * i), "sanitary_toilet_hh": Double(203 + 3 * i),
                                                      "sewage_treated_hh": Double(102 + 11 * i), "illegal_area_removed_m2": Double(57 + 9 * i)] as [String: Double?]) }
        XCTAssertTrue(findings(validate([longCSV(period: "2025Q3", rows: ordinary)], reference: ref), "digits.heaping").isEmpty)
    }

    func testTheBinomialTailIsRight() {
        // P(X ≥ 3 | n = 5, p = 0.5) = (10 + 5 + 1) / 32 = 0.5; P(X ≥ 1 | n = 2, p = 0.2) = 1 − 0.64 = 0.36.
        XCTAssertEqual(DetectorMath.binomialTail(3, 5, 0.5), 0.5, accuracy: 1e-12)
        XCTAssertEqual(DetectorMath.binomialTail(1, 2, 0.2), 0.36, accuracy: 1e-12)
    }

    func testATailAtOrBelowTheMeanIsAtLeastOneHalf() {
        // The heaping check leaves a township whose share is no more than expected without working
        // out its tail (it cannot be under the check's limit): held here over counts and shares.
        for n in 1...120 {
            for p in stride(from: 0.2, through: 0.95, by: 0.05) {
                for k in 0...n where Double(k) <= Double(n) * p {
                    XCTAssertGreaterThanOrEqual(DetectorMath.binomialTail(k, n, p), 0.5 - 1e-9, "n \(n), p \(p), k \(k)")
                }
            }
        }
    }

    func testWarningsAreScoredByTheShareOfTheCountyTheyPutInDoubt() throws {
        let ref = try county(villages: 10)
        var rows: [(String, [String: Double?])] = []
        for i in 1...10 {
            let g: Double = i == 10 ? 200 : 20
            rows.append((code(i), ["households": 500, "garbage_generated_t": g]))
        }
        let r = validate([longCSV(period: "2025Q3", rows: rows)], reference: ref)
        // Village 10's 200 t of the villages' 380 t: 52.63 points of the county's figure in doubt.
        let hit = try XCTUnwrap(findings(r, "outlier.ratio").first { $0.indicator == "garbage_generated_t" })
        XCTAssertEqual(hit.score ?? 0, 52.63, accuracy: 0.01)
        XCTAssertEqual(ImpactScore.first(r.findings).first?.unit?.rawValue, code(10), "look at it first")
    }

    func testATownshipWhoseVillagesAllRoseTogetherIsFlagged() throws {
        // Six townships of three villages. Everywhere toilets, treated households and hardened road
        // grow 2 % a quarter; in 新营乡 (the fourth) all three grow 30 % in Q3. Growth of its villages'
        // median: log 1.3 = 0.262 against the others' log 1.02 = 0.020 (MAD 0, floored at 0.01):
        // z ≈ 24 ≥ 4, 30 % ≥ 10 % above the median, and more than twice its own Q2 growth.
        var csv = "code,name,level,parent\n640422000000,西吉县,county,\n"
        var villages: [[String]] = []
        for t in 0..<6 {
            let town = "6404221\(String(format: "%02d", t))000"
            csv += "\(town),镇\(t),township,640422000000\n"
            villages.append((1...3).map { "6404221\(String(format: "%02d", t))2\(String(format: "%02d", $0))" })
            for v in villages[t] { csv += "\(v),村\(v.suffix(3)),village,\(town)\n" }
        }
        let ref = try testReference(divisions: csv)
        func period(_ p: String, _ step: Int) -> String {
            longCSV(period: p, rows: villages.enumerated().flatMap { t, vs in vs.map { v -> (String, [String: Double?]) in
                let g = step == 2 && t == 3 ? 1.3 : 1.02
                let base = pow(1.02, Double(step))
                return (v, ["households": 1000, "sanitary_toilet_hh": (400 * base * (step == 2 ? g / 1.02 : 1)).rounded(),
                            "sewage_treated_hh": (200 * base * (step == 2 ? g / 1.02 : 1)).rounded(),
                            "road_hardened_km": ((8 * base * (step == 2 ? g / 1.02 : 1)) * 100).rounded() / 100, "road_total_km": 20])
            } })
        }
        let r = validate([period("2025Q1", 0), period("2025Q2", 1), period("2025Q3", 2)], reference: ref)
        let hits = findings(r, "outlier.inflated")
        XCTAssertEqual(hits.map { $0.unit?.rawValue }, ["640422103000"])
        XCTAssertTrue(hits.first?.message.zh.contains("卫生厕所户数 +30%") == true, hits.first?.message.zh ?? "")
    }
}
