import CLibPQ
import Crypto
import Dispatch
import Foundation
import Synchronization

/// One libpq connection. Blocking libpq calls run on the connection's own serial dispatch queue,
/// never on Swift's cooperative pool. Use it from one task at a time (the pool guarantees that).
public final class PostgresConnection: @unchecked Sendable {
    // @unchecked Sendable is safe: `handle` and `isClosed` are only touched on `queue`, which is
    // serial, so no two threads ever use the PGconn at once. `cancelHandle` is used from other
    // threads only through PQcancel, which libpq documents as thread-safe, and `inFlight` guards
    // it so that a cancel is sent only while a statement of ours is running. `prepared` is only
    // touched on `queue` too.
    private let handle: OpaquePointer
    private let cancelHandle: OpaquePointer?
    private let queue: DispatchQueue
    private var isClosed = false
    /// Statements prepared on this connection: their names (`statementName`) by SQL text; only
    /// touched on `queue`.
    private var prepared: [String: String] = [:]
    private let inFlight = Mutex(false)
    /// `health` after the last work on `queue` (set there, read by the pool from anywhere).
    private let lastHealth = Mutex(Health.idle)
    /// What this connection was opened with.
    public let configuration: PostgresConfiguration

    private init(handle: OpaquePointer, queue: DispatchQueue, configuration: PostgresConfiguration) {
        self.handle = handle
        self.cancelHandle = PQgetCancel(handle)
        self.queue = queue
        self.configuration = configuration
    }

    deinit {
        // Owners close explicitly (a pool closes the idle ones it is dropped with). A connection
        // dropped open is a leak in its owner: debug builds stop here; release builds still free
        // it. Nothing else can hold the connection now, so touching the handle here is safe.
        assert(isClosed, "a PostgresConnection was dropped open: close it, or return it to its pool")
        if !isClosed { PQfinish(handle) }
        if let cancelHandle { PQfreeCancel(cancelHandle) }
    }

    /// Closes at once, for an owner that is itself going away (a pool's `deinit`, which cannot
    /// wait); the connection must be idle.
    func closeNow() {
        queue.sync {
            if !isClosed {
                PQfinish(handle)
                isClosed = true
            }
        }
    }

    /// Opens a connection; a bad URL, an unreachable server or a failed login throws
    /// `.connectionFailed` with one line that never contains the password.
    public static func connect(_ configuration: PostgresConfiguration) async throws -> PostgresConnection {
        let queue = DispatchQueue(label: "overstap.postgres.connection")
        let connection = try await onQueue(queue) {
            PostgresConnection(handle: try open(configuration), queue: queue, configuration: configuration)
        }
        do {
            var setup = "SET DateStyle = ISO; SET TimeZone = 'UTC'; SET IntervalStyle = iso_8601; SET client_min_messages = warning;"
            if let role = configuration.role { setup += " SET ROLE \(quotedIdentifier(role));" }
            try await connection.simpleQuery(unsafeSQL: setup)
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    private static func open(_ configuration: PostgresConfiguration) throws -> OpaquePointer {
        let pairs = configuration.keywordValuePairs
        let connection = withCStrings(pairs.map(\.0)) { keywords in
            withCStrings(pairs.map(\.1)) { values in
                PQconnectdbParams(keywords + [nil], values + [nil], 1)
            }
        }
        guard let connection else {
            throw PostgresError(code: .connectionFailed, message: "cannot connect to PostgreSQL: out of memory")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let reason = configuration.redacted(oneLine(String(cString: PQerrorMessage(connection))))
            PQfinish(connection)
            throw PostgresError(code: .connectionFailed, message: "cannot connect to PostgreSQL: \(reason)")
        }
        return connection
    }

    /// Closes the connection; safe to call twice.
    public func close() async {
        _ = try? await Self.onQueue(queue) { [self] in
            if !isClosed {
                PQfinish(handle)
                isClosed = true
            }
            lastHealth.withLock { $0 = .broken }
        }
    }

    /// Runs a statement with binds and returns its rows.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try Task.checkCancellation()
        return try await cancellable { connection in
            let result = withCStrings(query.binds) { values in
                PQexecParams(connection, query.sql, Int32(query.binds.count), nil, values, nil, nil, 0)
            }
            return try Self.rows(of: result, connection: connection, query: query.sql)
        }
    }

    /// Runs a statement as a prepared statement: the first time its SQL text runs on this
    /// connection it is prepared (`PQprepare`: parsed once), afterwards only executed by name
    /// (`PQexecPrepared`). For hot statements whose best plan does not depend on their values
    /// (after five runs PostgreSQL may keep a generic plan); bind every value, never put one in the
    /// SQL text raw: each distinct text is prepared once and kept for the connection's life.
    /// The name is the text's own (`statementName`), so a server session that has it already
    /// (`42P05`: prepared by another client of a pooler's session) runs it as it is, when no
    /// transaction is open. A statement the server no longer has (`26000`: a `DISCARD ALL`, a
    /// pooler that hands out another session) or whose result type changed (`0A000`, after a
    /// migration) is prepared again and run once more, when no transaction is open; inside one,
    /// the error is thrown. Needs session pooling (docs/operations.md). Errors as `query`.
    @discardableResult
    public func queryPrepared(_ query: PostgresQuery) async throws -> PostgresRows {
        try Task.checkCancellation()
        return try await cancellable { [self] connection in
            do {
                return try executePrepared(query, connection)
            } catch let error as PostgresError
                where ["26000", "0A000"].contains(error.sqlState) && PQtransactionStatus(connection) == PQTRANS_IDLE
            {
                if let name = prepared.removeValue(forKey: query.sql) {
                    PQclear(PQexec(connection, "DEALLOCATE \(name)"))  // gone already after a 26000; nothing to report
                }
                return try executePrepared(query, connection)
            }
        }
    }

    /// Prepares `query` on first use, then executes it by name; runs on `queue`.
    private func executePrepared(_ query: PostgresQuery, _ connection: OpaquePointer) throws -> PostgresRows {
        let name: String
        if let known = prepared[query.sql] {
            name = known
        } else {
            name = Self.statementName(query.sql)
            do {
                _ = try Self.rows(of: PQprepare(connection, name, query.sql, Int32(query.binds.count), nil),
                                  connection: connection, query: query.sql)
            } catch let error as PostgresError where error.sqlState == "42P05" && PQtransactionStatus(connection) == PQTRANS_IDLE {
                // The session has a statement of this name, and a name is its text's own.
            }
            prepared[query.sql] = name
        }
        let result = withCStrings(query.binds) { values in
            PQexecPrepared(connection, name, Int32(query.binds.count), values, nil, nil, 0)
        }
        return try Self.rows(of: result, connection: connection, query: query.sql)
    }

    /// The name `sql` is prepared under: `overstap_` and the first 128 bits of its SHA-256 in hex.
    /// The same text has the same name on every connection and in every process, so that on a
    /// server session shared through a pooler a name always means the same statement (numbering
    /// them per connection would give one name to different statements there).
    static func statementName(_ sql: String) -> String {
        String(decoding: hexDigits(Array(SHA256.hash(data: Data(sql.utf8)).prefix(16)), after: Array("overstap_".utf8)), as: UTF8.self)
    }

    /// Runs one or more statements without binds (the simple query protocol), e.g. a migration file.
    /// The caller vouches that no untrusted input is in `sql`.
    public func simpleQuery(unsafeSQL sql: String) async throws {
        try await cancellable { connection in
            _ = try Self.rows(of: PQexec(connection, sql), connection: connection, query: sql)
        }
    }

    /// Whether the pool may hand this connection out again, as the last work on it left it: read
    /// without a trip to the connection's queue (its owner has no work running when it asks).
    var health: Health { lastHealth.withLock { $0 } }

    /// Records `health` for the state the handle is in now; runs on `queue`.
    private func recordHealth() {
        let health: Health =
            if isClosed || PQstatus(handle) != CONNECTION_OK { .broken }
            else { PQtransactionStatus(handle) == PQTRANS_IDLE ? .idle : .inTransaction }
        lastHealth.withLock { $0 = health }
    }

    enum Health { case idle, inTransaction, broken }

    // MARK: Running work on the connection's queue

    /// Runs `work` on the queue; if the task is cancelled meanwhile, asks the server to cancel the
    /// running statement (it then fails with SQLSTATE 57014).
    func cancellable<T: Sendable>(_ work: @escaping @Sendable (OpaquePointer) throws -> T) async throws -> T {
        do {
            return try await withTaskCancellationHandler {
                try await exclusive { [self] connection in
                    inFlight.withLock { $0 = true }
                    defer { inFlight.withLock { $0 = false } }
                    return try work(connection)
                }
            } onCancel: {
                cancelRunningStatement()
            }
        } catch let error as PostgresError where error.has(PostgresError.SQLState.queryCanceled) && Task.isCancelled {
            throw CancellationError()
        }
    }

    /// Asks the server to cancel our running statement; a statement that already finished is
    /// unaffected (libpq: a late cancel has no effect).
    private func cancelRunningStatement() {
        inFlight.withLock { running in
            guard running, let cancelHandle else { return }
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(cancelHandle, &buffer, Int32(buffer.count))
        }
    }

    /// Runs `work` on the queue with the open connection.
    func exclusive<T: Sendable>(_ work: @escaping @Sendable (OpaquePointer) throws -> T) async throws -> T {
        try await Self.onQueue(queue) { [self] in
            guard !isClosed else {
                throw PostgresError(code: .connectionClosed, message: "connection is closed")
            }
            defer { recordHealth() }
            return try work(handle)
        }
    }

    private static func onQueue<T: Sendable>(
        _ queue: DispatchQueue, _ work: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    // MARK: Results

    /// Copies a result into Swift values, frees it, and turns failures into `PostgresError`.
    static func rows(of result: OpaquePointer?, connection: OpaquePointer, query: String) throws -> PostgresRows {
        guard let result else { throw connectionError(connection, query: query) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            let columnCount = Int(PQnfields(result)), rowCount = Int(PQntuples(result))
            let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
            var cells: [String?] = []
            cells.reserveCapacity(columnCount * rowCount)
            for row in 0..<Int32(rowCount) {
                for column in 0..<Int32(columnCount) {
                    cells.append(
                        PQgetisnull(result, row, column) == 1
                            ? nil : String(cString: PQgetvalue(result, row, column)))
                }
            }
            let affected = Int(String(cString: PQcmdTuples(result))) ?? rowCount
            return PostgresRows(columns: columns, affectedRows: affected, cells: cells, query: query)
        default:
            throw error(of: result, connection: connection, query: query)
        }
    }

    static func error(of result: OpaquePointer, connection: OpaquePointer, query: String) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        guard let sqlState = field("C") else { return connectionError(connection, query: query) }
        return PostgresError(
            code: PQstatus(connection) == CONNECTION_OK ? .server : .connectionClosed,
            sqlState: sqlState, message: field("M") ?? "unknown error", detail: field("D"),
            hint: field("H"), constraint: field("n"), query: query)
    }

    static func connectionError(_ connection: OpaquePointer, query: String?) -> PostgresError {
        let message = oneLine(String(cString: PQerrorMessage(connection)))
        return PostgresError(
            code: PQstatus(connection) == CONNECTION_OK ? .server : .connectionClosed,
            message: message.isEmpty ? "connection to PostgreSQL lost" : message, query: query)
    }
}

/// Calls `body` with NUL-terminated copies of `strings` (nil stays NULL) and frees them after.
func withCStrings<T>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> T) -> T {
    let copies = strings.map { $0.map { UnsafePointer(strdup($0)!) } }
    defer { copies.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
    return body(copies)
}
