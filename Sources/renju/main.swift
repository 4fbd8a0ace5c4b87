import ArgumentParser
import Foundation

// Exit status (SPEC §6): 0 no open error, 1 at least one error, 2 could not run.
do {
    var command = try Renju.parseAsRoot()
    try command.run()
    exit(0)
} catch let code as ExitCode {
    exit(code.rawValue)
} catch {
    let exitCode = Renju.exitCode(for: error)
    if exitCode == .success {
        say(Renju.fullMessage(for: error))
        exit(0)
    }
    FileHandle.standardError.write(Data((Renju.fullMessage(for: error) + "\n").utf8))
    exit(2)
}
