import ArgumentParser
import EventStore
import Foundation
import OverstapCLI
import Overstap
import OverstapOpslag
import Postgres

/// `overstap leerling ID`: the case with the student's personal data (a registered read).
struct Leerling: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a student's personal data and phase; the read is registered.")
    @Argument(help: "The case id (traject-… or the bare uuid).") var traject: TrajectID

    func run() async throws {
        try await Omgeving.met { omgeving in
            let gegevens = try await Dossier(trajecten: omgeving.trajecten).persoonsgegevens(traject, wie: actor, via: "cli leerling")
            let (stand, _) = try await omgeving.trajecten.laad(traject)
            print("traject:                 \(traject)")
            print("naam:                    \(gegevens?.naam ?? verwijderd)")
            print("geboortedatum:           \(gegevens?.geboortedatum.description ?? verwijderd)")
            print("leerlingnummer:          \(gegevens?.leerlingnummer ?? verwijderd)")
            print("ondersteuningsbehoefte:  \(gegevens.map { $0.ondersteuningsbehoefte ?? "-" } ?? verwijderd)")
            if let stand { print("fase:                    \(stand.fase.rawValue) sinds \(stand.faseSinds)") }
        }
    }
}

/// `overstap inzage ID`: everything held about a student, as JSON.
struct Inzage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export everything held about one student as JSON, decrypted, with the register of who read it.")
    @Argument(help: "The case id (traject-… or the bare uuid).") var traject: TrajectID

    func run() async throws {
        try await Omgeving.met { omgeving in
            print(try await Dossier(trajecten: omgeving.trajecten).inzage(traject, wie: actor))
        }
    }
}

/// `overstap vergeet ID` or `overstap vergeet --lijst FILE`: the right to be forgotten.
struct Vergeet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Forget a student: destroy their data key and record it; phases and dates stay for statistics.",
        discussion: """
            With --lijst, forget every case of a forget ledger (`overstap vergeetlijst` of a newer copy \
            of the database) that this database still holds: after restoring an older backup, so that \
            nobody forgotten since comes back (docs/operations.md).
            """)
    @Argument(help: "The case id (traject-… or the bare uuid).") var traject: TrajectID?
    @Option(help: "Why: verzoek (the student asked) or bewaartermijn.") var reden: String = "verzoek"
    @Option(help: "A forget ledger (lines: case id, time, reason; - for standard input).") var lijst: String?

    func validate() throws {
        guard (traject == nil) != (lijst == nil) else { throw ValidationError("give a case id or --lijst, not both") }
    }

    func run() async throws {
        guard let waarom = VergeetReden(rawValue: reden) else {
            throw CLIFout("unknown reason '\(reden)'. Hint: use verzoek or bewaartermijn")
        }
        let regels = try lijst.map(Self.leesLijst) ?? traject.map { [($0, waarom, nil)] } ?? []
        try await Omgeving.met { omgeving in
            var (vergeten, afwezig, mislukt) = (0, 0, 0)
            for (id, reden, op) in regels {
                do {
                    // The day it was forgotten, in Amsterdam, as the forget itself dated it.
                    try await omgeving.trajecten.vergeet(id, reden: reden, door: actor, vandaag: .vandaag(nu: op ?? Date()))
                    vergeten += 1
                } catch TrajectFout.onbekendTraject where lijst != nil {
                    afwezig += 1  // registered after the backup: nothing of it was restored
                } catch where lijst != nil {
                    mislukt += 1  // go on with the others; the count below makes the run fail
                    FileHandle.standardError.write(Data("overstap: \(id): \(userMessage(for: error))\n".utf8))
                }
            }
            try await omgeving.projectie.catchUp()
            if lijst == nil {
                print("Persoonsgegevens van \(traject?.stroom ?? "") verwijderd.")
            } else {
                print("\(vergeten) leerling(en) uit de vergeetlijst vergeten; \(afwezig) niet in deze database.")
                if mislukt > 0 { throw CLIFout("\(mislukt) leerling(en) uit de vergeetlijst niet vergeten. Hint: see the lines above and run it again") }
            }
        }
    }

    /// The ledger's lines: `traject-…<TAB>2026-11-30T10:00:00Z<TAB>verzoek`; only the id is required.
    static func leesLijst(_ pad: String) throws -> [(TrajectID, VergeetReden, Date?)] {
        let tekst: String
        if pad == "-" {
            tekst = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            guard let gelezen = try? String(contentsOfFile: pad, encoding: .utf8) else {
                throw CLIFout("cannot read the ledger \(pad). Hint: make it with `overstap vergeetlijst > FILE`")
            }
            tekst = gelezen
        }
        return try tekst.split(whereSeparator: \.isNewline).enumerated().map { nummer, regel in
            let velden = regel.split(separator: "\t").map(String.init)
            guard let id = velden.first.flatMap({ TrajectID(stroom: $0.lowercased()) }), velden.count <= 3 else {
                throw CLIFout("line \(nummer + 1) of \(pad) is no ledger line. Hint: case id, time and reason, separated by tabs")
            }
            let op = velden.count > 1 ? try? Date(velden[1], strategy: .iso8601) : nil
            guard velden.count < 2 || op != nil else {
                throw CLIFout("line \(nummer + 1) of \(pad) has no valid time. Hint: ISO 8601 in UTC, as `overstap vergeetlijst` writes it")
            }
            return (id, velden.count > 2 ? VergeetReden(rawValue: velden[2]) ?? .verzoek : .verzoek, op)
        }
    }
}

/// `overstap vergeetlijst`: the forget ledger, for a restore of an older backup.
struct Vergeetlijst: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the forget ledger: every forgotten case (id, time in UTC, reason), tab-separated; no personal data.",
        discussion: "Keep the newest ledger outside the database backups; `overstap vergeet --lijst` applies it after a restore.")

    func run() async throws {
        try await Omgeving.met { omgeving in
            for regel in try await omgeving.trajecten.kluis.vergeetlijst() {
                print([regel.traject.stroom, regel.op.formatted(.iso8601), regel.reden?.rawValue].compactMap { $0 }.joined(separator: "\t"))
            }
        }
    }
}

/// `overstap sleutels …`: key-encryption keys.
struct Sleutels: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage key-encryption keys.", subcommands: [Nieuw.self, Roteer.self, Opruimen.self])

    struct Nieuw: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a new key-encryption key (base64) for OVERSTAP_KEK.")
        func run() { print(Sleutelring.nieuweKEK()) }
    }

    struct Roteer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-wrap every data key with OVERSTAP_KEK; the old key(s) go in OVERSTAP_KEK_OUD meanwhile. No downtime: the service reads with either.")
        func run() async throws {
            try await Omgeving.met { omgeving in
                let aantal = try await omgeving.trajecten.kluis.roteer()
                print("\(aantal) sleutel(s) opnieuw ingepakt met \(omgeving.trajecten.kluis.sleutelring.actief.id). Haal OVERSTAP_KEK_OUD nu weg bij de dienst; bewaar de oude sleutel bij de back-ups tot de laatste die hem nodig heeft verloopt, en vernietig hem dan.")
            }
        }
    }

    struct Opruimen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "VACUUM the key table now (as the owner), so no old version of a destroyed key stays in its pages.",
            discussion: """
                autovacuum does the same within autovacuum_naptime after every forget. --volledig rewrites the \
                table (VACUUM FULL: no old bytes even in a page's free space; it locks the table, so use it \
                after a restore, before the service starts).
                """)
        @Flag(help: "Rewrite the table (VACUUM FULL); locks it while it runs.") var volledig = false
        func run() async throws {
            try await Omgeving.met { omgeving in
                try await omgeving.trajecten.kluis.ruimOp(volledig: volledig)
                print("Sleuteltabel opgeruimd; oude versies over: \(try await Kluis.oudeSleutelversies(omgeving.database.pool)).")
            }
        }
    }
}
