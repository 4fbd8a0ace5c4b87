import Foundation
import XCTest
import RenjuTestSupport

/// The desk's words live in templates/web/strings.yaml (both languages, one place to review and
/// translate); code holds Chinese only inside a bilingual message (`zh:` beside its `en:`).
final class PageCopyTests: XCTestCase {
    func testNoChineseCopyInTheWebCodeOutsideABilingualMessage() throws {
        let folder = repoRoot.appendingPathComponent("Sources/RenjuWeb")
        var stray: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                if code.hasPrefix("//") || line.contains("zh:") { continue }
                if line.unicodeScalars.contains(where: { (0x4E00...0x9FFF).contains($0.value) }) {
                    stray.append("\(name):\(i + 1): \(code.prefix(100))")
                }
            }
        }
        XCTAssertEqual(stray, [], "page copy belongs in templates/web/strings.yaml")
    }

    func testEveryStringHasBothLanguages() throws {
        let text = try String(contentsOf: repoRoot.appendingPathComponent("templates/web/strings.yaml"), encoding: .utf8)
        let entries = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        XCTAssertGreaterThan(entries.count, 90)
        for e in entries { XCTAssertTrue(e.contains("zh: ") && e.contains("en: "), String(e)) }
    }
}
