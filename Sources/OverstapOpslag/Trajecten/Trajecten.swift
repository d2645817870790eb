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

    /// A case's events as the rules read them (without personal data), in recorded order, with
    /// their stored form.
    public func gebeurtenissen(_ trajectID: TrajectID) async throws -> [(RecordedEvent, Gebeurtenis, Datum)] {
        try await store.readStream(trajectID.stroom).map { event in
            (event, try Gebeurtenis.lees(event).gebeurtenis, Datum(tijdstip: event.occurredAt))
        }
    }

    /// The case as it stands, and its version (0: no case).
    public func laad(_ trajectID: TrajectID) async throws -> (traject: Traject?, versie: Int64) {
        let events = try await gebeurtenissen(trajectID)
        return (Traject.herleid(id: trajectID, uit: events.map { ($0.1, $0.2) }), events.last?.0.streamVersion ?? 0)
    }

    /// Records `nieuw` on the case after checking every rule in order; all or nothing.
    ///
    /// With `verwachteVersie` a concurrent change is a `versieConflict`; without it the call
    /// re-reads and re-decides, up to `pogingen` times with a short random pause, when another
    /// writer got in between (every round one writer wins, so this always makes progress), and
    /// throws `teDrukBezet` when it lost every round. With `eventIDs`
    /// a retry of a batch already stored returns the original result and writes nothing.
    ///
    /// The case is read and folded once per attempt: `toegang` (the caller's access check) sees
    /// that state first (`nil`: no such case) and may throw to refuse; the decide step then folds
    /// each new event onto it.
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
            let stored = try await gebeurtenissen(trajectID)
            var geschiedenis = stored.map { ($0.1, $0.2) }
            var traject = Traject.herleid(id: trajectID, uit: geschiedenis)
            try toegang(traject)
            if let eerder = try Self.eerder(ids, nieuw, in: stored) {
                guard zip(eerder.events, try await vingerafdrukken()).allSatisfy({ $0.metadata.contentHash == nil || $0.metadata.contentHash == $1 })
                else { throw TrajectFout.andereHerhaling }
                return eerder.resultaat
            }
            let versie = stored.last?.0.streamVersion ?? 0
            if let verwachteVersie, verwachteVersie != versie {
                throw TrajectFout.versieConflict(verwacht: verwachteVersie, actueel: versie)
            }
            // Each new event is decided on the case including the ones before it in the batch,
            // folded in date order like any reader would (`Traject.verder`).
            var events: [NewEvent] = []
            for (gebeurtenis, datum) in nieuw {
                try Traject.beslis(gebeurtenis, op: datum, traject: traject, vandaag: vandaag)
                geschiedenis.append((gebeurtenis, datum))
                traject = Traject.verder(traject, id: trajectID, geschiedenis: geschiedenis)
            }
            for (((gebeurtenis, datum), id), vingerafdruk) in zip(zip(nieuw, ids), try await vingerafdrukken()) {
                events.append(NewEvent(
                    id: id, type: gebeurtenis.type, schemaVersion: gebeurtenis.soort.schemaversie,
                    data: try await kluis.versleutel(try gebeurtenis.payloadJSON(), traject: trajectID, eventID: id),
                    metadata: EventMetadata(actor: actor, correlationID: correlatie, contentHash: vingerafdruk), occurredAt: datum.tijdstip))
            }
            do {
                let resultaat = try await store.append(to: trajectID.stroom, expected: versie == 0 ? .noStream : .exact(versie), events)
                // A concurrent request with the same ids may have stored its events first; the store then
                // returns those as a retry. Only the same content makes it one.
                if eventIDs != nil, try await store.contentHashes(of: ids) != vingerafdrukken() { throw TrajectFout.andereHerhaling }
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

    /// The stored events and result of a batch with these ids, if it was stored before;
    /// `andereHerhaling` when they were stored with other events (compared without personal data,
    /// which is stored encrypted; the caller compares fingerprints, which cover it).
    private static func eerder(
        _ ids: [UUID], _ nieuw: [(Gebeurtenis, Datum)], in stored: [(RecordedEvent, Gebeurtenis, Datum)]
    ) throws -> (events: [RecordedEvent], resultaat: AppendResult)? {
        let byID = Dictionary(stored.map { ($0.0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let found = ids.compactMap { byID[$0] }
        guard let laatste = found.last else { return nil }
        guard found.count == ids.count else { throw TrajectFout.andereHerhaling }
        for ((event, gebeurtenis, datum), (wens, wensDatum)) in zip(found, nieuw) {
            let zonder = try Gebeurtenis.lees(type: wens.type, opgeslagen: Data(try wens.payloadZonderPersoonsgegevens().utf8))
            guard event.type == wens.type, datum == wensDatum, gebeurtenis == zonder else { throw TrajectFout.andereHerhaling }
        }
        return (found.map(\.0), AppendResult(streamVersion: laatste.0.streamVersion, positions: found.map(\.0.globalPosition)))
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
