import ArgumentParser
import EventStore
import Foundation
import Overstap

/// `overstap leerling ID`: the case with the student's personal data (a registered read).
struct Leerling: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a student's personal data and phase; the read is registered.")
    @Argument(help: "The case id (traject-…).") var traject: String

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
    @Argument(help: "The case id (traject-…).") var traject: String

    func run() async throws {
        try await Omgeving.met { omgeving in
            print(try await Dossier(trajecten: omgeving.trajecten).inzage(traject, wie: actor))
        }
    }
}

/// `overstap vergeet ID`: the right to be forgotten.
struct Vergeet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Forget a student: destroy their data key and record it; phases and dates stay for statistics.")
    @Argument(help: "The case id (traject-…).") var traject: String
    @Option(help: "Why: verzoek (the student asked) or bewaartermijn.") var reden: String = "verzoek"

    func run() async throws {
        guard let waarom = VergeetReden(rawValue: reden) else {
            throw CLIFout("unknown reason '\(reden)'. Hint: use verzoek or bewaartermijn")
        }
        try await Omgeving.met { omgeving in
            try await omgeving.trajecten.vergeet(traject, reden: waarom, door: actor)
            try await omgeving.projectie.catchUp()
            print("Persoonsgegevens van \(traject) verwijderd.")
        }
    }
}

/// `overstap sleutels …`: key-encryption keys.
struct Sleutels: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage key-encryption keys.", subcommands: [Nieuw.self, Roteer.self])

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
                print("\(aantal) sleutel(s) opnieuw ingepakt met \(omgeving.trajecten.kluis.sleutelring.actief.id). Haal OVERSTAP_KEK_OUD nu weg.")
            }
        }
    }
}
