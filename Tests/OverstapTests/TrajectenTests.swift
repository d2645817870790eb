import EventStore
import Foundation
@testable import Overstap
import PostgresTesting
import Testing
@testable import OverstapOpslag
import Postgres

@Suite struct TrajectenTests {
    let vandaag = Datum("2027-06-01")!

    func nieuw() async throws -> (TestDatabase, Trajecten, TrajectID) {
        let db = try await TestDatabase.make()
        let trajecten = db.trajecten
        let id = TrajectID(UUID())
        try await trajecten.registreer([(.aanmelding(Voorbeeld.aanmelding), Datum("2026-01-15")!)], in: id, door: "school", vandaag: vandaag)
        return (db, trajecten, id)
    }

    @Test func aBrokenRuleOrAFutureDateWritesNothing() async throws {
        let (db, trajecten, id) = try await nieuw()
        await #expect(throws: RegelFout.eerstGestart("afbouw_gestart")) {
            try await trajecten.registreer([(.afbouwGestart(.init()), Datum("2026-03-01")!)], in: id, door: "c1", vandaag: vandaag)
        }
        await #expect(throws: RegelFout.datumInDeToekomst) {
            try await trajecten.registreer([(.contactmoment(.init(vorm: .app)), Datum("2027-06-02")!)], in: id, door: "c1", vandaag: vandaag)
        }
        // A batch is all or nothing: the valid first event is not stored either.
        await #expect(throws: RegelFout.geenStage) {
            try await trajecten.registreer([(.contactmoment(.init(vorm: .app)), Datum("2026-02-01")!),
                                            (.stagebezoek(.init(stagebedrijf: "B")), Datum("2026-02-02")!)], in: id, door: "c1", vandaag: vandaag)
        }
        await #expect(throws: RegelFout.trajectBestaatNiet) {
            try await trajecten.registreer([(.contactmoment(.init(vorm: .app)), Datum("2026-02-01")!)],
                                           in: TrajectID(UUID()), door: "c1", vandaag: vandaag)
        }
        #expect(try await db.store.count() == 1)
    }

    @Test func concurrentWritersOnOneCaseAreAllKeptInOrder() async throws {
        let (db, trajecten, id) = try await nieuw()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for dag in 1...8 {
                group.addTask {
                    try await trajecten.registreer([(.contactmoment(.init(vorm: .app)), Datum(2026, 2, dag)!)], in: id, door: "c\(dag)", vandaag: vandaag)
                }
            }
            try await group.waitForAll()
        }
        let events = try await db.store.readStream(id.stroom)
        #expect(events.map(\.streamVersion) == Array(1...9))
        #expect(Set(events.dropFirst().map(\.metadata.actor)) == Set((1...8).map { "c\($0)" }))
    }

    @Test func withAnExpectedVersionOnlyOneOfEightConcurrentWritersWins() async throws {
        let (db, trajecten, id) = try await nieuw()
        let uitkomsten = try await withThrowingTaskGroup(of: Bool.self) { group in
            for dag in 1...8 {
                group.addTask {
                    do {
                        try await trajecten.registreer([(.contactmoment(.init(vorm: .app)), Datum(2026, 2, dag)!)], in: id, door: "c",
                                                       vandaag: vandaag, verwachteVersie: 1)
                        return true
                    } catch let TrajectFout.versieConflict(verwacht, actueel) {
                        #expect(verwacht == 1 && actueel == 2)
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(uitkomsten.filter { $0 }.count == 1)
        #expect(try await db.store.count() == 2)
    }

    @Test func aRetriedBatchWithTheSameIDsReturnsTheOriginalAndWritesNothing() async throws {
        let (db, trajecten, id) = try await nieuw()
        let ids = [UUID(), UUID()]
        let batch: [(Gebeurtenis, Datum)] = [(.coachToegewezen(.init(coach: "c1")), Datum("2026-01-20")!),
                                             (.welkomstgesprek(.init()), Datum("2026-01-25")!)]
        let eerste = try await trajecten.registreer(batch, in: id, door: "c1", vandaag: vandaag, eventIDs: ids)
        // Without the id check the decide step would refuse the repeat (same coach again).
        let herhaald = try await trajecten.registreer(batch, in: id, door: "c1", vandaag: vandaag, eventIDs: ids)
        #expect(herhaald == eerste)
        #expect(try await db.store.count() == 3)
    }

    /// The write path loads the case from its snapshot and the events after it: the state it
    /// decides on equals folding everything after every write, with the projection catching up
    /// at every third, through a year with an event recorded late.
    @Test func theCaseLoadedFromItsSnapshotEqualsTheWholeFoldAfterEveryWrite() async throws {
        let db = try await TestDatabase.make()
        let trajecten = db.trajecten
        let runner = ProjectionRunner(store: db.store, projection: TrajectenProjectie(instellingen: RegioInstellingen()))
        let id = TrajectID(UUID())
        var geschreven: [(Gebeurtenis, Datum)] = []
        for (index, (gebeurtenis, datum)) in Voorbeeld.samsJaar.enumerated() {
            try await trajecten.registreer([(gebeurtenis, datum)], in: id, door: "coach-07", vandaag: Datum("2027-06-30")!)
            geschreven.append((gebeurtenis, datum))
            if index % 3 == 2 { try await runner.catchUp() }
            let geladen = try await trajecten.laad(id)
            #expect(geladen.traject == Traject.herleid(id: id, uit: geschreven), "after \(index + 1) events")
            #expect(geladen.versie == Int64(index + 1))
        }
    }

    /// Which load a write takes, seen through a snapshot that says something the log does not (a
    /// coach nobody assigned): it shows where the snapshot is used, and is ignored where it would
    /// be wrong (an event dated before its last day) or is of another shape.
    @Test func aWriteUsesTheSnapshotOnlyWhereItHolds() async throws {
        let (db, trajecten, id) = try await nieuw()
        try await trajecten.registreer([(.coachToegewezen(.init(coach: "coach-07")), Datum("2026-02-01")!)], in: id, door: "c", vandaag: vandaag)
        try await ProjectionRunner(store: db.store, projection: TrajectenProjectie(instellingen: RegioInstellingen())).catchUp()
        var gemerkt = try #require(try await trajecten.laad(id).traject)
        gemerkt.coach = "uit-de-stand"
        try await db.pool.query("UPDATE trajecten SET stand = \(gemerkt.alsStand()) WHERE traject_id = \(id)")
        #expect(try await trajecten.laad(id).traject?.coach == "uit-de-stand")
        // A later event folds onto the snapshot: decided on it, and the load still starts there.
        try await trajecten.registreer([(.contactmoment(.init(vorm: .app)), Datum("2026-03-01")!)], in: id, door: "c", vandaag: vandaag)
        #expect(try await trajecten.laad(id).traject?.coach == "uit-de-stand")
        // An event dated before the snapshot's last day: the whole case is folded from the log.
        try await trajecten.registreer([(.toestemmingGegeven(.init(door: .ouder, scope: [.mbo])), Datum("2026-01-20")!)], in: id, door: "c", vandaag: vandaag)
        let geladen = try await trajecten.laad(id)
        #expect(geladen.traject?.coach == "coach-07" && geladen.traject?.toestemmingen == [.mbo] && geladen.versie == 4)
        // A snapshot of another shape is never read.
        try await db.pool.query("UPDATE trajecten SET stand = \(gemerkt.alsStand()), versie = 2, laatste_datum = '2026-02-01', stand_versie = 1 WHERE traject_id = \(id)")
        #expect(try await trajecten.laad(id).traject?.coach == "coach-07")
    }
}

@Suite struct EenJaarTests {
    /// Sam: aanmelding in January, a bumpy start, afbouw in spring, overdracht in June.
    @Test func oneStudentThroughAWholeYear() async throws {
        let db = try await TestDatabase.make()
        let trajecten = db.trajecten
        let id = TrajectID(UUID())
        let jaar = Voorbeeld.samsJaar
        for (gebeurtenis, datum) in jaar {
            try await trajecten.registreer([(gebeurtenis, datum)], in: id, door: "coach-07", vandaag: Datum("2027-06-30")!)
        }
        let instellingen = RegioInstellingen()
        try await ProjectionRunner(store: db.store, projection: TrajectenProjectie(instellingen: instellingen)).catchUp()
        let overzichten = Overzichten(pool: db.pool, instellingen: instellingen)
        func stand(_ dag: String) async throws -> (Fase, [Risicoreden], Afbouwstatus) {
            let traject = try #require(try await overzichten.trajecten(regio: "Utrecht", op: Datum(dag)!).first)
            let redenen = try await overzichten.risicolijst(regio: "Utrecht", op: Datum(dag)!).first?.redenen ?? []
            return (traject.fase, redenen, traject.afbouwstatus(op: Datum(dag)!, instellingen: Instellingen()))
        }

        var (fase, redenen, status) = try await stand("2026-02-01")
        #expect(fase == .aangemeld && redenen == [.geenCoach] && status.volgendeStap == .coachToewijzen && status.teLaat)
        (fase, redenen, status) = try await stand("2026-04-10")
        #expect(redenen == [.geenMboAanmelding] && status.volgendeStap == .mboAanmelding && status.verlooptOp == Datum("2026-04-01"))
        (fase, redenen, _) = try await stand("2026-09-15")
        #expect(fase == .gestart && redenen.isEmpty)
        (fase, redenen, _) = try await stand("2026-11-10")
        #expect(redenen == [.signaalOpen, .contactVerlopen])
        (fase, redenen, status) = try await stand("2026-12-20")
        #expect(fase == .gestart && redenen.isEmpty && status.volgendeStap == .afbouw)
        (fase, redenen, status) = try await stand("2027-06-01")
        #expect(fase == .afbouw && redenen == [.contactVerlopen, .overdrachtVerlopen] && status.volgendeStap == .overdrachtZorgteam)
        (fase, redenen, status) = try await stand("2027-06-20")
        #expect(fase == .overgedragen && redenen.isEmpty && status.volgendeStap == nil)

        let tijdlijn = try await overzichten.tijdlijn(id)
        #expect(tijdlijn.count == jaar.count)
        #expect(tijdlijn.map(\.datum) == tijdlijn.map(\.datum).sorted())
        #expect(tijdlijn[5].samenvatting == "Aangemeld bij MBO Utrecht voor Entree")  // recorded before the table, happened after
        #expect(tijdlijn.first?.samenvatting == "Aangemeld door De Brug voor Entree bij MBO Utrecht")
        #expect(tijdlijn.allSatisfy { $0.geregistreerdDoor == "coach-07" })
        #expect(try await overzichten.tijdlijn(id, tot: Datum("2026-09-01")!).count == 8)
    }
}
