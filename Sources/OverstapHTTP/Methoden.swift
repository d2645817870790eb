import HTTPTypes
import Hummingbird

/// The methods each path of the API answers, so that a method a path does not have is a `405`
/// with `Allow` (RFC 9110 §15.5.6) instead of a `404`, and `OPTIONS` says what a path offers
/// (`204` with `Allow`, no token needed: it reveals nothing the OpenAPI document does not).
/// `HEAD` is allowed wherever `GET` is, except on a `GET` that registers a read of personal data
/// (`Route.registreertLezing`): the register must not record a read nobody received.
struct Methoden: Sendable {
    /// Per path template (`/v1/leerlingen/{id}`), split into segments (`nil`: a parameter).
    private let paden: [(segmenten: [String?], methoden: [HTTPRequest.Method])]

    /// The methods of `routes`, by path.
    init(_ routes: [Route]) {
        var perPad: [String: [HTTPRequest.Method]] = [:]
        var volgorde: [String] = []
        for route in routes {
            if perPad[route.pad] == nil { volgorde.append(route.pad) }
            perPad[route.pad, default: []] += route.methoden
        }
        paden = volgorde.map { pad in
            (pad.split(separator: "/").map { $0.hasPrefix("{") ? nil : String($0) },
             (perPad[pad] ?? []) + [.options])
        }
    }

    /// The methods the path of `request` answers, for `Allow` (`nil`: no such path).
    func toegestaan(_ pad: String) -> [HTTPRequest.Method]? {
        // Empty segments do not count, as for the router (`//v1/risicolijst/` is `/v1/risicolijst`).
        let delen = pad.split(separator: "/")
        return paden.first { sjabloon in
            sjabloon.segmenten.count == delen.count && zip(sjabloon.segmenten, delen).allSatisfy { verwacht, deel in verwacht.map { $0 == deel } ?? true }
        }?.methoden
    }
}

/// Answers `OPTIONS` and methods a known path does not have, before any route or token check
/// runs; everything else goes on to the router.
struct MethodenMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let methoden: Methoden

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        guard let toegestaan = methoden.toegestaan(request.uri.path), request.method == .options || !toegestaan.contains(request.method)
        else {
            return try await next(request, context)
        }
        let allow = toegestaan.map(\.rawValue).joined(separator: ", ")
        guard request.method != .options else { return Response(status: .noContent, headers: [.allow: allow]) }
        throw Probleem(.methodNotAllowed, "dit pad kent deze methode niet; wel \(allow)", headers: [.allow: allow])
    }
}
