@testable import Overstap
import Testing
@testable import OverstapOpslag

/// Every reason at its boundary: the day before it holds, the day it starts, the day after.
@Suite struct RisicoTests {
    func grens(_ voorbeeld: Voorbeeld, _ reden: Risicoreden, vanaf: String, coachLast: Int? = nil) {
        let dag = Voorbeeld.d(vanaf)
        #expect(!voorbeeld.redenen(op: dag.plus(dagen: -1).description, coachLast: coachLast).contains(reden), "day before \(vanaf)")
        #expect(voorbeeld.redenen(op: vanaf, coachLast: coachLast).contains(reden), "on \(vanaf)")
        #expect(voorbeeld.redenen(op: dag.plus(dagen: 1).description, coachLast: coachLast).contains(reden), "day after \(vanaf)")
    }

    let gestart = Voorbeeld.aangemeld(op: "2026-01-15")
        .en(.toestemmingGegeven(.init(door: .ouder, scope: [.mbo])), op: "2026-01-15")
        .en(.coachToegewezen(.init(coach: "c1")), op: "2026-01-20")
        .en(.welkomstgesprek(.init()), op: "2026-01-25")
        .en(.mboAanmelding(.init(instelling: "X", opleiding: "Y")), op: "2026-02-01")
        .en(.gestart(.init(instelling: "X", opleiding: "Y")), op: "2026-09-01")

    @Test func geenCoach() { grens(.aangemeld(op: "2026-01-15"), .geenCoach, vanaf: "2026-01-29") }
    @Test func geenWelkomstgesprek() { grens(.aangemeld(op: "2026-01-15"), .geenWelkomstgesprek, vanaf: "2026-02-12") }
    @Test func geenMboAanmelding() { grens(.aangemeld(op: "2026-01-15"), .geenMboAanmelding, vanaf: "2026-04-01") }
    @Test func startOnbevestigd() { grens(.aangemeld(op: "2026-01-15"), .startOnbevestigd, vanaf: "2026-09-15") }

    @Test func geenToestemmingUntilGivenAndAgainWhenWithdrawn() {
        let zaak = Voorbeeld.aangemeld(op: "2026-01-15")
            .en(.toestemmingGegeven(.init(door: .ouder, scope: [.mbo])), op: "2026-01-20")
            .en(.toestemmingIngetrokken(.init(door: .ouder, scope: [.mbo])), op: "2026-03-01")
        #expect(zaak.redenen(op: "2026-01-19").contains(.geenToestemming))
        #expect(!zaak.redenen(op: "2026-01-20").contains(.geenToestemming))
        #expect(!zaak.redenen(op: "2026-02-28").contains(.geenToestemming))
        #expect(zaak.redenen(op: "2026-03-01").contains(.geenToestemming))
    }

    @Test func noShowHoldsUntilALaterGestart() {
        let zaak = Voorbeeld.aangemeld(op: "2026-01-15")
            .en(.noShowGesignaleerd(.init(peildatum: Voorbeeld.d("2026-09-15"), schooljaar: .init(beginjaar: 2026), soort: .startOnbevestigd)), op: "2026-09-15")
            .en(.gestart(.init(instelling: "X", opleiding: "Y")), op: "2026-09-22")
        #expect(!zaak.redenen(op: "2026-09-14").contains(.noShow))
        #expect(zaak.redenen(op: "2026-09-15").contains(.noShow))
        #expect(zaak.redenen(op: "2026-09-21").contains(.noShow))
        #expect(!zaak.redenen(op: "2026-09-22").contains(.noShow))
    }

    @Test func contactEvery21DaysInTheFirst13Weeks() {
        grens(gestart, .contactVerlopen, vanaf: "2026-09-22")
        let gesproken = gestart.en(.contactmoment(.init(vorm: .gesprek)), op: "2026-09-20")
        grens(gesproken, .contactVerlopen, vanaf: "2026-10-11")
    }

    @Test func contactEvery42DaysAfterThe13Weeks() {
        // Start 1 September; week 13 ends 1 December. Last contact 25 November: 42 days on is 6 January.
        let zaak = gestart.en(.contactmoment(.init(vorm: .app)), op: "2026-11-25")
        #expect(zaak.redenen(op: "2026-11-30").contains(.contactVerlopen) == false)
        grens(zaak, .contactVerlopen, vanaf: "2027-01-06")
    }

    @Test func stagebezoekEvery42DaysOr14WithAnOpenSignal() {
        let opStage = gestart.en(.stageGestart(.init(stagebedrijf: "B")), op: "2026-10-01")
            .en(.stagebezoek(.init(stagebedrijf: "B")), op: "2026-10-05")
        grens(opStage, .stagebezoekVerlopen, vanaf: "2026-11-16")
        let metSignaal = opStage.en(.signaal(.init(soort: .stage)), op: "2026-10-10")
        grens(metSignaal, .stagebezoekVerlopen, vanaf: "2026-10-19")
    }

    @Test func evaluatie13WeeksAfterTheStart() {
        grens(gestart, .evaluatieVerlopen, vanaf: "2026-12-01")
        let geevalueerd = gestart.en(.evaluatiegesprek(.init(uitkomst: .doorgaan)), op: "2026-11-20")
        #expect(!geevalueerd.redenen(op: "2026-12-05").contains(.evaluatieVerlopen))
    }

    @Test func signaalOpenFor14Days() {
        let zaak = gestart.en(.signaal(.init(soort: .thuissituatie)), op: "2026-10-01")
        grens(zaak, .signaalOpen, vanaf: "2026-10-15")
        #expect(!zaak.en(.signaalOpgelost(.init(soort: .thuissituatie)), op: "2026-10-16").redenen(op: "2026-10-16").contains(.signaalOpen))
    }

    @Test func overdracht13WeeksAfterAfbouw() {
        let zaak = gestart.en(.afbouwGestart(.init()), op: "2027-03-01")
        grens(zaak, .overdrachtVerlopen, vanaf: "2027-05-31")
    }

    @Test func coachOverbelastAboveTheNorm() {
        #expect(!gestart.redenen(op: "2026-09-02", coachLast: 25).contains(.coachOverbelast))
        #expect(gestart.redenen(op: "2026-09-02", coachLast: 26).contains(.coachOverbelast))
    }

    @Test func closedOrHandedOverCasesAreNotAtRisk() {
        let zaak = Voorbeeld.aangemeld(op: "2026-01-15").en(.afgesloten(.init(reden: .verhuisd)), op: "2026-02-01")
        #expect(zaak.redenen(op: "2026-12-01").isEmpty)
        #expect(!zaak.redenen(op: "2026-01-31").isEmpty)
    }

    @Test func reasonsComeMostSevereFirst() {
        let redenen = Voorbeeld.aangemeld(op: "2026-01-15").redenen(op: "2026-10-01", coachLast: 30)
        #expect(redenen == [.startOnbevestigd, .geenMboAanmelding, .geenCoach, .geenWelkomstgesprek, .geenToestemming])
        #expect(redenen == redenen.sorted())
    }
}
