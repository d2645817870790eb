import EventStore
import Foundation
import Postgres

/// A small event for tests.
func event(_ type: String = "gebeurd", id: UUID = UUID(), n: Int = 0) -> NewEvent {
    NewEvent(
        id: id, type: type, data: "{\"n\": \(n)}", metadata: EventMetadata(actor: "test"),
        occurredAt: Date(timeIntervalSince1970: 1_790_812_800))
}
