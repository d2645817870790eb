import OverstapCLI
import ArgumentParser
import EventStore
import Postgres

/// `overstap migrate`: applies the SQL migrations that are not applied yet.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the database migrations in sql/ (or OVERSTAP_SQL_DIR) that are not applied yet.")

    func run() async throws {
        let migrator = try Migrator(directory: Migrator.defaultDirectory())
        let applied = try await Database.with { try await migrator.migrate($0.pool) }
        if applied.isEmpty {
            print("Database is up to date (\(migrator.migrations.count) migrations).")
        } else {
            applied.forEach { print("applied \($0)") }
        }
    }
}
