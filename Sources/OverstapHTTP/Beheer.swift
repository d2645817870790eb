import Foundation
import Hummingbird
import Overstap
import Prometheus

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
                var tekst: [UInt8] = []
                Self.metrieken.emit(into: &tekst)
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(bytes: tekst)))
            },
        ]
    }

    /// The OpenAPI document served at `/v1/openapi.json`.
    public static var openAPI: Data { Data(PackageResources.openapi_json) }

    /// Ready when the database answers within two seconds.
    @Sendable func gereed(_ request: Request, _ context: APIContext) async throws -> Response {
        let antwoord = try? await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { try await pool.query("SELECT 1 AS een").count == 1 }
            group.addTask {
                try await Task.sleep(for: .seconds(2))
                return false
            }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
        guard antwoord == true else { throw Probleem(.serviceUnavailable, "de database antwoordt niet") }
        return try JSON.response(["status": "ok"])
    }
}
