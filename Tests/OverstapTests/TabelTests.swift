@testable import Overstap
import Testing

@Suite struct TabelTests {
    @Test func csvQuotesOnlyWhatNeedsQuotingAndEndsLinesWithCRLF() {
        let csv = Tabel.csv(["a", "b"], [["gewoon", "met, komma"], ["\"citaat\"", "regel\nbreuk"]])
        #expect(csv == "a,b\r\ngewoon,\"met, komma\"\r\n\"\"\"citaat\"\"\",\"regel\nbreuk\"\r\n")
    }

    @Test func theRisicolijstCarriesNoSpecialCategoryColumns() {
        let regel = RisicoRegel(trajectID: "traject-1", vsoSchool: "De Brug", coach: nil, fase: .aangemeld,
                                redenen: [.geenCoach, .geenToestemming])
        #expect(RisicoRegel.kolommen == ["traject", "vso_school", "coach", "fase", "ernstigste_reden", "redenen"])
        #expect(regel.cellen == ["traject-1", "De Brug", "-", "aangemeld", "geen_coach", "geen_coach geen_toestemming"])
    }

    @Test func textTablesPadColumns() {
        #expect(Tabel.tekst(["x", "lang"], [["abc", "1"]]) == "x    lang\n---  ----\nabc  1\n")
    }
}
