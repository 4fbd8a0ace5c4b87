import Foundation

/// What a desk user may do, by the part they play in the flow of SPEC §1.
public enum Role: String, Sendable, CaseIterable, Codable {
    /// Uploads and explains for its unit: a township clerk, or the county office's own 填表人.
    case clerk
    /// Signs in the chain roles it was given (names as in `signoff.yaml`).
    case signer
    /// The county office: the board, 退回, the ranking, the export.
    case reviewer
    /// Reads only (the prefecture over its counties).
    case viewer
    /// Manages accounts; reads everything under its unit.
    case admin
}

/// A desk user: who they are, the part they play, the unit whose subtree they see and change.
public struct Account: Sendable, Equatable {
    public let login: String
    public let name: String
    public let role: Role
    public let unit: UnitCode
    /// The sign-off chain roles a signer signs in (统计负责人 …).
    public let signs: [String]
    public let disabled: Bool

    public init(login: String, name: String, role: Role, unit: UnitCode, signs: [String] = [], disabled: Bool = false) {
        self.login = login; self.name = name; self.role = role; self.unit = unit; self.signs = signs; self.disabled = disabled
    }
}

/// Where a submission stands in the flow.
public enum SubmissionState: String, Sendable, Codable {
    /// Uploaded, in the county's hands.
    case submitted
    /// Sent back by the county (退回) with a message: the township uploads a new version.
    case returned
}
