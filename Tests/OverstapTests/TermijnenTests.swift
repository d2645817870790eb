import Foundation
@testable import Overstap
import Testing
@testable import OverstapOpslag

/// Deadlines fall in the school year the student starts in (#19): never before the start, and the
/// afbouwstatus and the nightly job name the same day.
@Suite struct TermijnenTests {
    /// A mid-year start: aanmelding 2025-11-03, expected start 2026-02-02.
    let halverwege: Voorbeeld = {
        var aanmelding = Voorbeeld.aanmelding
        aanmelding.verwachteStartdatum = Voorbeeld.d("2026-02-02")
        return Voorbeeld(gebeurtenissen: [(.aanmelding(aanmelding), Voorbeeld.d("2025-11-03"))])
            .en(.coachToegewezen(.init(coach: "c1")), op: "2025-11-04")
            .en(.welkomstgesprek(.init()), op: "2025-11-10")
            .en(.mboAanmelding(.init(instelling: "X", opleiding: "Y")), op: "2025-12-01")
            .en(.noShowGesignaleerd(.init(peildatum: Voorbeeld.d("2026-02-16"), schooljaar: .init(beginjaar: 2025),
                                          soort: .startOnbevestigd)), op: "2026-02-16")
    }()

    @Test func plaatsingIsDueOnTheCountDateAfterTheStart() {
        let status = halverwege.traject(op: "2026-02-16").afbouwstatus(op: Voorbeeld.d("2026-02-16"), instellingen: Instellingen())
        #expect(status.fase == .noShow)
        #expect(status.volgendeStap == .plaatsing)
        #expect(status.verlooptOp == Voorbeeld.d("2026-10-01"))
        #expect(!status.teLaat)
        let nachtelijks = NoShowControle.vervaldagen(halverwege.traject(op: "2026-02-16"), instellingen: Instellingen())
        #expect(nachtelijks.first { $0.0 == .nietGeplaatst }?.1 == status.verlooptOp)
    }

    @Test(arguments: [
        ("2026-08-01", "2026-10-01"), ("2026-09-01", "2026-10-01"), ("2026-10-01", "2026-10-01"),
        ("2026-10-02", "2027-10-01"), ("2026-02-02", "2026-10-01"), ("2026-07-31", "2026-10-01"),
    ])
    func plaatsingUiterlijk(start: String, teldatum: String) {
        #expect(Voorbeeld.d(start).plaatsingUiterlijk == Voorbeeld.d(teldatum))
    }

    @Test(arguments: [
        ("2026-09-01", "2026-04-01"), ("2026-04-01", "2026-04-01"), ("2026-02-02", "2026-02-02"),
        ("2026-12-01", "2026-04-01"),
    ])
    func mboAanmeldingUiterlijk(start: String, deadline: String) {
        #expect(Voorbeeld.d(start).mboAanmeldingUiterlijk == Voorbeeld.d(deadline))
    }

    /// The risk and the afbouwstatus's step agree for a start in February: due on the start itself.
    @Test func geenMboAanmeldingForAMidYearStart() {
        var aanmelding = Voorbeeld.aanmelding
        aanmelding.verwachteStartdatum = Voorbeeld.d("2026-02-02")
        let zaak = Voorbeeld(gebeurtenissen: [(.aanmelding(aanmelding), Voorbeeld.d("2025-11-03"))])
            .en(.coachToegewezen(.init(coach: "c1")), op: "2025-11-04")
            .en(.welkomstgesprek(.init()), op: "2025-11-10")
        #expect(!zaak.redenen(op: "2026-02-01").contains(.geenMboAanmelding))
        #expect(zaak.redenen(op: "2026-02-02").contains(.geenMboAanmelding))
        let status = zaak.traject(op: "2026-02-01").afbouwstatus(op: Voorbeeld.d("2026-02-01"), instellingen: Instellingen())
        #expect(status.volgendeStap == .mboAanmelding)
        #expect(status.verlooptOp == Voorbeeld.d("2026-02-02"))
    }

    /// The phase carries its day, and the later phase wins whatever order events were recorded in.
    @Test func thePhaseCarriesItsDayAndTheLaterPhaseWins() {
        let zaak = Voorbeeld.aangemeld(op: "2026-01-15")
            .en(.gestart(.init(instelling: "X", opleiding: "Y")), op: "2026-09-01")
        #expect(zaak.traject(op: "2026-08-31").faseStand == .aangemeld(op: Voorbeeld.d("2026-01-15")))
        #expect(zaak.traject(op: "2026-09-01").faseStand == .gestart(op: Voorbeeld.d("2026-09-01")))
        // Recorded first, dated later: still afgesloten.
        let gesloten = Voorbeeld.aangemeld(op: "2026-01-15")
            .en(.afgesloten(.init(reden: .verhuisd)), op: "2026-10-01")
            .en(.gestart(.init(instelling: "X", opleiding: "Y")), op: "2026-09-01")
        #expect(gesloten.traject.faseStand == .afgesloten(op: Voorbeeld.d("2026-10-01")))
        #expect(gesloten.traject.fase == .afgesloten && gesloten.traject.faseSinds == Voorbeeld.d("2026-10-01"))
    }

    /// Afbouw after the start is a setting (`afbouwNaWeken`, 26 by default), not a constant.
    @Test func afbouwIsDueAfterTheWeeksTheSettingsSay() {
        let zaak = Voorbeeld.aangemeld(op: "2026-01-15")
            .en(.gestart(.init(instelling: "X", opleiding: "Y")), op: "2026-09-01")
            .en(.evaluatiegesprek(.init(uitkomst: .doorgaan)), op: "2026-11-30")
        let dag = Voorbeeld.d("2026-12-01")
        #expect(zaak.traject.afbouwstatus(op: dag, instellingen: Instellingen()).verlooptOp == Voorbeeld.d("2026-09-01").plus(weken: 26))
        var korter = Instellingen()
        korter.afbouwNaWeken = 20
        let status = zaak.traject.afbouwstatus(op: dag, instellingen: korter)
        #expect(status.volgendeStap == .afbouw && status.verlooptOp == Voorbeeld.d("2026-09-01").plus(weken: 20))
        #expect(try! JSONDecoder().decode(Instellingen.self, from: Data(#"{"afbouwNaWeken": 30}"#.utf8)).afbouwNaWeken == 30)
    }

    /// The write path folds each new event onto the state when it is dated on or after it, and
    /// refolds otherwise (`Traject.verder`): for every prefix of a year with a late-recorded event,
    /// that equals folding everything in date order.
    @Test func foldingOntoTheStateEqualsFoldingEverything() {
        // Sam's year, then a coach assignment recorded late: dated before the one in force, it must
        // not replace it.
        let gebeurtenissen = Voorbeeld.samsJaar + [(.coachToegewezen(.init(coach: "coach-laat")), Voorbeeld.d("2026-02-01"))]
        var traject: Traject?
        for lengte in 1...gebeurtenissen.count {
            let geschiedenis = Array(gebeurtenissen.prefix(lengte))
            traject = Traject.verder(traject, id: Voorbeeld.id, geschiedenis: geschiedenis)
            #expect(traject == Traject.herleid(id: Voorbeeld.id, uit: geschiedenis), "after \(lengte) events")
        }
    }
}
