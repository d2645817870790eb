/// The rows a statement returned, copied out of libpq's result (text format).
public struct PostgresRows: Sendable, RandomAccessCollection {
    /// What the rows share, held once: a row is this and its index, so that handing out a row
    /// costs one reference, not three (a list reads 750 rows per request; issue 17).
    @usableFromInline final class Storage: Sendable {
        @usableFromInline let columns: [String]
        @usableFromInline let cells: [String?]
        @usableFromInline let query: String

        init(columns: [String], cells: [String?], query: String) {
            (self.columns, self.cells, self.query) = (columns, cells, query)
        }

        @usableFromInline
        func columnIndex(_ name: String) -> Int? {
            columns.firstIndex(of: name)
        }
    }

    @usableFromInline let storage: Storage
    /// Rows changed by INSERT/UPDATE/DELETE/COPY, or returned by SELECT.
    public let affectedRows: Int

    init(columns: [String], affectedRows: Int, cells: [String?], query: String) {
        storage = Storage(columns: columns, cells: cells, query: query)
        self.affectedRows = affectedRows
    }

    /// Column names in result order.
    public var columns: [String] { storage.columns }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.columns.isEmpty ? 0 : storage.cells.count / storage.columns.count }

    public subscript(position: Int) -> PostgresRow {
        PostgresRow(rows: storage, index: position)
    }
}

/// One row of a result; decode its columns by name.
public struct PostgresRow: Sendable {
    @usableFromInline let rows: PostgresRows.Storage
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
