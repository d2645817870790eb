import EventStore
import Foundation
import Overstap

extension Gebeurtenis {
    /// A stored event as the rules and read models see it: decoded without its (encrypted)
    /// `persoonsgegevens`, with that payload text.
    package static func lees(_ event: RecordedEvent) throws -> (gebeurtenis: Gebeurtenis, payload: String) {
        let payload = try PayloadJSON.zonderPersoonsgegevens(event.data)
        return (try lees(type: event.type, schemaversie: event.schemaVersion, opgeslagen: Data(payload.utf8)), payload)
    }
}
