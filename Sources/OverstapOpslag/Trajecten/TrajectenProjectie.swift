import EventStore
import Foundation
import Overstap
import Postgres

/// Keeps `tijdlijn` (every event of every case, without personal data) and `trajecten` (each case
/// as it stands) in one projection, so that the two never disagree.
public struct TrajectenProjectie: Projection {
    public let name = Self.naam
    /// The projection's name, also its checkpoint's and quarantine's key.
    public static let naam = "trajecten"
    /// Thresholds per region (for the late mark and the next step's due day).
    public let instellingen: RegioInstellingen

    /// Creates the projection.
    public init(instellingen: RegioInstellingen) { self.instellingen = instellingen }

    public func reset(in connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM tijdlijn")
        try await connection.query("DELETE FROM trajecten")
    }

    public func forget(stream: String, in connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM tijdlijn WHERE traject_id = \(stream)")
        try await connection.query("DELETE FROM trajecten WHERE traject_id = \(stream)")
    }

    /// `trajecten.actueel` turns false: lists still show the case as it stood before the event set aside.
    public func markNotCurrent(streams: [String], in connection: PostgresConnection) async throws {
        try await connection.query("UPDATE trajecten SET actueel = false WHERE traject_id = ANY(\(streams)::text[])")
    }

    public func apply(_ events: [RecordedEvent], in connection: PostgresConnection) async throws {
        var nieuw: [TrajectID: [(event: RecordedEvent, gebeurtenis: Gebeurtenis, payload: String, datum: Datum)]] = [:]
        var geraakt: [TrajectID] = []
        for event in events {
            guard let id = TrajectID(stroom: event.streamID) else { continue }
            let (gebeurtenis, payload) = try Gebeurtenis.lees(event)
            if nieuw[id] == nil { geraakt.append(id) }
            nieuw[id, default: []].append((event, gebeurtenis, payload, Datum(tijdstip: event.occurredAt)))
        }
        guard !geraakt.isEmpty else { return }
        var bekend: [TrajectID: Vorige] = [:]
        for rij in try await connection.query(
            "SELECT regio, versie, \(unsafeRaw: StandRij.kolommen) FROM trajecten WHERE traject_id = ANY(\(geraakt)::text[])")
        {
            let vorige = try Vorige(rij)
            bekend[vorige.stand.trajectID] = vorige
        }
        var rijen = TijdlijnRijen()
        var standen: [(traject: Traject, versie: Int64)] = []
        var teHerleiden: [(id: TrajectID, versie: Int64)] = []
        for id in geraakt {
            let nieuweVanCase = nieuw[id] ?? []
            guard let eerste = nieuweVanCase.first, let laatste = nieuweVanCase.last, let vroegste = nieuweVanCase.map(\.datum).min()
            else { continue }
            let vorige = bekend[id]
            let aanmelding = nieuweVanCase.lazy.compactMap { if case .aanmelding(let a) = $0.gebeurtenis { a } else { nil } }.first
            guard let regio = vorige?.regio ?? aanmelding?.regio else { throw TrajectFout.onbekendTraject }
            let i = instellingen.voor(regio)
            for (event, gebeurtenis, payload, datum) in nieuweVanCase {
                let laat = Datum.vandaag(nu: event.recordedAt) > datum.plus(dagen: i.laatGeregistreerdNaDagen)
                rijen.append(event, regio: regio, datum: datum, gebeurtenis: gebeurtenis, payload: payload, teLaat: laat)
            }
            // Fold the new events onto the snapshot when they follow it; otherwise the whole case again.
            let vanaf = vorige?.vervolgbaar(eersteVersie: eerste.event.streamVersion, vroegsteDatum: vroegste)
            if (vorige == nil && eerste.event.streamVersion == 1) || vanaf != nil,
                let traject = Traject.herleid(id: id, uit: nieuweVanCase.map { ($0.gebeurtenis, $0.datum) }, vanaf: vanaf)
            {
                standen.append((traject, laatste.event.streamVersion))
            } else {
                teHerleiden.append((id, laatste.event.streamVersion))
            }
        }
        try await rijen.insert(on: connection)
        if !teHerleiden.isEmpty {
            let versies = Dictionary(teHerleiden, uniquingKeysWith: max)
            let herleid = Overzichten.herleid(try await connection.query(
                "SELECT \(unsafeRaw: Overzichten.foldKolommen) FROM tijdlijn WHERE traject_id = ANY(\(teHerleiden.map(\.id))::text[]) ORDER BY traject_id, volgorde"))
            // The events were readable when they were projected; if a timeline row is not, this page fails and
            // the runner finds the event at fault.
            if let fout = herleid.onleesbaar.first { throw fout.oorzaak }
            standen += herleid.trajecten.compactMap { traject in versies[traject.id].map { (traject, $0) } }
        }
        try await bewaar(standen, on: connection)
    }

    /// Upserts the cases' current state and snapshot in one statement.
    private func bewaar(_ standen: [(traject: Traject, versie: Int64)], on connection: PostgresConnection) async throws {
        let trajecten = standen.map(\.traject)
        let statussen = trajecten.map { $0.afbouwstatus(op: $0.faseSinds, instellingen: instellingen.voor($0.regio)) }
        let snapshots = trajecten.map { $0.alsStand() }
        try await connection.query(
            """
            INSERT INTO trajecten (traject_id, regio, vso_school, coach, fase, fase_sinds, aangemeld_op,
                                   verwachte_startdatum, gestart_op, volgende_stap, verloopt_op, versie,
                                   afgesloten_op, vergeten_op, stand, laatste_datum, stand_versie)
            SELECT *, \(Traject.standVersie)::integer FROM unnest(\(trajecten.map(\.id))::text[], \(trajecten.map(\.regio))::text[], \(trajecten.map(\.vsoSchool))::text[],
                \(trajecten.map(\.coach))::text[], \(trajecten.map(\.fase.rawValue))::text[], \(trajecten.map(\.faseSinds))::date[],
                \(trajecten.map(\.aangemeldOp))::date[], \(trajecten.map(\.verwachteStartdatum))::date[], \(trajecten.map(\.gestartOp))::date[],
                \(statussen.map(\.volgendeStap?.rawValue))::text[], \(statussen.map(\.verlooptOp))::date[], \(standen.map(\.versie))::bigint[],
                \(trajecten.map(\.afgeslotenOp))::date[], \(trajecten.map(\.vergetenOp))::date[], \(snapshots)::bytea[],
                \(trajecten.map(\.laatsteGebeurtenisOp))::date[])
            ON CONFLICT (traject_id) DO UPDATE SET
                regio = EXCLUDED.regio, vso_school = EXCLUDED.vso_school, coach = EXCLUDED.coach,
                fase = EXCLUDED.fase, fase_sinds = EXCLUDED.fase_sinds, aangemeld_op = EXCLUDED.aangemeld_op,
                verwachte_startdatum = EXCLUDED.verwachte_startdatum, gestart_op = EXCLUDED.gestart_op,
                volgende_stap = EXCLUDED.volgende_stap, verloopt_op = EXCLUDED.verloopt_op, versie = EXCLUDED.versie,
                afgesloten_op = EXCLUDED.afgesloten_op, vergeten_op = EXCLUDED.vergeten_op,
                stand = EXCLUDED.stand, stand_versie = EXCLUDED.stand_versie, laatste_datum = EXCLUDED.laatste_datum
            """)
    }
}

/// A case's row in `trajecten` as the projection finds it before a page.
private struct Vorige {
    var regio: String
    var versie: Int64
    var stand: StandRij

    init(_ rij: PostgresRow) throws {
        regio = try rij.decode("regio")
        versie = try rij.decode("versie")
        stand = try StandRij(rij)
    }

    /// The snapshot to fold new events onto, when they directly follow it and none is dated
    /// before its latest event; `nil` when the case must be folded from its timeline again.
    func vervolgbaar(eersteVersie: Int64, vroegsteDatum: Datum) -> Traject? {
        versie == eersteVersie - 1 ? stand.traject(geldigOp: vroegsteDatum) : nil
    }
}

/// Timeline rows collected for one multi-row insert.
private struct TijdlijnRijen {
    var trajecten: [String] = [], volgordes: [Int64] = [], regios: [String] = [], datums: [Datum] = []
    var types: [String] = [], versies: [Int] = [], payloads: [String] = [], samenvattingen: [String] = []
    var geregistreerd: [Date] = [], door: [String?] = [], teLaat: [Bool] = []

    /// `payload` is the stored payload without `persoonsgegevens`.
    mutating func append(_ event: RecordedEvent, regio: String, datum: Datum, gebeurtenis: Gebeurtenis, payload: String, teLaat laat: Bool) {
        trajecten.append(event.streamID)
        volgordes.append(event.streamVersion)
        regios.append(regio)
        datums.append(datum)
        types.append(event.type)
        versies.append(event.schemaVersion)
        payloads.append(payload)
        samenvattingen.append(gebeurtenis.samenvatting)
        geregistreerd.append(event.recordedAt)
        door.append(event.metadata.actor)
        teLaat.append(laat)
    }

    func insert(on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO tijdlijn (traject_id, volgorde, regio, datum, type, schemaversie, payload, samenvatting,
                                  geregistreerd_op, geregistreerd_door, te_laat)
            SELECT * FROM unnest(\(trajecten)::text[], \(volgordes)::bigint[], \(regios)::text[], \(datums)::date[],
                                 \(types)::text[], \(versies)::integer[], \(payloads)::jsonb[], \(samenvattingen)::text[],
                                 \(geregistreerd)::timestamptz[], \(door)::text[], \(teLaat)::boolean[])
            """)
    }
}

extension Trajecten {
    /// The runner that keeps this store's read models (`tijdlijn`, `trajecten`) current.
    public func projectie(_ instellingen: RegioInstellingen) -> ProjectionRunner {
        ProjectionRunner(store: store, projection: TrajectenProjectie(instellingen: instellingen))
    }
}
