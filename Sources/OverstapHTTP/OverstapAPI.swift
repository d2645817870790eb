import EventStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Logging
import Metrics
import Overstap
import Prometheus
import Synchronization
import OverstapOpslag
import Postgres

/// The HTTP API (DESIGN §6, Dutch API Design Rules): routes under `/v1`, bearer tokens with roles,
/// problem+json errors, `API-Version` on every response.
public struct OverstapAPI: Sendable {
    public let trajecten: Trajecten
    /// Regional lists, on the pool for lists.
    public let overzichten: Overzichten
    /// Timelines, on the store's pool (cheap reads beside the writes).
    let tijdlijnen: Overzichten
    public let tokens: Tokens
    /// Token checks, `/ready` and `/metrics`: a small pool of their own, so that no burst of heavy
    /// requests can make the service unready or refuse every caller.
    let beheer: PostgresPool
    /// Brought up to date on a read that would otherwise miss the caller's own write.
    public let projectie: ProjectionRunner
    /// Today in Amsterdam; fixed in tests.
    public let vandaag: @Sendable () -> Datum
    /// What `/metrics` shows: the registry the process bootstrapped swift-metrics with
    /// (`Metrieken.start()`, called by the executables), where Hummingbird's request counters report too.
    public let metrieken: PrometheusCollectorRegistry

    /// The version in the `API-Version` header; the major version is the `/v1` in paths.
    public static let versie = "1.0.0"

    /// Creates the API. Writes, case reads and timelines use the store's pool; regional lists use
    /// `lijsten` and token checks, `/ready` and `/metrics` use `beheer` (both default to the
    /// store's pool; `serve` gives each its own, so that a burst of lists never starves a write).
    /// `/ready` says the database does not answer when it takes longer than `gereedBinnen`; a list
    /// waits at most `actueelBinnen` for the read models to hold the writes before it, a timeline at
    /// most `tijdlijnBinnen` for its case's.
    public init(
        trajecten: Trajecten, instellingen: RegioInstellingen, metrieken: PrometheusCollectorRegistry,
        lijsten: PostgresPool? = nil, beheer: PostgresPool? = nil, gereedBinnen: Duration = .seconds(2),
        actueelBinnen: Duration = .seconds(2), tijdlijnBinnen: Duration = .milliseconds(500),
        vandaag: @escaping @Sendable () -> Datum = { .vandaag() }
    ) {
        self.trajecten = trajecten
        self.metrieken = metrieken
        self.overzichten = Overzichten(pool: lijsten ?? trajecten.store.pool, instellingen: instellingen)
        self.tijdlijnen = Overzichten(pool: trajecten.store.pool, instellingen: instellingen)
        self.beheer = beheer ?? trajecten.store.pool
        self.tokens = Tokens(pool: self.beheer)
        self.projectie = trajecten.projectie(instellingen)
        self.gereedBinnen = gereedBinnen
        self.actueelBinnen = actueelBinnen
        self.tijdlijnBinnen = tijdlijnBinnen
        self.vandaag = vandaag
    }

    /// How long `/ready` waits for the database.
    let gereedBinnen: Duration
    /// How long a list waits for the read models to hold the writes before it; then it answers
    /// with what they have and `Read-Model-Current: false`.
    let actueelBinnen: Duration
    /// How long a timeline read helps a projection that lags behind its case before it answers
    /// with what it has and `actueel: false`: shorter than a list's, as a timeline is one case.
    let tijdlijnBinnen: Duration

    var pool: PostgresPool { trajecten.store.pool }
    var dossier: Dossier { Dossier(trajecten: trajecten) }

    /// Every route: the router serves exactly these, and `openapi.json` documents exactly these.
    var routes: [Route] { leerlingRoutes + regioRoutes + zichtRoutes + beheerRoutes }

    /// The router with its middleware.
    public func router() -> Router<APIContext> {
        let router = Router(context: APIContext.self)
        router.add(middleware: VerzoekMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: MethodenMiddleware(methoden: Methoden(routes)))
        for route in routes {
            @Sendable func antwoord(_ request: Request, _ context: APIContext) async throws -> Response {
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
            for methode in route.methoden { router.on(RouterPath(route.pad), method: methode, use: antwoord) }
        }
        return router
    }

    /// The server on `host`:`port` (port 0: any free port; `onServerRunning` learns which). A
    /// connection that sends nothing for `idleTimeout` (half a request, or an idle keep-alive) is
    /// closed, so slow or stalled clients cannot hold the process's file descriptors.
    public func application(
        host: String, port: Int, logger: Logger, idleTimeout: Duration = .seconds(30),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(),
            server: .http1(configuration: .init(
                additionalChannelHandlers: [HonderdDoorgaan()], idleTimeout: .nanoseconds(Int64(idleTimeout / .nanoseconds(1))))),
            configuration: .init(address: .hostname(host, port: port), serverName: "overstap"),
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
/// (`nil`: open, without a token), and its handler. A `GET` that registers a read of personal
/// data (`registreertLezing`) has no `HEAD`: the register must not record a read nobody received.
struct Route: Sendable {
    let methode: HTTPRequest.Method
    let pad: String
    let rollen: Set<Rol>?
    let registreertLezing: Bool
    let handler: @Sendable (Request, APIContext) async throws -> Response

    init(_ methode: HTTPRequest.Method, _ pad: String, rollen: Set<Rol>?, registreertLezing: Bool = false,
         _ handler: @escaping @Sendable (Request, APIContext) async throws -> Response) {
        self.methode = methode
        self.pad = pad
        self.rollen = rollen
        self.registreertLezing = registreertLezing
        self.handler = handler
    }

    /// The methods it answers: its own, and `HEAD` on a `GET` (RFC 9110 §9.3.2; `VerzoekMiddleware`
    /// drops the body) unless that `GET` registers a read.
    var methoden: [HTTPRequest.Method] { methode == .get && !registreertLezing ? [.get, .head] : [methode] }
}

/// The process's metrics backend.
public enum Metrieken {
    private static let register = Mutex<PrometheusCollectorRegistry?>(nil)

    /// Makes a Prometheus registry the process's swift-metrics backend and returns it, for
    /// `OverstapAPI(metrieken:)`; the executables call it when they start serving. swift-metrics
    /// allows one bootstrap per process, so a second call returns the same registry.
    public static func start() -> PrometheusCollectorRegistry {
        register.withLock { bestaand in
            if let bestaand { return bestaand }
            let nieuw = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: nieuw))
            bestaand = nieuw
            return nieuw
        }
    }
}
