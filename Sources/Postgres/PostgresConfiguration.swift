import CLibPQ
import Foundation

/// Where and how to connect: a libpq URL (`postgresql://user@host:5432/db`) or keyword string,
/// plus overrides that win over what the URL says.
public struct PostgresConfiguration: Sendable {
    /// The connection URL or keyword/value string, as in `DATABASE_URL`.
    public var url: String
    /// The database to use instead of the URL's.
    public var database: String?
    /// A role to `SET ROLE` to right after connecting (the application role without UPDATE/DELETE).
    public var role: String?
    /// Seconds libpq waits for a connection before giving up (so an unreachable host never hangs).
    public var connectTimeoutSeconds: Int
    /// Shown in `pg_stat_activity`.
    public var applicationName: String
    /// Server settings for every session of this configuration, sent at connect through libpq's
    /// `options` (`statement_timeout`, `lock_timeout`, …); names and values without spaces.
    public var sessionSettings: [String: String] = [:]

    /// Creates a configuration.
    public init(
        url: String, database: String? = nil, role: String? = nil,
        connectTimeoutSeconds: Int = 10, applicationName: String = "overstap"
    ) {
        self.url = url
        self.database = database
        self.role = role
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.applicationName = applicationName
    }

    /// The same server with another database.
    public func with(database: String) -> PostgresConfiguration {
        var copy = self
        copy.database = database
        return copy
    }

    /// The configuration as one libpq keyword/value string (`host='…' dbname='…'`) for another libpq
    /// program such as `pgbench`, and its password apart: hand the password to the program in its
    /// environment (`PGPASSWORD`), never on its command line, where any local user can read it. The
    /// URL's settings as libpq parses them, with `database` in place of its database; `role`,
    /// `sessionSettings` and the timeouts are not included. Throws a `connectionFailed` error
    /// (redacted) when libpq cannot parse the URL.
    package func conninfo() throws -> (conninfo: String, password: String?) {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &error) else {
            let message = error.map { String(cString: $0) } ?? "cannot parse the connection URL"
            error.map { PQfreemem($0) }
            throw PostgresError(code: .connectionFailed, message: redacted(message))
        }
        defer { PQconninfoFree(options) }
        var pairs: [(String, String)] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { pairs.append((String(cString: keyword), String(cString: value))) }
            option += 1
        }
        if let database { pairs = pairs.filter { $0.0 != "dbname" } + [("dbname", database)] }
        let password = pairs.first { $0.0 == "password" }?.1
        let text = pairs.filter { $0.0 != "password" }.map { keyword, value in
            "\(keyword)='" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }.joined(separator: " ")
        return (text, password)
    }

    /// Keyword/value pairs for `PQconnectdbParams` (with `expand_dbname`): the URL first, so that
    /// the later entries override it; libpq treats only the first `dbname` as a URL.
    var keywordValuePairs: [(String, String)] {
        var pairs = [("dbname", url)]
        if let database { pairs.append(("dbname", database)) }
        if !url.contains("connect_timeout") {
            pairs.append(("connect_timeout", String(connectTimeoutSeconds)))
        }
        pairs.append(("application_name", applicationName))
        if !sessionSettings.isEmpty {
            pairs.append(("options", sessionSettings.sorted { $0.key < $1.key }.map { "-c \($0.key)=\($0.value)" }.joined(separator: " ")))
        }
        pairs.append(("client_encoding", "UTF8"))
        return pairs
    }

    /// Removes the URL's password from a message before it is shown anywhere.
    func redacted(_ message: String) -> String {
        var text = message.replacingOccurrences(of: url, with: "<DATABASE_URL>")
        if let password = Self.password(in: url), !password.isEmpty {
            text = text.replacingOccurrences(of: password, with: "***")
        }
        return text
    }

    /// The password in `scheme://user:password@host…` or `password=…`, if any.
    static func password(in url: String) -> String? {
        if let scheme = url.range(of: "://") {
            let rest = url[scheme.upperBound...]
            guard let at = rest.firstIndex(of: "@") else { return nil }
            let userInfo = rest[..<at]
            guard let colon = userInfo.firstIndex(of: ":") else { return nil }
            return String(userInfo[userInfo.index(after: colon)...])
        }
        guard let range = url.range(of: "password=") else { return nil }
        return String(url[range.upperBound...].prefix { !$0.isWhitespace })
    }
}
