/// A day of the proleptic Gregorian calendar, without time or zone: what PostgreSQL calls `date`
/// and the domain calls `Datum`. Shared by the database driver and the domain, which may not depend
/// on each other.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Year, month (1–12) and day (1–31).
    public let year: Int, month: Int, day: Int

    /// A date; `nil` when the day does not exist (31 April).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        let roundTrip = civil(fromDays: daysFromCivil(year: year, month: month, day: day))
        guard roundTrip == (year, month, day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `count` days since 1970-01-01.
    public init(daysSinceEpoch count: Int) {
        (year, month, day) = civil(fromDays: count)
    }

    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int { daysFromCivil(year: year, month: month, day: day) }

    /// `YYYY-MM-DD`.
    public var description: String {
        let y = String(year), m = String(month), d = String(day)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-"
            + (m.count == 1 ? "0" : "") + m + "-" + (d.count == 1 ? "0" : "") + d
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    /// Parses `YYYY-MM-DD` (four-digit year, two-digit month and day); `nil` for anything else or a
    /// day that does not exist.
    @inlinable
    public init?(iso text: some StringProtocol) { self.init(isoUTF8: text.utf8) }

    /// Parses `YYYY-MM-DD` from its UTF-8 bytes, as `init(iso:)` does. Byte by byte: dates are
    /// read for every row of every list, and splitting the text cost more than the rest.
    /// Inlinable, so that the caller's kind of bytes is known where they are read: unspecialized,
    /// stepping through a `String`'s bytes took a twentieth of a list request (issue 17).
    @inlinable
    public init?(isoUTF8 utf8: some Sequence<UInt8>) {
        var (year, month, day, index) = (0, 0, 0, 0)
        for byte in utf8 {
            switch index {
            case 4, 7:
                guard byte == UInt8(ascii: "-") else { return nil }
            case 0...9:
                guard (48...57).contains(byte) else { return nil }
                let digit = Int(byte - 48)
                if index < 4 { year = year * 10 + digit } else if index < 7 { month = month * 10 + digit } else { day = day * 10 + digit }
            default:
                return nil
            }
            index += 1
        }
        guard index == 10 else { return nil }
        self.init(year: year, month: month, day: day)
    }
}


// Howard Hinnant's days-from-civil algorithms (proleptic Gregorian calendar).
private func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

private func civil(fromDays days: Int) -> (Int, Int, Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
}
