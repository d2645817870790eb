import Overstap
import Postgres

extension Overzichten {
    /// The regional monitor of `regio` (`nil`: every region, the national roll-up, split by region
    /// too) for the cohort of `schooljaar` on `peildatum`, as known on `bekendOp` when given; and
    /// the cohorts of the `eerdereJaren` school years before it, each at the same point of its
    /// year (peildatum and bekendOp that many years earlier), totals only. With `deelbaar`, and
    /// always for the national roll-up, small counts are hidden (`Monitoren.deelbaar()`), counted
    /// over every region at once so that what one table hides no other gives away; else the
    /// region's own counts. Cases whose timeline does not read are left out and logged (`standen`).
    public func monitor(regio: String?, schooljaar: Schooljaar, op peildatum: Datum, bekendOp: Datum? = nil, deelbaar: Bool = false,
                        eerdereJaren: Int = 2) async throws -> (monitor: Monitor, vergelijking: [Monitor])
    {
        func eenJaar(_ jaren: Int, _ uitsplitsingen: [Uitsplitsing]) async throws -> Monitor {
            let (jaar, dag) = (Schooljaar(beginjaar: schooljaar.beginjaar - jaren), peildatum.jaren(terug: jaren))
            let bekend = bekendOp?.jaren(terug: jaren)
            guard deelbaar || regio == nil else {
                return Monitor(try await cohort(regio: regio, schooljaar: jaar, op: dag, bekendOp: bekend),
                               schooljaar: jaar, op: dag, uitsplitsingen: uitsplitsingen)
            }
            let alle = Monitoren(try await cohort(regio: nil, schooljaar: jaar, op: dag, bekendOp: bekend),
                                 schooljaar: jaar, op: dag, uitsplitsingen: uitsplitsingen).deelbaar()
            return regio.map { alle.regio($0) } ?? alle.landelijk
        }
        let monitor = try await eenJaar(0, Uitsplitsing.regionaal)
        var vergelijking: [Monitor] = []
        for jaren in stride(from: 1, through: eerdereJaren, by: 1) { vergelijking.append(try await eenJaar(jaren, [])) }
        return (monitor, vergelijking)
    }

    /// The cases of `regio` (`nil`: all) expected to start in `schooljaar` and registered by
    /// `peildatum`, folded up to that day (as known on `bekendOp`).
    func cohort(regio: String?, schooljaar: Schooljaar, op peildatum: Datum, bekendOp: Datum?) async throws -> [Traject] {
        let (van, tot) = (schooljaar.eersteDag, schooljaar.laatsteDag)
        return try await Self.standen(tot: peildatum, bekendOp: bekendOp, cache: cache, op: pool) { kolommen in
            // A statement for each, not `(regio IS NULL OR regio = …)`: the heads are prepared, and
            // a generic plan of that would read the whole table for one region too.
            if let regio {
                "SELECT \(unsafeRaw: kolommen) FROM trajecten WHERE regio = \(regio) AND aangemeld_op <= \(peildatum) AND verwachte_startdatum BETWEEN \(van) AND \(tot)"
            } else {
                "SELECT \(unsafeRaw: kolommen) FROM trajecten WHERE aangemeld_op <= \(peildatum) AND verwachte_startdatum BETWEEN \(van) AND \(tot)"
            }
        }.trajecten
    }

    /// Every region's cases whose follow-up is overdue on `peildatum` (`nameting_verlopen`, by
    /// each region's `nametingVerlopenNaWeken`), by region and id: what the nightly job reports,
    /// each with the day it became overdue. Cases whose timeline does not read are left out and
    /// logged (`standen`).
    public func nametingenVerlopen(op peildatum: Datum) async throws -> [(traject: Traject, sinds: Datum)] {
        // Only a case registered that many weeks before can be overdue (its start or closing came after).
        let weken = ([instellingen.standaard] + instellingen.perRegio.values).map(\.nametingVerlopenNaWeken).min() ?? 0
        let trajecten = try await Self.standen(tot: peildatum, cache: cache, op: pool) { kolommen in
            "SELECT \(unsafeRaw: kolommen) FROM trajecten WHERE aangemeld_op <= \(peildatum.plus(weken: -weken))"
        }.trajecten
        return trajecten.compactMap { traject in
            let i = instellingen.voor(traject.regio)
            guard traject.risicoredenen(op: peildatum, instellingen: i, coachLast: nil).contains(.nametingVerlopen),
                let referentie = traject.nametingReferentie
            else { return nil }
            return (traject, referentie.plus(weken: i.nametingVerlopenNaWeken))
        }.sorted { ($0.traject.regio, $0.traject.id) < ($1.traject.regio, $1.traject.id) }
    }
}
