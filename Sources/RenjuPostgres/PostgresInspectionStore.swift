import Foundation
import PostgresNIO
import RenjuModel
import RenjuStoreCore

// On-site checks on the server: the same tables as the file's (migration v4-inspections).
extension PostgresStore: InspectionStoring {

    public func saveSample(_ s: InspectionSample) async throws -> Int64 {
        try await run { c, l in
            try await c.withTransaction(logger: l) { c in
                var id: Int64 = 0
                for try await v in try await c.query("""
                    INSERT INTO samples (period, at, who, seed, size, random_share, grouping)
                    VALUES (\(s.period.description), \(s.at), \(s.who), \(String(s.seed)), \(s.size), \(s.randomShare), \(s.grouping.rawValue)) RETURNING id
                    """, logger: l).decode(Int64.self) { id = v }
                for f in s.figures {
                    try await c.query("""
                        INSERT INTO sample_figures (sample_id, unit, part, probability, indicator, reported, rules)
                        VALUES (\(id), \(f.unit.rawValue), \(f.part.rawValue), \(f.probability), \(f.indicator.rawValue), \(f.reported), \(InspectionSchema.text(f.rules)))
                        """, logger: l)
                }
                return id
            }
        }
    }

    public func samples() async throws -> [InspectionSample] {
        let where_ = path
        return try await run { c, l in
            var figures: [Int64: [SampledFigure]] = [:]
            for try await (id, u, part, p, ind, reported, rules) in try await c.query(
                "SELECT sample_id, unit, part, probability, indicator, reported, rules FROM sample_figures ORDER BY sample_id, unit, indicator", logger: l
            ).decode((Int64, String, String, Double, String, Double?, String).self) {
                guard let unit = UnitCode(u), let part = SamplePart(rawValue: part) else { throw StoreError.corrupt(where_, "sample_figures: “\(u)”") }
                figures[id, default: []].append(SampledFigure(unit: unit, part: part, probability: p, indicator: IndicatorID(ind), reported: reported, rules: InspectionSchema.rules(rules)))
            }
            var out: [InspectionSample] = []
            for try await (id, periodText, at, who, seedText, size, share, group) in try await c.query(
                "SELECT id, period, at, who, seed, size, random_share, grouping FROM samples ORDER BY id", logger: l
            ).decode((Int64, String, String, String, String, Int32, Double, String).self) {
                guard let period = Period.parse(periodText), let seed = UInt64(seedText), let g = Level(rawValue: group) else { throw StoreError.corrupt(where_, "samples #\(id)") }
                out.append(InspectionSample(id: id, period: period, seed: seed, size: Int(size), randomShare: share, grouping: g, at: at, who: who, figures: figures[id] ?? []))
            }
            return out
        }
    }

    public func recordInspections(_ results: [InspectionResult]) async throws {
        try await run { c, l in
            try await c.withTransaction(logger: l) { c in
                for x in results {
                    try await c.query("""
                        INSERT INTO inspections (sample_id, period, unit, indicator, reported, found, wrong, inspector, inspected_on, recorded_at, recorded_by)
                        VALUES (\(x.sampleID), \(x.period.description), \(x.unit.rawValue), \(x.indicator.rawValue), \(x.reported), \(x.found), \(x.wrong),
                                \(x.inspector), \(x.inspectedOn), \(x.recordedAt), \(x.recordedBy))
                        """, logger: l)
                }
            }
        }
    }

    public func inspections() async throws -> [InspectionResult] {
        let where_ = path
        return try await run { c, l in
            var out: [InspectionResult] = []
            for try await row in try await c.query(
                "SELECT sample_id, period, unit, indicator, reported, found, wrong, inspector, inspected_on, recorded_at, recorded_by FROM inspections ORDER BY id", logger: l
            ) {
                let (id, periodText, u, ind, reported, found, wrong, inspector, on, at, by) = try row.decode((Int64, String, String, String, Double?, Double?, Bool, String, String?, String, String).self)
                guard let period = Period.parse(periodText), let unit = UnitCode(u) else { throw StoreError.corrupt(where_, "inspections: “\(u)”") }
                out.append(InspectionResult(sampleID: id, period: period, unit: unit, indicator: IndicatorID(ind), reported: reported, found: found, wrong: wrong,
                                            inspector: inspector, inspectedOn: on, recordedAt: at, recordedBy: by))
            }
            return out
        }
    }
}
