import Logging
import Postgres

/// A read model kept up to date from the log. The runner calls it inside the transaction that
/// also moves its checkpoint, so a crash never applies an event twice or loses one.
public protocol Projection: Sendable {
    /// Unique name; also the key of its checkpoint.
    var name: String { get }
    /// Empties the read model before a rebuild from position 0.
    func reset(in connection: PostgresConnection) async throws
    /// Applies events in global order. An error makes the runner look for the event at fault and
    /// set it aside (`projection_quarantine`), unless it is transient (a lost connection, a timeout).
    func apply(_ events: [RecordedEvent], in connection: PostgresConnection) async throws
    /// Removes what the read model holds of `stream`, before all its events are applied again
    /// (retrying a quarantine).
    func forget(stream: String, in connection: PostgresConnection) async throws
    /// Marks `streams` as not current: an event of theirs was set aside, so what the read model
    /// shows of them stops before it. Nothing by default.
    func markNotCurrent(streams: [String], in connection: PostgresConnection) async throws
    /// Tidies the read model once a rebuild has committed, outside a transaction (a `VACUUM`, so
    /// that readers need not step over every row the rebuild replaced until autovacuum comes).
    /// The runner logs a failure and goes on: the rebuild stands. Nothing by default.
    func tidyAfterRebuild(on connection: PostgresConnection) async throws
}

extension Projection {
    public func markNotCurrent(streams: [String], in connection: PostgresConnection) async throws {}
    public func tidyAfterRebuild(on connection: PostgresConnection) async throws {}
}

/// A projection whose read model a rebuild may fill stream by stream (`EventStore.replayByStream`)
/// instead of page by page in global order: each stream is seen once, whole, from its first event,
/// and what it adds is worked out apart from the writing, so that the two run side by side.
/// Only a projection whose rows depend on one stream at a time may be one.
public protocol StreamReplayProjection: Projection {
    /// What a batch adds to the emptied read model, ready to write.
    associatedtype Replayed: Sendable
    /// Pure (no I/O): what `events` add to the emptied read model; they are whole streams, each
    /// from its first event in version order. Throws when one of them cannot be applied; the
    /// rebuild then starts again page by page, which sets that event aside.
    func replay(_ events: [RecordedEvent]) throws -> Replayed
    /// Writes what `replay` returned, in the rebuild's transaction.
    func write(_ replayed: Replayed, in connection: PostgresConnection) async throws
}

/// Feeds one projection: catches up from its checkpoint, follows new events, or rebuilds it.
/// Several runners of the same projection (two service instances) take turns through an
/// advisory lock and never apply an event twice. An event the projection cannot apply is set
/// aside with the later events of its stream (`Quarantine.swift`); every other stream goes on.
public struct ProjectionRunner: Sendable {
    /// The store read from.
    public let store: EventStore
    /// The projection fed.
    public let projection: any Projection
    /// Events applied per transaction.
    public let pageSize: Int

    /// Creates a runner.
    public init(store: EventStore, projection: any Projection, pageSize: Int = 1000) {
        self.store = store
        self.projection = projection
        self.pageSize = pageSize
    }

    /// Applies every event committed before it returns (waiting for writers still in flight);
    /// returns how many it applied.
    @discardableResult
    public func catchUp() async throws -> Int {
        var total = 0
        while true {
            let step = try await store.pool.withTransaction { try await applyNextPage(on: $0) }
            switch step {
            case .applied(let count): total += count
            case .caughtUp: return total
            case .behindHorizon: try await Task.sleep(for: EventStore.horizonRetry)
            }
        }
    }

    /// Applies what it can now without waiting: returns at once when another runner holds the
    /// lock (that one is applying) or when committed events wait for writers still in flight,
    /// and between pages once `deadline` has passed. Returns whether it reached the end of the log.
    /// Runs on `pool` (default: the store's), so that a reader can help on a pool of its own.
    public func catchUpWithoutWaiting(until deadline: ContinuousClock.Instant, on pool: PostgresPool? = nil) async throws -> Bool {
        while ContinuousClock.now < deadline {
            let step = try await (pool ?? store.pool).withTransaction { connection -> Step? in
                let locked: Bool = try await connection.query(
                    "SELECT pg_try_advisory_xact_lock(hashtextextended(\(lockKey), 0)) AS locked"
                ).first?.decode("locked") ?? false
                return locked ? try await applyNextPage(on: connection, locked: true) : nil
            }
            switch step {
            case .applied: continue
            case .caughtUp: return true
            case .behindHorizon, nil: return false
            }
        }
        return false
    }

    /// Helps the projection until it has applied everything up to `position` (a committed event's,
    /// e.g. the head of `freshness()` as a request arrived) or `deadline` passes, never waiting for
    /// another runner's lock (that one is applying), on `pool` (default: the store's; a reader
    /// passes its own, so that waiting readers never take a writer's connection); returns where the
    /// projection stands and whether that covers `position`. A failure to help is no failure of the
    /// read: it answers with what the projection has. An event set aside in quarantine counts as
    /// passed (see `quarantineCount`).
    public func reach(_ position: GlobalPosition, until deadline: ContinuousClock.Instant, on pool: PostgresPool? = nil) async throws
        -> (checkpoint: GlobalPosition, reached: Bool)
    {
        let pool = pool ?? store.pool
        var checkpoint = try await self.checkpoint(on: pool)
        var pause = Duration.milliseconds(5)
        while checkpoint < position, ContinuousClock.now < deadline {
            if (try? await catchUpWithoutWaiting(until: deadline, on: pool)) != true {
                // Another runner is applying, or writers are still in flight: ask again, less often
                // the longer it takes, so that many waiting readers do not crowd the pool.
                try await Task.sleep(for: min(pause, deadline - ContinuousClock.now))
                pause = min(pause * 2, .milliseconds(200))
            }
            checkpoint = try await self.checkpoint(on: pool)
        }
        return (checkpoint, checkpoint >= position)
    }

    /// How current the read model is, in one round trip on `pool` (default: the store's): the
    /// log's head (the newest committed event; every append acknowledged before the call lies at
    /// or before it), this projection's checkpoint, and how many events it holds in quarantine.
    /// Current for every write acknowledged before the call when `checkpoint >= head` and nothing
    /// is held. Asked before every list, so prepared.
    public func freshness(on pool: PostgresPool? = nil) async throws
        -> (head: GlobalPosition, checkpoint: GlobalPosition, quarantined: Int)
    {
        guard let row = try await (pool ?? store.pool).queryPrepared(
            """
            SELECT h.transaction_id::text AS head_xid, h.position AS head_position,
                   c.transaction_id::text AS checkpoint_xid, c.position AS checkpoint_position,
                   (SELECT count(*) FROM projection_quarantine WHERE projection = \(projection.name)) AS quarantined
            FROM (SELECT 1) AS one
            LEFT JOIN LATERAL (SELECT transaction_id, position FROM events
                               ORDER BY transaction_id DESC, position DESC LIMIT 1) AS h ON true
            LEFT JOIN projection_checkpoints AS c ON c.name = \(projection.name)
            """
        ).first else { return (.start, .start, 0) }
        func position(_ prefix: String) throws -> GlobalPosition {
            guard let xid = try row.decode(prefix + "_xid", as: UInt64?.self),
                let position = try row.decode(prefix + "_position", as: Int64?.self)
            else { return .start }
            return GlobalPosition(transactionID: xid, position: position)
        }
        return (try position("head"), try position("checkpoint"), try row.decode("quarantined"))
    }

    /// Catches up, then follows new events until the task is cancelled.
    public func run(pollInterval: Duration = .seconds(1)) async throws {
        try await store.follow(pollInterval: pollInterval) {
            let step = try await store.pool.withTransaction { try await applyNextPage(on: $0) }
            return switch step {
            case .applied: .more
            case .caughtUp: .caughtUp
            case .behindHorizon: .behindHorizon
            }
        }
    }

    /// Empties the read model and replays the log from position 0 in one transaction, so readers
    /// see the old model until the new one is complete; then catches up. Returns events applied.
    /// A `StreamReplayProjection` is filled stream by stream, reading the log on a connection of
    /// its own; when a batch cannot be applied, or that connection cannot be opened, that is rolled
    /// back and the rebuild goes page by page, setting an event at fault aside. Throws what
    /// PostgreSQL throws.
    @discardableResult
    public func rebuild() async throws -> Int {
        var replayed: Int?
        if let replaying = projection as? any StreamReplayProjection {
            do {
                replayed = try await rebuildByStream(replaying)
            } catch where !isTransient(error) || error is ReplayConnectionFailed {
                store.logger.warning(
                    "rebuild by stream failed; rebuilding page by page",
                    metadata: ["projection": "\(projection.name)", "error": "\(errorKind(error).code)"])
            }
        }
        let total: Int
        if let replayed { total = replayed } else { total = try await rebuildByPages() }
        await tidy()
        // Only up to the horizon the rebuild could see; `catchUp` does the rest.
        return total + (try await catchUp())
    }

    /// Empties the read model and applies the log page by page in global order, in one
    /// transaction; returns the events applied.
    private func rebuildByPages() async throws -> Int {
        try await store.pool.withTransaction { connection in
            try await empty(connection)
            try await saveCheckpoint(.start, on: connection)
            var total = 0
            while case .applied(let count) = try await applyNextPage(on: connection, locked: true) {
                total += count
            }
            return total
        }
    }

    /// The start of either rebuild, in its transaction: takes the runner's lock, empties the read
    /// model and forgets the events set aside (the rebuild meets them again).
    private func empty(_ connection: PostgresConnection) async throws {
        try await lock(connection)
        try await projection.reset(in: connection)
        try await connection.query("DELETE FROM projection_quarantine WHERE projection = \(projection.name)")
    }

    /// The projection's `tidyAfterRebuild`; a failure is logged (by kind) and passed over.
    private func tidy() async {
        do {
            try await store.pool.withConnection { try await projection.tidyAfterRebuild(on: $0) }
        } catch {
            store.logger.warning("tidying after a rebuild failed", metadata: ["projection": "\(projection.name)", "error": "\(errorKind(error).code)"])
        }
    }

    /// Fills the emptied read model from every stream below the horizon in one transaction: while
    /// one batch is written, the next is worked out and the one after read. The checkpoint becomes
    /// the last event read, in global order. Returns the events replayed.
    func rebuildByStream<P: StreamReplayProjection>(_ projection: P) async throws -> Int {
        try await store.pool.withTransaction { connection in
            try await empty(connection)
            var writing: Task<Void, any Error>?
            do {
                let read = try await store.replayByStream(batchSize: pageSize * 4) { events in
                    let replayed = try projection.replay(events)
                    try await writing?.value
                    writing = Task { try await projection.write(replayed, in: connection) }
                }
                try await writing?.value
                try await saveCheckpoint(read.last ?? .start, on: connection)
                return read.count
            } catch {
                writing?.cancel()
                _ = try? await writing?.value
                throw error
            }
        }
    }

    /// Where the projection has got to, read on `pool` (default: the store's).
    public func checkpoint(on pool: PostgresPool? = nil) async throws -> GlobalPosition {
        try await (pool ?? store.pool).withConnection { try await loadCheckpoint(on: $0) }
    }

    // MARK: Steps

    private enum Step { case applied(Int), caughtUp, behindHorizon }

    private func applyNextPage(on connection: PostgresConnection, locked: Bool = false) async throws -> Step {
        if !locked { try await lock(connection) }
        let checkpoint = try await loadCheckpoint(on: connection)
        let page = try await EventStore.page(after: checkpoint, limit: pageSize, on: connection)
        guard let last = page.events.last else { return page.isCaughtUp ? .caughtUp : .behindHorizon }
        try await applySettingAside(page.events, on: connection)
        try await saveCheckpoint(last.globalPosition, on: connection)
        return .applied(page.events.count)
    }

    func lock(_ connection: PostgresConnection) async throws {
        try await connection.query(
            "SELECT pg_advisory_xact_lock(hashtextextended(\(lockKey), 0))")
    }

    /// The advisory lock runners of this projection take turns by.
    private var lockKey: String { "projection:" + projection.name
    }

    func loadCheckpoint(on connection: PostgresConnection) async throws -> GlobalPosition {
        let rows = try await connection.query(
            """
            SELECT transaction_id::text AS transaction_xid, position
            FROM projection_checkpoints WHERE name = \(projection.name)
            """)
        return try rows.first.map(EventStore.globalPosition) ?? .start
    }

    private func saveCheckpoint(_ position: GlobalPosition, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO projection_checkpoints (name, transaction_id, position)
            VALUES (\(projection.name), \(position.transactionID)::xid8, \(position.position))
            ON CONFLICT (name) DO UPDATE
            SET transaction_id = EXCLUDED.transaction_id, position = EXCLUDED.position, updated_at = now()
            """)
    }
}
