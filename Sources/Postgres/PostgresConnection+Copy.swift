import CLibPQ

/// Rows in `COPY … FROM STDIN` text format, built value by value: tab-separated, `\N` for NULL,
/// backslashes, tabs and line ends escaped. Each value goes in its PostgreSQL text form
/// (`postgresText`), as a bind would.
public struct CopyRows: Sendable {
    /// The encoded rows, each ending in a line feed.
    public internal(set) var bytes: [UInt8] = []
    /// Rows ended so far.
    public internal(set) var count = 0
    @usableFromInline var valuesInRow = 0

    /// An empty set of rows.
    public init() {}

    /// Appends the next column's value of the current row; `nil` is NULL. Inlinable, so that each
    /// caller's value type is known where it is written (no generic lookup per value).
    @inlinable
    public mutating func append(_ value: (some PostgresEncodable)?) {
        append(text: value?.postgresText)
    }

    @usableFromInline
    mutating func append(text: String?) {
        if valuesInRow > 0 { bytes.append(UInt8(ascii: "\t")) }
        valuesInRow += 1
        guard let text else {
            bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            default: bytes.append(byte)
            }
        }
    }

    /// Ends the current row.
    public mutating func endRow() {
        bytes.append(UInt8(ascii: "\n"))
        valuesInRow = 0
        count += 1
    }

    /// Hands over the bytes encoded so far and starts empty again (the row count goes on).
    mutating func takeBytes() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }
}

extension PostgresConnection {
    /// Bulk-loads rows with `COPY … FROM STDIN` (text format). Each row holds the columns'
    /// text values in the order the statement names them; `nil` is NULL. Returns the rows loaded.
    /// The caller vouches that `copyStatement` holds no untrusted input.
    /// Rows are encoded and sent 64 KiB at a time, so a large load is never held twice in memory.
    @discardableResult
    public func copyIn(unsafeSQL copyStatement: String, rows: [[String?]]) async throws -> Int {
        try await copyIn(unsafeSQL: copyStatement) { send in
            var encoded = CopyRows()
            for row in rows {
                for value in row { encoded.append(value) }
                encoded.endRow()
                if encoded.bytes.count >= Self.copyChunk { try send(encoded.takeBytes()) }
            }
            try send(encoded.takeBytes())
        }
    }

    /// Bulk-loads `rows` with `COPY … FROM STDIN` (text format); returns the rows loaded. Throws
    /// `PostgresError` when the server refuses the statement or a row (nothing is loaded then).
    /// The caller vouches that `copyStatement` holds no untrusted input.
    @discardableResult
    public func copyIn(unsafeSQL copyStatement: String, _ rows: CopyRows) async throws -> Int {
        try await copyIn(unsafeSQL: copyStatement) { send in try send(rows.bytes) }
    }

    /// How much COPY data goes to libpq at once.
    static let copyChunk = 1 << 16

    /// Starts `copyStatement`, lets `produce` hand over the data (any number of pieces, each sent
    /// in chunks of `copyChunk`), ends it and returns the rows loaded.
    private func copyIn(unsafeSQL copyStatement: String, produce: @escaping @Sendable (_ send: ([UInt8]) throws -> Void) throws -> Void)
        async throws -> Int
    {
        try Task.checkCancellation()
        return try await cancellable { connection in
            guard let start = PQexec(connection, copyStatement) else {
                throw Self.connectionError(connection, query: copyStatement)
            }
            guard PQresultStatus(start) == PGRES_COPY_IN else {
                defer { PQclear(start) }
                if PQresultStatus(start) == PGRES_FATAL_ERROR {
                    throw Self.error(of: start, connection: connection, query: copyStatement)
                }
                throw PostgresError(
                    code: .copyFailed, message: "statement is not a COPY … FROM STDIN", query: copyStatement)
            }
            PQclear(start)
            try produce { data in
                try data.withUnsafeBufferPointer { bytes in
                    try bytes.withMemoryRebound(to: CChar.self) { bytes in
                        var offset = 0
                        while offset < bytes.count {
                            let size = min(Self.copyChunk, bytes.count - offset)
                            guard PQputCopyData(connection, bytes.baseAddress.map { $0 + offset }, Int32(size)) == 1 else {
                                throw Self.connectionError(connection, query: copyStatement)
                            }
                            offset += size
                        }
                    }
                }
            }
            guard PQputCopyEnd(connection, nil) == 1 else {
                throw Self.connectionError(connection, query: copyStatement)
            }
            var loaded = 0
            var failure: PostgresError?
            while let result = PQgetResult(connection) {
                do { loaded += try Self.rows(of: result, connection: connection, query: copyStatement).affectedRows }
                catch let error as PostgresError { failure = failure ?? error }
            }
            if let failure { throw failure }
            return loaded
        }
    }
}
