import Foundation
@testable import Overstap
@testable import OverstapOpslag
import Postgres
@testable import OverstapDemo

/// Builds cases for tests: events with their days, folded like the store folds them.
struct Voorbeeld {
    var gebeurtenissen: [(Gebeurtenis, Datum)] = []

    /// The case id of the examples.
    static let id = TrajectID(UUID(uuidString: "00000000-0000-4000-8000-000000000001")!)
    static func d(_ tekst: String) -> Datum { Datum(tekst)! }
    private static func op(_ dag: String, _ g: Gebeurtenis) -> (Gebeurtenis, Datum) { (g, d(dag)) }

    static let aanmelding = Aanmelding(
        regio: "Utrecht", vsoSchool: "De Brug", uitstroomprofiel: .vervolgonderwijs,
        beoogdeOpleiding: Opleiding(instelling: "MBO Utrecht", opleiding: "Entree", niveau: .entree, leerweg: .bol),
        verwachteStartdatum: d("2026-09-01"),
        persoonsgegevens: .init(naam: "Sam de Vries", geboortedatum: d("2010-03-04"), leerlingnummer: "123456",
                                ondersteuningsbehoefte: "prikkelarme omgeving"))

    /// Sam: aanmelding in January, a bumpy start, afbouw in spring, overdracht in June; the mbo
    /// aanmelding is recorded before the overstaptafel that happened before it.
    static let samsJaar: [(Gebeurtenis, Datum)] = [
        op("2026-01-15", .aanmelding(Voorbeeld.aanmelding)),
        op("2026-01-16", .toestemmingGegeven(.init(door: .ouder, scope: [.mbo, .leerplicht]))),
        op("2026-02-05", .coachToegewezen(.init(coach: "coach-07"))),
        op("2026-02-20", .welkomstgesprek(.init())),
        op("2026-04-20", .mboAanmelding(.init(instelling: "MBO Utrecht", opleiding: "Entree"))),
        op("2026-04-16", .overstaptafelBesproken(.init(tafel: "april-2026", besluit: .extraBegeleiding))),
        op("2026-06-10", .intakegesprek(.init(warmeOverdracht: true))),
        op("2026-09-01", .gestart(.init(instelling: "MBO Utrecht", opleiding: "Entree"))),
        op("2026-09-10", .contactmoment(.init(vorm: .gesprek))),
        op("2026-10-20", .signaal(.init(soort: .verzuim))),
        op("2026-11-20", .contactmoment(.init(vorm: .telefoon))),
        op("2026-11-24", .signaalOpgelost(.init(soort: .verzuim))),
        op("2026-11-30", .evaluatiegesprek(.init(uitkomst: .doorgaan))),
        op("2027-03-01", .evaluatiegesprek(.init(uitkomst: .afbouwen))),
        op("2027-03-01", .afbouwGestart(.init())),
        op("2027-03-15", .contactmoment(.init(vorm: .app))),
        op("2027-06-14", .overdrachtZorgteam(.init(persoonsgegevens: .init(contactpersoon: "J. Jansen")))),
    ]

    /// A case registered on `datum`.
    static func aangemeld(op datum: String = "2026-01-15") -> Voorbeeld {
        Voorbeeld(gebeurtenissen: [(.aanmelding(aanmelding), d(datum))])
    }

    func en(_ gebeurtenis: Gebeurtenis, op datum: String) -> Voorbeeld {
        var copy = self
        copy.gebeurtenissen.append((gebeurtenis, Self.d(datum)))
        return copy
    }

    var traject: Traject { Traject.herleid(id: Voorbeeld.id, uit: gebeurtenissen)! }

    /// The case folded from what happened up to `peildatum`.
    func traject(op peildatum: String) -> Traject {
        Traject.herleid(id: Voorbeeld.id, uit: gebeurtenissen.filter { $0.1 <= Self.d(peildatum) })!
    }

    func redenen(op peildatum: String, coachLast: Int? = nil) -> [Risicoreden] {
        traject(op: peildatum).risicoredenen(op: Self.d(peildatum), instellingen: Instellingen(), coachLast: coachLast)
    }
}

import EventStore
import PostgresTesting

extension Sleutelring {
    /// A fixed key for tests (never used outside them).
    static let test = try! Sleutelring(actief: .init(base64: Data(repeating: 7, count: 32).base64EncodedString(), waar: "test"))
}

extension TestDatabase {
    /// The case service on this database, encrypting with the test key.
    var trajecten: Trajecten { Trajecten(store: store, kluis: Kluis(pool: pool, sleutelring: .test)) }
}
