import Foundation
import RenjuModel
import RenjuStoreCore
import RenjuApp

// What the desk's JSON API answers, as types: one per kind of answer, encoded by JSONEncoder
// (keys sorted, so the same answer is the same bytes). SPEC §6's report, rendered once by
// RenjuReport, is embedded as it is (`EmbeddedJSON`).

/// A refusal or a problem: what went wrong, and for an unreadable file the findings that say where.
struct ErrorAnswer: Encodable {
    let error: String
    var findings: [FindingAnswer]? = nil
}

/// A finding of an unreadable upload: its rule, severity, message and cell.
struct FindingAnswer: Encodable {
    let rule: String
    let severity: String
    let message: String
    let file: String?
    let sheet: String?
    let cell: String?

    init(_ f: Finding, lang: Language) {
        rule = f.rule.description; severity = f.severity.rawValue; message = f.message.text(lang)
        file = f.source?.file; sheet = f.source?.sheet; cell = f.source?.cell
    }
}

/// A signed-in session: who, and the CSRF token every state-changing request sends back.
struct LoginAnswer: Encodable {
    let user: String
    let name: String
    let role: String
    let unit: String
    let csrf: String
}

struct SignedOutAnswer: Encodable {
    let signedOut = true
    enum CodingKeys: String, CodingKey { case signedOut = "signed_out" }
}

/// An upload as stored and checked.
struct UploadAnswer: Encodable {
    let id: Int64
    let unit: String
    let period: String
    let version: Int
    let report: EmbeddedJSON
}

/// A submission where it stands: its version, status, who uploaded it, who signed, its report.
struct SubmissionAnswer: Encodable {
    let id: Int64
    let unit: String
    let period: String
    let status: String
    let version: Int
    let report: EmbeddedJSON
    let filename: String
    let uploadedBy: String
    let uploadedAt: String
    let signedRoles: [String]
    let digest: String?
    let returnMessage: String?

    enum CodingKeys: String, CodingKey {
        case id, unit, period, status, version, report, filename, digest
        case uploadedBy = "uploaded_by", uploadedAt = "uploaded_at", signedRoles = "signed_roles", returnMessage = "return_message"
    }
}

/// A sign-off given on the desk.
struct SignOffAnswer: Encodable {
    let role: String
    let name: String
    let date: String
    let digest: String
}

/// A closed period opened again for one unit.
struct ReopenAnswer: Encodable {
    let unit: String
    let period: String
    let reopened = true
}

/// A township's line of the board.
struct BoardLineAnswer: Encodable {
    let unit: String
    let unitName: String
    let status: String
    let errors: Int
    let warnings: Int
    let explained: Int
    let signedRoles: [String]
    let late: Bool
    let submission: Int64?
    let version: Int?

    enum CodingKeys: String, CodingKey {
        case unit, status, errors, warnings, explained, late, submission, version
        case unitName = "unit_name", signedRoles = "signed_roles"
    }

    init(_ l: BoardLine) {
        unit = l.unit.rawValue; unitName = l.unitName; status = l.status.rawValue; errors = l.errors; warnings = l.warnings
        explained = l.explained; signedRoles = l.signedRoles; late = l.late; submission = l.submission?.id; version = l.submission?.version
    }
}

/// JSON text placed into an answer as it is. Encoded as a token no one can type (a random one per
/// value), which `APIJSON.encode` then replaces by the text.
struct EmbeddedJSON: Encodable {
    let text: String
    let token = "renju-embedded-" + UUID().uuidString

    func encode(to encoder: any Encoder) throws {
        (encoder.userInfo[APIJSON.embedded] as? APIJSON.Collector)?.add(token, text)
        var c = encoder.singleValueContainer()
        try c.encode(token)
    }
}

enum APIJSON {
    static let embedded = CodingUserInfoKey(rawValue: "renju.embedded")!

    final class Collector: @unchecked Sendable {
        var pieces: [(token: String, text: String)] = []
        func add(_ token: String, _ text: String) { pieces.append((token, text)) }
    }

    /// An answer as JSON text: keys sorted, embedded JSON in place.
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let collector = Collector()
        encoder.userInfo[embedded] = collector
        guard let data = try? encoder.encode(value), var text = String(data: data, encoding: .utf8) else {
            return #"{"error":"internal error"}"#
        }
        // Line and paragraph separators are valid in JSON strings but end a line in some readers.
        text = text.replacingOccurrences(of: "\u{2028}", with: "\\u2028").replacingOccurrences(of: "\u{2029}", with: "\\u2029")
        for piece in collector.pieces { text = text.replacingOccurrences(of: "\"\(piece.token)\"", with: piece.text) }
        return text
    }
}
