import Overstap
import Postgres

/// A domain day is a PostgreSQL `date`, exchanged as `YYYY-MM-DD`.
extension Datum: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { description }
    public init?(postgresText: String) { self.init(postgresText) }
    public static var postgresTypeName: String { "date" }
}
