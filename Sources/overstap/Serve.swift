import ArgumentParser
import EventStore
import Foundation
import OverstapCLI
import Logging
import Overstap
import OverstapHTTP
import ServiceLifecycle
import OverstapOpslag
import Postgres

/// `overstap serve`: the HTTP API and the projection, until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the HTTP API and keep the read models current, until SIGINT or SIGTERM.",
        discussion: """
            Checks that the database is reachable and fully migrated, catches the read models up, then \
            serves /v1 (see /v1/openapi.json), /health, /ready and /metrics. On SIGTERM it stops taking \
            connections, lets requests in flight finish, and exits 0.
            """)

    @Option(help: "Address to listen on (OVERSTAP_HTTP_HOST).")
    var host = ProcessInfo.processInfo.environment["OVERSTAP_HTTP_HOST"] ?? "127.0.0.1"
    @Option(help: "Port to listen on (OVERSTAP_HTTP_PORT).")
    var port = Int(ProcessInfo.processInfo.environment["OVERSTAP_HTTP_PORT"] ?? "") ?? 8080

    func run() async throws {
        let logger = Logger(label: "overstap.serve")
        try await Omgeving.met(sessie: Database.dienstSessie) { omgeving in
            let who: String = try await omgeving.database.pool.query("SELECT current_user AS who").first?.decode("who") ?? "?"
            let environment = ProcessInfo.processInfo.environment
            if try await Self.magLogWijzigen(omgeving.database.pool) {
                logger.warning("serving with a database role that can change or delete events (owner or superuser); use the application login (ops/sql/roles.sql)",
                               metadata: ["db.role": "\(who)"])
            }
            let dienst = Dienst(
                trajecten: omgeving.trajecten, instellingen: omgeving.instellingen, metrieken: Metrieken.start(),
                lijsten: environment["OVERSTAP_DB_LIJSTEN_POOL_SIZE"].flatMap(Int.init) ?? 4, beheer: 2)
            let idle = environment["OVERSTAP_HTTP_IDLE_TIMEOUT"].flatMap(Int.init) ?? 30
            let services = dienst.services(host: host, port: port, logger: logger, idleTimeout: .seconds(idle)) { channel in
                logger.info("overstap is serving; stop with Ctrl-C or SIGTERM", metadata: [
                    "http.address": "\(channel.localAddress?.description ?? "?")", "db.role": "\(who)",
                ])
            }
            let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            do {
                try await group.run()
            } catch {
                await dienst.sluit()
                throw error
            }
            await dienst.sluit()
            logger.info("stopped")
        }
    }
}

extension Serve {
    /// Whether the session's role could change the log: a superuser, a member of the owner of
    /// `events`, or a role with UPDATE, DELETE or TRUNCATE on it.
    static func magLogWijzigen(_ pool: PostgresPool) async throws -> Bool {
        try await pool.query(
            """
            SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                OR pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'events'::regclass), 'MEMBER')
                OR has_table_privilege('events', 'UPDATE, DELETE, TRUNCATE') AS kan
            """
        ).first?.decode("kan") ?? true
    }
}
