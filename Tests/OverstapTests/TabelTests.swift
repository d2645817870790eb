@testable import Overstap
import Testing

@Suite struct TabelTests {
    @Test func csvCellsThatASpreadsheetWouldTakeForAFormulaStayText() {
        let csv = Tabel.csv(["a"], [["=HYPERLINK(\"http://x\",\"klik\")"], ["+31 6"], ["-2+3"], ["@SUM(A1)"], ["\tx"], ["\rx"], ["-"], ["a=b"]])
        #expect(csv == "a\r\n\"'=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")\"\r\n'+31 6\r\n'-2+3\r\n'@SUM(A1)\r\n'\tx\r\n\"'\rx\"\r\n-\r\na=b\r\n")
    }

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
