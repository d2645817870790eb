import Foundation
import Overstap
import Testing
import OverstapOpslag

/// AVG (#5): consent decides what other roles see in responses, from the next read on.
@Suite struct ToestemmingTests {
    @Test func theTablesRisicolijstNamesOnlyStudentsWhoseConsentAllowsItAndRegistersEachName() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            let tafel = try await t.klant(Lezer(rol: .overstaptafel, regio: "Utrecht"))
            let (met, zonder) = (try await t.meldAan(door: coordinator), try await t.meldAan(door: coordinator))
            try await t.leg("toestemming_gegeven", ["door": "ouder", "scope": ["overstaptafel"]], op: "2026-01-16", bij: met, door: coordinator)
            try await t.bijgewerkt()
            func namen(_ antwoord: Antwoord) -> [String: String] {
                Dictionary(uniqueKeysWithValues: antwoord.resultaten.compactMap { r in (r["id"] as? String).map { ($0, r["naam"] as? String ?? "") } })
            }
            let json = try await tafel.get("/v1/risicolijst?peildatum=2026-03-01")
            #expect(namen(json) == [met: APITest.naam, zonder: ""], "\(json.tekst)")
            let csv = try await tafel.get("/v1/risicolijst?peildatum=2026-03-01", headers: [("Accept", "text/csv")]).tekst
            #expect(csv.hasPrefix("\u{FEFF}traject,vso_school,coach,fase,ernstigste_reden,redenen,naam\r\n"))
            #expect(csv.contains("\(met),") && csv.contains(APITest.naam) && csv.components(separatedBy: APITest.naam).count == 2)
            // The coordinator's list carries no names (it opens the case); the table's reads are registered, one per name.
            #expect(!(try await coordinator.get("/v1/risicolijst?peildatum=2026-03-01").tekst.contains(APITest.naam)))
            let register: Int = try await t.db.pool.query(
                "SELECT count(*) AS n FROM inzage_registratie WHERE via = 'GET /v1/risicolijst' AND traject_id = \("traject-" + met)").first?.decode("n") ?? -1
            #expect(register == 2)
            // Withdrawn: gone from the next list, also from a list of a day when consent still held.
            try await t.leg("toestemming_ingetrokken", ["door": "ouder", "scope": ["overstaptafel"]], op: "2026-04-01", bij: met, door: coordinator)
            #expect(!(try await tafel.get("/v1/risicolijst?peildatum=2026-03-01").tekst.contains(APITest.naam)))
        }
    }

    @Test func aTimelineShowsSpecialCategoryHintsOnlyToWhoMaySeeThemAndRegistersThoseReads() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            let coach = try await t.coach("coach-09")
            let school = try await t.klant(Lezer(rol: .school, regio: "Utrecht", school: "De Brug"))
            let tafel = try await t.klant(Lezer(rol: .overstaptafel, regio: "Utrecht"))
            let id = try await t.meldAan(door: school)
            try await t.leg("coach_toegewezen", ["coach": "coach-09"], op: "2026-01-20", bij: id, door: coordinator)
            try await t.leg("signaal", ["soort": "gezondheid"], op: "2026-02-01", bij: id, door: coordinator)
            try await t.leg("contactmoment", ["vorm": "app"], op: "2026-02-02", bij: id, door: coordinator)
            func tijdlijn(_ klant: HTTPKlant) async throws -> Antwoord {
                let antwoord = try await klant.get("/v1/leerlingen/\(id)/tijdlijn")
                #expect(antwoord.status == 200)
                return antwoord
            }
            func registraties() async throws -> Int {
                try await t.db.pool.query("SELECT count(*) AS n FROM inzage_registratie WHERE via LIKE '%tijdlijn'").first?.decode("n") ?? -1
            }
            // Without consent, and with it: the school and the table see that something was recorded, not what.
            for toestemming in [false, true] {
                if toestemming {
                    try await t.leg("toestemming_gegeven", ["door": "ouder", "scope": ["mbo", "overstaptafel"]], op: "2026-02-03", bij: id, door: coordinator)
                }
                // What this test is about is who sees what, not how soon (the timeline waits at most
                // half a second for the projection, which a loaded machine can miss).
                try await t.bijgewerkt()
                for klant in [school, tafel] {
                    let gezien = try await tijdlijn(klant)
                    #expect(!gezien.tekst.contains("gezondheid") && gezien.tekst.contains("bijzonder"), "\(gezien.tekst)")
                    #expect(gezien.resultaten.count == (toestemming ? 5 : 4))
                }
            }
            #expect(try await registraties() == 0)  // nothing special left the service yet
            for klant in [coordinator, coach] {
                #expect(try await tijdlijn(klant).tekst.contains("Signaal: gezondheid"))
            }
            #expect(try await registraties() == 2)
        }
    }

    @Test func withdrawnConsentTakesTheFieldsOutOfTheResponsesOfRolesThatLostAccess() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            let school = try await t.klant(Lezer(rol: .school, regio: "Utrecht", school: "De Brug"))
            let tafel = try await t.klant(Lezer(rol: .overstaptafel, regio: "Utrecht"))
            let id = try await t.meldAan(door: school)
            func persoon(_ klant: HTTPKlant) async throws -> [String: Any]? {
                let antwoord = try await klant.get("/v1/leerlingen/\(id)")
                #expect(antwoord.status == 200)
                return antwoord.json["persoonsgegevens"] as? [String: Any]
            }
            // No consent yet: the school and the table see the case, not the student.
            #expect(try await persoon(school) == nil)
            #expect(try await persoon(tafel) == nil)

            try await t.leg("toestemming_gegeven", ["door": "ouder", "scope": ["mbo", "overstaptafel"]], op: "2026-01-16", bij: id, door: coordinator)
            for klant in [school, tafel] {
                let gezien = try #require(try await persoon(klant))
                #expect(gezien["naam"] as? String == APITest.naam)
                #expect(gezien["ondersteuningsbehoefte"] == nil)  // special-category: never for these roles
            }
            #expect(try await persoon(coordinator)?["ondersteuningsbehoefte"] as? String == APITest.behoefte)

            try await t.leg("toestemming_ingetrokken", ["door": "ouder", "scope": ["overstaptafel"]], op: "2026-02-01", bij: id, door: coordinator)
            let tafelNa = try await tafel.get("/v1/leerlingen/\(id)")
            #expect(tafelNa.json["persoonsgegevens"] == nil && !tafelNa.tekst.contains(APITest.naam))
            #expect(try await persoon(school)?["naam"] as? String == APITest.naam)  // mbo consent still stands
            // Even a view of a date when consent still held follows the consent of today.
            let terug = try await tafel.get("/v1/leerlingen/\(id)?peildatum=2026-01-20")
            #expect(terug.json["persoonsgegevens"] == nil)

            // Reads that returned personal data are registered, the others not.
            let register = try await t.admin().get("/v1/leerlingen/\(id)/leesregister?paginaGrootte=500")
            let wie = register.resultaten.compactMap { ($0["wie"] as? String)?.split(separator: ":").dropFirst().first.map(String.init) }
            #expect(wie.filter { $0 == "overstaptafel" }.count == 1)
            #expect(wie.filter { $0 == "school" }.count == 2)
        }
    }
}
