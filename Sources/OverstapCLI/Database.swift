import EventStore
import Foundation
import Logging
import Postgres
import PostgresEmbedded

/// The database a command works on: `DATABASE_URL`, or the embedded cluster in
/// `OVERSTAP_DATA_DIR`, which is started for the command and stopped after it.
package struct Database {
    package let pool: PostgresPool
    package let embedded: EmbeddedPostgres?
    /// How `pool` connects; `bench` uses it to reach databases of its own on the same server.
    package let configuration: PostgresConfiguration

    /// The database name used inside the embedded cluster.
    package static let embeddedDatabase = "overstap"

    /// Connects, runs `body`, and always closes the pool and stops an embedded server we started.
    /// `sessie` holds server settings for every connection (the service's timeouts).
    package static func with<T>(role: String? = nil, sessie: [String: String] = [:], _ body: (Database) async throws -> T) async throws -> T {
        let database = try await open(role: role, sessie: sessie)
        do {
            let result = try await body(database)
            await database.close()
            return result
        } catch {
            await database.close()
            throw error
        }
    }

    private static func open(role: String?, sessie: [String: String]) async throws -> Database {
        let environment = ProcessInfo.processInfo.environment
        let role = role ?? environment["OVERSTAP_DB_ROLE"].flatMap { $0.isEmpty ? nil : $0 }
        let poolSize = environment["OVERSTAP_DB_POOL_SIZE"].flatMap(Int.init) ?? 10
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            var configuration = PostgresConfiguration(url: url, role: role)
            configuration.sessionSettings = sessie
            return Database(pool: PostgresPool(configuration, maximumConnections: poolSize), embedded: nil, configuration: configuration)
        }
        let directory = environment["OVERSTAP_DATA_DIR"] ?? ".overstap/postgres"
        let cluster = try EmbeddedPostgres.start(directory: directory)
        do {
            let admin = try await PostgresConnection.connect(PostgresConfiguration(url: cluster.url))
            let exists = try await admin.query(
                "SELECT 1 FROM pg_database WHERE datname = \(embeddedDatabase)").count == 1
            if !exists {
                try await admin.query("CREATE DATABASE \(identifier: embeddedDatabase)")
            }
            await admin.close()
        } catch {
            cluster.stop()
            throw error
        }
        var configuration = PostgresConfiguration(url: cluster.url, database: embeddedDatabase, role: role)
        configuration.sessionSettings = sessie
        return Database(pool: PostgresPool(configuration, maximumConnections: poolSize), embedded: cluster, configuration: configuration)
    }

    /// The server settings of the service's sessions (docs/configuration.md): no statement, lock
    /// wait or idle transaction can hold a connection for long.
    package static var dienstSessie: [String: String] {
        let environment = ProcessInfo.processInfo.environment
        return [
            "statement_timeout": environment["OVERSTAP_DB_STATEMENT_TIMEOUT"] ?? "30s",
            "lock_timeout": environment["OVERSTAP_DB_LOCK_TIMEOUT"] ?? "5s",
            "idle_in_transaction_session_timeout": environment["OVERSTAP_DB_IDLE_IN_TRANSACTION_TIMEOUT"] ?? "60s",
        ]
    }

    package func close() async {
        await pool.close()
        embedded?.stop()
    }
}
