import EventStore
import Foundation
import Overstap
import Postgres

/// Shown where personal data was destroyed.
public let verwijderd = "[verwijderd]"

/// What `Dossier.gegevens` decrypts for a case view.
public struct Leerlinggegevens: Sendable {
    /// The aanmelding's personal data; `nil` when forgotten.
    public var aanmelding: Aanmelding.Persoonsgegevens?
    /// The notes of the warme overdracht, oldest first.
    public var overdrachtsnotities: [Overdrachtsnotitie]
}

/// A note of the warme overdracht: an intake's attendees and agreements, or the handover to the
/// mbo's care team (its contact person and note). Personal data.
public struct Overdrachtsnotitie: Equatable, Sendable, Encodable {
    /// The day of the intake or handover.
    public var datum: Datum
    /// `intakegesprek` or `overdracht_zorgteam`.
    public var type: String
    /// Who attended the intake.
    public var aanwezigen: [String]?
    /// What was agreed at the intake.
    public var afspraken: String?
    /// The care team's contact person.
    public var contactpersoon: String?
    /// The handover note.
    public var notitie: String?
}

/// One read of a student's personal data.
public struct Lezing: Equatable, Sendable, Encodable {
    public var wie: String
    public var wanneer: Date
    public var via: String
}

/// Reading a student's personal data: the case view and the full export (*inzage*). Every read is
/// registered in `inzage_registratie` (who, when, which case, through what) before data is returned.
public struct Dossier: Sendable {
    public let trajecten: Trajecten

    public init(trajecten: Trajecten) { self.trajecten = trajecten }

    /// The student's personal data from the aanmelding, or `nil` when forgotten; the read is
    /// registered first (`gegevens`).
    public func persoonsgegevens(_ trajectID: TrajectID, wie: String, via: String) async throws -> Aanmelding.Persoonsgegevens? {
        try await gegevens(trajectID, wie: wie, via: via).aanmelding
    }

    /// The personal data of the aanmelding and the notes of the warme overdracht (the intakes and
    /// the handover to the care team, oldest first); both empty when the student was forgotten.
    /// The read is registered before anything is decrypted; `TrajectFout.onbekendTraject` when
    /// there is no such case.
    public func gegevens(_ trajectID: TrajectID, wie: String, via: String) async throws -> Leerlinggegevens {
        var gegevens = Leerlinggegevens(aanmelding: nil, overdrachtsnotities: [])
        for (event, payload) in try await ontsleuteld(trajectID, wie: wie, via: via) {
            let datum = Datum(tijdstip: event.occurredAt)
            switch try? Gebeurtenis.lees(type: event.type, schemaversie: event.schemaVersion, opgeslagen: Data(payload.utf8)) {
            case .aanmelding(let a): gegevens.aanmelding = gegevens.aanmelding ?? a.persoonsgegevens
            case .intakegesprek(let i):
                if let p = i.persoonsgegevens {
                    gegevens.overdrachtsnotities.append(.init(datum: datum, type: event.type, aanwezigen: p.aanwezigen, afspraken: p.afspraken))
                }
            case .overdrachtZorgteam(let o):
                if let p = o.persoonsgegevens {
                    gegevens.overdrachtsnotities.append(.init(datum: datum, type: event.type, contactpersoon: p.contactpersoon,
                                                              notitie: p.overdrachtsnotitie))
                }
            default: break
            }
        }
        gegevens.overdrachtsnotities.sort { $0.datum < $1.datum }
        return gegevens
    }

    /// Everything held about one student, decrypted where possible, with the register of its reads
    /// (this one included), as JSON.
    public func inzage(_ trajectID: TrajectID, wie: String) async throws -> String {
        let events = try await ontsleuteld(trajectID, wie: wie, via: "inzage")
        let pool = trajecten.store.pool
        let leesregister = try await leesregister(trajectID).map { lezing -> [String: Any] in
            ["wie": lezing.wie, "via": lezing.via, "wanneer": ISO8601DateFormatter().string(from: lezing.wanneer)]
        }
        let sleutel = try await pool.query("SELECT vergeten_op FROM leerling_sleutels WHERE traject_id = \(trajectID)").first
        let vergeten = try sleutel?.decode("vergeten_op", as: Date?.self)
        let document: [String: Any] = [
            "traject": trajectID.stroom,
            "persoonsgegevens": vergeten == nil ? "aanwezig, versleuteld opgeslagen" : verwijderd,
            "gebeurtenissen": try events.map { item -> [String: Any] in
                [
                    "type": item.event.type, "datum": Datum(tijdstip: item.event.occurredAt).description,
                    "geregistreerdOp": ISO8601DateFormatter().string(from: item.event.recordedAt),
                    "geregistreerdDoor": item.event.metadata.actor ?? "-",
                    "gegevens": try PayloadJSON.object(item.payload),
                ]
            },
            "gelezenDoor": leesregister,
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self)
    }

    /// Who read the student's personal data, oldest first.
    public func leesregister(_ trajectID: TrajectID) async throws -> [Lezing] {
        try await trajecten.store.pool.query(
            "SELECT wie, wanneer, via FROM inzage_registratie WHERE traject_id = \(trajectID) ORDER BY id"
        ).map { Lezing(wie: try $0.decode("wie"), wanneer: try $0.decode("wanneer"), via: try $0.decode("via")) }
    }

    /// Registers that `wie` read the student's personal data or special-category hints through `via`.
    public func registreerLezing(_ trajectID: TrajectID, wie: String, via: String) async throws {
        try await trajecten.store.pool.query(
            "INSERT INTO inzage_registratie (traject_id, wie, via) VALUES (\(trajectID), \(wie), \(via))")
    }

    /// Registers the read, then decrypts every event of the case.
    private func ontsleuteld(_ trajectID: TrajectID, wie: String, via: String) async throws -> [(event: RecordedEvent, payload: String)] {
        let events = try await trajecten.store.readStream(trajectID.stroom)
        guard !events.isEmpty else { throw TrajectFout.onbekendTraject }
        try await registreerLezing(trajectID, wie: wie, via: via)
        let sleutel = try await trajecten.kluis.dataSleutel(trajectID, aanmaken: false)
        return try events.map { ($0, try trajecten.kluis.ontsleutel($0, sleutel: sleutel)) }
    }
}

/// A name-based UUID (version 8, FNV-1a 128 over the name): the same name always gives the same id.
public func naamUUID(_ naam: String) -> UUID {
    var hash: UInt128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d
    for byte in naam.utf8 {
        hash ^= UInt128(byte)
        hash = hash &* 0x0000_0000_0100_0000_0000_0000_0000_013B
    }
    return uuid(uit: (0..<16).map { UInt8(truncatingIfNeeded: hash >> (8 * (15 - $0))) })
}

/// A UUID (version 8, RFC 4122 variant) from the first 16 of `bytes` (at least 16).
func uuid(uit bytes: [UInt8]) -> UUID {
    var bytes = Array(bytes.prefix(16))
    bytes[6] = (bytes[6] & 0x0F) | 0x80  // version 8
    bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
    return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                       bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
}
