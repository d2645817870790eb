import EventStore
import Foundation
import PostgresTesting
import Testing
import Postgres

/// Counts events per stream and concatenates their types: order-sensitive, so a replay in another
/// order, a skipped or a doubled event all show.
struct StreamSummary: Projection {
    var name = "stream_summary"
    /// Events of this type fail as a broken connection would: nothing about the event itself.
    var failOnType: String?
    /// Events of this type fail as an event that can never be applied would.
    var poisonType: String?
    struct Poison: Error {}

    static func createTable(_ pool: PostgresPool) async throws {
        try await pool.query(
            "CREATE TABLE stream_summary (stream_id text PRIMARY KEY, events bigint NOT NULL, types text NOT NULL)")
    }

    func reset(in connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM stream_summary")
    }

    func apply(_ events: [RecordedEvent], in connection: PostgresConnection) async throws {
        for event in events {
            if event.type == failOnType { throw PostgresError(code: .connectionClosed, message: "test: connection lost") }
            if event.type == poisonType { throw Poison() }
            try await connection.query(
                """
                INSERT INTO stream_summary VALUES (\(event.streamID), 1, \(event.type))
                ON CONFLICT (stream_id) DO UPDATE
                SET events = stream_summary.events + 1, types = stream_summary.types || ',' || EXCLUDED.types
                """)
        }
    }

    func forget(stream: String, in connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM stream_summary WHERE stream_id = \(stream)")
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

    /// What read-your-writes rests on: the head is the last committed event, and a projection that
    /// caught up has its checkpoint there; `reach` gets it there without a runner of its own.
    @Test func freshnessNamesTheHeadTheCheckpointAndTheQuarantineAndReachCatchesUp() async throws {
        let db = try await TestDatabase.make()
        try await StreamSummary.createTable(db.pool)
        let runner = ProjectionRunner(store: db.store, projection: StreamSummary(poisonType: "gif"), pageSize: 2)
        var nu = try await runner.freshness()
        #expect(nu.head == .start && nu.checkpoint == .start && nu.quarantined == 0)
        try await db.store.append(to: "s", expected: .noStream, [event("a"), event("gif"), event("b")])
        let laatste = try await db.store.append(to: "t", expected: .noStream, [event("c")]).positions.last
        nu = try await runner.freshness()
        #expect(nu.head == laatste && nu.checkpoint < nu.head && nu.quarantined == 0)
        let (stand, bij) = try await runner.reach(nu.head, until: .now + .seconds(30))
        #expect(bij && stand == nu.head)
        nu = try await runner.freshness()
        #expect(nu.checkpoint == nu.head && nu.quarantined == 2)  // the poison and the event after it in its stream
    }

    @Test func aTransientFailureChangesNeitherTheModelNorTheCheckpointAndRecoveryCatchesUp() async throws {
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
        await #expect(throws: PostgresError.self) { try await failing.catchUp() }
        #expect(try await StreamSummary.snapshot(db.pool) == before)
        #expect(try await failing.checkpoint() == checkpoint)
        #expect(try await failing.quarantineCount() == 0)  // nothing about the event: nothing set aside

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

    @Test func anEventThatCannotBeAppliedIsSetAsideWithItsStreamAndEveryOtherStreamGoesOn() async throws {
        let db = try await TestDatabase.make()
        try await StreamSummary.createTable(db.pool)
        try await db.store.append(to: "ziek", expected: .noStream, [event("a"), event("gif"), event("b")])
        try await db.store.append(to: "gezond", expected: .noStream, [event("x"), event("y")])
        let runner = ProjectionRunner(store: db.store, projection: StreamSummary(poisonType: "gif"), pageSize: 10)
        #expect(try await runner.catchUp() == 5)
        #expect(try await StreamSummary.snapshot(db.pool) == ["gezond 2 x,y", "ziek 1 a"])
        let held = try await runner.quarantined()
        #expect(held.map(\.streamVersion) == [2, 3])
        #expect(held.map(\.errorCode) == ["Poison", "follows"])
        #expect(held.allSatisfy { $0.streamID == "ziek" && $0.sqlState == nil })
        // The checkpoint passed the poison: later events of other streams apply, the held stream's wait.
        try await db.store.append(to: "ziek", expected: .any, [event("c")])
        try await db.store.append(to: "gezond", expected: .any, [event("z")])
        #expect(try await runner.catchUp() == 2)
        #expect(try await StreamSummary.snapshot(db.pool) == ["gezond 3 x,y,z", "ziek 1 a"])
        #expect(try await runner.quarantineCount() == 3)
        let last = try await db.store.readAll(after: .start, limit: 100).last?.globalPosition
        #expect(try await runner.checkpoint() == last)

        // Still poisoned: a retry keeps it held and changes nothing.
        #expect(try await runner.retryQuarantine() == QuarantineRetry(cleared: [], held: ["ziek"]))
        #expect(try await StreamSummary.snapshot(db.pool) == ["gezond 3 x,y,z", "ziek 1 a"])
        // After the fix the stream is applied again from its first event, in order, once.
        let fixed = ProjectionRunner(store: db.store, projection: StreamSummary(), pageSize: 10)
        #expect(try await fixed.retryQuarantine() == QuarantineRetry(cleared: ["ziek"], held: []))
        #expect(try await StreamSummary.snapshot(db.pool) == ["gezond 3 x,y,z", "ziek 4 a,gif,b,c"])
        #expect(try await fixed.quarantineCount() == 0)
        try await db.store.append(to: "ziek", expected: .any, [event("d")])
        #expect(try await fixed.catchUp() == 1)
        #expect(try await StreamSummary.snapshot(db.pool) == ["gezond 3 x,y,z", "ziek 5 a,gif,b,c,d"])
    }

    @Test func aRebuildStartsWithAnEmptyQuarantine() async throws {
        let db = try await TestDatabase.make()
        try await StreamSummary.createTable(db.pool)
        try await db.store.append(to: "s", expected: .noStream, [event("gif"), event("b")])
        let poisoned = ProjectionRunner(store: db.store, projection: StreamSummary(poisonType: "gif"))
        try await poisoned.catchUp()
        #expect(try await poisoned.quarantineCount() == 2)
        let fixed = ProjectionRunner(store: db.store, projection: StreamSummary())
        #expect(try await fixed.rebuild() == 2)
        #expect(try await fixed.quarantineCount() == 0)
        #expect(try await StreamSummary.snapshot(db.pool) == ["s 2 gif,b"])
    }
}
