import EventStore
import Foundation
import Logging

/// The database a command works on: `DATABASE_URL`, or the embedded cluster in
/// `OVERSTAP_DATA_DIR`, which is started for the command and stopped after it.
struct Database {
    let pool: PostgresPool
    let embedded: EmbeddedPostgres?
    /// How `pool` connects; `bench` uses it to reach databases of its own on the same server.
    let configuration: PostgresConfiguration

    /// The database name used inside the embedded cluster.
    static let embeddedDatabase = "overstap"

    /// Connects, runs `body`, and always closes the pool and stops an embedded server we started.
    static func with<T>(role: String? = nil, _ body: (Database) async throws -> T) async throws -> T {
        let database = try await open(role: role)
        do {
            let result = try await body(database)
            await database.close()
            return result
        } catch {
            await database.close()
            throw error
        }
    }

    private static func open(role: String?) async throws -> Database {
        let environment = ProcessInfo.processInfo.environment
        let role = role ?? environment["OVERSTAP_DB_ROLE"].flatMap { $0.isEmpty ? nil : $0 }
        let poolSize = environment["OVERSTAP_DB_POOL_SIZE"].flatMap(Int.init) ?? 10
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            let configuration = PostgresConfiguration(url: url, role: role)
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
        let configuration = PostgresConfiguration(url: cluster.url, database: embeddedDatabase, role: role)
        return Database(pool: PostgresPool(configuration, maximumConnections: poolSize), embedded: cluster, configuration: configuration)
    }

    func close() async {
        await pool.close()
        embedded?.stop()
    }
}
