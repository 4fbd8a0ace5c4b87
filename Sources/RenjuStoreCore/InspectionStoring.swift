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

/// Rule lists as the inspection tables keep them (the tables: `StoreSchema`, v4-inspections).
public enum InspectionSchema {
    /// Rule ids as stored: comma-separated.
    public static func rules(_ text: String) -> [RuleID] { text.split(separator: ",").compactMap { RuleID(String($0)) } }
    public static func text(_ rules: [RuleID]) -> String { rules.map(\.description).joined(separator: ",") }
}
