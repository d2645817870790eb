import Foundation
import Overstap
import Testing
import OverstapOpslag

/// Bad input: every 4xx is problem+json, names what is wrong, leaks nothing, and writes nothing.
@Suite struct FoutTests {
    /// Sends `body` as an event on a fresh case and checks the problem and the unchanged log.
    func weiger(_ body: Data, status: Int, veld: String? = nil, contentType: String = "application/json",
                headers: [(String, String)] = [], _ t: APITest, _ klant: HTTPKlant, _ id: String) async throws {
        let voor = try await t.aantal()
        let antwoord = try await klant.verzoek(.POST, "/v1/leerlingen/\(id)/gebeurtenissen",
                                               headers: [("Content-Type", contentType)] + headers, body: body)
        #expect(antwoord.status == status, "\(antwoord.tekst)")
        #expect(antwoord.header("Content-Type") == "application/problem+json")
        #expect(antwoord.json["status"] as? Int == status && antwoord.json["title"] is String && antwoord.json["detail"] is String)
        if let veld {
            #expect((antwoord.json["invalidParams"] as? [[String: String]])?.first?["name"] == veld, "\(antwoord.tekst)")
        }
        for lek in ["SELECT", "INSERT", "ERROR", "sqlstate", "Swift", ".swift", APITest.naam, "geheim-4711"] {
            #expect(!antwoord.tekst.contains(lek), "the response quotes '\(lek)'")
        }
        #expect(try await t.aantal() == voor)
    }

    func json(_ object: Any) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    @Test func badInputGivesAProblemNamingTheFieldAndLeavesTheLogAlone() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            let id = try await t.meldAan(door: coordinator)
            let contact: [String: Any] = ["type": "contactmoment", "datum": "2026-02-01", "gegevens": ["vorm": "app"]]
            func met(_ wijziging: [String: Any]) throws -> Data { try json(contact.merging(wijziging) { $1 }) }

            try await weiger(Data(#"{"type": "contactmoment", "datum": "#.utf8), status: 400, veld: "(body)", t, coordinator, id)
            try await weiger(Data("[1, 2]".utf8), status: 400, veld: "(body)", t, coordinator, id)
            try await weiger(try met(["gegevens": ["vorm": 42]]), status: 400, veld: "gegevens.vorm", t, coordinator, id)
            try await weiger(try met(["gegevens": ["vorm": "postduif"]]), status: 400, veld: "gegevens.vorm", t, coordinator, id)
            try await weiger(try met(["gegevens": ["vorm": "app", "geheim": "geheim-4711"]]), status: 400, veld: "gegevens.geheim", t, coordinator, id)
            try await weiger(try met(["type": "teleportatie"]), status: 400, veld: "type", t, coordinator, id)
            try await weiger(try met(["type": "no_show_gesignaleerd"]), status: 400, veld: "type", t, coordinator, id)
            try await weiger(try met(["type": 7]), status: 400, veld: "type", t, coordinator, id)
            try await weiger(try met(["datum": "2026-11-21"]), status: 422, veld: "datum", t, coordinator, id)  // tomorrow: a rule, not the form
            try await weiger(try met(["datum": "1 februari"]), status: 400, veld: "datum", t, coordinator, id)
            try await weiger(try met(["extra": true]), status: 400, veld: "extra", t, coordinator, id)
            try await weiger(try json(["type": "contactmoment", "datum": "2026-02-01"]), status: 400, veld: "gegevens", t, coordinator, id)
            // Rules: an evaluation before the start, something before the aanmelding.
            try await weiger(try met(["type": "evaluatiegesprek", "gegevens": ["uitkomst": "doorgaan"]]), status: 409, t, coordinator, id)
            try await weiger(try met(["datum": "2025-12-01"]), status: 409, t, coordinator, id)
            try await weiger(try met([:]), status: 400, veld: "If-Match", headers: [("If-Match", "versie 1")], t, coordinator, id)
            try await weiger(try met([:]), status: 415, contentType: "text/plain", t, coordinator, id)
            let groot = try met(["gegevens": ["vorm": "app", "persoonsgegevens": ["onderwerp": String(repeating: "x", count: 70_000)]]])
            try await weiger(groot, status: 413, t, coordinator, id)
        }
    }

    /// On a write the case decides first: unknown is 404, someone else's is 403, and only then is a
    /// malformed Idempotency-Key a 400 (the order before the access check moved into the write).
    @Test func theCaseDecidesBeforeABadIdempotencyKey() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            let anders = try await t.coordinator("Fryslan")
            let id = try await t.meldAan(door: coordinator)
            let body: [String: Any] = ["type": "contactmoment", "datum": "2026-02-01", "gegevens": ["vorm": "app"]]
            let slecht = [("Idempotency-Key", "a b")]
            let onbekend = try await coordinator.post("/v1/leerlingen/\(UUID().uuidString.lowercased())/gebeurtenissen", json: body, headers: slecht)
            #expect(onbekend.status == 404, "\(onbekend.tekst)")
            let vreemd = try await anders.post("/v1/leerlingen/\(id)/gebeurtenissen", json: body, headers: slecht)
            #expect(vreemd.status == 403, "\(vreemd.tekst)")
            let eigen = try await coordinator.post("/v1/leerlingen/\(id)/gebeurtenissen", json: body, headers: slecht)
            #expect(eigen.status == 400 && eigen.tekst.contains("Idempotency-Key"), "\(eigen.tekst)")
            #expect(try await t.aantal() == 1)
        }
    }

    @Test func unknownCasesRoutesAndParametersAreProblemsToo() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            let voor = try await t.aantal()
            for (antwoord, status) in [
                (try await coordinator.post("/v1/leerlingen/\(UUID().uuidString.lowercased())/gebeurtenissen",
                                            json: ["type": "contactmoment", "datum": "2026-02-01", "gegevens": ["vorm": "app"]]), 404),
                (try await coordinator.get("/v1/leerlingen/niet-een-uuid"), 404),
                (try await coordinator.get("/v1/bestaat-niet"), 404),
                (try await coordinator.verzoek(.PUT, "/v1/risicolijst"), 405),  // a known path, not this method
                (try await coordinator.get("/v1/risicolijst?peildatum=gisteren"), 400),
                (try await coordinator.get("/v1/risicolijst?paginaGrootte=100000"), 400),
                (try await coordinator.post("/v1/leerlingen", json: ["datum": "2026-01-15", "gegevens": ["regio": "Utrecht"]]), 400),
                (try await coordinator.post("/v1/leerlingen", json: APITest.aanmelding(datum: "2027-01-01")), 422),  // after today
                (try await t.anoniem.get("/v1/risicolijst"), 401),
            ] {
                #expect(antwoord.status == status, "\(antwoord.tekst)")
                #expect(antwoord.header("Content-Type") == "application/problem+json" && antwoord.json["status"] as? Int == status)
            }
            #expect(try await t.aantal() == voor)
        }
    }
}
