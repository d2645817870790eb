import Foundation

/// A case's identity, in the two forms it is written in: the log's stream id `traject-<uuid>`
/// (`stroom`; also the key of every read model) and the bare lower-case uuid of paths and JSON
/// (`pad`). The one place that knows the prefix.
public struct TrajectID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// `traject-<uuid>`, as the log and the read models hold it.
    public let stroom: String

    private static let voorvoegsel = "traject-"

    /// The case with this uuid.
    public init(_ uuid: UUID) { stroom = Self.voorvoegsel + uuid.uuidString.lowercased() }

    /// A stream id of a case (`traject-` and a lower-case uuid, as `init(_:)` writes it); `nil` for
    /// any other stream. Checked byte by byte: every list reads one per case, and parsing it with
    /// `UUID` (sscanf) and printing it back cost a tenth of a list's time (issue 17).
    public init?(stroom: String) {
        guard Self.isCanoniek(stroom) else { return nil }
        self.stroom = stroom
    }

    /// Whether `stroom` is `traject-` and 36 characters of a lower-case uuid: hex digits `0-9a-f`
    /// in groups of 8, 4, 4, 4 and 12, joined by `-` (what `UUID.uuidString.lowercased()` writes).
    private static func isCanoniek(_ stroom: String) -> Bool {
        var utf8 = stroom.utf8.makeIterator()
        for teken in voorvoegsel.utf8 { guard utf8.next() == teken else { return false } }
        for plek in 0..<36 {
            guard let teken = utf8.next() else { return false }
            if plek == 8 || plek == 13 || plek == 18 || plek == 23 {
                guard teken == UInt8(ascii: "-") else { return false }
            } else {
                guard (48...57).contains(teken) || (97...102).contains(teken) else { return false }
            }
        }
        return utf8.next() == nil
    }

    /// The case named by a path or JSON id: a uuid in any case; `nil` for anything else.
    public init?(pad: String) {
        guard let uuid = UUID(uuidString: pad) else { return nil }
        self.init(uuid)
    }

    /// The id as paths and JSON show it: the stream id without its prefix.
    public var pad: String { String(stroom.dropFirst(Self.voorvoegsel.count)) }

    public var description: String { stroom }

    /// In the order of their stream ids (the order of the read models' key).
    public static func < (a: TrajectID, b: TrajectID) -> Bool { a.stroom < b.stroom }
}
