import EventStore
import Foundation
import OverstapCLI
import Postgres

/// Figures a–c: writing, ours against raw PostgreSQL in a table of the same shape (`bench_raw`:
/// `events` with its defaults, identity, constraints and indexes), at the same concurrency; for a,
/// against PostgreSQL's own `pgbench` too (`PgBench`). Each measured three times in turn.
struct Schrijven {
    let store: EventStore
    let duur: Duration
    let voortgang: @Sendable (String) -> Void

    var pool: PostgresPool { store.pool }

    /// A coaching contact as the domain stores it: an encrypted personal part and a few plain fields.
    static let data = #"{"persoonsgegevens": "v1:\#(String(repeating: "Qk", count: 48))", "vorm": "telefoon"}"#
    static let metadata = #"{"actor": "bench"}"#
    /// Events per case in the demo mix (figure b appends one case per batch).
    static let perTraject = 17

    static func event(_ i: Int) -> NewEvent {
        NewEvent(type: "contactmoment", data: data, metadata: EventMetadata(actor: "bench"),
                 occurredAt: Date(timeIntervalSince1970: 1_790_812_800 + Double(i)))
    }

    func maakRuweTabel() async throws {
        try await pool.query(PostgresQuery(unsafeSQL: """
            CREATE TABLE IF NOT EXISTS bench_raw (LIKE events INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING INDEXES)
            """))
        try await pool.query(PostgresQuery(unsafeSQL: PgBench.tabel))
    }

    /// The figures among a, b and c that `letters` names, in that order.
    func figuren(_ letters: Set<Character>) async throws -> [Figuur] {
        try await maakRuweTabel()
        let run = String(UUID().uuidString.prefix(8))
        var figuren: [Figuur] = []
        if letters.contains("a") { figuren += try await enkeleEvents(run: run) }
        if letters.contains("b") { figuren.append(try await batches(run: run)) }
        if letters.contains("c") { figuren.append(try await importeren(run: run)) }
        return figuren
    }

    /// Figure a: one event per append at 1, 8 and 32 writers, against pgbench and our own raw client.
    func enkeleEvents(run: String) async throws -> [Figuur] {
        var figuren: [Figuur] = []
        let pgbench = try PgBench(configuratie: pool.configuration)
        for schrijvers in [1, 8, 32] {
            voortgang("a. single-event appends, \(schrijvers) writer(s)")
            var beurt = 0
            let drie = try await Meting.beurtelings(eenheid: "events/s", [{
                beurt += 1
                return try await Meting.doorvoer(werkers: schrijvers, duur: duur) { [beurt] w, ronde in
                    try await store.append(to: "bench-a-\(run)-\(beurt)-\(schrijvers)-\(w)", expected: ronde == 0 ? .noStream : .exact(Int64(ronde)),
                                           [Self.event(ronde)])
                    return 1
                }.perSeconde
            }, {
                try await pgbench.inserts(clients: schrijvers, duur: duur)
            }, {
                try await Meting.doorvoer(werkers: schrijvers, duur: duur) { [beurt] w, ronde in
                    let e = Self.event(ronde)
                    try await pool.query(
                        """
                        INSERT INTO bench_raw (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, occurred_at)
                        VALUES (\("raw-a-\(run)-\(beurt)-\(schrijvers)-\(w)"), \(ronde + 1), \(e.id), \(e.type), 1, \(e.data)::jsonb,
                                \(Self.metadata)::jsonb, \(e.occurredAt))
                        """)
                    return 1
                }.perSeconde
            }])
            let (ons, pg, klant) = (drie[0], drie[1], drie[2])
            figuren.append(Figuur("a_append_\(schrijvers)",
                                  "one event per transaction, expected version checked, \(schrijvers) writer(s) (raw: pgbench -M prepared, "
                                      + "single-row INSERT into a table like events; ruwKlant: the same INSERT from Swift through libpq)",
                                  eenheid: "events/s", ons: ons, ruw: pg, ruwKlant: klant))
        }
        return figuren
    }

    /// Figure b: a case's events as one append, 8 writers, against a multi-row INSERT.
    func batches(run: String) async throws -> Figuur {
        voortgang("b. a case's events as one batch, 8 writers")
        var beurtB = 0
        let (batch, ruweBatch) = try await Meting.beurtelings(eenheid: "events/s", ons: {
            beurtB += 1
            return try await Meting.doorvoer(werkers: 8, duur: duur) { [beurtB] w, ronde in
                try await store.append(to: "bench-b-\(run)-\(beurtB)-\(w)-\(ronde)", expected: .noStream, (0..<Self.perTraject).map(Self.event))
                return Self.perTraject
            }.perSeconde
        }, ruw: {
            try await Meting.doorvoer(werkers: 8, duur: duur) { [beurtB] w, ronde in
                let events = (0..<Self.perTraject).map(Self.event)
                try await pool.query(
                    """
                    INSERT INTO bench_raw (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, occurred_at)
                    SELECT \("raw-b-\(run)-\(beurtB)-\(w)-\(ronde)"), v, id, t, 1, d::jsonb, \(Self.metadata)::jsonb, o
                    FROM unnest(\(Array(1...Int64(Self.perTraject)))::bigint[], \(events.map(\.id))::uuid[], \(events.map(\.type))::text[],
                                \(events.map(\.data))::text[], \(events.map(\.occurredAt))::timestamptz[]) AS r(v, id, t, d, o)
                    """)
                return Self.perTraject
            }.perSeconde
        })
        return Figuur("b_batch_append", "a case's \(Self.perTraject) events as one append, 8 writers", eenheid: "events/s",
                      ons: batch, ruw: ruweBatch)
    }

    /// Figure c: imports of 1,000 new streams (17,000 events) through COPY, against a plain COPY.
    func importeren(run: String) async throws -> Figuur {
        voortgang("c. bulk import through COPY")
        let perImport = 1000  // streams per import: 17,000 events
        var beurtC = 0
        let (kopie, ruweKopie) = try await Meting.beurtelings(eenheid: "events/s", ons: {
            beurtC += 1
            return try await Meting.doorvoer(werkers: 1, duur: duur) { [beurtC] _, ronde in
                try await store.importStreams((0..<perImport).map { s in
                    ("bench-c-\(run)-\(beurtC)-\(ronde)-\(s)", (0..<Self.perTraject).map(Self.event))
                })
            }.perSeconde
        }, ruw: {
            try await Meting.doorvoer(werkers: 1, duur: duur) { [beurtC] _, ronde in
                let tijd = ISO8601DateFormatter()
                let rijen: [[String?]] = (0..<perImport).flatMap { s in
                    (0..<Self.perTraject).map { v -> [String?] in
                        let e = Self.event(v)
                        return ["raw-c-\(run)-\(beurtC)-\(ronde)-\(s)", String(v + 1), e.id.uuidString, e.type, "1", e.data, Self.metadata,
                                tijd.string(from: e.occurredAt)]
                    }
                }
                return try await pool.withConnection { connection in
                    try await connection.copyIn(unsafeSQL: """
                        COPY bench_raw (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, occurred_at) FROM STDIN
                        """, rows: rijen)
                }
            }.perSeconde
        })
        return Figuur("c_copy_import", "bulk import of new streams via COPY, invariants checked", eenheid: "events/s",
                      ons: kopie, ruw: ruweKopie)
    }
}
