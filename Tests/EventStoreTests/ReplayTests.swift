import EventStore
import Foundation
import PostgresTesting
import Testing
import Postgres

/// `StreamSummary` filled stream by stream in a rebuild: each batch's streams become rows in one
/// statement. A stream cut between batches would show as a primary-key violation or a short count.
struct ReplayedSummary: StreamReplayProjection {
    var name = "stream_summary"
    var inner = StreamSummary()
    /// Events of this type cannot be replayed (the rebuild then goes page by page).
    var unreplayableType: String?
    /// Applying page by page fails: shows that a rebuild went stream by stream.
    var refusesPages = false
    struct Unreplayable: Error {}

    func reset(in connection: PostgresConnection) async throws { try await inner.reset(in: connection) }
    func apply(_ events: [RecordedEvent], in connection: PostgresConnection) async throws {
        if refusesPages { throw Unreplayable() }
        try await inner.apply(events, in: connection)
    }
    func forget(stream: String, in connection: PostgresConnection) async throws { try await inner.forget(stream: stream, in: connection) }

    func replay(_ events: [RecordedEvent]) throws -> [(stream: String, events: Int, types: String)] {
        if events.contains(where: { $0.type == unreplayableType }) { throw Unreplayable() }
        return Dictionary(grouping: events, by: \.streamID).map { stream, events in
            (stream, events.count, events.sorted { $0.streamVersion < $1.streamVersion }.map(\.type).joined(separator: ","))
        }
    }

    func write(_ rows: [(stream: String, events: Int, types: String)], in connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO stream_summary SELECT * FROM unnest(\(rows.map(\.stream))::text[], \(rows.map(\.events))::bigint[],
                                                            \(rows.map(\.types))::text[])
            """)
    }
}

@Suite struct ReplayTests {
    /// Streams of 1 to 30 events, written by interleaved appends.
    private func writeStreams(_ store: EventStore) async throws -> [String: Int] {
        var lengths: [String: Int] = [:]
        for round in 0..<30 {
            for stream in 0..<12 where stream == 0 || round < stream * 3 {
                let name = "s\(stream)"
                try await store.append(to: name, expected: .any, [event("t\(round)")])
                lengths[name, default: 0] += 1
            }
        }
        return lengths
    }

    @Test func eachStreamComesWholeOnceInVersionOrderAndTheLastPositionIsTheLogsLast() async throws {
        let db = try await TestDatabase.make()
        let lengths = try await writeStreams(db.store)
        var batches: [[RecordedEvent]] = []
        let read = try await db.store.replayByStream(batchSize: 7) { batches.append($0) }

        let all = batches.flatMap { $0 }
        #expect(read.count == lengths.values.reduce(0, +) && all.count == read.count)
        #expect(Set(all.map(\.id)).count == all.count)  // none twice
        for (stream, length) in lengths {
            let holding = batches.indices.filter { batches[$0].contains { $0.streamID == stream } }
            #expect(holding.count == 1, "\(stream) is cut between batches \(holding)")
            #expect(all.filter { $0.streamID == stream }.map(\.streamVersion) == (1...Int64(length)).map { $0 })
        }
        #expect(batches.contains { $0.count > 7 })  // s0 has 30 events and still comes whole
        let newest = try await db.store.readAll(after: .start, limit: 10_000).last?.globalPosition
        #expect(read.last == newest && newest != nil)
    }

    @Test func aReplayWhoseConnectionCannotBeOpenedSaysSoApart() async throws {
        let db = try await TestDatabase.make()
        let elsewhere = EventStore(pool: PostgresPool(db.configuration.with(database: "overstap_bestaat_niet"), maximumConnections: 1))
        await #expect(throws: ReplayConnectionFailed.self) { _ = try await elsewhere.replayByStream(batchSize: 10) { _ in } }
        await elsewhere.pool.close()
    }

    @Test func anEventOfAWriterStillInFlightIsNotReadAndTheRebuildCatchesItUpAfter() async throws {
        let db = try await TestDatabase.make(maximumConnections: 4)
        try await StreamSummary.createTable(db.pool)
        _ = try await writeStreams(db.store)
        let slow = try await PostgresConnection.connect(db.configuration)
        try await slow.query("BEGIN")
        try await slow.query(
            """
            INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, occurred_at)
            VALUES ('early', 1, \(UUID()), 'a', 1, '{}', now())
            """)
        try await db.store.append(to: "late", expected: .noStream, [event("b")])

        var streams: Set<String> = []
        let read = try await db.store.replayByStream(batchSize: 50) { streams.formUnion($0.map(\.streamID)) }
        #expect(!streams.contains("early") && !streams.contains("late"))  // the later writer waits behind the earlier

        let runner = ProjectionRunner(store: db.store, projection: ReplayedSummary(), pageSize: 10)
        let rebuilding = Task { try await runner.rebuild() }
        try await Task.sleep(for: .milliseconds(200))
        try await slow.query("COMMIT")
        await slow.close()
        #expect(try await rebuilding.value == read.count + 2)
        let summary = try await StreamSummary.snapshot(db.pool)
        #expect(summary.contains("early 1 a") && summary.contains("late 1 b") && summary.count == 14)
    }

    @Test func aRebuildByStreamEqualsTheIncrementalModelAndOneThatCannotBeReplayedGoesPageByPage() async throws {
        let db = try await TestDatabase.make(maximumConnections: 4)
        try await StreamSummary.createTable(db.pool)
        _ = try await writeStreams(db.store)
        let following = ProjectionRunner(store: db.store, projection: StreamSummary(), pageSize: 25)
        try await following.catchUp()
        let incremental = try await StreamSummary.snapshot(db.pool)

        // A projection that cannot apply pages: had the rebuild gone page by page, every stream would
        // be in quarantine and the summary empty.
        let replaying = ProjectionRunner(store: db.store, projection: ReplayedSummary(refusesPages: true), pageSize: 25)
        try await db.pool.query("UPDATE stream_summary SET events = 0")  // so that a rebuild that did nothing shows
        #expect(try await replaying.rebuild() == (try await db.store.count()))
        #expect(try await StreamSummary.snapshot(db.pool) == incremental)
        #expect(try await replaying.checkpoint() == (try await following.checkpoint()))
        #expect(try await replaying.quarantineCount() == 0)

        // A batch that cannot be replayed leaves nothing half-done: the page path builds the same.
        let fallingBack = ProjectionRunner(store: db.store, projection: ReplayedSummary(unreplayableType: "t5"), pageSize: 25)
        try await db.pool.query("UPDATE stream_summary SET events = 0")
        #expect(try await fallingBack.rebuild() == (try await db.store.count()))
        #expect(try await StreamSummary.snapshot(db.pool) == incremental)
    }
}
