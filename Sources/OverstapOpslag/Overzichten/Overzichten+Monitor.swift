import Overstap
import Postgres

extension Overzichten {
    /// The regional monitor of `regio` (`nil`: every region, the national roll-up, split by region
    /// too) for the cohort of `schooljaar` on `peildatum`, as known on `bekendOp` when given; and
    /// the cohorts of the `eerdereJaren` school years before it, each at the same point of its
    /// year (peildatum and bekendOp that many years earlier), totals only. Counts are not yet
    /// suppressed: `Monitor.deelbaar()` does that for figures that leave the region. Cases whose
    /// timeline does not read are left out and logged (`standen`).
    public func monitor(regio: String?, schooljaar: Schooljaar, op peildatum: Datum, bekendOp: Datum? = nil, eerdereJaren: Int = 2)
        async throws -> (monitor: Monitor, vergelijking: [Monitor])
    {
        let uitsplitsingen = regio == nil ? Uitsplitsing.allCases : Uitsplitsing.regionaal
        let monitor = Monitor(try await cohort(regio: regio, schooljaar: schooljaar, op: peildatum, bekendOp: bekendOp),
                              schooljaar: schooljaar, op: peildatum, uitsplitsingen: uitsplitsingen)
        var vergelijking: [Monitor] = []
        for jaren in stride(from: 1, through: eerdereJaren, by: 1) {
            let (jaar, dag) = (Schooljaar(beginjaar: schooljaar.beginjaar - jaren), peildatum.jaren(terug: jaren))
            vergelijking.append(Monitor(try await cohort(regio: regio, schooljaar: jaar, op: dag, bekendOp: bekendOp?.jaren(terug: jaren)),
                                        schooljaar: jaar, op: dag, uitsplitsingen: []))
        }
        return (monitor, vergelijking)
    }

    /// The cases of `regio` (`nil`: all) expected to start in `schooljaar` and registered by
    /// `peildatum`, folded up to that day (as known on `bekendOp`).
    func cohort(regio: String?, schooljaar: Schooljaar, op peildatum: Datum, bekendOp: Datum?) async throws -> [Traject] {
        try await pool.withTransaction(.repeatableRead) { connection in
            try await Self.standen(
                try await connection.query(
                    """
                    SELECT \(unsafeRaw: StandRij.kolommen) FROM trajecten
                    WHERE (\(regio)::text IS NULL OR regio = \(regio)) AND aangemeld_op <= \(peildatum)
                      AND verwachte_startdatum BETWEEN \(schooljaar.eersteDag) AND \(schooljaar.laatsteDag)
                    """),
                tot: peildatum, bekendOp: bekendOp, on: connection
            ).trajecten
        }
    }
}
