import ArgumentParser
import Foundation
import OverstapCLI
import Overstap
import OverstapOpslag

/// `overstap token create|list|revoke`: bearer tokens of the HTTP API.
struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make, list and revoke bearer tokens of the HTTP API.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a token; it is printed once and stored only as a hash.",
            discussion: "Roles: coordinator, coach, school, overstaptafel, mbo, admin (DESIGN §6). All but admin need --regio.")
        @Option(help: "coordinator, coach, school, overstaptafel, mbo or admin.") var rol: String
        @Option(help: "The region the token is confined to.") var regio: String?
        @Option(help: "For a coach: the coach id whose caseload it may see.") var coach: String?
        @Option(help: "For a school: the vso school whose pupils it may register.") var school: String?
        @Option(help: "For an mbo: the institution whose applicants and students it may see.") var instelling: String?
        @Option(help: "What the token is for (no personal names needed).") var omschrijving = "api"

        func run() async throws {
            guard let rol = Rol(rawValue: rol) else {
                throw CLIFout("unknown role '\(rol)'. Hint: one of \(Rol.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let lezer = Lezer(rol: rol, regio: regio, coach: coach, school: school, instelling: instelling)
            try await Database.with { database in
                let (id, token) = try await Tokens(pool: database.pool).maak(voor: lezer, omschrijving: omschrijving, door: actor)
                FileHandle.standardError.write(Data("token \(id.uuidString.lowercased()) for \(rol.rawValue); shown once, keep it safe:\n".utf8))
                print(token)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never the tokens themselves).")

        func run() async throws {
            try await Database.with { database in
                let tokens = try await Tokens(pool: database.pool).lijst()
                print(Tabel.tekst(["id", "rol", "regio", "coach/school/instelling", "omschrijving", "aangemaakt", "ingetrokken"], tokens.map {
                    [$0.id.uuidString.lowercased(), $0.lezer.rol.rawValue, $0.lezer.regio ?? "-", $0.lezer.coach ?? $0.lezer.school ?? $0.lezer.instelling ?? "-",
                     $0.omschrijving, ISO8601DateFormatter().string(from: $0.aangemaaktOp),
                     $0.ingetrokkenOp.map { ISO8601DateFormatter().string(from: $0) } ?? "-"]
                }), terminator: "")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token; it is refused from the next request on.")
        @Argument(help: "The token's id (see `overstap token list`).") var id: String

        func run() async throws {
            guard let uuid = UUID(uuidString: id) else { throw CLIFout("'\(id)' is not a token id. Hint: see `overstap token list`") }
            try await Database.with { database in
                try await Tokens(pool: database.pool).trekIn(uuid)
                print("revoked \(uuid.uuidString.lowercased())")
            }
        }
    }
}
