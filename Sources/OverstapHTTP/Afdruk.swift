import Foundation
import Overstap
import OverstapOpslag

/// The overstaptafel's risicolijst on paper (issue 16): an HTML page for `Accept: text/html` that a
/// browser prints on A4 landscape, one row per student with the reasons in Dutch words and an
/// empty column to write the decision in; the header repeats on every page.
enum Afdruk {
    /// The page of `regels` for `plek`; `namen` holds the names the reader may see (already
    /// registered as read), other students show their case number's first eight characters.
    /// Every value from the data is escaped.
    static func risicolijst(_ regels: [RisicoRegel], plek: Lijstplek, namen: [TrajectID: String]) -> String {
        let titel = "Risicolijst \(plek.regio)"
        var kop = "peildatum \(plek.peildatum.voluit)"
        if let bekendOp = plek.bekendOp { kop += ", zoals bekend op \(bekendOp.voluit)" }
        let rijen = regels.map { regel in
            let leerling = namen[regel.trajectID] ?? "traject \(regel.trajectID.pad.prefix(8))"
            let kort = [leerling, regel.vsoSchool, regel.coach ?? "–", regel.fase.rawValue.replacingOccurrences(of: "_", with: "-")]
            return "<tr>" + kort.map { "<td class=\"kort\">\(html($0))</td>" }.joined()
                + "<td>\(html(regel.redenen.map(\.omschrijving).joined(separator: "; ")))</td><td class=\"besluit\"></td></tr>"
        }
        return """
            <!DOCTYPE html>
            <html lang="nl">
            <head>
            <meta charset="utf-8">
            <title>\(html(titel)), \(html(kop))</title>
            <style>
            @page { size: A4 landscape; margin: 12mm; }
            body { font-family: sans-serif; font-size: 10pt; }
            h1 { font-size: 14pt; margin: 0 0 2pt; }
            p { margin: 0 0 8pt; }
            table { width: 100%; border-collapse: collapse; }
            thead { display: table-header-group; }
            tr { break-inside: avoid; }
            th, td { border: 1px solid #555; padding: 3pt 4pt; text-align: left; vertical-align: top; }
            td.kort { white-space: nowrap; }
            td.besluit { width: 28%; height: 28pt; }
            </style>
            </head>
            <body>
            <h1>\(html(titel))</h1>
            <p>\(html(kop)) · \(regels.count) leerling(en), ernstigste reden eerst</p>
            <table>
            <thead><tr><th>Leerling</th><th>Vso-school</th><th>Coach</th><th>Fase</th><th>Redenen</th><th>Besluit</th></tr></thead>
            <tbody>
            \(rijen.joined(separator: "\n"))
            </tbody>
            </table>
            </body>
            </html>

            """
    }

    /// `tekst` safe inside an HTML element or a quoted attribute.
    static func html(_ tekst: String) -> String {
        var uit = ""
        for teken in tekst {
            switch teken {
            case "&": uit += "&amp;"
            case "<": uit += "&lt;"
            case ">": uit += "&gt;"
            case "\"": uit += "&quot;"
            case "'": uit += "&#39;"
            default: uit.append(teken)
            }
        }
        return uit
    }
}
