import EventStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import Overstap
import OverstapOpslag
import Postgres

/// An error response as `application/problem+json` (RFC 9457), in Dutch, with the offending
/// fields under `invalidParams` as the Dutch API Design Rules ask. Never carries SQL, a stack
/// trace or a value the client sent.
struct Probleem: HTTPResponseError {
    struct OngeldigeParameter: Encodable, Equatable {
        var name: String
        var reason: String
    }

    var status: HTTPResponse.Status
    var detail: String?
    var invalidParams: [OngeldigeParameter] = []
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ detail: String? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.detail = detail
        self.headers = headers
    }

    /// A 400 naming the field that is wrong and why.
    static func ongeldig(_ veld: String, _ reden: String) -> Probleem {
        var probleem = Probleem(.badRequest, "veld '\(veld)' \(reden)")
        probleem.invalidParams = [.init(name: veld, reason: reden)]
        return probleem
    }

    /// A 422 naming the field: well-formed (the document allows it) but refused by a rule the
    /// schema cannot say, such as a date after today or a birth date after the aanmelding.
    static func onverwerkbaar(_ veld: String, _ reden: String) -> Probleem {
        var probleem = Probleem(.unprocessableContent, "veld '\(veld)' \(reden)")
        probleem.invalidParams = [.init(name: veld, reason: reden)]
        return probleem
    }

    static let nietGeauthenticeerd = Probleem(
        .unauthorized, "stuur een geldig token mee: Authorization: Bearer <token>",
        headers: [.wwwAuthenticate: #"Bearer realm="overstap""#])

    static func geenToegang(_ detail: String) -> Probleem { Probleem(.forbidden, detail) }

    var title: String {
        switch status.code {
        case 400: "Ongeldig verzoek"
        case 401: "Niet geauthenticeerd"
        case 403: "Geen toegang"
        case 404: "Niet gevonden"
        case 405: "Methode niet toegestaan"
        case 406: "Formaat niet beschikbaar"
        case 409: "Conflict met de huidige stand"
        case 412: "Versie komt niet overeen"
        case 413: "Verzoek te groot"
        case 415: "Mediatype niet ondersteund"
        case 422: "Niet verwerkbaar"
        case 503: "Tijdelijk niet beschikbaar"
        case 500..<600: "Interne fout"
        default: status.reasonPhrase
        }
    }

    private struct Lichaam: Encodable {
        var type = "about:blank"
        var title: String
        var status: Int
        var detail: String?
        var invalidParams: [OngeldigeParameter]?
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let lichaam = Lichaam(title: title, status: status.code, detail: detail,
                              invalidParams: invalidParams.isEmpty ? nil : invalidParams)
        var headers = headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: try JSON.encoder.encode(lichaam))))
    }

    /// The problem for any error a handler throws; `nil` means an internal error whose details
    /// stay in the log (type and SQLSTATE only).
    static func van(_ error: any Error) -> Probleem? {
        switch error {
        case let probleem as Probleem:
            return probleem
        case let fout as GebeurtenisFout:
            return switch fout {
            case .onbekendType: .ongeldig("type", "is geen bekend gebeurtenistype")
            case .onbekendeSchemaversie: .ongeldig("type", "heeft een onbekende schemaversie")
            case .ongeldigVeld(_, let veld, let reden): .ongeldig("gegevens.\(veld)", reden)
            case .onbekendVeld(_, let veld): .ongeldig("gegevens.\(veld)", "is onbekend")
            }
        case let fout as RegelFout:
            return switch fout {
            case .datumInDeToekomst: .onverwerkbaar("datum", "ligt in de toekomst")
            case .persoonsgegevensOntbreken: .ongeldig("gegevens.persoonsgegevens", "ontbreekt")
            case .legeScope: .ongeldig("gegevens.scope", "noemt geen enkele scope")
            case .geboortedatumNaAanmelding: .onverwerkbaar("gegevens.persoonsgegevens.geboortedatum", "ligt niet voor de aanmelding")
            case .nametingOpleiding: .onverwerkbaar("gegevens.opleiding", "hoort bij een nameting precies als de uitkomst 'mbo' is")
            case .trajectBestaatNiet: Probleem(.notFound, "dit traject bestaat niet")
            default: Probleem(.conflict, fout.description)
            }
        case let fout as TrajectFout:
            return switch fout {
            case .versieConflict: Probleem(.preconditionFailed, fout.description)
            case .onbekendTraject: Probleem(.notFound, "dit traject bestaat niet")
            case .andereHerhaling: Probleem(.unprocessableContent, fout.description)
            case .teDrukBezet: Probleem(.serviceUnavailable, fout.description, headers: [.retryAfter: "1"])
            }
        case let fout as PostgresError where fout.isTransient:
            return Probleem(.serviceUnavailable, "de database is nu niet bereikbaar; probeer het later opnieuw", headers: [.retryAfter: "5"])
        case is HTTPParserError:
            // A malformed body (a chunk size that is no number, say) arrives while the handler reads it.
            return Probleem(.badRequest, "de body is geen geldig HTTP-bericht")
        case is NIOTooManyBytesError:
            return Probleem(.contentTooLarge, "de body is groter dan \(APIContext.maximaleBody / 1024) KiB")
        case let fout as any HTTPResponseError where fout.status.code < 500:
            return Probleem(fout.status, fout.status == .notFound ? "deze route bestaat niet" : nil)
        default:
            return nil
        }
    }
}

/// JSON as the API writes it: camelCase keys (as the types declare them), sorted, slashes plain.
enum JSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func response(_ waarde: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: try encoder.encode(waarde))))
    }
}
