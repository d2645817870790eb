import Crypto
import EventStore
import Foundation
import Overstap
import Postgres

/// A bearer token as the register shows it (never the token itself).
public struct TokenInfo: Sendable, Equatable {
    public var id: UUID
    public var lezer: Lezer
    public var omschrijving: String
    public var aangemaaktOp: Date
    public var ingetrokkenOp: Date?
}

/// Why a token was refused or could not be made.
public enum TokenFout: Error, Equatable, CustomStringConvertible {
    case onvolledig(String)
    case ongeldig(String, String)
    case onbekend

    public var description: String {
        switch self {
        case .onvolledig(let wat): "a token for this role needs \(wat)"
        case .ongeldig(let wat, let reden): "\(wat) is not a valid name (\(reden))"
        case .onbekend: "no such token"
        }
    }
}

/// The API's bearer tokens: made with a role and scope, stored as a SHA-256 hash, shown once,
/// revocable. A token is 32 random bytes, so a fast hash is as safe as a slow one here.
public struct Tokens: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let voorvoegsel = "ovs_"

    /// Makes a token for `lezer`; returns its id and the token, which is not stored anywhere.
    /// Its scope (region, coach, school, institution) is kept NFC-normalised, as the payloads it
    /// is compared with are; a scope that is no valid `Tekstsoort.kenmerk` is `TokenFout.ongeldig`.
    public func maak(voor lezer: Lezer, omschrijving: String, door: String) async throws -> (id: UUID, token: String) {
        if lezer.rol != .admin, lezer.regio == nil { throw TokenFout.onvolledig("--regio") }
        if lezer.rol == .coach, lezer.coach == nil { throw TokenFout.onvolledig("--coach") }
        if lezer.rol == .school, lezer.school == nil { throw TokenFout.onvolledig("--school") }
        if lezer.rol == .mbo, lezer.instelling == nil { throw TokenFout.onvolledig("--instelling") }
        func kenmerk(_ waarde: String?, _ optie: String) throws -> String? {
            guard let waarde else { return nil }
            do { return try Tekstsoort.kenmerk.controleer(waarde) } catch { throw TokenFout.ongeldig(optie, error.reden) }
        }
        let lezer = Lezer(rol: lezer.rol, regio: try kenmerk(lezer.regio, "--regio"), coach: try kenmerk(lezer.coach, "--coach"),
                          school: try kenmerk(lezer.school, "--school"), instelling: try kenmerk(lezer.instelling, "--instelling"))
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let token = Self.voorvoegsel + bytes.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let id = UUID()
        try await pool.query(
            """
            INSERT INTO api_tokens (id, hash, rol, regio, coach, school, instelling, omschrijving, aangemaakt_door)
            VALUES (\(id), \(Self.hash(token)), \(lezer.rol.rawValue), \(lezer.regio), \(lezer.coach), \(lezer.school),
                    \(lezer.instelling), \(omschrijving), \(door))
            """)
        return (id, token)
    }

    /// The reader behind `token`, if it is a live token. Asked on every request, so prepared.
    public func controleer(_ token: String) async throws -> (id: UUID, lezer: Lezer)? {
        guard token.hasPrefix(Self.voorvoegsel), token.utf8.count < 100 else { return nil }
        guard let rij = try await pool.queryPrepared(
            "SELECT id, rol, regio, coach, school, instelling FROM api_tokens WHERE hash = \(Self.hash(token)) AND ingetrokken_op IS NULL"
        ).first else { return nil }
        return (try rij.decode("id"), try Self.lezer(rij))
    }

    /// Revokes a token from the next request on.
    public func trekIn(_ id: UUID) async throws {
        let rijen = try await pool.query(
            "UPDATE api_tokens SET ingetrokken_op = now() WHERE id = \(id) AND ingetrokken_op IS NULL")
        if rijen.affectedRows == 0, try await pool.query("SELECT 1 AS x FROM api_tokens WHERE id = \(id)").isEmpty {
            throw TokenFout.onbekend
        }
    }

    /// Every token ever made, newest first.
    public func lijst() async throws -> [TokenInfo] {
        try await pool.query(
            """
            SELECT id, rol, regio, coach, school, instelling, omschrijving, aangemaakt_op, ingetrokken_op
            FROM api_tokens ORDER BY aangemaakt_op DESC, id
            """
        ).map { rij in
            TokenInfo(id: try rij.decode("id"), lezer: try Self.lezer(rij), omschrijving: try rij.decode("omschrijving"),
                      aangemaaktOp: try rij.decode("aangemaakt_op"), ingetrokkenOp: try rij.decode("ingetrokken_op"))
        }
    }

    private static func hash(_ token: String) -> Data { Data(SHA256.hash(data: Data(token.utf8))) }

    private static func lezer(_ rij: PostgresRow) throws -> Lezer {
        guard let rol = Rol(rawValue: try rij.decode("rol")) else { throw TokenFout.onbekend }
        return Lezer(rol: rol, regio: try rij.decode("regio"), coach: try rij.decode("coach"), school: try rij.decode("school"),
                     instelling: try rij.decode("instelling"))
    }
}
