import EventStore
import Foundation
import PostgresTesting
import Testing
import Postgres

@Suite struct ImmutabilityTests {
    static let changes = [
        "UPDATE events SET event_type = 'vervalst'",
        "DELETE FROM events",
        "TRUNCATE events",
    ]

    @Test(arguments: changes)
    func theLogCannotBeChangedEvenByASuperuser(statement: String) async throws {
        let db = try await TestDatabase.make()
        try await db.store.append(to: "s", expected: .any, [event()])
        #expect(try await db.pool.query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").first!.decode("rolsuper") == true)
        let error = try await #require(throws: PostgresError.self) {
            try await db.pool.query(PostgresQuery(unsafeSQL: statement))
        }
        #expect(error.sqlState == "23001")
        #expect(error.message.contains("immutable"))
        #expect(try await db.store.readStream("s").map(\.type) == ["gebeurd"])
    }

    @Test(arguments: changes)
    func theApplicationRoleMayAppendAndReadButNotChange(statement: String) async throws {
        let db = try await TestDatabase.make()
        var configuration = db.configuration
        configuration.role = "overstap_app"
        let appPool = PostgresPool(configuration, maximumConnections: 2)
        let appStore = EventStore(pool: appPool)
        try await appStore.append(to: "s", expected: .noStream, [event()])
        #expect(try await appStore.readStream("s").count == 1)
        #expect(try await appPool.query("SELECT current_user AS who").first!.decode("who") == "overstap_app")
        let error = try await #require(throws: PostgresError.self) {
            try await appPool.query(PostgresQuery(unsafeSQL: statement))
        }
        #expect(error.has(PostgresError.SQLState.insufficientPrivilege))
        #expect(try await appStore.count() == 1)
        await appPool.close()
    }
}
