import EventStore
import HTTPTypes
import Foundation
import Hummingbird
import Overstap
import OverstapOpslag
import Postgres

/// The region's lists, for today or as of `peildatum`: coach loads, one coach's caseload, the
/// afbouw status and the at-risk list (JSON, or CSV for `Accept: text/csv`).
extension OverstapAPI {
    var regioRoutes: [Route] {
        [
            Route(.get, "/v1/coachbelasting", rollen: [.coordinator, .admin], coachbelasting),
            Route(.get, "/v1/coaches/{id}/caseload", rollen: [.coordinator, .coach, .admin], caseload),
            Route(.get, "/v1/afbouwstatus", rollen: [.coordinator, .admin], afbouwstatus),
            // The overstaptafel's names are registered reads.
            Route(.get, "/v1/risicolijst", rollen: [.coordinator, .overstaptafel, .admin], registreertLezing: true, risicolijst),
            // The list as a file at a URL of its own, for a spreadsheet's "from web" and for
            // clients generated from the document (one response type per operation).
            Route(.get, "/v1/risicolijst/csv", rollen: [.coordinator, .overstaptafel, .admin], registreertLezing: true) {
                try await risicolijst($0, $1, formaat: .csv)
            },
        ]
    }

    @Sendable func coachbelasting(_ request: Request, _ context: APIContext) async throws -> Response {
        let (plek, pagina) = try lijstVraag(request, context)
        let stand = try await bijgewerkt(plek.koppen)
        let lasten = try await overzichten.coachbelasting(regio: plek.regio, op: plek.peildatum, bekendOp: plek.bekendOp).map(CoachWeergave.init)
        let instellingen = overzichten.instellingen.voor(plek.regio)
        return try JSON.response(PaginaMet(pagina: pagina.van(lasten, request), sleutel: "norm",
                                           extra: ["minimum": instellingen.normMinimum, "maximum": instellingen.normMaximum]),
                                 headers: stand)
    }

    @Sendable func caseload(_ request: Request, _ context: APIContext) async throws -> Response {
        // Path parameters arrive percent-encoded (`Jan%20de%20Vries`).
        guard let coach = try context.parameters.get("id")?.removingPercentEncoding.map({ try Vraag.kenmerk($0, "id") }) else {
            throw Probleem.ongeldig("id", "is geen geldige coach")
        }
        let lezer = try context.ingelogd
        guard lezer.rol != .coach || lezer.coach == coach else {
            throw Probleem.geenToegang("een coach ziet alleen de eigen caseload")
        }
        let (plek, pagina) = try lijstVraag(request, context)
        let stand = try await bijgewerkt(plek.koppen)
        let trajecten = try await overzichten.afbouwstatus(regio: plek.regio, op: plek.peildatum, bekendOp: plek.bekendOp)
            .filter { $0.0.coach == coach && $0.0.isActiefVoorCoach }.map(TrajectRegel.init)
        struct Belasting: Encodable { var coach: String, actief: Int, status: Coachbelasting.Status }
        let belasting = Belasting(coach: coach, actief: trajecten.count,
                                  status: .init(actief: trajecten.count, instellingen: overzichten.instellingen.voor(plek.regio)))
        return try JSON.response(PaginaMet(pagina: pagina.van(trajecten, request), sleutel: "belasting", extra: belasting), headers: stand)
    }

    @Sendable func afbouwstatus(_ request: Request, _ context: APIContext) async throws -> Response {
        let (plek, pagina) = try lijstVraag(request, context)
        let stand = try await bijgewerkt(plek.koppen)
        let statussen = try await overzichten.afbouwstatus(regio: plek.regio, op: plek.peildatum, bekendOp: plek.bekendOp)
        struct Overzicht: Encodable { var perFase: [String: Int], teLaat: Int }
        let overzicht = Overzicht(
            perFase: Dictionary(uniqueKeysWithValues: Fase.allCases.map { fase in (fase.rawValue, statussen.count { $0.1.fase == fase }) }),
            teLaat: statussen.count { $0.1.teLaat })
        return try JSON.response(PaginaMet(pagina: pagina.van(statussen, request, TrajectRegel.init),
                                           sleutel: "overzicht", extra: overzicht), headers: stand)
    }

    @Sendable func risicolijst(_ request: Request, _ context: APIContext) async throws -> Response {
        try await risicolijst(request, context, formaat: try lijstformaat(request))
    }

    /// The at-risk list in `formaat`: a page of JSON, or the whole list as CSV, xlsx or a page to print.
    func risicolijst(_ request: Request, _ context: APIContext, formaat: Lijstformaat) async throws -> Response {
        let scheidingsteken = try Vraag(request).keuze("scheidingsteken", Tabel.Scheidingsteken.self) ?? .komma
        let plek = try lijstPlek(request, context)
        var stand = try await bijgewerkt(plek.koppen)
        stand[.vary] = "Accept"  // one URL, four representations
        let lezer = try context.ingelogd
        let lijst = try await overzichten.risicolijst(regio: plek.regio, op: plek.peildatum, bekendOp: plek.bekendOp)
            .filter { lezer.zietOpRisicolijst($0.fase) }
        guard formaat != .json else {
            var deze = try Paginering(Vraag(request)).van(lijst, request, RisicoWeergave.init)
            let namen = try await namen(deze.resultaten.map(\.trajectID), voor: lezer, context)
            for index in deze.resultaten.indices { deze.resultaten[index].naam = namen[deze.resultaten[index].trajectID] }
            return try JSON.response(deze, headers: stand)
        }
        // The whole list: a table prints it or a spreadsheet opens it in one go.
        let namen = try await namen(lijst.map(\.trajectID), voor: lezer, context)
        let kop = RisicoRegel.kolommen + (lezer.rol == .overstaptafel ? ["naam"] : [])
        let rijen = lijst.map { regel in
            // The id as the API's paths show it.
            [regel.trajectID.pad] + regel.cellen.dropFirst() + (lezer.rol == .overstaptafel ? [namen[regel.trajectID] ?? ""] : [])
        }
        let naam = "risicolijst-\(plek.regio)-\(plek.peildatum)"
        switch formaat {
        case .html:
            stand[.contentType] = "text/html; charset=utf-8"
            return Response(status: .ok, headers: stand, body: .init(byteBuffer: ByteBuffer(string: Afdruk.risicolijst(lijst, plek: plek, namen: namen))))
        case .xlsx:
            (stand[.contentType], stand[.contentDisposition]) = (Rekenblad.mediatype, bijlage(naam + ".xlsx"))
            return Response(status: .ok, headers: stand,
                            body: .init(byteBuffer: ByteBuffer(bytes: try Rekenblad.xlsx(blad: "risicolijst", kop: kop, rijen: rijen))))
        case .csv, .json:
            (stand[.contentType], stand[.contentDisposition]) = ("text/csv; charset=utf-8", bijlage(naam + ".csv"))
            return Response(status: .ok, headers: stand,
                            body: .init(byteBuffer: ByteBuffer(string: Tabel.csv(kop, rijen, scheidingsteken: scheidingsteken))))
        }
    }

    /// The names the overstaptafel or an mbo may see on its list (DESIGN §6, docs/zichtbaarheid.md):
    /// of the cases among `ids` whose consent allows it now (also on a list of a past peildatum),
    /// each read registered (through `via`) before it is sent. Nobody else gets names on a list
    /// (they open the case).
    func namen(_ ids: [TrajectID], voor lezer: Lezer, _ context: APIContext, via: String = "GET /v1/risicolijst") async throws
        -> [TrajectID: String]
    {
        guard lezer.rol == .overstaptafel || lezer.rol == .mbo else { return [:] }
        var namen: [TrajectID: String] = [:]
        for id in ids {
            guard let nu = try await trajecten.laad(id).traject, nu.inzicht(voor: lezer) != .geen else { continue }
            namen[id] = try await dossier.persoonsgegevens(id, wie: context.actor, via: via)?.naam
        }
        return namen
    }

    /// Read-your-writes for a list: waits until the read models hold every write acknowledged
    /// before this request (`wachtOpLeesmodellen`, at most `actueelBinnen`, 2 s in `serve`, on the
    /// lists' own pool), and returns `koppen` (which list it is: `peilkoppen`) with the headers
    /// that say how current it is: `Read-Model-Position`, and `Read-Model-Current`, true only when
    /// the projection passed the head and holds no event aside in quarantine.
    func bijgewerkt(_ koppen: HTTPFields) async throws -> HTTPFields {
        let stand = try await wachtOpLeesmodellen(binnen: actueelBinnen, op: overzichten.pool)
        var uit: HTTPFields = [.readModelPosition: stand.positie.description,
                               .readModelCurrent: stand.bij && stand.vastgehouden == 0 ? "true" : "false"]
        uit.append(contentsOf: koppen)
        return uit
    }

    /// Waits, helping the projection along on `pool`, until it has applied the log's head as of
    /// now, for at most `binnen`; returns where it got, whether that covers the head, and how many
    /// events it holds in quarantine. A current projection costs one round trip.
    func wachtOpLeesmodellen(binnen: Duration, op pool: PostgresPool) async throws -> (positie: GlobalPosition, bij: Bool, vastgehouden: Int) {
        let nu = try await projectie.freshness(on: pool)
        guard nu.checkpoint < nu.head else { return (nu.checkpoint, true, nu.quarantined) }
        let (positie, bij) = try await projectie.reach(nu.head, until: .now + binnen, on: pool)
        return (positie, bij, try await projectie.quarantineCount(on: pool))
    }

    /// Which list (`lijstPlek`) and which page.
    private func lijstVraag(_ request: Request, _ context: APIContext) throws -> (Lijstplek, Paginering) {
        (try lijstPlek(request, context), try Paginering(Vraag(request)))
    }

    /// Region (the reader's own unless an admin names one), peildatum (today by default) and
    /// `bekendOp` (optional) of a list; for a list that is a whole file, without pages.
    private func lijstPlek(_ request: Request, _ context: APIContext) throws -> Lijstplek {
        let vraag = Vraag(request)
        return Lijstplek(regio: try vraag.regio(voor: try context.ingelogd), peildatum: try vraag.datum("peildatum") ?? vandaag(),
                         bekendOp: try vraag.datum("bekendOp"))
    }

    /// What the client takes most (`Accept`, by its `q`; the order it lists them among equals):
    /// `text/csv`, the xlsx media type, `text/html` (a page to print), or JSON (also for `*/*`,
    /// `application/*` and no `Accept`).
    /// A range with `q=0` or a `q` that is no number from 0 to 1 is left out; 406 when none remains.
    func lijstformaat(_ request: Request) throws -> Lijstformaat {
        guard let accept = request.headers[.accept]?.lowercased() else { return .json }
        let keuzes = accept.split(separator: ",").enumerated().compactMap { index, bereik -> (Lijstformaat, Double, Int)? in
            let delen = bereik.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            let formaat: Lijstformaat? = switch delen.first {
            case "text/csv": .csv
            case Rekenblad.mediatype: .xlsx
            case "text/html": .html
            case "application/json", "application/*", "*/*": .json
            default: nil
            }
            let q = delen.dropFirst().first { $0.hasPrefix("q=") }.map { Double($0.dropFirst(2)) } ?? 1
            guard let formaat, let q, (0...1).contains(q), q > 0 else { return nil }
            return (formaat, q, index)
        }
        guard let beste = keuzes.min(by: { ($1.1, $0.2) < ($0.1, $1.2) }) else {
            throw Probleem(.notAcceptable, "deze lijst is er als application/json, text/csv, text/html en \(Rekenblad.mediatype)")
        }
        return beste.0
    }
}

/// The representations of a whole list.
enum Lijstformaat { case json, csv, xlsx, html }

/// Which list: a region as it stood on `peildatum` (what had happened by then), with what had been
/// recorded by the end of `bekendOp` when given (what one could know that day), else with
/// everything recorded.
struct Lijstplek {
    var regio: String
    var peildatum: Datum
    var bekendOp: Datum?

    /// Headers that say which of the two a list is (`peilkoppen`).
    var koppen: HTTPFields { peilkoppen(peildatum: peildatum, bekendOp: bekendOp) }
}

/// Headers that say which view an answer is: `Peildatum` (what had happened by that day; absent:
/// everything), and `Bekend-Op` when it shows only what had been recorded by the end of that day.
func peilkoppen(peildatum: Datum?, bekendOp: Datum?) -> HTTPFields {
    var koppen: HTTPFields = [:]
    if let peildatum { koppen[.peildatum] = peildatum.description }
    if let bekendOp { koppen[.bekendOp] = bekendOp.description }
    return koppen
}

/// A `Content-Disposition` that downloads `bestandsnaam` (RFC 6266): `filename*` carries the name
/// in UTF-8, percent-encoded (RFC 8187), and `filename` an ASCII stand-in for old clients
/// (diacritics dropped, anything else outside letters, digits, `.`, `_` and `-` replaced by `_`),
/// so no quote, backslash or byte from a region's name can break the header.
func bijlage(_ bestandsnaam: String) -> String {
    let ascii = String(bestandsnaam.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
        .unicodeScalars.map { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) ? Character($0) : "_" })
    let attrChar = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~")
    let utf8 = bestandsnaam.addingPercentEncoding(withAllowedCharacters: attrChar) ?? ascii
    return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(utf8)"
}
