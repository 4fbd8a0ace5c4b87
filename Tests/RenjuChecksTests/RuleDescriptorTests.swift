import Foundation
import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReading
import RenjuReference
import RenjuChecks

/// A rule's default severity lives in one place, its descriptor: with a `rules.yaml` that
/// configures nothing, every finding on the sample county has its rule's descriptor severity; and
/// every rule reads in both languages.
final class RuleDescriptorTests: XCTestCase {
    func testWithNothingConfiguredEveryFindingHasItsDescriptorsSeverity() throws {
        let dir = try temporaryDirectory()
        let copy = dir.appendingPathComponent("reference-data")
        try FileManager.default.copyItem(atPath: bundledReference, toPath: copy.path)
        try "checks: {}\n".write(to: copy.appendingPathComponent("rules.yaml"), atomically: true, encoding: .utf8)
        let reference = try ReferenceData.load(directory: copy.path)
        let loader = InputLoader(reader: FormReader(catalog: reference.catalog, tree: reference.tree, vocabulary: reference.signOffVocabulary))
        let set = try loader.load(paths: [repoRoot.appendingPathComponent("examples/xiji").path], defaultPeriod: nil)
        let result = Validator(reference: reference).validate(submissions: set.submissions, fileFindings: set.findings,
                                                              explanations: set.explanations, signOffs: set.signOffs,
                                                              asOf: CivilDate(year: 2025, month: 10, day: 31))
        let severity = Dictionary(CheckRegistry.descriptors.map { ($0.id, $0.severity) }, uniquingKeysWith: { a, _ in a })
        XCTAssertTrue(result.findings.contains { $0.severity == .error } && result.findings.contains { $0.severity == .warning },
                      "the sample has errors and warnings to compare")
        for f in result.findings where !f.message.zh.hasPrefix("（历史数据") {
            XCTAssertEqual(f.severity, severity[f.rule], "\(f.rule): \(f.message.zh)")
        }
    }

    func testEveryRuleReadsInBothLanguages() {
        for d in CheckRegistry.descriptors {
            XCTAssertFalse(d.title.zh.isEmpty, "\(d.id) has no Chinese title")
            XCTAssertFalse(d.title.en.isEmpty, "\(d.id) has no English title")
            XCTAssertTrue(d.title.zh.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "\(d.id): “\(d.title.zh)” is not Chinese")
            XCTAssertFalse((d.about?.zh ?? "").isEmpty || (d.about?.en ?? "").isEmpty, "\(d.id) says what it looks for in both languages")
            XCTAssertEqual(d.origin, "built-in")
            for p in d.parameters {
                XCTAssertFalse(p.about.zh.isEmpty || p.about.en.isEmpty, "\(d.id).\(p.name) is explained in both languages")
            }
        }
    }
}
