import Foundation
import CLibPQ
import Synchronization

/// A message sent with `NOTIFY channel, 'payload'`.
public struct PostgresNotification: Sendable, Equatable {
    /// The channel it was sent on.
    public var channel: String
    /// The payload ('' when none was given).
    public var payload: String

    /// Creates a notification value.
    public init(channel: String, payload: String) {
        self.channel = channel
        self.payload = payload
    }
}

extension PostgresConnection {
    /// LISTENs on `channel` and calls `receive` for every notification until the task is cancelled
    /// (then it returns). Throws when the connection breaks. Occupies the connection: use a
    /// dedicated one, not a pooled one.
    public func listen(
        to channel: String, _ receive: @escaping @Sendable (PostgresNotification) -> Void
    ) async throws {
        try await simpleQuery(unsafeSQL: "LISTEN \(quotedIdentifier(channel))")
        let stopped = StopFlag()
        try await withTaskCancellationHandler {
            try await exclusive { connection in
                let socket = PQsocket(connection)
                while !stopped.isSet {
                    var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
                    // A short timeout so that cancellation is noticed promptly.
                    guard poll(&descriptor, 1, 200) >= 0 || errno == EINTR else {
                        throw Self.connectionError(connection, query: nil)
                    }
                    guard PQconsumeInput(connection) == 1 else {
                        throw Self.connectionError(connection, query: nil)
                    }
                    while let notice = PQnotifies(connection) {
                        receive(PostgresNotification(
                            channel: String(cString: notice.pointee.relname),
                            payload: String(cString: notice.pointee.extra)))
                        PQfreemem(notice)
                    }
                }
            }
        } onCancel: {
            stopped.set()
        }
    }

    /// Sends a notification on `channel` (delivered when the surrounding transaction commits).
    public func notify(_ channel: String, payload: String = "") async throws {
        try await query("SELECT pg_notify(\(channel), \(payload))")
    }
}

/// A one-way flag that another thread may set.
final class StopFlag: Sendable {
    private let value = Atomic(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
