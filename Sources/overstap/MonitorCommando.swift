import ArgumentParser
import Overstap
import OverstapCLI
import OverstapOpslag

/// `overstap monitor --schooljaar 2025-2026 [--regio R] [--peildatum D] [--bekend-op D] [--deelbaar] [--csv]`.
struct MonitorCommando: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Print the regional monitor of a school year's cohort, split, beside the two school years before it.",
        discussion: """
            Without --regio: the national roll-up, always with small cells hidden (<5). With --regio: the region's \
            own figures; --deelbaar hides small cells for figures that leave the region (docs/api.md, "Monitor").
            """)
    @Option(help: "The cohort: cases expected to start in this school year (YYYY-YYYY); default the peildatum's.") var schooljaar: String?
    /// NFC, as the payloads it is compared with (as `RegioOpties`).
    @Option(help: "Region; without it, every region (the national roll-up).", transform: Tekstsoort.genormaliseerd) var regio: String?
    @Option(help: "As of this day (YYYY-MM-DD); default today in Europe/Amsterdam.") var peildatum: String?
    @Option(name: .customLong("bekend-op"), help: "Only what had been recorded by this day (Europe/Amsterdam).") var bekendOp: String?
    @Flag(help: "Hide counts below 5, and what would reveal them (always so without --regio).") var deelbaar = false
    @Flag(help: "Write CSV (UTF-8 with a byte order mark) for a spreadsheet.") var csv = false
    @Option(help: "With --csv: komma (RFC 4180) or puntkomma (Excel and LibreOffice with Dutch settings).")
    var scheidingsteken: Tabel.Scheidingsteken = .komma

    func run() async throws {
        let dag = try OverstapCLI.peildatum(peildatum)
        let bekend = try bekendOp.map { try OverstapCLI.peildatum($0) }
        let jaar = try schooljaar.map { tekst in
            guard let jaar = Schooljaar(tekst), (1900...2099).contains(jaar.beginjaar) else {
                throw CLIFout("'\(tekst)' is not a school year. Hint: write it as 2025-2026 (1900-1901 … 2099-2100)")
            }
            return jaar
        } ?? Schooljaar(dag)
        try await Omgeving.met { omgeving in
            let (monitor, vergelijking) = try await omgeving.overzichten.monitor(
                regio: regio, schooljaar: jaar, op: dag, bekendOp: bekend, deelbaar: deelbaar)
            let rijen = monitor.rijen(vergelijking: vergelijking)
            print(csv ? Tabel.csv(Monitor.kolommen, rijen, scheidingsteken: scheidingsteken, getalkolommen: Monitor.getalkolommen)
                : Tabel.tekst(Monitor.kolommen, rijen), terminator: "")
        }
    }
}
