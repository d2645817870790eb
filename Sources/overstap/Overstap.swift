import ArgumentParser
import EventStore
import Foundation
import Logging
import Postgres

/// The `overstap` command line.
@main
struct Overstap: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overstap",
        abstract: "Overstap: guidance of young people from vso to mbo, on an event log in PostgreSQL.",
        discussion: """
            With DATABASE_URL unset, commands use an embedded PostgreSQL in OVERSTAP_DATA_DIR \
            (default .overstap/postgres), started and stopped as needed.
            """,
        subcommands: [
            Migrate.self, Serve.self, Status.self, Demo.self, Nightly.self, Projections.self,
            Tijdlijn.self, Coaches.self, Afbouw.self, Risicolijst.self, Leerling.self, Inzage.self,
            Vergeet.self, Vergeetlijst.self, Sleutels.self, Token.self, Bench.self,
        ])

    /// Runs the command; failures become one line on stderr and exit status 1, never a trace.
    static func main() async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "") ?? .info
            return handler
        }
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
        } catch where command is OverstapCommand && !(error is ValidationError || error is CleanExit || error is ExitCode) {
            FileHandle.standardError.write(Data("overstap: \(userMessage(for: error))\n".utf8))
            Foundation.exit(1)
        } catch {
            exit(withError: error)  // help and usage, which ArgumentParser reports by throwing
        }
    }
}

/// Our commands: their failures are shown as one line; anything else is ArgumentParser's to show.
protocol OverstapCommand {}

extension Migrate: OverstapCommand {}
extension Serve: OverstapCommand {}
extension Status: OverstapCommand {}
extension Demo: OverstapCommand {}
extension Nightly: OverstapCommand {}
extension Projections.Rebuild: OverstapCommand {}
extension Projections.CatchUp: OverstapCommand {}
extension Tijdlijn: OverstapCommand {}
extension Coaches: OverstapCommand {}
extension Afbouw: OverstapCommand {}
extension Risicolijst: OverstapCommand {}
extension Leerling: OverstapCommand {}
extension Inzage: OverstapCommand {}
extension Vergeet: OverstapCommand {}
extension Vergeetlijst: OverstapCommand {}
extension Sleutels.Opruimen: OverstapCommand {}
extension Sleutels.Roteer: OverstapCommand {}
extension Token.Create: OverstapCommand {}
extension Bench: OverstapCommand {}
extension Token.List: OverstapCommand {}
extension Token.Revoke: OverstapCommand {}

/// One line for a person: what went wrong and, where we know it, what to do.
func userMessage(for error: Error) -> String {
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
