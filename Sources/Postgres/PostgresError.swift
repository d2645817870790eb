import Foundation

/// An error from PostgreSQL or from talking to it.
///
/// `description` is safe for logs by construction: for an error the server reported (it has a
/// SQLSTATE) it holds the SQLSTATE and the constraint only, never the server's message (which can quote a value: `invalid input syntax for
/// type uuid: "…"`), detail or query; for a client-side failure libpq's one-line message (hosts,
/// sockets, no data). `debugDescription` is complete, for a developer at a terminal.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What kind of failure this is; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// Could not open a connection: bad URL, unreachable server, failed login.
        public static let connectionFailed = Code(name: "connectionFailed")
        /// The connection broke while in use (server restart, network loss).
        public static let connectionClosed = Code(name: "connectionClosed")
        /// The server rejected a statement; see `sqlState`.
        public static let server = Code(name: "server")
        /// A value in a result could not be decoded into the requested Swift type.
        public static let decoding = Code(name: "decoding")
        /// No pooled connection became free in time.
        public static let poolTimeout = Code(name: "poolTimeout")
        /// The pool was closed.
        public static let poolClosed = Code(name: "poolClosed")
        /// A COPY stream failed.
        public static let copyFailed = Code(name: "copyFailed")
        public var description: String { name }
    }

    /// The kind of failure.
    public var code: Code
    /// The SQLSTATE the server reported, if any (`23505` for a unique violation …).
    public var sqlState: String?
    /// The server's primary message, or libpq's message for client-side failures (one line).
    public var message: String
    /// The server's detail line; may contain values, so it appears only in `debugDescription`.
    public var detail: String?
    /// The server's hint, if any.
    public var hint: String?
    /// The constraint named by an integrity violation, if any.
    public var constraint: String?
    /// The query that failed, if any; only in `debugDescription`.
    public var query: String?

    /// Creates an error.
    public init(
        code: Code, sqlState: String? = nil, message: String, detail: String? = nil,
        hint: String? = nil, constraint: String? = nil, query: String? = nil
    ) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.query = query
    }

    public var description: String {
        // The server's own errors (they carry a SQLSTATE, whatever the connection's state) show
        // their state only; libpq's client-side messages show as they are.
        guard let sqlState else { return message }
        var text = "PostgreSQL error \(sqlState)"
        if let constraint { text += " on \(constraint)" }
        return text
    }

    public var debugDescription: String {
        var parts = [sqlState != nil ? description + ": \(message)" : description]
        if let detail { parts.append("detail: \(detail)") }
        if let hint { parts.append("hint: \(hint)") }
        if let query { parts.append("query: \(query)") }
        return parts.joined(separator: "\n")
    }
}

extension PostgresError {
    /// Well-known SQLSTATE values callers branch on.
    public enum SQLState {
        /// A unique or primary key constraint was violated.
        public static let uniqueViolation = "23505"
        /// A serializable transaction could not be committed.
        public static let serializationFailure = "40001"
        /// The statement was cancelled (task cancellation or `statement_timeout`).
        public static let queryCanceled = "57014"
        /// The role lacks a privilege.
        public static let insufficientPrivilege = "42501"
        /// The server is shutting down or restarting.
        public static let adminShutdown = "57P01"
    }

    /// Whether the server reported this SQLSTATE.
    public func has(_ state: String) -> Bool { sqlState == state }

    /// No connection to the database could be had, or the one in use broke: nothing can run now.
    public var isConnectionFailure: Bool {
        [.connectionClosed, .connectionFailed, .poolTimeout, .poolClosed].contains(code)
    }

    /// Whether the failure says nothing about the statement itself, so that it may succeed when
    /// retried later: no connection (or none free, or the pool closing), or a server-side class of
    /// 08 connection, 40 rollback (serialization, deadlock), 53 resources, 55 lock not available
    /// (lock_timeout), 57 operator intervention (statement_timeout, shutdown), 58 system, XX internal.
    /// The one rule for the projection's quarantine, the nightly job and the API's 503.
    public var isTransient: Bool {
        if isConnectionFailure { return true }
        guard let sqlState else { return false }
        return ["08", "40", "53", "55", "57", "58", "XX"].contains(String(sqlState.prefix(2)))
    }
}

/// Turns libpq's multi-line messages into one line.
func oneLine(_ message: String) -> String {
    message.split(whereSeparator: \.isNewline)
        .map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty }
        .joined(separator: " ")
}
