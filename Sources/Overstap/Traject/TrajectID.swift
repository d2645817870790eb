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
    /// any other stream.
    public init?(stroom: String) {
        guard stroom.hasPrefix(Self.voorvoegsel), let uuid = UUID(uuidString: String(stroom.dropFirst(Self.voorvoegsel.count))),
            Self.voorvoegsel + uuid.uuidString.lowercased() == stroom
        else { return nil }
        self.stroom = stroom
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
