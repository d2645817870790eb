import Foundation

/// What text from outside may hold (DESIGN §6): NFC-normalised, no control characters, a maximum
/// length, and for identifiers a safe character set, so that equal text is one key and no value
/// can break a read model, a log line or a spreadsheet cell.
public enum Tekstsoort: Sendable, Equatable {
    /// An identifier that is not personal data: region, school, coach, table, institution,
    /// programme, placement company. Begins with a letter or digit; then letters, digits, marks,
    /// spaces and `- _ . ' & ( ) / , +`; does not end with a space (`MBO Utrecht ` would be
    /// another institution than `MBO Utrecht`).
    case kenmerk
    /// A short personal value on one line: a name, a pupil number, a contact person, an attendee.
    case naam
    /// Free text: a note, agreements, support needs; may span lines (tab, CR and LF allowed).
    case vrijeTekst

    /// The longest value accepted, in Unicode code points (after NFC), as JSON Schema's `maxLength`
    /// counts: a few characters carrying dozens of combining marks each are refused, as the
    /// OpenAPI document says (a contract run found the server taking them when it counted grapheme clusters).
    public var maximaleLengte: Int {
        switch self {
        case .kenmerk: 100
        case .naam: 200
        case .vrijeTekst: 4000
        }
    }

    /// The most UTF-8 bytes accepted: four per character, so that a few characters with many
    /// combining marks cannot grow past what an index row holds (PostgreSQL's ~2.7 KB).
    public var maximaleBytes: Int { 4 * maximaleLengte }

    /// Why `tekst` (already NFC) is refused, in Dutch and without quoting it; `nil` when it is fine.
    public func bezwaar(_ tekst: String) -> String? {
        if tekst.unicodeScalars.count > maximaleLengte || tekst.utf8.count > maximaleBytes { return "is langer dan \(maximaleLengte) tekens" }
        let regelovergangen: Set<Unicode.Scalar> = ["\t", "\n", "\r"]
        for scalar in tekst.unicodeScalars where Self.isBesturing(scalar) {
            if self == .vrijeTekst, regelovergangen.contains(scalar) { continue }
            return "bevat een stuurteken"
        }
        guard self != .vrijeTekst else { return nil }
        if tekst.allSatisfy(\.isWhitespace) { return "mag niet leeg zijn" }
        guard self == .kenmerk else { return nil }
        guard let eerste = tekst.unicodeScalars.first, Self.isLetterOfCijfer(eerste) else {
            return "moet met een letter of cijfer beginnen"
        }
        guard tekst.unicodeScalars.allSatisfy({ Self.isLetterOfCijfer($0) || Self.leestekens.contains($0) || Self.isTeken($0) }) else {
            return "mag alleen letters, cijfers, spaties en - _ . ' & ( ) / , + bevatten"
        }
        guard tekst.unicodeScalars.last != " " else { return "mag niet op een spatie eindigen" }
        return nil
    }

    /// The text as it is kept: Unicode NFC, so that composed and decomposed input are one key.
    public static func genormaliseerd(_ tekst: String) -> String { tekst.precomposedStringWithCanonicalMapping }

    /// Normalises `tekst` and checks it; throws `TekstFout` naming why.
    public func controleer(_ tekst: String) throws(TekstFout) -> String {
        let genormaliseerd = Self.genormaliseerd(tekst)
        if let bezwaar = bezwaar(genormaliseerd) { throw TekstFout(reden: bezwaar) }
        return genormaliseerd
    }

    private static let leestekens: Set<Unicode.Scalar> = [" ", "-", "_", ".", "'", "&", "(", ")", "/", ",", "+"]

    private static func isLetterOfCijfer(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.generalCategory == .decimalNumber
    }

    private static func isTeken(_ scalar: Unicode.Scalar) -> Bool {
        [.nonspacingMark, .spacingMark, .enclosingMark].contains(scalar.properties.generalCategory)
    }

    /// C0/C1 controls, and the line and paragraph separators that end a line as well.
    private static func isBesturing(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}

/// A text refused by `Tekstsoort.controleer`; the reason never quotes the text.
public struct TekstFout: Error, Equatable, Sendable {
    public let reden: String
}

extension Datum {
    /// The days any date from outside may fall on: no student of Overstap was born, or will
    /// start, outside it, and PostgreSQL and the calendar code agree on every day inside it.
    public static let geldigBereik = Datum(1900, 1, 1)!...Datum(2100, 12, 31)!

    /// Parses a date from outside: `YYYY-MM-DD` within `geldigBereik`; the error says which (Dutch).
    public static func uitInvoer(_ tekst: String) throws(TekstFout) -> Datum {
        guard let datum = Datum(tekst) else { throw TekstFout(reden: "is geen datum (JJJJ-MM-DD)") }
        guard geldigBereik.contains(datum) else { throw TekstFout(reden: buitenBereik) }
        return datum
    }

    static let buitenBereik = "ligt buiten \(geldigBereik.lowerBound) … \(geldigBereik.upperBound)"
}

extension CodingUserInfoKey {
    /// Set on a decoder that reads input from outside: dates must lie in `Datum.geldigBereik`.
    static let invoer = CodingUserInfoKey(rawValue: "overstap.invoer")!
}

extension Gebeurtenis {
    /// How each payload field's text is checked, by field name (the catalogue uses each name for
    /// one kind of value); fields not named here are free text or enum values.
    static let tekstsoorten: [String: Tekstsoort] = [
        "regio": .kenmerk, "vsoSchool": .kenmerk, "coach": .kenmerk, "instelling": .kenmerk,
        "opleiding": .kenmerk, "tafel": .kenmerk, "stagebedrijf": .kenmerk,
        "naam": .naam, "leerlingnummer": .naam, "contactpersoon": .naam, "aanwezigen": .naam,
    ]

    /// A payload from outside with every text normalised to NFC and checked by its field's
    /// `Tekstsoort`; the first refused field is a `GebeurtenisFout.ongeldigVeld` naming its path.
    static func gecontroleerd(_ waarde: Any, type: String, pad: String = "", soort: Tekstsoort = .vrijeTekst) throws -> Any {
        switch waarde {
        case let tekst as String:
            do { return try soort.controleer(tekst) } catch {
                throw GebeurtenisFout.ongeldigVeld(type: type, veld: pad.isEmpty ? "(payload)" : pad, reden: error.reden)
            }
        case let object as [String: Any]:
            var uit: [String: Any] = [:]
            for (sleutel, element) in object {
                let naam = Tekstsoort.genormaliseerd(sleutel)
                uit[naam] = try gecontroleerd(element, type: type, pad: pad.isEmpty ? naam : pad + "." + naam,
                                              soort: tekstsoorten[naam] ?? .vrijeTekst)
            }
            return uit
        case let lijst as [Any]:
            return try lijst.enumerated().map { index, element in
                try gecontroleerd(element, type: type, pad: "\(pad)[\(index)]", soort: soort)
            }
        default:
            return waarde
        }
    }
}
