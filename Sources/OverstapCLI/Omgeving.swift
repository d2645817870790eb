import EventStore
import Foundation
import Logging
import Overstap
import OverstapOpslag
import Postgres

/// What the domain commands work with: the store, the cases, the read side and the settings.
package struct Omgeving {
    package let database: Database
    package let trajecten: Trajecten
    package let instellingen: RegioInstellingen
    package let overzichten: Overzichten

    package var projectie: ProjectionRunner {
        trajecten.projectie(instellingen)
    }

    /// Opens the database, checks it is migrated, brings the read models up to date, runs `body`.
    /// Refuses to start without a key-encryption key (personal data is never stored in plain text)
    /// and with one that cannot unwrap the database's data keys (a wrong KEK).
    /// A catch-up that fails is logged and does not stop the command: the read models may trail
    /// the log, and `serve` keeps trying (an event that cannot be applied is set aside, not fatal).
    package static func met<T>(sessie: [String: String] = [:], _ body: (Omgeving) async throws -> T) async throws -> T {
        let instellingen = try leesInstellingen()
        let sleutelring = try Sleutelring.uitOmgeving()
        let migrator = try Migrator(directory: Migrator.defaultDirectory())
        return try await Database.with(sessie: sessie) { database in
            let pending = try await migrator.pending(database.pool)
            guard pending.isEmpty else { throw ServeError.notMigrated(pending: pending.count) }
            try await EventStore(pool: database.pool).checkTransactionCounter()
            let kluis = Kluis(pool: database.pool, sleutelring: sleutelring)
            try await kluis.controleerSleutelring()
            let omgeving = Omgeving(
                database: database, trajecten: Trajecten(store: EventStore(pool: database.pool), kluis: kluis),
                instellingen: instellingen, overzichten: Overzichten(pool: database.pool, instellingen: instellingen))
            do {
                try await omgeving.projectie.catchUp()
            } catch {
                Logger(label: "overstap").warning(
                    "read models not brought up to date; going on with them as they are", metadata: ["fout": "\(type(of: error))"])
            }
            let uitkomst = try await body(omgeving)
            // What the command wrote reaches a running service at once, not at its next poll.
            await omgeving.trajecten.store.wakeSubscribers()
            return uitkomst
        }
    }

    /// `OVERSTAP_INSTELLINGEN`: a JSON file with per-region thresholds; the defaults otherwise.
    package static func leesInstellingen() throws -> RegioInstellingen {
        guard let pad = ProcessInfo.processInfo.environment["OVERSTAP_INSTELLINGEN"], !pad.isEmpty else {
            return RegioInstellingen()
        }
        guard let data = FileManager.default.contents(atPath: pad) else {
            throw CLIFout("cannot read settings file \(pad). Hint: OVERSTAP_INSTELLINGEN names a JSON file")
        }
        do { return try RegioInstellingen(json: data) } catch {
            throw CLIFout("settings file \(pad) is not valid: \(error). Hint: see docs/instellingen.md")
        }
    }
}

/// Who is at the keyboard, for the log and the read register: `OVERSTAP_ACTOR`, else the login.
package var actor: String {
    let env = ProcessInfo.processInfo.environment
    return env["OVERSTAP_ACTOR"] ?? env["USER"].map { "cli:" + $0 } ?? "cli"
}

/// A one-line failure for the command line.
package struct CLIFout: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// Parses a peildatum option; today in Amsterdam when absent.
package func peildatum(_ tekst: String?) throws -> Datum {
    guard let tekst else { return .vandaag() }
    do { return try Datum.uitInvoer(tekst) } catch {
        throw CLIFout("'\(tekst)' \(Datum(tekst) == nil ? "is not a date" : "lies outside 1900-01-01 … 2100-12-31"). Hint: write YYYY-MM-DD")
    }
}

/// Why a command cannot work on this database.
package enum ServeError: Error, CustomStringConvertible {
    case notMigrated(pending: Int)

    package var description: String {
        switch self {
        case .notMigrated(let pending):
            "the database lacks \(pending) migration(s). Hint: run `overstap migrate` first"
        }
    }
}
