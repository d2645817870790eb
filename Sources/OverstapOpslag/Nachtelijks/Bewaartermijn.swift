import EventStore
import Overstap
import Postgres

/// Forgets students whose case ended (closed, handed over to the care team, or a no-show) longer
/// than their region's retention period ago, and finishes forgets that stopped halfway.
public struct Bewaartermijn: Sendable {
    public let trajecten: Trajecten
    public let instellingen: RegioInstellingen

    public init(trajecten: Trajecten, instellingen: RegioInstellingen) {
        self.trajecten = trajecten
        self.instellingen = instellingen
    }

    /// The phases in which a case has ended; retention counts from the day it entered them.
    static let geeindigd: [Fase] = [.afgesloten, .overgedragen, .noShow]

    /// Forgets every case whose ending lies `bewaartermijnDagen` (per region) or more before
    /// `peildatum`; returns their ids. A case it cannot forget is logged and skipped (the next
    /// night tries again); the others go on. Throws only when the database cannot be reached.
    public func voerUit(peildatum: Datum, door actor: String = "nachtelijkse-controle") async throws -> [TrajectID] {
        try await trajecten.projectie(instellingen).catchUp()
        let geeindigd = try await trajecten.store.pool.query(
            """
            SELECT traject_id, regio, fase_sinds FROM trajecten
            WHERE fase = ANY(\(Self.geeindigd.map(\.rawValue))::text[]) AND vergeten_op IS NULL ORDER BY traject_id
            """)
        var vergeten: [TrajectID] = []
        for rij in geeindigd {
            let id: TrajectID = try rij.decode("traject_id")
            let sinds: Datum = try rij.decode("fase_sinds")
            guard sinds.plus(dagen: instellingen.voor(try rij.decode("regio")).bewaartermijnDagen) <= peildatum else { continue }
            if try await probeer(id, { try await trajecten.vergeet(id, reden: .bewaartermijn, door: actor, vandaag: peildatum) }) {
                vergeten.append(id)
            }
        }
        return vergeten
    }

    /// Finishes every forget that stopped between its two steps (`Trajecten.vergeet`): a data key
    /// destroyed without `leerling_vergeten` gets the event, with the reason noted at the key; an
    /// event whose key still exists (the order before sql/0009) gets its key destroyed. Returns the
    /// cases it finished.
    public func maakVergetenAf(peildatum: Datum, door actor: String = "nachtelijkse-controle") async throws -> [TrajectID] {
        let zonderGebeurtenis = try await trajecten.store.pool.query(
            """
            SELECT s.traject_id, s.vergeet_reden FROM leerling_sleutels s
            WHERE s.sleutel IS NULL
              AND EXISTS (SELECT 1 FROM events e WHERE e.stream_id = s.traject_id)
              AND NOT EXISTS (SELECT 1 FROM events e WHERE e.stream_id = s.traject_id AND e.event_type = \(GebeurtenisType.leerlingVergeten.rawValue))
            ORDER BY s.traject_id
            """)
        let zonderVernietiging = try await trajecten.store.pool.query(
            """
            SELECT e.stream_id AS traject_id, e.data->>'reden' AS vergeet_reden FROM events e
            JOIN leerling_sleutels s ON s.traject_id = e.stream_id AND s.sleutel IS NOT NULL
            WHERE e.event_type = \(GebeurtenisType.leerlingVergeten.rawValue) ORDER BY e.stream_id
            """)
        var afgemaakt: [TrajectID] = []
        for rij in Array(zonderGebeurtenis) + Array(zonderVernietiging) {
            let id: TrajectID = try rij.decode("traject_id")
            let reden = VergeetReden(rawValue: try rij.decode("vergeet_reden", as: String?.self) ?? "") ?? .verzoek
            if try await probeer(id, { try await trajecten.vergeet(id, reden: reden, door: actor, vandaag: peildatum) }) {
                afgemaakt.append(id)
            }
        }
        return afgemaakt
    }

    /// Runs one case's step; a failure that is the case's own is logged and skipped (false).
    private func probeer(_ id: TrajectID, _ stap: () async throws -> Void) async throws -> Bool {
        do {
            try await stap()
            return true
        } catch let fout as PostgresError where fout.isConnectionFailure {
            throw fout
        } catch {
            opslagLogger.error("bewaartermijn: traject overgeslagen", metadata: ["traject.id": "\(id)", "fout": "\(type(of: error))"])
            return false
        }
    }
}
