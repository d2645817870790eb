import EventStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Logging
import Postgres

/// Outermost middleware: a request id (the caller's `X-Request-ID` when sane), `API-Version` on
/// every response, every error as problem+json, no body on an answer to `HEAD`, and one log line per request naming the route
/// template, never the path or query (they hold case ids and dates).
struct VerzoekMiddleware: RouterMiddleware {
    typealias Context = APIContext

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let requestID = request.headers[.xRequestID].flatMap(Self.geldig) ?? UUID().uuidString.lowercased()
        var context = context
        context.logger[metadataKey: "request.id"] = .string(requestID)
        context.logger[metadataKey: "hb.request.id"] = nil  // ours replaces Hummingbird's
        var response: Response
        var foutType: String?
        do {
            response = try await next(request, context)
        } catch {
            if let probleem = Probleem.van(error) {
                response = try probleem.response(from: request, context: context)
            } else {
                foutType = Self.beschrijf(error)
                response = try Probleem(.internalServerError, "er ging iets mis; meld het met request-id \(requestID)")
                    .response(from: request, context: context)
            }
        }
        if request.method == .head { response = Response(status: response.status, headers: response.headers) }
        response.headers[.apiVersion] = OverstapAPI.versie
        // Answers may hold personal data and change with every write: no cache keeps them.
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        response.headers[.xRequestID] = requestID
        let duur = ContinuousClock.now - start
        var metadata: Logger.Metadata = [
            "http.method": "\(request.method.rawValue)", "http.route": "\(context.endpointPath ?? "-")",
            "http.status": "\(response.status.code)",
            "duur.ms": "\(Double(duur.components.seconds) * 1000 + Double(duur.components.attoseconds / 1_000_000_000_000) / 1000)",
        ]
        if let foutType {
            metadata["fout"] = .string(foutType)
            context.logger.error("verzoek mislukt", metadata: metadata)
        } else {
            context.logger.info("verzoek", metadata: metadata)
        }
        return response
    }

    /// A caller's request id: short, plain characters only (it goes into logs).
    private static func geldig(_ id: String) -> String? {
        id.count <= 64 && !id.isEmpty && id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) ? id : nil
    }

    /// An internal error for the log: its type and, for the database, its SQLSTATE; no message,
    /// which may quote values.
    private static func beschrijf(_ error: any Error) -> String {
        if let fout = error as? PostgresError { return "PostgresError \(fout.code) \(fout.sqlState ?? "-")" }
        return String(describing: type(of: error))
    }
}

extension HTTPField.Name {
    static let apiVersion = Self("API-Version")!
    static let xRequestID = Self("X-Request-ID")!
    static let idempotencyKey = Self("Idempotency-Key")!
    /// How far the read models behind an answer have got: a position in the log (`xid/position`).
    static let readModelPosition = Self("Read-Model-Position")!
    /// `true` when the answer reflects every write acknowledged before the request; `false` when
    /// the read models still trail (the answer came after the wait ran out).
    static let readModelCurrent = Self("Read-Model-Current")!
    /// The day a list or timeline shows things as they had happened by.
    static let peildatum = Self("Peildatum")!
    /// The day a list or timeline shows what had been recorded by (absent: everything recorded).
    static let bekendOp = Self("Bekend-Op")!
}
