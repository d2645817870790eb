import Foundation
import Overstap
@testable import OverstapHTTP
import Testing

/// Issue 16: `GET /v1/monitor` as a coordinator and an admin would use it: the own region as it
/// is, small cells hidden where the figures leave the region, the national roll-up, CSV and a page
/// to print (the browser test is `Tests/outside/afdruk.py`).
@Suite struct MonitorAPITests {
    @Test(.timeLimit(.minutes(3)))
    func aCoordinatorSeesTheRegionAsItIsAnAdminOnlyWhatIsSafeToShare() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            for _ in 0..<6 { _ = try await t.meldAan(door: coordinator) }
            let zwolle = try await t.coordinator("Zwolle")
            _ = try await zwolle.post("/v1/leerlingen", json: APITest.aanmelding(regio: "Zwolle"))

            let eigen = try await coordinator.get("/v1/monitor?schooljaar=2026-2027&peildatum=2026-11-20")
            #expect(eigen.status == 200 && eigen.header("Read-Model-Current") == "true" && eigen.header("Peildatum") == "2026-11-20")
            #expect(eigen.json["regio"] as? String == "Utrecht" && eigen.json["deelbaar"] as? Bool == false)
            let totaal = eigen.json["totaal"] as? [String: Any]
            #expect(totaal?["aangemeld"] as? Int == 6 && totaal?["gestart"] as? Int == 0 && totaal?.count == Maat.allCases.count)
            let splits = (eigen.json["uitsplitsingen"] as? [[String: Any]] ?? []).compactMap { $0["naar"] as? String }
            #expect(splits == Uitsplitsing.regionaal.map(\.rawValue))
            let vergelijking = eigen.json["vergelijking"] as? [[String: Any]]
            #expect(vergelijking?.map { $0["schooljaar"] as? String } == ["2025-2026", "2024-2025"])
            #expect(vergelijking?.first?["peildatum"] as? String == "2025-11-20")
            #expect(!eigen.tekst.contains("traject-") && !eigen.tekst.contains(APITest.naam), "no case ids, no names")

            // Shared outside the region: the 0s hidden, and the 6 too, since the national 7 minus
            // Utrecht's 6 would give away Zwolle's 1.
            let deelbaar = try await coordinator.get("/v1/monitor?schooljaar=2026-2027&peildatum=2026-11-20&deelbaar=true")
            let veilig = deelbaar.json["totaal"] as? [String: Any]
            #expect(deelbaar.json["deelbaar"] as? Bool == true && veilig?["aangemeld"] as? String == "x" && veilig?["gestart"] as? String == "<5")
            #expect(try await coordinator.get("/v1/monitor?regio=Zwolle").status == 403)
            #expect(try await coordinator.get("/v1/monitor?schooljaar=2026").status == 400)
            #expect(try await coordinator.get("/v1/monitor?schooljaar=2025-2027").status == 422)
            #expect(try await coordinator.get("/v1/monitor?schooljaar=%EF%BC%92025-2026").status == 400, "a full-width digit")
            #expect(try await coordinator.get("/v1/monitor?deelbaar=ja").status == 400)

            // The admin: any region, always safe to share; without one, the national roll-up.
            let admin = try await t.admin()
            let landelijk = try await admin.get("/v1/monitor?schooljaar=2026-2027&peildatum=2026-11-20")
            #expect(landelijk.status == 200 && landelijk.json["regio"] is NSNull && landelijk.json["deelbaar"] as? Bool == true)
            let regios = (landelijk.json["uitsplitsingen"] as? [[String: Any]])?.first { $0["naar"] as? String == "regio" }
            let groepen = (regios?["groepen"] as? [[String: Any]] ?? []).map { ($0["groep"] as? String ?? "", ($0["cijfers"] as? [String: Any])?["aangemeld"]) }
            // Zwolle's 1 is hidden, and Utrecht's 6; then the national 7 too, or 7 − 6 would give it away.
            #expect(groepen.map(\.0) == ["Utrecht", "Zwolle"] && groepen.map { $0.1 as? String } == ["x", "<5"], "\(groepen)")
            #expect((landelijk.json["totaal"] as? [String: Any])?["aangemeld"] as? String == "x")
            let zwolleAlsAdmin = try await admin.get("/v1/monitor?regio=Zwolle&schooljaar=2026-2027&peildatum=2026-11-20")
            #expect((zwolleAlsAdmin.json["totaal"] as? [String: Any])?["aangemeld"] as? String == "<5")
            #expect(!landelijk.tekst.contains("traject-") && !landelijk.tekst.contains(APITest.naam))
            #expect(try await admin.get("/v1/monitor?regio=Zwolle&deelbaar=false").json["deelbaar"] as? Bool == true)
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func theMonitorAsAFileAndAsAPageToPrint() async throws {
        try await APITest.met { t in
            let coordinator = try await t.coordinator()
            _ = try await t.meldAan(door: coordinator)
            let csv = try await coordinator.get("/v1/monitor/csv?schooljaar=2026-2027&peildatum=2026-11-20&scheidingsteken=puntkomma")
            #expect(csv.status == 200 && csv.header("Content-Type") == "text/csv; charset=utf-8")
            #expect(csv.header("Content-Disposition")?.contains("monitor-Utrecht-2026-2027-2026-11-20.csv") == true)
            let regels = csv.tekst.split(separator: "\r\n").map(String.init)
            #expect(regels.first == "\u{FEFF}" + (["schooljaar", "peildatum", "uitsplitsing", "groep"] + Maat.allCases.map(\.rawValue)).joined(separator: ";"))
            // Counts stay numbers a spreadsheet can add up, also with the Dutch separator; the
            // school year and the day stay text (a spreadsheet would take them for a sum or a date).
            #expect(regels.dropFirst().first?.hasPrefix("=\"2026-2027\";=\"2026-11-20\";totaal;alle;1;0;") == true, "\(regels)")
            #expect(regels.contains { $0.hasPrefix("=\"2025-2026\";=\"2025-11-20\";totaal;alle;0;") })

            let pagina = try await coordinator.get("/v1/monitor?schooljaar=2026-2027&peildatum=2026-11-20&bekendOp=2026-11-20",
                                                   headers: [("Accept", "text/html")])
            #expect(pagina.status == 200 && pagina.header("Content-Type") == "text/html; charset=utf-8" && pagina.header("Bekend-Op") == "2026-11-20")
            let tekst = pagina.tekst
            #expect(tekst.contains("<h1>Monitor Utrecht</h1>") && tekst.contains("cohort 2026-2027, peildatum 20 november 2026, zoals bekend op 20 november 2026"))
            #expect(tekst.contains("<h2>Naar vso-school</h2>") && tekst.contains("<th>mbo vóór 1 april</th>") && tekst.contains("<th>ingeschreven 1 oktober</th>"))
            #expect(tekst.contains("2025-2026 (2025-11-20)"), "the comparison")
        }
    }
}
