import EventStore
import Foundation
import Logging
import Overstap
import Postgres

/// Where the storage side logs what it reads around (case ids and error kinds, never personal data).
let opslagLogger = Logger(label: "overstap.opslag")

/// A case's snapshot as read from `trajecten` (`kolommen`), and the one rule for when it holds.
struct StandRij {
    static let kolommen = "traject_id, stand_versie, laatste_datum, stand"

    let trajectID: TrajectID
    private let standVersie: Int?
    private let laatsteDatum: Datum?
    private let stand: Data?

    init(_ rij: PostgresRow) throws {
        trajectID = try rij.decode("traject_id")
        standVersie = try rij.decode("stand_versie")
        laatsteDatum = try rij.decode("laatste_datum")
        stand = try rij.decode("stand")
    }

    /// The case's state on `datum` (`nil`: with everything recorded) from the snapshot, when it is
    /// of the current shape and nothing is dated after `datum`; else `nil`: fold the timeline. A
    /// snapshot that does not decode (damaged bytes) is logged and folded around too; the
    /// projection writes a new one the next time it touches the case.
    func traject(geldigOp datum: Datum?) -> Traject? {
        guard standVersie == Traject.standVersie, let laatsteDatum, let stand, datum.map({ laatsteDatum <= $0 }) ?? true
        else { return nil }
        do {
            return try Traject(stand: stand)
        } catch {
            opslagLogger.warning("onleesbare stand; het traject wordt uit de tijdlijn herleid", metadata: ["traject.id": "\(trajectID)"])
            return nil
        }
    }
}

