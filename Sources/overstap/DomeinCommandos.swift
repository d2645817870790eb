import ArgumentParser
import EventStore
import Foundation
import OverstapCLI
import Overstap
import OverstapOpslag
import Postgres
import OverstapDemo

/// `overstap demo`: loads a synthetic region.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a realistic synthetic region through the normal append path (the same seed gives the same region).")
    @Option(help: "Region name.") var regio = "Utrecht"
    @Option(help: "Number of students.") var leerlingen = 300
    @Option(help: "Number of coaches.") var coaches = 14
    @Option(help: "Random seed.") var seed: UInt64 = 2026

    func run() async throws {
        var demo = DemoRegio()
        demo.regio = regio
        demo.leerlingen = leerlingen
        demo.coaches = coaches
        demo.seed = seed
        try await Omgeving.met { omgeving in
            let ids = try await demo.laad(in: omgeving.trajecten) { print("  \($0) leerlingen geladen") }
            let verwerkt = try await omgeving.projectie.catchUp()
            print("Regio \(regio): \(ids.count) trajecten, \(verwerkt) nieuwe gebeurtenissen verwerkt.")
        }
    }
}

/// `overstap nightly`: the no-show check.
struct Nightly: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Flag no-shows, report missing follow-ups and forget past retention, as of a peildatum (default: today in Europe/Amsterdam); safe to re-run.",
        discussion: "A peildatum after today is refused: it would write flags dated in the future and forget students now.")
    @Option(help: "Check as of this day (YYYY-MM-DD), today or earlier.") var peildatum: String?

    func run() async throws {
        let dag = try OverstapCLI.peildatum(peildatum)
        guard dag <= Datum.vandaag() else {
            throw CLIFout("peildatum \(dag) lies after today (\(Datum.vandaag()), Europe/Amsterdam): nothing was written. Hint: the nightly job runs for today or a past day")
        }
        try await Omgeving.met { omgeving in
            let rapport = try await NoShowControle(trajecten: omgeving.trajecten, instellingen: omgeving.instellingen)
                .voerUit(peildatum: dag)
            let meldingen = rapport.meldingen
            let bewaartermijn = Bewaartermijn(trajecten: omgeving.trajecten, instellingen: omgeving.instellingen)
            let afgemaakt = try await bewaartermijn.maakVergetenAf(peildatum: dag)
            let vergeten = try await bewaartermijn.voerUit(peildatum: dag)
            try await omgeving.projectie.catchUp()
            let nametingen = try await omgeving.overzichten.nametingenVerlopen(op: dag)
            print(Tabel.tekst(["regio", "traject", "soort", "datum", "status"], meldingen.map {
                [$0.regio, $0.trajectID.stroom, $0.soort.rawValue, $0.datum.description, $0.nieuw ? "nieuw" : "al gemeld"]
            }), terminator: "")
            print("No-show controle \(dag): \(meldingen.filter(\.nieuw).count) nieuw gesignaleerd, \(meldingen.filter { !$0.nieuw }.count) al eerder gesignaleerd.")
            if !nametingen.isEmpty {
                print(Tabel.tekst(["regio", "traject", "nameting verlopen sinds"], nametingen.map {
                    [$0.traject.regio, $0.traject.id.stroom, $0.sinds.description]
                }), terminator: "")
            }
            print("Nameting: \(nametingen.count) traject(en) zonder nameting een jaar na de start (risico nameting_verlopen).")
            print("Bewaartermijn: \(vergeten.count) leerling(en) vergeten\(afgemaakt.isEmpty ? "" : "; \(afgemaakt.count) onderbroken vergeetactie(s) afgemaakt").")
            if !rapport.overgeslagen.isEmpty {
                // Reported, not fatal: every other case was checked; `overstap projections quarantaine` shows more.
                print("Overgeslagen (niet te lezen of te schrijven): \(rapport.overgeslagen.count) traject(en)")
                for geval in rapport.overgeslagen { print("  \(geval)") }
            }
        }
    }
}

/// `overstap projections rebuild`.
struct Projections: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage projections.", subcommands: [CatchUp.self, Rebuild.self, Quarantaine.self])

    struct CatchUp: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "catch-up", abstract: "Apply events the read models have not seen yet, then stop.")

        func run() async throws {
            // Opening the environment catches the projection up.
            let checkpoint = try await Omgeving.met { try await $0.projectie.checkpoint() }
            print("Projectie trajecten bijgewerkt tot \(checkpoint.transactionID)/\(checkpoint.position).")
        }
    }

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rebuild a projection from the event log.")
        @Argument(help: "The projection (default: all; there is one: trajecten).") var naam: String?

        func run() async throws {
            guard naam == nil || naam == "trajecten" else {
                throw CLIFout("unknown projection '\(naam!)'. Hint: the projections are: trajecten")
            }
            try await Omgeving.met { omgeving in
                let aantal = try await omgeving.projectie.rebuild()
                print("Projectie trajecten opnieuw opgebouwd uit \(aantal) gebeurtenissen.")
            }
        }
    }
}

extension Projections {
    /// `overstap projections quarantaine [--opnieuw]`.
    struct Quarantaine: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the events the projection set aside; with --opnieuw, apply them again (after a fix).",
            discussion: """
                An event the projection cannot apply is set aside with the later events of its case; every other case \
                stays current. The list shows where each is and why (error kind, SQLSTATE), never its content. See \
                docs/operations.md, "Quarantine".
                """)
        @Flag(help: "Apply the held cases' events again; cases that now apply leave the quarantine.") var opnieuw = false

        func run() async throws {
            try await Omgeving.met { omgeving in
                if opnieuw {
                    let uitkomst = try await omgeving.projectie.retryQuarantine()
                    print("Opnieuw toegepast: \(uitkomst.cleared.count) traject(en) hersteld, \(uitkomst.held.count) nog in quarantaine.")
                    for id in uitkomst.held { print("  nog vastgehouden: \(id)") }
                }
                let lijst = try await omgeving.projectie.quarantined()
                print(Tabel.tekst(["positie", "stroom", "versie", "fout", "sqlstate", "sinds"], lijst.map {
                    [$0.globalPosition.description, $0.streamID, String($0.streamVersion), $0.errorCode, $0.sqlState ?? "-",
                     $0.quarantinedAt.formatted(.iso8601)]
                }), terminator: "")
                print("In quarantaine: \(lijst.count) gebeurtenis(sen) van \(Set(lijst.map(\.streamID)).count) traject(en).")
            }
        }
    }
}

/// `overstap tijdlijn ID`.
struct Tijdlijn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a student's timeline.")
    @Argument(help: "The case id (traject-… or the bare uuid).") var traject: TrajectID
    @Option(help: "Only what had happened by this day.") var peildatum: String?
    @Option(name: .customLong("bekend-op"), help: "Only what had been recorded by this day (Europe/Amsterdam).") var bekendOp: String?

    func run() async throws {
        let dag = try peildatum.map { try OverstapCLI.peildatum($0) }
        let bekend = try bekendOp.map { try OverstapCLI.peildatum($0) }
        try await Omgeving.met { omgeving in
            let regels = try await omgeving.overzichten.tijdlijn(traject, tot: dag, bekendOp: bekend)
            guard !regels.isEmpty else { throw CLIFout("no timeline for \(traject). Hint: list cases with `overstap risicolijst`") }
            print(Tabel.tekst(["datum", "gebeurtenis", "door", "laat"], regels.map {
                [$0.datum.description, $0.samenvatting, $0.geregistreerdDoor ?? "-", $0.teLaat ? "ja" : ""]
            }), terminator: "")
        }
    }
}

/// The options every regional list takes.
struct RegioOpties: ParsableArguments {
    /// NFC, as the payloads it is compared with.
    @Option(help: "Region.", transform: Tekstsoort.genormaliseerd) var regio: String
    @Option(help: "As of this day (YYYY-MM-DD); default today in Europe/Amsterdam.") var peildatum: String?
    @Option(name: .customLong("bekend-op"), help: "Only what had been recorded by this day (Europe/Amsterdam): the list as it could be seen then.")
    var bekendOp: String?

    /// The peildatum, parsed.
    func dag() throws -> Datum { try OverstapCLI.peildatum(peildatum) }
    /// The day of `--bekend-op`, parsed; `nil`: everything recorded.
    func bekend() throws -> Datum? { try bekendOp.map { try OverstapCLI.peildatum($0) } }
}

/// `overstap coaches --regio R`.
struct Coaches: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the coach loads of a region.")
    @OptionGroup var opties: RegioOpties

    func run() async throws {
        let dag = try opties.dag()
        try await Omgeving.met { omgeving in
            let lasten = try await omgeving.overzichten.coachbelasting(regio: opties.regio, op: dag, bekendOp: try opties.bekend())
            print(Tabel.tekst(["coach", "actief"] + Fase.allCases.map(\.rawValue) + ["status"], lasten.map { last in
                [last.coach, String(last.actief)] + Fase.allCases.map { String(last.perFase[$0] ?? 0) } + [last.status.rawValue]
            }), terminator: "")
        }
    }
}

/// `overstap afbouw --regio R`.
struct Afbouw: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the afbouw overview of a region: counts per phase, then overdue cases.")
    @OptionGroup var opties: RegioOpties

    func run() async throws {
        let dag = try opties.dag()
        try await Omgeving.met { omgeving in
            let statussen = try await omgeving.overzichten.afbouwstatus(regio: opties.regio, op: dag, bekendOp: try opties.bekend())
            print(Tabel.tekst(["fase", "trajecten", "te laat"], Fase.allCases.map { fase in
                let inFase = statussen.filter { $0.1.fase == fase }
                return [fase.rawValue, String(inFase.count), String(inFase.filter { $0.1.teLaat }.count)]
            }))
            print(Tabel.tekst(["traject", "fase", "sinds", "volgende stap", "verloopt op"], statussen.filter { $0.1.teLaat }.map {
                [$0.0.id.stroom, $0.1.fase.rawValue, $0.1.sinds.description, $0.1.volgendeStap?.rawValue ?? "-", $0.1.verlooptOp?.description ?? "-"]
            }), terminator: "")
        }
    }
}

/// `overstap risicolijst --regio R [--peildatum D] [--bekend-op D] [--csv [--scheidingsteken puntkomma]]`.
struct Risicolijst: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the at-risk list of a region, most severe first.")
    @OptionGroup var opties: RegioOpties
    @Flag(help: "Write CSV (UTF-8 with a byte order mark) for a spreadsheet.") var csv = false
    @Option(help: "With --csv: komma (RFC 4180) or puntkomma (Excel and LibreOffice with Dutch settings).")
    var scheidingsteken: Tabel.Scheidingsteken = .komma

    func run() async throws {
        let dag = try opties.dag()
        try await Omgeving.met { omgeving in
            let regels = try await omgeving.overzichten.risicolijst(regio: opties.regio, op: dag, bekendOp: try opties.bekend())
            let rijen = regels.map(\.cellen)
            print(csv ? Tabel.csv(RisicoRegel.kolommen, rijen, scheidingsteken: scheidingsteken) : Tabel.tekst(RisicoRegel.kolommen, rijen), terminator: "")
        }
    }
}

extension Tabel.Scheidingsteken: ExpressibleByArgument {}

/// A case id on the command line: as the CLI prints it (`traject-…`) or as the API does (the uuid).
extension TrajectID: ExpressibleByArgument {
    public init?(argument: String) {
        guard let id = TrajectID(stroom: argument.lowercased()) ?? TrajectID(pad: argument) else { return nil }
        self = id
    }
}
