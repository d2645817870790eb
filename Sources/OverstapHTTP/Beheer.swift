import Foundation
import Hummingbird
import Metrics
import Overstap
import Prometheus
import OverstapOpslag

/// Open routes for operators and clients: the OpenAPI document, liveness, readiness, metrics.
extension OverstapAPI {
    var beheerRoutes: [Route] {
        [
            Route(.get, "/v1/openapi.json", rollen: nil) { _, _ in
                Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                         body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_json)))
            },
            Route(.get, "/health", rollen: nil) { _, _ in try JSON.response(["status": "ok"]) },
            Route(.get, "/ready", rollen: nil, gereed),
            Route(.get, "/metrics", rollen: nil) { _, _ in
                // Read when scraped, so the figure is the database's, whichever instance set events aside.
                if let aantal = try? await quarantaine() { Gauge(label: "overstap_projectie_quarantaine").record(aantal) }
                var tekst: [UInt8] = []
                metrieken.emit(into: &tekst)
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(bytes: tekst)))
            },
        ]
    }

    /// The OpenAPI document served at `/v1/openapi.json`.
    public static var openAPI: Data { Data(PackageResources.openapi_json) }

    /// Ready when the database answers within `gereedBinnen` (2 s in `serve`), on the pool of its own. The number of
    /// events the projection set aside is a field, not a failure: the service still serves.
    @Sendable func gereed(_ request: Request, _ context: APIContext) async throws -> Response {
        let antwoord = try? await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask { try await quarantaine() }
            group.addTask {
                try await Task.sleep(for: gereedBinnen)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        guard let aantal = antwoord ?? nil else { throw Probleem(.serviceUnavailable, "de database antwoordt niet") }
        struct Gereed: Encodable { var status = "ok", quarantaine: Int }
        return try JSON.response(Gereed(quarantaine: aantal))
    }

    /// Events the read models' projection has set aside (`overstap projections quarantaine`).
    private func quarantaine() async throws -> Int { try await projectie.quarantineCount(on: beheer) }
}
