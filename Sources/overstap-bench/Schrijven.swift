import EventStore
import Foundation
import OverstapCLI
import Postgres

/// Figures a–c: writing, ours against raw PostgreSQL in a table of the same shape (`bench_raw`:
/// `events` with its defaults, identity, constraints and indexes), at the same concurrency.
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
    }

    func figuren() async throws -> [Figuur] {
        try await maakRuweTabel()
        var figuren: [Figuur] = []
        let run = UUID().uuidString.prefix(8)
        for schrijvers in [1, 8, 32] {
            voortgang("a. single-event appends, \(schrijvers) writer(s)")
            let ons = try await Meting.doorvoer(werkers: schrijvers, duur: duur) { w, ronde in
                try await store.append(to: "bench-a-\(run)-\(schrijvers)-\(w)", expected: ronde == 0 ? .noStream : .exact(Int64(ronde)),
                                       [Self.event(ronde)])
                return 1
            }
            let ruw = try await Meting.doorvoer(werkers: schrijvers, duur: duur) { w, ronde in
                let e = Self.event(ronde)
                try await pool.query(
                    """
                    INSERT INTO bench_raw (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, occurred_at)
                    VALUES (\("raw-a-\(run)-\(schrijvers)-\(w)"), \(ronde + 1), \(e.id), \(e.type), 1, \(e.data)::jsonb,
                            \(Self.metadata)::jsonb, \(e.occurredAt))
                    """)
                return 1
            }
            figuren.append(Figuur("a_append_\(schrijvers)", "one event per transaction, expected version checked, \(schrijvers) writer(s)",
                                  eenheid: "events/s", ons: ons.perSeconde, ruw: ruw.perSeconde))
        }

        voortgang("b. a case's events as one batch, 8 writers")
        let batch = try await Meting.doorvoer(werkers: 8, duur: duur) { w, ronde in
            try await store.append(to: "bench-b-\(run)-\(w)-\(ronde)", expected: .noStream, (0..<Self.perTraject).map(Self.event))
            return Self.perTraject
        }
        let ruweBatch = try await Meting.doorvoer(werkers: 8, duur: duur) { w, ronde in
            let events = (0..<Self.perTraject).map(Self.event)
            try await pool.query(
                """
                INSERT INTO bench_raw (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, occurred_at)
                SELECT \("raw-b-\(run)-\(w)-\(ronde)"), v, id, t, 1, d::jsonb, \(Self.metadata)::jsonb, o
                FROM unnest(\(Array(1...Int64(Self.perTraject)))::bigint[], \(events.map(\.id))::uuid[], \(events.map(\.type))::text[],
                            \(events.map(\.data))::text[], \(events.map(\.occurredAt))::timestamptz[]) AS r(v, id, t, d, o)
                """)
            return Self.perTraject
        }
        figuren.append(Figuur("b_batch_append", "a case's \(Self.perTraject) events as one append, 8 writers", eenheid: "events/s",
                              ons: batch.perSeconde, ruw: ruweBatch.perSeconde))

        voortgang("c. bulk import through COPY")
        let perImport = 1000  // streams per import: 17,000 events
        let kopie = try await Meting.doorvoer(werkers: 1, duur: duur) { _, ronde in
            try await store.importStreams((0..<perImport).map { s in
                ("bench-c-\(run)-\(ronde)-\(s)", (0..<Self.perTraject).map(Self.event))
            })
        }
        let ruweKopie = try await Meting.doorvoer(werkers: 1, duur: duur) { _, ronde in
            let tijd = ISO8601DateFormatter()
            let rijen: [[String?]] = (0..<perImport).flatMap { s in
                (0..<Self.perTraject).map { v -> [String?] in
                    let e = Self.event(v)
                    return ["raw-c-\(run)-\(ronde)-\(s)", String(v + 1), e.id.uuidString, e.type, "1", e.data, Self.metadata,
                            tijd.string(from: e.occurredAt)]
                }
            }
            return try await pool.withConnection { connection in
                try await connection.copyIn(unsafeSQL: """
                    COPY bench_raw (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, occurred_at) FROM STDIN
                    """, rows: rijen)
            }
        }
        figuren.append(Figuur("c_copy_import", "bulk import of new streams via COPY, invariants checked", eenheid: "events/s",
                              ons: kopie.perSeconde, ruw: ruweKopie.perSeconde))
        return figuren
    }
}
