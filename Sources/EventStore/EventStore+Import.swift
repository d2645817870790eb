import Foundation
import Postgres

extension EventStore {
    /// Imports whole new streams in one transaction through `COPY` (history from another system, a
    /// load test): far fewer round trips than appends, with the log's invariants kept. Every stream
    /// must be new (else `streamExists`, nothing written); versions are 1…n in the order given;
    /// event ids must be unused (the unique constraint refuses reuse); the whole import is one
    /// transaction, so it takes one place in the global order and subscribers see all of it or
    /// none. Returns the number of events written.
    @discardableResult
    public func importStreams(_ streams: [(stream: String, events: [NewEvent])]) async throws -> Int {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let tijd = ISO8601DateFormatter()
        tijd.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var rows: [[String?]] = []
        for (stream, events) in streams {
            for (index, event) in events.enumerated() {
                rows.append([
                    stream, String(index + 1), event.id.uuidString, event.type, String(event.schemaVersion), event.data,
                    String(decoding: try encoder.encode(event.metadata), as: UTF8.self), tijd.string(from: event.occurredAt),
                ])
            }
        }
        guard !rows.isEmpty else { throw EventStoreError.emptyAppend }
        let written = try await pool.withTransaction { connection in
            // Before the first write (the staging table is one): readers then wait for this import.
            try await connection.query("SELECT take_append_lock()")
            try await connection.simpleQuery(unsafeSQL: """
                CREATE TEMP TABLE import_staging (
                    stream_id text, stream_version bigint, event_id uuid, event_type text, schema_version integer,
                    data jsonb, metadata jsonb, occurred_at timestamptz
                ) ON COMMIT DROP
                """)
            try await connection.copyIn(unsafeSQL: "COPY import_staging FROM STDIN", rows: rows)
            // A temp table has no statistics until analysed, and the planner guesses its size;
            // analysed, and asked per distinct stream, the check is one probe of the
            // (stream_id, stream_version) index per stream, whatever the size of `events`.
            try await connection.simpleQuery(unsafeSQL: "ANALYZE import_staging (stream_id)")
            if let bestaand = try await connection.query(
                """
                SELECT s.stream_id FROM (SELECT DISTINCT stream_id FROM import_staging) s
                WHERE EXISTS (SELECT 1 FROM events e WHERE e.stream_id = s.stream_id) LIMIT 1
                """
            ).first {
                throw EventStoreError.streamExists(try bestaand.decode("stream_id"))
            }
            // A concurrent append that creates one of these streams meanwhile collides on the
            // unique (stream_id, stream_version) and fails this whole transaction.
            return try await connection.query(
                """
                INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, occurred_at)
                SELECT stream_id, stream_version, event_id, event_type, schema_version, data, metadata, occurred_at
                FROM import_staging ORDER BY stream_id, stream_version
                """
            ).affectedRows
        }
        await wakeSubscribers()
        return written
    }
}
