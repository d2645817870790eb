import Foundation
@testable import Overstap

/// Builds cases for tests: events with their days, folded like the store folds them.
struct Voorbeeld {
    var gebeurtenissen: [(Gebeurtenis, Datum)] = []

    static func d(_ tekst: String) -> Datum { Datum(tekst)! }

    static let aanmelding = Aanmelding(
        regio: "Utrecht", vsoSchool: "De Brug", uitstroomprofiel: .vervolgonderwijs,
        beoogdeOpleiding: Opleiding(instelling: "MBO Utrecht", opleiding: "Entree", niveau: .entree, leerweg: .bol),
        verwachteStartdatum: d("2026-09-01"),
        persoonsgegevens: .init(naam: "Sam de Vries", geboortedatum: d("2010-03-04"), leerlingnummer: "123456",
                                ondersteuningsbehoefte: "prikkelarme omgeving"))

    /// A case registered on `datum`.
    static func aangemeld(op datum: String = "2026-01-15") -> Voorbeeld {
        Voorbeeld(gebeurtenissen: [(.aanmelding(aanmelding), d(datum))])
    }

    func en(_ gebeurtenis: Gebeurtenis, op datum: String) -> Voorbeeld {
        var copy = self
        copy.gebeurtenissen.append((gebeurtenis, Self.d(datum)))
        return copy
    }

    var traject: Traject { Traject.herleid(id: "t1", uit: gebeurtenissen)! }

    /// The case folded from what happened up to `peildatum`.
    func traject(op peildatum: String) -> Traject {
        Traject.herleid(id: "t1", uit: gebeurtenissen.filter { $0.1 <= Self.d(peildatum) })!
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
