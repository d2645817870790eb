import EventStore
import Foundation
import Overstap
import Postgres

/// Keeps `tijdlijn` (every event of every case, without personal data) and `trajecten` (each case
/// as it stands) in one projection, so that the two never disagree.
public struct TrajectenProjectie: StreamReplayProjection {
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

    /// `VACUUM (ANALYZE) trajecten`: every list reads it, and after a rebuild each of its rows is
    /// there twice until autovacuum comes (a sixth of a list's time). `tijdlijn` is read by key and
    /// left to autovacuum: vacuuming it would add a seventh to the rebuild. A role that does not
    /// own the table gets a warning from PostgreSQL, not an error.
    public func tidyAfterRebuild(on connection: PostgresConnection) async throws {
        try await connection.simpleQuery(unsafeSQL: "VACUUM (ANALYZE) trajecten")
    }

    /// `trajecten.actueel` turns false: lists still show the case as it stood before the event set aside.
    public func markNotCurrent(streams: [String], in connection: PostgresConnection) async throws {
        try await connection.query("UPDATE trajecten SET actueel = false WHERE traject_id = ANY(\(streams)::text[])")
    }

    public func apply(_ events: [RecordedEvent], in connection: PostgresConnection) async throws {
        let nieuw = try Self.perTraject(events)
        guard !nieuw.isEmpty else { return }
        var bekend: [TrajectID: Vorige] = [:]
        for rij in try await connection.query(
            "SELECT regio, \(unsafeRaw: StandRij.kolommen) FROM trajecten WHERE traject_id = ANY(\(nieuw.map(\.id))::text[])")
        {
            let vorige = try Vorige(rij)
            bekend[vorige.stand.trajectID] = vorige
        }
        var rijen = TijdlijnRijen()
        var standen: [(traject: Traject, versie: Int64)] = []
        var teHerleiden: [(id: TrajectID, versie: Int64)] = []
        for (id, nieuweVanCase) in nieuw {
            guard let eerste = nieuweVanCase.first, let laatste = nieuweVanCase.last, let vroegste = nieuweVanCase.map(\.datum).min()
            else { continue }
            let vorige = bekend[id]
            guard let regio = vorige?.regio ?? Self.aangemeldIn(nieuweVanCase) else { throw TrajectFout.onbekendTraject }
            rijen.append(nieuweVanCase, regio: regio, instellingen: instellingen.voor(regio))
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

    /// A rebuild's batch: the timeline rows and state of whole cases, folded from their first event.
    public struct Herbouwd: Sendable {
        fileprivate var rijen = TijdlijnRijen()
        fileprivate var standen: [(traject: Traject, versie: Int64)] = []
    }

    /// Folds whole cases (each from its first event) as `apply` would fold them onto an empty read
    /// model. Throws `GebeurtenisFout` for an event that does not decode and
    /// `TrajectFout.onbekendTraject` for a case without version 1 or without an aanmelding; the
    /// rebuild then goes page by page and sets the event aside.
    public func replay(_ events: [RecordedEvent]) throws -> Herbouwd {
        var herbouwd = Herbouwd()
        for (id, vanCase) in try Self.perTraject(events) {
            guard let eerste = vanCase.first, eerste.event.streamVersion == 1, let laatste = vanCase.last,
                let regio = Self.aangemeldIn(vanCase),
                let traject = Traject.herleid(id: id, uit: vanCase.map { ($0.gebeurtenis, $0.datum) }, vanaf: nil)
            else { throw TrajectFout.onbekendTraject }
            herbouwd.rijen.append(vanCase, regio: regio, instellingen: instellingen.voor(regio))
            herbouwd.standen.append((traject, laatste.event.streamVersion))
        }
        return herbouwd
    }

    public func write(_ herbouwd: Herbouwd, in connection: PostgresConnection) async throws {
        try await herbouwd.rijen.insert(on: connection)
        try await bewaar(herbouwd.standen, on: connection)
    }

    /// An event as the projection reads it.
    fileprivate typealias Gelezen = (event: RecordedEvent, gebeurtenis: Gebeurtenis, payload: String, datum: Datum)

    /// `events` decoded and grouped by case, cases in order of first appearance; events of other
    /// streams are skipped. Throws `GebeurtenisFout` for an event that does not decode.
    private static func perTraject(_ events: [RecordedEvent]) throws -> [(id: TrajectID, events: [Gelezen])] {
        var cases: [(id: TrajectID, events: [Gelezen])] = []
        var plaats: [TrajectID: Int] = [:]
        for event in events {
            guard let id = TrajectID(stroom: event.streamID) else { continue }
            let (gebeurtenis, payload) = try Gebeurtenis.lees(event)
            let gelezen = (event, gebeurtenis, payload, Datum(tijdstip: event.occurredAt))
            if let i = plaats[id] {
                cases[i].events.append(gelezen)
            } else {
                plaats[id] = cases.count
                cases.append((id, [gelezen]))
            }
        }
        return cases
    }

    /// The region of the case's aanmelding among `events`, if one is there.
    private static func aangemeldIn(_ events: [Gelezen]) -> String? {
        events.lazy.compactMap { if case .aanmelding(let a) = $0.gebeurtenis { a.regio } else { nil } }.first
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
    var stand: StandRij

    init(_ rij: PostgresRow) throws {
        regio = try rij.decode("regio")
        stand = try StandRij(rij)
    }

    /// The snapshot to fold new events onto, when they directly follow it and none is dated
    /// before its latest event; `nil` when the case must be folded from its timeline again.
    func vervolgbaar(eersteVersie: Int64, vroegsteDatum: Datum) -> Traject? {
        stand.versie == eersteVersie - 1 ? stand.traject(geldigOp: vroegsteDatum) : nil
    }
}

/// Timeline rows collected for one `COPY`.
private struct TijdlijnRijen: Sendable {
    private var rijen = CopyRows()

    /// Adds a row per event of one case in `regio`; the late mark by `instellingen`.
    mutating func append(_ events: [TrajectenProjectie.Gelezen], regio: String, instellingen: Instellingen) {
        for (event, gebeurtenis, payload, datum) in events {
            rijen.append(event.streamID)
            rijen.append(event.streamVersion)
            rijen.append(regio)
            rijen.append(datum)
            rijen.append(event.type)
            rijen.append(event.schemaVersion)
            rijen.append(payload)  // without persoonsgegevens
            rijen.append(gebeurtenis.samenvatting)
            rijen.append(event.recordedAt)
            rijen.append(event.metadata.actor)
            rijen.append(Datum.vandaag(nu: event.recordedAt) > datum.plus(dagen: instellingen.laatGeregistreerdNaDagen))
            rijen.endRow()
        }
    }

    func insert(on connection: PostgresConnection) async throws {
        guard rijen.count > 0 else { return }
        try await connection.copyIn(
            unsafeSQL: """
                COPY tijdlijn (traject_id, volgorde, regio, datum, type, schemaversie, payload, samenvatting,
                               geregistreerd_op, geregistreerd_door, te_laat) FROM STDIN
                """,
            rijen)
    }
}

extension Trajecten {
    /// The runner that keeps this store's read models (`tijdlijn`, `trajecten`) current.
    public func projectie(_ instellingen: RegioInstellingen) -> ProjectionRunner {
        ProjectionRunner(store: store, projection: TrajectenProjectie(instellingen: instellingen))
    }
}
