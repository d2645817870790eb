@testable import Overstap
import Testing
@testable import OverstapOpslag

@Suite struct ZichtbaarheidTests {
    let tafel = Lezer(rol: .overstaptafel, regio: "Utrecht")
    let eigenCoach = Lezer(rol: .coach, regio: "Utrecht", coach: "c1")

    var zaak: Voorbeeld { Voorbeeld.aangemeld().en(.coachToegewezen(.init(coach: "c1")), op: "2026-01-20") }

    @Test func specialCategoryHintsAreHealthHomeAndCareAndOnlyFullInsightSeesThem() {
        let bijzonder: [Gebeurtenis] = [
            .signaal(.init(soort: .gezondheid)), .signaalOpgelost(.init(soort: .thuissituatie)),
            .overdrachtZorgteam(.init(persoonsgegevens: nil)), .overstaptafelBesproken(.init(tafel: "april", besluit: .zorgInschakelen)),
            .evaluatiegesprek(.init(uitkomst: .extraOndersteuning)),
        ]
        let gewoon: [Gebeurtenis] = [
            .signaal(.init(soort: .verzuim)), .contactmoment(.init(vorm: .app)), .overstaptafelBesproken(.init(tafel: "april", besluit: .geenActie)),
            .evaluatiegesprek(.init(uitkomst: .doorgaan)), .gestart(.init(instelling: "MBO", opleiding: "Entree")),
        ]
        #expect(bijzonder.allSatisfy(\.isBijzonder) && !gewoon.contains(where: \.isBijzonder))
        #expect(Inzicht.volledig.zietBijzondereGegevens && !Inzicht.basis.zietBijzondereGegevens && !Inzicht.geen.zietBijzondereGegevens)
    }

    @Test func withConsentTheTableSeesTheBasicsNeverTheSupportNeeds() {
        let traject = zaak.en(.toestemmingGegeven(.init(door: .ouder, scope: [.overstaptafel])), op: "2026-01-21").traject
        #expect(traject.inzicht(voor: tafel) == .basis)
        let gegevens = Voorbeeld.aanmelding.persoonsgegevens!.zichtbaar(traject.inzicht(voor: tafel))
        #expect(gegevens?.naam == "Sam de Vries" && gegevens?.ondersteuningsbehoefte == nil)
    }

    @Test func withdrawnConsentHidesTheFieldsFromTheNextReadOn() {
        let gegeven = zaak.en(.toestemmingGegeven(.init(door: .ouder, scope: [.overstaptafel, .mbo])), op: "2026-01-21")
        let ingetrokken = gegeven.en(.toestemmingIngetrokken(.init(door: .ouder, scope: [.overstaptafel])), op: "2026-03-01")
        #expect(gegeven.traject.inzicht(voor: tafel) == .basis)
        #expect(ingetrokken.traject.inzicht(voor: tafel) == .geen)
        #expect(Voorbeeld.aanmelding.persoonsgegevens!.zichtbaar(ingetrokken.traject.inzicht(voor: tafel)) == nil)
        // The own coach and the coordinator keep what their work needs.
        #expect(ingetrokken.traject.inzicht(voor: eigenCoach) == .volledig)
        #expect(ingetrokken.traject.inzicht(voor: Lezer(rol: .coordinator, regio: "Utrecht")) == .volledig)
    }

    @Test func otherCoachesOtherRegionsAndForgottenStudentsSeeNothing() {
        let traject = zaak.en(.toestemmingGegeven(.init(door: .ouder, scope: ToestemmingsScope.allCases)), op: "2026-01-21").traject
        #expect(traject.inzicht(voor: Lezer(rol: .coach, regio: "Utrecht", coach: "c2")) == .geen)
        #expect(traject.inzicht(voor: Lezer(rol: .coordinator, regio: "Zwolle")) == .geen)
        #expect(traject.inzicht(voor: Lezer(rol: .school, regio: "Utrecht", school: "Fier")) == .geen)
        #expect(traject.inzicht(voor: Lezer(rol: .school, regio: "Utrecht", school: "De Brug")) == .basis)
        let vergeten = zaak.en(.leerlingVergeten(.init(reden: .verzoek)), op: "2026-02-01").traject
        #expect(vergeten.inzicht(voor: eigenCoach) == .geen)
    }
}
