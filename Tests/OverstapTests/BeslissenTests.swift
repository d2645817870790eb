@testable import Overstap
import Testing
@testable import OverstapOpslag

@Suite struct BeslissenTests {
    let vandaag = Voorbeeld.d("2026-06-01")

    func beslis(_ gebeurtenis: Gebeurtenis, op datum: String, _ voorbeeld: Voorbeeld?) throws(RegelFout) {
        try Traject.beslis(gebeurtenis, op: Voorbeeld.d(datum), traject: voorbeeld?.traject, vandaag: vandaag)
    }

    @Test func aCaseBeginsWithAnAanmeldingAndOnlyOnce() throws {
        #expect(throws: RegelFout.trajectBestaatNiet) { try beslis(.contactmoment(.init(vorm: .app)), op: "2026-02-01", nil) }
        try beslis(.aanmelding(Voorbeeld.aanmelding), op: "2026-02-01", nil)
        #expect(throws: RegelFout.trajectBestaatAl) { try beslis(.aanmelding(Voorbeeld.aanmelding), op: "2026-02-01", .aangemeld()) }
    }

    @Test func datesMayBeLateButNotInTheFutureNorBeforeTheAanmelding() throws {
        let zaak = Voorbeeld.aangemeld(op: "2026-01-15")
        try beslis(.contactmoment(.init(vorm: .app)), op: "2026-06-01", zaak)
        #expect(throws: RegelFout.datumInDeToekomst) { try beslis(.contactmoment(.init(vorm: .app)), op: "2026-06-02", zaak) }
        #expect(throws: RegelFout.datumVoorAanmelding) { try beslis(.contactmoment(.init(vorm: .app)), op: "2026-01-14", zaak) }
    }

    @Test func nothingIsDatedOnOrAfterTheClosingButEarlierEventsMayComeLate() throws {
        let zaak = Voorbeeld.aangemeld().en(.afgesloten(.init(reden: .verhuisd)), op: "2026-03-01")
        #expect(throws: RegelFout.trajectAfgesloten) { try beslis(.contactmoment(.init(vorm: .app)), op: "2026-03-02", zaak) }
        #expect(throws: RegelFout.trajectAfgesloten) { try beslis(.contactmoment(.init(vorm: .app)), op: "2026-03-01", zaak) }
        #expect(throws: RegelFout.trajectAfgesloten) { try beslis(.afgesloten(.init(reden: .overig)), op: "2026-02-20", zaak) }
        try beslis(.contactmoment(.init(vorm: .app)), op: "2026-02-28", zaak)
        #expect(zaak.en(.contactmoment(.init(vorm: .app)), op: "2026-02-28").traject.fase == .afgesloten)
    }

    @Test func afbouwNeedsAStartAndComesOnce() throws {
        let zaak = Voorbeeld.aangemeld().en(.coachToegewezen(.init(coach: "c1")), op: "2026-01-20")
        #expect(throws: RegelFout.eerstGestart("afbouw_gestart")) { try beslis(.afbouwGestart(.init()), op: "2026-03-01", zaak) }
        let gestart = zaak.en(.gestart(.init(instelling: "X", opleiding: "Y")), op: "2026-03-01")
        #expect(throws: RegelFout.datumVoor("de start")) { try beslis(.afbouwGestart(.init()), op: "2026-02-28", gestart) }
        try beslis(.afbouwGestart(.init()), op: "2026-03-01", gestart)
        let inAfbouw = gestart.en(.afbouwGestart(.init()), op: "2026-05-01")
        #expect(throws: RegelFout.afbouwAlGestart) { try beslis(.afbouwGestart(.init()), op: "2026-05-02", inAfbouw) }
        #expect(throws: RegelFout.alGestart) { try beslis(.gestart(.init(instelling: "X", opleiding: "Y")), op: "2026-05-02", inAfbouw) }
    }

    @Test func overdrachtNeedsACoach() throws {
        let zonderCoach = Voorbeeld.aangemeld().en(.gestart(.init(instelling: "X", opleiding: "Y")), op: "2026-03-01")
        let overdracht = Gebeurtenis.overdrachtZorgteam(.init(persoonsgegevens: .init(contactpersoon: "J")))
        #expect(throws: RegelFout.geenCoach("overdracht_zorgteam")) { try beslis(overdracht, op: "2026-04-01", zonderCoach) }
        let metCoach = zonderCoach.en(.coachToegewezen(.init(coach: "c1")), op: "2026-03-02")
        try beslis(overdracht, op: "2026-04-01", metCoach)
        #expect(throws: RegelFout.alOvergedragen) { try beslis(overdracht, op: "2026-04-02", metCoach.en(overdracht, op: "2026-04-01")) }
    }

    @Test func stagesSignalsAndConsentMustExistBeforeTheyEnd() throws {
        let gestart = Voorbeeld.aangemeld().en(.gestart(.init(instelling: "X", opleiding: "Y")), op: "2026-03-01")
        #expect(throws: RegelFout.geenStage) { try beslis(.stagebezoek(.init(stagebedrijf: "B")), op: "2026-04-01", gestart) }
        let opStage = gestart.en(.stageGestart(.init(stagebedrijf: "B")), op: "2026-03-10")
        try beslis(.stagebezoek(.init(stagebedrijf: "B")), op: "2026-04-01", opStage)
        #expect(throws: RegelFout.alOpStage) { try beslis(.stageGestart(.init(stagebedrijf: "C")), op: "2026-04-01", opStage) }
        #expect(throws: RegelFout.geenOpenSignaal(.verzuim)) { try beslis(.signaalOpgelost(.init(soort: .verzuim)), op: "2026-04-01", gestart) }
        #expect(throws: RegelFout.geenToestemmingVoorScope(.mbo)) {
            try beslis(.toestemmingIngetrokken(.init(door: .ouder, scope: [.mbo])), op: "2026-04-01", gestart)
        }
        #expect(throws: RegelFout.zelfdeCoach) {
            try beslis(.coachToegewezen(.init(coach: "c1")), op: "2026-04-01", gestart.en(.coachToegewezen(.init(coach: "c1")), op: "2026-03-02"))
        }
    }

    @Test func forgettingMayFollowTheClosingAndAfterItOnlyWhatCarriesNoPersonalData() throws {
        let gesloten = Voorbeeld.aangemeld().en(.afgesloten(.init(reden: .werk)), op: "2026-03-01")
        try beslis(.leerlingVergeten(.init(reden: .bewaartermijn)), op: "2026-05-01", gesloten)
        let vergeten = gesloten.en(.leerlingVergeten(.init(reden: .bewaartermijn)), op: "2026-05-01")
        #expect(throws: RegelFout.trajectVergeten) { try beslis(.leerlingVergeten(.init(reden: .verzoek)), op: "2026-05-02", vergeten) }
        #expect(throws: RegelFout.trajectVergeten) {
            try beslis(.contactmoment(.init(vorm: .app, persoonsgegevens: .init(onderwerp: "school"))), op: "2026-02-01", vergeten)
        }
        try beslis(.contactmoment(.init(vorm: .app)), op: "2026-02-01", vergeten)  // an ordinary case without personal data
        #expect(vergeten.traject.fase == .afgesloten && vergeten.traject.vergetenOp == Voorbeeld.d("2026-05-01"))
    }

    @Test func anAanmeldingNeedsPersonalData() {
        var zonder = Voorbeeld.aanmelding
        zonder.persoonsgegevens = nil
        #expect(throws: RegelFout.persoonsgegevensOntbreken("aanmelding")) { try beslis(.aanmelding(zonder), op: "2026-02-01", nil) }
    }

    @Test func lateRecordedEventsTakeTheirPlaceByDate() {
        // Recorded in this order, but the signal was resolved before it was raised again.
        let zaak = Voorbeeld.aangemeld()
            .en(.signaal(.init(soort: .verzuim)), op: "2026-03-10")
            .en(.signaal(.init(soort: .verzuim)), op: "2026-02-01")
            .en(.signaalOpgelost(.init(soort: .verzuim)), op: "2026-02-05")
        #expect(zaak.traject.openSignalen == [.verzuim: Voorbeeld.d("2026-03-10")])
    }

    @Test func phasesFollowTheCase() {
        var zaak = Voorbeeld.aangemeld()
        #expect(zaak.traject.fase == .aangemeld)
        zaak = zaak.en(.noShowGesignaleerd(.init(peildatum: Voorbeeld.d("2026-09-15"), schooljaar: .init(beginjaar: 2026), soort: .startOnbevestigd)), op: "2026-09-15")
        #expect(zaak.traject.fase == .noShow)
        zaak = zaak.en(.gestart(.init(instelling: "X", opleiding: "Y")), op: "2026-09-20")
        #expect(zaak.traject.fase == .gestart && zaak.traject.noShow == nil)
        zaak = zaak.en(.afbouwGestart(.init()), op: "2027-03-01")
        #expect(zaak.traject.fase == .afbouw && zaak.traject.faseSinds == Voorbeeld.d("2027-03-01"))
        zaak = zaak.en(.overdrachtZorgteam(.init(persoonsgegevens: .init(contactpersoon: "J"))), op: "2027-05-01")
        #expect(zaak.traject.fase == .overgedragen && !zaak.traject.isActiefVoorCoach)
    }
}
