import XCTest
import Foundation
@testable import RenjuWeb

/// The desk's JSON answers are typed values encoded by JSONEncoder: valid JSON whatever the text
/// holds (quotes, control characters, line separators, Chinese), keys in a fixed order, and the
/// report embedded as RenjuReport wrote it.
final class APIAnswerTests: XCTestCase {
    func testAnyTextRoundTripsThroughAStandardParser() throws {
        let nasty = "甲村\"\\\n\r\t\u{0}\u{1B}[2J\u{2028}\u{2029}</script>"
        let text = APIJSON.encode(ErrorAnswer(error: nasty))
        let back = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(back["error"] as? String, nasty)
        XCTAssertNil(back["findings"], "an absent list is left out, not null")
        XCTAssertFalse(text.contains("\u{2028}") || text.contains("\u{2029}"), "line separators escaped (they end a line in some readers)")
    }

    func testTheReportIsEmbeddedAsWrittenAndTheSameAnswerIsTheSameBytes() throws {
        let report = #"{"findings":[],"summary":{"errors":0}}"#
        let answer = UploadAnswer(id: 7, unit: "640422201000", period: "2025Q3", version: 2, report: EmbeddedJSON(text: report))
        let text = APIJSON.encode(answer)
        XCTAssertTrue(text.contains(#""report":{"findings":[],"summary":{"errors":0}}"#), text)
        let back = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(back["id"] as? Int, 7)
        XCTAssertEqual((back["report"] as? [String: Any])?["summary"] as? [String: Int], ["errors": 0])
        XCTAssertEqual(text, APIJSON.encode(answer), "deterministic")
        XCTAssertTrue(text.hasPrefix(#"{"id":7,"period":"2025Q3","report":"#), "keys sorted: \(text.prefix(60))")
    }

    func testTextThatLooksLikeAnEmbeddingIsLeftAsText() throws {
        let embedded = EmbeddedJSON(text: "{}")
        let sly = ErrorAnswer(error: embedded.token)  // a user cannot know the token; even so it stays a string
        let text = APIJSON.encode(sly)
        let back = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(back["error"] as? String, embedded.token)
    }
}
