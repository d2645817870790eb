import Foundation
import Overstap
@testable import OverstapHTTP
import OverstapOpslag
import Testing

/// Issue 16: the receiving mbo as a reader, its matrix over HTTP. The mbo sees the students who
/// applied to or follow a programme at its institution, with what their consent for `mbo` allows
/// (every personal read registered), records the mbo's own steps, and sees nothing of students
/// who went elsewhere.
@Suite struct MboTests {
    static var entree: [String: Any] { ["instelling": "MBO Utrecht", "opleiding": "Entree", "niveau": "entree", "leerweg": "bol"] }
    static var ict: [String: Any] { ["instelling": "ROC Midden Nederland", "opleiding": "Medewerker ICT", "niveau": "2", "leerweg": "bol"] }

    @Test(.timeLimit(.minutes(3)))
    func theMbosMatrix() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            let mbo = try await t.klant(Lezer(rol: .mbo, regio: "Utrecht", instelling: "MBO Utrecht"))
            let roc = try await t.klant(Lezer(rol: .mbo, regio: "Utrecht", instelling: "ROC Midden Nederland"))
            // Three students, all applied to MBO Utrecht with a coach and a warme overdracht;
            // the first with consent for mbo, the second without; the third switches to the ROC.
            var ids: [String] = []
            for nummer in 0..<3 {
                let id = try await t.meldAan(door: coordinator)
                try await t.leg("coach_toegewezen", ["coach": "c1"], op: "2026-01-20", bij: id, door: coordinator)
                try await t.leg("mbo_aanmelding", Self.entree, op: "2026-02-01", bij: id, door: coordinator)
                try await t.leg("intakegesprek", ["warmeOverdracht": true, "persoonsgegevens": ["aanwezigen": ["coach", "moeder"], "afspraken": "rustige plek in de klas"]],
                                op: "2026-06-01", bij: id, door: coordinator)
                if nummer == 0 { try await t.leg("toestemming_gegeven", ["door": "ouder", "scope": ["mbo"]], op: "2026-01-16", bij: id, door: coordinator) }
                ids.append(id)
            }
            let (metToestemming, zonder, weg) = (ids[0], ids[1], ids[2])
            // Before any mbo aanmelding: not the mbo's student.
            let nieuw = try await t.meldAan(door: coordinator)
            #expect(try await mbo.get("/v1/leerlingen/\(nieuw)").status == 403)

            // The mbo records its own steps: the start, a switch, a diploma; not a coach or a table's decision.
            try await t.leg("gestart", Self.entree, op: "2026-09-01", bij: metToestemming, door: mbo)
            try await t.leg("gestart", Self.entree, op: "2026-09-01", bij: weg, door: mbo)
            // It may not send a student elsewhere: that is for the coach or the coordinator.
            let elders = try await mbo.post("/v1/leerlingen/\(weg)/gebeurtenissen", json: ["type": "opleiding_gewijzigd", "datum": "2026-10-05", "gegevens": Self.ict])
            #expect(elders.status == 403, "\(elders.tekst)")
            try await t.leg("opleiding_gewijzigd", Self.ict, op: "2026-10-05", bij: weg, door: coordinator)
            for (type, gegevens) in [("coach_toegewezen", ["coach": "c2"]), ("overstaptafel_besproken", ["tafel": "juni", "besluit": "geen_actie"]),
                                     ("contactmoment", ["vorm": "app"])] as [(String, [String: Any])] {
                let antwoord = try await mbo.post("/v1/leerlingen/\(zonder)/gebeurtenissen", json: ["type": type, "datum": "2026-10-01", "gegevens": gegevens])
                #expect(antwoord.status == 403, "\(type): \(antwoord.status)")
            }

            // Own student with consent: name, support needs, the notes of the warme overdracht; no birth date or pupil number.
            let gezien = try await mbo.get("/v1/leerlingen/\(metToestemming)")
            #expect(gezien.status == 200)
            let persoonsgegevens = gezien.json["persoonsgegevens"] as? [String: Any]
            #expect(persoonsgegevens?["naam"] as? String == APITest.naam && persoonsgegevens?["ondersteuningsbehoefte"] as? String == APITest.behoefte)
            #expect(persoonsgegevens?["geboortedatum"] == nil && persoonsgegevens?["leerlingnummer"] == nil)
            let notities = gezien.json["overdrachtsnotities"] as? [[String: Any]]
            #expect(notities?.first?["afspraken"] as? String == "rustige plek in de klas" && notities?.first?["type"] as? String == "intakegesprek")
            // Own student without consent: the case, nothing personal, nothing registered.
            let kaal = try await mbo.get("/v1/leerlingen/\(zonder)")
            #expect(kaal.status == 200 && kaal.json["persoonsgegevens"] == nil && kaal.json["overdrachtsnotities"] == nil)
            // Gone elsewhere: the old institution sees nothing, the new one sees the case.
            #expect(try await mbo.get("/v1/leerlingen/\(weg)").status == 403)
            #expect(try await mbo.get("/v1/leerlingen/\(weg)/tijdlijn").status == 403)
            #expect(try await mbo.post("/v1/leerlingen/\(weg)/gebeurtenissen",
                                       json: ["type": "evaluatiegesprek", "datum": "2026-11-01", "gegevens": ["uitkomst": "doorgaan"]]).status == 403)
            let nieuwe = try await roc.get("/v1/leerlingen/\(weg)")
            #expect(nieuwe.status == 200 && nieuwe.json["persoonsgegevens"] == nil, "no consent for mbo")
            #expect(try await roc.get("/v1/leerlingen/\(metToestemming)").status == 403)

            // The list of its own: the two who stayed, the name only with consent.
            try await t.bijgewerkt()
            let lijst = try await mbo.get("/v1/mbo/leerlingen")
            let rijen = lijst.json["resultaten"] as? [[String: Any]] ?? []
            #expect(lijst.status == 200 && Set(rijen.compactMap { $0["id"] as? String }) == [metToestemming, zonder], "\(lijst.tekst)")
            #expect(rijen.first { $0["id"] as? String == metToestemming }?["naam"] as? String == APITest.naam)
            #expect(rijen.first { $0["id"] as? String == zonder }?["naam"] == nil)
            #expect(rijen.allSatisfy { $0["warmeOverdracht"] as? Bool == true })
            let rocLijst = try await roc.get("/v1/mbo/leerlingen").json["resultaten"] as? [[String: Any]] ?? []
            #expect(rocLijst.compactMap { $0["id"] as? String } == [weg])

            // Every personal read registered: the case view and the list, for the consented student only.
            let register = try await t.db.pool.query("SELECT traject_id, via FROM inzage_registratie ORDER BY id")
                .map { (try $0.decode("traject_id", as: String.self), try $0.decode("via", as: String.self)) }
            #expect(register.map(\.1) == ["GET /v1/leerlingen/{id}", "GET /v1/mbo/leerlingen"])
            #expect(register.allSatisfy { $0.0.hasSuffix(metToestemming) })

            // A list that registers reads has no HEAD: nothing was read, so nothing is registered.
            #expect(try await mbo.verzoek(.HEAD, "/v1/mbo/leerlingen").status == 405)
            #expect(try await t.db.pool.query("SELECT count(*) AS n FROM inzage_registratie").first?.decode("n", as: Int64.self) == 2)
            // A follow-up names a programme exactly when the student is still at the mbo: else 422.
            let nameting = try await coordinator.post("/v1/leerlingen/\(zonder)/gebeurtenissen",
                                                      json: ["type": "nameting", "datum": "2026-11-01", "gegevens": ["uitkomst": "mbo"]])
            #expect(nameting.status == 422 && nameting.tekst.contains("gegevens.opleiding"), "\(nameting.tekst)")
            // Nothing of the region's lists, the monitor or registering students.
            for pad in ["/v1/risicolijst", "/v1/coachbelasting", "/v1/afbouwstatus", "/v1/monitor"] {
                #expect(try await mbo.get(pad).status == 403, "\(pad)")
            }
            #expect(try await mbo.post("/v1/leerlingen", json: APITest.aanmelding()).status == 403)
            // And the others may not use its list.
            #expect(try await coordinator.get("/v1/mbo/leerlingen").status == 403)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func anMboTokenNeedsAnInstitutionAndKeepsItNormalised() async throws {
        try await APITest.met { t in
            await #expect(throws: TokenFout.onvolledig("--instelling")) {
                _ = try await t.api.tokens.maak(voor: Lezer(rol: .mbo, regio: "Utrecht"), omschrijving: "x", door: "t")
            }
            await #expect(throws: TokenFout.self) {
                _ = try await t.api.tokens.maak(voor: Lezer(rol: .mbo, regio: "Utrecht", instelling: "\u{7}bel"), omschrijving: "x", door: "t")
            }
            // Decomposed input is kept composed, as payloads are.
            let (_, token) = try await t.api.tokens.maak(voor: Lezer(rol: .mbo, regio: "Utrecht", instelling: "Friesland Colle\u{0301}ge"),
                                                         omschrijving: "x", door: "t")
            #expect(try await t.api.tokens.controleer(token)?.lezer.instelling == "Friesland Collége")
        }
    }
}
