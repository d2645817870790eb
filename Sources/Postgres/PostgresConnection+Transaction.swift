import CLibPQ

/// How strictly a transaction is isolated from concurrent ones.
public enum IsolationLevel: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

extension PostgresConnection {
    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws or when the
    /// task is cancelled (then `CancellationError` is thrown).
    public func withTransaction<T: Sendable>(
        _ isolation: IsolationLevel = .readCommitted,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await query(PostgresQuery(unsafeSQL: "BEGIN ISOLATION LEVEL \(isolation.rawValue)"))
        do {
            let result = try await body(self)
            try Task.checkCancellation()
            try await query("COMMIT")
            return result
        } catch {
            // ROLLBACK runs even for a cancelled task: the query path checks for cancellation only
            // before it starts, and here we go straight to the queue.
            _ = try? await exclusive { connection in
                try Self.rows(of: PQexec(connection, "ROLLBACK"), connection: connection, query: "ROLLBACK")
            }
            throw error
        }
    }
}

extension PostgresConnection {
    /// Runs `body` in a savepoint of the transaction under way: released when it returns; when it
    /// throws, only what `body` did is undone and the transaction stays usable.
    public func withSavepoint<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await query("SAVEPOINT overstap_savepoint")
        do {
            let result = try await body(self)
            try await query("RELEASE SAVEPOINT overstap_savepoint")
            return result
        } catch {
            // Savepoints nest by name: this undoes the innermost one, ours.
            _ = try? await query("ROLLBACK TO SAVEPOINT overstap_savepoint")
            throw error
        }
    }
}
