import EventStore
import Foundation
import OverstapCLI
import Overstap
import OverstapOpslag
import Postgres
import OverstapDemo

/// A synthetic nation loaded through the real append path (the demo generator per region, every
/// event decided and encrypted like a coach's), and figures d–f on it.
struct Natie {
    let trajecten: Trajecten
    let instellingen: RegioInstellingen
    let regios: Int
    let perRegio: Int
    let voortgang: @Sendable (String) -> Void

    var pool: PostgresPool { trajecten.store.pool }
    /// One for the whole bench, as the service holds one: lists reuse the snapshots it decoded.
    let overzichten: Overzichten
    static let peildatum = Datum(2026, 11, 20)!

    static func regio(_ nummer: Int) -> String { String(format: "Regio %02d", nummer + 1) }

    /// Loads every region, four at a time; returns the case ids.
    func laad() async throws -> [TrajectID] {
        try await withThrowingTaskGroup(of: [TrajectID].self) { group in
            var ids: [TrajectID] = []
            var volgende = 0
            func start() {
                guard volgende < regios else { return }
                var demo = DemoRegio()
                demo.regio = Self.regio(volgende)
                demo.leerlingen = perRegio
                demo.seed = 2026 + UInt64(volgende)
                group.addTask { try await demo.laad(in: trajecten) }
                volgende += 1
            }
            for _ in 0..<min(4, regios) { start() }
            while let klaar = try await group.next() {
                ids += klaar
                voortgang("loaded \(ids.count) of \(regios * perRegio) cases")
                start()
            }
            return ids
        }
    }

    /// d. Rebuilding every projection from position 0, against reading every event through libpq.
    func herbouw(aantal: Int) async throws -> Figuur {
        let (ons, ruw) = try await Meting.beurtelings(eenheid: "events/s", ons: {
            voortgang("d. rebuilding the read models from position 0")
            return Double(aantal) / (try await Meting.tijd { try await trajecten.projectie(instellingen).rebuild() }).0
        }, ruw: {
            voortgang("d. raw scan of events")
            let (tijd, gelezen) = try await ruweScan()
            return Double(gelezen) / tijd
        })
        return Figuur("d_rebuild", "rebuild every projection from position 0 (raw: read every event in pages of 1,000)",
                      eenheid: "events/s", ons: ons, ruw: ruw)
    }

    /// Every event read in order, in pages of 1,000: seconds, and how many.
    private func ruweScan() async throws -> (Double, Int) {
        try await Meting.tijd { () -> Int in
            var na: Int64 = 0
            var totaal = 0
            while true {
                let rijen = try await pool.query(
                    """
                    SELECT position, transaction_id::text AS x, stream_id, stream_version, event_id, event_type, schema_version,
                           data::text AS data, metadata::text AS metadata, occurred_at, recorded_at
                    FROM events WHERE position > \(na) ORDER BY position LIMIT 1000
                    """)
                guard let laatste = rijen.last else { return totaal }
                na = try laatste.decode("position")
                totaal += rijen.count
            }
        }
    }

    /// e. Latencies at full size: a timeline, a regional risicolijst, the coach loads.
    func latenties(_ ids: [TrajectID]) async throws -> [Figuur] {
        voortgang("e. read latencies")
        var random = SystemRandomNumberGenerator()
        let steekproef = (0..<300).map { _ in ids.randomElement(using: &random)! }
        let regio = Self.regio(0)
        // Each run: every sample once, ours then raw; percentiles per run, then median and worst of the runs.
        var runs: [[[Double]]] = []  // per run: tijdlijn, raw tijdlijn, risicolijst, coachbelasting, raw region, cold risicolijst
        for _ in 0..<Meting.runs {
            runs.append([
                try await Meting.latenties(steekproef.count) { i in _ = try await overzichten.tijdlijn(steekproef[i]) },
                try await Meting.latenties(steekproef.count) { i in _ = try await pool.query(Self.ruweTijdlijn(steekproef[i])) },
                try await Meting.latenties(30) { _ in _ = try await overzichten.risicolijst(regio: regio, op: Self.peildatum) },
                try await Meting.latenties(30) { _ in _ = try await overzichten.coachbelasting(regio: regio, op: Self.peildatum) },
                try await Meting.latenties(30) { _ in _ = try await pool.query(Self.ruweRegio(regio)) },
                try await Meting.latenties(30) { _ in
                    _ = try await Overzichten(pool: pool, instellingen: instellingen).risicolijst(regio: regio, op: Self.peildatum)
                },
            ])
        }
        var figuren: [Figuur] = []
        for (naam, omschrijving, ons, ruw) in [
            ("tijdlijn", "one student's timeline (raw: the same rows by primary key)", 0, 1),
            ("risicolijst", "a region's risicolijst from the cases' snapshots (raw: fetching those rows)", 2, 4),
            ("coachbelasting", "a region's coach loads from the cases' snapshots (raw: fetching those rows)", 3, 4),
            ("risicolijst_koud", "a region's risicolijst with no snapshot decoded before (raw: fetching those rows)", 5, 4),
        ] {
            for p in [50.0, 99.0] {
                figuren.append(Figuur("e_\(naam)_p\(Int(p))", "\(omschrijving), p\(Int(p))", eenheid: "ms",
                                      ons: Drie(runs.map { Meting.percentiel(p, $0[ons]) }, eenheid: "ms"),
                                      ruw: Drie(runs.map { Meting.percentiel(p, $0[ruw]) }, eenheid: "ms")))
            }
        }
        return figuren
    }

    static func ruweTijdlijn(_ id: TrajectID) -> PostgresQuery {
        """
        SELECT volgorde, datum, type, samenvatting, geregistreerd_op, geregistreerd_door, te_laat FROM tijdlijn
        WHERE traject_id = \(id) ORDER BY datum, volgorde
        """
    }

    /// The rows a regional list reads: each case's snapshot in `trajecten`.
    static func ruweRegio(_ regio: String) -> PostgresQuery {
        """
        SELECT traject_id, stand_versie, laatste_datum, stand FROM trajecten
        WHERE regio = \(regio) AND aangemeld_op <= \(peildatum)
        """
    }

    /// f. The nightly job over the whole nation (raw: the query that finds the candidates).
    func nacht() async throws -> Figuur {
        voortgang("f. the nightly job over the nation")
        let (ons, meldingen) = try await Meting.tijd {
            try await NoShowControle(trajecten: trajecten, instellingen: instellingen).voerUit(peildatum: Self.peildatum)
        }
        let (ruw, _) = try await Meting.tijd {
            try await pool.query(
                """
                SELECT traject_id FROM trajecten
                WHERE gestart_op IS NULL AND afgesloten_op IS NULL AND verwachte_startdatum + 14 <= \(Self.peildatum)
                """)
        }
        return Figuur("f_nightly", "the nightly no-show job over every case (\(meldingen.meldingen.count) flags; raw: the candidate query)",
                      eenheid: "s", ons: ons, ruw: ruw)
    }
}
