import XCTest
import Foundation
@testable import RenjuWeb

/// The desk's JSON is valid JSON whatever the text holds (quotes, control characters, line
/// separators, Chinese), with the same values a standard parser reads back.
final class JSONTextTests: XCTestCase {
    func testAnyTextRoundTripsThroughAStandardParser() throws {
        let nasty = "甲村\"\\\n\r\t\u{0}\u{1B}[2J\u{2028}\u{2029}</script>"
        let text = JSONText.render(["name": nasty, "n": 3, "x": 2.5, "ok": true, "none": nil as Any?, "list": [1, "二"],
                                    "raw": RawJSON(text: "{\"a\":1}")] as [String: Any?])
        let back = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(back["name"] as? String, nasty)
        XCTAssertEqual(back["n"] as? Int, 3)
        XCTAssertEqual(back["x"] as? Double, 2.5)
        XCTAssertEqual(back["ok"] as? Bool, true)
        XCTAssertTrue(back["none"] is NSNull)
        XCTAssertEqual((back["raw"] as? [String: Any])?["a"] as? Int, 1)
        XCTAssertFalse(text.contains("\u{2028}"), "line separators escaped (they end a line in some readers)")
    }
}
