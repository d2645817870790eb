import Foundation
import Overstap

/// Plain-text tables and CSV for lists a person prints or opens in a spreadsheet.
public enum Tabel {
    /// Columns padded to their widest cell, a rule under the header.
    public static func tekst(_ kop: [String], _ rijen: [[String]]) -> String {
        let breedtes = kop.indices.map { kolom in ([kop] + rijen).map { $0[kolom].count }.max() ?? 0 }
        func regel(_ cellen: [String]) -> String {
            zip(cellen, breedtes).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingTrailingSpaces()
        }
        return ([regel(kop), regel(breedtes.map { String(repeating: "-", count: $0) })] + rijen.map(regel))
            .joined(separator: "\n") + "\n"
    }

    /// The field separator of a CSV file.
    public enum Scheidingsteken: String, Sendable, CaseIterable {
        /// `,` (RFC 4180): for programs, and spreadsheets with English settings.
        case komma
        /// `;`: for Excel and LibreOffice with Dutch settings, where the comma is the decimal sign and
        /// a comma-separated file lands in column A. This variant is meant for a spreadsheet, so a
        /// cell it would turn into a number or date (`0042` → 42, `3-4` → 3 April) is written as the
        /// text formula `="0042"`, which shows `0042`.
        case puntkomma
    }

    /// RFC 4180 CSV: UTF-8 with a byte order mark (without it Excel reads UTF-8 as Windows-1252:
    /// "Sint-Michaël" turns into mojibake), CRLF line ends, fields quoted when they need it. A cell
    /// that a spreadsheet would take for a formula (it begins with `=`, `+`, `-`, `@`, tab or
    /// carriage return) gets a leading `'` so that it stays text (OWASP, "CSV Injection"). With
    /// `.puntkomma` the separator is `;` and number-like cells are kept as text (see there),
    /// except in `getalkolommen` (indexes), whose cells are counts meant to be added up.
    public static func csv(_ kop: [String], _ rijen: [[String]], scheidingsteken: Scheidingsteken = .komma,
                           getalkolommen: Set<Int> = []) -> String {
        let teken: Character = scheidingsteken == .komma ? "," : ";"
        func veld(_ ruw: String, kop: Bool, kolom: Int) -> String {
            if scheidingsteken == .puntkomma, !kop, !getalkolommen.contains(kolom), Self.lijktGetal(ruw) { return "=\"" + ruw + "\"" }
            // A lone "-" (no coach) is no formula and stays as it is.
            let tekst = ruw != "-" && ruw.first.map { "=+-@\t\r".contains($0) } == true ? "'" + ruw : ruw
            guard tekst.contains(where: { $0 == teken || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return tekst }
            return "\"" + tekst.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        let regels = [kop.enumerated().map { veld($1, kop: true, kolom: $0) }]
            + rijen.map { $0.enumerated().map { veld($1, kop: false, kolom: $0) } }
        return "\u{FEFF}" + regels.map { $0.joined(separator: String(teken)) }.joined(separator: "\r\n") + "\r\n"
    }

    /// Whether a spreadsheet would read `cel` as a number, date or time rather than text: it holds a
    /// digit and nothing but digits and the signs numbers and dates are written with.
    static func lijktGetal(_ cel: String) -> Bool {
        cel.contains(where: \.isASCIIDigit) && cel.allSatisfy { $0.isASCIIDigit || "-+/.,:% eE".contains($0) }
    }
}

extension RisicoRegel {
    /// Column names of the at-risk list (no special-category fields).
    public static let kolommen = ["traject", "vso_school", "coach", "fase", "ernstigste_reden", "redenen"]
    /// The row for a table or CSV.
    public var cellen: [String] {
        [trajectID.stroom, vsoSchool, coach ?? "-", fase.rawValue, ernstigste.rawValue, redenen.map(\.rawValue).joined(separator: " ")]
    }
}

extension Monitor {
    /// Column names of the monitor as a table: which cohort and view, which split and group, then
    /// one column per figure (`Maat`), a count or `<5`.
    public static let kolommen = ["schooljaar", "peildatum", "uitsplitsing", "groep"] + Maat.allCases.map(\.rawValue)
    /// The indexes of the figures' columns in `kolommen`.
    public static let getalkolommen = Set(4..<kolommen.count)

    /// The rows: the total (split `totaal`, group `alle`), each split's groups, then the totals of
    /// `vergelijking` (the earlier school years).
    public func rijen(vergelijking: [Monitor]) -> [[String]] {
        func rij(_ m: Monitor, _ uitsplitsing: String, _ groep: String, _ cijfers: Cijfers) -> [String] {
            [m.schooljaar.description, m.peildatum.description, uitsplitsing, groep] + Maat.allCases.map { cijfers[$0].description }
        }
        return [rij(self, "totaal", "alle", totaal)]
            + uitsplitsingen.flatMap { uitsplitsing, groepen in groepen.map { rij(self, uitsplitsing.rawValue, $0.naam, $0.cijfers) } }
            + vergelijking.map { rij($0, "totaal", "alle", $0.totaal) }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}

