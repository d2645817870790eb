import Foundation
import Postgres
import PostgresTesting
import Testing
import PostgresEmbedded

@Suite struct ConnectTests {
    @Test(arguments: [
        "not a url",
        "postgresql://sam:geheim-wachtwoord@/overstap?host=/nonexistent-socket-dir",
        "postgresql://sam:geheim-wachtwoord@localhost:1/overstap",
        "postgresql://host/db?unknownoption=geheim-wachtwoord",
    ])
    func aBadURLGivesOneLineWithoutThePassword(url: String) async throws {
        let error = try await #require(throws: PostgresError.self) {
            _ = try await PostgresConnection.connect(PostgresConfiguration(url: url, connectTimeoutSeconds: 2))
        }
        #expect(error.code == .connectionFailed)
        #expect(error.description.hasPrefix("cannot connect to PostgreSQL: "))
        #expect(!error.description.contains("\n"))
        #expect(!error.description.contains("geheim-wachtwoord"))
    }

    @Test func aStoppedServerGivesAClearError() async throws {
        let cluster = try TestDatabase.privateCluster()
        defer { cluster.stop() }
        try cluster.halt()
        let error = try await #require(throws: PostgresError.self) {
            _ = try await PostgresConnection.connect(PostgresConfiguration(url: cluster.url))
        }
        #expect(error.code == .connectionFailed)
        #expect(!error.description.contains("\n"))
        #expect(error.description.contains("No such file or directory") || error.description.contains("Connection refused"))
    }

    @Test func aFailedLoginIsAConnectionFailure() async throws {
        let db = try await TestDatabase.make(migrated: false)
        var configuration = db.configuration
        configuration.role = "no_such_role_anywhere"
        let error = try await #require(throws: PostgresError.self) {
            _ = try await PostgresConnection.connect(configuration)
        }
        #expect(error.sqlState == "22023" || error.sqlState == "42704")
    }
}

@Suite struct SessionSettingsTests {
    @Test func sessionSettingsBoundEveryStatementOfTheConnection() async throws {
        let db = try await TestDatabase.make(migrated: false)
        var configuration = db.configuration
        configuration.sessionSettings = ["statement_timeout": "200ms", "lock_timeout": "100ms"]
        let connection = try await PostgresConnection.connect(configuration)
        let setting: String = try await connection.query("SELECT current_setting('statement_timeout') AS s").first?.decode("s") ?? ""
        #expect(setting == "200ms")
        await #expect(throws: PostgresError.self) {
            do { try await connection.query("SELECT pg_sleep(5)") } catch let error as PostgresError {
                #expect(error.sqlState == "57014")  // query_canceled by statement_timeout
                throw error
            }
        }
        await connection.close()
    }
}
