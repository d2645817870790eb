import Foundation
import Overstap
@testable import OverstapHTTP
import Testing

/// Issue 16: the risicolijst as a page to print (the browser test is `Tests/outside/afdruk.py`).
@Suite struct AfdrukTests {
    @Test func theListForTheMeetingIsAPageWithTheReasonsInWordsAndEveryValueEscaped() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            #expect(try await coordinator.post("/v1/leerlingen", json: APITest.aanmelding(school: "De Brug & 't Anker")).status == 201)
            let pagina = try await coordinator.get("/v1/risicolijst?peildatum=2026-04-02", headers: [("Accept", "text/html")])
            #expect(pagina.status == 200 && pagina.header("Content-Type") == "text/html; charset=utf-8")
            #expect(pagina.header("Vary") == "Accept" && pagina.header("Peildatum") == "2026-04-02")
            let tekst = pagina.tekst
            #expect(tekst.hasPrefix("<!DOCTYPE html>") && tekst.contains("<h1>Risicolijst Utrecht</h1>"))
            #expect(tekst.contains("peildatum 2 april 2026 · 1 leerling(en)"))
            #expect(tekst.contains("De Brug &amp; &#39;t Anker") && !tekst.contains("De Brug & 't Anker"), "\(tekst)")
            #expect(tekst.contains("niet op tijd aangemeld bij het mbo") && !tekst.contains("geen_mbo_aanmelding"))
            #expect(tekst.contains("<th>Besluit</th>") && tekst.contains("<td class=\"besluit\"></td>"))
            // A coordinator gets no names on a list (they open the case), so nothing was registered as read.
            #expect(!tekst.contains(APITest.naam) && tekst.contains("traject "))
            let gelezen: Int = try await t.db.pool.query("SELECT count(*) AS n FROM inzage_registratie").first?.decode("n") ?? -1
            #expect(gelezen == 0)
        }
    }

    @Test func dutchDaysAndReasonsReadAsWords() {
        #expect(Datum(2026, 4, 1)?.voluit == "1 april 2026" && Datum(2027, 12, 31)?.voluit == "31 december 2027")
        #expect(Set(Risicoreden.allCases.map(\.omschrijving)).count == Risicoreden.allCases.count)
        #expect(Afdruk.html("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;")
        let plek = Lijstplek(regio: "Fryslân", peildatum: Datum(2026, 4, 1)!, bekendOp: Datum(2026, 4, 1))
        #expect(Afdruk.risicolijst([], plek: plek, namen: [:]).contains("<p>peildatum 1 april 2026, zoals bekend op 1 april 2026 · 0 leerling(en)"))
    }
}
