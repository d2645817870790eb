import EventStore
import Foundation

/// Keeps `tijdlijn` (every event of every case, without personal data) and `trajecten` (each case
/// as it stands) in one projection, so that the two never disagree.
public struct TrajectenProjectie: Projection {
    public let name = "trajecten"
    /// Thresholds per region (for the late mark and the next step's due day).
    public let instellingen: RegioInstellingen

    /// Creates the projection.
    public init(instellingen: RegioInstellingen) { self.instellingen = instellingen }

    public func reset(in connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM tijdlijn")
        try await connection.query("DELETE FROM trajecten")
    }

    public func apply(_ events: [RecordedEvent], in connection: PostgresConnection) async throws {
        var regioVan: [String: String] = [:]
        var geraakt: [String] = []
        var gezien: Set<String> = []
        var rijen = TijdlijnRijen()
        for event in events where event.streamID.hasPrefix("traject-") {
            let gebeurtenis = try Gebeurtenis.lees(
                type: event.type, schemaversie: event.schemaVersion,
                opgeslagen: Data(try PayloadJSON.zonderPersoonsgegevens(event.data).utf8))
            let regio: String
            if case .aanmelding(let aanmelding) = gebeurtenis {
                regio = aanmelding.regio
            } else if let bekend = regioVan[event.streamID] {
                regio = bekend
            } else {
                regio = try await connection.query(
                    "SELECT regio FROM trajecten WHERE traject_id = \(event.streamID)").first!.decode("regio")
            }
            regioVan[event.streamID] = regio
            if gezien.insert(event.streamID).inserted { geraakt.append(event.streamID) }
            let datum = Datum(tijdstip: event.occurredAt)
            let laat = Datum.vandaag(nu: event.recordedAt) > datum.plus(dagen: instellingen.voor(regio).laatGeregistreerdNaDagen)
            rijen.append(event, regio: regio, datum: datum, gebeurtenis: gebeurtenis, teLaat: laat)
        }
        guard !geraakt.isEmpty else { return }
        try await rijen.insert(on: connection)
        try await bewaar(try Overzichten.herleid(
            try await connection.query("SELECT \(unsafeRaw: Overzichten.foldKolommen) FROM tijdlijn WHERE traject_id = ANY(\(geraakt)::text[]) ORDER BY traject_id, volgorde")),
            on: connection)
    }

    /// Upserts the cases' current state in one statement.
    private func bewaar(_ standen: [(traject: Traject, versie: Int64)], on connection: PostgresConnection) async throws {
        let trajecten = standen.map(\.traject)
        let statussen = trajecten.map { $0.afbouwstatus(op: $0.faseSinds, instellingen: instellingen.voor($0.regio)) }
        try await connection.query(
            """
            INSERT INTO trajecten (traject_id, regio, vso_school, coach, fase, fase_sinds, aangemeld_op,
                                   verwachte_startdatum, gestart_op, volgende_stap, verloopt_op, versie,
                                   afgesloten_op, vergeten_op)
            SELECT * FROM unnest(\(trajecten.map(\.id))::text[], \(trajecten.map(\.regio))::text[], \(trajecten.map(\.vsoSchool))::text[],
                \(trajecten.map(\.coach))::text[], \(trajecten.map(\.fase.rawValue))::text[], \(trajecten.map(\.faseSinds))::date[],
                \(trajecten.map(\.aangemeldOp))::date[], \(trajecten.map(\.verwachteStartdatum))::date[], \(trajecten.map(\.gestartOp))::date[],
                \(statussen.map(\.volgendeStap?.rawValue))::text[], \(statussen.map(\.verlooptOp))::date[], \(standen.map(\.versie))::bigint[],
                \(trajecten.map(\.afgeslotenOp))::date[], \(trajecten.map(\.vergetenOp))::date[])
            ON CONFLICT (traject_id) DO UPDATE SET
                regio = EXCLUDED.regio, vso_school = EXCLUDED.vso_school, coach = EXCLUDED.coach,
                fase = EXCLUDED.fase, fase_sinds = EXCLUDED.fase_sinds, aangemeld_op = EXCLUDED.aangemeld_op,
                verwachte_startdatum = EXCLUDED.verwachte_startdatum, gestart_op = EXCLUDED.gestart_op,
                volgende_stap = EXCLUDED.volgende_stap, verloopt_op = EXCLUDED.verloopt_op, versie = EXCLUDED.versie,
                afgesloten_op = EXCLUDED.afgesloten_op, vergeten_op = EXCLUDED.vergeten_op
            """)
    }
}

/// Timeline rows collected for one multi-row insert.
private struct TijdlijnRijen {
    var trajecten: [String] = [], volgordes: [Int64] = [], regios: [String] = [], datums: [Datum] = []
    var types: [String] = [], versies: [Int] = [], payloads: [String] = [], samenvattingen: [String] = []
    var geregistreerd: [Date] = [], door: [String?] = [], teLaat: [Bool] = []

    mutating func append(_ event: RecordedEvent, regio: String, datum: Datum, gebeurtenis: Gebeurtenis, teLaat laat: Bool) {
        trajecten.append(event.streamID)
        volgordes.append(event.streamVersion)
        regios.append(regio)
        datums.append(datum)
        types.append(event.type)
        versies.append(event.schemaVersion)
        payloads.append((try? gebeurtenis.payloadZonderPersoonsgegevens()) ?? "{}")
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
