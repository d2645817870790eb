import EventStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Logging
import Metrics
import Overstap
import Prometheus

/// The HTTP API (DESIGN §6, Dutch API Design Rules): routes under `/v1`, bearer tokens with roles,
/// problem+json errors, `API-Version` on every response.
public struct OverstapAPI: Sendable {
    public let trajecten: Trajecten
    public let overzichten: Overzichten
    public let tokens: Tokens
    /// Brought up to date on a read that would otherwise miss the caller's own write.
    public let projectie: ProjectionRunner
    /// Today in Amsterdam; fixed in tests.
    public let vandaag: @Sendable () -> Datum

    /// The version in the `API-Version` header; the major version is the `/v1` in paths.
    public static let versie = "1.0.0"

    public init(
        trajecten: Trajecten, instellingen: RegioInstellingen, vandaag: @escaping @Sendable () -> Datum = { .vandaag() }
    ) {
        self.trajecten = trajecten
        self.overzichten = Overzichten(pool: trajecten.store.pool, instellingen: instellingen)
        self.tokens = Tokens(pool: trajecten.store.pool)
        self.projectie = trajecten.projectie(instellingen)
        self.vandaag = vandaag
    }

    /// Where `/metrics` reads from. The first use makes it the process's metrics backend, which
    /// Hummingbird's request counters and timers report to (swift-metrics allows one, once).
    public static let metrieken: PrometheusCollectorRegistry = {
        let register = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: register))
        return register
    }()

    var pool: PostgresPool { trajecten.store.pool }
    var dossier: Dossier { Dossier(trajecten: trajecten) }

    /// Every route: the router serves exactly these, and `openapi.json` documents exactly these.
    var routes: [Route] { leerlingRoutes + regioRoutes + beheerRoutes }

    /// The router with its middleware.
    public func router() -> Router<APIContext> {
        _ = Self.metrieken  // the backend must be in place before the first request is counted
        let router = Router(context: APIContext.self)
        router.add(middleware: VerzoekMiddleware())
        router.add(middleware: MetricsMiddleware())
        for route in routes {
            router.on(RouterPath(route.pad), method: route.methode) { request, context in
                var context = context
                if let rollen = route.rollen {
                    let (tokenID, lezer) = try await aanmelden(request)
                    guard rollen.contains(lezer.rol) else {
                        throw Probleem.geenToegang("de rol \(lezer.rol.rawValue) mag dit niet")
                    }
                    context.lezer = lezer
                    context.tokenID = tokenID
                }
                return try await route.handler(request, context)
            }
        }
        return router
    }

    /// The server on `host`:`port` (port 0: any free port; `onServerRunning` learns which).
    public func application(
        host: String, port: Int, logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "overstap"),
            onServerRunning: onServerRunning, logger: logger)
    }

    /// The reader behind the bearer token, or a 401.
    private func aanmelden(_ request: Request) async throws -> (UUID, Lezer) {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
            let gevonden = try await tokens.controleer(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
        else { throw Probleem.nietGeauthenticeerd }
        return gevonden
    }
}

/// One route: method, path in OpenAPI form (`/v1/leerlingen/{id}`), the roles that may call it
/// (`nil`: open, without a token), and its handler.
struct Route: Sendable {
    let methode: HTTPRequest.Method
    let pad: String
    let rollen: Set<Rol>?
    let handler: @Sendable (Request, APIContext) async throws -> Response

    init(_ methode: HTTPRequest.Method, _ pad: String, rollen: Set<Rol>?,
         _ handler: @escaping @Sendable (Request, APIContext) async throws -> Response) {
        self.methode = methode
        self.pad = pad
        self.rollen = rollen
        self.handler = handler
    }
}
