import EventStore
import Foundation
import PostgresTesting
import Testing
import Postgres

@Suite struct SubscriptionTests {
    @Test func anEventIsNotReadWhileAnEarlierWriterWithALowerPositionHasNotCommitted() async throws {
        let db = try await TestDatabase.make()
        let slow = try await PostgresConnection.connect(db.configuration)
        try await slow.query("BEGIN")
        let early: Int64 = try await slow.query(
            """
            INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, occurred_at)
            VALUES ('early', 1, \(UUID()), 'a', 1, '{}', now()) RETURNING position
            """).first!.decode("position")
        let late = try await db.store.append(to: "late", expected: .noStream, [event("b")])
        #expect(late.positions[0].position > early)  // the later writer committed first

        #expect(try await db.store.readAll(after: .start, limit: 100).isEmpty)

        try await slow.query("COMMIT")
        await slow.close()
        // The horizon may fall back to the snapshot's xmin for a moment (an appender between its
        // lock and its id, in this test's database): waiting for it is a delay, never a reordering.
        var all: [RecordedEvent] = []
        for _ in 0..<500 where all.count < 2 {
            all = try await db.store.readAll(after: .start, limit: 100)
            if all.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(all.map(\.streamID) == ["early", "late"])
    }

    @Test func openTransactionsThatDoNotAppendHoldNoReaderBack() async throws {
        let db = try await TestDatabase.make()
        let elders = try await TestDatabase.make()
        // A transaction id held open in another database of the cluster, and one in this database
        // that writes something other than events: neither may hold the log's readers back.
        var open: [PostgresConnection] = []
        for (database, sql) in [(elders, "CREATE TABLE bezig (x int)"), (db, "CREATE TABLE ook_bezig (x int)")] {
            let connection = try await PostgresConnection.connect(database.configuration)
            try await connection.query("BEGIN")
            try await connection.query(PostgresQuery(unsafeSQL: sql))
            open.append(connection)
        }
        try await db.store.append(to: "s", expected: .noStream, [event("a")])
        #expect(try await db.store.readAll(after: .start, limit: 10).map(\.type) == ["a"])
        for connection in open {
            try await connection.query("ROLLBACK")
            await connection.close()
        }
    }

    @Test func aTransactionThatWroteBeforeItAppendsIsRefused() async throws {
        let db = try await TestDatabase.make()
        let connection = try await PostgresConnection.connect(db.configuration)
        try await connection.query("BEGIN")
        try await connection.query("CREATE TABLE eerst (x int)")  // the transaction has an id now, without the append lock
        await #expect(throws: PostgresError.self) {
            do {
                try await connection.query(
                    "INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, occurred_at) VALUES ('s', 1, \(UUID()), 'a', 1, '{}', now())")
            } catch let error as PostgresError {
                #expect(error.sqlState == "ES003")
                throw error
            }
        }
        try await connection.query("ROLLBACK")
        // Taking the lock first is the way: then the same works.
        try await connection.query("BEGIN")
        try await connection.query("SELECT take_append_lock()")
        try await connection.query("CREATE TABLE eerst (x int)")
        try await connection.query(
            "INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, occurred_at) VALUES ('s', 1, \(UUID()), 'a', 1, '{}', now())")
        try await connection.query("COMMIT")
        await connection.close()
        #expect(try await db.store.count() == 1)
    }

    @Test(.timeLimit(.minutes(3)))
    func aSubscriberSeesEveryEventOfEightConcurrentWritersExactlyOnceInGlobalOrder() async throws {
        let db = try await TestDatabase.make(maximumConnections: 12)
        let writers = 8, eventsPerWriter = 2_500
        let total = writers * eventsPerWriter
        let seen = try await withThrowingTaskGroup(of: [RecordedEvent].self) { group in
            group.addTask {
                var seen: [RecordedEvent] = []
                try await db.store.subscribe(after: .start, pageSize: 500, pollInterval: .milliseconds(200)) { page in
                    seen += page
                    return seen.count >= total ? .stop : .continue
                }
                return seen
            }
            for writer in 0..<writers {
                group.addTask {
                    var written = 0, streamNumber = 0
                    while written < eventsPerWriter {
                        streamNumber += 1
                        let stream = "w\(writer)-\(streamNumber)"
                        var version: Int64 = 0
                        for batchSize in [1, 3, 2, 4, 1, 1] where written < eventsPerWriter {
                            let count = min(batchSize, eventsPerWriter - written)
                            let batch = (0..<count).map { event(n: written + $0) }
                            let result = try await db.store.append(
                                to: stream, expected: version == 0 ? .noStream : .exact(version), batch)
                            version = result.streamVersion
                            written += count
                        }
                    }
                    return []
                }
            }
            return try await group.reduce(into: [RecordedEvent]()) { $0 += $1 }
        }
        #expect(seen.count == total)
        #expect(Set(seen.map(\.id)).count == total, "an event was delivered twice")
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.globalPosition < $1.globalPosition })
        let stored = try await db.store.readAll(after: .start, limit: total + 1)
        #expect(stored.map(\.id) == seen.map(\.id), "the subscriber's order differs from the log's")
        var lastVersion: [String: Int64] = [:]
        for event in seen {
            #expect(event.streamVersion == (lastVersion[event.streamID] ?? 0) + 1)
            lastVersion[event.streamID] = event.streamVersion
        }
        // Commits did interleave: some event has a lower position than one delivered before it.
        #expect(zip(seen, seen.dropFirst()).contains { $0.globalPosition.position > $1.globalPosition.position })
    }

    @Test(.timeLimit(.minutes(1)))
    func aNotificationWakesACaughtUpSubscriberWithoutWaitingForThePoll() async throws {
        let db = try await TestDatabase.make()
        let wakeUps = Task { await db.store.sendWakeUps() }
        defer { wakeUps.cancel() }
        try await db.store.append(to: "s", expected: .noStream, [event("a")])
        let caughtUp = Locked(false)
        let subscriber = Task {
            var types: [String] = []
            // A poll interval longer than the test's time limit: only a wake-up can deliver "b".
            try await db.store.subscribe(after: .start, pollInterval: .seconds(3600)) { page in
                types += page.map(\.type)
                caughtUp.withLock { $0 = true }
                return types.count == 2 ? .stop : .continue
            }
            return types
        }
        while !caughtUp.value { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(300))  // let the listener settle
        try await db.store.append(to: "s", expected: .exact(1), [event("b")])
        #expect(try await subscriber.value == ["a", "b"])
    }

    @Test func aSubscriptionStartsAfterTheGivenPosition() async throws {
        let db = try await TestDatabase.make()
        let first = try await db.store.append(to: "s", expected: .noStream, [event("a"), event("b")])
        try await db.store.append(to: "s", expected: .exact(2), [event("c")])
        var types: [String] = []
        try await db.store.subscribe(after: first.positions[1]) { page in
            types += page.map(\.type)
            return .stop
        }
        #expect(types == ["c"])
    }

    @Test func cancellingASubscriberEndsItWithCancellationError() async throws {
        let db = try await TestDatabase.make()
        let subscriber = Task {
            try await db.store.subscribe(after: .start, pollInterval: .seconds(3600)) { _ in .continue }
        }
        try await Task.sleep(for: .milliseconds(200))
        subscriber.cancel()
        await #expect(throws: CancellationError.self) { try await subscriber.value }
    }
}
