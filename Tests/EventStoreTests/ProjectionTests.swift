import EventStore
import Foundation
import PostgresTesting
import Testing

/// Counts events per stream and concatenates their types: order-sensitive, so a replay in another
/// order, a skipped or a doubled event all show.
struct StreamSummary: Projection {
    var name = "stream_summary"
    var failOnType: String?
    struct Failure: Error {}

    static func createTable(_ pool: PostgresPool) async throws {
        try await pool.query(
            "CREATE TABLE stream_summary (stream_id text PRIMARY KEY, events bigint NOT NULL, types text NOT NULL)")
    }

    func reset(in connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM stream_summary")
    }

    func apply(_ events: [RecordedEvent], in connection: PostgresConnection) async throws {
        for event in events {
            if event.type == failOnType { throw Failure() }
            try await connection.query(
                """
                INSERT INTO stream_summary VALUES (\(event.streamID), 1, \(event.type))
                ON CONFLICT (stream_id) DO UPDATE
                SET events = stream_summary.events + 1, types = stream_summary.types || ',' || EXCLUDED.types
                """)
        }
    }

    static func snapshot(_ pool: PostgresPool) async throws -> [String] {
        try await pool.query("SELECT stream_id, events, types FROM stream_summary ORDER BY stream_id").map {
            "\(try $0.decode("stream_id", as: String.self)) \(try $0.decode("events", as: Int.self)) \(try $0.decode("types", as: String.self))"
        }
    }
}

@Suite struct ProjectionTests {
    @Test(.timeLimit(.minutes(2)))
    func aRebuildFromZeroEqualsTheIncrementallyBuiltModel() async throws {
        let db = try await TestDatabase.make(maximumConnections: 8)
        try await StreamSummary.createTable(db.pool)
        let runner = ProjectionRunner(store: db.store, projection: StreamSummary(), pageSize: 50)
        let following = Task { try await runner.run(pollInterval: .milliseconds(50)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for stream in 0..<25 {
                        var version: Int64 = 0
                        for step in 0..<8 {
                            version = try await db.store.append(
                                to: "w\(writer)-\(stream % 7)", expected: .any, [event("t\(step)")]).streamVersion
                        }
                        _ = version
                    }
                }
            }
            try await group.waitForAll()
        }
        following.cancel()
        _ = try? await following.value
        try await runner.catchUp()
        let incremental = try await StreamSummary.snapshot(db.pool)
        let replayed = try await runner.rebuild()
        #expect(replayed == 4 * 25 * 8)
        #expect(try await StreamSummary.snapshot(db.pool) == incremental)
        // And both agree with a count taken straight from the log.
        let counted = try await db.pool.query(
            "SELECT stream_id, count(*) AS n FROM events GROUP BY stream_id ORDER BY stream_id")
        #expect(try counted.map { "\(try $0.decode("stream_id", as: String.self)) \(try $0.decode("n", as: Int.self))" }
            == incremental.map { $0.split(separator: " ").prefix(2).joined(separator: " ") })
        let last = try await db.store.readAll(after: .start, limit: 10_000).last!.globalPosition
        #expect(try await runner.checkpoint() == last)
    }

    @Test func aFailingPageChangesNeitherTheModelNorTheCheckpointAndRecoveryCatchesUp() async throws {
        let db = try await TestDatabase.make()
        try await StreamSummary.createTable(db.pool)
        try await db.store.append(to: "s", expected: .any, [event("a"), event("b")])
        let healthy = ProjectionRunner(store: db.store, projection: StreamSummary(), pageSize: 10)
        try await healthy.catchUp()
        let before = try await StreamSummary.snapshot(db.pool)
        let checkpoint = try await healthy.checkpoint()

        try await db.store.append(to: "s", expected: .any, [event("c"), event("kapot"), event("d")])
        let failing = ProjectionRunner(
            store: db.store, projection: StreamSummary(failOnType: "kapot"), pageSize: 10)
        await #expect(throws: StreamSummary.Failure.self) { try await failing.catchUp() }
        #expect(try await StreamSummary.snapshot(db.pool) == before)
        #expect(try await failing.checkpoint() == checkpoint)

        #expect(try await healthy.catchUp() == 3)  // "restart" with the fix: nothing lost or doubled
        #expect(try await StreamSummary.snapshot(db.pool) == ["s 5 a,b,c,kapot,d"])
    }

    @Test func twoRunnersOfOneProjectionNeverApplyAnEventTwice() async throws {
        let db = try await TestDatabase.make()
        try await StreamSummary.createTable(db.pool)
        for stream in 0..<20 {
            try await db.store.append(to: "s\(stream)", expected: .noStream, (0..<10).map { event("t\($0)") })
        }
        let runners = (0..<2).map { _ in ProjectionRunner(store: db.store, projection: StreamSummary(), pageSize: 7) }
        let applied = try await withThrowingTaskGroup(of: Int.self) { group in
            for runner in runners { group.addTask { try await runner.catchUp() } }
            return try await group.reduce(0, +)
        }
        #expect(applied == 200)
        let total: Int = try await db.pool.query("SELECT sum(events)::int AS n FROM stream_summary").first!.decode("n")
        #expect(total == 200)
    }
}
