@testable import Overstap
import Testing
@testable import OverstapOpslag

@Suite struct TabelTests {
    @Test func csvCellsThatASpreadsheetWouldTakeForAFormulaStayText() {
        let csv = Tabel.csv(["a"], [["=HYPERLINK(\"http://x\",\"klik\")"], ["+31 6"], ["-2+3"], ["@SUM(A1)"], ["\tx"], ["\rx"], ["-"], ["a=b"]])
        #expect(csv == "\u{FEFF}a\r\n\"'=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")\"\r\n'+31 6\r\n'-2+3\r\n'@SUM(A1)\r\n'\tx\r\n\"'\rx\"\r\n-\r\na=b\r\n")
    }

    @Test func csvQuotesOnlyWhatNeedsQuotingAndEndsLinesWithCRLF() {
        let csv = Tabel.csv(["a", "b"], [["gewoon", "met, komma"], ["\"citaat\"", "regel\nbreuk"]])
        #expect(csv == "\u{FEFF}a,b\r\ngewoon,\"met, komma\"\r\n\"\"\"citaat\"\"\",\"regel\nbreuk\"\r\n")
    }

    /// For Dutch Excel: `;` between fields, and what it would turn into a number or date stays text.
    @Test func csvForDutchSpreadsheetsSeparatesWithSemicolonsAndKeepsNumberLikeCellsText() {
        let csv = Tabel.csv(["id", "school"], [["0042", "Sint-Michaël"], ["3-4", "met; puntkomma"], ["12,5", "a,b"], ["-", "=1+1"]],
                            scheidingsteken: .puntkomma)
        #expect(csv == "\u{FEFF}id;school\r\n=\"0042\";Sint-Michaël\r\n=\"3-4\";\"met; puntkomma\"\r\n=\"12,5\";a,b\r\n-;'=1+1\r\n")
        #expect(Tabel.lijktGetal("1e5") && Tabel.lijktGetal("01-10-2026") && Tabel.lijktGetal("12:30"))
        #expect(!Tabel.lijktGetal("De Brug") && !Tabel.lijktGetal("-") && !Tabel.lijktGetal("coach-07") && !Tabel.lijktGetal(""))
    }

    @Test func theRisicolijstCarriesNoSpecialCategoryColumns() throws {
        let regel = try #require(RisicoRegel(trajectID: Voorbeeld.id, vsoSchool: "De Brug", coach: nil, fase: .aangemeld,
                                             redenen: [.geenToestemming, .geenCoach]))
        #expect(RisicoRegel.kolommen == ["traject", "vso_school", "coach", "fase", "ernstigste_reden", "redenen"])
        #expect(RisicoRegel(trajectID: Voorbeeld.id, vsoSchool: "De Brug", coach: nil, fase: .aangemeld, redenen: []) == nil)
        #expect(regel.cellen == [Voorbeeld.id.stroom, "De Brug", "-", "aangemeld", "geen_coach", "geen_coach geen_toestemming"])
    }

    @Test func textTablesPadColumns() {
        #expect(Tabel.tekst(["x", "lang"], [["abc", "1"]]) == "x    lang\n---  ----\nabc  1\n")
    }
}
