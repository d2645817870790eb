import Foundation
import Overstap
@testable import OverstapHTTP
import Testing
@testable import OverstapOpslag

/// Every endpoint with every role that may, and some that may not, call it; against the real
/// server and database.
@Suite struct RouteTests {
    @Test func aCoordinatorRegistersReadsAndEveryReadOfPersonalDataIsRegistered() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            let aangemeld = try await coordinator.post("/v1/leerlingen", json: APITest.aanmelding())
            #expect(aangemeld.status == 201)
            let id = try #require(aangemeld.json["id"] as? String)
            #expect(aangemeld.header("Location") == "/v1/leerlingen/\(id)")
            #expect(aangemeld.header("ETag") == "\"1\"")

            let leerling = try await coordinator.get("/v1/leerlingen/\(id)")
            #expect(leerling.status == 200 && leerling.header("ETag") == "\"1\"")
            #expect(leerling.json["fase"] as? String == "aangemeld" && leerling.json["regio"] as? String == "Utrecht")
            let persoon = try #require(leerling.json["persoonsgegevens"] as? [String: Any])
            #expect(persoon["naam"] as? String == APITest.naam && persoon["ondersteuningsbehoefte"] as? String == APITest.behoefte)

            let register = try await t.admin().get("/v1/leerlingen/\(id)/leesregister")
            #expect(register.status == 200)
            #expect(register.resultaten.map { $0["via"] as? String } == ["GET /v1/leerlingen/{id}"])
            #expect((register.resultaten.first?["wie"] as? String)?.hasPrefix("api:coordinator:Utrecht:") == true)
        }
    }

    @Test func schoolsRegisterOnlyTheirOwnPupilsAndNoRoleCrossesARegion() async throws {
        try await APITest.met { t in
            let school = try await t.klant(Lezer(rol: .school, regio: "Utrecht", school: "De Brug"))
            #expect(try await school.post("/v1/leerlingen", json: APITest.aanmelding()).status == 201)
            let voor = try await t.aantal()
            #expect(try await school.post("/v1/leerlingen", json: APITest.aanmelding(school: "Fier")).status == 403)
            #expect(try await t.coordinator("Zwolle").post("/v1/leerlingen", json: APITest.aanmelding()).status == 403)
            #expect(try await t.coach("coach-01").post("/v1/leerlingen", json: APITest.aanmelding()).status == 403)
            #expect(try await t.aantal() == voor)
        }
    }

    @Test func aCrossRegionReadIsRefused() async throws {
        try await APITest.met { t in
            let id = try await t.meldAan(door: try await t.coordinator())
            let zwolle = try await t.coordinator("Zwolle")
            let gelezen = try await zwolle.get("/v1/leerlingen/\(id)")
            #expect(gelezen.status == 403 && gelezen.json["persoonsgegevens"] == nil)
            #expect(gelezen.tekst.contains(APITest.naam) == false)
            #expect(try await zwolle.get("/v1/leerlingen/\(id)/tijdlijn").status == 403)
            #expect(try await zwolle.get("/v1/risicolijst?regio=Utrecht").status == 403)
            #expect(try await zwolle.get("/v1/coachbelasting?regio=Utrecht").status == 403)
            #expect(try await zwolle.get("/v1/afbouwstatus?regio=Utrecht").status == 403)
            // Refused reads are not registered as reads.
            #expect(try await t.admin().get("/v1/leerlingen/\(id)/leesregister").resultaten.isEmpty)
        }
    }

    @Test func aCoachSeesAndWritesOnlyTheOwnCaseload() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            let id = try await t.meldAan(door: coordinator)
            try await t.leg("coach_toegewezen", ["coach": "coach-01"], op: "2026-01-20", bij: id, door: coordinator)
            let eigen = try await t.coach("coach-01")
            let ander = try await t.coach("coach-02")

            let gelezen = try await eigen.get("/v1/leerlingen/\(id)")
            #expect(gelezen.status == 200 && (gelezen.json["persoonsgegevens"] as? [String: Any])?["naam"] as? String == APITest.naam)
            try await t.leg("welkomstgesprek", [:], op: "2026-01-25", bij: id, door: eigen)

            let voor = try await t.aantal()
            let geweigerd = try await ander.get("/v1/leerlingen/\(id)")
            #expect(geweigerd.status == 403 && !geweigerd.tekst.contains(APITest.naam))
            #expect(try await ander.post("/v1/leerlingen/\(id)/gebeurtenissen",
                                         json: ["type": "contactmoment", "datum": "2026-02-01", "gegevens": ["vorm": "app"]]).status == 403)
            // A coach does not (re)assign coaches.
            #expect(try await eigen.post("/v1/leerlingen/\(id)/gebeurtenissen",
                                         json: ["type": "coach_toegewezen", "datum": "2026-02-01", "gegevens": ["coach": "coach-01"]]).status == 403)
            #expect(try await t.aantal() == voor)

            try await t.bijgewerkt()
            let caseload = try await eigen.get("/v1/coaches/coach-01/caseload?peildatum=2026-02-01")
            #expect(caseload.status == 200 && caseload.resultaten.map { $0["id"] as? String } == [id])
            #expect((caseload.json["belasting"] as? [String: Any])?["status"] as? String == "onder")
            #expect(try await eigen.get("/v1/coaches/coach-02/caseload").status == 403)
            #expect(try await ander.get("/v1/coaches/coach-02/caseload").resultaten.isEmpty)
            #expect(try await coordinator.get("/v1/coaches/coach-01/caseload").resultaten.count == 1)
            // Lists of the whole region are not a coach's.
            #expect(try await eigen.get("/v1/coachbelasting").status == 403)
            #expect(try await eigen.get("/v1/risicolijst").status == 403)
        }
    }

    @Test func theOverstaptafelReadsTheRiskListAndRecordsItsDecisionsOnly() async throws {
        try await APITest.met { t in
            let id = try await t.meldAan(door: try await t.coordinator())
            let tafel = try await t.klant(Lezer(rol: .overstaptafel, regio: "Utrecht"))
            try await t.bijgewerkt()
            let lijst = try await tafel.get("/v1/risicolijst?peildatum=2026-03-01")
            #expect(lijst.status == 200)
            let regel = try #require(lijst.resultaten.first)
            #expect(regel["id"] as? String == id)
            #expect(regel["redenen"] as? [String] == ["geen_coach", "geen_welkomstgesprek", "geen_toestemming"])
            #expect(!lijst.tekst.contains(APITest.behoefte) && !lijst.tekst.contains(APITest.naam))
            try await t.leg("overstaptafel_besproken", ["tafel": "maart-2026", "besluit": "extra_begeleiding"], op: "2026-03-02", bij: id, door: tafel)
            #expect(try await tafel.post("/v1/leerlingen/\(id)/gebeurtenissen",
                                         json: ["type": "contactmoment", "datum": "2026-03-02", "gegevens": ["vorm": "app"]]).status == 403)
            #expect(try await tafel.get("/v1/coachbelasting").status == 403)
            #expect(try await tafel.get("/v1/afbouwstatus").status == 403)
            // Without consent for the table, the case shows no personal data at all.
            let gelezen = try await tafel.get("/v1/leerlingen/\(id)")
            #expect(gelezen.status == 200 && gelezen.json["persoonsgegevens"] == nil)
        }
    }

    @Test func theRegionsListsAsJSONAndCSVAndAsOfAPeildatum() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            let eerste = try await t.meldAan(door: coordinator)
            try await t.leg("coach_toegewezen", ["coach": "coach-07"], op: "2026-01-20", bij: eerste, door: coordinator)
            _ = try await coordinator.post("/v1/leerlingen", json: APITest.aanmelding(datum: "2026-05-01"))
            try await t.bijgewerkt()

            let belasting = try await coordinator.get("/v1/coachbelasting?peildatum=2026-02-01")
            #expect(belasting.status == 200)
            #expect(belasting.resultaten.first?["coach"] as? String == "coach-07" && belasting.resultaten.first?["actief"] as? Int == 1)
            #expect((belasting.json["norm"] as? [String: Int]) == ["minimum": 20, "maximum": 25])

            let status = try await coordinator.get("/v1/afbouwstatus?peildatum=2026-02-01")
            #expect(status.resultaten.count == 1)  // the second student was not yet registered
            #expect(((status.json["overzicht"] as? [String: Any])?["perFase"] as? [String: Int])?["aangemeld"] == 1)
            #expect(try await coordinator.get("/v1/afbouwstatus").resultaten.count == 2)

            let csv = try await coordinator.get("/v1/risicolijst?peildatum=2026-11-20", headers: [("Accept", "text/csv")])
            #expect(csv.status == 200 && csv.header("Content-Type")?.hasPrefix("text/csv") == true)
            let regels = csv.tekst.split(separator: "\r\n")
            #expect(regels.first == "\u{FEFF}traject,vso_school,coach,fase,ernstigste_reden,redenen" && regels.count == 3)
            #expect(csv.header("Content-Disposition") == "attachment; filename=\"risicolijst-Utrecht-2026-11-20.csv\"; filename*=UTF-8''risicolijst-Utrecht-2026-11-20.csv")
            let puntkomma = try await coordinator.get("/v1/risicolijst?peildatum=2026-11-20&scheidingsteken=puntkomma", headers: [("Accept", "text/csv")])
            #expect(puntkomma.tekst.hasPrefix("\u{FEFF}traject;vso_school;coach;fase;ernstigste_reden;redenen\r\n"))
            let tab = try await coordinator.get("/v1/risicolijst?scheidingsteken=tab", headers: [("Accept", "text/csv")])
            #expect(tab.status == 400 && tab.tekst.contains("scheidingsteken"))
            let xlsx = try await coordinator.get("/v1/risicolijst?peildatum=2026-11-20", headers: [("Accept", Rekenblad.mediatype)])
            #expect(xlsx.status == 200 && xlsx.header("Content-Type") == Rekenblad.mediatype)
            #expect(xlsx.tekst.hasPrefix("PK\u{3}\u{4}"))  // a ZIP container; tests/outside/spreadsheet.py opens it in LibreOffice
            #expect(xlsx.header("Content-Disposition")?.hasSuffix("filename*=UTF-8''risicolijst-Utrecht-2026-11-20.xlsx") == true)
            // Accept by q, then by order; q=0 means "not this".
            for (accept, soort) in [("text/csv;q=0, application/json", "application/json"), ("application/json;q=0.5, text/csv", "text/csv"),
                                    ("application/json, text/csv", "application/json"), ("*/*;q=0.1, \(Rekenblad.mediatype)", Rekenblad.mediatype)] {
                let antwoord = try await coordinator.get("/v1/risicolijst?peildatum=2026-11-20", headers: [("Accept", accept)])
                #expect(antwoord.status == 200 && antwoord.header("Content-Type")?.hasPrefix(soort) == true && antwoord.header("Vary") == "Accept", "\(accept)")
            }
            #expect(try await coordinator.get("/v1/risicolijst", headers: [("Accept", "text/csv;q=0")]).status == 406)
            #expect(try await coordinator.get("/v1/risicolijst", headers: [("Accept", "application/xml")]).status == 406)

            let pagina = try await coordinator.get("/v1/risicolijst?paginaGrootte=1&pagina=2")
            #expect(pagina.resultaten.count == 1)
            let paginering = try #require(pagina.json["paginering"] as? [String: Int])
            #expect(paginering["totaal"] == 2 && paginering["aantalPaginas"] == 2)
            let links = try #require(pagina.json["_links"] as? [String: [String: String]])
            #expect(links["prev"]?["href"] == "/v1/risicolijst?pagina=1&paginaGrootte=1" && links["next"] == nil)
            // A link's query is percent-encoded but for RFC 3986's unreserved ASCII characters.
            let elders = try await t.admin().get("/v1/risicolijst?regio=Frysl%C3%A2n%20Noord")
            let zelf = (elders.json["_links"] as? [String: [String: String]])?["self"]?["href"]
            #expect(elders.status == 200 && zelf == "/v1/risicolijst?pagina=1&regio=Frysl%C3%A2n%20Noord", "\(elders.tekst)")
        }
    }

    @Test func theTimelineShowsTheCallersOwnWriteAndFiltersOnPeildatum() async throws {
        // Room enough for the read to bring the projection up to date itself on a loaded machine.
        try await APITest.met(tijdlijnBinnen: .seconds(60)) { t in
            let coordinator = try await t.coordinator()
            let id = try await t.meldAan(door: coordinator)
            try await t.leg("coach_toegewezen", ["coach": "coach-01"], op: "2026-01-20", bij: id, door: coordinator)
            // Recorded later, happened earlier: it takes its place by date.
            try await t.leg("toestemming_gegeven", ["door": "ouder", "scope": ["mbo"]], op: "2026-01-16", bij: id, door: coordinator)
            let verwacht = ["aanmelding", "toestemming_gegeven", "coach_toegewezen"]
            let tijdlijn = try await coordinator.get("/v1/leerlingen/\(id)/tijdlijn")
            #expect(tijdlijn.status == 200 && tijdlijn.header("ETag") == "\"3\"")
            #expect(tijdlijn.json["actueel"] as? Bool == true && tijdlijn.resultaten.map { $0["type"] as? String } == verwacht)
            let toen = try await coordinator.get("/v1/leerlingen/\(id)/tijdlijn?peildatum=2026-01-17")
            #expect(toen.resultaten.count == 2)
            let stand = try await coordinator.get("/v1/leerlingen/\(id)?peildatum=2026-01-17")
            #expect(stand.json["coach"] == nil && stand.json["toestemmingen"] as? [String] == ["mbo"])
            #expect(try await coordinator.get("/v1/leerlingen/\(id)?peildatum=2026-01-01").status == 404)
            #expect(try await coordinator.get("/v1/leerlingen/\(UUID().uuidString.lowercased())").status == 404)
        }
    }

    @Test func adminsForgetAndExportAndEveryoneElseIsRefused() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            let admin = try await t.admin()
            let id = try await t.meldAan(door: coordinator)
            #expect(try await coordinator.get("/v1/leerlingen/\(id)/inzage").status == 403)
            #expect(try await coordinator.verzoek(.DELETE, "/v1/leerlingen/\(id)/persoonsgegevens").status == 403)

            let inzage = try await admin.get("/v1/leerlingen/\(id)/inzage")
            #expect(inzage.status == 200 && inzage.tekst.contains(APITest.naam) && inzage.tekst.contains(APITest.behoefte))
            #expect(try await admin.verzoek(.DELETE, "/v1/leerlingen/\(id)/persoonsgegevens?reden=onzin").status == 400)
            #expect(try await admin.verzoek(.DELETE, "/v1/leerlingen/\(id)/persoonsgegevens?reden=verzoek").status == 204)
            #expect(try await admin.verzoek(.DELETE, "/v1/leerlingen/\(id)/persoonsgegevens").status == 204)  // again: harmless

            let daarna = try await coordinator.get("/v1/leerlingen/\(id)")
            #expect(daarna.status == 200 && daarna.json["persoonsgegevens"] == nil)
            #expect(daarna.json["persoonsgegevensVerwijderd"] as? Bool == true && daarna.json["fase"] as? String == "aangemeld")
            #expect(!(try await admin.get("/v1/leerlingen/\(id)/inzage")).tekst.contains(APITest.naam))
            // An admin has no region of its own: lists need one named (well-formed without, so a 422).
            #expect(try await admin.get("/v1/risicolijst").status == 422)
            #expect(try await admin.get("/v1/risicolijst?regio=Utrecht").status == 200)
        }
    }

    @Test func tokensAreCheckedOnEveryRequestAndRevocationCountsAtOnce() async throws {
        try await APITest.met { t in
            let lezer = Lezer(rol: .coordinator, regio: "Utrecht")
            let (tokenID, token) = try await t.api.tokens.maak(voor: lezer, omschrijving: "test", door: "test")
            let klant = t.anoniem.met(token: token)
            #expect(try await klant.get("/v1/risicolijst").status == 200)
            let zonder = try await t.anoniem.get("/v1/risicolijst")
            #expect(zonder.status == 401 && zonder.header("WWW-Authenticate") == #"Bearer realm="overstap""#)
            #expect(try await t.anoniem.met(token: token + "x").get("/v1/risicolijst").status == 401)
            #expect(try await t.anoniem.met(token: "ovs_" + String(repeating: "A", count: 43)).get("/v1/risicolijst").status == 401)
            try await t.api.tokens.trekIn(tokenID)
            #expect(try await klant.get("/v1/risicolijst").status == 401)
            // The register keeps only hashes.
            let opgeslagen = try await t.db.pool.query("SELECT encode(hash, 'hex') AS h FROM api_tokens").map { try $0.decode("h", as: String.self) }
            #expect(opgeslagen.count == 1 && !opgeslagen[0].contains(token))
            await #expect(throws: TokenFout.onvolledig("--coach")) {
                try await t.api.tokens.maak(voor: Lezer(rol: .coach, regio: "Utrecht"), omschrijving: "x", door: "test")
            }
        }
    }

    @Test func operationsRoutesAreOpenAndEveryResponseCarriesTheAPIVersion() async throws {
        // `/ready` is asked whether the database answers, not how fast on a busy machine.
        try await APITest.met(gereedBinnen: .seconds(30)) { t in
            let health = try await t.anoniem.get("/health")
            #expect(health.status == 200 && health.json["status"] as? String == "ok")
            #expect(try await t.anoniem.get("/ready").status == 200)
            let openapi = try await t.anoniem.get("/v1/openapi.json")
            #expect(openapi.status == 200 && openapi.json["openapi"] as? String == "3.1.0")
            _ = try await t.coordinator().get("/v1/risicolijst")
            let metrics = try await t.anoniem.get("/metrics")
            #expect(metrics.status == 200 && metrics.header("Content-Type")?.hasPrefix("text/plain") == true)
            #expect(metrics.tekst.contains(#"http_route="/v1/risicolijst""#))
            for antwoord in [health, openapi, metrics, try await t.anoniem.get("/bestaat-niet")] {
                #expect(antwoord.header("API-Version") == OverstapAPI.versie)
                #expect(antwoord.header("X-Request-ID")?.isEmpty == false)
            }
            let eigen = try await t.anoniem.get("/health", headers: [("X-Request-ID", "abc-123")])
            #expect(eigen.header("X-Request-ID") == "abc-123")
        }
    }
}
