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
    }

    private enum Lease: Sendable {
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

    /// Closes idle connections and refuses new work; connections in use close when returned.
    public func close() async {
        isClosed = true
        for waiter in waiters {
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
        let health = await connection.health()
        if await checkIn(connection, health: health) { return }
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
        // The wait and its deadline race in one task group (no timer outlives the call). The actor
        // decides who wins: a timeout fails the waiter only while it still waits, so a connection
        // handed over at the last moment is used, never lost.
        return try await withThrowingTaskGroup(of: Wachten.self) { group in
            group.addTask {
                do { return .lease(try await self.wacht(id)) } catch { return .fout(error) }
            }
            group.addTask { [acquireTimeout] in
                do { try await Task.sleep(for: acquireTimeout) } catch { return .fout(error) }
                return .verlopen
            }
            let verlopen = PostgresError(code: .poolTimeout, message: "no database connection became free within \(acquireTimeout)")
            var lease: Lease?
            var fout: Error?
            for try await uitkomst in group {
                switch uitkomst {
                case .lease(let gekregen):
                    lease = gekregen
                    group.cancelAll()  // the deadline
                case .verlopen:
                    // Fail the waiter if it waits; cancel it if it has not yet joined the line (it
                    // then leaves at once). A connection handed over first still arrives as `.lease`.
                    fout = verlopen
                    failWaiter(id, verlopen)
                    group.cancelAll()
                case .fout(let error):
                    fout = fout ?? error
                    group.cancelAll()  // cancelled: stop waiting too (a connection that still arrives is used)
                }
            }
            guard let lease else { throw fout ?? CancellationError() }
            return lease
        }
    }

    /// How one side of the race for a connection ended.
    private enum Wachten: Sendable {
        case lease(Lease)
        case verlopen
        case fout(any Error)
    }

    /// Waits in line for a connection; cancelling the wait fails it (unless one arrived first).
    private func wacht(_ id: Int) async throws -> Lease {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiters.append(Waiter(id: id, continuation: continuation))
            }
        } onCancel: {
            Task { await self.failWaiter(id, CancellationError()) }
        }
    }

    private func failWaiter(_ id: Int, _ error: Error) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: error)
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
            waiters.removeFirst().continuation.resume(returning: .connection(connection))
        } else {
            idle.append(connection)
        }
        return true
    }

    private func slotFreed() {
        opened -= 1
        guard !isClosed, opened < maximumConnections, !waiters.isEmpty else { return }
        opened += 1
        waiters.removeFirst().continuation.resume(returning: .openSlot)
    }
}
