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

    /// RFC 4180 CSV: comma-separated, CRLF line ends, fields quoted when they need it. A cell that
    /// a spreadsheet would take for a formula (it begins with `=`, `+`, `-`, `@`, tab or carriage
    /// return) gets a leading `'` so that it stays text (OWASP, "CSV Injection").
    public static func csv(_ kop: [String], _ rijen: [[String]]) -> String {
        func veld(_ ruw: String) -> String {
            // A lone "-" (no coach) is no formula and stays as it is.
            let tekst = ruw != "-" && ruw.first.map { "=+-@\t\r".contains($0) } == true ? "'" + ruw : ruw
            guard tekst.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return tekst }
            return "\"" + tekst.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return ([kop] + rijen).map { $0.map(veld).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }
}

extension RisicoRegel {
    /// Column names of the at-risk list (no special-category fields).
    public static let kolommen = ["traject", "vso_school", "coach", "fase", "ernstigste_reden", "redenen"]
    /// The row for a table or CSV.
    public var cellen: [String] {
        [trajectID, vsoSchool, coach ?? "-", fase.rawValue, redenen[0].rawValue, redenen.map(\.rawValue).joined(separator: " ")]
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}

import Foundation
