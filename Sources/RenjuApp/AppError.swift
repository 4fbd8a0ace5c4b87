import Foundation
import RenjuModel

/// Why a use case could not run (exit status 2 on the command line, a message on the web desk):
/// the reference data does not load, an input cannot be read, an option names nothing, an output
/// cannot be written. Said in both languages; the front end picks one.
public struct AppError: UserFacingError, CustomStringConvertible {
    public let message: Message

    public init(_ message: Message) { self.message = message }
    public init(zh: String, en: String) { message = Message(zh: zh, en: en) }
    /// A message that reads the same in both languages (a file:line error from a loader).
    public init(_ text: String) { message = Message(zh: text, en: text) }

    /// What could not be done, and why in the cause's own words (never its raw fields).
    public init(zh: String, en: String, cause: any Error) {
        let c = Message.of(cause)
        message = Message(zh: "\(zh)：\(c.zh)", en: "\(en): \(c.en)")
    }

    public var userMessage: Message { message }
    public var description: String { message.bilingual }
    public func text(_ lang: Language) -> String { message.text(lang) }
}
