import EventStore
import Foundation
import PostgresTesting
import Testing
import Postgres

@Suite struct MigrationTests {
    /// A copy of `sql/` that a test may edit.
    func scratchMigrations() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID())").path
        try FileManager.default.copyItem(atPath: TestDatabase.migrationsDirectory, toPath: directory)
        return directory
    }

    @Test func migratingTwiceIsANoOp() async throws {
        let db = try await TestDatabase.make(migrated: false)
        let migrator = try Migrator(directory: TestDatabase.migrationsDirectory)
        #expect(try await migrator.migrate(db.pool) == migrator.migrations.map(\.name))
        #expect(try await migrator.migrate(db.pool) == [])
        #expect(try await db.pool.query("SELECT count(*) AS n FROM schema_migrations").first!.decode("n") == migrator.migrations.count)
    }

    @Test func concurrentMigratorsApplyEachMigrationOnce() async throws {
        let db = try await TestDatabase.make(migrated: false)
        let migrator = try Migrator(directory: TestDatabase.migrationsDirectory)
        let applied = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<4 { group.addTask { try await migrator.migrate(db.pool) } }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(applied == migrator.migrations.map(\.name))
    }

    @Test func anEditedAppliedMigrationIsRefusedWithAClearMessage() async throws {
        let db = try await TestDatabase.make(migrated: false)
        let directory = try scratchMigrations()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Migrator(directory: directory).migrate(db.pool)
        let file = directory + "/0001_event_store.sql"
        try (try String(contentsOfFile: file, encoding: .utf8) + "\n-- a later edit\n")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let error = try await #require(throws: MigrationError.self) {
            try await Migrator(directory: directory).migrate(db.pool)
        }
        #expect(error == .changedAfterApplied(name: "0001_event_store.sql"))
        #expect(error.description.contains("new migration"))
    }

    @Test func aFailingMigrationLeavesNoTraceAndStopsTheRun() async throws {
        let db = try await TestDatabase.make(migrated: false)
        let directory = try scratchMigrations()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "CREATE TABLE half_done (n int);\nSELECT 1/0;\n".write(
            toFile: directory + "/9998_broken.sql", atomically: true, encoding: .utf8)
        try "CREATE TABLE never (n int);\n".write(toFile: directory + "/9999_after.sql", atomically: true, encoding: .utf8)
        let error = try await #require(throws: PostgresError.self) { try await Migrator(directory: directory).migrate(db.pool) }
        #expect(error.sqlState == "22012")
        let tables = try await db.pool.query(
            "SELECT count(*) AS n FROM pg_tables WHERE tablename IN ('half_done', 'never')")
        #expect(try tables.first!.decode("n") == 0)
        let lastReal = try Migrator(directory: TestDatabase.migrationsDirectory).migrations.last!.version
        #expect(try await db.pool.query("SELECT max(version) AS v FROM schema_migrations").first!.decode("v") == lastReal)
    }

    @Test func aDatabaseNewerThanTheCodeIsRefused() async throws {
        let db = try await TestDatabase.make()
        try await db.pool.query("INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, '9999_future.sql', 'x')")
        await #expect(throws: MigrationError.unknownApplied(version: 9999, name: "9999_future.sql")) {
            try await Migrator(directory: TestDatabase.migrationsDirectory).migrate(db.pool)
        }
    }

    @Test func badFileNamesAreRefusedBeforeAnythingRuns() throws {
        let directory = try scratchMigrations()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "".write(toFile: directory + "/extra.sql", atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.badFileName("extra.sql")) { try Migrator(directory: directory) }
        #expect(throws: MigrationError.directoryMissing("/nonexistent")) { try Migrator(directory: "/nonexistent") }
    }
}
