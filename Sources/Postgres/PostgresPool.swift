import Logging

/// A bounded pool of connections. Each connection serves one task at a time; broken ones are
/// replaced, so after a PostgreSQL restart callers see an error, then service resumes.
public actor PostgresPool {
    /// Where the pool connects to.
    public nonisolated let configuration: PostgresConfiguration
    private let maximumConnections: Int
    private let acquireTimeout: Duration
    private let logger: Logger
    private var idle: [PostgresConnection] = []
    private var opened = 0  // connections open, being opened, or promised to a waiter
    private var waiters: [Waiter] = []
    private var nextWaiterID = 0
    private var isClosed = false

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Lease, Error>
        let timeout: Task<Void, Never>
    }

    private enum Lease {
        case connection(PostgresConnection)
        case openSlot  // the caller may open a new connection; the slot is already counted
    }

    /// Creates a pool; connections open lazily, at most `maximumConnections` at once.
    public init(
        _ configuration: PostgresConfiguration, maximumConnections: Int = 10,
        acquireTimeout: Duration = .seconds(30), logger: Logger = Logger(label: "overstap.postgres")
    ) {
        precondition(maximumConnections > 0)
        self.configuration = configuration
        self.maximumConnections = maximumConnections
        self.acquireTimeout = acquireTimeout
        self.logger = logger
    }

    deinit {
        // Dropped without `close()`: its idle connections are its to close. (Connections in use
        // keep the pool alive until they come back.)
        for connection in idle { connection.closeNow() }
    }

    /// Runs `body` with a connection of its own, returned to the pool afterwards. A connection
    /// left broken or inside a transaction is closed instead of being reused.
    public nonisolated func withConnection<T: Sendable>(
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await acquire()
        do {
            let result = try await body(connection)
            await release(connection)
            return result
        } catch {
            await release(connection)
            throw error
        }
    }

    /// Runs `body` in a transaction on a pooled connection.
    public nonisolated func withTransaction<T: Sendable>(
        _ isolation: IsolationLevel = .readCommitted, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withConnection { try await $0.withTransaction(isolation, body) }
    }

    /// Runs one statement on a pooled connection.
    @discardableResult
    public nonisolated func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await withConnection { try await $0.query(query) }
    }

    /// Runs one statement as a prepared statement (`PostgresConnection.queryPrepared`) on a pooled connection.
    @discardableResult
    public nonisolated func queryPrepared(_ query: PostgresQuery) async throws -> PostgresRows {
        try await withConnection { try await $0.queryPrepared(query) }
    }

    /// Closes idle connections and refuses new work; connections in use close when returned.
    public func close() async {
        isClosed = true
        for waiter in waiters {
            waiter.timeout.cancel()
            waiter.continuation.resume(throwing: PostgresError(code: .poolClosed, message: "connection pool is closed"))
        }
        waiters = []
        let connections = idle
        idle = []
        opened -= connections.count
        for connection in connections { await connection.close() }
    }

    // MARK: Leasing

    private nonisolated func acquire() async throws -> PostgresConnection {
        switch try await lease() {
        case .connection(let connection):
            return connection
        case .openSlot:
            do {
                return try await PostgresConnection.connect(configuration)
            } catch {
                await slotFreed()
                throw error
            }
        }
    }

    private nonisolated func release(_ connection: PostgresConnection) async {
        if await checkIn(connection, health: connection.health) { return }
        await connection.close()
    }

    private func lease() async throws -> Lease {
        guard !isClosed else { throw PostgresError(code: .poolClosed, message: "connection pool is closed") }
        if let connection = idle.popLast() { return .connection(connection) }
        if opened < maximumConnections {
            opened += 1
            return .openSlot
        }
        let id = nextWaiterID
        nextWaiterID += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let timeout = Task { [acquireTimeout] in
                    try? await Task.sleep(for: acquireTimeout)
                    guard !Task.isCancelled else { return }
                    self.failWaiter(id, PostgresError(
                        code: .poolTimeout,
                        message: "no database connection became free within \(acquireTimeout)"))
                }
                waiters.append(Waiter(id: id, continuation: continuation, timeout: timeout))
            }
        } onCancel: {
            Task { await self.failWaiter(id, CancellationError()) }
        }
    }

    private func failWaiter(_ id: Int, _ error: Error) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.timeout.cancel()
        waiter.continuation.resume(throwing: error)
    }

    /// Takes a connection back; returns false when the caller must close it.
    private func checkIn(_ connection: PostgresConnection, health: PostgresConnection.Health) -> Bool {
        guard health == .idle, !isClosed else {
            if health == .broken {
                // A broken connection usually means the server restarted: the idle ones are
                // likely dead too, so drop them rather than hand each to a caller to fail on.
                logger.info("replacing broken database connections", metadata: ["db.idle": "\(idle.count)"])
                let stale = idle
                idle = []
                opened -= stale.count
                for connection in stale { Task { await connection.close() } }
            }
            slotFreed()
            return false
        }
        if !waiters.isEmpty {
            let waiter = waiters.removeFirst()
            waiter.timeout.cancel()
            waiter.continuation.resume(returning: .connection(connection))
        } else {
            idle.append(connection)
        }
        return true
    }

    private func slotFreed() {
        opened -= 1
        guard !isClosed, opened < maximumConnections, !waiters.isEmpty else { return }
        let waiter = waiters.removeFirst()
        waiter.timeout.cancel()
        opened += 1
        waiter.continuation.resume(returning: .openSlot)
    }
}
