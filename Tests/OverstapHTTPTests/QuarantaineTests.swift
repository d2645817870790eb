@testable import EventStore
import Foundation
import Overstap
@testable import OverstapHTTP
import PostgresTesting
import Testing
@testable import OverstapOpslag
import Postgres

/// Issue 12: an event the projection cannot apply never stops the world. Such events can only come
/// in past the API's checks (here: appended straight to the store as the owner), so that is how
/// these tests write them.
@Suite struct QuarantaineTests {
    /// A `coach_toegewezen` whose coach is too long for the coach index (PostgreSQL 54000), and an
    /// aanmelding dated in year 0, which PostgreSQL's `date` cannot hold (22008).
    static func vergif(_ t: APITest, op id: String) async throws -> String {
        try await t.db.store.append(to: "traject-" + id, expected: .any, [NewEvent(
            type: "coach_toegewezen", data: #"{"coach":"\#(Self.onsamendrukbaar(3000))"}"#,
            occurredAt: Datum("2026-02-01")!.tijdstip)])
        let nieuw = UUID().uuidString.lowercased()
        var aanmelding = APITest.aanmelding()["gegevens"] as? [String: Any] ?? [:]
        aanmelding["verwachteStartdatum"] = "0000-09-01"
        aanmelding["persoonsgegevens"] = nil
        try await t.db.store.append(to: "traject-" + nieuw, expected: .noStream, [NewEvent(
            type: "aanmelding", data: String(decoding: try JSONSerialization.data(withJSONObject: aanmelding), as: UTF8.self),
            occurredAt: Datum("2026-01-15")!.tijdstip)])
        return nieuw
    }

    /// `lengte` characters that PostgreSQL cannot compress below the index's row limit.
    static func onsamendrukbaar(_ lengte: Int) -> String {
        String((0..<(lengte / 32 + 1)).map { _ in UUID().uuidString.replacingOccurrences(of: "-", with: "") }.joined().prefix(lengte))
    }

    /// How long a timeline read may help the projection here: far longer than any read takes on a
    /// loaded machine, so that a read that waited could not be mistaken for a slow one.
    static let tijdlijnBinnen = Duration.seconds(60)

    @Test(.timeLimit(.minutes(3)))
    func poisonEventsAreSetAsideAndEveryOtherCaseStaysCurrent() async throws {
        try await APITest.met(tijdlijnBinnen: Self.tijdlijnBinnen) { t in
            let coordinator = try await t.coordinator()
            let ziek = try await t.meldAan(door: coordinator)
            let gezond = try await t.meldAan(door: coordinator)
            try await t.bijgewerkt()
            let nieuw = try await Self.vergif(t, op: ziek)
            try await t.bijgewerkt()  // does not throw: the two events are set aside

            let vastgehouden = try await t.api.projectie.quarantined()
            #expect(Set(vastgehouden.map(\.streamID)) == ["traject-" + ziek, "traject-" + nieuw])
            #expect(Set(vastgehouden.compactMap(\.sqlState)) == ["54000", "22008"])
            let actueel: Bool = try await t.db.pool.query("SELECT actueel FROM trajecten WHERE traject_id = \("traject-" + ziek)")
                .first?.decode("actueel") ?? true
            #expect(!actueel)

            // Later events: the healthy case's are applied, the held case's wait with it.
            try await t.leg("contactmoment", ["vorm": "app"], op: "2026-02-02", bij: gezond, door: coordinator)
            try await t.leg("contactmoment", ["vorm": "app"], op: "2026-02-02", bij: ziek, door: coordinator)
            try await t.bijgewerkt()
            // Then the log moves on while the projection cannot (its lock held here): a timeline read
            // that waited for it would wait the whole `tijdlijnBinnen`. Neither of these has cause to.
            try await t.db.pool.withTransaction { vergrendeld in
                try await t.api.projectie.lock(vergrendeld)
                _ = try await t.meldAan(door: coordinator)
                let start = ContinuousClock.now
                let goed = try await coordinator.get("/v1/leerlingen/\(gezond)/tijdlijn")
                #expect(goed.status == 200 && goed.json["actueel"] as? Bool == true && goed.resultaten.count == 2, "\(goed.tekst)")
                let achter = try await coordinator.get("/v1/leerlingen/\(ziek)/tijdlijn")
                #expect(achter.status == 200 && achter.json["actueel"] as? Bool == false && achter.resultaten.count == 1, "\(achter.tekst)")
                #expect(ContinuousClock.now - start < Self.tijdlijnBinnen / 2)
            }
            #expect(try await coordinator.get("/v1/leerlingen/\(ziek)").status == 200)  // the case itself folds from the log

            for lijst in ["risicolijst", "afbouwstatus", "coachbelasting"] {
                // Answered at once, and not claiming to hold the writes that wait in quarantine.
                let antwoord = try await coordinator.get("/v1/\(lijst)?peildatum=2026-03-01")
                #expect(antwoord.status == 200 && antwoord.header("Read-Model-Current") == "false", "\(lijst)")
            }
            let gereed = try await t.anoniem.get("/ready")
            #expect(gereed.status == 200 && gereed.json["quarantaine"] as? Int == 3, "\(gereed.tekst)")
            #expect(try await t.anoniem.get("/metrics").tekst.contains("overstap_projectie_quarantaine 3"))

            // A rebuild does not stop on them either, and sets them aside again.
            try await t.api.projectie.rebuild()
            #expect(try await t.api.projectie.quarantineCount() == 3)
        }
    }

    @Test func aDamagedSnapshotIsFoldedAroundAndTheListStaysRight() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            let id = try await t.meldAan(door: coordinator)
            try await t.leg("coach_toegewezen", ["coach": "coach-01"], op: "2026-01-20", bij: id, door: coordinator)
            try await t.bijgewerkt()
            let voor = try await coordinator.get("/v1/afbouwstatus?peildatum=2026-03-01").tekst
            try await t.db.pool.query("UPDATE trajecten SET stand = '\\x00ff'::bytea")
            let na = try await coordinator.get("/v1/afbouwstatus?peildatum=2026-03-01")
            #expect(na.status == 200 && na.tekst == voor)
            // The projection goes on over it and writes a sound snapshot.
            try await t.leg("contactmoment", ["vorm": "app"], op: "2026-02-02", bij: id, door: coordinator)
            try await t.bijgewerkt()
            #expect(try await t.api.projectie.quarantineCount() == 0)
            let stand: Data? = try await t.db.pool.query("SELECT stand FROM trajecten").first?.decode("stand")
            #expect(stand.map { (try? Traject(stand: $0)) != nil } == true)
        }
    }
}
