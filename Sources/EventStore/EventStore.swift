import Foundation
import Logging
import Postgres
import Synchronization

/// The append-only event log in PostgreSQL: streams with versions, idempotent appends, reads in
/// stream order and in global order. Cheap to copy; share one per process.
public struct EventStore: Sendable {
    /// The pool every operation runs on.
    public let pool: PostgresPool
    let wakeUps: WakeUps
    let logger: Logger

    /// The NOTIFY channel that wakes subscribers after appends (a hint only; they always re-query).
    public static let notificationChannel = "overstap_events"

    /// Creates a store on `pool`; the schema comes from `sql/` through `Migrator`.
    public init(pool: PostgresPool, logger: Logger = Logger(label: "overstap.eventstore")) {
        self.pool = pool
        self.wakeUps = WakeUps()
        self.logger = logger
    }

    /// Appends `events` to `stream` atomically if the stream is where `expected` says.
    ///
    /// A retry whose event ids are already stored (same stream, types and order) writes nothing and
    /// returns the original result. Throws `EventStoreError.wrongExpectedVersion` when another writer
    /// got there first, and `.eventIDsReused` when the ids belong to other events.
    @discardableResult
    public func append(to stream: String, expected: ExpectedVersion, _ events: [NewEvent]) async throws
        -> AppendResult
    {
        guard !events.isEmpty else { throw EventStoreError.emptyAppend }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let metadata = try events.map { String(decoding: try encoder.encode($0.metadata), as: UTF8.self) }
        let rows: PostgresRows
        do {
            rows = try await appendEvents(stream, expected: expected, events, metadata: metadata)
        } catch let error as PostgresError {
            throw Self.storeError(error, stream: stream, expected: expected)
        }
        guard let laatste = rows.last else { throw PostgresError(code: .decoding, message: "append_events returned no rows") }
        let result = AppendResult(
            streamVersion: try laatste.decode("stream_version"),
            positions: try rows.map { try Self.globalPosition($0) })
        // The wake-up does not hold up the writer: `sendWakeUps` sends it; subscribers re-query
        // anyway and poll as a fallback.
        wakeUps.request()
        return result
    }

    /// How often `append` calls `append_events` when it keeps meeting versions taken by writers
    /// that do not take the stream's lock.
    private static let appendRounds = 8

    /// Calls `append_events` (sql/0006; `metadata` is each event's metadata as JSON). Appends take
    /// the stream's lock there, but an import (`importStreams`) writes new streams without it:
    /// when the function meets a version such a writer took (`23505` on the stream's version key,
    /// nothing written), that writer committed, and the call is made again, at most
    /// `appendRounds` times (decision 0022; it holds under READ COMMITTED, the server's default,
    /// where the function's probe after the lock sees every append committed before it).
    /// Returns the rows of the stored events; throws `PostgresError` (any other key's too).
    private func appendEvents(_ stream: String, expected: ExpectedVersion, _ events: [NewEvent], metadata: [String]) async throws
        -> PostgresRows
    {
        var round = 1
        while true {
            do {
                // Prepared once per connection: the statement is the same for every append.
                return try await pool.queryPrepared(
                    """
                    SELECT stream_version, position, transaction_id::text AS transaction_xid
                    FROM append_events(\(stream), \(expected.bind), \(events.map(\.id))::uuid[],
                        \(events.map(\.type))::text[], \(events.map(\.schemaVersion))::integer[],
                        \(events.map(\.data))::jsonb[], \(metadata)::jsonb[], \(events.map(\.occurredAt))::timestamptz[])
                    """)
            } catch let error as PostgresError
                where error.sqlState == PostgresError.SQLState.uniqueViolation
                    && error.constraint == "events_stream_version_key" && round < Self.appendRounds
            {
                round += 1
            }
        }
    }

    /// The events of `stream` from `version` on (1 is the first), in stream order.
    public func readStream(_ stream: String, from version: Int64 = 1, limit: Int = Int(Int32.max)) async throws
        -> [RecordedEvent]
    {
        try await pool.withConnection { try await Self.readStream(stream, from: version, limit: limit, on: $0) }
    }

    static func readStream(_ stream: String, from version: Int64 = 1, limit: Int = Int(Int32.max), on connection: PostgresConnection)
        async throws -> [RecordedEvent]
    {
        let rows = try await connection.query(
            """
            SELECT \(unsafeRaw: columns) FROM events
            WHERE stream_id = \(stream) AND stream_version >= \(version)
            ORDER BY stream_version LIMIT \(limit)
            """)
        return try rows.map(recordedEvent)
    }

    /// Up to `limit` committed events after `position`, in global order. Only events of finished
    /// transactions are returned, so a later call never finds one before a position already seen.
    public func readAll(after position: GlobalPosition, limit: Int) async throws -> [RecordedEvent] {
        try await pool.withConnection { try await Self.readAll(after: position, limit: limit, on: $0) }
    }

    /// Run it outside a transaction or in a READ COMMITTED one: the horizon and the read are two
    /// statements, and the read must see what committed between them (a REPEATABLE READ
    /// transaction would read with the horizon's snapshot and could skip an event).
    static func readAll(after position: GlobalPosition, limit: Int, on connection: PostgresConnection)
        async throws -> [RecordedEvent]
    {
        // Every appending transaction below the horizon has ended; this later statement's snapshot
        // sees the ones that committed (sql/0008, decision 0011). Unrelated transactions anywhere on
        // the cluster do not hold it back.
        let horizon: String = try await connection.query("SELECT events_horizon()::text AS horizon").first?.decode("horizon") ?? "0"
        let rows = try await connection.query(
            """
            SELECT \(unsafeRaw: columns) FROM events
            WHERE (transaction_id, position) > (\(position.transactionID)::xid8, \(position.position))
              AND transaction_id < \(horizon)::xid8
            ORDER BY events.transaction_id, events.position LIMIT \(limit)
            """)
        return try rows.map(recordedEvent)
    }

    /// The next page after `position`, and whether an empty page means the reader has caught up.
    /// Under concurrent writers the readable horizon trails the newest commits by the transactions
    /// still in flight, so an empty page with committed events beyond it means "not yet", not "done".
    static func page(after position: GlobalPosition, limit: Int, on connection: PostgresConnection)
        async throws -> Page
    {
        let events = try await readAll(after: position, limit: limit, on: connection)
        guard events.isEmpty else { return Page(events: events, isCaughtUp: false) }
        // A statement of its own, so this sees every commit up to now, readable yet or not.
        let pending: Bool = try await connection.query(
            """
            SELECT EXISTS (SELECT 1 FROM events
                WHERE (transaction_id, position) > (\(position.transactionID)::xid8, \(position.position))) AS pending
            """
        ).first!.decode("pending")
        return Page(events: [], isCaughtUp: !pending)
    }

    /// Refuses a log whose newest transaction id is not below the cluster's next one. Global order
    /// is by transaction id (decision 0001), so after a logical restore into a new cluster, new
    /// events would sort before the restored ones and subscribers would skip them.
    public func checkTransactionCounter() async throws {
        let row = try await pool.query(
            """
            SELECT (SELECT max(transaction_id) FROM events)::text AS last_in_log,
                   pg_snapshot_xmax(pg_current_snapshot())::text AS next
            """
        ).first!
        guard let last = try row.decode("last_in_log", as: String?.self).flatMap(UInt64.init),
            let next = UInt64(try row.decode("next", as: String.self)), last >= next
        else { return }
        throw EventStoreError.transactionCounterBehind(lastInLog: last, next: next)
    }

    /// The stored events with these ids, whatever their stream, by stream and version; an id not
    /// stored is absent. For telling a retry (the same ids again) from a new request.
    public func events(withIDs ids: [UUID]) async throws -> [RecordedEvent] {
        try await pool.query(
            "SELECT \(unsafeRaw: Self.columns) FROM events WHERE event_id = ANY(\(ids)::uuid[]) ORDER BY stream_id, stream_version"
        ).map(Self.recordedEvent)
    }

    /// The number of events stored.
    public func count() async throws -> Int {
        try await pool.query("SELECT count(*) AS n FROM events").first!.decode("n")
    }

    // MARK: Rows

    static let columns = """
        position, transaction_id::text AS transaction_xid, stream_id, stream_version, event_id, event_type,
        schema_version, data::text AS data, occurred_at, recorded_at,
        metadata->>'\(EventMetadata.CodingKeys.actor.rawValue)' AS actor,
        metadata->>'\(EventMetadata.CodingKeys.correlationID.rawValue)' AS correlation_id,
        metadata->>'\(EventMetadata.CodingKeys.causationID.rawValue)' AS causation_id,
        metadata->>'\(EventMetadata.CodingKeys.contentHash.rawValue)' AS content_hash
        """

    static func globalPosition(_ row: PostgresRow) throws -> GlobalPosition {
        GlobalPosition(transactionID: try row.decode("transaction_xid"), position: try row.decode("position"))
    }

    /// A row of `columns` as an event; the metadata's fields are taken apart by PostgreSQL, which
    /// costs less than decoding JSON here for every event read.
    static func recordedEvent(_ row: PostgresRow) throws -> RecordedEvent {
        RecordedEvent(
            globalPosition: try globalPosition(row),
            streamID: try row.decode("stream_id"),
            streamVersion: try row.decode("stream_version"),
            id: try row.decode("event_id"),
            type: try row.decode("event_type"),
            schemaVersion: try row.decode("schema_version"),
            data: try row.decode("data"),
            metadata: EventMetadata(
                actor: try row.decode("actor"), correlationID: try row.decode("correlation_id"),
                causationID: try row.decode("causation_id"), contentHash: try row.decode("content_hash")),
            occurredAt: try row.decode("occurred_at"),
            recordedAt: try row.decode("recorded_at"))
    }

    static func storeError(_ error: PostgresError, stream: String, expected: ExpectedVersion) -> Error {
        switch error.sqlState {
        case "ES001":
            return EventStoreError.wrongExpectedVersion(
                stream: stream, expected: expected, actual: error.detail.flatMap { Int64($0) } ?? -1)
        case "ES002":
            return EventStoreError.eventIDsReused(stream: stream)
        default:
            return error
        }
    }

    /// Sends the wake-up NOTIFY after appends until the task is cancelled: the one long-lived part
    /// of the store, run as a service by the process that serves (`Dienst`). Requests that arrive
    /// while a NOTIFY is on its way are merged into one more, so a burst of appends costs a NOTIFY
    /// per round trip, never one each. Without it subscribers in other processes poll. One sender
    /// per store: a later call takes over and the earlier one returns.
    public func sendWakeUps() async {
        for await _ in wakeUps.claim() { await wakeSubscribers() }
    }

    /// Sends one wake-up NOTIFY now, outside any append's transaction (a NOTIFY inside it would
    /// serialise all appending commits on PostgreSQL's notify queue lock): for a command that
    /// wrote and ends, and for `sendWakeUps`. A failure is logged; subscribers poll anyway.
    public func wakeSubscribers() async {
        do {
            // A NOTIFY takes a transaction id and commits like a write; as it is only a hint
            // (lost in a crash anyway, and subscribers poll as a fallback) its commit need not
            // wait for the WAL to reach disk, so it costs the writers no flush.
            try await pool.query(
                "SELECT set_config('synchronous_commit', 'off', true), pg_notify(\(Self.notificationChannel), '')")
        } catch {
            logger.debug("wake-up notify failed; subscribers fall back to polling", metadata: ["error": "\(error)"])
        }
    }
}

/// A page of the global order.
struct Page {
    /// The events, in global order.
    var events: [RecordedEvent]
    /// Empty, and nothing committed lies beyond the position read from.
    var isCaughtUp: Bool
}

/// Wake-up requests from appends, for the loop that sends them (`EventStore.sendWakeUps`): at most
/// one is kept waiting, so requests made while a NOTIFY is on its way become one. Without a loop a
/// request is dropped (subscribers poll).
final class WakeUps: Sendable {
    private let current = Mutex<AsyncStream<Void>.Continuation?>(nil)

    /// Asks for a NOTIFY; never waits.
    func request() { current.withLock { _ = $0?.yield() } }

    /// A new stream of requests for a sender. A later sender takes over: the earlier one's stream ends.
    func claim() -> AsyncStream<Void> {
        let (requests, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        current.withLock { earlier in
            earlier?.finish()
            earlier = continuation
        }
        return requests
    }
}
