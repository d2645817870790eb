import EventStore
import Foundation
import Overstap
import Postgres

/// Why a request on a case was refused (besides rule violations, `RegelFout`).
public enum TrajectFout: Error, Equatable, Sendable, CustomStringConvertible {
    /// Another writer changed the case since the version the caller read.
    case versieConflict(verwacht: Int64, actueel: Int64)
    /// The case id is not an Overstap case.
    case onbekendTraject
    /// Event ids of an earlier request came back with different events (a reused idempotency key).
    case andereHerhaling
    /// Without an expected version, other writers won every one of the retries: try again shortly.
    case teDrukBezet

    public var description: String {
        switch self {
        case .versieConflict(let verwacht, let actueel):
            "het traject is inmiddels gewijzigd (versie \(actueel), niet \(verwacht)); lees het opnieuw"
        case .onbekendTraject: "onbekend traject"
        case .andereHerhaling: "deze sleutel hoort bij een eerder verzoek met andere gebeurtenissen"
        case .teDrukBezet: "er schrijven nu te veel anderen tegelijk op dit traject; probeer het zo opnieuw"
        }
    }
}

/// Cases on the event store: load one, and record events on it after the decide step. Personal
/// data is encrypted by the vault before it reaches the log; there is no plain-text path.
public struct Trajecten: Sendable {
    /// The store.
    public let store: EventStore
    /// Encrypts personal fields per student.
    public let kluis: Kluis

    /// How often a write without an expected version decides again after losing a race.
    public let pogingen: Int

    /// Creates the service.
    public init(store: EventStore, kluis: Kluis, pogingen: Int = 12) {
        self.store = store
        self.kluis = kluis
        self.pogingen = max(1, pogingen)
    }

    /// A case's events from `versie` on as the rules read them (without personal data), in
    /// recorded order, with their stored form.
    public func gebeurtenissen(_ trajectID: TrajectID, vanaf versie: Int64 = 1) async throws -> [(RecordedEvent, Gebeurtenis, Datum)] {
        try await store.readStream(trajectID.stroom, from: versie).map { event in
            (event, try Gebeurtenis.lees(event).gebeurtenis, Datum(tijdstip: event.occurredAt))
        }
    }

    /// The case as it stands, and its version (0: no case): from its snapshot and the events
    /// recorded after it where the snapshot holds, else folded from all its events.
    public func laad(_ trajectID: TrajectID) async throws -> (traject: Traject?, versie: Int64) {
        let geladen = try await geladen(trajectID, vanaf: nil)
        return (geladen.traject, geladen.versie)
    }

    /// Records `nieuw` on the case after checking every rule in order; all or nothing.
    ///
    /// With `verwachteVersie` a concurrent change is a `versieConflict`; without it the call
    /// re-reads and re-decides, up to `pogingen` times with a short random pause, when another
    /// writer got in between (every round one writer wins, so this always makes progress), and
    /// throws `teDrukBezet` when it lost every round. With `eventIDs`
    /// a retry of a batch already stored returns the original result and writes nothing.
    ///
    /// The case is loaded once per attempt (`geladen`: the snapshot and what came after it, unless an
    /// event of `nieuw` is dated before the snapshot's last day): `toegang` (the caller's access
    /// check) sees that state first (`nil`: no such case) and may throw to refuse; the decide step
    /// then folds each new event onto it.
    @discardableResult
    public func registreer(
        _ nieuw: [(Gebeurtenis, Datum)], in trajectID: TrajectID, door actor: String, vandaag: Datum = .vandaag(),
        verwachteVersie: Int64? = nil, eventIDs: [UUID]? = nil, correlatie: UUID? = nil,
        toegang: (Traject?) throws -> Void = { _ in }
    ) async throws -> AppendResult {
        let ids = eventIDs ?? nieuw.map { _ in UUID() }
        precondition(ids.count == nieuw.count, "one event id per event")
        // Ids the caller chose may come back (a retry, or a reused key): bind them to the content.
        // Worked out only once needed, so that a request the rules refuse makes no data key.
        var bekend: [String?]?
        func vingerafdrukken() async throws -> [String?] {
            if let bekend { return bekend }
            let nieuwe = eventIDs == nil ? nieuw.map { _ in nil } : try await self.vingerafdrukken(nieuw, in: trajectID)
            bekend = nieuwe
            return nieuwe
        }
        for attempt in 1...pogingen {
            let geladen = try await geladen(trajectID, vanaf: nieuw.map(\.1).min())
            var traject = geladen.traject
            try toegang(traject)
            if eventIDs != nil, let eerder = try await eerder(ids, nieuw, in: trajectID) {
                guard zip(eerder.events, try await vingerafdrukken()).allSatisfy({ $0.metadata.contentHash == nil || $0.metadata.contentHash == $1 })
                else { throw TrajectFout.andereHerhaling }
                return eerder.resultaat
            }
            if let verwachteVersie, verwachteVersie != geladen.versie {
                throw TrajectFout.versieConflict(verwacht: verwachteVersie, actueel: geladen.versie)
            }
            // Each new event is decided on the case including the ones before it in the batch,
            // folded in date order like any reader would (`Traject.verder`).
            var geschiedenis = geladen.sinds
            for (gebeurtenis, datum) in nieuw {
                try Traject.beslis(gebeurtenis, op: datum, traject: traject, vandaag: vandaag)
                geschiedenis.append((gebeurtenis, datum))
                traject = Traject.verder(traject, id: trajectID, geschiedenis: geschiedenis, basis: geladen.basis)
            }
            var events: [NewEvent] = []
            for (((gebeurtenis, datum), id), vingerafdruk) in zip(zip(nieuw, ids), try await vingerafdrukken()) {
                events.append(NewEvent(
                    id: id, type: gebeurtenis.type, schemaVersion: gebeurtenis.soort.schemaversie,
                    data: try await kluis.versleutel(try gebeurtenis.payloadJSON(), traject: trajectID, eventID: id),
                    metadata: EventMetadata(actor: actor, correlationID: correlatie, contentHash: vingerafdruk), occurredAt: datum.tijdstip))
            }
            let versie = geladen.versie
            do {
                let resultaat = try await store.append(to: trajectID.stroom, expected: versie == 0 ? .noStream : .exact(versie), events)
                // A concurrent request with the same ids may have stored its events first; the store then
                // returns those as a retry. Only the same content makes it one.
                if eventIDs != nil {
                    let opgeslagen = Dictionary(try await store.events(withIDs: ids).map { ($0.id, $0.metadata.contentHash) },
                                                uniquingKeysWith: { eerste, _ in eerste })
                    guard try await ids.map({ opgeslagen[$0] ?? nil }) == vingerafdrukken() else { throw TrajectFout.andereHerhaling }
                }
                return resultaat
            } catch EventStoreError.eventIDsReused {
                throw TrajectFout.andereHerhaling  // the ids are taken by other events, on this case or another
            } catch EventStoreError.wrongExpectedVersion where verwachteVersie == nil && attempt < pogingen {
                // Someone else wrote: decide again on the new state, after a pause that spreads the retries.
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(2 * attempt))))
            } catch EventStoreError.wrongExpectedVersion(_, _, let actueel) {
                // The caller set no precondition, so a lost race is no 412 of theirs: busy, not conflicting.
                guard verwachteVersie != nil else { throw TrajectFout.teDrukBezet }
                throw TrajectFout.versieConflict(verwacht: versie, actueel: actueel)
            }
        }
        preconditionFailure("the last attempt returns or throws")
    }

    /// Forgets the student: destroys the data key first (with the reason), then records
    /// `leerling_vergeten` (without personal data). Either step may be repeated, and a forget that
    /// stopped between them is finished by `Bewaartermijn` (the nightly job): once the first step
    /// has run, the personal data is gone whatever happens next.
    public func vergeet(_ trajectID: TrajectID, reden: VergeetReden, door actor: String, vandaag: Datum = .vandaag()) async throws {
        guard let traject = try await laad(trajectID).traject else { throw TrajectFout.onbekendTraject }
        try await kluis.vergeet(trajectID, reden: reden)
        // Unless the case was forgotten already; the fixed id makes two concurrent calls write it once.
        guard traject.vergetenOp == nil else { return }
        try await registreer([(.leerlingVergeten(.init(reden: reden)), vandaag)], in: trajectID, door: actor,
                             vandaag: vandaag, eventIDs: [naamUUID("leerling_vergeten|\(trajectID)")])
    }

    /// A case loaded to decide on: its state and version, and the base a new event folds onto.
    private struct Geladen {
        var traject: Traject?
        var versie: Int64
        /// The snapshot the events of `sinds` fold onto; `nil`: `sinds` is the whole case.
        var basis: Traject?
        /// The stored events after `basis`, with their days, in recorded order.
        var sinds: [(Gebeurtenis, Datum)]
    }

    /// The case from its snapshot (`trajecten.stand`, `StandRij`) and the events recorded after the
    /// version it covers, when the snapshot is of the current shape and neither those events nor
    /// anything to be folded on (dated from `vanaf` on) lie before its last day; else from all its
    /// events. Both give the same state (`Traject.herleid`).
    private func geladen(_ trajectID: TrajectID, vanaf: Datum?) async throws -> Geladen {
        if let rij = try await store.pool.query(
            "SELECT \(unsafeRaw: StandRij.kolommen) FROM trajecten WHERE traject_id = \(trajectID)").first.map({ try StandRij($0) }),
            let basis = rij.traject(geldigOp: nil), vanaf.map({ $0 >= basis.laatsteGebeurtenisOp }) ?? true
        {
            let versie = rij.versie
            let nieuwer = try await gebeurtenissen(trajectID, vanaf: versie + 1)
            if nieuwer.allSatisfy({ $0.2 >= basis.laatsteGebeurtenisOp }) {
                let sinds = nieuwer.map { ($0.1, $0.2) }
                return Geladen(traject: Traject.herleid(id: trajectID, uit: sinds, vanaf: basis),
                               versie: nieuwer.last?.0.streamVersion ?? versie, basis: basis, sinds: sinds)
            }
        }
        let alles = try await gebeurtenissen(trajectID)
        let sinds = alles.map { ($0.1, $0.2) }
        return Geladen(traject: Traject.herleid(id: trajectID, uit: sinds), versie: alles.last?.0.streamVersion ?? 0, basis: nil, sinds: sinds)
    }

    /// The stored events and result of a batch with these ids, if it was stored before on this
    /// case; `andereHerhaling` when they were stored with other events or on another case
    /// (compared without personal data, which is stored encrypted; the caller compares
    /// fingerprints, which cover it).
    private func eerder(_ ids: [UUID], _ nieuw: [(Gebeurtenis, Datum)], in trajectID: TrajectID) async throws
        -> (events: [RecordedEvent], resultaat: AppendResult)?
    {
        let opgeslagen = try await store.events(withIDs: ids)
        guard !opgeslagen.isEmpty else { return nil }
        let byID = Dictionary(opgeslagen.map { ($0.id, $0) }, uniquingKeysWith: { eerste, _ in eerste })
        let found = ids.compactMap { byID[$0] }
        guard found.count == ids.count, found.allSatisfy({ $0.streamID == trajectID.stroom }), let laatste = found.last
        else { throw TrajectFout.andereHerhaling }
        for (event, (wens, wensDatum)) in zip(found, nieuw) {
            let zonder = try Gebeurtenis.lees(type: wens.type, opgeslagen: Data(try wens.payloadZonderPersoonsgegevens().utf8))
            guard event.type == wens.type, Datum(tijdstip: event.occurredAt) == wensDatum, try Gebeurtenis.lees(event).gebeurtenis == zonder
            else { throw TrajectFout.andereHerhaling }
        }
        return (found, AppendResult(streamVersion: laatste.streamVersion, positions: found.map(\.globalPosition)))
    }

    /// The fingerprint of each event as it would be stored: type, day and payload with personal
    /// data in plain text (`Kluis.vingerafdruk`).
    private func vingerafdrukken(_ nieuw: [(Gebeurtenis, Datum)], in trajectID: TrajectID) async throws -> [String?] {
        var uit: [String?] = []
        for (gebeurtenis, datum) in nieuw {
            uit.append(try await kluis.vingerafdruk("\(gebeurtenis.type)\n\(datum)\n\(try gebeurtenis.payloadJSON())",
                                                    persoonlijk: gebeurtenis.heeftPersoonsgegevens, traject: trajectID))
        }
        return uit
    }
}
