import EventStore
import Foundation
import Overstap
import Postgres

/// One no-show the nightly job flagged (or found flagged already).
public struct NoShowMelding: Equatable, Sendable {
    public var trajectID: TrajectID
    public var regio: String
    public var soort: NoShowSoort
    /// The day it became due; the event carries this date, whichever night wrote it.
    public var datum: Datum
    /// False when an earlier or concurrent run had written it already.
    public var nieuw: Bool
}

/// The nightly no-show check (DESIGN §5). Each flag is dated on the day it became due and has an
/// id derived from case, school year and kind, so a second run, two runs at once, or a run that
/// catches up missed nights all leave the same events.
public struct NoShowControle: Sendable {
    public let trajecten: Trajecten
    public let instellingen: RegioInstellingen

    public init(trajecten: Trajecten, instellingen: RegioInstellingen) {
        self.trajecten = trajecten
        self.instellingen = instellingen
    }

    /// Flags every case due on or before `peildatum`; returns what holds, new and old, and the
    /// cases it had to skip (a timeline that does not read, a flag the store refused): one bad case
    /// never stops the others. Throws only when it cannot run at all (no database, say).
    public func voerUit(peildatum: Datum, door actor: String = "nachtelijkse-controle") async throws -> NoShowRapport {
        let store = trajecten.store
        try await trajecten.projectie(instellingen).catchUp()
        // Started on or before the expected start: can never be flagged.
        let herleid = try await Overzichten.standen(tot: nil, cache: StandCache(), op: store.pool) { kolommen in
            """
            SELECT \(unsafeRaw: kolommen) FROM trajecten
            WHERE verwachte_startdatum <= \(peildatum) AND (gestart_op IS NULL OR gestart_op > verwachte_startdatum)
            """
        }
        let kandidaten = herleid.trajecten
        var meldingen: [NoShowMelding] = []
        var teSchrijven: [(Traject, [NoShowMelding])] = []
        for traject in kandidaten {
            var nieuw: [NoShowMelding] = []
            for (soort, datum) in Self.vervaldagen(traject, instellingen: instellingen.voor(traject.regio)) where datum <= peildatum {
                guard traject.aangemeldOp <= datum, traject.gestartOp.map({ $0 > datum }) ?? true,
                    traject.afgeslotenOp.map({ $0 > datum }) ?? true
                else { continue }
                let melding = NoShowMelding(
                    trajectID: traject.id, regio: traject.regio, soort: soort, datum: datum,
                    nieuw: !traject.gesignaleerd.contains(NoShowSleutel(schooljaar: Schooljaar(datum), soort: soort)))
                meldingen.append(melding)
                if melding.nieuw { nieuw.append(melding) }
            }
            if !nieuw.isEmpty { teSchrijven.append((traject, nieuw)) }
        }
        // Cases are independent: up to `gelijktijdig` at once, each case's flags in order.
        var overgeslagen = herleid.onleesbaar
        try await withThrowingTaskGroup(of: Onleesbaar?.self) { group in
            for (index, (traject, nieuw)) in teSchrijven.enumerated() {
                if index >= Self.gelijktijdig, let fout = try await group.next() { fout.map { overgeslagen.append($0) } }
                group.addTask {
                    for melding in nieuw {
                        let schooljaar = Schooljaar(melding.datum)
                        do {
                            try await trajecten.registreer(
                                [(.noShowGesignaleerd(.init(peildatum: melding.datum, schooljaar: schooljaar, soort: melding.soort)), melding.datum)],
                                in: traject.id, door: actor, vandaag: max(peildatum, melding.datum),
                                eventIDs: [Self.eventID(traject.id, schooljaar, melding.soort)])
                        } catch let fout as PostgresError where fout.isConnectionFailure {
                            throw fout  // the job cannot run at all
                        } catch {
                            return Onleesbaar(trajectID: traject.id, oorzaak: error)
                        }
                    }
                    return nil
                }
            }
            for try await fout in group { fout.map { overgeslagen.append($0) } }
        }
        let geschreven = Set(overgeslagen.map(\.trajectID))
        return NoShowRapport(
            meldingen: meldingen.filter { !$0.nieuw || !geschreven.contains($0.trajectID) }
                .sorted { ($0.regio, $0.trajectID, $0.datum) < ($1.regio, $1.trajectID, $1.datum) },
            overgeslagen: overgeslagen.sorted { $0.trajectID < $1.trajectID })
    }

    /// Cases written at once (the pool's default size is 10).
    static let gelijktijdig = 8

    /// When each kind falls due: `startOnbevestigdNaDagen` after the expected start, and the count
    /// date after it (`Datum.plaatsingUiterlijk`, shared with the afbouwstatus).
    static func vervaldagen(_ traject: Traject, instellingen: Instellingen) -> [(NoShowSoort, Datum)] {
        let start = traject.verwachteStartdatum
        return [(.startOnbevestigd, start.plus(dagen: instellingen.startOnbevestigdNaDagen)),
                (.nietGeplaatst, start.plaatsingUiterlijk)]
    }

    /// The same flag always gets the same id.
    static func eventID(_ trajectID: TrajectID, _ schooljaar: Schooljaar, _ soort: NoShowSoort) -> UUID {
        naamUUID("no_show|\(trajectID)|\(schooljaar)|\(soort.rawValue)")
    }
}

/// What a night's no-show check found.
public struct NoShowRapport: Sendable {
    /// The flags that hold, new and old, by region and case.
    public var meldingen: [NoShowMelding]
    /// Cases it could not read or write, with why; the others were checked.
    public var overgeslagen: [Onleesbaar]
}
