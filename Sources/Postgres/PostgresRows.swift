/// The rows a statement returned, copied out of libpq's result (text format).
public struct PostgresRows: Sendable, RandomAccessCollection {
    /// Column names in result order.
    public let columns: [String]
    /// Rows changed by INSERT/UPDATE/DELETE/COPY, or returned by SELECT.
    public let affectedRows: Int
    @usableFromInline let cells: [String?]
    @usableFromInline let query: String

    public var startIndex: Int { 0 }
    public var endIndex: Int { columns.isEmpty ? 0 : cells.count / columns.count }

    public subscript(position: Int) -> PostgresRow {
        PostgresRow(rows: self, index: position)
    }

    @usableFromInline
    func columnIndex(_ name: String) -> Int? {
        columns.firstIndex(of: name)
    }
}

/// One row of a result; decode its columns by name.
public struct PostgresRow: Sendable {
    @usableFromInline let rows: PostgresRows
    @usableFromInline let index: Int

    /// The column's value as `T`; a NULL, a missing column or unparsable text throws an error that
    /// names the column and the type (never the value, which may be personal data). Inlinable, so
    /// that each caller's type is known where the text is parsed (no generic lookup per value).
    @inlinable
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let columnIndex = rows.columnIndex(column) else {
            throw decodingError(column, T.self, "no such column (have: \(rows.columns.joined(separator: ", ")))")
        }
        guard let text = rows.cells[index * rows.columns.count + columnIndex] else {
            guard let null = T.postgresNull else { throw decodingError(column, T.self, "value is NULL") }
            return null
        }
        guard let value = T(postgresText: text) else {
            throw decodingError(column, T.self, "value is not a valid \(T.postgresTypeName)")
        }
        return value
    }

    @usableFromInline
    func decodingError<T: PostgresDecodable>(_ column: String, _ type: T.Type, _ reason: String)
        -> PostgresError
    {
        PostgresError(
            code: .decoding,
            message: "cannot decode column \"\(column)\" as \(T.postgresTypeName): \(reason)",
            query: rows.query)
    }
}
