import Postgres

extension EventStore {
    /// Reads every event committed below the readable horizon (`events_horizon()`, as `readAll`
    /// does) stream by stream: streams in id order, each stream's events in version order, handed
    /// to `body` in batches of whole streams of about `batchSize` events (a longer stream comes
    /// whole). The next batch is read while `body` works on one. Reads on a connection of its own,
    /// opened with the pool's configuration, so that a caller holding one of the pool's connections
    /// (a rebuild's transaction) never waits for a second. Returns how many events were read and
    /// the last of them in global order (`nil` when none): everything up to it was read, so a
    /// projection filled from them continues after it. Throws `ReplayConnectionFailed` when its
    /// connection cannot be opened (`max_connections`, a role's connection limit), else what
    /// PostgreSQL or `body` throws.
    public func replayByStream(batchSize: Int, _ body: ([RecordedEvent]) async throws -> Void) async throws
        -> (count: Int, last: GlobalPosition?)
    {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(pool.configuration)
        } catch {
            throw ReplayConnectionFailed(cause: error)
        }
        do {
            let read = try await connection.withTransaction { try await Self.replay(on: $0, batchSize: max(batchSize, 1), body) }
            await connection.close()
            return read
        } catch {
            await connection.close()
            throw error
        }
    }

    private static func replay(on connection: PostgresConnection, batchSize: Int, _ body: ([RecordedEvent]) async throws -> Void)
        async throws -> (count: Int, last: GlobalPosition?)
    {
        // As in `readAll`: the horizon first, then a statement (the cursor's) whose snapshot sees
        // every appending transaction below it ended.
        let horizon: String = try await connection.query("SELECT events_horizon()::text AS horizon").first?.decode("horizon") ?? "0"
        try await connection.query(
            """
            DECLARE replay_by_stream NO SCROLL CURSOR FOR
            SELECT \(unsafeRaw: columns) FROM events WHERE transaction_id < \(horizon)::xid8
            ORDER BY stream_id, stream_version
            """)
        let fetch = "FETCH \(batchSize) FROM replay_by_stream"
        @Sendable func next() async throws -> [RecordedEvent] {
            try await connection.query(PostgresQuery(unsafeSQL: fetch)).map(recordedEvent)
        }
        var count = 0
        var last: GlobalPosition?
        func hand(_ batch: [RecordedEvent]) async throws {
            count += batch.count
            last = max(last, batch.lazy.map(\.globalPosition).max())
            try await body(batch)
        }
        var carried: [RecordedEvent] = []
        var fetched = try await next()
        while !fetched.isEmpty {
            async let following = next()
            var batch = carried + fetched
            // The last stream stays back: the next fetch may hold more of it.
            let cut = batch.last.flatMap { tail in batch.lastIndex { $0.streamID != tail.streamID }.map { $0 + 1 } } ?? 0
            carried = Array(batch[cut...])
            batch.removeSubrange(cut...)
            if !batch.isEmpty { try await hand(batch) }
            fetched = try await following
        }
        if !carried.isEmpty { try await hand(carried) }
        return (count, last)
    }
}

/// `replayByStream` could not open its connection: the caller may read another way (a rebuild
/// goes page by page on its own connection).
public struct ReplayConnectionFailed: Error {
    /// What `connect` threw.
    public let cause: any Error
}

/// The later of two optional positions.
private func max(_ a: GlobalPosition?, _ b: GlobalPosition?) -> GlobalPosition? {
    guard let a else { return b }
    guard let b else { return a }
    return Swift.max(a, b)
}
