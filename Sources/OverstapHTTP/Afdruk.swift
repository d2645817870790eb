import Foundation
import Overstap
import OverstapOpslag

/// Lists on paper (issue 16): HTML pages for `Accept: text/html` that a browser prints on A4
/// landscape. The overstaptafel's risicolijst has one row per student with the reasons in Dutch
/// words and an empty column to write the decision in; the monitor a table per split. Column heads
/// repeat on every page.
enum Afdruk {
    /// The page of `regels` for `plek`; `namen` holds the names the reader may see (already
    /// registered as read), other students show their case number's first eight characters.
    static func risicolijst(_ regels: [RisicoRegel], plek: Lijstplek, namen: [TrajectID: String]) -> String {
        var kop = "peildatum \(plek.peildatum.voluit)"
        if let bekendOp = plek.bekendOp { kop += ", zoals bekend op \(bekendOp.voluit)" }
        let rijen = regels.map { regel in
            let leerling = namen[regel.trajectID] ?? "traject \(regel.trajectID.pad.prefix(8))"
            let kort = [leerling, regel.vsoSchool, regel.coach ?? "–", regel.fase.rawValue.replacingOccurrences(of: "_", with: "-")]
            return kort.map { Vakje($0, "kort") } + [Vakje(regel.redenen.map(\.omschrijving).joined(separator: "; ")), Vakje("", "besluit")]
        }
        return pagina(titel: "Risicolijst \(plek.regio)", kop: kop, regel: "\(regels.count) leerling(en), ernstigste reden eerst", tabellen: [
            Blok(kolommen: ["Leerling", "Vso-school", "Coach", "Fase", "Redenen", "Besluit"], rijen: rijen),
        ])
    }

    /// The monitor on paper: the totals with the earlier school years beneath them, then a table
    /// per split; a hidden count shows as `<5`, as in every other form of the monitor.
    static func monitor(_ monitor: Monitor, vergelijking: [Monitor], regio: String?, bekendOp: Datum?) -> String {
        var kop = "cohort \(monitor.schooljaar), peildatum \(monitor.peildatum.voluit)"
        if let bekendOp { kop += ", zoals bekend op \(bekendOp.voluit)" }
        let kolommen = Maat.allCases.map(\.kop)
        func rij(_ naam: String, _ cijfers: Cijfers) -> [Vakje] { [Vakje(naam, "kort")] + Maat.allCases.map { Vakje(cijfers[$0].description, "getal") } }
        let totaal = Blok(titel: "Totaal", kolommen: ["Cohort"] + kolommen,
                           rijen: ([monitor] + vergelijking).map { rij("\($0.schooljaar) (\($0.peildatum))", $0.totaal) })
        let splitsingen = monitor.uitsplitsingen.map { uitsplitsing, groepen in
            Blok(titel: "Naar \(uitsplitsing.kop)", kolommen: [uitsplitsing.kop.prefix(1).uppercased() + uitsplitsing.kop.dropFirst()] + kolommen,
                  rijen: groepen.map { rij($0.naam, $0.cijfers) })
        }
        let drempel = Cel.drempel
        let regel = monitor.isDeelbaar
            ? "aantallen onder de \(drempel) staan er als <\(drempel); x is een groter aantal, verborgen omdat het een klein aantal zou verraden"
            : "alleen voor de eigen regio"
        return pagina(titel: "Monitor \(regio ?? "landelijk")", kop: kop, regel: regel, tabellen: [totaal] + splitsingen)
    }

    /// A cell of a printed table: its text (escaped when written) and a CSS class.
    struct Vakje {
        var tekst: String
        var klasse: String?
        init(_ tekst: String, _ klasse: String? = nil) { (self.tekst, self.klasse) = (tekst, klasse) }
    }

    /// A printed table with an optional heading; the column heads repeat on every page.
    struct Blok {
        var titel: String?
        var kolommen: [String]
        var rijen: [[Vakje]]
    }

    /// An A4 landscape page: a title, a line saying which view it is, a line more, the tables.
    /// Every value from the data is escaped.
    static func pagina(titel: String, kop: String, regel: String, tabellen: [Blok]) -> String {
        let inhoud = tabellen.map { tabel in
            (tabel.titel.map { "<h2>\(html($0))</h2>\n" } ?? "") + "<table>\n<thead><tr>"
                + tabel.kolommen.map { "<th>\(html($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
                + tabel.rijen.map { rij in
                    "<tr>" + rij.map { cel in "<td\(cel.klasse.map { " class=\"\($0)\"" } ?? "")>\(html(cel.tekst))</td>" }.joined() + "</tr>"
                }.joined(separator: "\n") + "\n</tbody>\n</table>"
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
            h2 { font-size: 11pt; margin: 10pt 0 3pt; break-after: avoid; }
            p { margin: 0 0 8pt; }
            table { width: 100%; border-collapse: collapse; }
            thead { display: table-header-group; }
            tr { break-inside: avoid; }
            th, td { border: 1px solid #555; padding: 3pt 4pt; text-align: left; vertical-align: top; }
            td.kort { white-space: nowrap; }
            td.getal { text-align: right; }
            td.besluit { width: 28%; height: 28pt; }
            </style>
            </head>
            <body>
            <h1>\(html(titel))</h1>
            <p>\(html(kop)) · \(html(regel))</p>
            \(inhoud.joined(separator: "\n"))
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
