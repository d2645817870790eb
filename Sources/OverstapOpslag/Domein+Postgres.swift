import Overstap
import Postgres

/// A domain day is a PostgreSQL `date`, exchanged as `YYYY-MM-DD`.
extension Datum: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { description }
    public init?(postgresText: String) { self.init(postgresText) }
    public static var postgresTypeName: String { "date" }
}

/// A case id is its stream id (`traject-<uuid>`) in a `text` column; any other text does not decode.
extension TrajectID: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { stroom }
    public init?(postgresText: String) { self.init(stroom: postgresText) }
    public static var postgresTypeName: String { "traject id" }
}
