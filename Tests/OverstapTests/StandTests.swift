import EventStore
import Foundation
@testable import Overstap
import PostgresTesting
import Testing
@testable import OverstapOpslag
import Postgres
@testable import OverstapDemo

/// The snapshot of a case in `trajecten.stand`: it must always equal folding the case's whole
/// timeline, and lists read from it must equal lists folded from the timeline.
@Suite struct StandTests {
    /// Pure: the snapshot survives JSON, the same state always encodes the same, and folding later
    /// events onto it equals folding everything.
    @Test func aSnapshotFoldsOnLikeTheWholeHistory() throws {
        let jaar = Voorbeeld.samsJaar
        let alles = try #require(Traject.herleid(id: Voorbeeld.id, uit: jaar))
        #expect(alles.laatsteGebeurtenisOp == Voorbeeld.d("2027-06-14"))
        var vervolgd = 0
        for deel in 1..<jaar.count {
            let begin = try #require(Traject.herleid(id: Voorbeeld.id, uit: Array(jaar[..<deel])))
            let stand = begin.alsStand()
            let terug = try Traject(stand: stand)
            #expect(terug == begin)
            #expect(terug.alsStand() == stand)
            let rest = Array(jaar[deel...])
            if rest.map(\.1).min()! >= begin.laatsteGebeurtenisOp {
                #expect(Traject.herleid(id: Voorbeeld.id, uit: rest, vanaf: terug) == alles)
                vervolgd += 1
            }
        }
        #expect(vervolgd == jaar.count - 2)  // every split but the one between 20 and 16 April
    }

    /// Every stored property of `Traject` survives the snapshot: three cases that between them set
    /// every property (each differs from a bare case somewhere) come back equal.
    @Test func everyStoredPropertySurvivesTheSnapshot() throws {
        let d = Voorbeeld.d
        var anders = Voorbeeld.aanmelding
        anders.regio = "Twente"; anders.vsoSchool = "Het Baken"; anders.verwachteStartdatum = d("2027-08-30")
        anders.uitstroomprofiel = .arbeidsmarkt
        anders.beoogdeOpleiding = Opleiding(instelling: "ROC", opleiding: "Zorg", niveau: .niveau2, leerweg: .bbl)
        let kaal = try #require(Traject.herleid(id: TrajectID(UUID()), uit: [(.aanmelding(anders), d("2025-12-01"))]))
        let sam = try #require(Traject.herleid(id: Voorbeeld.id, uit: Voorbeeld.samsJaar))
        let noShow = try #require(Traject.herleid(id: TrajectID(UUID()), uit: [
            (.aanmelding(Voorbeeld.aanmelding), d("2026-01-15")),
            (.noShowGesignaleerd(.init(peildatum: d("2026-09-15"), schooljaar: Schooljaar(beginjaar: 2026), soort: .startOnbevestigd)), d("2026-09-15")),
            (.signaal(.init(soort: .thuissituatie)), d("2026-09-20")),
            (.signaal(.init(soort: .verzuim)), d("2026-09-21")),
            (.afgesloten(.init(reden: .verhuisd)), d("2026-10-01")),
            (.leerlingVergeten(.init(reden: .verzoek)), d("2026-10-02")),
        ]))
        let stage = try #require(Traject.herleid(id: TrajectID(UUID()), uit: [
            (.aanmelding(Voorbeeld.aanmelding), d("2026-01-15")),
            (.gestart(.init(instelling: "MBO Utrecht", opleiding: "Entree")), d("2026-09-01")),
            (.stageGestart(.init(stagebedrijf: "Bakkerij")), d("2026-10-01")),
            (.stagebezoek(.init(stagebedrijf: "Bakkerij")), d("2026-10-15")),
            (.opleidingGewijzigd(.init(instelling: "ROC", opleiding: "Logistiek", niveau: .niveau2, leerweg: .bbl)), d("2026-11-02")),
            (.diplomaBehaald(.init(niveau: .niveau2)), d("2027-07-01")),
            (.afgesloten(.init(reden: .diploma)), d("2027-07-02")),
            (.nameting(.init(uitkomst: .werk)), d("2027-09-01")),
        ]))
        for traject in [kaal, sam, noShow, stage] {
            #expect(try Traject(stand: traject.alsStand()) == traject)
        }
        let velden = Mirror(reflecting: kaal).children.map { $0.label! }
        #expect(velden.count == 34)  // a new stored property needs the codec and `standVersie` too
        let onbedekt = velden.filter { veld in
            [sam, noShow, stage].allSatisfy { traject in
                "\(Mirror(reflecting: traject).children.first { $0.label == veld }!.value)"
                    == "\(Mirror(reflecting: kaal).children.first { $0.label == veld }!.value)"
            }
        }
        #expect(onbedekt.isEmpty, "no test case sets \(onbedekt)")
        // Damaged or cut-off bytes are an error, never a wrong state.
        let bytes = sam.alsStand()
        #expect(throws: StandFout.self) { try Traject(stand: bytes.dropLast()) }
        #expect(throws: StandFout.self) { try Traject(stand: bytes + [0]) }
    }

    @Test func damagedSnapshotBytesAreAnErrorNeverATrap() {
        // Every byte of a real snapshot set to each of four values (counts turn negative or huge,
        // lengths run past the end), and random bytes of many lengths: each decodes or throws.
        let bytes = Array(Voorbeeld(gebeurtenissen: Voorbeeld.samsJaar).traject.alsStand())
        var gedecodeerd = 0, geweigerd = 0
        for plek in bytes.indices {
            for waarde: UInt8 in [0x00, 0x7F, 0x80, 0xFF] {
                var kapot = bytes
                kapot[plek] = waarde
                if (try? Traject(stand: Data(kapot))) != nil { gedecodeerd += 1 } else { geweigerd += 1 }
            }
        }
        var generator = SystemRandomNumberGenerator()
        for lengte in 0..<400 {
            let willekeurig = (0..<lengte).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if (try? Traject(stand: Data(willekeurig))) != nil { gedecodeerd += 1 } else { geweigerd += 1 }
        }
        #expect(geweigerd > 0 && gedecodeerd + geweigerd == bytes.count * 4 + 400)
    }

    /// A coach assignment recorded late but dated earlier must not win over the later one: the
    /// projection folds such a case again instead of onto its snapshot.
    @Test func anEventDatedBeforeTheSnapshotIsFoldedInItsPlace() async throws {
        let db = try await TestDatabase.make()
        let runner = db.trajecten.projectie(RegioInstellingen())
        let id = TrajectID(UUID())
        var stappen: [(Gebeurtenis, Datum)] = [
            (.aanmelding(Voorbeeld.aanmelding), Voorbeeld.d("2026-01-15")),
            (.coachToegewezen(.init(coach: "coach-a")), Voorbeeld.d("2026-03-01")),
            (.coachToegewezen(.init(coach: "coach-b")), Voorbeeld.d("2026-02-01")),
            (.welkomstgesprek(.init()), Voorbeeld.d("2026-03-10")),
        ]
        stappen += Voorbeeld.samsJaar.dropFirst()  // its coach-07 on 5 February is again earlier than coach-a
        for (index, stap) in stappen.enumerated() {
            try await db.trajecten.registreer([stap], in: id, door: "coach-a", vandaag: Voorbeeld.d("2027-06-30"))
            try await runner.catchUp()
            let verwacht = try #require(Traject.herleid(id: id, uit: Array(stappen[...index])))
            let rij = try #require(try await db.pool.query(
                "SELECT stand, stand_versie, laatste_datum, coach, versie FROM trajecten WHERE traject_id = \(id)").first)
            #expect(try Traject(stand: try rij.decode("stand")) == verwacht)
            #expect(try rij.decode("stand_versie", as: Int.self) == Traject.standVersie)
            #expect(try rij.decode("laatste_datum", as: Datum.self) == verwacht.laatsteGebeurtenisOp)
            #expect(try rij.decode("coach", as: String?.self) == verwacht.coach)
            #expect(try rij.decode("versie", as: Int64.self) == Int64(index + 1))
        }
        #expect(try await db.pool.query("SELECT coach FROM trajecten").first?.decode("coach", as: String.self) == "coach-a")
    }

    /// Lists from snapshots equal lists folded from the timeline, for today and for past
    /// peildatums where part of the cases had events after the peildatum.
    @Test(.timeLimit(.minutes(3)))
    func listsFromSnapshotsEqualListsFoldedFromTheTimeline() async throws {
        let demo = try await DemoDatabase.make()
        _ = try await demo.nacht.voerUit(peildatum: Datum("2026-10-01")!).meldingen
        try await demo.runner.catchUp()
        #expect(try await demo.db.pool.query(
            "SELECT count(*) AS n FROM trajecten WHERE stand IS NULL OR stand_versie IS DISTINCT FROM \(Traject.standVersie)"
        ).first!.decode("n", as: Int.self) == 0)

        let peildatums = ["2026-02-01", "2026-04-01", "2026-10-02", "2026-11-20"].map { Datum($0)! } + [Datum.vandaag()]
        var uitStand: [[String]] = []
        for peildatum in peildatums { uitStand.append(try await lijsten(demo, op: peildatum)) }
        // Snapshots of an older shape are folded from the timeline, never misread (version 1 wrote
        // the no-show flag and its day apart).
        try await demo.db.pool.query("UPDATE trajecten SET stand_versie = \(Traject.standVersie - 1)")
        for (peildatum, verwacht) in zip(peildatums, uitStand) {
            #expect(try await lijsten(demo, op: peildatum) == verwacht, "peildatum \(peildatum)")
        }
        #expect(uitStand.allSatisfy { $0.count > 100 })
    }

    /// Every case's phase, coach loads, afbouw status and risk reasons on `peildatum`, as lines.
    private func lijsten(_ demo: DemoDatabase, op peildatum: Datum) async throws -> [String] {
        let o = demo.overzichten
        return try await o.trajecten(regio: "Utrecht", op: peildatum).map { "\($0.id) \($0.fase) \($0.coach ?? "-")" }
            + o.coachbelasting(regio: "Utrecht", op: peildatum).map { "\($0.coach) \($0.actief) \($0.status)" }
            + o.afbouwstatus(regio: "Utrecht", op: peildatum).map { "\($0.0.id) \($0.1)" }
            + o.risicolijst(regio: "Utrecht", op: peildatum).map { "\($0.trajectID) \($0.redenen)" }
    }
}
