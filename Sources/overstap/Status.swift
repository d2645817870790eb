import ArgumentParser
import EventStore
import Overstap
import OverstapCLI
import OverstapOpslag
import Postgres

/// `overstap status`: whether the database is reachable and migrated, and what the log holds.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show whether the database is reachable and migrated, the number of events and projection checkpoints.")

    func run() async throws {
        let migrator = try Migrator(directory: Migrator.defaultDirectory())
        try await Database.with { database in
            let pending = try await migrator.pending(database.pool)
            print("database:    reachable\(database.embedded.map { " (embedded, \($0.directory))" } ?? "")")
            print("migrations:  \(migrator.migrations.count - pending.count) of \(migrator.migrations.count) applied"
                + (pending.isEmpty ? "" : "; run `overstap migrate`"))
            guard pending.count < migrator.migrations.count else { return }
            let store = EventStore(pool: database.pool)
            print("events:      \(try await store.count())")
            do {
                try await store.checkTransactionCounter()
            } catch let error as EventStoreError {
                print("WARNING:     \(error)")
            }
            for row in try await database.pool.query(
                "SELECT name, transaction_id::text AS transaction_xid, position FROM projection_checkpoints ORDER BY name")
            {
                print("projection:  \(try row.decode("name", as: String.self)) at \(try row.decode("transaction_xid", as: String.self))/\(try row.decode("position", as: Int64.self))")
            }
            let oud = try await Kluis.oudeSleutelversies(database.pool)
            print("oude sleutelversies: \(oud)" + (oud == 0 ? "" : " (copies of destroyed or re-wrapped keys until vacuum; autovacuum removes them within a minute)"))
            for row in try await database.pool.query(
                "SELECT projection, count(*) AS n, count(DISTINCT stream_id) AS streams FROM projection_quarantine GROUP BY projection ORDER BY projection")
            {
                print("quarantine:  \(try row.decode("projection", as: String.self)): \(try row.decode("n", as: Int.self)) event(s) of \(try row.decode("streams", as: Int.self)) stream(s) set aside; see `overstap projections quarantaine`")
            }
        }
    }
}
