import Foundation
import Hummingbird
import Overstap
import OverstapOpslag

/// Per request: the reader a valid token names (set by the route before its handler runs).
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated reader; `nil` on open routes.
    var lezer: Lezer?
    /// The token the reader used.
    var tokenID: UUID?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// No request of this API needs more; larger bodies get a 413.
    static let maximaleBody = 64 * 1024
    public var maxUploadSize: Int { Self.maximaleBody }

    /// The reader of an authenticated route.
    var ingelogd: Lezer {
        get throws {
            guard let lezer else { throw Probleem.nietGeauthenticeerd }
            return lezer
        }
    }

    /// Who recorded or read something, for the log and the read register: role, scope and token,
    /// never a person's name.
    var actor: String {
        guard let lezer, let tokenID else { return "api" }
        let scope = lezer.coach ?? lezer.school ?? lezer.regio ?? "-"
        return "api:\(lezer.rol.rawValue):\(scope):\(tokenID.uuidString.prefix(8).lowercased())"
    }
}
