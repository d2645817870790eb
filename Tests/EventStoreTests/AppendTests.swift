import EventStore
import Foundation
import PostgresTesting
import Testing
import Postgres

@Suite struct AppendTests {
    @Test func appendsNumberStreamVersionsFromOneAndReadBackInOrder() async throws {
        let db = try await TestDatabase.make()
        let first = try await db.store.append(to: "traject-1", expected: .noStream, [event("a"), event("b")])
        let second = try await db.store.append(to: "traject-1", expected: .exact(2), [event("c")])
        #expect(first.streamVersion == 2)
        #expect(second.streamVersion == 3)
        #expect(first.positions[0] < first.positions[1] && first.positions[1] < second.positions[0])
        let events = try await db.store.readStream("traject-1")
        #expect(events.map(\.type) == ["a", "b", "c"])
        #expect(events.map(\.streamVersion) == [1, 2, 3])
        #expect(events[0].metadata.actor == "test")
        #expect(events[0].occurredAt == Date(timeIntervalSince1970: 1_790_812_800))
        #expect(try await db.store.readStream("traject-1", from: 3).map(\.type) == ["c"])
    }

    @Test func aWrongExpectedVersionWritesNothing() async throws {
        let db = try await TestDatabase.make()
        try await db.store.append(to: "s", expected: .noStream, [event()])
        await #expect(throws: EventStoreError.wrongExpectedVersion(stream: "s", expected: .exact(5), actual: 1)) {
            try await db.store.append(to: "s", expected: .exact(5), [event(), event()])
        }
        await #expect(throws: EventStoreError.wrongExpectedVersion(stream: "s", expected: .noStream, actual: 1)) {
            try await db.store.append(to: "s", expected: .noStream, [event()])
        }
        #expect(try await db.store.count() == 1)
    }

    @Test func badInputIsRefusedAndNothingIsWritten() async throws {
        let db = try await TestDatabase.make()
        await #expect(throws: EventStoreError.emptyAppend) {
            try await db.store.append(to: "s", expected: .any, [])
        }
        var broken = event()
        broken.data = "{not json"
        let error = try await #require(throws: PostgresError.self) {
            try await db.store.append(to: "s", expected: .any, [event(), broken])
        }
        #expect(error.sqlState == "22P02")
        await #expect(throws: PostgresError.self) {
            try await db.store.append(to: "", expected: .any, [event()])
        }
        #expect(try await db.store.count() == 0)
    }

    @Test func eightWritersRacingForTheSameVersionLeaveExactlyOneWinner() async throws {
        let db = try await TestDatabase.make()
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    do {
                        try await db.store.append(to: "s", expected: .noStream, [event()])
                        return true
                    } catch EventStoreError.wrongExpectedVersion(_, _, let actual) {
                        #expect(actual == 1)
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        #expect(try await db.store.count() == 1)
    }

    @Test func eightWritersOnOneStreamWriteEachVersionOnceWithoutGaps() async throws {
        let db = try await TestDatabase.make()
        let attemptsPerWriter = 40
        let results = try await withThrowingTaskGroup(of: (won: [Int64], lost: Int).self) { group in
            for writer in 0..<8 {
                group.addTask {
                    var won: [Int64] = [], lost = 0
                    for attempt in 0..<attemptsPerWriter {
                        let current = try await db.store.readStream("s").last?.streamVersion ?? 0
                        do {
                            let result = try await db.store.append(
                                to: "s", expected: .exact(current), [event(n: writer * 1000 + attempt)])
                            won.append(result.streamVersion)
                        } catch EventStoreError.wrongExpectedVersion {
                            lost += 1
                        }
                    }
                    return (won, lost)
                }
            }
            return try await group.reduce(into: [(won: [Int64], lost: Int)]()) { $0.append($1) }
        }
        let won = results.flatMap(\.won)
        let lost = results.map(\.lost).reduce(0, +)
        #expect(won.count + lost == 8 * attemptsPerWriter)
        #expect(Set(won).count == won.count, "a version was reported twice")
        #expect(won.sorted() == Array(1...Int64(won.count)))
        let stored = try await db.store.readStream("s")
        #expect(stored.map(\.streamVersion) == Array(1...Int64(won.count)))
        #expect(lost > 0, "the writers never collided; the test did not exercise the race")
    }

    /// Every writer here takes the stream's lock in `append_events`: this holds the order, not the
    /// retry (the next test needs that).
    @Test func eightWritersAppendingAnywhereOnOneStreamAllLandWithoutGaps() async throws {
        let db = try await TestDatabase.make()
        let appendsPerWriter = 25
        let results = try await withThrowingTaskGroup(of: [AppendResult].self) { group in
            for writer in 0..<8 {
                group.addTask {
                    var results: [AppendResult] = []
                    for attempt in 0..<appendsPerWriter {
                        let n = writer * 1000 + attempt
                        results.append(try await db.store.append(to: "s", expected: .any, [event(n: n), event(n: n)]))
                    }
                    return results
                }
            }
            return try await group.reduce(into: [AppendResult]()) { $0 += $1 }
        }
        #expect(results.map(\.streamVersion).sorted() == Array(stride(from: 2, through: Int64(16 * appendsPerWriter), by: 2)))
        let stored = try await db.store.readStream("s")
        #expect(stored.map(\.streamVersion) == Array(1...Int64(16 * appendsPerWriter)))
        // Each append's two events sit side by side: nobody else's event came between them.
        for pair in stride(from: 0, to: stored.count, by: 2) {
            #expect(stored[pair].data == stored[pair + 1].data)
        }
    }

    /// An import writes new streams without the stream's lock; an append that meets its version
    /// goes round again instead of failing on the key.
    @Test func anAppendThatMeetsAVersionWrittenWithoutTheStreamLockLandsAfterIt() async throws {
        let db = try await TestDatabase.make()
        let waiting = try await db.pool.withTransaction { connection in
            try await connection.query(
                """
                INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, occurred_at)
                VALUES ('s', 1, gen_random_uuid(), 'eerder', 1, '{}', now())
                """)
            // The append cannot see version 1 yet: it writes 1 too, waits on the key, and meets it taken.
            let append = Task { try await db.store.append(to: "s", expected: .any, [event("later", n: 7)]) }
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let blocked = try await db.pool.query(
                    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
                if try blocked.first?.decode("n", as: Int.self) == 1 { return append }
                try await Task.sleep(for: .milliseconds(10))
            }
            Issue.record("the append never waited on the uncommitted version")
            return append
        }
        let result = try await waiting.value
        #expect(result.streamVersion == 2)
        #expect(try await db.store.readStream("s").map(\.type) == ["eerder", "later"])
    }

    @Test func anotherKeysViolationIsNotTriedAgain() async throws {
        let db = try await TestDatabase.make()
        try await db.pool.query("CREATE UNIQUE INDEX events_n_key ON events ((data->>'n'))")
        let first = try await db.store.append(to: "s", expected: .any, [event(n: 1)])
        let error = try await #require(throws: PostgresError.self) {
            try await db.store.append(to: "t", expected: .any, [event(n: 1)])
        }
        #expect(error.constraint == "events_n_key")
        // The failed insert took one position; a call made again would have taken more.
        let next = try await db.store.append(to: "u", expected: .any, [event(n: 2)])
        #expect(next.positions[0].position == first.positions[0].position + 2)
    }

    @Test func metadataIsStoredAsItsOwnCodingWritesIt() async throws {
        let db = try await TestDatabase.make()
        let full = EventMetadata(actor: "coach \"Ä\" \\ ✓", correlationID: UUID(), causationID: UUID(), contentHash: "sha256:ab")
        let sparse = EventMetadata(actor: nil)
        var events = [event("vol"), event("leeg")]
        events[0].metadata = full
        events[1].metadata = sparse
        try await db.store.append(to: "s", expected: .noStream, events)
        for (version, metadata) in [(1, full), (2, sparse)] {
            let encoded = String(decoding: try JSONEncoder().encode(metadata), as: UTF8.self)
            let rows = try await db.pool.query(
                "SELECT metadata = \(encoded)::jsonb AS gelijk FROM events WHERE stream_id = 's' AND stream_version = \(version)")
            #expect(try rows.first?.decode("gelijk", as: Bool.self) == true, "version \(version)")
        }
        #expect(try await db.store.readStream("s").map(\.metadata) == [full, sparse])
    }

    @Test func aRetryWithTheSameEventIDsReturnsTheOriginalPositionsAndWritesNothing() async throws {
        let db = try await TestDatabase.make()
        try await db.store.append(to: "s", expected: .noStream, [event()])
        let batch = [event("a"), event("b")]
        let original = try await db.store.append(to: "s", expected: .exact(1), batch)
        try await db.store.append(to: "s", expected: .exact(3), [event("c")])
        // The retry carries the expected version of the first attempt, now stale: still idempotent.
        let retry = try await db.store.append(to: "s", expected: .exact(1), batch)
        #expect(retry == original)
        #expect(try await db.store.count() == 4)
    }

    @Test func concurrentRetriesOfOneBatchStoreItOnce() async throws {
        let db = try await TestDatabase.make()
        let batch = [event("a"), event("b"), event("c")]
        let results = try await withThrowingTaskGroup(of: AppendResult.self) { group in
            for _ in 0..<8 { group.addTask { try await db.store.append(to: "s", expected: .any, batch) } }
            return try await group.reduce(into: [AppendResult]()) { $0.append($1) }
        }
        #expect(Set(results.map(\.positions)).count == 1)
        #expect(try await db.store.count() == 3)
    }

    @Test func eventIDsReusedForOtherEventsAreRefused() async throws {
        let db = try await TestDatabase.make()
        let stored = event("a")
        try await db.store.append(to: "s", expected: .any, [stored])
        await #expect(throws: EventStoreError.eventIDsReused(stream: "t")) {
            try await db.store.append(to: "t", expected: .any, [stored])
        }
        await #expect(throws: EventStoreError.eventIDsReused(stream: "s")) {
            try await db.store.append(to: "s", expected: .any, [event("b", id: stored.id)])
        }
        await #expect(throws: EventStoreError.eventIDsReused(stream: "s")) {
            try await db.store.append(to: "s", expected: .any, [stored, event("new")])
        }
        // The new event is inserted before the stored id is met: the whole append is undone.
        await #expect(throws: EventStoreError.eventIDsReused(stream: "s")) {
            try await db.store.append(to: "s", expected: .exact(1), [event("new"), stored])
        }
        let tweede = event("b")
        try await db.store.append(to: "s", expected: .exact(1), [tweede])
        await #expect(throws: EventStoreError.eventIDsReused(stream: "s")) {
            try await db.store.append(to: "s", expected: .any, [tweede, stored])
        }
        #expect(try await db.store.count() == 2)
    }

    @Test func oneEventIDSentToEightStreamsAtOnceIsStoredOnce() async throws {
        let db = try await TestDatabase.make()
        let gedeeld = event("a")
        let uitkomsten = await withTaskGroup(of: String.self) { group in
            for stream in 0..<8 {
                group.addTask {
                    do {
                        try await db.store.append(to: "s\(stream)", expected: .noStream, [gedeeld])
                        return "stored"
                    } catch EventStoreError.eventIDsReused {
                        return "reused"
                    } catch {
                        return "\(error)"
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(uitkomsten.sorted() == Array(repeating: "reused", count: 7) + ["stored"])
        #expect(try await db.store.count() == 1)
    }
}
