import EventStore
import Foundation
import Overstap
import OverstapOpslag

/// A realistic synthetic region loaded through the normal decide-and-append path, up to `einde`:
/// two cohorts (school year 2025-2026: a quarter who started in September 2025, a follow-up due a
/// year on, and the mid-year starters of February 2026, in afbouw; school year 2026-2027: the
/// rest, who started this autumn), late starters and a few no-shows, switches within the mbo,
/// dropouts and diplomas, follow-ups done and missing, some coaches above the norm, events
/// recorded out of order. The same seed gives the same region, ids included, so loading it twice
/// changes nothing.
public struct DemoRegio: Sendable {
    public var regio = "Utrecht"
    public var leerlingen = 300
    public var coaches = 14
    public var seed: UInt64 = 2026
    /// The last day events may carry ("today" for the demo).
    public var einde = Datum(2026, 11, 20)!

    public init() {}

    /// Loads the region; returns the case ids.
    @discardableResult
    public func laad(in trajecten: Trajecten, voortgang: (@Sendable (Int) -> Void)? = nil) async throws -> [TrajectID] {
        var random = SplitMix64(seed: seed ^ UInt64(truncatingIfNeeded: regio.hashValueStable))
        // The earlier cohort draws from a generator of its own, so the others stay as they were.
        var vorig = SplitMix64(seed: random.next() ^ 0x2025)
        var ids: [TrajectID] = []
        let eerder = leerlingen / 4
        for nummer in 0..<leerlingen {
            let isVorig = nummer >= leerlingen - eerder
            let id = TrajectID(isVorig ? vorig.uuid() : random.uuid())
            let gebeurtenissen = isVorig ? leerling(nummer, &vorig, cohort: .vorig) : leerling(nummer, &random)
            let eventIDs = gebeurtenissen.map { _ in isVorig ? vorig.uuid() : random.uuid() }
            try await trajecten.registreer(gebeurtenissen, in: id, door: "demo", vandaag: einde, eventIDs: eventIDs)
            ids.append(id)
            if (nummer + 1) % 50 == 0 { voortgang?(nummer + 1) }
        }
        return ids
    }

    /// When a student started, or was expected to.
    enum Cohort {
        /// September 2025: by now past the follow-up a year on.
        case vorig
        /// February 2026 (mid-year): by now in afbouw or handed over.
        case midden
        /// August 2026.
        case nieuw
    }

    /// One student's career, in the order a coach might record it. `cohort` `nil`: drawn, a
    /// sixth mid-year, the others new.
    func leerling(_ nummer: Int, _ r: inout SplitMix64, cohort gegeven: Cohort? = nil) -> [(Gebeurtenis, Datum)] {
        var log: [(Gebeurtenis, Datum)] = []
        var tot = einde  // nothing is recorded after this day (a closing or handover moves it)
        func voeg(_ g: Gebeurtenis, _ d: Datum) { if d <= tot { log.append((g, d)) } }
        let cohort = gegeven ?? (r.kans(0.16) ? .midden : .nieuw)
        let midden = cohort != .nieuw
        // What the first version of the demo did not have (switches, diplomas, dropouts,
        // follow-ups) draws from a generator per student, so the rest stays as it was.
        var x = SplitMix64(seed: seed ^ 0xA5A5 ^ UInt64(nummer) << 20 ^ (cohort == .vorig ? 1 : 0))
        let start: Datum, aangemeld: Datum
        switch cohort {
        case .vorig: (start, aangemeld) = (Datum(2025, 9, 1)!, Datum(2025, 1, 6)!.plus(dagen: r.getal(0..<75)))
        case .midden: (start, aangemeld) = (Datum(2026, 2, 2)!, Datum(2025, 10, 1)!.plus(dagen: r.getal(0..<50)))
        case .nieuw: (start, aangemeld) = (Datum(2026, 8, 31)!, Datum(2026, 1, 5)!.plus(dagen: r.getal(0..<75)))
        }
        let opleiding = Self.opleidingen[r.getal(0..<Self.opleidingen.count)]
        let naam = Self.voornamen[r.getal(0..<Self.voornamen.count)] + " " + Self.achternamen[r.getal(0..<Self.achternamen.count)]
        let persoon = Aanmelding.Persoonsgegevens(
            naam: naam, geboortedatum: Datum(2009, 1, 1)!.plus(dagen: r.getal(0..<1000)),
            leerlingnummer: String(100_000 + r.getal(0..<900_000)),
            ondersteuningsbehoefte: Self.behoeften[r.getal(0..<Self.behoeften.count)])
        voeg(.aanmelding(Aanmelding(
            regio: regio, vsoSchool: Self.scholen[r.getal(0..<Self.scholen.count)],
            uitstroomprofiel: x.kans(0.15) ? .arbeidsmarkt : .vervolgonderwijs,
            beoogdeOpleiding: opleiding, verwachteStartdatum: start, persoonsgegevens: persoon)), aangemeld)
        if r.kans(0.92) { voeg(.toestemmingGegeven(.init(door: .ouder, scope: [.mbo, .leerplicht])), aangemeld.plus(dagen: r.getal(0..<7))) }
        // Coaches 0–2 get more than their share, so some end up above the norm.
        let coach = String(format: "coach-%02d", r.kans(0.3) ? r.getal(0..<3) : r.getal(0..<coaches))
        let coachOp = aangemeld.plus(dagen: r.kans(0.93) ? r.getal(2..<12) : r.getal(15..<30))
        voeg(.coachToegewezen(.init(coach: coach)), coachOp)
        let gesprek = Gesprek.Persoonsgegevens(aanwezigen: ["ouder", "mentor"], afspraken: "elke week contact")
        if r.kans(0.9) { voeg(.welkomstgesprek(.init(persoonsgegevens: gesprek)), coachOp.plus(dagen: r.getal(3..<20))) }
        let laatAangemeld = cohort != .midden && r.kans(0.1)
        let aanmeldingMbo = laatAangemeld ? Datum(start.jaar, 4, 10)!.plus(dagen: r.getal(0..<40)) : aangemeld.plus(dagen: r.getal(10..<40))
        voeg(.mboAanmelding(opleiding), min(aanmeldingMbo, start.plus(dagen: -20)))
        if laatAangemeld { voeg(.overstaptafelBesproken(.init(tafel: "april-\(start.jaar)", besluit: .extraBegeleiding)), Datum(start.jaar, 4, 16)!) }
        voeg(.intakegesprek(.init(warmeOverdracht: r.kans(0.7))), start.plus(dagen: -r.getal(5..<20)))
        // Most start on time, some two to four weeks late, a few never (no-shows).
        let uitkomst = r.getal(0..<100)
        guard uitkomst >= 4 || midden else { return log }
        let gestart = uitkomst < 9 && !midden ? start.plus(dagen: r.getal(16..<29)) : start.plus(dagen: r.getal(0..<4))
        voeg(.gestart(opleiding), gestart)
        var afsluiting: (Gebeurtenis, Datum)?
        let afsluitdag = gestart.plus(dagen: r.getal(20..<70))
        if r.kans(0.04), afsluitdag <= einde {
            afsluiting = (.afgesloten(.init(reden: [.uitgevallen, .verhuisd, .overgestapt][r.getal(0..<3)])), afsluitdag)
            tot = afsluitdag
        } else if cohort == .vorig, x.kans(0.1) {
            // Dropped out later in the first year.
            let uitval = gestart.plus(dagen: x.getal(60..<240))
            afsluiting = (.afgesloten(.init(reden: .uitgevallen)), uitval)
            tot = uitval
        }
        // A switch within the mbo, after one to four months.
        var huidige = opleiding
        if x.kans(cohort == .nieuw ? 0.05 : 0.12) {
            let andere = Self.opleidingen.filter { $0 != opleiding }
            huidige = andere[x.getal(0..<andere.count)]
            voeg(.opleidingGewijzigd(huidige), gestart.plus(dagen: x.getal(30..<120)))
        }
        // Entree and level 2 take a year: some of the earlier cohorts have their diploma by July.
        let diploma = midden && x.kans(0.4) && Datum(2026, 7, 10)! <= tot
        if diploma { voeg(.diplomaBehaald(.init(niveau: huidige.niveau ?? .niveau2)), Datum(2026, 7, 1)!.plus(dagen: x.getal(0..<10))) }
        if midden, r.kans(0.8) {
            let afbouw = gestart.plus(weken: 26).plus(dagen: r.getal(0..<20))
            voeg(.evaluatiegesprek(.init(uitkomst: .doorgaan)), gestart.plus(weken: 12).plus(dagen: r.getal(0..<10)))
            voeg(.evaluatiegesprek(.init(uitkomst: .afbouwen)), afbouw)
            voeg(.afbouwGestart(.init()), afbouw)
            if r.kans(0.5) {
                let overdracht = afbouw.plus(weken: r.getal(6..<16))
                voeg(.overdrachtZorgteam(.init(persoonsgegevens: .init(contactpersoon: "zorgcoördinator"))), overdracht)
                tot = min(tot, overdracht)
            }
        } else if r.kans(0.85) {
            voeg(.evaluatiegesprek(.init(uitkomst: .doorgaan)), gestart.plus(weken: 12).plus(dagen: r.getal(0..<10)))
        }
        let slordig = r.kans(0.15)
        var dag = gestart
        var stage: String?
        var bijgewerkt = gestart
        while true {
            dag = dag.plus(dagen: slordig ? r.getal(10..<35) : r.getal(5..<16))
            guard dag <= tot else { break }
            voeg(.contactmoment(.init(vorm: [.gesprek, .telefoon, .app][r.getal(0..<3)])), dag)
            if stage == nil, dag >= gestart.plus(dagen: 35), r.kans(0.15) {
                stage = Self.bedrijven[r.getal(0..<Self.bedrijven.count)]
                voeg(.stageGestart(.init(stagebedrijf: stage!)), dag)
                bijgewerkt = dag
            } else if let bedrijf = stage, dag.dagen(sinds: bijgewerkt) > 20, r.kans(0.5) {
                voeg(.stagebezoek(.init(stagebedrijf: bedrijf)), dag)
                bijgewerkt = dag
            }
        }
        if r.kans(0.15) {
            let soort = Signaalsoort.allCases[r.getal(0..<Signaalsoort.allCases.count)]
            let op = gestart.plus(dagen: r.getal(10..<60))
            voeg(.signaal(.init(soort: soort)), op)
            if r.kans(0.6) { voeg(.signaalOpgelost(.init(soort: soort)), op.plus(dagen: r.getal(5..<25))) }
        }
        // Coaches record late: now and then a contact moment arrives after later events.
        if let late = log.indices.dropLast(3).last(where: { if case .contactmoment = log[$0].0 { true } else { false } }), r.kans(0.3) {
            log.append(log.remove(at: late))
        }
        if let afsluiting { log.append(afsluiting) }
        // The follow-up a year after the start, for three in four of the earliest cohort (the
        // others are overdue by now); recorded after a closing too.
        let nametingOp = gestart.plus(weken: 52).plus(dagen: x.getal(0..<50))
        if cohort == .vorig, x.kans(0.75), nametingOp <= einde {
            let uitgevallen = afsluiting.map { if case .afgesloten(let a) = $0.0 { a.reden == .uitgevallen } else { false } } ?? false
            let uitkomst: NametingUitkomst = uitgevallen ? [.uitgevallen, .werk, .onbekend][x.getal(0..<3)]
                : diploma ? [.diploma, .werk][x.getal(0..<2)] : x.kans(0.9) ? .mbo : .onbekend
            log.append((.nameting(.init(uitkomst: uitkomst, opleiding: uitkomst == .mbo ? huidige : nil)), nametingOp))
        }
        return log
    }

    static let opleidingen = [
        Opleiding(instelling: "MBO Utrecht", opleiding: "Entree Dienstverlening", niveau: .entree, leerweg: .bol),
        Opleiding(instelling: "MBO Utrecht", opleiding: "Logistiek medewerker", niveau: .niveau2, leerweg: .bbl),
        Opleiding(instelling: "ROC Midden Nederland", opleiding: "Helpende zorg en welzijn", niveau: .niveau2, leerweg: .bol),
        Opleiding(instelling: "ROC Midden Nederland", opleiding: "Medewerker ICT", niveau: .niveau2, leerweg: .bol),
        Opleiding(instelling: "Grafisch Lyceum", opleiding: "Medewerker media", niveau: .niveau2, leerweg: .bol),
    ]
    static let scholen = ["De Brug", "Ariënsschool", "Fier", "De Ster", "Heliomare"]
    static let bedrijven = ["Bakkerij Van Dijk", "Jumbo Zuilen", "Gemeente Utrecht", "Garage Peters", "Zorgcentrum De Linde"]
    static let voornamen = ["Sam", "Noa", "Daan", "Lina", "Milan", "Eva", "Mo", "Yara", "Jesse", "Fleur"]
    static let achternamen = ["de Vries", "Jansen", "Bakker", "El Amrani", "Visser", "Smit", "Yilmaz", "Mulder"]
    static let behoeften = ["prikkelarme omgeving", "vaste begeleider", "extra uitleg bij planning", "ondersteuning bij taal"]
}

/// A small, fast, seedable generator, so a seed always gives the same region.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func getal(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func kans(_ p: Double) -> Bool { Double(next() % 1_000_000) < p * 1_000_000 }

    mutating func uuid() -> UUID {
        let a = next(), b = next()
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: a >> (8 * $0)) } + (0..<8).map { UInt8(truncatingIfNeeded: b >> (8 * $0)) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}

extension String {
    /// A hash that is the same in every process (Swift's `hashValue` is seeded per process).
    var hashValueStable: Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: hash)
    }
}
