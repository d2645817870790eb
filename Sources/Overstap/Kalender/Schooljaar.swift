/// A school year, 1 August – 31 July, written `2026-2027`.
public struct Schooljaar: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The calendar year in which it starts.
    public let beginjaar: Int

    /// The school year that starts in `beginjaar`.
    public init(beginjaar: Int) { self.beginjaar = beginjaar }

    /// The school year that contains `datum`.
    public init(_ datum: Datum) { beginjaar = datum.maand >= 8 ? datum.jaar : datum.jaar - 1 }

    /// Parses `2026-2027`: two years of four ASCII digits, the second the next; anything else is `nil`.
    public init?(_ tekst: String) {
        let delen = tekst.split(separator: "-", omittingEmptySubsequences: false)
        guard delen.count == 2, delen.allSatisfy({ $0.utf8.count == 4 && $0.utf8.allSatisfy { (48...57).contains($0) } }),
            let begin = Int(delen[0]), let eind = Int(delen[1]), eind == begin + 1
        else { return nil }
        beginjaar = begin
    }

    /// 1 August.
    public var eersteDag: Datum { Datum(beginjaar, 8, 1)! }
    /// 31 July.
    public var laatsteDag: Datum { Datum(beginjaar + 1, 7, 31)! }
    /// 1 October: the count date, when every student must be definitively placed.
    public var eenOktober: Datum { Datum(beginjaar, 10, 1)! }

    public var description: String { "\(beginjaar)-\(beginjaar + 1)" }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.beginjaar < rhs.beginjaar }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let jaar = Schooljaar(try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "geen geldig schooljaar (verwacht 2026-2027)")
        }
        self = jaar
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Datum {
    /// The mbo registration deadline for a student expected to start on this day: 1 April of the
    /// start's year (the regional agreement, DESIGN.md §1; risk `geen_mbo_aanmelding`, §4), or the
    /// start itself when it comes first (a start in January–March has no 1 April before it that year).
    public var mboAanmeldingUiterlijk: Datum { min(Datum(jaar, 4, 1)!, self) }

    /// The count date by which a student expected to start on this day must be definitively placed:
    /// the first 1 October on or after the start (DESIGN.md §1, §5). That is 1 October of the start's
    /// school year for a start from August to 1 October, and the next 1 October for a later start: a
    /// start on 2026-02-02 is counted on 2026-10-01, never on 2025-10-01, before the student could
    /// start. The nightly job's `niet_geplaatst` and the afbouwstatus's `plaatsing` both use it.
    public var plaatsingUiterlijk: Datum {
        let oktober = Schooljaar(self).eenOktober
        return oktober >= self ? oktober : Schooljaar(beginjaar: oktober.jaar + 1).eenOktober
    }
}

extension Datum {
    /// The same day `jaren` years earlier (29 February becomes 28 February): where a cohort of an
    /// earlier school year stood at the same point of its year.
    public func jaren(terug jaren: Int) -> Datum {
        Datum(jaar - jaren, maand, dag) ?? Datum(jaar - jaren, maand, dag - 1) ?? self
    }
}
