import Foundation
import Proces

/// A PostgreSQL cluster of our own: `initdb` on first use, `pg_ctl start`, a Unix socket in the
/// cluster's directory and no TCP listener. As root, the server programs run as user `postgres`
/// (`initdb` refuses root) on a directory that user owns.
public final class EmbeddedPostgres: Sendable {
    /// The directory holding `data/`, the socket and `postgres.log`.
    public let directory: String
    /// A libpq URL for the `postgres` database of this cluster.
    public let url: String
    private let binDirectory: String
    private let ownsServer: Bool
    private let removeOnStop: Bool

    private init(directory: String, binDirectory: String, ownsServer: Bool, removeOnStop: Bool) {
        self.directory = directory
        self.binDirectory = binDirectory
        self.ownsServer = ownsServer
        self.removeOnStop = removeOnStop
        self.url = "postgresql:///postgres?host=\(directory)&user=postgres"
    }

    /// Starts (creating it first if needed) the cluster in `directory`, or in a new temporary
    /// directory that `stop()` removes. A server already running there is reused and left running.
    /// `settings` go into `postgresql.conf` when the cluster is created.
    public static func start(
        directory: String? = nil, settings: [String: String] = [:]
    ) throws -> EmbeddedPostgres {
        let binDirectory = try findBinDirectory()
        let removeOnStop = directory == nil
        let directory = try directory.map(prepare) ?? makeTemporaryDirectory()
        let dataDirectory = directory + "/data"
        if isRoot, try spawnAndWait(["/usr/sbin/runuser", "-u", "postgres", "--", "test", "-w", directory]) != 0 {
            throw EmbeddedPostgresError(
                "user postgres cannot write to \(directory) (a parent directory is closed to it). "
                    + "Hint: set OVERSTAP_DATA_DIR to a directory it can reach, such as /var/tmp/overstap")
        }
        let cluster = EmbeddedPostgres(
            directory: directory, binDirectory: binDirectory, ownsServer: true, removeOnStop: removeOnStop)
        if !FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") {
            try cluster.run("initdb", ["-D", dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                                       "--locale=C", "--no-sync"])
            var config = [
                "listen_addresses": "''",
                "unix_socket_directories": "'\(directory)'",
                "max_connections": "200",
                "timezone": "'UTC'",
            ]
            config.merge(settings) { $1 }
            let lines = config.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }
            try appendLines(lines, to: dataDirectory + "/postgresql.conf")
        }
        if (try? cluster.run("pg_ctl", ["-D", dataDirectory, "status"])) != nil {
            return EmbeddedPostgres(
                directory: directory, binDirectory: binDirectory, ownsServer: false, removeOnStop: false)
        }
        try cluster.run("pg_ctl", ["-D", dataDirectory, "-l", directory + "/postgres.log", "-w", "-t", "60", "start"])
        return cluster
    }

    /// Stops the server if this process started it, and removes a temporary cluster.
    public func stop() {
        guard ownsServer else { return }
        _ = try? run("pg_ctl", ["-D", directory + "/data", "-m", removeOnStop ? "immediate" : "fast", "-w", "stop"])
        if removeOnStop { try? FileManager.default.removeItem(atPath: directory) }
    }

    // MARK: Helpers

    private static var isRoot: Bool { geteuid() == 0 }

    private static func findBinDirectory() throws -> String {
        let candidates = [ProcessInfo.processInfo.environment["OVERSTAP_PG_BINDIR"]].compactMap { $0 }
            + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
                .sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "/usr/lib/postgresql/\($0)/bin" }
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0 + "/pg_ctl") })
        else {
            throw EmbeddedPostgresError(
                "PostgreSQL server programs (initdb, pg_ctl) not found. Hint: apt-get install postgresql, "
                    + "set OVERSTAP_PG_BINDIR, or set DATABASE_URL to use a running server")
        }
        return found
    }

    private static func makeTemporaryDirectory() throws -> String {
        // Short on purpose: a Unix socket path must stay under 108 bytes.
        var template = Array("/tmp/overstap-pg-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw EmbeddedPostgresError("cannot create a temporary directory in /tmp")
        }
        return try prepare(String(cString: created))
    }

    /// Creates `path` if needed and, as root, hands it to user `postgres`.
    private static func prepare(_ path: String) throws -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: absolute, withIntermediateDirectories: true)
        if isRoot {
            guard let user = getpwnam("postgres") else {
                throw EmbeddedPostgresError(
                    "running as root needs a 'postgres' user to run the server. Hint: apt-get install postgresql")
            }
            guard chown(absolute, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
                throw EmbeddedPostgresError("cannot hand \(absolute) to user postgres")
            }
        }
        guard absolute.utf8.count < 90 else {
            throw EmbeddedPostgresError("\(absolute) is too long for a Unix socket path. Hint: use a shorter OVERSTAP_DATA_DIR")
        }
        return absolute
    }

    private static func appendLines(_ lines: [String], to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(("\n" + lines.joined(separator: "\n") + "\n").utf8))
    }

    /// Runs a server program (as `postgres` when we are root); throws with its output on failure.
    @discardableResult
    func run(_ program: String, _ arguments: [String]) throws -> String {
        let outputPath = directory + "/.\(program).out"
        defer { unlink(outputPath) }
        let command = Self.isRoot
            ? ["/usr/sbin/runuser", "-u", "postgres", "--", binDirectory + "/" + program] + arguments
            : [binDirectory + "/" + program] + arguments
        let status = try spawnAndWait(command, outputPath: outputPath)
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            let lastLines = text.split(separator: "\n").suffix(3).joined(separator: " ")
            throw EmbeddedPostgresError("\(program) failed (exit \(status)): \(lastLines)")
        }
        return text
    }
}

/// Why the embedded PostgreSQL could not be started.
public struct EmbeddedPostgresError: Error, CustomStringConvertible {
    /// One line, with a hint where there is one.
    public let description: String
    init(_ description: String) { self.description = description }
}

extension EmbeddedPostgres {
    /// Restarts the server (fast shutdown: open connections break).
    public func restart() throws {
        try run("pg_ctl", ["-D", directory + "/data", "-l", directory + "/postgres.log", "-m", "fast", "-w", "restart"])
    }

    /// Stops the server but keeps the directory, so `start(directory:)` can bring it back.
    public func halt() throws {
        try run("pg_ctl", ["-D", directory + "/data", "-m", "fast", "-w", "stop"])
    }
}
