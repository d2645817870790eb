import Foundation
import Overstap
import PostgresTesting
import Testing
import OverstapOpslag

/// Concurrent writers and retried requests over HTTP.
@Suite struct GelijktijdigheidTests {
    static var contact: [String: Any] { ["type": "contactmoment", "datum": "2026-02-01", "gegevens": ["vorm": "app"]] }

    static var contactJSON: Data { try! JSONSerialization.data(withJSONObject: contact) }

    @Test func eightWritersWithTheSameIfMatchOneWinsTheRestGet412() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            let id = try await t.meldAan(door: coordinator)
            let etag = try #require(try await coordinator.get("/v1/leerlingen/\(id)").header("ETag"))
            let statussen = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await coordinator.verzoek(.POST, "/v1/leerlingen/\(id)/gebeurtenissen",
                                                      headers: [("Content-Type", "application/json"), ("If-Match", etag)], body: Self.contactJSON).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statussen.sorted() == [201] + Array(repeating: 412, count: 7))
            let stand = try await coordinator.get("/v1/leerlingen/\(id)")
            #expect(stand.header("ETag") == "\"2\"")
            #expect(try await t.db.store.readStream("traject-" + id).map(\.streamVersion) == [1, 2])
        }
    }

    @Test func writersWithoutIfMatchThatKeepLosingGetA503NeverAPreconditionTheyDidNotSend() async throws {
        // One decision per request, so a writer that loses its race has lost for good.
        try await APITest.met(pogingen: 1) { t in
            let coordinator = try await t.coordinator()
            let id = try await t.meldAan(door: coordinator)
            let statussen = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        try await coordinator.verzoek(.POST, "/v1/leerlingen/\(id)/gebeurtenissen",
                                                      headers: [("Content-Type", "application/json")], body: Self.contactJSON).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(!statussen.contains(412), "\(statussen)")
            #expect(statussen.allSatisfy { $0 == 201 || $0 == 503 }, "\(statussen)")
            #expect(statussen.contains(503), "ten writers at once never raced: \(statussen)")
            #expect(try await t.db.store.readStream("traject-" + id).count == 1 + statussen.count { $0 == 201 })
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func fourConcurrentBodiesWithOneKeyGetExactlyOne201AndThree422InFiftyRounds() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            let id = try await t.meldAan(door: coordinator)
            for ronde in 0..<50 {
                let sleutel = "ronde-\(ronde)"
                let statussen = try await withThrowingTaskGroup(of: Int.self) { group in
                    for n in 0..<4 {
                        group.addTask {
                            // Bodies that differ only in what is personal (and stored encrypted) must differ too.
                            let body: [String: Any] = ["type": "contactmoment", "datum": "2026-02-01",
                                                       "gegevens": ["vorm": "app", "persoonsgegevens": ["onderwerp": "versie \(n)"]]]
                            return try await coordinator.post("/v1/leerlingen/\(id)/gebeurtenissen", json: body,
                                                              headers: [("Idempotency-Key", sleutel)]).status
                        }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(statussen.sorted() == [201, 422, 422, 422], "round \(ronde): \(statussen)")
            }
            #expect(try await t.db.store.readStream("traject-" + id).count == 1 + 50)
        }
    }

    @Test func concurrentAanmeldingenWithOneKeyAndOtherNamesStoreOneAndRefuseTheRest() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            for ronde in 0..<10 {
                let statussen = try await withThrowingTaskGroup(of: Int.self) { group in
                    for n in 0..<4 {
                        group.addTask {
                            var body = APITest.aanmelding()
                            var gegevens = body["gegevens"] as? [String: Any] ?? [:]
                            var persoon = gegevens["persoonsgegevens"] as? [String: Any] ?? [:]
                            persoon["naam"] = "Leerling \(n)"
                            gegevens["persoonsgegevens"] = persoon
                            body["gegevens"] = gegevens
                            return try await coordinator.post("/v1/leerlingen", json: body, headers: [("Idempotency-Key", "aanmelding-\(ronde)")]).status
                        }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(statussen.sorted() == [201, 422, 422, 422], "round \(ronde): \(statussen)")
            }
        }
    }

    @Test func anEventIDReusedOnAnotherCaseIsA422() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            let (a, b) = (try await t.meldAan(door: coordinator), try await t.meldAan(door: coordinator))
            let eventID = UUID().uuidString
            let body: [String: Any] = ["type": "contactmoment", "datum": "2026-02-01", "gegevens": ["vorm": "app"], "gebeurtenisId": eventID]
            #expect(try await coordinator.post("/v1/leerlingen/\(a)/gebeurtenissen", json: body).status == 201)
            let elders = try await coordinator.post("/v1/leerlingen/\(b)/gebeurtenissen", json: body)
            #expect(elders.status == 422 && elders.header("Content-Type") == "application/problem+json", "\(elders.tekst)")
            #expect(try await t.db.store.readStream("traject-" + b).count == 1)
        }
    }

    @Test func idsFromAnIdempotencyKeyAreKeyedWithTheServersSecret() async throws {
        try await APITest.met { t in
            let (tokenID, token) = try await t.api.tokens.maak(voor: Lezer(rol: .coordinator, regio: "Utrecht"), omschrijving: "t", door: "t")
            let coordinator = t.anoniem.met(token: token)
            let antwoord = try await coordinator.post("/v1/leerlingen", json: APITest.aanmelding(), headers: [("Idempotency-Key", "sleutel-1")])
            let id = try #require(antwoord.json["id"] as? String)
            // Not the unkeyed derivation a client could compute from its own token id and key.
            #expect(UUID(uuidString: id) != naamUUID("traject|\(tokenID.uuidString.lowercased())|sleutel-1"))
            #expect(UUID(uuidString: id) != naamUUID("traject|\(tokenID.uuidString)|sleutel-1"))
            #expect(try await t.api.trajecten.kluis.geheimeUUID("traject|\(tokenID.uuidString.lowercased())|sleutel-1") == UUID(uuidString: id))
        }
    }

    @Test func aRetriedPostWithTheSameIdempotencyKeyReturnsTheOriginalAndWritesNothing() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            let sleutel = [("Idempotency-Key", "aanmelding-0001")]
            let eerste = try await coordinator.post("/v1/leerlingen", json: APITest.aanmelding(), headers: sleutel)
            let tweede = try await coordinator.post("/v1/leerlingen", json: APITest.aanmelding(), headers: sleutel)
            #expect(eerste.status == 201 && tweede.status == 201)
            #expect(tweede.tekst == eerste.tekst && tweede.header("Location") == eerste.header("Location"))
            #expect(try await t.aantal() == 1)
            // The same key with another body is not a retry.
            let anders = try await coordinator.post("/v1/leerlingen", json: APITest.aanmelding(datum: "2026-01-16"), headers: sleutel)
            #expect(anders.status == 422 && anders.header("Content-Type") == "application/problem+json")
            // Another caller's key never meets this one.
            let ander = try await t.coordinator().post("/v1/leerlingen", json: APITest.aanmelding(), headers: sleutel)
            #expect(ander.status == 201 && ander.json["id"] as? String != eerste.json["id"] as? String)
            #expect(try await t.aantal() == 2)
        }
    }

    @Test func eightConcurrentRetriesOfOneEventStoreItOnce() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            let id = try await t.meldAan(door: coordinator)
            let gebeurtenisID = UUID().uuidString.lowercased()
            var body = Self.contact
            body["gebeurtenisId"] = gebeurtenisID
            let data = try JSONSerialization.data(withJSONObject: body)
            let antwoorden = try await withThrowingTaskGroup(of: Antwoord.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await coordinator.verzoek(.POST, "/v1/leerlingen/\(id)/gebeurtenissen",
                                                      headers: [("Content-Type", "application/json")], body: data)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(antwoorden.allSatisfy { $0.status == 201 && $0.json["gebeurtenisId"] as? String == gebeurtenisID && $0.json["versie"] as? Int == 2 })
            #expect(try await t.aantal() == 2)
            // A retry after other writes still answers with the original version.
            try await t.leg("toestemming_gegeven", ["door": "leerling", "scope": ["mbo"]], op: "2026-02-02", bij: id, door: coordinator)
            let later = try await coordinator.post("/v1/leerlingen/\(id)/gebeurtenissen", json: body, headers: [("If-Match", "\"1\"")])
            #expect(later.status == 201 && later.json["versie"] as? Int == 2)
            #expect(try await t.aantal() == 3)
        }
    }
}
