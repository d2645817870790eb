import EventStore
import Foundation
@testable import Overstap
import PostgresTesting
import Testing
@testable import OverstapOpslag
import Postgres
@testable import OverstapDemo
import PostgresEmbedded
import Proces

/// What `ops/` promises: the database roles, and a backup that restores (issue 6).
@Suite struct OpsTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `overstap` binary `swift test` built beside the test bundle.
    static var overstap: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("overstap").path
    }

    /// Runs `command` (stdout and stderr to a file, as pg_ctl's daemon would hold a pipe open);
    /// returns its exit status and output.
    static func run(_ command: [String], env: [String: String] = [:]) throws -> (Int32, String) {
        let uitvoer = FileManager.default.temporaryDirectory.appendingPathComponent("ops-\(UUID()).log").path
        defer { try? FileManager.default.removeItem(atPath: uitvoer) }
        let status = try spawnAndWait(["/usr/bin/env"] + env.map { "\($0)=\($1)" } + command, outputPath: uitvoer)
        return (status, (try? String(contentsOfFile: uitvoer, encoding: .utf8)) ?? "")
    }

    @Test func theApplicationLoginCannotUpdateDeleteOrTruncateTheLog() async throws {
        let cluster = try TestDatabase.privateCluster()
        defer { cluster.stop() }
        let (status, uitvoer) = try Self.run(
            ["psql", "-X", "-q", "-d", cluster.url, "-v", "owner_password=o", "-v", "api_password=a",
             "-f", Self.repo.appendingPathComponent("ops/sql/roles.sql").path])
        #expect(status == 0, "\(uitvoer)")
        func pool(_ user: String) -> PostgresPool {
            PostgresPool(PostgresConfiguration(
                url: cluster.url.replacingOccurrences(of: "user=postgres", with: "user=\(user)"), database: "overstap"))
        }
        // The owner migrates without superuser or CREATEROLE.
        let eigenaar = pool("overstap_owner")
        try await Migrator(directory: TestDatabase.migrationsDirectory).migrate(eigenaar)
        await eigenaar.close()

        let api = pool("overstap_api")
        defer { Task { await api.close() } }
        let store = EventStore(pool: api)
        try await store.append(to: "s-1", expected: .noStream, [NewEvent(type: "t", data: "{}", occurredAt: Date())])
        #expect(try await store.count() == 1)
        for sql in ["UPDATE events SET event_type = 'x'", "DELETE FROM events", "TRUNCATE events",
                    "UPDATE inzage_registratie SET wie = 'x'", "DELETE FROM inzage_registratie",
                    "INSERT INTO api_tokens (id, hash, rol, omschrijving, aangemaakt_door) VALUES (gen_random_uuid(), '\\x00', 'admin', 'x', 'x')",
                    "UPDATE api_tokens SET ingetrokken_op = NULL", "CREATE TABLE eigen (x int)",
                    "UPDATE server_geheim SET sleutel = '\\x00'", "DELETE FROM leerling_sleutels",
                    "UPDATE leerling_sleutels SET sleutel = NULL"]
        {
            await #expect(throws: PostgresError.self, "\(sql) was allowed") {
                do { try await api.query(PostgresQuery(unsafeSQL: sql)) } catch let error as PostgresError {
                    #expect(error.sqlState == "42501", "\(sql): \(error)")
                    throw error
                }
            }
        }
        #expect(try await store.count() == 1)
    }

    static let kek = Data(repeating: 7, count: 32).base64EncodedString()

    func drill(_ db: TestDatabase) throws -> (Int32, String) {
        try Self.run([Self.repo.appendingPathComponent("ops/restore-drill").path, "--bin", Self.overstap],
                     env: ["DATABASE_URL": db.url, "OVERSTAP_KEK": Self.kek,
                           "OVERSTAP_SQL_DIR": TestDatabase.migrationsDirectory, "LOG_LEVEL": "error"])
    }

    @Test func theRestoreDrillPassesOnTheDemoRegionAndCatchesACorruptReadModel() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.overstap), "build the overstap binary first")
        let demo = try await DemoDatabase.make()
        let (status, uitvoer) = try drill(demo.db)
        #expect(status == 0, "\(uitvoer)")
        #expect(uitvoer.contains("equal: tijdlijn") && uitvoer.contains("equal: trajecten") && uitvoer.contains("equal: checkpoints"))
        #expect(uitvoer.contains("equal: events (7891 restored") && uitvoer.hasSuffix("restore drill: OK\n"), "\(uitvoer)")

        // A read model that no longer follows from the log: the drill must say so.
        try await demo.db.pool.query("UPDATE tijdlijn SET samenvatting = 'vervalst' WHERE volgorde = 1 AND traject_id = (SELECT min(traject_id) FROM tijdlijn)")
        let (fout, melding) = try drill(demo.db)
        #expect(fout == 1 && melding.contains("FAILED: rebuilt read models differ") && melding.contains("tijdlijn"), "\(melding)")
    }

    /// A backup made before a forget, restored: the drill applies the newest forget ledger and the
    /// student stays forgotten, with no copy of the key left in the key table's pages (#19).
    @Test func aBackupFromBeforeAForgetRestoresWithTheStudentForgotten() async throws {
        let db = try await TestDatabase.make()
        let trajecten = db.trajecten
        let vandaag = Datum("2026-11-30")!
        func meldAan() async throws -> TrajectID {
            let id = TrajectID(UUID())
            try await trajecten.registreer([(.aanmelding(Voorbeeld.aanmelding), Datum("2026-01-15")!)], in: id, door: "school", vandaag: vandaag)
            return id
        }
        let (vergeten, blijft) = (try await meldAan(), try await meldAan())
        let backup = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID()).dump").path
        defer { try? FileManager.default.removeItem(atPath: backup) }
        let (dumpStatus, dumpUitvoer) = try Self.run([TestDatabase.programma("pg_dump"), "--format=custom", "--file", backup, db.url])
        #expect(dumpStatus == 0, "\(dumpUitvoer)")
        // After the backup: one student forgotten, one registered and forgotten (not in the backup).
        try await trajecten.vergeet(vergeten, reden: .verzoek, door: "admin", vandaag: vandaag)
        try await trajecten.vergeet(try await meldAan(), reden: .verzoek, door: "admin", vandaag: vandaag)
        #expect(try await trajecten.kluis.vergeetlijst().count == 2)
        func bron() async throws -> [String] {  // the source as the drill must leave it
            try await db.pool.query("SELECT traject_id || coalesce(encode(sleutel, 'hex'), '-') AS r FROM leerling_sleutels ORDER BY 1")
                .map { try $0.decode("r") } + [String(try await db.store.count())]
        }
        let voor = try await bron()

        let (status, uitvoer) = try Self.run(
            [Self.repo.appendingPathComponent("ops/restore-drill").path, "--bin", Self.overstap, "--backup", backup],
            env: ["DATABASE_URL": db.url, "OVERSTAP_KEK": Self.kek, "OVERSTAP_SQL_DIR": TestDatabase.migrationsDirectory, "LOG_LEVEL": "error"])
        #expect(status == 0, "\(uitvoer)")
        #expect(uitvoer.contains("forgotten: 2 in the ledger; 1 still had a key in the backup, destroyed again, not a byte of it in the key table's pages"), "\(uitvoer)")
        #expect(uitvoer.contains("equal: events (2 restored, each as in the source)") && uitvoer.hasSuffix("restore drill: OK\n"), "\(uitvoer)")
        #expect(try await Dossier(trajecten: trajecten).persoonsgegevens(blijft, wie: "test", via: "test")?.naam == Voorbeeld.aanmelding.persoonsgegevens?.naam)
        #expect(try await bron() == voor, "the drill changed the source")
    }

    @Test func aLogAheadOfTheClustersTransactionCounterIsRefused() async throws {
        let db = try await TestDatabase.make()
        try await db.store.checkTransactionCounter()
        // What a restore into a younger cluster looks like: transaction ids from the future.
        try await db.pool.query(
            """
            INSERT INTO events (transaction_id, stream_id, stream_version, event_id, event_type, schema_version, data, metadata, occurred_at)
            VALUES ('8589934592'::xid8, 's', 1, gen_random_uuid(), 't', 1, '{}', '{}', now())
            """)
        let fout = await #expect(throws: EventStoreError.self) { try await db.store.checkTransactionCounter() }
        guard case .transactionCounterBehind(let laatste, let volgende) = fout else {
            Issue.record("expected transactionCounterBehind, got \(String(describing: fout))")
            return
        }
        #expect(laatste == 8_589_934_592 && volgende < laatste)
        #expect(fout!.description.contains("pg_resetwal -e 3"))
    }
}

/// `overstap-bench` runs end to end on a tiny nation and keeps its figure names (tools read them).
/// It asserts no speed: figures are measured, reported and compared by people (docs/performance.md).
/// One at a time: every bench run makes its databases afresh under the same names on the server.
@Suite(.serialized) struct BenchRookTest {
    @Test(.timeLimit(.minutes(5))) func theBenchRunsAndNamesItsFigures() async throws {
        let db = try await TestDatabase.make()
        let (status, uitvoer) = try OpsTests.run(
            [OpsTests.overstap + "-bench", "--events", "10000", "--duur", "1", "--json"],
            env: ["DATABASE_URL": db.url, "OVERSTAP_SQL_DIR": TestDatabase.migrationsDirectory, "LOG_LEVEL": "error"])
        #expect(status == 0, "\(uitvoer)")
        let json = try #require(uitvoer.range(of: "{").map { String(uitvoer[$0.lowerBound...]) })
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let figuren = try #require(document["figuren"] as? [String: [String: Any]])
        var verwacht: Set<String> = ["a_append_1", "a_append_8", "a_append_32", "b_batch_append", "c_copy_import", "laden",
                                     "projectie_bijwerken", "d_rebuild", "e_tijdlijn_p50", "e_tijdlijn_p99", "e_risicolijst_p50",
                                     "e_risicolijst_p99", "e_coachbelasting_p50", "e_coachbelasting_p99", "e_risicolijst_koud_p50",
                                     "e_risicolijst_koud_p99", "f_nightly"]
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") {
            verwacht.formUnion(["g_tijdlijn_rps", "g_tijdlijn_p99", "g_risicolijst_rps", "g_risicolijst_p99",
                                "h_gereed_p99", "h_schrijven_p99"])
        }
        #expect(Set(figuren.keys) == verwacht)
        #expect(figuren.values.allSatisfy { ($0["ons"] as? Double ?? 0) > 0 && ($0["onsSlechtst"] as? Double ?? 0) > 0 })
        // Figure a against pgbench, with the bench's own raw client beside it; the repeatable figures three times.
        #expect(["a_append_1", "a_append_8", "a_append_32"].allSatisfy { (figuren[$0]?["ruw"] as? Double ?? 0) > 0 && (figuren[$0]?["ruwKlant"] as? Double ?? 0) > 0 })
        #expect(["a_append_8", "b_batch_append", "c_copy_import", "d_rebuild", "e_tijdlijn_p99"].allSatisfy { figuren[$0]?["runs"] as? Int == 3 })
        #expect((document["schaal"] as? [String: Int])?["gebeurtenissen"] ?? 0 > 9_000)
        // Its databases are gone afterwards.
        #expect(try await db.pool.query("SELECT 1 AS x FROM pg_database WHERE datname LIKE 'overstap_bench_%'").isEmpty)
    }

    @Test(.timeLimit(.minutes(2))) func onlyTheFiguresNamedRunAndABadLetterIsOneLineWithAHint() async throws {
        let db = try await TestDatabase.make()
        let omgeving = ["DATABASE_URL": db.url, "OVERSTAP_SQL_DIR": TestDatabase.migrationsDirectory, "LOG_LEVEL": "error"]
        let (status, uitvoer) = try OpsTests.run([OpsTests.overstap + "-bench", "--alleen", "b", "--duur", "1", "--json"], env: omgeving)
        #expect(status == 0, "\(uitvoer)")
        let json = try #require(uitvoer.range(of: "{").map { String(uitvoer[$0.lowerBound...]) })
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect((document["figuren"] as? [String: Any]).map { Set($0.keys) } == ["b_batch_append"])
        #expect(document["schaal"] == nil, "no nation was loaded")
        #expect(try await db.pool.query("SELECT 1 AS x FROM pg_database WHERE datname LIKE 'overstap_bench_%'").isEmpty)

        for fout in ["a,x", "a,", "", "ab"] {
            let (status, melding) = try OpsTests.run([OpsTests.overstap + "-bench", "--alleen", fout], env: omgeving)
            #expect(status != 0, "\(fout)")
            #expect(melding.contains("Hint: --alleen a"), "\(fout): \(melding)")
            #expect(melding.split(separator: "\n").count == 1, "\(fout): \(melding)")
        }
    }
}

/// `overstap serve` as operators run it: it serves, and SIGTERM stops it cleanly with status 0.
@Suite struct ServeTests {
    /// `overstap serve` on `db` and a random port, with its log; returns once it says it serves.
    struct Dienst {
        let proces = Process()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID()).log")
        let port = Int.random(in: 20_000..<40_000)
        var uitvoer: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        init(_ db: TestDatabase, env: [String: String] = [:]) async throws {
            try Data().write(to: log)
            proces.executableURL = URL(fileURLWithPath: OpsTests.overstap)
            proces.arguments = ["serve", "--port", String(port)]
            proces.environment = ProcessInfo.processInfo.environment.merging(ServeTests.omgeving(db).merging(env) { $1 }) { $1 }
            proces.standardError = try FileHandle(forWritingTo: log)
            proces.standardOutput = FileHandle.nullDevice
            try proces.run()
            for _ in 0..<300 where !uitvoer.contains("overstap is serving") && proces.isRunning {
                try await Task.sleep(for: .milliseconds(100))
            }
        }

        /// SIGTERM, then waits up to 10 s; the exit status (-1: still running) and the whole log.
        func stop() async throws -> (Int32, String) {
            proces.terminate()
            for _ in 0..<200 where proces.isRunning { try await Task.sleep(for: .milliseconds(50)) }
            defer { try? FileManager.default.removeItem(at: log) }
            return (proces.isRunning ? -1 : proces.terminationStatus, uitvoer)
        }
    }

    static func omgeving(_ db: TestDatabase) -> [String: String] {
        ["DATABASE_URL": db.url, "OVERSTAP_SQL_DIR": TestDatabase.migrationsDirectory, "OVERSTAP_KEK": OpsTests.kek]
    }

    @Test(.timeLimit(.minutes(2))) func sigtermStopsTheServiceGracefullyWithStatusZero() async throws {
        let db = try await TestDatabase.make()
        let dienst = try await Dienst(db)
        let uitvoer = dienst.uitvoer
        #expect(uitvoer.contains("overstap is serving"), "\(uitvoer)")
        #expect(uitvoer.contains("127.0.0.1:\(dienst.port)"))
        let (status, log) = try await dienst.stop()
        #expect(status == 0, "\(log)")
        #expect(log.contains("stopped"))
        #expect(!log.contains("error"), "\(log)")
    }

    @Test(.timeLimit(.minutes(3))) func aPoisonedLogStopsNeitherServeNorTheCommands() async throws {
        let db = try await TestDatabase.make()
        // Past every check: an aanmelding in year 0 (PostgreSQL's date cannot hold it), and an event after it.
        let stroom = "traject-" + UUID().uuidString.lowercased()
        let aanmelding = #"{"regio":"Utrecht","vsoSchool":"De Brug","uitstroomprofiel":"vervolgonderwijs","beoogdeOpleiding":{"instelling":"MBO Utrecht","opleiding":"Entree"},"verwachteStartdatum":"0000-09-01"}"#
        try await db.store.append(to: stroom, expected: .noStream, [
            NewEvent(type: "aanmelding", data: aanmelding, occurredAt: Datum("2026-01-15")!.tijdstip),
            NewEvent(type: "contactmoment", data: #"{"vorm":"app"}"#, occurredAt: Datum("2026-01-16")!.tijdstip),
        ])
        for _ in 0..<2 {  // starts, and starts again after a stop
            let dienst = try await Dienst(db)
            #expect(dienst.uitvoer.contains("overstap is serving"), "\(dienst.uitvoer)")
            let (_, gereed) = try OpsTests.run(["curl", "-s", "http://127.0.0.1:\(dienst.port)/ready"])
            #expect(gereed.contains(#""quarantaine":2"#), "\(gereed)")
            let (status, log) = try await dienst.stop()
            #expect(status == 0, "\(log)")
        }
        let (status, uitvoer) = try OpsTests.run([OpsTests.overstap, "status"], env: Self.omgeving(db))
        #expect(status == 0 && uitvoer.contains("quarantine:  trajecten: 2 event(s) of 1 stream(s)"), "\(uitvoer)")
        let (lijstStatus, lijst) = try OpsTests.run([OpsTests.overstap, "projections", "quarantaine"], env: Self.omgeving(db))
        #expect(lijstStatus == 0 && lijst.contains(stroom) && lijst.contains("22008") && lijst.contains("follows"), "\(lijst)")
        for commando in [["nightly", "--peildatum", "2026-11-20"], ["projections", "rebuild"], ["projections", "quarantaine", "--opnieuw"]] {
            let (status, uitvoer) = try OpsTests.run([OpsTests.overstap] + commando, env: Self.omgeving(db))
            #expect(status == 0, "\(commando): \(uitvoer)")
        }
        let (_, nogSteeds) = try OpsTests.run([OpsTests.overstap, "projections", "quarantaine"], env: Self.omgeving(db))
        #expect(nogSteeds.contains("In quarantaine: 2 gebeurtenis(sen) van 1 traject(en)"), "\(nogSteeds)")
    }

    @Test(.timeLimit(.minutes(2))) func serveWarnsWhenItsRoleCouldChangeTheLog() async throws {
        let db = try await TestDatabase.make()
        let eigenaar = try await Dienst(db)  // the test's login is a superuser
        let (_, log) = try await eigenaar.stop()
        #expect(log.contains("can change or delete events"), "\(log)")
        let app = try await Dienst(db, env: ["OVERSTAP_DB_ROLE": "overstap_app"])
        let (status, appLog) = try await app.stop()
        #expect(status == 0 && appLog.contains("overstap is serving") && !appLog.contains("can change or delete events"), "\(appLog)")
    }

    @Test(.timeLimit(.minutes(2))) func aWrongKeyEncryptionKeyStopsServeAtStartWithOneClearLine() async throws {
        let db = try await TestDatabase.make()
        let (demo, demoUit) = try OpsTests.run([OpsTests.overstap, "demo", "--leerlingen", "2"], env: Self.omgeving(db))
        #expect(demo == 0, "\(demoUit)")
        let ander = Data(repeating: 8, count: 32).base64EncodedString()
        let (status, uitvoer) = try OpsTests.run([OpsTests.overstap, "serve", "--port", "0"],
                                                 env: Self.omgeving(db).merging(["OVERSTAP_KEK": ander]) { $1 })
        #expect(status != 0 && uitvoer.contains("which is not configured") && !uitvoer.contains("overstap is serving"), "\(uitvoer)")
        #expect(!uitvoer.contains("Fatal") && uitvoer.split(separator: "\n").count <= 3, "\(uitvoer)")
        // The old key from a file (a mounted secret) makes it start again, for the rotation.
        let oud = FileManager.default.temporaryDirectory.appendingPathComponent("kek-oud-\(UUID())")
        try Data((OpsTests.kek + "\n").utf8).write(to: oud)
        defer { try? FileManager.default.removeItem(at: oud) }
        let dienst = try await Dienst(db, env: ["OVERSTAP_KEK": ander, "OVERSTAP_KEK_OUD_FILE": oud.path])
        let (gestopt, log) = try await dienst.stop()
        #expect(gestopt == 0 && log.contains("overstap is serving"), "\(log)")
    }

    @Test func theNightlyJobRefusesAPeildatumAfterTodayAndWritesNothing() async throws {
        let db = try await TestDatabase.make()
        let (status, uitvoer) = try OpsTests.run([OpsTests.overstap, "nightly", "--peildatum", "2099-10-01"], env: Self.omgeving(db))
        #expect(status != 0 && uitvoer.contains("lies after today") && uitvoer.split(separator: "\n").count <= 2, "\(uitvoer)")
        #expect(try await db.store.count() == 0)
    }

    /// `overstap vergeetlijst` writes the ledger `overstap vergeet --lijst` reads; a bad line is one
    /// line with a hint and forgets nothing.
    @Test func theForgetLedgerGoesFromOneDatabaseToAnother() async throws {
        let db = try await TestDatabase.make()
        let id = TrajectID(UUID())
        try await db.trajecten.registreer([(.aanmelding(Voorbeeld.aanmelding), Datum("2026-01-15")!)], in: id, door: "school", vandaag: Datum("2026-11-30")!)
        try await db.trajecten.vergeet(id, reden: .bewaartermijn, door: "admin", vandaag: Datum("2026-11-30")!)
        let env = Self.omgeving(db).merging(["LOG_LEVEL": "error"]) { $1 }
        let (status, lijst) = try OpsTests.run([OpsTests.overstap, "vergeetlijst"], env: env)
        #expect(status == 0 && lijst.hasPrefix(id.stroom + "\t") && lijst.hasSuffix("\tbewaartermijn\n") && lijst.split(separator: "\n").count == 1, "\(lijst)")

        let bestand = FileManager.default.temporaryDirectory.appendingPathComponent("vergeetlijst-\(UUID()).tsv")
        defer { try? FileManager.default.removeItem(at: bestand) }
        try Data((lijst + "traject-\(UUID())\t2026-11-30T10:00:00Z\tverzoek\n").utf8).write(to: bestand)
        let (toegepast, melding) = try OpsTests.run([OpsTests.overstap, "vergeet", "--lijst", bestand.path], env: env)
        #expect(toegepast == 0 && melding.contains("1 leerling(en) uit de vergeetlijst vergeten; 1 niet in deze database"), "\(melding)")

        try Data("\(TrajectID(UUID()).stroom)\tgisteren\n".utf8).write(to: bestand)
        let (fout, regel) = try OpsTests.run([OpsTests.overstap, "vergeet", "--lijst", bestand.path], env: env)
        #expect(fout == 1 && regel.contains("has no valid time. Hint:") && regel.split(separator: "\n").count == 1, "\(regel)")
        try Data("traject-x\t2026-11-30T10:00:00Z\n".utf8).write(to: bestand)
        let (geenID, zin) = try OpsTests.run([OpsTests.overstap, "vergeet", "--lijst", bestand.path], env: env)
        #expect(geenID == 1 && zin.contains("is no ledger line. Hint:"), "\(zin)")
        #expect(try await db.store.count() == 2)
    }
}
