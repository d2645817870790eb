import Foundation

/// A calendar day (PostgreSQL `date`), without time or zone.
public struct PostgresDate: Hashable, Comparable, Sendable, CustomStringConvertible {
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
}

extension PostgresDate: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { description }

    /// Parses `YYYY-MM-DD`.
    public init?(postgresText text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }
    public static var postgresTypeName: String { "date" }
}

/// `timestamptz`, exchanged in ISO 8601 with microseconds.
extension Date: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? {
        let micros = Int64((timeIntervalSince1970 * 1_000_000).rounded())
        let (days, microsOfDay) = micros.floorDivided(by: 86_400_000_000)
        let date = PostgresDate(daysSinceEpoch: Int(days))
        let seconds = microsOfDay / 1_000_000, fraction = microsOfDay % 1_000_000
        let clock = [seconds / 3600, seconds / 60 % 60, seconds % 60]
            .map { $0 < 10 ? "0\($0)" : "\($0)" }.joined(separator: ":")
        let digits = String(fraction)
        return "\(date)T\(clock).\(String(repeating: "0", count: 6 - digits.count))\(digits)Z"
    }

    /// Parses `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]` (DateStyle ISO, as set on connect).
    public init?(postgresText text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 22, let date = PostgresDate(postgresText: String(text.prefix(10))) else {
            return nil
        }
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= utf8.count else { return nil }
            var value = 0
            for byte in utf8[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var index = 19
        var micros = 0
        if index < utf8.count, utf8[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < utf8.count, (48...57).contains(utf8[index]) {
                if digits < 6 { micros = micros * 10 + Int(utf8[index] - 48) }
                digits += 1
                index += 1
            }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        guard index < utf8.count, utf8[index] == UInt8(ascii: "+") || utf8[index] == UInt8(ascii: "-"),
            let offsetHours = number(index + 1..<index + 3)
        else { return nil }
        let sign = utf8[index] == UInt8(ascii: "+") ? 1 : -1
        var offset = offsetHours * 3600
        if let minutes = number(index + 4..<index + 6) { offset += minutes * 60 }
        if let seconds = number(index + 7..<index + 9) { offset += seconds }
        let secondsSinceEpoch = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second
            - sign * offset
        self.init(timeIntervalSince1970: Double(secondsSinceEpoch) + Double(micros) / 1_000_000)
    }
    public static var postgresTypeName: String { "timestamptz" }
}

extension Int64 {
    /// Division rounding towards minus infinity, with a non-negative remainder.
    fileprivate func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let remainder = ((self % divisor) + divisor) % divisor
        return ((self - remainder) / divisor, remainder)
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
