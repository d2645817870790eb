import Foundation
import Overstap
import OverstapOpslag

// What the API returns, in camelCase JSON. Each view names the fields a client may rely on; the
// OpenAPI document describes the same.

/// The answer to a write: the case, the event and the case's new version (also the `ETag`).
struct Vastgelegd: Encodable {
    var id: String
    var gebeurtenisId: String
    var versie: Int64

    init(id: UUID, gebeurtenisId: UUID, versie: Int64) {
        (self.id, self.gebeurtenisId, self.versie) = (id.tekst, gebeurtenisId.tekst, versie)
    }
}

struct StatusWeergave: Encodable {
    var volgendeStap: VolgendeStap?
    var verlooptOp: Datum?
    var teLaat: Bool
}

/// A case for `GET /v1/leerlingen/{id}`.
struct TrajectWeergave: Encodable {
    var id: String
    var versie: Int64
    var regio: String
    var vsoSchool: String
    var fase: Fase
    var faseSinds: Datum
    var aangemeldOp: Datum
    var verwachteStartdatum: Datum
    var beoogdeOpleiding: Opleiding
    var uitstroomprofiel: Uitstroomprofiel
    /// The programme followed now (after `gestart`, and each switch).
    var huidigeOpleiding: Opleiding?
    var gewisseldOp: Datum?
    var diploma: DiplomaStand?
    var nameting: NametingStand?
    var coach: String?
    var toestemmingen: [ToestemmingsScope]
    var gestartOp: Datum?
    var afbouwSinds: Datum?
    var overgedragenOp: Datum?
    var afgeslotenOp: Datum?
    var afbouwstatus: StatusWeergave
    /// Absent when this reader may not see it; `verwijderd` tells a forgotten student apart.
    var persoonsgegevens: ZichtbarePersoonsgegevens?
    /// The notes of the warme overdracht, for the readers `Inzicht.zietOverdrachtsnotities` allows.
    var overdrachtsnotities: [Overdrachtsnotitie]?
    var persoonsgegevensVerwijderd: Bool

    init(_ t: Traject, uuid: UUID, versie: Int64, persoonsgegevens: ZichtbarePersoonsgegevens?,
         overdrachtsnotities: [Overdrachtsnotitie]?, status: Afbouwstatus) {
        id = uuid.tekst
        self.versie = versie
        regio = t.regio
        vsoSchool = t.vsoSchool
        fase = t.fase
        faseSinds = t.faseSinds
        aangemeldOp = t.aangemeldOp
        verwachteStartdatum = t.verwachteStartdatum
        beoogdeOpleiding = t.beoogdeOpleiding
        uitstroomprofiel = t.uitstroomprofiel
        huidigeOpleiding = t.huidigeOpleiding
        gewisseldOp = t.gewisseldOp
        diploma = t.diploma
        nameting = t.nameting
        coach = t.coach
        toestemmingen = t.toestemmingen.sorted()
        gestartOp = t.gestartOp
        afbouwSinds = t.afbouwSinds
        overgedragenOp = t.overgedragenOp
        afgeslotenOp = t.afgeslotenOp
        afbouwstatus = StatusWeergave(volgendeStap: status.volgendeStap, verlooptOp: status.verlooptOp, teLaat: status.teLaat)
        self.persoonsgegevens = persoonsgegevens
        self.overdrachtsnotities = overdrachtsnotities
        persoonsgegevensVerwijderd = t.vergetenOp != nil
    }
}

struct CoachWeergave: Encodable {
    var coach: String
    var actief: Int
    var perFase: [String: Int]
    var status: Coachbelasting.Status

    init(_ c: Coachbelasting) {
        coach = c.coach
        actief = c.actief
        perFase = Dictionary(uniqueKeysWithValues: c.perFase.map { ($0.key.rawValue, $0.value) })
        status = c.status
    }
}

/// A case in a list: no personal data.
struct TrajectRegel: Encodable {
    var id: String
    var vsoSchool: String
    var coach: String?
    var fase: Fase
    var faseSinds: Datum
    var volgendeStap: VolgendeStap?
    var verlooptOp: Datum?
    var teLaat: Bool

    init(_ t: Traject, _ s: Afbouwstatus) {
        id = t.id.pad
        vsoSchool = t.vsoSchool
        coach = t.coach
        fase = s.fase
        faseSinds = s.sinds
        volgendeStap = s.volgendeStap
        verlooptOp = s.verlooptOp
        teLaat = s.teLaat
    }
}

struct RisicoWeergave: Encodable {
    var id: String
    var vsoSchool: String
    var coach: String?
    var fase: Fase
    var redenen: [Risicoreden]
    /// For the overstaptafel, when the student's consent allows it (the read is registered).
    var naam: String?
    /// The case, to look the name up by; not sent.
    let trajectID: TrajectID

    private enum CodingKeys: String, CodingKey { case id, vsoSchool, coach, fase, redenen, naam }

    init(_ r: RisicoRegel) {
        id = r.trajectID.pad
        trajectID = r.trajectID
        (vsoSchool, coach, fase, redenen) = (r.vsoSchool, r.coach, r.fase, r.redenen)
    }
}

extension UUID {
    /// Lower case, as ids appear in paths and JSON.
    var tekst: String { uuidString.lowercased() }
}
