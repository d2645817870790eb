/// A SQL statement whose interpolated values travel as binds (`$1`, `$2` …), never as SQL text.
///
/// ```swift
/// let rows = try await connection.query("SELECT * FROM events WHERE stream_id = \(stream)")
/// ```
/// SQL built from a run-time string needs the visibly unsafe `init(unsafeSQL:)`.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation {
    /// The SQL text with `$n` placeholders.
    public private(set) var sql: String
    /// The bound values in text format; `nil` is SQL NULL.
    public private(set) var binds: [String?]

    /// A statement from run-time text. The caller vouches that no untrusted input is in `sql`.
    public init(unsafeSQL sql: String, binds: [String?] = []) {
        self.sql = sql
        self.binds = binds
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(unsafeSQL: stringInterpolation.sql, binds: stringInterpolation.binds)
    }

    /// Collects literal SQL and turns each interpolated value into a bind.
    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var binds: [String?] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + 4 * interpolationCount)
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// Binds a value.
        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            binds.append(value.postgresText)
            sql += "$\(binds.count)"
        }

        /// Binds a value or NULL.
        public mutating func appendInterpolation(_ value: (some PostgresEncodable)?) {
            binds.append(value?.postgresText)
            sql += "$\(binds.count)"
        }

        /// Inserts an identifier (table, channel), double-quoted so it can never end the statement.
        public mutating func appendInterpolation(identifier: String) {
            sql += quotedIdentifier(identifier)
        }
    }
}

/// `name` as a double-quoted SQL identifier.
public func quotedIdentifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

extension PostgresQuery.StringInterpolation {
    /// Inserts trusted SQL text (a constant column list …) as is; never pass user input.
    public mutating func appendInterpolation(unsafeRaw sql: String) {
        self.sql += sql
    }
}
