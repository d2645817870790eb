import EventStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Overstap
import OverstapOpslag
import Postgres

/// `/v1/leerlingen`: register a student, record events, read a case and its timeline; for admins
/// the inzage, the read register and forgetting.
extension OverstapAPI {
    var leerlingRoutes: [Route] {
        [
            Route(.post, "/v1/leerlingen", rollen: [.coordinator, .school], meldAan),
            Route(.get, "/v1/leerlingen/{id}", rollen: Set(Rol.allCases), registreertLezing: true, leerling),
            Route(.post, "/v1/leerlingen/{id}/gebeurtenissen", rollen: [.coordinator, .coach, .overstaptafel, .mbo], registreer),
            Route(.get, "/v1/leerlingen/{id}/tijdlijn", rollen: Set(Rol.allCases), registreertLezing: true, tijdlijn),
            Route(.delete, "/v1/leerlingen/{id}/persoonsgegevens", rollen: [.admin], vergeet),
            Route(.get, "/v1/leerlingen/{id}/inzage", rollen: [.admin], registreertLezing: true, inzage),
            Route(.get, "/v1/leerlingen/{id}/leesregister", rollen: [.admin], leesregister),
        ]
    }

    /// `POST /v1/leerlingen`: the aanmelding opens a case; 201 with its id and `Location`.
    @Sendable func meldAan(_ request: Request, _ context: APIContext) async throws -> Response {
        var invoer = try await Invoer.lees(request, context)
        let datum = try invoer.datum("datum")
        let gegevens = try invoer.object("gegevens")
        let clientID = try invoer.uuid("gebeurtenisId")
        try invoer.klaar()
        let gebeurtenis = try Gebeurtenis.decode(type: GebeurtenisType.aanmelding.rawValue, payload: gegevens)
        guard case .aanmelding(let aanmelding) = gebeurtenis, try context.ingelogd.magAanmelden(aanmelding) else {
            throw Probleem.geenToegang("u mag alleen leerlingen van uw eigen school of regio aanmelden")
        }
        // A retry (same Idempotency-Key or event id) must land on the same case with the same event.
        let herhaling = try herhaalsleutel(request, context, clientID)
        let traject = try await afgeleid("traject", herhaling) ?? UUID()
        let eventID: UUID
        if let clientID { eventID = clientID } else { eventID = try await afgeleid("gebeurtenis", herhaling) ?? UUID() }
        let resultaat = try await trajecten.registreer(
            [(gebeurtenis, datum)], in: TrajectID(traject), door: context.actor, vandaag: vandaag(),
            eventIDs: [eventID], correlatie: nil)
        return try JSON.response(
            Vastgelegd(id: traject, gebeurtenisId: eventID, versie: resultaat.streamVersion), status: .created,
            headers: [.location: "/v1/leerlingen/\(traject.tekst)", .eTag: etag(resultaat.streamVersion)])
    }

    /// `POST /v1/leerlingen/{id}/gebeurtenissen`: any other event. `If-Match` makes the read
    /// version the expected one (412 when someone else wrote since).
    @Sendable func registreer(_ request: Request, _ context: APIContext) async throws -> Response {
        let id = try trajectID(context)
        var invoer = try await Invoer.lees(request, context)
        let type = try invoer.tekst("type")
        let datum = try invoer.datum("datum")
        let gegevens = try invoer.object("gegevens")
        let clientID = try invoer.uuid("gebeurtenisId")
        try invoer.klaar()
        if let soort = GebeurtenisType(rawValue: type), Lezer.systeemtypen.contains(soort) {
            throw Probleem.ongeldig("type", soort == .aanmelding
                ? "opent een traject: gebruik POST /v1/leerlingen" : "legt Overstap zelf vast")
        }
        let gebeurtenis = try Gebeurtenis.decode(type: type, payload: gegevens)
        let verwacht = try verwachteVersie(request)
        let lezer = try context.ingelogd
        // A bad Idempotency-Key is a 400 after the 404 and the 403, as the case decides those.
        let herhaling = Result { try herhaalsleutel(request, context, nil) }
        let eventID: UUID
        if let clientID { eventID = clientID } else { eventID = try await afgeleid("gebeurtenis", try? herhaling.get()) ?? UUID() }
        // One load: the access check and the decide step see the same state.
        let resultaat = try await trajecten.registreer(
            [(gebeurtenis, datum)], in: id, door: context.actor, vandaag: vandaag(),
            verwachteVersie: verwacht, eventIDs: [eventID]) { traject in
                guard let traject else { throw TrajectFout.onbekendTraject }
                guard lezer.magRegistreren(gebeurtenis, op: traject) else {
                    throw Probleem.geenToegang("u mag '\(type)' niet vastleggen bij dit traject")
                }
                if case .failure(let fout) = herhaling { throw fout }
            }
        return try JSON.response(
            Vastgelegd(id: try uuid(context), gebeurtenisId: eventID, versie: resultaat.streamVersion), status: .created,
            headers: [.eTag: etag(resultaat.streamVersion)])
    }

    /// `GET /v1/leerlingen/{id}`: the case as it stands (or stood on `peildatum`), with the personal
    /// data this reader may see; every such read is registered first.
    @Sendable func leerling(_ request: Request, _ context: APIContext) async throws -> Response {
        let id = try trajectID(context)
        let peildatum = try Vraag(request).datum("peildatum")
        let (nu, toen, versie) = try await lees(id, context, peildatum: peildatum)
        // Consent and scope count as they are now, also for a view of the past.
        let inzicht = nu.inzicht(voor: try context.ingelogd)
        let gegevens = inzicht == .geen ? nil : try await dossier.gegevens(id, wie: context.actor, via: "GET /v1/leerlingen/{id}")
        let instellingen = overzichten.instellingen.voor(toen.regio)
        return try JSON.response(
            TrajectWeergave(toen, uuid: try uuid(context), versie: versie, persoonsgegevens: gegevens?.aanmelding?.zichtbaar(inzicht),
                            overdrachtsnotities: inzicht.zietOverdrachtsnotities
                                ? gegevens?.overdrachtsnotities.filter { notitie in peildatum.map { notitie.datum <= $0 } ?? true } : nil,
                            status: toen.afbouwstatus(op: peildatum ?? vandaag(), instellingen: instellingen)),
            headers: [.eTag: etag(versie)])
    }

    /// `GET /v1/leerlingen/{id}/tijdlijn`: every event in the order it happened, paginated. Reads
    /// the timeline projection; when it lags behind the case, waits for the read models
    /// (`wachtOpLeesmodellen`) for at most `tijdlijnBinnen`, then answers with what it has and
    /// `actueel: false` (also while an event of the case is in quarantine).
    @Sendable func tijdlijn(_ request: Request, _ context: APIContext) async throws -> Response {
        let id = try trajectID(context)
        let vraag = Vraag(request)
        let peildatum = try vraag.datum("peildatum")
        let bekendOp = try vraag.datum("bekendOp")
        let pagina = try Paginering(vraag)
        let (nu, _, versie) = try await lees(id, context, peildatum: peildatum)
        var stand = try await tijdlijnen.stand(van: id)
        if stand.versie < versie, !stand.vastgehouden {
            _ = try await wachtOpLeesmodellen(binnen: tijdlijnBinnen, op: pool)
            stand = try await tijdlijnen.stand(van: id)
        }
        // Consent and scope as they are now, also for a view of the past (as for the case itself).
        let ziet = nu.inzicht(voor: try context.ingelogd).zietBijzondereGegevens
        var regels = try await tijdlijnen.tijdlijn(id, tot: peildatum, bekendOp: bekendOp)
        if !ziet {
            regels = regels.map(\.bijzonderVerborgen)
        } else if regels.contains(where: \.bijzonder) {
            // Special-category hints leave the service: registered first, like personal data.
            try await dossier.registreerLezing(id, wie: context.actor, via: "GET /v1/leerlingen/{id}/tijdlijn")
        }
        return try JSON.response(PaginaMet(pagina: pagina.van(regels, request), sleutel: "actueel", extra: stand.versie >= versie),
                                 headers: [.eTag: etag(versie), .readModelCurrent: stand.versie >= versie ? "true" : "false"]
                                    + peilkoppen(peildatum: peildatum, bekendOp: bekendOp))
    }

    /// `DELETE /v1/leerlingen/{id}/persoonsgegevens?reden=verzoek`: forgets the student (the data
    /// key is destroyed; phases and dates stay). Repeating it is harmless.
    @Sendable func vergeet(_ request: Request, _ context: APIContext) async throws -> Response {
        let id = try trajectID(context)
        let tekst = Vraag(request).parameters["reden"] ?? VergeetReden.verzoek.rawValue
        guard let reden = VergeetReden(rawValue: tekst) else {
            throw Probleem.ongeldig("reden", "moet een van \(VergeetReden.allCases.map(\.rawValue).joined(separator: ", ")) zijn")
        }
        try await trajecten.vergeet(id, reden: reden, door: context.actor, vandaag: vandaag())
        return Response(status: .noContent)
    }

    /// `GET /v1/leerlingen/{id}/inzage`: everything held about the student, decrypted, with its read register.
    @Sendable func inzage(_ request: Request, _ context: APIContext) async throws -> Response {
        let document = try await dossier.inzage(try trajectID(context), wie: context.actor)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: document)))
    }

    /// `GET /v1/leerlingen/{id}/leesregister`: who read the student's personal data, when and through what.
    @Sendable func leesregister(_ request: Request, _ context: APIContext) async throws -> Response {
        let id = try trajectID(context)
        let pagina = try Paginering(Vraag(request))
        guard try await trajecten.laad(id).traject != nil else { throw TrajectFout.onbekendTraject }
        return try JSON.response(pagina.van(try await dossier.leesregister(id), request))
    }

    // MARK: Helpers

    /// The case now and as of `peildatum`, and its version; 404 when absent (or not yet
    /// registered on `peildatum`), 403 when this reader may not see it. Without a peildatum the
    /// case is loaded from its snapshot (`Trajecten.laad`); a past day folds its events.
    private func lees(_ id: TrajectID, _ context: APIContext, peildatum: Datum?) async throws -> (nu: Traject, toen: Traject, versie: Int64) {
        let nu: Traject, toen: Traject?, versie: Int64
        if let peildatum {
            let opgeslagen = try await trajecten.gebeurtenissen(id)
            let gebeurtenissen = opgeslagen.map { ($0.1, $0.2) }
            guard let stand = Traject.herleid(id: id, uit: gebeurtenissen) else { throw TrajectFout.onbekendTraject }
            (nu, toen) = (stand, Traject.herleid(id: id, uit: gebeurtenissen.filter { $0.1 <= peildatum }))
            versie = opgeslagen.last?.0.streamVersion ?? 0
        } else {
            let geladen = try await trajecten.laad(id)
            guard let stand = geladen.traject else { throw TrajectFout.onbekendTraject }
            (nu, toen, versie) = (stand, stand, geladen.versie)
        }
        guard nu.isToegankelijk(voor: try context.ingelogd) else {
            throw Probleem.geenToegang("dit traject valt buiten uw regio of caseload")
        }
        guard let toen else { throw Probleem(.notFound, "op deze peildatum was de leerling nog niet aangemeld") }
        return (nu, toen, versie)
    }

    private func uuid(_ context: APIContext) throws -> UUID {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
            throw Probleem(.notFound, "dit traject bestaat niet")
        }
        return id
    }

    private func trajectID(_ context: APIContext) throws -> TrajectID { TrajectID(try uuid(context)) }

    /// `If-Match: "7"` → 7, and the same without the quotes (`7`, a common slip that cannot mean
    /// anything else); absent → no check; anything else (`"+7"`, `W/"7"`, `*`, `"7`) is a 400.
    private func verwachteVersie(_ request: Request) throws -> Int64? {
        guard let header = request.headers[.ifMatch] else { return nil }
        let bytes = Array(header.utf8)
        let aanhalingstekens = bytes.count >= 2 && bytes.first == UInt8(ascii: "\"") && bytes.last == UInt8(ascii: "\"")
        let cijfers = aanhalingstekens ? bytes.dropFirst().dropLast() : bytes[...]
        guard (1...18).contains(cijfers.count), cijfers.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let versie = Int64(String(decoding: cijfers, as: UTF8.self))
        else { throw Probleem.ongeldig("If-Match", "moet de ETag van een eerdere lezing zijn, bijvoorbeeld \"3\"") }
        return versie
    }

    /// The id of a `soort` ("traject", "gebeurtenis") for a retry key: the same key gives the same
    /// id, and no other client can predict it (keyed with the database's secret); `nil` without a key.
    private func afgeleid(_ soort: String, _ herhaling: String?) async throws -> UUID? {
        guard let herhaling else { return nil }
        return try await trajecten.kluis.geheimeUUID(soort + "|" + herhaling)
    }

    /// What makes a retry recognisable: the Idempotency-Key, per token (keys of different
    /// callers never meet); or the client's own event id.
    private func herhaalsleutel(_ request: Request, _ context: APIContext, _ clientID: UUID?) throws -> String? {
        if let clientID { return "client|" + clientID.tekst }
        guard let sleutel = request.headers[.idempotencyKey] else { return nil }
        guard (1...255).contains(sleutel.utf8.count), sleutel.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw Probleem.ongeldig("Idempotency-Key", "moet 1 tot 255 zichtbare ASCII-tekens zijn")
        }
        return "\(context.tokenID?.tekst ?? "-")|\(sleutel)"
    }
}

func etag(_ versie: Int64) -> String { "\"\(versie)\"" }
