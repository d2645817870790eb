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
        if let (wat, hint) = error.sqlState.flatMap({ bekendeFouten[$0] }) { return "\(wat) (\(error.description)). Hint: \(hint)" }
        return error.hint.map { sentence(error.description) + " Hint: " + $0 } ?? error.description
    default:
        return String(describing: error)
    }
}

/// What an operator can do about the server errors a command meets most (the server's own message
/// can quote values, so it is never shown; `LOG_LEVEL=debug` does not change that).
private let bekendeFouten: [String: (String, String)] = [
    "42501": ("the database login may not do this", "run it with the owner's login (overstap_owner), or see ops/sql/roles.sql"),
    "42P01": ("the database lacks a table", "run `overstap migrate`"),
    "42883": ("the database lacks a function", "run `overstap migrate`"),
    "57014": ("a statement ran too long and was stopped", "try again; OVERSTAP_DB_STATEMENT_TIMEOUT sets the limit"),
    "55P03": ("another session held a lock too long", "try again"),
    "53300": ("the server has no connection left", "try again, or raise max_connections"),
]

/// `text` ending in a full stop or question mark.
private func sentence(_ text: String) -> String {
    text.hasSuffix(".") || text.hasSuffix("?") ? text : text + "."
}
