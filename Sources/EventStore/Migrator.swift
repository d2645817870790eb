import Foundation
import Logging
import Postgres

/// One numbered, forward-only migration file from `sql/` (`0001_event_store.sql`).
public struct Migration: Sendable, Equatable {
    /// The number in its file name.
    public var version: Int
    /// The file name.
    public var name: String
    /// The SQL it runs.
    public var sql: String
}

/// Why migrating stopped; nothing of the failing migration was applied.
public enum MigrationError: Error, Equatable, CustomStringConvertible {
    /// An applied migration's file no longer matches what was applied.
    case changedAfterApplied(name: String)
    /// The database has a migration this build does not know (it is newer than the code).
    case unknownApplied(version: Int, name: String)
    /// A file in the migrations directory is not named `NNNN_name.sql`, or two share a number.
    case badFileName(String)
    /// The migrations directory does not exist.
    case directoryMissing(String)

    public var description: String {
        switch self {
        case .changedAfterApplied(let name):
            "migration \(name) was edited after it was applied. Hint: restore the file and put the change in a new migration"
        case .unknownApplied(let version, let name):
            "the database has migration \(version) (\(name)) that this build does not have. Hint: run a newer overstap"
        case .badFileName(let name):
            "\(name) is not a valid migration file name. Hint: name files NNNN_description.sql with a unique number"
        case .directoryMissing(let path):
            "migrations directory \(path) not found. Hint: run from the repository root or set OVERSTAP_SQL_DIR"
        }
    }
}

/// Applies the migrations in a directory: each in its own transaction, recorded with its checksum
/// in `schema_migrations`; safe when several processes migrate at once (an advisory lock).
public struct Migrator: Sendable {
    /// The migrations, in order.
    public let migrations: [Migration]
    private let logger: Logger

    /// Reads `NNNN_name.sql` files from `directory`.
    public init(directory: String, logger: Logger = Logger(label: "overstap.migrate")) throws {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw MigrationError.directoryMissing(directory)
        }
        var migrations: [Migration] = []
        for file in files.sorted() where file.hasSuffix(".sql") {
            guard let underscore = file.firstIndex(of: "_"), let version = Int(file[..<underscore]),
                !migrations.contains(where: { $0.version == version })
            else { throw MigrationError.badFileName(file) }
            let sql = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            migrations.append(Migration(version: version, name: file, sql: sql))
        }
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// `OVERSTAP_SQL_DIR`, else `./sql`, else `share/overstap/sql` beside the executable's directory.
    public static func defaultDirectory() -> String {
        if let configured = ProcessInfo.processInfo.environment["OVERSTAP_SQL_DIR"] { return configured }
        let local = FileManager.default.currentDirectoryPath + "/sql"
        if FileManager.default.fileExists(atPath: local) { return local }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/overstap/sql").path
    }

    /// Applies what is not applied yet; returns the names applied (empty when up to date).
    @discardableResult
    public func migrate(_ pool: PostgresPool) async throws -> [String] {
        try await pool.withConnection { connection in
            // A session lock, so a second migrator waits and then finds everything applied.
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))")
            do {
                let applied = try await apply(on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                throw error
            }
        }
    }

    private static let lockKey: Int64 = 0x6f76_6572_7374_6170  // "overstap"

    private func apply(on connection: PostgresConnection) async throws -> [String] {
        try await connection.simpleQuery(unsafeSQL: """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        var applied: [Int: (name: String, checksum: String)] = [:]
        for row in try await connection.query("SELECT version, name, checksum FROM schema_migrations") {
            applied[try row.decode("version")] = (try row.decode("name"), try row.decode("checksum"))
        }
        let known = Set(migrations.map(\.version))
        if let unknown = applied.keys.sorted().first(where: { !known.contains($0) }) {
            throw MigrationError.unknownApplied(version: unknown, name: applied[unknown]!.name)
        }
        var newlyApplied: [String] = []
        for migration in migrations {
            let checksum: String = try await connection.query(
                "SELECT encode(sha256(convert_to(\(migration.sql), 'UTF8')), 'hex') AS checksum"
            ).first!.decode("checksum")
            if let done = applied[migration.version] {
                guard done.checksum == checksum else { throw MigrationError.changedAfterApplied(name: migration.name) }
                continue
            }
            try await connection.withTransaction { connection in
                try await connection.simpleQuery(unsafeSQL: migration.sql)
                try await connection.query(
                    """
                    INSERT INTO schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(checksum))
                    """)
            }
            logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
            newlyApplied.append(migration.name)
        }
        return newlyApplied
    }
}

extension Migrator {
    /// The migrations not applied yet (all of them on an empty database).
    public func pending(_ pool: PostgresPool) async throws -> [Migration] {
        let present: Bool = try await pool.query(
            "SELECT to_regclass('schema_migrations') IS NOT NULL AS present").first!.decode("present")
        guard present else { return migrations }
        let applied = try await pool.query("SELECT version FROM schema_migrations")
        let versions = Set(try applied.map { try $0.decode("version", as: Int.self) })
        return migrations.filter { !versions.contains($0.version) }
    }
}
