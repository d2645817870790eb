import EventStore
import Foundation
import Logging
import Overstap
import Postgres
import Synchronization

/// Where the storage side logs what it reads around (case ids and error kinds, never personal data).
let opslagLogger = Logger(label: "overstap.opslag")

/// A case's snapshot as read from `trajecten` (`kolommen`, or `kopKolommen` without the bytes),
/// and the one rule for when it holds.
struct StandRij {
    static let kolommen = "traject_id, versie, stand_versie, laatste_datum, stand"
    /// Everything but the snapshot's bytes: enough to tell whether it holds and to find it in a `StandCache`.
    static let kopKolommen = "traject_id, versie, stand_versie, laatste_datum"

    let trajectID: TrajectID
    /// The last version of the case's stream the snapshot covers.
    let versie: Int64
    private let standVersie: Int?
    private let laatsteDatum: Datum?
    private let stand: Data?

    /// Reads a row of `kolommen`, or of `kopKolommen` when `metStand` is false.
    init(_ rij: PostgresRow, metStand: Bool = true) throws {
        trajectID = try rij.decode("traject_id")
        versie = try rij.decode("versie")
        standVersie = try rij.decode("stand_versie")
        laatsteDatum = try rij.decode("laatste_datum")
        stand = metStand ? try rij.decode("stand") : nil
    }

    /// Whether the snapshot gives the case's state on `datum` (`nil`: with everything recorded):
    /// it is of the current shape and nothing is dated after `datum`.
    func houdt(op datum: Datum?) -> Bool {
        guard standVersie == Traject.standVersie, let laatsteDatum else { return false }
        return datum.map { laatsteDatum <= $0 } ?? true
    }

    /// The case's state on `datum` (`nil`: with everything recorded) from the snapshot, when it
    /// `houdt` then; else `nil`: fold the timeline. A snapshot that does not decode (damaged bytes)
    /// is logged and folded around too; the projection writes a new one the next time it touches
    /// the case.
    func traject(geldigOp datum: Datum?) -> Traject? {
        guard houdt(op: datum), let stand else { return nil }
        do {
            return try Traject(stand: stand)
        } catch {
            opslagLogger.warning("onleesbare stand; het traject wordt uit de tijdlijn herleid", metadata: ["traject.id": "\(trajectID)"])
            return nil
        }
    }
}

/// Decoded snapshots by case and version, shared by the lists of one service (issue 17: decoding
/// the snapshots was a quarter of a list's time). A version covers exactly one state (a rebuild
/// writes the same state under the same version), so an entry never goes stale; a case the
/// projection moves on is simply looked up under its new version. At most `maximum` entries; past
/// that it starts empty again. Holds no personal data (snapshots have none). Within one history of
/// the database: after a restore to an earlier point or a failover to a replica that lagged,
/// versions are written again with other states, so the service must be restarted then
/// (docs/operations.md).
final class StandCache: Sendable {
    static let maximum = 65_536
    private let inhoud = Mutex<[TrajectID: (versie: Int64, traject: Traject)]>([:])

    /// Whether nothing was kept yet (or since it started empty again).
    var isLeeg: Bool { inhoud.withLock { $0.isEmpty } }

    /// The case's state at `versie`, if decoded before.
    func traject(_ id: TrajectID, versie: Int64) -> Traject? {
        inhoud.withLock { inhoud in inhoud[id].flatMap { $0.versie == versie ? $0.traject : nil } }
    }

    /// Keeps `traject` as the state of case `id` at `versie`.
    func bewaar(_ traject: Traject, van id: TrajectID, versie: Int64) {
        inhoud.withLock { inhoud in
            if inhoud.count >= Self.maximum, inhoud[id] == nil { inhoud.removeAll(keepingCapacity: true) }
            inhoud[id] = (versie, traject)
        }
    }
}
