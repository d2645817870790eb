import EventStore
import Foundation
@testable import Overstap
import Postgres
import Testing
@testable import OverstapOpslag

/// Issue 16: the regional monitor on the demo region (two cohorts with switches, diplomas,
/// follow-ups and dropouts) equals a count written straight over the raw events in SQL, without
/// the domain's fold, for both cohorts at two peildatums, split by school, coaching and level.
@Suite struct MonitorTests {
    /// Every figure, counted in SQL from the event log up to `peildatum` (rules from docs/api.md,
    /// "Monitor"), for `regio`'s cases expected to start in `schooljaar`; grouped by `groep`, an
    /// SQL expression over the case (`c`), or one total with `'alle'`.
    static func telling(_ pool: PostgresPool, regio: String, schooljaar: Schooljaar, peildatum: Datum, groep: String = "'alle'")
        async throws -> [String: [Maat: Int]]
    {
        let sql = """
            WITH ev AS (
                SELECT stream_id, stream_version AS v, event_type AS t, data AS d, occurred_at::date AS dag FROM events
                WHERE occurred_at::date <= $1::date),
            c AS (
                SELECT a.stream_id, a.d AS aanmelding, (a.d->>'verwachteStartdatum')::date AS start,
                       (SELECT min(dag) FROM ev g WHERE g.stream_id = a.stream_id AND g.t = 'gestart') AS gestart,
                       (SELECT g.d FROM ev g WHERE g.stream_id = a.stream_id AND g.t = 'gestart') AS gestarte,
                       (SELECT m.d FROM ev m WHERE m.stream_id = a.stream_id AND m.t = 'mbo_aanmelding' ORDER BY m.dag DESC, m.v DESC LIMIT 1) AS aangemeld_mbo,
                       (SELECT min(dag) FROM ev m WHERE m.stream_id = a.stream_id AND m.t = 'mbo_aanmelding') AS mbo_op,
                       (SELECT s.dag FROM ev s WHERE s.stream_id = a.stream_id AND s.t = 'afgesloten') AS gesloten,
                       (SELECT s.d->>'reden' FROM ev s WHERE s.stream_id = a.stream_id AND s.t = 'afgesloten') AS reden,
                       (SELECT n.d->>'uitkomst' FROM ev n WHERE n.stream_id = a.stream_id AND n.t = 'nameting' ORDER BY n.dag DESC, n.v DESC LIMIT 1) AS nameting,
                       EXISTS (SELECT 1 FROM ev x WHERE x.stream_id = a.stream_id AND x.t = 'coach_toegewezen') AS met_coach,
                       EXISTS (SELECT 1 FROM ev x WHERE x.stream_id = a.stream_id AND x.t = 'intakegesprek' AND (x.d->>'warmeOverdracht')::boolean) AS warm,
                       EXISTS (SELECT 1 FROM ev x WHERE x.stream_id = a.stream_id AND x.t = 'no_show_gesignaleerd') AS gevlagd,
                       EXISTS (SELECT 1 FROM ev x WHERE x.stream_id = a.stream_id AND x.t = 'opleiding_gewijzigd') AS gewisseld,
                       EXISTS (SELECT 1 FROM ev x WHERE x.stream_id = a.stream_id AND x.t = 'diploma_behaald') AS diploma
                FROM ev a
                WHERE a.t = 'aanmelding' AND a.d->>'regio' = $2 AND (a.d->>'verwachteStartdatum')::date BETWEEN $3::date AND $4::date),
            k AS (
                SELECT c.*, CASE WHEN teloktober >= start THEN teloktober ELSE (teloktober + interval '1 year')::date END AS teldag
                FROM c, LATERAL (SELECT make_date(CASE WHEN extract(month FROM start) >= 8 THEN extract(year FROM start)::int
                                                       ELSE extract(year FROM start)::int - 1 END, 10, 1) AS teloktober) o)
            SELECT \(groep) AS groep,
                count(*) AS aangemeld,
                count(*) FILTER (WHERE mbo_op < LEAST(make_date(extract(year FROM start)::int, 4, 1), start)) AS mbo_voor_1_april,
                count(*) FILTER (WHERE warm) AS warme_overdracht,
                count(*) FILTER (WHERE gestart IS NOT NULL) AS gestart,
                count(*) FILTER (WHERE gevlagd AND gestart IS NULL) AS no_show,
                count(*) FILTER (WHERE teldag <= $1::date AND gestart <= teldag AND (gesloten IS NULL OR gesloten > teldag)) AS ingeschreven,
                count(*) FILTER (WHERE gewisseld) AS gewisseld,
                count(*) FILTER (WHERE reden = 'uitgevallen') AS uitgevallen,
                count(*) FILTER (WHERE diploma OR reden = 'diploma') AS diploma,
                count(*) FILTER (WHERE nameting = 'mbo') AS n_mbo, count(*) FILTER (WHERE nameting = 'diploma') AS n_diploma,
                count(*) FILTER (WHERE nameting = 'werk') AS n_werk, count(*) FILTER (WHERE nameting = 'uitgevallen') AS n_uitgevallen,
                count(*) FILTER (WHERE nameting = 'onbekend') AS n_onbekend
            FROM k GROUP BY 1
            """
        let kolommen: [(String, Maat)] = [
            ("aangemeld", .aangemeld), ("mbo_voor_1_april", .mboAangemeldVoor1April), ("warme_overdracht", .warmeOverdracht),
            ("gestart", .gestart), ("no_show", .noShow), ("ingeschreven", .ingeschrevenOp1Oktober), ("gewisseld", .gewisseld),
            ("uitgevallen", .uitgevallen), ("diploma", .diploma), ("n_mbo", .nametingMbo), ("n_diploma", .nametingDiploma),
            ("n_werk", .nametingWerk), ("n_uitgevallen", .nametingUitgevallen), ("n_onbekend", .nametingOnbekend),
        ]
        var uit: [String: [Maat: Int]] = [:]
        for rij in try await pool.query(PostgresQuery(unsafeSQL: sql, binds: [
            peildatum.description, regio, schooljaar.eersteDag.description, schooljaar.laatsteDag.description,
        ])) {
            uit[try rij.decode("groep")] = Dictionary(uniqueKeysWithValues: try kolommen.map { ($1, Int(try rij.decode($0, as: Int64.self))) })
        }
        return uit
    }

    static func aantallen(_ cijfers: Cijfers) -> [Maat: Int] {
        cijfers.cellen.mapValues { if case .aantal(let n) = $0 { n } else { -1 } }
    }

    @Test(.timeLimit(.minutes(5)))
    func theMonitorOfTheDemoRegionEqualsACountOverTheRawEvents() async throws {
        let demo = try await DemoDatabase.make()
        // The nightly job's no-show flags, as a region running for a year has them.
        _ = try await demo.nacht.voerUit(peildatum: Datum("2026-11-20")!)
        try await demo.runner.catchUp()
        let niveau = """
            coalesce(CASE WHEN gestarte IS NOT NULL THEN gestarte->>'niveau'
                          ELSE coalesce(aangemeld_mbo, aanmelding->'beoogdeOpleiding')->>'niveau' END, 'onbekend')
            """
        for (jaar, peildatum) in [(2025, "2026-03-31"), (2025, "2026-11-20"), (2026, "2026-03-31"), (2026, "2026-11-20")] {
            let schooljaar = Schooljaar(beginjaar: jaar)
            let dag = Datum(peildatum)!
            let (monitor, vergelijking) = try await demo.overzichten.monitor(regio: "Utrecht", schooljaar: schooljaar, op: dag)
            let totaal = try await Self.telling(demo.db.pool, regio: "Utrecht", schooljaar: schooljaar, peildatum: dag)
            #expect(Self.aantallen(monitor.totaal) == totaal["alle"] ?? [:], "\(schooljaar) on \(peildatum)")
            for (uitsplitsing, groep) in [(Uitsplitsing.vsoSchool, "aanmelding->>'vsoSchool'"),
                                          (.coaching, "CASE WHEN met_coach THEN 'met coach' ELSE 'zonder coach' END"), (.niveau, niveau)] {
                let sql = try await Self.telling(demo.db.pool, regio: "Utrecht", schooljaar: schooljaar, peildatum: dag, groep: groep)
                let groepen = monitor.uitsplitsingen.first { $0.0 == uitsplitsing }?.1 ?? []
                #expect(Dictionary(uniqueKeysWithValues: groepen.map { ($0.naam, Self.aantallen($0.cijfers)) }) == sql,
                        "\(uitsplitsing), \(schooljaar) on \(peildatum)")
            }
            // The school year before, at the same point of its year.
            let vorig = try await Self.telling(demo.db.pool, regio: "Utrecht", schooljaar: Schooljaar(beginjaar: jaar - 1), peildatum: dag.jaren(terug: 1))
            #expect(vergelijking.map(\.schooljaar) == [Schooljaar(beginjaar: jaar - 1), Schooljaar(beginjaar: jaar - 2)])
            #expect(Self.aantallen(vergelijking[0].totaal) == vorig["alle"] ?? Dictionary(uniqueKeysWithValues: Maat.allCases.map { ($0, 0) }))
        }
        // The demo has what the monitor is for, in the earlier cohort by now.
        let (nu, _) = try await demo.overzichten.monitor(regio: "Utrecht", schooljaar: Schooljaar(beginjaar: 2025), op: Datum("2026-11-20")!)
        for maat in [Maat.gewisseld, .uitgevallen, .diploma, .nametingMbo, .nametingWerk, .ingeschrevenOp1Oktober, .warmeOverdracht] {
            #expect((Self.aantallen(nu.totaal)[maat] ?? 0) > 0, "\(maat)")
        }
        let (nieuw, _) = try await demo.overzichten.monitor(regio: "Utrecht", schooljaar: Schooljaar(beginjaar: 2026), op: Datum("2026-11-20")!)
        #expect((Self.aantallen(nieuw.totaal)[.noShow] ?? 0) > 0)
        // Missing follow-ups are on the at-risk list, and the nightly job reports the same cases.
        let opLijst = Set(try await demo.overzichten.risicolijst(regio: "Utrecht", op: Datum("2026-11-20")!)
            .filter { $0.redenen.contains(.nametingVerlopen) }.map(\.trajectID))
        let verlopen = try await demo.overzichten.nametingenVerlopen(op: Datum("2026-11-20")!)
        #expect(!opLijst.isEmpty && Set(verlopen.map(\.traject.id)) == opLijst)
        #expect(verlopen.allSatisfy { $0.traject.nameting == nil && $0.sinds <= Datum("2026-11-20")! && $0.sinds > Datum("2026-09-01")! })
    }
}
