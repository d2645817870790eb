import CivilDate
import Foundation

/// A calendar day in the domain (*datum*): when something happened, a peildatum, a deadline.
/// Written `YYYY-MM-DD`; stored in the log as midnight UTC of that day.
public struct Datum: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let dagnummer: Int

    /// The day with this number.
    public init(dagnummer: Int) { self.dagnummer = dagnummer }

    /// A day; `nil` when it does not exist (31 April).
    public init?(_ jaar: Int, _ maand: Int, _ dag: Int) {
        guard let date = CivilDate(year: jaar, month: maand, day: dag) else { return nil }
        dagnummer = date.daysSinceEpoch
    }

    /// Parses `YYYY-MM-DD`.
    public init?(_ tekst: String) {
        guard let date = CivilDate(iso: tekst) else { return nil }
        dagnummer = date.daysSinceEpoch
    }

    private var kalenderdag: CivilDate { CivilDate(daysSinceEpoch: dagnummer) }
    /// The year.
    public var jaar: Int { kalenderdag.year }
    /// The month, 1–12.
    public var maand: Int { kalenderdag.month }
    /// The day of the month.
    public var dag: Int { kalenderdag.day }

    /// The day `dagen` later (earlier when negative).
    public func plus(dagen: Int) -> Datum { Datum(dagnummer: dagnummer + dagen) }
    /// The day `weken` weeks later.
    public func plus(weken: Int) -> Datum { plus(dagen: 7 * weken) }
    /// Days from `other` to this day.
    public func dagen(sinds other: Datum) -> Int { dagnummer - other.dagnummer }

    public var description: String { kalenderdag.description }

    /// The day as Dutch text reads it: `1 april 2026`.
    public var voluit: String {
        let maanden = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
                       "november", "december"]
        return "\(dag) \(maanden[maand - 1]) \(jaar)"
    }
    public static func < (lhs: Datum, rhs: Datum) -> Bool { lhs.dagnummer < rhs.dagnummer }

    /// Today in the Netherlands (Europe/Amsterdam), whatever the server's zone.
    /// The wall clock there is UTC plus the zone's offset at that instant (by the zone database:
    /// one hour in winter, two in summer time).
    public static func vandaag(nu: Date = Date()) -> Datum {
        let lokaal = nu.timeIntervalSince1970 + Double(TimeZone.amsterdam.secondsFromGMT(for: nu))
        return Datum(dagnummer: Int((lokaal / 86_400).rounded(.down)))
    }

    /// Midnight UTC of this day: how the log stores a domain date.
    public var tijdstip: Date { Date(timeIntervalSince1970: Double(dagnummer) * 86_400) }

    /// The day of a stored moment (inverse of `tijdstip`).
    public init(tijdstip: Date) {
        dagnummer = Int((tijdstip.timeIntervalSince1970 / 86_400).rounded(.down))
    }
}

extension TimeZone {
    /// The zone every date rule is computed in.
    public static let amsterdam = TimeZone(identifier: "Europe/Amsterdam")!
}

extension Datum: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let tekst = try container.decode(String.self)
        guard let datum = Datum(tekst) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "geen geldige datum (verwacht JJJJ-MM-DD)")
        }
        // Input from outside must lie in the window; what the log holds is read as it was stored.
        if decoder.userInfo[.invoer] as? Bool == true, !Datum.geldigBereik.contains(datum) {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: Datum.buitenBereik)
        }
        self = datum
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
