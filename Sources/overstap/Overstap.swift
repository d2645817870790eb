import ArgumentParser
import EventStore
import Foundation
import OverstapCLI
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
            Tijdlijn.self, Coaches.self, Afbouw.self, Risicolijst.self, MonitorCommando.self, Leerling.self, Inzage.self,
            Vergeet.self, Vergeetlijst.self, Sleutels.self, Token.self,
        ])

    /// Runs the command; failures become one line on stderr and exit status 1, never a trace.
    static func main() async { await voerUit(Self.self, naam: "overstap") }
}

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
extension MonitorCommando: OverstapCommand {}
extension Leerling: OverstapCommand {}
extension Inzage: OverstapCommand {}
extension Vergeet: OverstapCommand {}
extension Vergeetlijst: OverstapCommand {}
extension Sleutels.Opruimen: OverstapCommand {}
extension Sleutels.Roteer: OverstapCommand {}
extension Token.Create: OverstapCommand {}
extension Token.List: OverstapCommand {}
extension Token.Revoke: OverstapCommand {}
