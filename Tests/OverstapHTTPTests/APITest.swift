import EventStore
import Foundation
import Logging
import Overstap
@testable import OverstapHTTP
import PostgresTesting
@testable import OverstapOpslag
import Postgres

/// The real server on a free port over a fresh database, with tokens made the way
/// `overstap token create` makes them, and helpers to register students through the API.
struct APITest: Sendable {
    let db: TestDatabase
    let api: OverstapAPI
    /// Without a token.
    let anoniem: HTTPKlant

    /// "Today" for the rules; fixed, so that dates in tests never drift into the future.
    static let vandaag = Datum("2026-11-20")!

    /// `lijsten` and `beheer`: the sizes of the pools for lists and for tokens and `/ready`, as
    /// `serve` sets them up (`nil`: those share the store's pool).
    static func met<T: Sendable>(
        lijsten: Int? = nil, beheer: Int? = nil, idleTimeout: Duration = .seconds(30), pogingen: Int = 12,
        gereedBinnen: Duration = .seconds(2), actueelBinnen: Duration = .seconds(2), tijdlijnBinnen: Duration = .milliseconds(500),
        projectie: Bool = false, _ body: @Sendable (APITest) async throws -> T
    ) async throws -> T {
        let db = try await TestDatabase.make()
        let trajecten = Trajecten(store: db.store, kluis: Kluis(pool: db.pool, sleutelring: .test), pogingen: pogingen)
        // Lists wait up to 30 s for a connection here, not 10 as in `serve`: the whole suite runs
        // at once on two cores, and the load tests measure order, not the deadline.
        let dienst = Dienst(trajecten: trajecten, instellingen: RegioInstellingen(), metrieken: metrieken,
                            lijsten: lijsten, beheer: beheer, lijstWachttijd: .seconds(30),
                            gereedBinnen: gereedBinnen, actueelBinnen: actueelBinnen,
                            tijdlijnBinnen: tijdlijnBinnen, vandaag: { vandaag })
        var logger = Logger(label: "overstap.test")
        // Cancelling the server at the end of a test makes Hummingbird log its shutdown as errors.
        logger.logLevel = .critical
        let (poorten, melding) = AsyncStream.makeStream(of: Int.self)
        do {
            let uitkomst = try await draai(dienst, logger, idleTimeout, projectie, melding, poorten, db, body)
            await dienst.sluit()
            return uitkomst
        } catch {
            await dienst.sluit()
            throw error
        }
    }

    /// Serves `dienst` until `body` is done with a client on its port.
    private static func draai<T: Sendable>(
        _ dienst: Dienst, _ logger: Logger, _ idleTimeout: Duration, _ projectie: Bool, _ melding: AsyncStream<Int>.Continuation,
        _ poorten: AsyncStream<Int>, _ db: TestDatabase, _ body: @Sendable (APITest) async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                // Without the projection unless asked: a test brings the read models up to date where
                // it means to (a list helps the projection along itself, as in `serve`).
                defer { melding.finish() }  // a server that never binds ends the wait for its port
                try await dienst.draai(host: "127.0.0.1", port: 0, logger: logger, idleTimeout: idleTimeout, projectie: projectie) {
                    melding.yield($0.localAddress?.port ?? 0)
                }
                return nil
            }
            defer { group.cancelAll() }
            var iterator = poorten.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            return try await body(APITest(db: db, api: dienst.api, anoniem: HTTPKlant(port: port)))
        }
    }

    /// A client holding a fresh token for `lezer`.
    func klant(_ lezer: Lezer) async throws -> HTTPKlant {
        anoniem.met(token: try await api.tokens.maak(voor: lezer, omschrijving: "test", door: "test").token)
    }

    func coordinator(_ regio: String = "Utrecht") async throws -> HTTPKlant { try await klant(Lezer(rol: .coordinator, regio: regio)) }
    func coach(_ coach: String) async throws -> HTTPKlant { try await klant(Lezer(rol: .coach, regio: "Utrecht", coach: coach)) }
    func admin() async throws -> HTTPKlant { try await klant(Lezer(rol: .admin)) }

    /// Brings the read models up to date, as `overstap serve` does continuously: regional lists
    /// read projections and may trail a write by a moment.
    func bijgewerkt() async throws { try await api.projectie.catchUp() }

    /// Events in the log.
    func aantal() async throws -> Int { try await db.store.count() }

    static let naam = "Sam de Vries"
    static let behoefte = "prikkelarme omgeving"

    /// The body of `POST /v1/leerlingen`.
    static func aanmelding(school: String = "De Brug", regio: String = "Utrecht", datum: String = "2026-01-15") -> [String: Any] {
        [
            "datum": datum,
            "gegevens": [
                "regio": regio, "vsoSchool": school, "uitstroomprofiel": "vervolgonderwijs",
                "beoogdeOpleiding": ["instelling": "MBO Utrecht", "opleiding": "Entree", "niveau": "entree", "leerweg": "bol"],
                "verwachteStartdatum": "2026-09-01",
                "persoonsgegevens": ["naam": naam, "geboortedatum": "2010-03-04", "leerlingnummer": "123456",
                                     "ondersteuningsbehoefte": behoefte],
            ] as [String: Any],
        ]
    }

    /// Registers a student through the API; returns the case id.
    func meldAan(door klant: HTTPKlant) async throws -> String {
        let antwoord = try await klant.post("/v1/leerlingen", json: Self.aanmelding())
        guard antwoord.status == 201, let id = antwoord.json["id"] as? String else { throw TestFout("aanmelding: \(antwoord.status) \(antwoord.tekst)") }
        return id
    }

    /// Records an event through the API and demands a 201.
    func leg(_ type: String, _ gegevens: [String: Any], op datum: String, bij id: String, door klant: HTTPKlant) async throws {
        let antwoord = try await klant.post("/v1/leerlingen/\(id)/gebeurtenissen", json: ["type": type, "datum": datum, "gegevens": gegevens])
        guard antwoord.status == 201 else { throw TestFout("\(type): \(antwoord.status) \(antwoord.tekst)") }
    }
}

struct TestFout: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Sleutelring {
    /// A fixed key for tests (never used outside them).
    static let test = try! Sleutelring(actief: .init(base64: Data(repeating: 9, count: 32).base64EncodedString(), waar: "test"))
}

/// The test process's metrics backend, made once (swift-metrics allows one per process).
let metrieken = Metrieken.start()
