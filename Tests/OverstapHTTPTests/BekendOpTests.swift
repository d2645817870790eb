import Foundation
@testable import OverstapHTTP
import Testing

/// Issue 16, "what did we know on 1 April?": a list or a timeline as known on a day leaves out
/// exactly what was recorded after it, however early it is dated.
@Suite struct BekendOpTests {
    @Test func aListAsKnownOnADayDiffersFromTheListNowExactlyByWhatWasRecordedLater() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            let id = try await t.meldAan(door: coordinator)  // aanmelding of 15 January, start 1 September
            try await t.leg("toestemming_gegeven", ["door": "ouder", "scope": ["mbo"]], op: "2026-01-16", bij: id, door: coordinator)
            try await t.leg("coach_toegewezen", ["coach": "coach-07"], op: "2026-02-05", bij: id, door: coordinator)
            try await t.bijgewerkt()
            // Say all of that was recorded on 1 April (the log's own recording time cannot be changed,
            // so the test moves it in the timeline projection, which the lists fold from).
            try await t.db.pool.query("UPDATE tijdlijn SET geregistreerd_op = '2026-04-01 10:00:00+02'")
            // Recorded late (today), dated before the table: an mbo aanmelding of 20 March.
            try await t.leg("mbo_aanmelding", ["instelling": "MBO Utrecht", "opleiding": "Entree"], op: "2026-03-20", bij: id, door: coordinator)

            let toen = try await coordinator.get("/v1/risicolijst?peildatum=2026-04-02&bekendOp=2026-04-01")
            let nu = try await coordinator.get("/v1/risicolijst?peildatum=2026-04-02")
            #expect(toen.status == 200 && toen.header("Peildatum") == "2026-04-02" && toen.header("Bekend-Op") == "2026-04-01")
            #expect(nu.status == 200 && nu.header("Peildatum") == "2026-04-02" && nu.header("Bekend-Op") == nil)
            let redenenToen = Set(toen.resultaten.first?["redenen"] as? [String] ?? [])
            let redenenNu = Set(nu.resultaten.first?["redenen"] as? [String] ?? [])
            #expect(toen.resultaten.count == 1 && nu.resultaten.count == 1)
            #expect(redenenToen.subtracting(redenenNu) == ["geen_mbo_aanmelding"] && redenenNu.isSubset(of: redenenToen), "\(toen.tekst) \(nu.tekst)")

            let tijdlijnToen = try await coordinator.get("/v1/leerlingen/\(id)/tijdlijn?bekendOp=2026-04-01")
            let tijdlijnNu = try await coordinator.get("/v1/leerlingen/\(id)/tijdlijn")
            let types = { (antwoord: Antwoord) in antwoord.resultaten.compactMap { $0["type"] as? String } }
            #expect(types(tijdlijnToen) == ["aanmelding", "toestemming_gegeven", "coach_toegewezen"])
            #expect(types(tijdlijnNu) == ["aanmelding", "toestemming_gegeven", "coach_toegewezen", "mbo_aanmelding"])
            #expect(tijdlijnToen.header("Bekend-Op") == "2026-04-01")

            // Known before anything was recorded: the student is not on the list at all.
            let ervoor = try await coordinator.get("/v1/risicolijst?peildatum=2026-04-02&bekendOp=2026-03-31")
            #expect(ervoor.status == 200 && ervoor.resultaten.isEmpty, "\(ervoor.tekst)")
            #expect(try await coordinator.get("/v1/risicolijst?bekendOp=gisteren").status == 400)
        }
    }
}
