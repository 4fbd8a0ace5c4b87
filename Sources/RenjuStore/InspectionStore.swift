import Foundation
import GRDB
import RenjuModel
import RenjuStoreCore

extension HistoryStore: InspectionStoring {
    public func saveSample(_ s: InspectionSample) throws -> Int64 {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO samples (period, at, who, seed, size, random_share, grouping) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [s.period.description, s.at, s.who, String(s.seed), s.size, s.randomShare, s.grouping.rawValue])
            let id = db.lastInsertedRowID
            let insert = try db.makeStatement(sql: "INSERT INTO sample_figures (sample_id, unit, part, probability, indicator, reported, rules) VALUES (?, ?, ?, ?, ?, ?, ?)")
            for f in s.figures {
                try insert.execute(arguments: [id, f.unit.rawValue, f.part.rawValue, f.probability, f.indicator.rawValue, f.reported, InspectionSchema.text(f.rules)])
            }
            return id
        }
    }

    public func samples() throws -> [InspectionSample] {
        try queue.read { db in
            var figures: [Int64: [SampledFigure]] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT sample_id, unit, part, probability, indicator, reported, rules FROM sample_figures ORDER BY sample_id, unit, indicator") {
                let id: Int64 = r[0]
                let unitText: String = r[1], partText: String = r[2], ind: String = r[4], rules: String = r[6]
                guard let unit = UnitCode(unitText), let part = SamplePart(rawValue: partText) else { throw StoreError.corrupt(path, "sample_figures: “\(unitText)”, “\(partText)”") }
                figures[id, default: []].append(SampledFigure(unit: unit, part: part, probability: r[3], indicator: IndicatorID(ind), reported: r[5], rules: InspectionSchema.rules(rules)))
            }
            return try Row.fetchAll(db, sql: "SELECT id, period, at, who, seed, size, random_share, grouping FROM samples ORDER BY id").map { r in
                let id: Int64 = r[0], periodText: String = r[1], seedText: String = r[4], groupText: String = r[7]
                guard let period = Period.parse(periodText), let seed = UInt64(seedText), let group = Level(rawValue: groupText) else {
                    throw StoreError.corrupt(path, "samples #\(id)")
                }
                return InspectionSample(id: id, period: period, seed: seed, size: r[5], randomShare: r[6], grouping: group, at: r[2], who: r[3], figures: figures[id] ?? [])
            }
        }
    }

    public func recordInspections(_ results: [InspectionResult]) throws {
        try queue.write { db in
            let insert = try db.makeStatement(sql: """
                INSERT INTO inspections (sample_id, period, unit, indicator, reported, found, wrong, inspector, inspected_on, recorded_at, recorded_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for x in results {
                try insert.execute(arguments: [x.sampleID, x.period.description, x.unit.rawValue, x.indicator.rawValue, x.reported, x.found, x.wrong,
                                               x.inspector, x.inspectedOn, x.recordedAt, x.recordedBy])
            }
        }
    }

    public func inspections() throws -> [InspectionResult] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT sample_id, period, unit, indicator, reported, found, wrong, inspector, inspected_on, recorded_at, recorded_by FROM inspections ORDER BY id").map { r in
                let periodText: String = r[1], unitText: String = r[2], ind: String = r[3]
                guard let period = Period.parse(periodText), let unit = UnitCode(unitText) else { throw StoreError.corrupt(path, "inspections: “\(unitText)” \(periodText)") }
                return InspectionResult(sampleID: r[0], period: period, unit: unit, indicator: IndicatorID(ind), reported: r[4], found: r[5], wrong: r[6],
                                        inspector: r[7], inspectedOn: r[8], recordedAt: r[9], recordedBy: r[10])
            }
        }
    }
}
