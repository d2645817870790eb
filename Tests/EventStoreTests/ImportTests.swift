import EventStore
import Foundation
import PostgresTesting
import Testing
import Postgres

/// The COPY import keeps the log's invariants.
@Suite struct ImportTests {
    @Test func importsNewStreamsWithVersionsInOneTransactionAsAppendsWouldStoreThem() async throws {
        let db = try await TestDatabase.make()
        let tekst = NewEvent(type: "met\ttab", data: #"{"s": "a\\b \"c\"\nd"}"#, metadata: EventMetadata(actor: "import"),
                             occurredAt: Date(timeIntervalSince1970: 1_790_812_800.5))
        let n = try await db.store.importStreams([("s-1", [event("a"), event("b"), tekst]), ("s-2", [event("c")])])
        #expect(n == 4)
        let s1 = try await db.store.readStream("s-1")
        #expect(s1.map(\.type) == ["a", "b", "met\ttab"] && s1.map(\.streamVersion) == [1, 2, 3])
        #expect(s1[2].data == #"{"s": "a\\b \"c\"\nd"}"# && s1[2].metadata.actor == "import")
        #expect(s1[2].occurredAt == tekst.occurredAt)
        // The visibility horizon is cluster-wide; other tests' transactions may hold it back a moment.
        var alles: [RecordedEvent] = []
        for _ in 0..<500 where alles.count < 4 {
            alles = try await db.store.readAll(after: .start, limit: 10)
            if alles.count < 4 { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(alles.count == 4 && Set(alles.map(\.globalPosition.transactionID)).count == 1)  // one transaction
        // Appends continue the imported streams.
        #expect(try await db.store.append(to: "s-2", expected: .exact(1), [event("d")]).streamVersion == 2)
    }

    @Test func anExistingStreamOrAReusedIdRefusesTheWholeImport() async throws {
        let db = try await TestDatabase.make()
        let id = UUID()
        try await db.store.append(to: "bestaat", expected: .noStream, [event(id: id)])
        await #expect(throws: EventStoreError.streamExists("bestaat")) {
            try await db.store.importStreams([("nieuw", [event()]), ("bestaat", [event()])])
        }
        await #expect(throws: PostgresError.self) {
            try await db.store.importStreams([("nieuw", [event()]), ("ander", [event(id: id)])])
        }
        #expect(try await db.store.count() == 1)
        #expect(try await db.store.readStream("nieuw").isEmpty)
    }

    @Test(.timeLimit(.minutes(3)))
    func importsBesideConcurrentAppendsKeepTheAppendLockProtocol() async throws {
        let db = try await TestDatabase.make(maximumConnections: 12)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<3 {
                group.addTask {
                    for r in 0..<15 {
                        try await db.store.importStreams((0..<200).map { s in ("imp-\(w)-\(r)-\(s)", (0..<17).map { event("t\($0)") }) })
                    }
                }
            }
            for w in 0..<4 {
                group.addTask {
                    for r in 0..<300 { try await db.store.append(to: "app-\(w)-\(r)", expected: .noStream, [event("a")]) }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await db.store.count() == 3 * 15 * 200 * 17 + 4 * 300)
    }
}
