import XCTest
import Foundation
import RenjuTestSupport
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuInspection
@testable import RenjuEditing

/// Error localisation judged by an exact referee: for each generated village with planted
/// errors, every set of its figures (cheapest first, up to `max_changes`) is tried against every
/// error rule — no groups, no caps, no pruning but "a broken rule of unchanged figures stays
/// broken". The localiser's fix must cost what the referee's cheapest workable set costs, and no
/// village with a workable set may be left unlocalised.
final class LocalisationRefereeTests: XCTestCase {
    // (Also: every value the imputer gives these records passes every error rule on its figure.)
    /// The sampler's seeded generator (SplitMix64): the same records on every run.
    struct Seeded {
        var generator: SeededGenerator
        init(state: UInt64) { generator = SeededGenerator(seed: state) }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(generator.next() % UInt64(range.count)) }
        mutating func unit() -> Double { generator.uniform() }
    }

    /// One honest village, its figures drawn at random, then `k` different figures spoiled in the
    /// ways clerks spoil them: a sign, a unit slip (× 10), half a household, a rate typed 100, a
    /// part over its whole.
    func record(_ rng: inout Seeded, errors k: Int) -> [String: Double?] {
        let hh = Double(rng.int(80...2_500))
        let toilets = (hh * (0.4 + 0.55 * rng.unit())).rounded(), sewage = (hh * 0.6 * rng.unit()).rounded()
        let roadTotal = Double(rng.int(20...400)) / 10, generated = Double(rng.int(50...900)) / 10
        var v = villageValues(households: hh, toilets: toilets, sewage: sewage, roadTotal: roadTotal,
                              roadHard: (roadTotal * (0.5 + 0.5 * rng.unit()) * 10).rounded() / 10,
                              generated: generated, collected: (generated * (0.7 + 0.3 * rng.unit()) * 10).rounded() / 10,
                              harmless: (generated * 0.6 * 10).rounded() / 10, cleaners: Double(rng.int(1...20)),
                              found: Double(rng.int(0...12)), removed: 0, area: Double(rng.int(0...900)),
                              publicToilets: Double(rng.int(0...4)), houses: Double(rng.int(0...9)), investment: Double(rng.int(0...400)))
        let spoil: [(String, (Double) -> Double)] = [
            ("cleaners", { -$0 - 1 }), ("households", { $0 + 0.5 }), ("road_hardening_rate", { _ in 100.5 }),
            ("sanitary_toilet_hh", { _ in hh + Double(rng0(hh)) }), ("public_toilets_built", { -$0 - 2 }),
            ("investment_10k_yuan", { -$0 - 5 }), ("garbage_collected_t", { $0 * 10 + generated }),
            ("illegal_area_removed_m2", { -$0 - 1 }), ("dilapidated_houses_renovated", { -$0 - 1 }),
            ("sewage_treatment_rate", { $0 + 30 }),
        ]
        var order = Array(spoil.indices)
        for i in order.indices.reversed() { order.swapAt(i, rng.int(0...i)) }
        for j in order.prefix(k) {
            let (id, f) = spoil[j]
            if let old = v[id] ?? nil { v[id] = f(old) }
        }
        return v
    }

    func testTheLocaliserFindsTheCheapestFixOnEveryGeneratedRecordAndLeavesNoneUnlocalised() throws {
        let ref = try testReference()
        let localiser = ErrorLocaliser(reference: ref)
        var rng = Seeded(state: 20_261_207)
        let villages = ["640422100201", "640422100202", "640422101201"]
        var judged = 0, withFive = 0, imputedChecked = 0
        for round in 0..<40 {
            var rows: [(String, [String: Double?])] = []
            var planted: [String: Int] = [:]
            for code in villages {
                let k = 1 + (round + rows.count) % 5
                rows.append((code, record(&rng, errors: k))); planted[code] = k
            }
            let subs = readCSV(longCSV(period: "2025Q3", rows: rows), reference: ref)
            let result = Validator(reference: ref, stages: [localiser]).validate(submissions: subs)
            let ctx = CheckContext(reference: ref, period: Period(year: 2025, quarter: 3), submissions: result.submissions, history: result.history, asOf: nil)
            // Every imputed value, put in, passes every error rule on its figure.
            let imputed = Imputer(reference: ref).impute(result)
            var fixed = subs
            for i in fixed.indices { for f in imputed { fixed[i].values.set(f.unit, f.indicator, Observation(f.value)) } }
            let again = Validator(reference: ref).validate(submissions: fixed)
            for f in imputed {
                XCTAssertFalse(again.findings.contains { $0.severity == .error && $0.unit == f.unit && $0.indicator == f.indicator },
                               "round \(round): \(f.unit) \(f.indicator) → \(f.value) (\(f.method)) still breaks a rule")
                imputedChecked += 1
            }
            for code in villages {
                let unit = try XCTUnwrap(UnitCode(code))
                let errors = result.findings.filter { $0.unit == unit && $0.severity == .error && localiser.isFigureRule($0.rule) }
                guard !errors.isEmpty else { continue }
                let fix = try XCTUnwrap(errors.first?.fix, "round \(round), \(code): not localised — \(errors.first?.fixMessage?.en ?? "no message")")
                let cost = fix.reduce(0.0) { $0 + (ref.catalog[$1.indicator].map { localiser.weights.weight(of: $0) } ?? 3) }
                let best = try XCTUnwrap(referee(localiser, unit, ctx, ref, bound: cost), "round \(round), \(code): the referee finds no workable set as cheap as the fix \(fix.map(\.indicator))")
                XCTAssertEqual(best, cost, accuracy: 1e-9, "round \(round), \(code): a cheaper fix exists than \(fix.map(\.indicator))")
                judged += 1
                if planted[code] == 5 { withFive += 1 }
            }
        }
        XCTAssertGreaterThanOrEqual(judged, 100, "enough records judged")
        XCTAssertGreaterThanOrEqual(imputedChecked, 100, "enough imputed values checked")
        XCTAssertGreaterThanOrEqual(withFive, 15, "records with five independent errors among them")
    }

    /// The cheapest cost of a set of the unit's figures (at most `max_changes`, costing at most
    /// `bound`) that, changed, lets every error rule hold; nil when there is none.
    func referee(_ loc: ErrorLocaliser, _ unit: UnitCode, _ ctx: CheckContext, _ ref: ReferenceData, bound: Double) -> Double? {
        guard let (p, unmodelled) = loc.problem(unit, rules: [], named: nil, ctx), unmodelled.isEmpty else { return nil }
        let broken = p.rules.map { loc.violated($0.rule, p.observed) }
        let figures = Set(p.rules.flatMap(\.figures)).sorted()
        let weight = figures.map { id in ref.catalog[id].map { loc.weights.weight(of: $0) } ?? 3 }
        var sets: [(Double, [Int])] = []
        func extend(_ from: Int, _ chosen: [Int], _ cost: Double) {
            if !chosen.isEmpty { sets.append((cost, chosen)) }
            guard chosen.count < loc.weights.maxChanges else { return }
            for j in from..<figures.count where cost + weight[j] <= bound + 1e-9 { extend(j + 1, chosen + [j], cost + weight[j]) }
        }
        extend(0, [], 0)
        sets.sort { $0.0 < $1.0 }
        for (cost, members) in sets {
            let changed = Set(members.map { figures[$0] })
            // A broken rule none of whose figures change stays broken.
            guard p.rules.indices.allSatisfy({ !broken[$0] || !p.rules[$0].figures.isDisjoint(with: changed) }) else { continue }
            guard let branches = loc.problems(p, p.rules, broken: broken, changed) else { continue }
            if branches.contains(where: { $0.feasible(timeLimit: 5) == true }) { return cost }
        }
        return nil
    }
}

/// A part over its whole by a few households (the clerk added instead of copying).
private func rng0(_ hh: Double) -> Int { Int(hh) % 37 + 3 }
