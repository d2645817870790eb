import Foundation
import Postgres

/// An event a projection could not apply, as `projection_quarantine` holds it: where it is, and
/// why (the error's kind and SQLSTATE; never a payload or a message that may quote values).
public struct QuarantinedEvent: Sendable, Equatable {
    /// The projection that set it aside.
    public var projection: String
    /// The event's id, stream and place.
    public var eventID: UUID
    public var streamID: String
    public var streamVersion: Int64
    public var globalPosition: GlobalPosition
    /// The error's kind (`PostgresError.server`, `GebeurtenisFout`, …), or `follows` for a later
    /// event of a stream that was already held.
    public var errorCode: String
    /// PostgreSQL's code when it refused the read model's write (`22008`, `54000`, …).
    public var sqlState: String?
    /// When it was set aside.
    public var quarantinedAt: Date
}

/// The outcome of applying the quarantined events again.
public struct QuarantineRetry: Sendable, Equatable {
    /// Streams whose events now applied; they left the quarantine.
    public var cleared: [String]
    /// Streams still held.
    public var held: [String]

    /// Creates an outcome.
    public init(cleared: [String], held: [String]) {
        self.cleared = cleared
        self.held = held
    }
}

/// Errors that say nothing about the event (`PostgresError.isTransient`) or a cancelled task:
/// applying is retried later instead of setting the event aside.
func isTransient(_ error: any Error) -> Bool {
    error is CancellationError || (error as? PostgresError)?.isTransient == true
}

/// The error's kind for the quarantine: its type, and for PostgreSQL its code; no message.
func errorKind(_ error: any Error) -> (code: String, sqlState: String?) {
    if let error = error as? PostgresError { return ("PostgresError.\(error.code)", error.sqlState) }
    let type = String(describing: type(of: error))
    // An enum case without values names itself without saying more than its type does.
    let described = String(describing: error)
    return (described.allSatisfy { $0.isLetter || $0.isNumber } ? "\(type).\(described)" : type, nil)
}

extension ProjectionRunner {
    static let follows = "follows"

    /// The streams among `streams` with an event held for this projection.
    func heldStreams(among streams: [String], on connection: PostgresConnection) async throws -> Set<String> {
        Set(try await connection.query(
            """
            SELECT DISTINCT stream_id FROM projection_quarantine
            WHERE projection = \(projection.name) AND stream_id = ANY(\(streams)::text[])
            """
        ).map { try $0.decode("stream_id", as: String.self) })
    }

    func quarantine(_ event: RecordedEvent, _ code: String, _ sqlState: String?, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO projection_quarantine
                (projection, event_id, stream_id, stream_version, transaction_id, position, error_code, sqlstate)
            VALUES (\(projection.name), \(event.id), \(event.streamID), \(event.streamVersion),
                    \(event.globalPosition.transactionID)::xid8, \(event.globalPosition.position), \(code), \(sqlState))
            ON CONFLICT (projection, event_id) DO NOTHING
            """)
    }

    /// Every event held for this projection, in global order.
    public func quarantined() async throws -> [QuarantinedEvent] {
        try await store.pool.query(
            """
            SELECT projection, event_id, stream_id, stream_version, transaction_id::text AS transaction_xid, position,
                   error_code, sqlstate, quarantined_at
            FROM projection_quarantine WHERE projection = \(projection.name) ORDER BY transaction_id, position
            """
        ).map { row in
            QuarantinedEvent(
                projection: try row.decode("projection"), eventID: try row.decode("event_id"),
                streamID: try row.decode("stream_id"), streamVersion: try row.decode("stream_version"),
                globalPosition: try EventStore.globalPosition(row), errorCode: try row.decode("error_code"),
                sqlState: try row.decode("sqlstate"), quarantinedAt: try row.decode("quarantined_at"))
        }
    }

    /// How many events are held for this projection; on `pool` when given (a pool that heavy
    /// work cannot exhaust), else the store's.
    public func quarantineCount(on pool: PostgresPool? = nil) async throws -> Int {
        try await (pool ?? store.pool).query(
            "SELECT count(*) AS n FROM projection_quarantine WHERE projection = \(projection.name)"
        ).first.map { try $0.decode("n") } ?? 0
    }

    /// Applies the events of every held stream again, from the stream's first event up to the
    /// checkpoint (after a fix in code or data): the projection first forgets the stream, then gets
    /// all of its events. A stream that now applies leaves the quarantine; one that still fails
    /// stays, as it was. Runs under the projection's lock, in one transaction.
    public func retryQuarantine() async throws -> QuarantineRetry {
        try await store.pool.withTransaction { connection in
            try await lock(connection)
            let checkpoint = try await loadCheckpoint(on: connection)
            let streams = try await connection.query(
                """
                SELECT stream_id FROM projection_quarantine WHERE projection = \(projection.name)
                GROUP BY stream_id ORDER BY min(transaction_id), min(position)
                """
            ).map { try $0.decode("stream_id", as: String.self) }
            var result = QuarantineRetry(cleared: [], held: [])
            for stream in streams {
                do {
                    try await connection.withSavepoint { connection in
                        let events = try await EventStore.readStream(stream, on: connection).filter { $0.globalPosition <= checkpoint }
                        try await projection.forget(stream: stream, in: connection)
                        if !events.isEmpty { try await projection.apply(events, in: connection) }
                        try await connection.query(
                            "DELETE FROM projection_quarantine WHERE projection = \(projection.name) AND stream_id = \(stream)")
                    }
                    result.cleared.append(stream)
                } catch where !isTransient(error) {
                    result.held.append(stream)
                }
            }
            return result
        }
    }

    /// Applies `events` (one page, in global order) with every stream that is held, or becomes
    /// held, set aside: first all at once; when that fails for a reason of the events themselves,
    /// one at a time, each failing event and the later events of its stream into the quarantine.
    func applySettingAside(_ events: [RecordedEvent], on connection: PostgresConnection) async throws {
        var held = try await heldStreams(among: Array(Set(events.map(\.streamID))), on: connection)
        let free = events.filter { !held.contains($0.streamID) }
        var allApplied = true
        do {
            if !free.isEmpty { try await connection.withSavepoint { try await projection.apply(free, in: $0) } }
        } catch where !isTransient(error) {
            allApplied = false  // find the events at fault below
        }
        if allApplied {
            for event in events where held.contains(event.streamID) {
                try await quarantine(event, Self.follows, nil, on: connection)
            }
            return
        }
        var newlyHeld: [String] = []
        for event in events {
            if held.contains(event.streamID) {
                try await quarantine(event, Self.follows, nil, on: connection)
                continue
            }
            do {
                try await connection.withSavepoint { try await projection.apply([event], in: $0) }
            } catch where !isTransient(error) {
                let (code, sqlState) = errorKind(error)
                try await quarantine(event, code, sqlState, on: connection)
                held.insert(event.streamID)
                newlyHeld.append(event.streamID)
                store.logger.error("projection set an event aside", metadata: [
                    "projection": "\(projection.name)", "event.position": "\(event.globalPosition)",
                    "event.stream": "\(event.streamID)", "fout": "\(code)", "db.sqlstate": "\(sqlState ?? "-")",
                ])
            }
        }
        if !newlyHeld.isEmpty { try await projection.markNotCurrent(streams: newlyHeld, in: connection) }
    }
}
