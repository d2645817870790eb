import Crypto
import EventStore
import Foundation
import Overstap
import Postgres

/// The vault for personal data: one data key per case, wrapped by the key ring, in
/// `leerling_sleutels`. Personal fields are stored as `"persoonsgegevens": "v1:<base64>"`
/// (AES-GCM, bound to case and event id); forgetting destroys the key.
public struct Kluis: Sendable {
    public let pool: PostgresPool
    public let sleutelring: Sleutelring

    public init(pool: PostgresPool, sleutelring: Sleutelring) {
        self.pool = pool
        self.sleutelring = sleutelring
    }

    static let voorvoegsel = "v1:"

    /// `payloadJSON` with its `persoonsgegevens` encrypted; creates the case's key when needed.
    func versleutel(_ payloadJSON: String, traject: TrajectID, eventID: UUID) async throws -> String {
        var object = try PayloadJSON.object(payloadJSON)
        guard let persoonlijk = object["persoonsgegevens"], !(persoonlijk is NSNull) else { return payloadJSON }
        guard let sleutel = try await dataSleutel(traject, aanmaken: true) else { throw RegelFout.trajectVergeten }
        let klaar = try JSONSerialization.data(withJSONObject: persoonlijk, options: .sortedKeys)
        let doos = try AES.GCM.seal(klaar, using: sleutel, authenticating: Self.context(traject.stroom, eventID))
        object["persoonsgegevens"] = Self.voorvoegsel + doos.combined!.base64EncodedString()
        return try PayloadJSON.tekst(object)
    }

    /// A UUID derived from `naam` with this database's secret (`server_geheim`, sql/0010): the same
    /// name always gives the same id here, and nobody without the secret can predict it (for ids
    /// derived from a client's idempotency key).
    public func geheimeUUID(_ naam: String) async throws -> UUID {
        guard let geheim: Data = try await pool.query("SELECT sleutel FROM server_geheim").first?.decode("sleutel") else {
            throw PostgresError(code: .decoding, message: "server_geheim is empty")
        }
        return uuid(uit: Array(HMAC<SHA256>.authenticationCode(for: Data(naam.utf8), using: SymmetricKey(data: geheim))))
    }

    /// A fingerprint of `inhoud` (an event as the writer means to store it, personal data in plain
    /// text) for telling a retry from a reused id: HMAC-SHA256 under a key derived from the case's
    /// data key when `persoonlijk` (so it reveals nothing and is forgotten with the key), else
    /// plain SHA-256. Hex. Throws `RegelFout.trajectVergeten` when the key is gone.
    func vingerafdruk(_ inhoud: String, persoonlijk: Bool, traject: TrajectID) async throws -> String {
        let bytes = Data(inhoud.utf8)
        guard persoonlijk else { return SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }
        guard let sleutel = try await dataSleutel(traject, aanmaken: true) else { throw RegelFout.trajectVergeten }
        let afgeleid = HKDF<SHA256>.deriveKey(inputKeyMaterial: sleutel, info: Data("overstap-vingerafdruk".utf8), outputByteCount: 32)
        return HMAC<SHA256>.authenticationCode(for: bytes, using: afgeleid).map { String(format: "%02x", $0) }.joined()
    }

    /// The stored payload with `persoonsgegevens` decrypted, or without it when the case is forgotten.
    func ontsleutel(_ event: RecordedEvent, sleutel: SymmetricKey?) throws -> String {
        var object = try PayloadJSON.object(event.data)
        guard let versleuteld = object["persoonsgegevens"] as? String else { return event.data }
        guard let sleutel, versleuteld.hasPrefix(Self.voorvoegsel),
            let bytes = Data(base64Encoded: String(versleuteld.dropFirst(Self.voorvoegsel.count)))
        else {
            object["persoonsgegevens"] = nil
            return try PayloadJSON.tekst(object)
        }
        do {
            let klaar = try AES.GCM.open(AES.GCM.SealedBox(combined: bytes), using: sleutel,
                                         authenticating: Self.context(event.streamID, event.id))
            object["persoonsgegevens"] = try JSONSerialization.jsonObject(with: klaar)
        } catch {
            throw SleutelFout.onleesbaar
        }
        return try PayloadJSON.tekst(object)
    }

    /// The case's data key; `nil` when the case was forgotten (or never had one and `aanmaken` is false).
    func dataSleutel(_ traject: TrajectID, aanmaken: Bool) async throws -> SymmetricKey? {
        if aanmaken {
            let (kekID, gewikkeld) = try sleutelring.wikkel(SymmetricKey(size: .bits256), traject: traject)
            try await pool.query(
                """
                INSERT INTO leerling_sleutels (traject_id, kek_id, sleutel) VALUES (\(traject), \(kekID), \(gewikkeld))
                ON CONFLICT (traject_id) DO NOTHING
                """)
        }
        guard let rij = try await pool.query(
            "SELECT kek_id, sleutel FROM leerling_sleutels WHERE traject_id = \(traject)").first,
            let gewikkeld = try rij.decode("sleutel", as: Data?.self)
        else { return nil }
        return try sleutelring.pak(gewikkeld, kekID: try rij.decode("kek_id"), traject: traject)
    }

    /// Refuses a key ring that cannot unwrap every data key the database holds (a wrong or
    /// missing KEK): better no start than 500s on every read and new keys wrapped under the wrong
    /// KEK. Throws `SleutelFout.onbekendeKEK` naming the first unknown key id.
    public func controleerSleutelring() async throws {
        let bekend = Set(([sleutelring.actief] + sleutelring.oud).map(\.id))
        for rij in try await pool.query("SELECT DISTINCT kek_id FROM leerling_sleutels WHERE kek_id IS NOT NULL ORDER BY kek_id") {
            let id: String = try rij.decode("kek_id")
            if !bekend.contains(id) { throw SleutelFout.onbekendeKEK(id) }
        }
    }

    /// Destroys the case's data key, noting why, through the one path the application role has
    /// (`vergeet_sleutel`, sql/0009); returns false when it was already gone.
    @discardableResult
    func vergeet(_ traject: TrajectID, reden: VergeetReden) async throws -> Bool {
        try await pool.query("SELECT vergeet_sleutel(\(traject), \(reden.rawValue)) AS vergeten").first?.decode("vergeten") ?? false
    }

    /// One line of the forget ledger: a case whose data key was destroyed, when (UTC) and why
    /// (`verzoek`, `bewaartermijn`; `nil` for a forget from before the reason was kept).
    public struct Vergeten: Sendable, Equatable {
        public var traject: TrajectID
        public var op: Date
        public var reden: VergeetReden?
    }

    /// Every case whose key was destroyed, oldest forget first: the ledger that a restore of an
    /// older backup applies again (docs/operations.md). It holds case ids only, no personal data.
    public func vergeetlijst() async throws -> [Vergeten] {
        try await pool.query(
            "SELECT traject_id, vergeten_op, vergeet_reden FROM leerling_sleutels WHERE vergeten_op IS NOT NULL ORDER BY vergeten_op, traject_id"
        ).map { rij in
            Vergeten(traject: try rij.decode("traject_id"), op: try rij.decode("vergeten_op"),
                     reden: try rij.decode("vergeet_reden", as: String?.self).flatMap(VergeetReden.init(rawValue:)))
        }
    }

    /// Old versions of key rows that VACUUM has not yet removed (PostgreSQL's estimate,
    /// `pg_stat_user_tables.n_dead_tup`): after a forget or a rotation, copies of wrapped keys that
    /// pageinspect could still read. autovacuum brings it to 0 within `autovacuum_naptime`
    /// (sql/0011) unless a long transaction holds it back.
    /// 0 before the key table exists.
    public static func oudeSleutelversies(_ pool: PostgresPool) async throws -> Int {
        try await pool.query(
            "SELECT coalesce(n_dead_tup, 0)::int8 AS n FROM pg_stat_user_tables WHERE relid = to_regclass('leerling_sleutels')"
        ).first?.decode("n", as: Int.self) ?? 0
    }

    /// VACUUMs the key table at once, so that no old version of a destroyed or re-wrapped key
    /// stays in its pages. Only the table's owner may (PostgreSQL 15), and for anyone else
    /// PostgreSQL skips the table with a mere warning: so this throws `SleutelFout.geenEigenaar`
    /// unless the login is (a member of) the owner, e.g. `overstap_owner`. `volledig` rewrites the
    /// table (VACUUM FULL): plain VACUUM frees old versions, but a page's free space can keep their
    /// bytes until reused; a rewrite leaves none (it holds an exclusive lock: for restores).
    public func ruimOp(volledig: Bool = false) async throws {
        let eigenaar: Bool = try await pool.query(
            "SELECT pg_has_role(current_user, relowner, 'USAGE') AS eigenaar FROM pg_class WHERE oid = 'leerling_sleutels'::regclass"
        ).first?.decode("eigenaar") ?? false
        guard eigenaar else { throw SleutelFout.geenEigenaar }
        try await pool.query(volledig ? "VACUUM FULL leerling_sleutels" : "VACUUM leerling_sleutels")
    }

    /// Re-wraps every data key not wrapped by the active KEK; returns how many. Each key is
    /// swapped only if nobody changed it meanwhile, so the service can keep running.
    public func roteer(perKeer: Int = 500) async throws -> Int {
        var totaal = 0
        while true {
            let rijen = try await pool.query(
                """
                SELECT traject_id, kek_id, sleutel FROM leerling_sleutels
                WHERE sleutel IS NOT NULL AND kek_id <> \(sleutelring.actief.id) ORDER BY traject_id LIMIT \(perKeer)
                """)
            guard !rijen.isEmpty else { return totaal }
            for rij in rijen {
                let oudID: String = try rij.decode("kek_id")
                let gewikkeld: Data = try rij.decode("sleutel")
                let traject: TrajectID = try rij.decode("traject_id")
                let (nieuwID, opnieuw) = try sleutelring.wikkel(try sleutelring.pak(gewikkeld, kekID: oudID, traject: traject), traject: traject)
                totaal += try await pool.query(
                    """
                    UPDATE leerling_sleutels SET kek_id = \(nieuwID), sleutel = \(opnieuw)
                    WHERE traject_id = \(traject) AND kek_id = \(oudID) AND sleutel = \(gewikkeld)
                    """).affectedRows
            }
        }
    }

    private static func context(_ traject: String, _ eventID: UUID) -> Data {
        Data("overstap|\(traject)|\(eventID.uuidString.lowercased())".utf8)
    }
}
