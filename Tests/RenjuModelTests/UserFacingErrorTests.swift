import Foundation
import XCTest
import RenjuModel

/// What a user is told of an error: its own bilingual words, a system error's description, or
/// that something went wrong inside — never a dump of an error's fields.
final class UserFacingErrorTests: XCTestCase {
    struct Refused: UserFacingError { var userMessage: Message { Message(zh: "文件过大", en: "the file is too large") } }
    struct Internal: Error { let secret = "token=abc123"; let path = "/var/lib/renju/scratch/x" }

    func testAnErrorIsToldInItsOwnWordsInEitherLanguage() {
        let m = Message.of(Refused())
        XCTAssertEqual(m.text(.zh), "文件过大")
        XCTAssertEqual(m.text(.en), "the file is too large")
        XCTAssertEqual(m.bilingual, "文件过大 / the file is too large")
    }

    func testAnUnknownErrorSaysItsKindAndNothingOfItsFields() {
        let m = Message.of(Internal())
        XCTAssertTrue(m.zh.hasPrefix("内部错误") && m.en.hasPrefix("internal error"), m.bilingual)
        XCTAssertFalse(m.bilingual.contains("abc123") || m.bilingual.contains("/var/lib"), m.bilingual)
    }

    func testAFileThatDoesNotOpenIsSaidAsTheSystemSaysIt() {
        do {
            _ = try Data(contentsOf: URL(fileURLWithPath: "/nonexistent/renju-\(UUID().uuidString).xlsx"))
            XCTFail("the file does not exist")
        } catch {
            let m = Message.of(error)
            XCTAssertFalse(m.en.contains("internal error"), m.en)
            XCTAssertFalse(m.en.contains("NSCocoaErrorDomain") || m.en.contains("Code="), "no raw NSError dump: \(m.en)")
        }
    }
}
