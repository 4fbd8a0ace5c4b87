import Foundation
import RenjuModel

/// What the store keeps of on-site checks (抽查): each sample as drawn (every figure to verify, its
/// unit's part and inclusion probability, the rules that flagged it) and what inspectors found,
/// beside the submitted figures — never over them. Results are appended: a figure verified twice
/// keeps both, the later one counting.
public protocol InspectionStoring: AnyObject, Sendable {
    /// Stores a sample; its id.
    func saveSample(_ sample: InspectionSample) async throws -> Int64
    func samples() async throws -> [InspectionSample]
    func recordInspections(_ results: [InspectionResult]) async throws
    /// Every result, oldest first.
    func inspections() async throws -> [InspectionResult]
}

/// The tables, as SQL both backends run (migration v4-inspections).
public enum InspectionSchema {
    public static func statements(serial: String, bigint: String) -> [String] {
        [
            """
            CREATE TABLE samples (id \(serial), period TEXT NOT NULL, at TEXT NOT NULL, who TEXT NOT NULL, seed TEXT NOT NULL,
              size INTEGER NOT NULL, random_share DOUBLE PRECISION NOT NULL, grouping TEXT NOT NULL)
            """,
            """
            CREATE TABLE sample_figures (sample_id \(bigint) NOT NULL REFERENCES samples(id), unit TEXT NOT NULL, part TEXT NOT NULL,
              probability DOUBLE PRECISION NOT NULL, indicator TEXT NOT NULL, reported DOUBLE PRECISION, rules TEXT NOT NULL,
              PRIMARY KEY (sample_id, unit, indicator))
            """,
            """
            CREATE TABLE inspections (id \(serial), sample_id \(bigint) NOT NULL REFERENCES samples(id), period TEXT NOT NULL, unit TEXT NOT NULL,
              indicator TEXT NOT NULL, reported DOUBLE PRECISION, found DOUBLE PRECISION, wrong BOOLEAN NOT NULL, inspector TEXT NOT NULL,
              inspected_on TEXT, recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL)
            """,
            "CREATE INDEX inspections_sample ON inspections(sample_id, unit, indicator)",
        ]
    }

    /// Rule ids as stored: comma-separated.
    public static func rules(_ text: String) -> [RuleID] { text.split(separator: ",").compactMap { RuleID(String($0)) } }
    public static func text(_ rules: [RuleID]) -> String { rules.map(\.description).joined(separator: ",") }
}
