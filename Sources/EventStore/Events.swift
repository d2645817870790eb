import Foundation
import Postgres

/// A place in the global order of the log: events are ordered by the writing transaction's id,
/// then by position within it. Readers only ever see events whose transactions have all finished,
/// so nothing can later appear before a place already read.
public struct GlobalPosition: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The id (`xid8`) of the transaction that wrote the event.
    public var transactionID: UInt64
    /// The event's row position (unique, but not in commit order by itself).
    public var position: Int64

    /// Creates a place in the order.
    public init(transactionID: UInt64, position: Int64) {
        self.transactionID = transactionID
        self.position = position
    }

    /// Before every event.
    public static let start = GlobalPosition(transactionID: 0, position: 0)

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.transactionID, lhs.position) < (rhs.transactionID, rhs.position)
    }

    public var description: String { "\(transactionID)/\(position)" }
}

/// Who recorded an event and why: stored beside the payload.
public struct EventMetadata: Codable, Hashable, Sendable {
    /// Who recorded it (a user or job id; never a name).
    public var actor: String?
    /// Ties together the events of one request or job run.
    public var correlationID: UUID?
    /// The event or command that caused this one.
    public var causationID: UUID?
    /// A hash of what the writer meant to store (keyed where it covers personal data), so that an
    /// event id reused with other content can be told from a retry of the same request.
    public var contentHash: String?

    /// Creates metadata.
    public init(actor: String? = nil, correlationID: UUID? = nil, causationID: UUID? = nil, contentHash: String? = nil) {
        self.actor = actor
        self.correlationID = correlationID
        self.causationID = causationID
        self.contentHash = contentHash
    }

    enum CodingKeys: String, CodingKey {
        case actor, correlationID = "correlationId", causationID = "causationId", contentHash
    }
}

/// An event to append. Give it a stable `id` to make retries idempotent.
public struct NewEvent: Sendable {
    /// Unique id; a retry with the same id writes nothing new.
    public var id: UUID
    /// The event type's wire name.
    public var type: String
    /// The version of the payload's shape, for upcasting on read.
    public var schemaVersion: Int
    /// The payload as a JSON object.
    public var data: String
    /// Actor, correlation and causation.
    public var metadata: EventMetadata
    /// When it happened in the domain (may be in the past).
    public var occurredAt: Date

    /// Creates an event to append.
    public init(
        id: UUID = UUID(), type: String, schemaVersion: Int = 1, data: String,
        metadata: EventMetadata = EventMetadata(), occurredAt: Date
    ) {
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.data = data
        self.metadata = metadata
        self.occurredAt = occurredAt
    }
}

/// An event as stored.
public struct RecordedEvent: Sendable, Equatable {
    /// Its place in the global order.
    public var globalPosition: GlobalPosition
    /// The stream it belongs to.
    public var streamID: String
    /// Its version within the stream, from 1 without gaps.
    public var streamVersion: Int64
    /// Its unique id.
    public var id: UUID
    /// The event type's wire name.
    public var type: String
    /// The version of the payload's shape.
    public var schemaVersion: Int
    /// The payload as JSON text.
    public var data: String
    /// Actor, correlation and causation.
    public var metadata: EventMetadata
    /// When it happened in the domain.
    public var occurredAt: Date
    /// When the store recorded it.
    public var recordedAt: Date
}

/// Where the writer expects the stream to be.
public enum ExpectedVersion: Sendable, Equatable {
    /// No check.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream's last event must have this version.
    case exact(Int64)

    var bind: Int64? {
        switch self {
        case .any: nil
        case .noStream: 0
        case .exact(let version): version
        }
    }
}

/// What an append stored (or, for a retry, had stored before).
public struct AppendResult: Sendable, Equatable {
    /// The stream's version after the batch.
    public var streamVersion: Int64
    /// Each event's place in the global order, in batch order.
    public var positions: [GlobalPosition]

    /// Creates a result.
    public init(streamVersion: Int64, positions: [GlobalPosition]) {
        self.streamVersion = streamVersion
        self.positions = positions
    }
}

/// Why the store refused a request.
public enum EventStoreError: Error, Equatable, CustomStringConvertible {
    /// The stream is not at the expected version; nothing was written.
    case wrongExpectedVersion(stream: String, expected: ExpectedVersion, actual: Int64)
    /// Some event ids are already stored with another stream, type or order; nothing was written.
    case eventIDsReused(stream: String)
    /// An append with no events.
    case emptyAppend
    /// An import named a stream that already exists; nothing was written.
    case streamExists(String)
    /// The log holds transaction ids at or beyond the cluster's next one: it was restored from a
    /// logical dump into another cluster. New events would sort before old ones.
    case transactionCounterBehind(lastInLog: UInt64, next: UInt64)

    public var description: String {
        switch self {
        case .wrongExpectedVersion(let stream, let expected, let actual):
            "stream \(stream) is at version \(actual), not at the expected \(expected)"
        case .eventIDsReused(let stream):
            "event ids sent to stream \(stream) are already stored as other events"
        case .emptyAppend:
            "an append needs at least one event"
        case .streamExists(let stream):
            "stream \(stream) exists already; an import only creates new streams"
        case .transactionCounterBehind(let last, let next):
            "the event log holds transaction ids up to \(last), but this cluster's next is \(next) (restored from a dump?); "
                + "new events would sort before old ones. Hint: stop the cluster and run `pg_resetwal -e \((last >> 32) + 1)` "
                + "on its data directory (docs/operations.md)"
        }
    }
}
