import EventStore
import Foundation
import Synchronization
import Postgres
import PostgresEmbedded

/// A database of its own for one test, so tests running in parallel never see each other's data.
/// The server is `DATABASE_URL` when set, else a throw-away embedded cluster started once per test
/// process and removed at exit.
public struct TestDatabase: Sendable {
    /// Connects to this test's database.
    public let configuration: PostgresConfiguration
    /// A pool on it.
    public let pool: PostgresPool
    /// An event store on it.
    public let store: EventStore

    /// A fresh database: a copy of the migrated template, or an empty one.
    public static func make(migrated: Bool = true, maximumConnections: Int = 10) async throws -> TestDatabase {
        let server = try await TestServer.shared.prepare()
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let template = migrated ? server.template : "template0"
        try await server.admin.query(PostgresQuery(
            unsafeSQL: "CREATE DATABASE \(quotedIdentifier(name)) TEMPLATE \(quotedIdentifier(template))"))
        let configuration = server.configuration.with(database: name)
        let pool = PostgresPool(configuration, maximumConnections: maximumConnections)
        return TestDatabase(configuration: configuration, pool: pool, store: EventStore(pool: pool))
    }

    /// The repository's `sql/` directory.
    public static let migrationsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("sql").path

    /// A throw-away cluster of its own (for restart and outage tests); the caller stops it.
    public static func privateCluster(settings: [String: String] = [:]) throws -> EmbeddedPostgres {
        try EmbeddedPostgres.start(settings: TestServer.fastSettings.merging(settings) { $1 })
    }
}

/// The server shared by all tests of this process.
actor TestServer {
    static let shared = TestServer()

    struct Prepared: Sendable {
        let configuration: PostgresConfiguration
        let admin: PostgresPool
        let template: String
    }

    private var preparation: Task<Prepared, Error>?

    /// Durability is not under test here; fsync off keeps the suite fast. Every test keeps a pool
    /// on a database of its own (and the API tests a server with pools of its own) while the whole
    /// suite runs at once: PostgreSQL's default of 100 connections is too few for that.
    static let fastSettings = ["fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "400"]

    /// The first caller prepares; the others (tests start in parallel) wait for the same result.
    func prepare() async throws -> Prepared {
        if let preparation { return try await preparation.value }
        let started = Task { try await Self.start() }
        preparation = started
        return try await started.value
    }

    private static func start() async throws -> Prepared {
        let url: String
        if let given = ProcessInfo.processInfo.environment["DATABASE_URL"], !given.isEmpty {
            url = given
        } else {
            let cluster = try EmbeddedPostgres.start(settings: fastSettings)
            embeddedCluster.withLock { $0 = cluster }
            atexit { embeddedCluster.withLock { $0?.stop() } }
            url = cluster.url
        }
        let configuration = PostgresConfiguration(url: url)
        // Every test starts by creating its database here, all at once on 2 cores: a long queue is
        // expected, and waiting in it is not a failure (each test's time limit still bounds it).
        let admin = PostgresPool(configuration, maximumConnections: 4, acquireTimeout: .seconds(300))
        let template = "overstap_template_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
        try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(quotedIdentifier(template))"))
        let templatePool = PostgresPool(configuration.with(database: template), maximumConnections: 1)
        try await Migrator(directory: TestDatabase.migrationsDirectory).migrate(templatePool)
        await templatePool.close()
        return Prepared(configuration: configuration, admin: admin, template: template)
    }
}

private let embeddedCluster = Mutex<EmbeddedPostgres?>(nil)

extension TestDatabase {
    /// A libpq URL of this database, for command-line tools.
    public var url: String {
        var url = URLComponents(string: configuration.url)!
        url.path = "/" + (configuration.database ?? "postgres")
        return url.string!
    }

    /// The path of PostgreSQL's program `naam` (pg_dump, psql, …) of the newest installed version.
    public static func programma(_ naam: String) -> String {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "/usr/lib/postgresql/\($0)/bin/\(naam)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/\(naam)"
    }

    /// A plain-text `pg_dump` of this database, to prove what is (not) stored anywhere in it.
    public func dump() throws -> String {
        let programma = Self.programma("pg_dump")
        let uitvoer = FileManager.default.temporaryDirectory.appendingPathComponent("dump-\(UUID()).sql")
        defer { try? FileManager.default.removeItem(at: uitvoer) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: programma)
        process.arguments = ["--no-owner", "--file", uitvoer.path, url]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PostgresError(code: .server, message: "pg_dump failed") }
        return try String(contentsOf: uitvoer, encoding: .utf8)
    }
}
