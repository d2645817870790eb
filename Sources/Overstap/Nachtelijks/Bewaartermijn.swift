import EventStore

/// Forgets students whose case has been closed longer than their region's retention period.
public struct Bewaartermijn: Sendable {
    public let trajecten: Trajecten
    public let instellingen: RegioInstellingen

    public init(trajecten: Trajecten, instellingen: RegioInstellingen) {
        self.trajecten = trajecten
        self.instellingen = instellingen
    }

    /// Forgets every case due on `peildatum`; returns their ids. A case it cannot forget is logged
    /// and skipped (the next night tries again); the others go on.
    public func voerUit(peildatum: Datum, door actor: String = "nachtelijkse-controle") async throws -> [String] {
        try await trajecten.projectie(instellingen).catchUp()
        let gesloten = try await trajecten.store.pool.query(
            "SELECT traject_id, regio, afgesloten_op FROM trajecten WHERE afgesloten_op IS NOT NULL AND vergeten_op IS NULL ORDER BY traject_id")
        var vergeten: [String] = []
        for rij in gesloten {
            let id: String = try rij.decode("traject_id")
            let afgesloten: Datum = try rij.decode("afgesloten_op")
            guard afgesloten.plus(dagen: instellingen.voor(try rij.decode("regio")).bewaartermijnDagen) <= peildatum else { continue }
            do {
                try await trajecten.vergeet(id, reden: .bewaartermijn, door: actor, vandaag: peildatum)
                vergeten.append(id)
            } catch let fout as PostgresError where fout.isConnectionFailure {
                throw fout
            } catch {
                opslagLogger.error("bewaartermijn: traject overgeslagen", metadata: ["traject.id": "\(id)", "fout": "\(type(of: error))"])
            }
        }
        return vergeten
    }
}
