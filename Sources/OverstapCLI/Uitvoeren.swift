import ArgumentParser
import Foundation
import Logging
import Postgres

/// Our commands: their failures are shown as one line; anything else is ArgumentParser's to show.
package protocol OverstapCommand {}

/// Runs the command line whose root is `Root` (`overstap`, `overstap-bench`): logging to standard
/// error at `LOG_LEVEL` (default info), then the parsed command. A failure of an `OverstapCommand`
/// is one line on standard error, `naam: what went wrong. Hint: …`, and exit status 1, never a
/// trace; help and usage errors are ArgumentParser's to print.
package func voerUit<Root: ParsableCommand>(_: Root.Type, naam: String) async -> Never {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "") ?? .info
        return handler
    }
    let command: ParsableCommand
    do {
        command = try Root.parseAsRoot()
    } catch {
        Root.exit(withError: error)
    }
    do {
        if var asyncCommand = command as? AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            var syncCommand = command
            try syncCommand.run()
        }
        Foundation.exit(0)
    } catch where command is OverstapCommand && !(error is ValidationError || error is CleanExit || error is ExitCode) {
        FileHandle.standardError.write(Data("\(naam): \(userMessage(for: error))\n".utf8))
        Foundation.exit(1)
    } catch {
        Root.exit(withError: error)  // help and usage, which ArgumentParser reports by throwing
    }
}

/// One line for a person: what went wrong and, where we know it, what to do.
package func userMessage(for error: Error) -> String {
    switch error {
    case let error as PostgresError where error.code == .connectionFailed:
        return sentence(error.description)
            + " Hint: check DATABASE_URL, or unset it to use the embedded database"
    case let error as PostgresError:
        return error.hint.map { sentence(error.description) + " Hint: " + $0 } ?? error.description
    default:
        return String(describing: error)
    }
}

/// `text` ending in a full stop or question mark.
private func sentence(_ text: String) -> String {
    text.hasSuffix(".") || text.hasSuffix("?") ? text : text + "."
}
