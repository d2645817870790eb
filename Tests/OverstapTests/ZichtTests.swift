import Foundation
@testable import Overstap
import Testing

/// Issue 16 in the domain: the mbo career's events and their rules, the follow-up that goes
/// missing, the receiving mbo as a reader, and the monitor's counts and small-cell suppression.
@Suite struct ZichtTests {
    static let entree = Opleiding(instelling: "MBO Utrecht", opleiding: "Entree", niveau: .entree, leerweg: .bol)
    static let logistiek = Opleiding(instelling: "ROC Midden Nederland", opleiding: "Logistiek", niveau: .niveau2, leerweg: .bbl)

    let gestart = Voorbeeld.aangemeld(op: "2026-01-15")
        .en(.coachToegewezen(.init(coach: "c1")), op: "2026-01-20")
        .en(.mboAanmelding(entree), op: "2026-02-01")
        .en(.intakegesprek(.init(warmeOverdracht: true)), op: "2026-06-01")
        .en(.gestart(entree), op: "2026-09-01")

    func beslis(_ g: Gebeurtenis, op dag: String, _ v: Voorbeeld) throws(RegelFout) {
        try Traject.beslis(g, op: Voorbeeld.d(dag), traject: v.traject, vandaag: Voorbeeld.d("2028-01-01"))
    }

    // MARK: Events and rules

    @Test func aSwitchNeedsAStartAndANewProgrammeAndKeepsTheCaseOpen() throws {
        let aangemeld = Voorbeeld.aangemeld(op: "2026-01-15")
        #expect(throws: RegelFout.eerstGestart("opleiding_gewijzigd")) { try beslis(.opleidingGewijzigd(Self.logistiek), op: "2026-03-01", aangemeld) }
        #expect(throws: RegelFout.datumVoor("de start")) { try beslis(.opleidingGewijzigd(Self.logistiek), op: "2026-08-31", gestart) }
        #expect(throws: RegelFout.zelfdeOpleiding) { try beslis(.opleidingGewijzigd(Self.entree), op: "2026-10-01", gestart) }
        // The same programme in other case, or without its level and route, is no switch either.
        #expect(throws: RegelFout.zelfdeOpleiding) {
            try beslis(.opleidingGewijzigd(Opleiding(instelling: "mbo utrecht", opleiding: "ENTREE")), op: "2026-10-01", gestart)
        }
        try beslis(.opleidingGewijzigd(Opleiding(instelling: "MBO Utrecht", opleiding: "Entree", leerweg: .bbl)), op: "2026-10-01", gestart)
        // An identifier with a trailing space would be another institution: refused at the edge.
        #expect(Tekstsoort.kenmerk.bezwaar("MBO Utrecht ") == "mag niet op een spatie eindigen" && Tekstsoort.kenmerk.bezwaar("MBO Utrecht") == nil)
        try beslis(.opleidingGewijzigd(Self.logistiek), op: "2026-10-01", gestart)
        let gewisseld = gestart.en(.opleidingGewijzigd(Self.logistiek), op: "2026-10-01").traject
        #expect(gewisseld.huidigeOpleiding == Self.logistiek && gewisseld.gestarteOpleiding == Self.entree)
        #expect(gewisseld.gewisseldOp == Voorbeeld.d("2026-10-01") && gewisseld.fase == .gestart)
        #expect(gewisseld.mboInstelling == "ROC Midden Nederland")
    }

    @Test func aDiplomaNeedsAStart() throws {
        #expect(throws: RegelFout.eerstGestart("diploma_behaald")) {
            try beslis(.diplomaBehaald(.init(niveau: .entree)), op: "2026-07-01", Voorbeeld.aangemeld(op: "2026-01-15"))
        }
        try beslis(.diplomaBehaald(.init(niveau: .entree)), op: "2027-07-01", gestart)
        // Often recorded as the case is closed, or after it.
        let gesloten = gestart.en(.afgesloten(.init(reden: .diploma)), op: "2027-07-01")
        try beslis(.diplomaBehaald(.init(niveau: .entree)), op: "2027-07-01", gesloten)
        try beslis(.diplomaBehaald(.init(niveau: .entree)), op: "2027-07-15", gesloten)
        #expect(gestart.en(.diplomaBehaald(.init(niveau: .entree)), op: "2027-07-01").traject.diploma == DiplomaStand(niveau: .entree, op: Voorbeeld.d("2027-07-01")))
    }

    @Test func theFollowUpMayComeAfterTheClosingAndNamesAProgrammeExactlyForMbo() throws {
        let gesloten = gestart.en(.afgesloten(.init(reden: .uitgevallen)), op: "2026-12-01")
        #expect(throws: RegelFout.trajectAfgesloten) { try beslis(.contactmoment(.init(vorm: .app)), op: "2027-01-01", gesloten) }
        try beslis(.nameting(.init(uitkomst: .werk)), op: "2027-09-01", gesloten)
        #expect(throws: RegelFout.nametingOpleiding) { try beslis(.nameting(.init(uitkomst: .mbo)), op: "2027-09-01", gestart) }
        #expect(throws: RegelFout.nametingOpleiding) { try beslis(.nameting(.init(uitkomst: .werk, opleiding: Self.entree)), op: "2027-09-01", gestart) }
        try beslis(.nameting(.init(uitkomst: .mbo, opleiding: Self.entree)), op: "2027-09-01", gestart)
        #expect(throws: RegelFout.datumVoorAanmelding) { try beslis(.nameting(.init(uitkomst: .onbekend)), op: "2025-12-01", gestart) }
        // Not before the start, nor for a student who neither started nor was closed.
        #expect(throws: RegelFout.nametingVoorStart) { try beslis(.nameting(.init(uitkomst: .werk)), op: "2026-08-31", gestart) }
        #expect(throws: RegelFout.nametingVoorStart) { try beslis(.nameting(.init(uitkomst: .werk)), op: "2027-08-31", Voorbeeld.aangemeld(op: "2026-01-15")) }
    }

    @Test func theFollowUpIsOverdue56WeeksAfterTheStartAlsoOnAClosedCaseUntilOneIsRecorded() {
        let dag = Voorbeeld.d("2026-09-01").plus(weken: 56)
        #expect(!gestart.redenen(op: dag.plus(dagen: -1).description).contains(.nametingVerlopen))
        #expect(gestart.redenen(op: dag.description).contains(.nametingVerlopen))
        let overgedragen = gestart.en(.afbouwGestart(.init()), op: "2027-03-01")
            .en(.overdrachtZorgteam(.init(persoonsgegevens: .init(contactpersoon: "J"))), op: "2027-06-01")
        #expect(overgedragen.redenen(op: dag.description) == [.nametingVerlopen])
        #expect(overgedragen.en(.nameting(.init(uitkomst: .onbekend)), op: "2027-10-01").redenen(op: "2027-10-01").isEmpty)
        // A student who never started: a year on from the closing.
        let nooit = Voorbeeld.aangemeld(op: "2026-01-15").en(.afgesloten(.init(reden: .verhuisd)), op: "2026-05-01")
        #expect(nooit.redenen(op: Voorbeeld.d("2026-05-01").plus(weken: 56).description) == [.nametingVerlopen])
        var ruim = Instellingen()
        ruim.nametingVerlopenNaWeken = 60
        #expect(!gestart.traject(op: dag.description).risicoredenen(op: dag, instellingen: ruim, coachLast: nil).contains(.nametingVerlopen))
    }

    @Test func theOverstaptafelsListLeavesClosedAndHandedOverCasesToTheCoordinator() {
        let tafel = Lezer(rol: .overstaptafel, regio: "Utrecht")
        #expect(Fase.allCases.filter { tafel.zietOpRisicolijst($0) } == [.aangemeld, .gestart, .afbouw, .noShow])
        #expect(Fase.allCases.allSatisfy { Lezer(rol: .coordinator, regio: "Utrecht").zietOpRisicolijst($0) })
    }

    // MARK: The receiving mbo

    @Test func theMboSeesItsOwnApplicantsAndStudentsByConsentAndNothingOfThoseWhoWentElsewhere() {
        let mbo = Lezer(rol: .mbo, regio: "Utrecht", instelling: "MBO Utrecht")
        let ander = Lezer(rol: .mbo, regio: "Utrecht", instelling: "ROC Midden Nederland")
        let elders = Lezer(rol: .mbo, regio: "Zwolle", instelling: "MBO Utrecht")
        // Before the mbo aanmelding the intended programme is the vso's wish: no mbo sees it.
        let voor = Voorbeeld.aangemeld(op: "2026-01-15").traject
        #expect(!voor.isToegankelijk(voor: mbo) && voor.inzicht(voor: mbo) == .geen)
        // Applied, no consent: the case, no personal data.
        #expect(gestart.traject.isToegankelijk(voor: mbo) && gestart.traject.inzicht(voor: mbo) == .geen)
        #expect(!gestart.traject.isToegankelijk(voor: ander) && !gestart.traject.isToegankelijk(voor: elders))
        // With consent for mbo: name, support needs and the handover notes; no birth date or pupil number.
        let toestemming = gestart.en(.toestemmingGegeven(.init(door: .ouder, scope: [.mbo])), op: "2026-02-02")
        #expect(toestemming.traject.inzicht(voor: mbo) == .ontvangend && toestemming.traject.inzicht(voor: ander) == .geen)
        let gezien = Voorbeeld.aanmelding.persoonsgegevens?.zichtbaar(.ontvangend)
        #expect(gezien == ZichtbarePersoonsgegevens(naam: "Sam de Vries", ondersteuningsbehoefte: "prikkelarme omgeving"))
        #expect(Inzicht.ontvangend.zietOverdrachtsnotities && !Inzicht.basis.zietOverdrachtsnotities && !Inzicht.ontvangend.zietBijzondereGegevens)
        // Switched to another institution: the new one sees the student, the old one no longer.
        let weg = toestemming.en(.opleidingGewijzigd(Self.logistiek), op: "2026-10-01").traject
        #expect(!weg.isToegankelijk(voor: mbo) && weg.inzicht(voor: mbo) == .geen)
        #expect(weg.isToegankelijk(voor: ander) && weg.inzicht(voor: ander) == .ontvangend)
        // A second mbo aanmelding elsewhere before the start moves the student as well.
        let anders = gestart.traject(op: "2026-06-30")
        let herAangemeld = Voorbeeld(gebeurtenissen: gestart.gebeurtenissen.filter { $0.1 <= Voorbeeld.d("2026-06-30") })
            .en(.mboAanmelding(Self.logistiek), op: "2026-07-01").traject
        #expect(anders.isToegankelijk(voor: mbo) && !herAangemeld.isToegankelijk(voor: mbo) && herAangemeld.isToegankelijk(voor: ander))
        // A start or a switch at its own institution only: sending a student elsewhere is the coach's.
        #expect(mbo.magRegistreren(.gestart(Self.entree), op: gestart.traject(op: "2026-08-31")))
        #expect(!mbo.magRegistreren(.gestart(Self.logistiek), op: gestart.traject(op: "2026-08-31")))
        #expect(!mbo.magRegistreren(.opleidingGewijzigd(Self.logistiek), op: gestart.traject))
        #expect(mbo.magRegistreren(.opleidingGewijzigd(Opleiding(instelling: "MBO Utrecht", opleiding: "Logistiek")), op: gestart.traject))
        #expect(Lezer(rol: .coordinator, regio: "Utrecht").magRegistreren(.opleidingGewijzigd(Self.logistiek), op: gestart.traject))
        // What it records: the mbo's own steps, nothing else.
        for type in GebeurtenisType.allCases {
            #expect(mbo.magRegistreren(type, op: gestart.traject) == Lezer.mboTypen.contains(type), "\(type)")
            #expect(!ander.magRegistreren(type, op: gestart.traject), "\(type)")
        }
        #expect(!mbo.magAanmelden(Voorbeeld.aanmelding))
    }

    // MARK: The monitor

    /// A cohort of `n` cases of 2026-2027 with the given programme, each started or not.
    func cohort(_ n: Int, _ opleiding: Opleiding, gestart: Bool = true, vanaf nummer: Int = 0) -> [Traject] {
        (0..<n).map { i in
            var a = Voorbeeld.aanmelding
            a.beoogdeOpleiding = opleiding
            var log: [(Gebeurtenis, Datum)] = [(.aanmelding(a), Voorbeeld.d("2026-01-15")), (.mboAanmelding(opleiding), Voorbeeld.d("2026-03-01"))]
            if gestart { log.append((.gestart(opleiding), Voorbeeld.d("2026-09-01"))) }
            return Traject.herleid(id: TrajectID(UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", nummer + i))!), uit: log)!
        }
    }

    @Test func theMonitorCountsTheCohortAndEverySplitAddsUpToTheTotal() {
        let trajecten = cohort(10, Self.entree) + cohort(3, Self.logistiek, vanaf: 100) + cohort(7, Self.logistiek, gestart: false, vanaf: 200)
        let monitor = Monitor(trajecten, schooljaar: Schooljaar(beginjaar: 2026), op: Voorbeeld.d("2026-11-20"), uitsplitsingen: Uitsplitsing.regionaal)
        #expect(monitor.totaal[.aangemeld] == .aantal(20) && monitor.totaal[.gestart] == .aantal(13))
        #expect(monitor.totaal[.mboAangemeldVoor1April] == .aantal(20) && monitor.totaal[.ingeschrevenOp1Oktober] == .aantal(13))
        for (uitsplitsing, groepen) in monitor.uitsplitsingen {
            for maat in Maat.allCases {
                let som = groepen.reduce(0) { if case .aantal(let n) = $1.cijfers[maat] { $0 + n } else { $0 } }
                #expect(.aantal(som) == monitor.totaal[maat], "\(uitsplitsing) \(maat)")
            }
        }
        // Another school year, or a peildatum before the aanmelding: not in the cohort.
        #expect(Monitor(trajecten, schooljaar: Schooljaar(beginjaar: 2025), op: Voorbeeld.d("2026-11-20"), uitsplitsingen: []).totaal[.aangemeld] == .aantal(0))
        #expect(Monitor(trajecten, schooljaar: Schooljaar(beginjaar: 2026), op: Voorbeeld.d("2026-01-14"), uitsplitsingen: []).totaal[.aangemeld] == .aantal(0))
    }

    static let jaar = Schooljaar(beginjaar: 2026)
    static let peildag = Voorbeeld.d("2026-11-20")

    /// In every sum whose total is shown, never exactly one hidden count.
    func geenEenzaamVerborgen(_ monitor: Monitor) {
        for (uitsplitsing, groepen) in monitor.uitsplitsingen {
            for maat in Maat.allCases where !monitor.totaal[maat].isVerborgen {
                #expect(groepen.filter { $0.cijfers[maat].isVerborgen }.count != 1, "\(uitsplitsing) \(maat)")
            }
        }
    }

    @Test func aCellOfThreeIsHiddenAndSoIsTheSmallestOtherGroupSoTheTotalCannotRevealIt() throws {
        // Level entree 10 started, level 2 three started and seven not: in "gestart" per niveau,
        // the 3 is below 5 and the total 13 minus the 10 would give it away.
        let trajecten = cohort(10, Self.entree) + cohort(3, Self.logistiek, vanaf: 100) + cohort(7, Self.logistiek, gestart: false, vanaf: 200)
        let open = Monitoren(trajecten, schooljaar: Self.jaar, op: Self.peildag, uitsplitsingen: [.niveau, .coaching])
        let veilig = open.deelbaar()
        #expect(veilig.landelijk.isDeelbaar && !open.landelijk.isDeelbaar && veilig.regio("Utrecht").isDeelbaar)
        for monitor in [veilig.landelijk, veilig.regio("Utrecht")] {
            let niveau = try #require(monitor.uitsplitsingen.first { $0.0 == .niveau }?.1)
            #expect(niveau.map(\.naam) == ["2", "entree"])
            #expect(niveau.map { $0.cijfers[.gestart] } == [.klein, .verborgen], "the 3, and the 10 that would reveal it")
            #expect(monitor.totaal[.gestart] == .aantal(13), "the total stays")
            #expect(niveau.map { $0.cijfers[.aangemeld] } == [.aantal(10), .aantal(10)], "nothing small: nothing hidden")
            // A total below 5 is hidden, and every group of it (0 is below 5 too).
            #expect(monitor.totaal[.noShow] == .klein && niveau.allSatisfy { $0.cijfers[.noShow] == .klein })
            geenEenzaamVerborgen(monitor)
        }
        #expect(open.regio("Utrecht").totaal[.gestart] == .aantal(13) && open.regio("Utrecht").uitsplitsingen[0].1[0].cijfers[.gestart] == .aantal(3))
        #expect(Cel.klein.description == "<5" && Cel.verborgen.description == "x" && Cel.aantal(0).description == "0")
    }

    @Test func hiddenCountsThatTogetherPinEachOtherGetAPartner() {
        func aangemeld(_ aantallen: [Int]) -> [Cel] {
            let niveaus: [Niveau] = [.niveau2, .niveau3, .niveau4]  // in the order of their groups
            var trajecten: [Traject] = []
            for (index, aantal) in aantallen.enumerated() {
                trajecten += cohort(aantal, Opleiding(instelling: "X", opleiding: "O\(index)", niveau: niveaus[index]), vanaf: 100 * index)
            }
            let monitor = Monitoren(trajecten, schooljaar: Self.jaar, op: Self.peildag, uitsplitsingen: [.niveau]).deelbaar().regio("Utrecht")
            geenEenzaamVerborgen(monitor)
            return monitor.uitsplitsingen[0].1.map { $0.cijfers[.aangemeld] }
        }
        // 2 and 2 beside 20: the total says the two hidden make 4, which each of them could still be 0…4.
        #expect(aangemeld([2, 2, 20]) == [.klein, .klein, .aantal(20)])
        // 4 and 4: the hidden make 8, so both would be 4. The 20 is hidden too.
        #expect(aangemeld([4, 4, 20]) == [.klein, .klein, .verborgen])
        // 1 and 1: the hidden make 2, so neither could be 3 or 4.
        #expect(aangemeld([1, 1, 20]) == [.klein, .klein, .verborgen])
        // One alone beside the total: its partner, even when that is the only other group.
        #expect(aangemeld([3, 20]) == [.klein, .verborgen])
    }

    @Test func theNationalRollUpAndEachRegionHideTheSameSoNeitherGivesTheOtherAway() throws {
        // Two regions; school S (3 pupils) and U (8) in Utrecht, T (5) and V (20) in Zwolle.
        func school(_ naam: String, _ regio: String, _ aantal: Int, vanaf: Int) -> [Traject] {
            (0..<aantal).map { i in
                var a = Voorbeeld.aanmelding
                (a.vsoSchool, a.regio) = (naam, regio)
                return Traject.herleid(id: TrajectID(UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", vanaf + i))!),
                                       uit: [(.aanmelding(a), Voorbeeld.d("2026-01-15"))])!
            }
        }
        let trajecten = school("S", "Utrecht", 3, vanaf: 0) + school("U", "Utrecht", 8, vanaf: 100)
            + school("T", "Zwolle", 5, vanaf: 200) + school("V", "Zwolle", 20, vanaf: 300)
        let veilig = Monitoren(trajecten, schooljaar: Self.jaar, op: Self.peildag, uitsplitsingen: [.vsoSchool]).deelbaar()
        let utrecht = veilig.regio("Utrecht").uitsplitsingen[0].1.map { ($0.naam, $0.cijfers[.aangemeld]) }
        let landelijk = veilig.landelijk.uitsplitsingen.first { $0.0 == .vsoSchool }?.1.map { ($0.naam, $0.cijfers[.aangemeld]) } ?? []
        #expect(utrecht.map(\.1) == [.klein, .verborgen], "S, and U beside it")
        // Nationally U must be hidden too: else the region's total 11 minus U would give S.
        #expect(landelijk.map(\.0) == ["S", "T", "U", "V"] && landelijk.map(\.1) == [.klein, .aantal(5), .verborgen, .aantal(20)])
        #expect(veilig.regio("Utrecht").totaal[.aangemeld] == .aantal(11) && veilig.landelijk.totaal[.aangemeld] == .aantal(36))
        for monitor in [veilig.landelijk, veilig.regio("Utrecht"), veilig.regio("Zwolle")] { geenEenzaamVerborgen(monitor) }
        // A region without a case in the cohort: zeros, hidden.
        #expect(veilig.regio("Twente").totaal[.aangemeld] == .klein && veilig.regio("Twente").isDeelbaar)
    }

    @Test func theSameDayEarlierSkipsTheLeapDay() {
        #expect(Voorbeeld.d("2028-02-29").jaren(terug: 1) == Voorbeeld.d("2027-02-28"))
        #expect(Voorbeeld.d("2026-11-20").jaren(terug: 2) == Voorbeeld.d("2024-11-20"))
    }
}
