import Foundation
@testable import Postgres
import PostgresTesting
import Testing

@Suite struct QueryTests {
    @Test func bindsTravelAsValuesAndDecodeIntoTypedColumns() async throws {
        let db = try await TestDatabase.make(migrated: false)
        let hostile = "x'); DROP TABLE pg_class; -- \"quoted\" \\ back"
        let id = UUID()
        let moment = Date(timeIntervalSince1970: 1_767_225_600.123456)
        let day = PostgresDate(year: 2026, month: 10, day: 1)!
        let row = try #require(try await db.pool.query(
            """
            SELECT \(hostile)::text AS text, \(42)::int AS int, \(Int64.max)::bigint AS big, \(true)::bool AS yes,
                   \(id)::uuid AS id, \(moment)::timestamptz AS moment, \(day)::date AS day,
                   \("{\"naam\": \"Sam\"}")::jsonb AS json, \(Optional<String>.none)::text AS nothing
            """).first)
        #expect(try row.decode("text") == hostile)
        #expect(try row.decode("int") == 42)
        #expect(try row.decode("big") == Int64.max)
        #expect(try row.decode("yes") == true)
        #expect(try row.decode("id") == id)
        let decoded: Date = try row.decode("moment")
        #expect(abs(decoded.timeIntervalSince(moment)) < 0.000_001)
        #expect(try row.decode("day") == day)
        #expect(try row.decode("json") == "{\"naam\": \"Sam\"}")
        #expect(try row.decode("nothing", as: String?.self) == nil)
    }

    @Test func aPreparedStatementRunsAgainWithOtherValuesAndAFailedPrepareLeavesTheConnectionUsable() async throws {
        let db = try await TestDatabase.make(migrated: false)
        try await db.pool.withConnection { connection in
            for waarde in [1, 2, 3, 40, 500, 6000, 70_000] {
                let rij = try await connection.queryPrepared("SELECT \(waarde)::int * 2 AS dubbel, \("x'\(waarde)")::text AS tekst").first
                #expect(try rij?.decode("dubbel") == waarde * 2 && rij?.decode("tekst") == "x'\(waarde)")
            }
            // Another statement gets a name of its own; the first still runs.
            #expect(try await connection.queryPrepared("SELECT \(7)::int + 1 AS som").first?.decode("som") == 8)
            #expect(try await connection.queryPrepared("SELECT \(5)::int * 2 AS dubbel, \("y")::text AS tekst").first?.decode("dubbel") == 10)
            let fout = await #expect(throws: PostgresError.self) { try await connection.queryPrepared("SELEKT \(1)::int") }
            #expect(fout?.sqlState == "42601")
            // A failed prepare is not remembered: the connection goes on, also with prepared statements.
            #expect(try await connection.queryPrepared("SELECT \(1)::int AS een").first?.decode("een") == 1)
            let prepared: Int64 = try await connection.query("SELECT count(*) AS n FROM pg_prepared_statements").first?.decode("n") ?? -1
            #expect(prepared == 3)
            // The server forgot them (DISCARD ALL, or a pooler's other session): prepared again, run once more.
            try await connection.simpleQuery(unsafeSQL: "DEALLOCATE ALL")
            #expect(try await connection.queryPrepared("SELECT \(7)::int + 1 AS som").first?.decode("som") == 8)
            // Inside a transaction the error is the caller's: nothing is retried behind its back.
            try await connection.simpleQuery(unsafeSQL: "DEALLOCATE ALL")
            let inTransactie = await #expect(throws: PostgresError.self) {
                try await connection.withTransaction(.readCommitted) { try await $0.queryPrepared("SELECT \(5)::int * 2 AS dubbel, \("y")::text AS tekst") }
            }
            #expect(inTransactie?.sqlState == "26000")
        }
        // A name is its text's own, on every connection: a session that has the statement already
        // (a pooler's session, prepared by another client) runs it as it is.
        let negen: PostgresQuery = "SELECT \(3)::int * 3 AS negen"
        #expect(PostgresConnection.statementName(negen.sql) == PostgresConnection.statementName("SELECT $1::int * 3 AS negen"))
        #expect(PostgresConnection.statementName(negen.sql) != PostgresConnection.statementName("SELECT $1::int * 4 AS negen"))
        let ander = try await PostgresConnection.connect(db.configuration)
        try await ander.simpleQuery(unsafeSQL: "PREPARE \(PostgresConnection.statementName("SELECT 1 AS x")) AS SELECT 1 AS x")
        try await ander.simpleQuery(unsafeSQL: "PREPARE \(PostgresConnection.statementName(negen.sql)) AS \(negen.sql)")
        #expect(try await ander.queryPrepared(negen).first?.decode("negen") == 9)
        #expect(try await ander.queryPrepared("SELECT 1 AS x").first?.decode("x") == 1)
        // Inside a transaction such a clash is the caller's, as other errors are.
        let vreemd: PostgresQuery = "SELECT \(2)::int AS twee"
        try await ander.simpleQuery(unsafeSQL: "PREPARE \(PostgresConnection.statementName(vreemd.sql)) AS \(vreemd.sql)")
        let botsing = await #expect(throws: PostgresError.self) {
            try await ander.withTransaction(.readCommitted) { try await $0.queryPrepared(vreemd) }
        }
        #expect(botsing?.sqlState == "42P05")
        await ander.close()
    }

    @Test func decodeErrorsNameTheColumnAndTypeButNotTheValue() async throws {
        let db = try await TestDatabase.make(migrated: false)
        let row = try #require(try await db.pool.query("SELECT 'Sam de Vries' AS naam, NULL::int AS leeg").first)
        let wrongType = try #require(throws: PostgresError.self) { try row.decode("naam", as: Int.self) }
        #expect(wrongType.code == .decoding)
        #expect(wrongType.description.contains("\"naam\"") && wrongType.description.contains("Int"))
        #expect(!wrongType.description.contains("Sam"))
        let null = try #require(throws: PostgresError.self) { try row.decode("leeg", as: Int.self) }
        #expect(null.description.contains("NULL"))
        #expect(throws: PostgresError.self) { try row.decode("missing", as: Int.self) }
    }

    @Test func serverErrorsCarryTheirSQLStateAndKeepValuesOutOfTheDescription() async throws {
        let db = try await TestDatabase.make(migrated: false)
        try await db.pool.query("CREATE TABLE people (naam text PRIMARY KEY)")
        try await db.pool.query("INSERT INTO people VALUES (\("Sam de Vries"))")
        let error = try await #require(throws: PostgresError.self) {
            try await db.pool.query("INSERT INTO people VALUES (\("Sam de Vries"))")
        }
        #expect(error.has(PostgresError.SQLState.uniqueViolation))
        #expect(error.constraint == "people_pkey")
        #expect(!error.description.contains("Sam"))
        #expect(error.debugDescription.contains("Sam"))  // the detail, for a developer
        let syntax = try await #require(throws: PostgresError.self) { try await db.pool.query("SELEC 1") }
        #expect(syntax.sqlState == "42601")
        // The server's primary message can quote a value too: it stays out of the description.
        let cast = try await #require(throws: PostgresError.self) {
            try await db.pool.query("SELECT \("Sam de Vries")::uuid")
        }
        #expect(cast.sqlState == "22P02" && cast.message.contains("Sam de Vries"))
        #expect(cast.description == "PostgreSQL error 22P02" && cast.debugDescription.contains("Sam de Vries"))
    }

    @Test func copyInLoadsRowsWithTabsNewlinesBackslashesAndNulls() async throws {
        let db = try await TestDatabase.make(migrated: false)
        try await db.pool.query("CREATE TABLE notes (id int, body text)")
        let bodies: [String?] = ["plain", "tab\there", "line\nbreak\r\n", "back\\slash \\N", nil, "ümlaut ✓"]
        let loaded = try await db.pool.withConnection { connection in
            try await connection.copyIn(
                unsafeSQL: "COPY notes (id, body) FROM STDIN",
                rows: bodies.enumerated().map { [String($0.offset), $0.element] })
        }
        #expect(loaded == bodies.count)
        let rows = try await db.pool.query("SELECT body FROM notes ORDER BY id")
        #expect(try rows.map { try $0.decode("body", as: String?.self) } == bodies)
    }

    @Test func aFailedCopyLoadsNothingAndLeavesTheConnectionUsable() async throws {
        let db = try await TestDatabase.make(migrated: false)
        try await db.pool.query("CREATE TABLE numbers (n int)")
        let count: Int = try await db.pool.withConnection { connection in
            await #expect(throws: PostgresError.self) {
                try await connection.copyIn(unsafeSQL: "COPY numbers FROM STDIN", rows: [["1"], ["two"]])
            }
            return try await connection.query("SELECT count(*) AS n FROM numbers").first!.decode("n")
        }
        #expect(count == 0)
    }

    @Test func listenDeliversNotificationsUntilCancelled() async throws {
        let db = try await TestDatabase.make(migrated: false)
        let listener = try await PostgresConnection.connect(db.configuration)
        let received = Locked<[PostgresNotification]>([])
        let listening = Task {
            try await listener.listen(to: "wake") { note in received.withLock { $0.append(note) } }
        }
        // LISTEN must be in place before we notify: wait until the server reports it.
        while try await db.pool.query("SELECT count(*) AS n FROM pg_listening_channels()").first!.decode("n", as: Int.self) == 0,
              try await db.pool.query("SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN%'").first!.decode("n", as: Int.self) == 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await db.pool.withConnection { try await $0.notify("wake", payload: "1") }
        try await db.pool.withConnection { try await $0.notify("other", payload: "x") }
        try await db.pool.withConnection { try await $0.notify("wake", payload: "2") }
        for _ in 0..<250 where received.withLock({ $0.count }) < 2 {
            try await Task.sleep(for: .milliseconds(20))
        }
        listening.cancel()
        try await listening.value
        await listener.close()
        #expect(received.withLock { $0 } == [
            PostgresNotification(channel: "wake", payload: "1"), PostgresNotification(channel: "wake", payload: "2"),
        ])
    }
}

