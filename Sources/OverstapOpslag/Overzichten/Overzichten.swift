import EventStore
import Foundation
import Overstap
import Postgres

/// One line of a student's timeline.
public struct TijdlijnRegel: Equatable, Sendable, Encodable {
    public var volgorde: Int64
    public var datum: Datum
    public var type: String
    public var samenvatting: String
    public var geregistreerdOp: Date
    public var geregistreerdDoor: String?
    public var teLaat: Bool
    /// Whether the line hints at special-category data (`Gebeurtenis.isBijzonder`).
    public var bijzonder: Bool

    enum CodingKeys: String, CodingKey { case volgorde, datum, type, samenvatting, geregistreerdOp, geregistreerdDoor, teLaat }

    /// The line as a reader who may not see special-category hints sees it: that something was
    /// recorded on that day, not what.
    public var bijzonderVerborgen: TijdlijnRegel {
        guard bijzonder else { return self }
        var regel = self
        regel.type = "bijzonder"
        regel.samenvatting = "Vastgelegd (bijzondere persoonsgegevens; alleen voor de eigen coach en de coördinator)"
        return regel
    }
}

/// A coach's active cases in a region on a peildatum.
public struct Coachbelasting: Equatable, Sendable {
    /// Below, within or above the norm.
    public enum Status: String, Codable, Sendable {
        case onder, binnen, boven

        /// Where `actief` cases stand against the region's norm.
        public init(actief: Int, instellingen i: Instellingen) {
            self = actief < i.normMinimum ? .onder : actief > i.normMaximum ? .boven : .binnen
        }
    }
    public var coach: String
    public var actief: Int
    public var perFase: [Fase: Int]
    public var status: Status
}

/// A case on the at-risk list.
public struct RisicoRegel: Equatable, Sendable {
    public let trajectID: TrajectID
    public let vsoSchool: String
    public let coach: String?
    public let fase: Fase
    /// The most severe of `redenen`.
    public let ernstigste: Risicoreden
    /// Every reason, most severe first; never empty.
    public let redenen: [Risicoreden]

    /// The row of a case with these reasons; `nil` without any (such a case is not on the list).
    public init?(trajectID: TrajectID, vsoSchool: String, coach: String?, fase: Fase, redenen: [Risicoreden]) {
        let redenen = redenen.sorted()
        guard let ernstigste = redenen.first else { return nil }
        (self.trajectID, self.vsoSchool, self.coach, self.fase) = (trajectID, vsoSchool, coach, fase)
        (self.ernstigste, self.redenen) = (ernstigste, redenen)
    }
}

/// Cases folded for a list or a job, and those left out because their timeline did not read.
public struct Herleid: Sendable {
    /// The cases, by id.
    public var trajecten: [Traject]
    /// The cases left out.
    public var onleesbaar: [Onleesbaar]
}

/// A case left out of a list or a job: its id and why (the error's kind, never a value).
public struct Onleesbaar: Sendable, CustomStringConvertible {
    public var trajectID: TrajectID
    public var oorzaak: any Error
    /// The error's kind, safe for logs and reports.
    public var soort: String { String(describing: type(of: oorzaak)) }
    public var description: String { "\(trajectID): \(soort)" }
}

/// The read side: timelines and regional lists, for today or as of a past peildatum. Lists fold
/// each case from the timeline up to the peildatum with the same pure functions the rules use.
public struct Overzichten: Sendable {
    public let pool: PostgresPool
    public let instellingen: RegioInstellingen

    /// The snapshots these lists decoded, by case and version; shared by copies of this value.
    let cache = StandCache()

    public init(pool: PostgresPool, instellingen: RegioInstellingen) {
        self.pool = pool
        self.instellingen = instellingen
    }

    /// A student's timeline in the order things happened (then recorded), up to `peildatum`, and
    /// with `bekendOp` only the lines recorded by the end of that day (Europe/Amsterdam).
    public func tijdlijn(_ trajectID: TrajectID, tot peildatum: Datum? = nil, bekendOp: Datum? = nil) async throws -> [TijdlijnRegel] {
        try await pool.query(
            """
            SELECT volgorde, datum, type, schemaversie, payload::text AS payload, samenvatting, geregistreerd_op,
                   geregistreerd_door, te_laat FROM tijdlijn
            WHERE traject_id = \(trajectID) AND (\(peildatum)::date IS NULL OR datum <= \(peildatum)::date)
              AND (\(bekendOp)::date IS NULL OR (geregistreerd_op AT TIME ZONE 'Europe/Amsterdam')::date <= \(bekendOp)::date)
            ORDER BY datum, volgorde
            """
        ).map { row in
            TijdlijnRegel(
                volgorde: try row.decode("volgorde"), datum: try row.decode("datum"), type: try row.decode("type"),
                samenvatting: try row.decode("samenvatting"), geregistreerdOp: try row.decode("geregistreerd_op"),
                geregistreerdDoor: try row.decode("geregistreerd_door"), teLaat: try row.decode("te_laat"),
                // A line that does not read counts as special: hiding too much is the safe side.
                bijzonder: (try? Gebeurtenis.lees(type: try row.decode("type"), schemaversie: try row.decode("schemaversie"),
                                                  opgeslagen: Data(try row.decode("payload", as: String.self).utf8)).isBijzonder) ?? true)
        }
    }

    /// The last version of the case the timeline holds (0: none yet), behind the stream's version
    /// while the projection catches up; and whether an event of the case is in quarantine (then the
    /// timeline stops before it until the quarantine is cleared).
    public func stand(van trajectID: TrajectID) async throws -> (versie: Int64, vastgehouden: Bool) {
        guard let rij = try await pool.query(
            """
            SELECT (SELECT coalesce(max(volgorde), 0) FROM tijdlijn WHERE traject_id = \(trajectID)) AS versie,
                   EXISTS (SELECT 1 FROM projection_quarantine WHERE projection = \(TrajectenProjectie.naam)
                           AND stream_id = \(trajectID)) AS vastgehouden
            """
        ).first else { return (0, false) }
        return (try rij.decode("versie"), try rij.decode("vastgehouden"))
    }

    /// Every case of `regio` as it stood on `peildatum` (cases registered later are absent), with
    /// what had been recorded by the end of `bekendOp` (Europe/Amsterdam) when given: the list as
    /// it could be seen that day, whatever was recorded late since (`nil`: everything recorded).
    public func trajecten(regio: String, op peildatum: Datum, bekendOp: Datum? = nil) async throws -> [Traject] {
        try await Self.standen(tot: peildatum, bekendOp: bekendOp, cache: cache, op: pool) { kolommen in
            "SELECT \(unsafeRaw: kolommen) FROM trajecten WHERE regio = \(regio) AND aangemeld_op <= \(peildatum)"
        }.trajecten
    }

    /// Coach loads in `regio` on `peildatum` (as known on `bekendOp`), busiest first.
    public func coachbelasting(regio: String, op peildatum: Datum, bekendOp: Datum? = nil) async throws -> [Coachbelasting] {
        Self.coachbelasting(try await trajecten(regio: regio, op: peildatum, bekendOp: bekendOp), instellingen: instellingen.voor(regio))
    }

    /// Each case's afbouw status in `regio` on `peildatum` (as known on `bekendOp`).
    public func afbouwstatus(regio: String, op peildatum: Datum, bekendOp: Datum? = nil) async throws -> [(Traject, Afbouwstatus)] {
        let i = instellingen.voor(regio)
        return try await trajecten(regio: regio, op: peildatum, bekendOp: bekendOp).map { ($0, $0.afbouwstatus(op: peildatum, instellingen: i)) }
    }

    /// The at-risk list of `regio` on `peildatum` (as known on `bekendOp`: the list an
    /// overstaptafel saw that day): every case with a reason, most severe first.
    public func risicolijst(regio: String, op peildatum: Datum, bekendOp: Datum? = nil) async throws -> [RisicoRegel] {
        let i = instellingen.voor(regio)
        let trajecten = try await trajecten(regio: regio, op: peildatum, bekendOp: bekendOp)
        let last = Dictionary(uniqueKeysWithValues: Self.coachbelasting(trajecten, instellingen: i).map { ($0.coach, $0.actief) })
        let regels = trajecten.indices.compactMap { index in
            let coach = trajecten[index].coach
            return RisicoRegel(trajectID: trajecten[index].id, vsoSchool: trajecten[index].vsoSchool, coach: coach, fase: trajecten[index].fase,
                               redenen: trajecten[index].risicoredenen(op: peildatum, instellingen: i, coachLast: coach.flatMap { last[$0] }))
        }
        // Most severe first, then more reasons, then by id. The cases come ordered by id (`standen`) and
        // `sorted` is stable, so ties keep that order without comparing ids; and the indexes are
        // sorted, not the rows. Comparing ids and moving rows were a seventh of a list's time.
        let volgorde = regels.indices.sorted { a, b in
            (regels[a].ernstigste, regels[b].redenen.count) < (regels[b].ernstigste, regels[a].redenen.count)
        }
        return volgorde.map { regels[$0] }
    }

    // MARK: Folding

    /// The cases that `selectie` selects from `trajecten` (given the columns to select, it makes
    /// the query) as they stood on `peildatum`, as `standen(…on:…)` gives them, read on `pool`.
    /// A list asked again with nothing changed since costs one statement: its heads alone, outside
    /// a transaction (one statement sees one snapshot), when every case's snapshot holds on
    /// `peildatum` and is in `cache` at that version (prepared: parsed once per connection, so
    /// `selectie` binds every value and puts none in raw). Otherwise, or with `bekendOp` or an
    /// empty cache, all of it runs in a REPEATABLE READ transaction (after a miss, the heads are
    /// read again). Skipping `BEGIN` and `COMMIT` lifted a list over HTTP by about a sixth (issue
    /// 17, decision 0023).
    static func standen(tot peildatum: Datum?, bekendOp: Datum? = nil, cache: StandCache, op pool: PostgresPool,
                        selectie: (_ kolommen: String) -> PostgresQuery) async throws -> Herleid
    {
        if bekendOp == nil, !cache.isLeeg {
            // The heads put in order first: a head is small, a case is not (each is copied once).
            let koppen = try await pool.queryPrepared(selectie(StandRij.kopKolommen)).map { try StandRij($0, metStand: false) }
                .sorted { $0.trajectID < $1.trajectID }
            var standen: [Traject] = []
            standen.reserveCapacity(koppen.count)
            for kop in koppen {
                guard kop.houdt(op: peildatum), let traject = cache.traject(kop.trajectID, versie: kop.versie) else { break }
                standen.append(traject)
            }
            if standen.count == koppen.count { return Herleid(trajecten: standen, onleesbaar: []) }
        }
        return try await pool.withTransaction(.repeatableRead) { connection in
            try await standen(tot: peildatum, bekendOp: bekendOp, cache: cache, on: connection) { try await connection.query(selectie($0)) }
        }
    }

    /// The cases that `lees` selects from `trajecten` (given the columns to select, it runs the
    /// caller's query) as they stood on `peildatum` (`nil`: with everything recorded), by id: from
    /// the snapshot where it holds then, else folded from the timeline; with `bekendOp`, always
    /// folded from the timeline lines recorded by the end of that day in Europe/Amsterdam (a case
    /// none of whose lines were is absent). `lees` runs first for the heads (`StandRij.kopKolommen`);
    /// a snapshot already in `cache` at that version is not read again; the others' bytes are read
    /// by id when they are few, or by `lees` again when they are many (a quarter or more: an array
    /// of hundreds of ids costs the server more than the caller's own query). Runs in the
    /// REPEATABLE READ transaction of `standen(…op:…)`, so that every statement sees the same projection.
    /// A case whose timeline cannot be read is left out of the result and logged, so that one bad
    /// row never takes a whole list (or the nightly job) down; `onleesbaar` names it.
    private static func standen(tot peildatum: Datum?, bekendOp: Datum?, cache: StandCache, on connection: PostgresConnection,
                        lees: (_ kolommen: String) async throws -> PostgresRows) async throws -> Herleid
    {
        var standen: [Traject] = []
        var teLaden: [TrajectID] = []
        var teHerleiden: [TrajectID] = []
        let koppen = try await lees(StandRij.kopKolommen)
        for rij in koppen {
            let kop = try StandRij(rij, metStand: false)
            if bekendOp != nil || !kop.houdt(op: peildatum) {
                teHerleiden.append(kop.trajectID)
            } else if let traject = cache.traject(kop.trajectID, versie: kop.versie) {
                standen.append(traject)
            } else {
                teLaden.append(kop.trajectID)
            }
        }
        if !teLaden.isEmpty {
            let veel = teLaden.count * 4 >= koppen.count
            let gezocht = veel ? Set(teLaden) : []
            for rij in try await (veel ? lees(StandRij.kolommen) : connection.query(
                "SELECT \(unsafeRaw: StandRij.kolommen) FROM trajecten WHERE traject_id = ANY(\(teLaden)::text[])"))
            {
                let stand = try StandRij(rij)
                if veel, !gezocht.contains(stand.trajectID) { continue }
                if let traject = stand.traject(geldigOp: peildatum) {
                    cache.bewaar(traject, van: stand.trajectID, versie: stand.versie)
                    standen.append(traject)
                } else {
                    teHerleiden.append(stand.trajectID)
                }
            }
        }
        var onleesbaar: [Onleesbaar] = []
        if !teHerleiden.isEmpty {
            let herleid = herleid(try await connection.query(
                """
                SELECT \(unsafeRaw: foldKolommen) FROM tijdlijn
                WHERE traject_id = ANY(\(teHerleiden)::text[]) AND (\(peildatum)::date IS NULL OR datum <= \(peildatum)::date)
                  AND (\(bekendOp)::date IS NULL OR (geregistreerd_op AT TIME ZONE 'Europe/Amsterdam')::date <= \(bekendOp)::date)
                ORDER BY traject_id, volgorde
                """))
            standen += herleid.trajecten
            onleesbaar = herleid.onleesbaar
            for geval in onleesbaar {
                opslagLogger.error("traject overgeslagen: de tijdlijn is onleesbaar",
                                   metadata: ["traject.id": "\(geval.trajectID)", "fout": "\(geval.soort)"])
            }
        }
        return Herleid(trajecten: opVolgorde(standen), onleesbaar: onleesbaar)
    }

    /// `standen` by id. Sorting the indexes, not the cases: a case is a large value, and moving
    /// each one a dozen times took a twelfth of a list's time (issue 17).
    private static func opVolgorde(_ standen: [Traject]) -> [Traject] {
        standen.indices.sorted { standen[$0].id < standen[$1].id }.map { standen[$0] }
    }

    static let foldKolommen = "traject_id, datum, type, schemaversie, payload::text AS payload"

    /// Folds timeline rows (ordered by case, then version) into cases; a case with a row that does
    /// not read is left out and named in `onleesbaar`.
    static func herleid(_ rows: PostgresRows) -> Herleid {
        var result = Herleid(trajecten: [], onleesbaar: [])
        var huidig: TrajectID?
        var gebeurtenissen: [(Gebeurtenis, Datum)] = []
        var fout: (any Error)?
        func sluit() {
            if let huidig {
                if let fout {
                    result.onleesbaar.append(Onleesbaar(trajectID: huidig, oorzaak: fout))
                } else if let traject = Traject.herleid(id: huidig, uit: gebeurtenissen) {
                    result.trajecten.append(traject)
                }
            }
            gebeurtenissen = []
            fout = nil
        }
        for row in rows {
            do {
                let id: TrajectID = try row.decode("traject_id")
                if id != huidig {
                    sluit()
                    huidig = id
                }
                guard fout == nil else { continue }
                gebeurtenissen.append((
                    try Gebeurtenis.lees(type: try row.decode("type"), schemaversie: try row.decode("schemaversie"),
                                         opgeslagen: Data(try row.decode("payload", as: String.self).utf8)),
                    try row.decode("datum")))
            } catch {
                fout = error
            }
        }
        sluit()
        return result
    }

    static func coachbelasting(_ trajecten: [Traject], instellingen i: Instellingen) -> [Coachbelasting] {
        var perCoach: [String: [Fase: Int]] = [:]
        // By index: a case is a large value, and `for … in` copies each one.
        for index in trajecten.indices where trajecten[index].isActiefVoorCoach {
            if let coach = trajecten[index].coach { perCoach[coach, default: [:]][trajecten[index].fase, default: 0] += 1 }
        }
        return perCoach.map { coach, perFase in
            let actief = perFase.values.reduce(0, +)
            return Coachbelasting(coach: coach, actief: actief, perFase: perFase, status: .init(actief: actief, instellingen: i))
        }.sorted { ($0.actief, $1.coach) > ($1.actief, $0.coach) }
    }
}
