import ArgumentParser
import Foundation
import RenjuModel
import RenjuApp

// Exit status (SPEC §6): 0 no open error, 1 at least one error, 2 could not run.
/// The language asked for, for messages of errors raised before or outside a command's output.
let requestedLanguage: Language = {
    let args = CommandLine.arguments
    if args.contains("--lang=en") { return .en }
    if let i = args.firstIndex(of: "--lang"), i + 1 < args.count, args[i + 1] == "en" { return .en }
    return .zh
}()

/// Runs the parsed command: every command is asynchronous (the store answers asynchronously).
func execute(_ command: inout any ParsableCommand) async throws {
    if var asyncCommand = command as? any AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
}

do {
    var command = try Renju.parseAsRoot()
    // Every command is asynchronous (the store answers asynchronously): awaited on the main task.
    try await execute(&command)
    exit(0)
} catch let code as ExitCode {
    exit(code.rawValue)
} catch let e as AppError {
    // Every use case that cannot run says why in one line: exit status 2. Chinese first, with the
    // English after it (a county's IT staff and the tool's maintainers read it too); --lang en: English.
    writeStderr("renju: " + (requestedLanguage == .en ? e.text(.en) : e.description))
    exit(2)
} catch {
    let exitCode = Renju.exitCode(for: error)
    if exitCode == .success {
        say(Renju.fullMessage(for: error))
        exit(0)
    }
    FileHandle.standardError.write(Data((Renju.fullMessage(for: error) + "\n").utf8))
    exit(2)
}
