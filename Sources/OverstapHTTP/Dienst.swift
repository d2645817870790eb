import EventStore
import Foundation
import Hummingbird
import Logging
import NIOCore
import Overstap
import OverstapOpslag
import Postgres
import Prometheus
import ServiceLifecycle

/// The running service, composed in one place for `overstap serve`, the bench and the tests: the
/// pools (writes and case reads on the store's; lists and token checks / `/ready` / `/metrics` on
/// pools of their own, so that a burst of lists never starves a write), the API, and its long-lived
/// parts as `Service`s for one `ServiceGroup`.
public struct Dienst: Sendable {
    /// The API on those pools.
    public let api: OverstapAPI
    /// The pools made here (not the store's); `sluit()` closes them.
    private let eigenPools: [PostgresPool]

    /// Composes the service on `trajecten`'s store. `lijsten` and `beheer` are the sizes of the
    /// pools for lists and for token checks (`nil`: those share the store's pool); a list waits at
    /// most `lijstWachttijd` for a connection (then 503) and `actueelBinnen` for the read models to
    /// hold the writes before it (a timeline `tijdlijnBinnen`), a token check 2 s, `/ready` `gereedBinnen` for the database's
    /// answer; `vandaag` is today in Amsterdam (fixed in tests and the bench).
    public init(
        trajecten: Trajecten, instellingen: RegioInstellingen, metrieken: PrometheusCollectorRegistry,
        lijsten: Int? = 4, beheer: Int? = 2, lijstWachttijd: Duration = .seconds(10), gereedBinnen: Duration = .seconds(2),
        actueelBinnen: Duration = .seconds(2), tijdlijnBinnen: Duration = .milliseconds(500),
        vandaag: @escaping @Sendable () -> Datum = { .vandaag() }
    ) {
        let configuratie = trajecten.store.pool.configuration
        let lijstenPool = lijsten.map { PostgresPool(configuratie, maximumConnections: $0, acquireTimeout: lijstWachttijd) }
        let beheerPool = beheer.map { PostgresPool(configuratie, maximumConnections: $0, acquireTimeout: .seconds(2)) }
        api = OverstapAPI(trajecten: trajecten, instellingen: instellingen, metrieken: metrieken,
                          lijsten: lijstenPool, beheer: beheerPool, gereedBinnen: gereedBinnen, actueelBinnen: actueelBinnen,
                          tijdlijnBinnen: tijdlijnBinnen, vandaag: vandaag)
        eigenPools = [lijstenPool, beheerPool].compactMap { $0 }
    }

    /// The long-lived parts: the HTTP server on `host`:`port` (0: any free port; `onServerRunning`
    /// gets its channel) with `idleTimeout` for stalled clients, the wake-ups after appends, and,
    /// with `projectie`, the projection that keeps the read models current (tests bring them up to
    /// date themselves).
    public func services(
        host: String, port: Int, logger: Logger, idleTimeout: Duration = .seconds(30), projectie: Bool = true,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> [any Service] {
        let app = api.application(host: host, port: port, logger: logger, idleTimeout: idleTimeout, onServerRunning: onServerRunning)
        let wekker = WekDienst(store: api.trajecten.store)
        return projectie ? [app, wekker, ProjectieDienst(runner: api.projectie)] : [app, wekker]
    }

    /// Runs `services(…)` in one `ServiceGroup` until the calling task is cancelled (the bench and
    /// the tests: no signal handling; `serve` builds its group with SIGTERM and SIGINT).
    public func draai(
        host: String, port: Int, logger: Logger, idleTimeout: Duration = .seconds(30), projectie: Bool = true,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) async throws {
        let group = ServiceGroup(configuration: .init(
            services: services(host: host, port: port, logger: logger, idleTimeout: idleTimeout, projectie: projectie,
                               onServerRunning: onServerRunning).map { .init(service: $0) },
            logger: logger))
        try await group.run()
    }

    /// Closes the pools made here.
    public func sluit() async {
        for pool in eigenPools { await pool.close() }
    }
}

/// Keeps the read models current while the service runs; stops on graceful shutdown. A database
/// failure (a restart, say) is logged and retried after a pause instead of ending the service.
struct ProjectieDienst: Service {
    let runner: ProjectionRunner
    let logger = Logger(label: "overstap.projectie")

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await runner.run()
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("projection stopped; retrying in 5 s", metadata: ["fout": "\(type(of: error))"])
                    try? await Task.sleep(for: .seconds(5))
                }
            }
        }
    }
}

/// Sends the wake-up NOTIFY after appends (`EventStore.sendWakeUps`) while the service runs, so
/// subscribers here and in other processes follow at once; stops on graceful shutdown.
struct WekDienst: Service {
    let store: EventStore

    func run() async throws {
        await cancelWhenGracefulShutdown { await store.sendWakeUps() }
    }
}
