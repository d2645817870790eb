@testable import EventStore
import Foundation
@testable import Overstap
import PostgresTesting
import Testing
@testable import OverstapOpslag
import Postgres
@testable import OverstapDemo

/// A demo region in a database of its own, with the projection caught up.
struct DemoDatabase {
    let db: TestDatabase
    let trajecten: Trajecten
    let instellingen = RegioInstellingen()
    var runner: ProjectionRunner { ProjectionRunner(store: db.store, projection: TrajectenProjectie(instellingen: instellingen)) }
    var overzichten: Overzichten { Overzichten(pool: db.pool, instellingen: instellingen) }
    var nacht: NoShowControle { NoShowControle(trajecten: trajecten, instellingen: instellingen) }

    static func make(leerlingen: Int = 300) async throws -> DemoDatabase {
        let db = try await TestDatabase.make()
        let demo = DemoDatabase(db: db, trajecten: db.trajecten)
        var regio = DemoRegio()
        regio.leerlingen = leerlingen
        try await regio.laad(in: demo.trajecten)
        try await demo.runner.catchUp()
        return demo
    }

    /// Every no-show event as (case, kind, day, id), computed from the raw log.
    func noShowEvents() async throws -> Set<String> {
        Set(try await db.pool.query(
            """
            SELECT stream_id, data->>'soort' AS soort, occurred_at::date::text AS dag, event_id::text AS id
            FROM events WHERE event_type = 'no_show_gesignaleerd'
            """).map { "\(try $0.decode("stream_id", as: String.self)) \(try $0.decode("soort", as: String.self)) \(try $0.decode("dag", as: String.self)) \(try $0.decode("id", as: String.self))" })
    }

    /// The cases that must be flagged by `peildatum`, computed from the raw log without the domain:
    /// no `gestart` and no closing by the due day, registered before it.
    func verwacht(soort: NoShowSoort, vervaldag: String) async throws -> Set<TrajectID> {
        Set(try await db.pool.query(
            """
            SELECT a.stream_id FROM events a
            WHERE a.event_type = 'aanmelding' AND a.occurred_at::date <= \(vervaldag)::date
              AND (a.data->>'verwachteStartdatum')::date + \(soort == .startOnbevestigd ? 14 : 0)::int <= \(vervaldag)::date
              AND (a.data->>'verwachteStartdatum')::date <= \(vervaldag)::date
              AND NOT EXISTS (SELECT 1 FROM events g WHERE g.stream_id = a.stream_id
                              AND g.event_type IN ('gestart', 'afgesloten') AND g.occurred_at::date <= \(vervaldag)::date)
            """).map { try $0.decode("stream_id", as: TrajectID.self) })
    }
}

@Suite struct DemoRegioTests {
    @Test(.timeLimit(.minutes(3)))
    func aListReusesDecodedSnapshotsAndShowsTheNewStateAfterAWrite() async throws {
        let demo = try await DemoDatabase.make(leerlingen: 60)
        let overzichten = demo.overzichten  // one value, one cache, as a service holds it
        let (regio, peildatum) = (DemoRegio().regio, Datum("2026-11-20")!)
        let koud = try await overzichten.trajecten(regio: regio, op: peildatum)
        #expect(koud.count >= 50)
        #expect(try await overzichten.trajecten(regio: regio, op: peildatum) == koud)
        // A decoded snapshot is not read again at the same version: give one case another's bytes
        // behind the cache's back; this list still shows it right, a fresh one shows the other bytes.
        let (een, ander) = (koud[0].id, koud[1].id)
        let eigen = try await demo.db.pool.query("SELECT stand FROM trajecten WHERE traject_id = \(een)").first?.decode("stand", as: Data.self)
        try await demo.db.pool.query(
            "UPDATE trajecten SET stand = (SELECT stand FROM trajecten WHERE traject_id = \(ander)) WHERE traject_id = \(een)")
        #expect(try await overzichten.trajecten(regio: regio, op: peildatum) == koud)
        #expect(try await demo.overzichten.trajecten(regio: regio, op: peildatum).filter { $0 == koud[1] }.count == 2)
        try await demo.db.pool.query("UPDATE trajecten SET stand = \(eigen) WHERE traject_id = \(een)")

        let open = try #require(koud.first { $0.afgeslotenOp == nil && $0.laatsteContact != peildatum })
        try await demo.trajecten.registreer([(.contactmoment(.init(vorm: .app)), peildatum)], in: open.id, door: "coach-01",
                                            vandaag: peildatum)
        try await demo.runner.catchUp()
        let warm = try await overzichten.trajecten(regio: regio, op: peildatum)
        #expect(warm.first { $0.id == open.id }?.laatsteContact == peildatum)
        #expect(warm == (try await demo.overzichten.trajecten(regio: regio, op: peildatum)))  // a cold cache agrees
        #expect(warm.filter { $0.id != open.id } == koud.filter { $0.id != open.id })
        // An earlier peildatum still folds what the snapshot cannot give.
        #expect(try await overzichten.trajecten(regio: regio, op: Datum("2026-03-01")!)
                == (try await demo.overzichten.trajecten(regio: regio, op: Datum("2026-03-01")!)))

        // With the cache warm: a case new since is in no cache (the whole read runs again), and it
        // is on the list; what was known on a day, a region without cases and a cohort agree with a
        // cold cache.
        let nieuw = TrajectID(UUID())
        try await demo.trajecten.registreer([(.aanmelding(Voorbeeld.aanmelding), peildatum)], in: nieuw, door: "school", vandaag: peildatum)
        try await demo.runner.catchUp()
        #expect(try await overzichten.trajecten(regio: regio, op: peildatum).map(\.id) == (warm.map(\.id) + [nieuw]).sorted())
        let bekendOp = Datum("2026-06-01")!
        #expect(try await overzichten.trajecten(regio: regio, op: peildatum, bekendOp: bekendOp)
                == (try await demo.overzichten.trajecten(regio: regio, op: peildatum, bekendOp: bekendOp)))
        #expect(try await overzichten.trajecten(regio: "Nergens", op: peildatum).isEmpty)
        for cohortRegio in [regio, nil] {
            let warmCohort = try await overzichten.cohort(regio: cohortRegio, schooljaar: Schooljaar(beginjaar: 2026), op: peildatum, bekendOp: nil)
            #expect(!warmCohort.isEmpty)
            #expect(warmCohort == (try await demo.overzichten.cohort(regio: cohortRegio, schooljaar: Schooljaar(beginjaar: 2026), op: peildatum, bekendOp: nil)))
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aForgottenOpenCaseIsFlaggedLikeAnyOther() async throws {
        let demo = try await DemoDatabase.make(leerlingen: 60)
        let verwacht = try await demo.verwacht(soort: .startOnbevestigd, vervaldag: "2026-09-14")
        let vergeten = try #require(verwacht.min())
        try await demo.trajecten.vergeet(vergeten, reden: .verzoek, door: "admin", vandaag: Datum("2026-06-01")!)
        let rapport = try await demo.nacht.voerUit(peildatum: Datum("2026-09-15")!)
        #expect(rapport.overgeslagen.isEmpty, "\(rapport.overgeslagen)")
        #expect(Set(rapport.meldingen.map(\.trajectID)) == verwacht)
        #expect(try await demo.noShowEvents().contains { $0.hasPrefix(vergeten.stroom + " start_onbevestigd") })
    }

    @Test(.timeLimit(.minutes(3)))
    func theNightlyJobSkipsACaseItCannotReadReportsItAndFlagsTheRest() async throws {
        let demo = try await DemoDatabase.make(leerlingen: 80)
        let verwacht = try await demo.verwacht(soort: .startOnbevestigd, vervaldag: "2026-09-14")
        let kapot = try #require(verwacht.min())
        // A timeline row that no longer reads, and no snapshot to read around it.
        try await demo.db.pool.query("UPDATE tijdlijn SET payload = '{\"onzin\": 1}' WHERE traject_id = \(kapot) AND volgorde = 1")
        try await demo.db.pool.query("UPDATE trajecten SET stand_versie = NULL WHERE traject_id = \(kapot)")
        let rapport = try await demo.nacht.voerUit(peildatum: Datum("2026-09-15")!)
        #expect(rapport.overgeslagen.map(\.trajectID) == [kapot])
        #expect(rapport.overgeslagen.first?.soort == "GebeurtenisFout")
        #expect(Set(rapport.meldingen.map(\.trajectID)) == verwacht.subtracting([kapot]))
        #expect(Set(try await demo.noShowEvents().compactMap { $0.split(separator: " ").first.flatMap { TrajectID(stroom: String($0)) } }) == verwacht.subtracting([kapot]))
    }

    @Test(.timeLimit(.minutes(3)))
    func theNightlyJobFlagsExactlyTheExpectedCasesAndNothingTwice() async throws {
        let demo = try await DemoDatabase.make()
        let september = try await demo.nacht.voerUit(peildatum: Datum("2026-09-15")!).meldingen
        let verwachtSeptember = try await demo.verwacht(soort: .startOnbevestigd, vervaldag: "2026-09-14")
        #expect(!verwachtSeptember.isEmpty)
        #expect(Set(september.map(\.trajectID)) == verwachtSeptember)
        #expect(september.allSatisfy { $0.soort == .startOnbevestigd && $0.nieuw && $0.datum == Datum("2026-09-14") })

        let oktober = try await demo.nacht.voerUit(peildatum: Datum("2026-10-01")!).meldingen
        let verwachtOktober = try await demo.verwacht(soort: .nietGeplaatst, vervaldag: "2026-10-01")
        #expect(!verwachtOktober.isEmpty && verwachtOktober.isSubset(of: verwachtSeptember))
        #expect(Set(oktober.filter { $0.soort == .nietGeplaatst }.map(\.trajectID)) == verwachtOktober)
        #expect(oktober.filter { $0.soort == .startOnbevestigd }.allSatisfy { !$0.nieuw })

        let events = try await demo.db.store.count()
        let nogmaals = try await demo.nacht.voerUit(peildatum: Datum("2026-10-01")!).meldingen
        #expect(nogmaals.allSatisfy { !$0.nieuw })
        #expect(try await demo.db.store.count() == events)
        // The list shows them: every niet_geplaatst case is a no-show on the risicolijst of 2 October.
        let lijst = try await demo.overzichten.risicolijst(regio: "Utrecht", op: Datum("2026-10-02")!)
        let noShows = Set(lijst.filter { $0.redenen.first == .noShow }.map(\.trajectID))
        #expect(verwachtOktober.isSubset(of: noShows))
        // In its order: most severe first, then more reasons, then by id (ties are many here).
        #expect(lijst.map(\.trajectID) == lijst.sorted {
            ($0.ernstigste, -$0.redenen.count, $0.trajectID) < ($1.ernstigste, -$1.redenen.count, $1.trajectID)
        }.map(\.trajectID))
        #expect(Set(lijst.map { "\($0.ernstigste) \($0.redenen.count)" }).count < lijst.count / 2)
    }

    @Test(.timeLimit(.minutes(3)))
    func twoRunsAtOnceWriteEachFlagOnce() async throws {
        let demo = try await DemoDatabase.make(leerlingen: 120)
        let voor = try await demo.db.store.count()
        let runs = try await withThrowingTaskGroup(of: [NoShowMelding].self) { group in
            for _ in 0..<2 { group.addTask { try await demo.nacht.voerUit(peildatum: Datum("2026-10-01")!).meldingen } }
            return try await group.reduce(into: [[NoShowMelding]]()) { $0.append($1) }
        }
        let flags = Set(runs[0].map { "\($0.trajectID) \($0.soort)" })
        #expect(!flags.isEmpty)
        #expect(flags == Set(runs[1].map { "\($0.trajectID) \($0.soort)" }))
        #expect(try await demo.db.store.count() == voor + flags.count)
        #expect(try await demo.noShowEvents().count == flags.count)
    }

    @Test(.timeLimit(.minutes(3)))
    func catchingUpMissedNightsWritesTheSameFlagsAsTheFirstOfOctober() async throws {
        async let a = DemoDatabase.make(leerlingen: 150)
        async let b = DemoDatabase.make(leerlingen: 150)
        let (opTijd, ingehaald) = try await (a, b)
        for demo in [opTijd, ingehaald] { _ = try await demo.nacht.voerUit(peildatum: Datum("2026-09-15")!).meldingen }
        _ = try await opTijd.nacht.voerUit(peildatum: Datum("2026-10-01")!).meldingen
        _ = try await ingehaald.nacht.voerUit(peildatum: Datum("2026-10-05")!).meldingen  // missed 1–4 October
        let flags = try await opTijd.noShowEvents()
        #expect(flags.contains { $0.contains("niet_geplaatst") })
        #expect(try await ingehaald.noShowEvents() == flags)
    }

    @Test(.timeLimit(.minutes(3)))
    func coachLoadsEqualACountTakenStraightFromTheRawEvents() async throws {
        let demo = try await DemoDatabase.make()
        for peildatum in ["2026-03-01", "2026-09-30", "2026-11-20"] {
            let geteld = try await demo.db.pool.query(
                """
                WITH laatste AS (
                    SELECT DISTINCT ON (stream_id) stream_id, data->>'coach' AS coach FROM events
                    WHERE event_type = 'coach_toegewezen' AND occurred_at::date <= \(peildatum)::date
                    ORDER BY stream_id, occurred_at DESC, stream_version DESC)
                SELECT coach, count(*)::int AS n FROM laatste l
                WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.stream_id = l.stream_id
                    AND e.event_type IN ('overdracht_zorgteam', 'afgesloten') AND e.occurred_at::date <= \(peildatum)::date)
                GROUP BY coach
                """)
            let verwacht = Dictionary(uniqueKeysWithValues: try geteld.map { (try $0.decode("coach", as: String.self), try $0.decode("n", as: Int.self)) })
            let lasten = try await demo.overzichten.coachbelasting(regio: "Utrecht", op: Datum(peildatum)!)
            #expect(Dictionary(uniqueKeysWithValues: lasten.map { ($0.coach, $0.actief) }) == verwacht, "\(peildatum)")
        }
        let nu = try await demo.overzichten.coachbelasting(regio: "Utrecht", op: Datum("2026-11-20")!)
        #expect(nu.contains { $0.status == .boven }, "the demo has coaches above the norm")
        #expect(nu.contains { $0.status == .onder })
    }

    @Test(.timeLimit(.minutes(3)))
    func aRebuildEqualsTheIncrementallyBuiltReadModels() async throws {
        let db = try await TestDatabase.make()
        let demo = DemoDatabase(db: db, trajecten: db.trajecten)
        let following = Task { try await demo.runner.run(pollInterval: .milliseconds(50)) }
        var regio = DemoRegio()
        regio.leerlingen = 200
        try await regio.laad(in: demo.trajecten)
        _ = try await demo.nacht.voerUit(peildatum: Datum("2026-10-01")!).meldingen
        following.cancel()
        _ = try? await following.value
        try await demo.runner.catchUp()
        func snapshot() async throws -> [String] {
            try await db.pool.query("SELECT t::text AS rij FROM tijdlijn t ORDER BY traject_id, volgorde").map { try $0.decode("rij") }
                + (try await db.pool.query("SELECT t::text AS rij FROM trajecten t ORDER BY traject_id").map { try $0.decode("rij") })
        }
        let incrementeel = try await snapshot()
        #expect(incrementeel.count > 2_000)
        try await demo.runner.rebuild()
        #expect(try await snapshot() == incrementeel)
        // Stream by stream itself, without the page-by-page path to fall back on.
        _ = try await demo.runner.rebuildByStream(TrajectenProjectie(instellingen: demo.instellingen))
        #expect(try await snapshot() == incrementeel)
        // And the rows the rebuild replaced are vacuumed away from the table every list reads.
        let gestofzuigd = try await db.pool.query(
            "SELECT last_vacuum IS NOT NULL AS ja FROM pg_stat_user_tables WHERE relname = 'trajecten'").first?.decode("ja", as: Bool.self)
        #expect(gestofzuigd == true)
        // And the read model keeps no personal data.
        let tekst = incrementeel.joined(separator: "\n")
        for persoonlijk in DemoRegio.behoeften + ["persoonsgegevens", "\"\"naam\"\"", "geboortedatum", "leerlingnummer", "zorgcoördinator", "elke week contact"] {
            #expect(!tekst.contains(persoonlijk), "\(persoonlijk)")
        }
        // The log holds every student's personal data, but only encrypted.
        let versleuteld = try await db.pool.query(
            "SELECT count(*)::int AS n FROM events WHERE event_type = 'aanmelding' AND data->>'persoonsgegevens' LIKE 'v1:%'")
        #expect(try versleuteld.first!.decode("n") == 200)
        let log = try await db.pool.query("SELECT string_agg(data::text, ' ') AS alles FROM events").first!.decode("alles", as: String.self)
        for persoonlijk in DemoRegio.behoeften + DemoRegio.voornamen.map({ $0 + " " }) + ["zorgcoördinator", "elke week contact"] {
            #expect(!log.contains(persoonlijk), "\(persoonlijk)")
        }
    }
}
