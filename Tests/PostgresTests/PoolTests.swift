import Foundation
import Postgres
import PostgresTesting
import Testing
import PostgresEmbedded

@Suite struct PoolTests {
    @Test func neverOpensMoreConnectionsThanItsBound() async throws {
        let db = try await TestDatabase.make(migrated: false, maximumConnections: 3)
        let backends = Locked(Set<Int>())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<24 {
                group.addTask {
                    let pid: Int = try await db.pool.query("SELECT pg_backend_pid() AS pid, pg_sleep(0.02)").first!.decode("pid")
                    backends.withLock { _ = $0.insert(pid) }
                }
            }
            try await group.waitForAll()
        }
        #expect(backends.withLock { $0.count } <= 3)
        #expect(backends.withLock { $0.count } >= 1)
    }

    @Test func aWaiterGivesUpAfterTheAcquireTimeout() async throws {
        let db = try await TestDatabase.make(migrated: false)
        let pool = PostgresPool(db.configuration, maximumConnections: 1, acquireTimeout: .milliseconds(200))
        let holding = Task { try await pool.query("SELECT pg_sleep(2)") }
        try await Task.sleep(for: .milliseconds(100))
        let error = try await #require(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(error.code == .poolTimeout)
        _ = try await holding.value
        #expect(try await pool.query("SELECT 1 AS one").first!.decode("one") == 1)
        await pool.close()
    }

    /// Waiters that time out, are cancelled, or get a connection at their deadline: no slot and no
    /// connection is lost (after the storm both slots serve at once).
    @Test func timeoutsAndCancellationsAtTheDeadlineLoseNoConnection() async throws {
        let db = try await TestDatabase.make(migrated: false)
        let pool = PostgresPool(db.configuration, maximumConnections: 2, acquireTimeout: .milliseconds(15))
        let uitkomsten = Locked([String: Int]())
        await withTaskGroup(of: Void.self) { group in
            for n in 0..<120 {
                let taak = Task {
                    do {
                        try await pool.query("SELECT pg_sleep(0.01)")
                        uitkomsten.withLock { $0["ok", default: 0] += 1 }
                    } catch let error as PostgresError where error.code == .poolTimeout {
                        uitkomsten.withLock { $0["timeout", default: 0] += 1 }
                    } catch {
                        uitkomsten.withLock { $0["cancelled", default: 0] += 1 }
                    }
                }
                group.addTask {
                    if n % 3 == 0 {  // a third are cancelled at about their deadline
                        try? await Task.sleep(for: .milliseconds(14))
                        taak.cancel()
                    }
                    await taak.value
                }
            }
        }
        let gezien = uitkomsten.withLock { $0 }
        #expect(gezien.values.reduce(0, +) == 120)
        #expect(gezien["ok", default: 0] > 0 && gezien["timeout", default: 0] > 0, "\(gezien)")
        // Both slots still serve, at the same time (a lost slot would time out here).
        async let een: PostgresRows = pool.query("SELECT pg_sleep(0.005)")
        async let twee: PostgresRows = pool.query("SELECT pg_sleep(0.005)")
        _ = try await (een, twee)
        await pool.close()
    }

    @Test func aConnectionLeftInsideATransactionIsNotReused() async throws {
        let db = try await TestDatabase.make(migrated: false, maximumConnections: 1)
        let first: Int = try await db.pool.withConnection { connection in
            try await connection.query("BEGIN")
            return try await connection.query("SELECT pg_backend_pid() AS pid").first!.decode("pid")
        }
        let second: Int = try await db.pool.query("SELECT pg_backend_pid() AS pid").first!.decode("pid")
        #expect(first != second)
    }

    @Test func serviceResumesAfterAPostgreSQLRestart() async throws {
        let cluster = try TestDatabase.privateCluster()
        defer { cluster.stop() }
        let pool = PostgresPool(PostgresConfiguration(url: cluster.url), maximumConnections: 4)
        try await withThrowingTaskGroup(of: Void.self) { group in  // fill the pool with idle connections
            for _ in 0..<4 { group.addTask { try await pool.query("SELECT pg_sleep(0.05)") } }
            try await group.waitForAll()
        }
        try cluster.restart()
        var failures = 0
        var answer: Int?
        for _ in 0..<10 where answer == nil {
            do {
                answer = try await pool.query("SELECT 1 AS one").first!.decode("one")
            } catch let error as PostgresError {
                #expect(error.code == .connectionClosed || error.code == .server)
                failures += 1
            }
        }
        #expect(answer == 1)
        #expect(failures <= 1)  // the broken connection is noticed once, and its idle siblings dropped
        await pool.close()
    }
}
