import Crypto
import Foundation
import Overstap

/// Why personal data cannot be protected or read; nothing is stored in plain text instead.
public enum SleutelFout: Error, Equatable, Sendable, CustomStringConvertible {
    case geenKEK
    case ongeldigeKEK(String)
    case onbekendeKEK(String)
    case onleesbaar
    case geenEigenaar

    public var description: String {
        switch self {
        case .geenKEK:
            "no key-encryption key configured, so personal data cannot be stored safely. "
                + "Hint: set OVERSTAP_KEK (base64, 32 bytes) or OVERSTAP_KEK_FILE; `overstap sleutels nieuw` makes one"
        case .ongeldigeKEK(let waar):
            "the key-encryption key in \(waar) is not 32 bytes of base64. Hint: `overstap sleutels nieuw` makes one"
        case .onbekendeKEK(let id):
            "a data key is wrapped with key-encryption key \(id), which is not configured. "
                + "Hint: add it to OVERSTAP_KEK_OUD until `overstap sleutels roteer` has re-wrapped every key"
        case .onleesbaar:
            "encrypted personal data failed its integrity check"
        case .geenEigenaar:
            "only the owner of the key table may vacuum it. Hint: run this with the owner's login (overstap_owner)"
        }
    }
}

/// The key-encryption keys: the active one wraps new data keys; old ones (during a rotation) only
/// unwrap. They come from configuration, never from the database.
public struct Sleutelring: Sendable {
    /// A key-encryption key and its id (a fingerprint, safe to store beside wrapped keys).
    public struct KEK: Sendable {
        public let id: String
        // Raw bytes: swift-crypto 3's SymmetricKey is not Sendable.
        private let bytes: Data
        var sleutel: SymmetricKey { SymmetricKey(data: bytes) }

        /// A key from its base64 text.
        public init(base64 tekst: String, waar: String) throws {
            guard let bytes = Data(base64Encoded: tekst.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
                throw SleutelFout.ongeldigeKEK(waar)
            }
            self.bytes = bytes
            id = SHA256.hash(data: bytes).prefix(8).map { String(format: "%02x", $0) }.joined()
        }
    }

    /// Wraps new data keys.
    public let actief: KEK
    /// Still unwrap keys not yet rotated.
    public let oud: [KEK]

    public init(actief: KEK, oud: [KEK] = []) {
        self.actief = actief
        self.oud = oud
    }

    /// `OVERSTAP_KEK` or the file `OVERSTAP_KEK_FILE`; old keys (during a rotation) in
    /// `OVERSTAP_KEK_OUD`, comma-separated, and/or one per line in the file `OVERSTAP_KEK_OUD_FILE`.
    public static func uitOmgeving(_ omgeving: [String: String] = ProcessInfo.processInfo.environment) throws -> Sleutelring {
        let actief: KEK
        if let tekst = omgeving["OVERSTAP_KEK"], !tekst.isEmpty {
            actief = try KEK(base64: tekst, waar: "OVERSTAP_KEK")
        } else if let pad = omgeving["OVERSTAP_KEK_FILE"], !pad.isEmpty {
            guard let inhoud = FileManager.default.contents(atPath: pad) else { throw SleutelFout.ongeldigeKEK(pad) }
            actief = try KEK(base64: String(decoding: inhoud, as: UTF8.self), waar: pad)
        } else {
            throw SleutelFout.geenKEK
        }
        var oud = try (omgeving["OVERSTAP_KEK_OUD"] ?? "").split(separator: ",").map {
            try KEK(base64: String($0), waar: "OVERSTAP_KEK_OUD")
        }
        if let pad = omgeving["OVERSTAP_KEK_OUD_FILE"], !pad.isEmpty {
            guard let inhoud = FileManager.default.contents(atPath: pad) else { throw SleutelFout.ongeldigeKEK(pad) }
            oud += try String(decoding: inhoud, as: UTF8.self).split(whereSeparator: \.isNewline)
                .filter { !$0.allSatisfy(\.isWhitespace) }.map { try KEK(base64: String($0), waar: pad) }
        }
        return Sleutelring(actief: actief, oud: oud)
    }

    /// A fresh key-encryption key, base64.
    public static func nieuweKEK() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// Wraps `traject`'s data key with the active KEK, bound to the KEK and the case (associated
    /// data), so that a wrapped key copied to another case's row does not unwrap there.
    func wikkel(_ dataSleutel: SymmetricKey, traject: TrajectID) throws -> (kekID: String, gewikkeld: Data) {
        let bytes = dataSleutel.withUnsafeBytes { Data($0) }
        let doos = try AES.GCM.seal(bytes, using: actief.sleutel, authenticating: Self.gebonden(actief.id, traject.stroom))
        guard let gewikkeld = doos.combined else { throw SleutelFout.onleesbaar }
        return (actief.id, gewikkeld)
    }

    /// Unwraps `traject`'s data key wrapped by the KEK with `kekID`. Keys wrapped before they were
    /// bound to their case (bound to the KEK only) still unwrap; `overstap sleutels roteer` binds them.
    func pak(_ gewikkeld: Data, kekID: String, traject: TrajectID) throws -> SymmetricKey {
        guard let kek = ([actief] + oud).first(where: { $0.id == kekID }) else { throw SleutelFout.onbekendeKEK(kekID) }
        for gebonden in [Self.gebonden(kekID, traject.stroom), Data(kekID.utf8)] {
            if let sleutel = try? AES.GCM.open(AES.GCM.SealedBox(combined: gewikkeld), using: kek.sleutel, authenticating: gebonden) {
                return SymmetricKey(data: sleutel)
            }
        }
        throw SleutelFout.onleesbaar
    }

    private static func gebonden(_ kekID: String, _ traject: String) -> Data { Data("\(kekID)|\(traject)".utf8) }
}
