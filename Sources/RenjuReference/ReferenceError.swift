import Foundation
import RenjuModel

/// A mistake in a reference-data file, with the file and line (and column where known).
public struct ReferenceError: UserFacingError, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let column: Int?
    public let message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.file = file; self.line = line; self.column = column; self.message = message
    }

    public var description: String {
        var loc = file
        if let line { loc += ":\(line)" }
        if let column { loc += ":\(column)" }
        return "\(loc): \(message)"
    }
    /// The loaders' messages name the file and line and say what is wrong in both languages where it matters.
    public var userMessage: Message { Message(zh: "参考数据有误：\(description)", en: "reference data: \(description)") }
}
