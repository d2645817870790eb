import Foundation
import NIOHTTP1
import Overstap
@testable import OverstapHTTP
import Testing

/// Issue 15: what a client may rely on besides the payloads: lists that show what was just
/// written, and methods a path does not have.
@Suite struct ContractTests {
    /// 20 rounds of write-then-list, with the service's own projection racing the list (as in
    /// `serve`) and without it (the list helps the projection along): every list reflects the
    /// write acknowledged before it, and says so.
    @Test(.timeLimit(.minutes(2)), arguments: [true, false])
    func everyListReflectsTheWriteAcknowledgedBeforeIt(projectie: Bool) async throws {
        // The bound is 2 s in `serve`; here the whole suite shares two cores, and the test is about
        // the order (a list never misses an earlier write), so it may wait longer.
        try await APITest.met(actueelBinnen: .seconds(20), projectie: projectie) { t in
            let coordinator = try await t.coordinator()
            let id = try await t.meldAan(door: coordinator)
            for ronde in 1...20 {
                let coach = "coach-\(ronde)"
                try await t.leg("coach_toegewezen", ["coach": coach], op: String(format: "2026-02-%02d", ronde), bij: id, door: coordinator)
                let lijst = try await coordinator.get("/v1/coachbelasting")
                #expect(lijst.status == 200 && lijst.header("Read-Model-Current") == "true", "round \(ronde)")
                #expect(lijst.resultaten.map { $0["coach"] as? String } == [coach], "round \(ronde): \(lijst.tekst)")
                #expect(lijst.header("Read-Model-Position")?.contains("/") == true)
            }
            // The issue's coordinator: an mbo aanmelding recorded, the risicolijst reloaded at once.
            let voor = try await coordinator.get("/v1/risicolijst?peildatum=2026-04-10")
            #expect(voor.resultaten.first?["redenen"] as? [String] == ["geen_mbo_aanmelding", "geen_welkomstgesprek", "geen_toestemming"], "\(voor.tekst)")
            try await t.leg("mbo_aanmelding", ["instelling": "MBO Utrecht", "opleiding": "Entree"], op: "2026-03-01", bij: id, door: coordinator)
            let na = try await coordinator.get("/v1/risicolijst?peildatum=2026-04-10", headers: [("Accept", "text/csv")])
            #expect(na.header("Read-Model-Current") == "true" && !na.tekst.contains("geen_mbo_aanmelding"), "\(na.tekst)")
        }
    }

    @Test func aMethodAPathDoesNotHaveIs405WithAllowAndOptionsSaysWhatItHas() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            let id = try await t.meldAan(door: coordinator)
            for (methode, pad, allow) in [
                (HTTPMethod.RAW(value: "TRACE"), "/v1/coachbelasting", "GET, HEAD, OPTIONS"),
                (.HEAD, "/v1/risicolijst", "GET, OPTIONS"),  // no HEAD: the overstaptafel's names are registered reads
                (.PUT, "/v1/leerlingen/\(id)/gebeurtenissen", "POST, OPTIONS"),
                (.DELETE, "/v1/leerlingen/\(id)", "GET, OPTIONS"),  // no HEAD: its GET registers a read
                (.PATCH, "/v1/coaches/coach-01/caseload", "GET, HEAD, OPTIONS"),
                (.POST, "/health", "GET, HEAD, OPTIONS"),
            ] {
                // Without a token too: the method is wrong whoever asks.
                let antwoord = try await t.anoniem.verzoek(methode, pad)
                #expect(antwoord.status == 405 && antwoord.header("Allow") == allow, "\(methode) \(pad): \(antwoord.status) \(antwoord.header("Allow") ?? "-")")
                #expect(antwoord.header("Content-Type") == "application/problem+json")
            }
            let opties = try await t.anoniem.verzoek(.OPTIONS, "/v1/leerlingen")
            #expect(opties.status == 204 && opties.header("Allow") == "POST, OPTIONS" && opties.body.isEmpty)
            // An unknown path stays a 404; a known one with its own method is untouched.
            #expect(try await t.anoniem.verzoek(.PUT, "/v1/bestaat-niet").status == 404)
            #expect(try await coordinator.verzoek(.HEAD, "/v1/coachbelasting").status == 200)
            #expect(try await t.aantal() == 1)
        }
    }
}
