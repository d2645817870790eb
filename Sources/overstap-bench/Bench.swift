import ArgumentParser
import Crypto
import EventStore
import Foundation
import Overstap
import OverstapHTTP
import OverstapOpslag
import OverstapCLI
import Postgres

/// `overstap-bench`: speed as ratios against raw PostgreSQL measured in the same run, on the same
/// server (docs/performance.md). Its own executable: it is not built into the image.
@main
struct Bench: AsyncParsableCommand, OverstapCommand {
    static let configuration = CommandConfiguration(
        commandName: "overstap-bench",
        abstract: "Benchmark Overstap against raw PostgreSQL on the same server, in the same run.",
        discussion: """
            Works in two databases of its own (overstap_bench_schrijven, overstap_bench_natie) on the server \
            of DATABASE_URL or the embedded one, made afresh and dropped afterwards. Figures: a) single-event \
            appends at 1/8/32 writers, b) a case as one batch, c) COPY import, d) projection rebuild, \
            e) read latencies, f) the nightly job, g) HTTP with wrk, h) /ready and a write under 32 past lists \
            (a needs PostgreSQL's pgbench, g and h wrk and curl). Each repeatable figure is measured three times, \
            ours and raw in turn: median and worst. Build with \
            `swift build -c release` first; debug builds measure the debugger's code.
            """)

    /// Runs the benchmark; failures become one line on stderr and exit status 1.
    static func main() async { await voerUit(Self.self, naam: "overstap-bench") }

    @Option(help: "standaard (8 regions × 750 cases, a few minutes) or nl (40 regions × 1,500 cases).")
    var schaal = "standaard"
    @Option(help: "Aim the nation at about this many events instead (up to 10,000,000).")
    var events: Int?
    @Option(help: "Seconds per throughput measurement.")
    var duur = 5
    @Flag(help: "Print one JSON object instead of the table.")
    var json = false
    @Flag(help: "Keep the bench databases.")
    var behoud = false
    @Option(help: "Only these figures, by letter (a, b, c each alone; any of d–h runs the nation and all of d–h), e.g. a or a,c.")
    var alleen: String?

    /// Events per case in the demo mix.
    static let perTraject = 17.5

    func run() async throws {
        let (regios, perRegio) = try omvang()
        let letters = try gekozen()
        let voortgang: @Sendable (String) -> Void = { FileHandle.standardError.write(Data("bench: \($0)\n".utf8)) }
        let migrator = try Migrator(directory: Migrator.defaultDirectory())
        try await Database.with { database in
            func verse(_ naam: String) async throws -> PostgresPool {
                try await database.pool.query("DROP DATABASE IF EXISTS \(identifier: naam) WITH (FORCE)")
                try await database.pool.query("CREATE DATABASE \(identifier: naam)")
                let pool = PostgresPool(database.configuration.with(database: naam), maximumConnections: 40)
                try await migrator.migrate(pool)
                return pool
            }
            let duur = Duration.seconds(duur)
            var figuren: [Figuur] = []
            if !letters.isDisjoint(with: "abc") {
                voortgang("writing figures (\(letters.intersection("abc").sorted().map(String.init).joined(separator: ", "))), "
                          + "\(self.duur) s per measurement")
                let schrijfPool = try await verse("overstap_bench_schrijven")
                figuren = try await Schrijven(store: EventStore(pool: schrijfPool), duur: duur, voortgang: voortgang).figuren(letters)
                await schrijfPool.close()
            }
            guard !letters.isDisjoint(with: "defgh") else {
                try await ruimOp(database)
                try druk(Uitslag(schaal: nil, figuren: figuren))
                return
            }

            let natiePool = try await verse("overstap_bench_natie")
            let trajecten = Trajecten(store: EventStore(pool: natiePool), kluis: Kluis(pool: natiePool, sleutelring: try Self.sleutelring()))
            let instellingen = RegioInstellingen()
            let natie = Natie(trajecten: trajecten, instellingen: instellingen, regios: regios, perRegio: perRegio, voortgang: voortgang,
                              overzichten: Overzichten(pool: natiePool, instellingen: instellingen))
            voortgang("loading \(regios) regions × \(perRegio) cases through the append path")
            let (laadtijd, ids) = try await Meting.tijd { try await natie.laad() }
            let aantal = try await trajecten.store.count()
            figuren.append(Figuur("laden", "loading the nation case by case (decide, encrypt, append), 4 regions at a time",
                                  eenheid: "events/s", ons: Double(aantal) / laadtijd, ruw: nil))
            let (bijwerktijd, _) = try await Meting.tijd { try await trajecten.projectie(natie.instellingen).catchUp() }
            figuren.append(Figuur("projectie_bijwerken", "the projection following the load (catch-up)", eenheid: "events/s",
                                  ons: Double(aantal) / bijwerktijd, ruw: nil))
            figuren.append(try await natie.herbouw(aantal: aantal))
            figuren += try await natie.latenties(ids)
            figuren.append(try await natie.nacht())
            // The running service applies the night's flags as they come; here we do it before the HTTP load.
            try await trajecten.projectie(natie.instellingen).catchUp()
            // The service as `serve` composes it: lists and token checks / `/ready` apart from the writes.
            let dienst = Dienst(trajecten: trajecten, instellingen: natie.instellingen, metrieken: Metrieken.start(),
                                vandaag: { Natie.peildatum })
            do {
                figuren += try await HTTPLast(dienst: dienst, duur: duur, voortgang: voortgang).figuren()
            } catch {
                await dienst.sluit()
                throw error
            }
            await dienst.sluit()
            await natiePool.close()
            try await ruimOp(database)
            let schaal = Schaal(regios: regios, trajecten: ids.count, gebeurtenissen: aantal, seconden: duur.components.seconds)
            try druk(Uitslag(schaal: schaal, figuren: figuren))
        }
    }

    /// The figure letters `--alleen` names (all of a–h without it); throws a one-line error for
    /// anything else.
    func gekozen() throws -> Set<Character> {
        guard let alleen else { return Set("abcdefgh") }
        let letters = alleen.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard letters.allSatisfy({ $0.count == 1 && "abcdefgh".contains($0) }) else {
            throw CLIFout("--alleen takes figure letters a to h, separated by commas, not \"\(alleen.prefix(40))\". "
                          + "Hint: --alleen a or --alleen a,b,c")
        }
        return Set(letters.joined())
    }

    /// Prints `uitslag` to standard output: JSON with `--json`, else a table.
    func druk(_ uitslag: Uitslag) throws {
        print(json ? try uitslag.json() : uitslag.tabel(), terminator: "")
    }

    /// Drops the bench databases unless `--behoud` asks to keep them.
    func ruimOp(_ database: Database) async throws {
        guard !behoud else { return }
        for naam in ["overstap_bench_schrijven", "overstap_bench_natie"] {
            try await database.pool.query("DROP DATABASE IF EXISTS \(identifier: naam) WITH (FORCE)")
        }
    }

    /// Regions and cases per region for the options given.
    func omvang() throws -> (Int, Int) {
        if let events {
            guard (10_000...10_000_000).contains(events) else { throw CLIFout("--events must be 10000 to 10000000") }
            let trajecten = Int(Double(events) / Self.perTraject)
            let regios = max(1, (trajecten + 1499) / 1500)
            return (regios, trajecten / regios)
        }
        switch schaal {
        case "standaard": return (8, 750)
        case "nl": return (40, 1500)
        default: throw CLIFout("unknown scale '\(schaal)'. Hint: standaard or nl, or --events N")
        }
    }

    /// The key from the environment if there is one; the bench's data is synthetic, so a fresh key will do.
    static func sleutelring() throws -> Sleutelring {
        if let sleutelring = try? Sleutelring.uitOmgeving() { return sleutelring }
        let sleutel = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
        return Sleutelring(actief: try .init(base64: sleutel, waar: "bench"))
    }
}

struct Schaal: Encodable {
    let regios: Int
    let trajecten: Int
    let gebeurtenissen: Int
    let seconden: Int64
}

/// The result: a table for people, JSON for tools, with the issue's targets.
struct Uitslag: Encodable {
    /// The nation's size; `nil` when only writing figures ran (`--alleen a,b,c`).
    let schaal: Schaal?
    let figuren: [Figuur]

    /// Target per figure (issues 9 and 17): a minimum ratio, or a maximum in the figure's own unit,
    /// judged on the worst run (every run must meet it); `nil` when the target speaks of another
    /// scale than the one measured.
    static let doelen: [String: (String, @Sendable (Figuur, Schaal?) -> Bool?)] = [
        "a_append_8": ("ratio ≥ 0.7", { f, _ in (f.verhoudingSlechtst ?? 0) >= 0.7 }),
        "b_batch_append": ("ratio ≥ 0.8", { f, _ in (f.verhoudingSlechtst ?? 0) >= 0.8 }),
        "c_copy_import": ("ratio ≥ 0.8", { f, _ in (f.verhoudingSlechtst ?? 0) >= 0.8 }),
        "d_rebuild": ("ratio ≥ 0.5", { f, _ in (f.verhoudingSlechtst ?? 0) >= 0.5 }),
        "e_tijdlijn_p99": ("< 5 ms", { f, _ in f.onsSlechtst < 5 }),
        "e_risicolijst_p99": ("< 50 ms", { f, _ in f.onsSlechtst < 50 }),
        // Judged per 60,000 cases from that size up (a smaller nation is mostly fixed costs).
        "f_nightly": ("< 10 s per 60,000 cases", { f, schaal in
            schaal.flatMap { $0.trajecten >= 60_000 ? f.onsSlechtst * 60_000 / Double($0.trajecten) < 10 : nil } }),
        "g_risicolijst_rps": ("ratio ≥ 0.5", { f, _ in (f.verhoudingSlechtst ?? 0) >= 0.5 }),
    ]

    /// Whether `f` meets its target at this scale (`nil`: no target, or not at this scale).
    func haalt(_ f: Figuur) -> Bool? { Self.doelen[f.naam].flatMap { $0.1(f, schaal) } }

    func tabel() -> String {
        func getal(_ x: Double?) -> String {
            guard let x else { return "-" }
            return x >= 100 ? String(format: "%.0f", x) : String(format: "%.2f", x)
        }
        let kop = schaal.map { "Overstap bench: \($0.regios) regions, \($0.trajecten) cases, \($0.gebeurtenissen) events\n\n" }
            ?? "Overstap bench: writing figures only\n\n"
        return kop + Tabel.tekst(["figure", "ours", "worst", "raw", "worst", "ratio", "worst", "unit", "target", ""], figuren.map { f in
            let doel = Self.doelen[f.naam]
            return [f.naam, getal(f.ons), f.runs > 1 ? getal(f.onsSlechtst) : "", getal(f.ruw), f.runs > 1 ? getal(f.ruwSlechtst) : "",
                    getal(f.verhouding), f.runs > 1 ? getal(f.verhoudingSlechtst) : "", f.eenheid, doel?.0 ?? "",
                    doel == nil ? "" : haalt(f).map { $0 ? "met" : "MISSED" } ?? "other scale"]
        }) + """

            ours, raw: the median of \(Meting.runs) runs taken in turn (once for laden, projectie_bijwerken, f, h); worst: the worst run.
            ratio: 1.0 = as fast as raw PostgreSQL, 0.5 = half as fast (rates: ours ÷ raw; times: raw ÷ ours); worst: our
            worst run against raw's median. Targets are judged on the worst. Figure a's raw is pgbench (ruwKlant in --json: the
            same INSERT from Swift through libpq).

            """
    }

    func json() throws -> String {
        struct Document: Encodable {
            let schaal: Schaal?
            let figuren: [String: Figuur]
            let doelen: [String: Bool]
        }
        let document = Document(
            schaal: schaal, figuren: Dictionary(uniqueKeysWithValues: figuren.map { ($0.naam, $0) }),
            doelen: Dictionary(uniqueKeysWithValues: figuren.compactMap { f in haalt(f).map { (f.naam, $0) } }))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }
}
