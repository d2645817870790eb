import CivilDate
import Foundation

/// A calendar day (PostgreSQL `date`), without time or zone.
public typealias PostgresDate = CivilDate

extension CivilDate: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { description }
    /// Parses `YYYY-MM-DD`.
    public init?(postgresText text: String) { self.init(iso: text) }
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
        guard utf8.count >= 22, let date = PostgresDate(isoUTF8: utf8[0..<10]) else {
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
