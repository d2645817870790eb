import CLibPQ

extension PostgresConnection {
    /// Bulk-loads rows with `COPY … FROM STDIN` (text format). Each row holds the columns'
    /// text values in the order the statement names them; `nil` is NULL. Returns the rows loaded.
    /// The caller vouches that `copyStatement` holds no untrusted input.
    @discardableResult
    public func copyIn(unsafeSQL copyStatement: String, rows: [[String?]]) async throws -> Int {
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
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 16)
            func flush() throws {
                guard !buffer.isEmpty else { return }
                let sent = buffer.withUnsafeBufferPointer { bytes in
                    bytes.withMemoryRebound(to: CChar.self) {
                        PQputCopyData(connection, $0.baseAddress, Int32($0.count))
                    }
                }
                guard sent == 1 else { throw Self.connectionError(connection, query: copyStatement) }
                buffer.removeAll(keepingCapacity: true)
            }
            for row in rows {
                appendCopyLine(row, to: &buffer)
                if buffer.count >= 1 << 16 { try flush() }
            }
            try flush()
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

/// Appends one row in COPY text format: tab-separated, `\N` for NULL, backslash escapes.
func appendCopyLine(_ row: [String?], to buffer: inout [UInt8]) {
    for (index, value) in row.enumerated() {
        if index > 0 { buffer.append(UInt8(ascii: "\t")) }
        guard let value else {
            buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
            continue
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\t"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case UInt8(ascii: "\n"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            default: buffer.append(byte)
            }
        }
    }
    buffer.append(UInt8(ascii: "\n"))
}
