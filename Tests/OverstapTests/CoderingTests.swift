import CivilDate
import Foundation
@testable import Overstap
import Testing
@testable import OverstapOpslag

@Suite struct CoderingTests {
    func decode(_ type: String, _ json: String) throws -> Gebeurtenis {
        try Gebeurtenis.decode(type: type, payload: Data(json.utf8))
    }

    @Test func everyEventSurvivesAnEncodeDecodeRoundTrip() throws {
        let all: [Gebeurtenis] = [
            .aanmelding(Voorbeeld.aanmelding), .toestemmingGegeven(.init(door: .ouder, scope: [.mbo, .leerplicht])),
            .toestemmingIngetrokken(.init(door: .leerling, scope: [.mbo])), .coachToegewezen(.init(coach: "c1")),
            .welkomstgesprek(.init(persoonsgegevens: .init(aanwezigen: ["moeder"], afspraken: "wekelijks bellen"))),
            .mboAanmelding(.init(instelling: "X", opleiding: "Y", niveau: .niveau2, leerweg: .bbl)),
            .intakegesprek(.init(warmeOverdracht: true)), .overstaptafelBesproken(.init(tafel: "april-2026", besluit: .extraBegeleiding)),
            .gestart(.init(instelling: "X", opleiding: "Y")),
            .noShowGesignaleerd(.init(peildatum: Datum("2026-10-01")!, schooljaar: Schooljaar(beginjaar: 2026), soort: .nietGeplaatst)),
            .contactmoment(.init(vorm: .app)), .stageGestart(.init(stagebedrijf: "Bakkerij")),
            .stageBeeindigd(.init(stagebedrijf: "Bakkerij")), .stagebezoek(.init(stagebedrijf: "Bakkerij", signaal: true)),
            .signaal(.init(soort: .verzuim, persoonsgegevens: .init("vaak te laat"))), .signaalOpgelost(.init(soort: .verzuim)),
            .evaluatiegesprek(.init(uitkomst: .extraOndersteuning)), .afbouwGestart(.init(persoonsgegevens: .init("plan"))),
            .overdrachtZorgteam(.init(persoonsgegevens: .init(contactpersoon: "mevr. Jansen"))), .afgesloten(.init(reden: .diploma)),
            .leerlingVergeten(.init(reden: .verzoek)),
            .opleidingGewijzigd(.init(instelling: "Z", opleiding: "W", niveau: .entree, leerweg: .bol)),
            .diplomaBehaald(.init(niveau: .niveau3)),
            .nameting(.init(uitkomst: .mbo, opleiding: .init(instelling: "Z", opleiding: "W"), persoonsgegevens: .init("werkt ook bij de bakker"))),
        ]
        #expect(Set(all.map(\.type)) == Set(GebeurtenisType.allCases.map(\.rawValue)))
        for gebeurtenis in all {
            #expect(try decode(gebeurtenis.type, try gebeurtenis.payloadJSON()) == gebeurtenis)
        }
    }

    @Test func personalDataSitsOnlyUnderPersoonsgegevens() throws {
        let json = try Gebeurtenis.aanmelding(Voorbeeld.aanmelding).payloadJSON()
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let personal = object["persoonsgegevens"] as! [String: Any]
        #expect(Set(personal.keys) == ["naam", "geboortedatum", "leerlingnummer", "ondersteuningsbehoefte"])
        var rest = object
        rest["persoonsgegevens"] = nil
        let restText = String(decoding: try JSONSerialization.data(withJSONObject: rest), as: UTF8.self)
        for secret in ["Sam", "2010-03-04", "123456", "prikkel"] { #expect(!restText.contains(secret)) }
    }

    @Test(arguments: [
        ("coach_toegewezen", "{}", "coach_toegewezen: veld 'coach' ontbreekt"),
        ("coach_toegewezen", #"{"coach": 7}"#, "coach_toegewezen: veld 'coach' heeft het verkeerde type (verwacht tekst)"),
        ("contactmoment", #"{"vorm": "duif", "persoonsgegevens": {}}"#, "contactmoment: veld 'vorm' heeft een onbekende waarde"),
        ("aanmelding", #"{"regio": "U"}"#, "aanmelding: veld 'vsoSchool' ontbreekt"),
        ("stage_gestart", #"{"stagebedrijf": "B", "salaris": 100}"#, "stage_gestart: onbekend veld 'salaris'"),
        ("signaal", #"{"soort": "verzuim", "persoonsgegevens": {"notitie": "x", "bsn": "1"}}"#, "signaal: onbekend veld 'persoonsgegevens.bsn'"),
        ("gestart", "not json", "gestart: veld '(payload)' is geen geldig JSON-object"),
        ("uitgevallen", "{}", "onbekend gebeurtenistype 'uitgevallen'"),
    ])
    func malformedPayloadsNameTheField(type: String, json: String, message: String) throws {
        let error = try #require(throws: GebeurtenisFout.self) { try decode(type, json) }
        #expect(error.description == message)
    }

    @Test func aBadDateNamesItsFieldButNotTheValue() throws {
        var json = try Gebeurtenis.aanmelding(Voorbeeld.aanmelding).payloadJSON()
        json = json.replacingOccurrences(of: "2010-03-04", with: "2010-02-31")
        let error = try #require(throws: GebeurtenisFout.self) { try decode("aanmelding", json) }
        #expect(error == .ongeldigVeld(type: "aanmelding", veld: "persoonsgegevens.geboortedatum", reden: "geen geldige datum (verwacht JJJJ-MM-DD)"))
        #expect(!error.description.contains("2010"))
    }

    @Test func anUnknownSchemaVersionIsRefused() {
        #expect(throws: GebeurtenisFout.onbekendeSchemaversie(type: "gestart", versie: 9)) {
            try Gebeurtenis.decode(type: "gestart", schemaversie: 9, payload: Data("{}".utf8))
        }
    }
}

@Suite struct KalenderTests {
    @Test func schoolYearsRunFromAugustToJuly() {
        #expect(Schooljaar(Datum("2026-07-31")!).description == "2025-2026")
        #expect(Schooljaar(Datum("2026-08-01")!).description == "2026-2027")
        #expect(Schooljaar("2026-2027")?.eenOktober == Datum("2026-10-01"))
        #expect(Schooljaar("2026-2028") == nil)
    }

    @Test func todayIsTakenInAmsterdam() {
        // 23:30 UTC on 30 September is already 1 October in Amsterdam (UTC+2 in summer time).
        let late = Date(timeIntervalSince1970: Double(Datum("2026-09-30")!.dagnummer) * 86_400 + 23.5 * 3600)
        #expect(Datum.vandaag(nu: late) == Datum("2026-10-01"))
    }

    @Test func todayAgreesWithTheCalendarInAmsterdamEveryQuarterHourAcrossBothSummerTimeSwitches() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .amsterdam
        // From before the spring switch (29 March) to after the autumn switch (25 October) of 2026,
        // and the same around the switches of 1996, when the autumn one moved to October.
        for (van, tot) in [("2026-03-27", "2026-03-31"), ("2026-10-23", "2026-10-27"), ("1996-09-27", "1996-10-29")] {
            var moment = Datum(van)!.tijdstip
            while moment < Datum(tot)!.tijdstip {
                let delen = calendar.dateComponents([.year, .month, .day], from: moment)
                #expect(Datum.vandaag(nu: moment) == Datum(delen.year ?? 0, delen.month ?? 0, delen.day ?? 0), "\(moment)")
                moment += 900
            }
        }
    }

    @Test func isoDatesAreFourTwoTwoDigitsOfADayThatExists() {
        #expect(CivilDate(iso: "2026-02-28")?.description == "2026-02-28")
        #expect(CivilDate(isoUTF8: Array("2024-02-29".utf8))?.day == 29)
        for fout in ["2026-02-29", "2026-2-28", "2026-02-28 ", "+026-02-28", "2026-02-2x", "2026/02/28", "20260-02-28", "", "2026-02", "٢٠٢٦-٠٢-٢٨"] {
            #expect(CivilDate(iso: fout) == nil, "\(fout)")
        }
    }

    @Test func regionsOverrideOnlyWhatTheyName() throws {
        let json = #"{"standaard": {"normMaximum": 24}, "regios": {"Utrecht": {"geenCoachNaDagen": 10}}}"#
        let instellingen = try RegioInstellingen(json: Data(json.utf8))
        #expect(instellingen.voor("Utrecht").geenCoachNaDagen == 10)
        #expect(instellingen.voor("Utrecht").normMaximum == 24)
        #expect(instellingen.voor("Zwolle").geenCoachNaDagen == 14)
        #expect(throws: DecodingError.self) { try RegioInstellingen(json: Data(#"{"standaard": {"normMinimum": 30}}"#.utf8)) }
    }
}

/// A case's id in its two forms, converted in one place.
@Suite struct TrajectIDTests {
    @Test func streamAndPathFormsConvertBothWays() throws {
        let uuid = try #require(UUID(uuidString: "0042E1D8-6A41-4F0E-9C63-3B3B1F2E0A77"))
        let id = TrajectID(uuid)
        #expect(id.stroom == "traject-0042e1d8-6a41-4f0e-9c63-3b3b1f2e0a77" && id.pad == "0042e1d8-6a41-4f0e-9c63-3b3b1f2e0a77")
        #expect(TrajectID(pad: "0042E1D8-6A41-4F0E-9C63-3B3B1F2E0A77") == id && TrajectID(stroom: id.stroom) == id)
        for vreemd in ["", "traject-", "coach-07", "token-1", "Traject-0042", "traject-x", "traject-0042E1D8-6A41-4F0E-9C63-3B3B1F2E0A77",
                       "traject-0042e1d8-6a41-4f0e-9c63-3b3b1f2e0a7", "traject-0042e1d8-6a41-4f0e-9c63-3b3b1f2e0a777",
                       "traject-0042e1d86a41-4f0e-9c63-3b3b1f2e0a77-", "traject-0042e1d8-6a41-4f0e-9c63-3b3b1f2e0a7g",
                       "traject-{042e1d8-6a41-4f0e-9c63-3b3b1f2e0a77", "traject-0042e1d8-6a41-4f0e-9c63-3b3b1f2e0a7\u{301}"] {
            #expect(TrajectID(stroom: vreemd) == nil, "\(vreemd)")
        }
        // Whatever `init(_:)` writes reads back.
        for _ in 0..<200 {
            let id = TrajectID(UUID())
            #expect(TrajectID(stroom: id.stroom) == id)
        }
        for vreemd in ["", "0042", "traject-0042e1d8-6a41-4f0e-9c63-3b3b1f2e0a77", "../x"] { #expect(TrajectID(pad: vreemd) == nil, "\(vreemd)") }
    }
}
