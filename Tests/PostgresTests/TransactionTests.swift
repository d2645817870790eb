import Foundation
import Postgres
import PostgresTesting
import Testing

@Suite struct TransactionTests {
    struct Refused: Error {}

    @Test func aThrowingBodyRollsBack() async throws {
        let db = try await TestDatabase.make(migrated: false)
        try await db.pool.query("CREATE TABLE t (n int)")
        await #expect(throws: Refused.self) {
            try await db.pool.withTransaction { connection in
                try await connection.query("INSERT INTO t VALUES (1)")
                throw Refused()
            }
        }
        #expect(try await db.pool.query("SELECT count(*) AS n FROM t").first!.decode("n") == 0)
    }

    @Test func aCommittedBodyIsVisibleAfterwards() async throws {
        let db = try await TestDatabase.make(migrated: false)
        try await db.pool.query("CREATE TABLE t (n int)")
        let result = try await db.pool.withTransaction { connection in
            try await connection.query("INSERT INTO t VALUES (1), (2)").affectedRows
        }
        #expect(result == 2)
        #expect(try await db.pool.query("SELECT count(*) AS n FROM t").first!.decode("n") == 2)
    }

    @Test func cancellingTheTaskCancelsTheRunningStatementAndRollsBack() async throws {
        let db = try await TestDatabase.make(migrated: false)
        try await db.pool.query("CREATE TABLE t (n int)")
        let started = Locked(false)
        let task = Task {
            try await db.pool.withTransaction { connection in
                try await connection.query("INSERT INTO t VALUES (1)")
                started.withLock { $0 = true }
                try await connection.query("SELECT pg_sleep(60)")
            }
        }
        while !started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(try await db.pool.query("SELECT count(*) AS n FROM t").first!.decode("n") == 0)
        // The pool's connection was returned clean: no transaction is left open anywhere.
        let open = try await db.pool.query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'")
        #expect(try open.first!.decode("n") == 0)
    }
}

