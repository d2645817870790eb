import Foundation
import OverstapCLI
import Postgres
import Proces

/// PostgreSQL's own `pgbench` as figure a's baseline (issue 17): the single-row `INSERT` an append
/// amounts to, into `bench_pgbench` (a table like `events`: its defaults, identity, constraints
/// and indexes), prepared (`-M prepared`), one stream per client with rising versions, as many
/// clients as our writers, for the same time. What no client library can beat on this server.
struct PgBench {
    /// The pgbench binary.
    let pad: String
    /// Where it connects (`PostgresConfiguration.conninfo`), without the password.
    let conninfo: String
    /// The password, handed to pgbench as `PGPASSWORD` (never on its command line).
    let wachtwoord: String?

    /// Finds pgbench (on `PATH`, or in Debian's `/usr/lib/postgresql/*/bin`); throws a one-line
    /// error with a hint when there is none.
    init(configuratie: PostgresConfiguration) throws {
        let paden = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").map { "\($0)/pgbench" }
            + ["/usr/lib/postgresql/17/bin/pgbench", "/usr/lib/postgresql/16/bin/pgbench", "/usr/lib/postgresql/15/bin/pgbench"]
        guard let pad = paden.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw CLIFout("pgbench is not installed. Hint: apt-get install postgresql (Debian puts it in /usr/lib/postgresql/15/bin)")
        }
        self.pad = pad
        (conninfo, wachtwoord) = try configuratie.conninfo()
    }

    /// The table pgbench writes to, like `events`.
    static let tabel = """
        CREATE TABLE IF NOT EXISTS bench_pgbench (LIKE events INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING INDEXES)
        """

    /// Inserts per second with `clients` clients for `duur`, each its own stream (a fresh one per call).
    func inserts(clients: Int, duur: Duration) async throws -> Double {
        let map = FileManager.default.temporaryDirectory.appendingPathComponent("overstap-pgbench-\(UUID())")
        try FileManager.default.createDirectory(at: map, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: map) }
        let script = map.appendingPathComponent("append.sql")
        let stroom = "pg-\(UUID().uuidString.prefix(8))"
        // `versie` lives per client across its transactions; `-D` starts it at 0. pgbench reads
        // `:name` as a variable even inside a string, so the payload's colons are written `\x3a`.
        func letterlijk(_ tekst: String) -> String {
            "E'" + tekst.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
                .replacingOccurrences(of: ":", with: "\\x3a") + "'"
        }
        try """
            \\set versie :versie + 1
            INSERT INTO bench_pgbench (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, occurred_at)
            VALUES ('\(stroom)-' || :client_id, :versie, gen_random_uuid(), 'contactmoment', 1, \(letterlijk(Schrijven.data)),
                    \(letterlijk(Schrijven.metadata)), now());

            """.write(to: script, atomically: true, encoding: .utf8)
        let uitvoer = map.appendingPathComponent("pgbench.txt").path
        let seconden = max(1, Int(Meting.seconds(duur)))
        let opdracht = [pad, "-n", "-M", "prepared", "-c", String(clients), "-j", String(min(clients, 8)), "-T", String(seconden),
                        "-D", "versie=0", "-f", script.path, conninfo]
        let omgeving = wachtwoord.map { ["PGPASSWORD": $0] } ?? [:]
        let status = try await Meting.eigenDraad { try spawnAndWait(opdracht, outputPath: uitvoer, environment: omgeving) }
        let tekst = (try? String(contentsOfFile: uitvoer, encoding: .utf8)) ?? ""
        // pgbench 14 and later print one `tps = … (without initial connection time)`; older ones
        // two, the one without connecting `(excluding connections establishing)`.
        let regels = tekst.split(separator: "\n").filter { $0.hasPrefix("tps = ") }
        guard status == 0, let regel = regels.first(where: { $0.contains("without") || $0.contains("excluding") }) ?? regels.first,
            let tps = regel.dropFirst("tps = ".count).split(separator: " ").first.flatMap({ Double($0) }),
            !tekst.contains("aborted")
        else {
            // Its last line says why (a connection or SQL error; the bench's data is synthetic).
            let waarom = tekst.split(separator: "\n").first { $0.contains("error") }.map { ": " + $0 } ?? ""
            throw CLIFout("pgbench failed (status \(status))\(waarom). Hint: run it by hand: \(pad) -n -T 5 -f <script> '<conninfo>'")
        }
        return tps
    }
}
