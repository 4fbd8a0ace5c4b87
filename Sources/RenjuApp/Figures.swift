import Foundation
import RenjuModel
import RenjuReference
import RenjuReading
import RenjuChecks
import RenjuExport
import RenjuSynth

extension Workspace {
    /// What Renju reads from files, without checking it: the figures, and whether a file (or a
    /// sheet of one) could not be read at all.
    public func figures(_ inputs: [String], period: Period?) throws -> ReadFigures {
        let ref = try reference()
        let input = try read(inputs, period: period, reference: ref)
        let fileLevel: Set<RuleID> = [.unreadableFile, .unsupportedFile, .passwordProtected, .missingSheet, .encoding]
        let unreadable = (input.findings + input.submissions.flatMap(\.findings)).contains { $0.severity == .error && fileLevel.contains($0.rule) }
        return ReadFigures(reference: ref, input: input, unreadable: unreadable)
    }
}

/// What `renju show` shows: the figures as read, and whether some file could not be read.
public struct ReadFigures: Sendable {
    public let reference: ReferenceData
    public let input: InputSet
    public let unreadable: Bool
}
