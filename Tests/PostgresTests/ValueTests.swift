import Foundation
import Postgres
import Testing

@Suite struct ValueTests {
    @Test(arguments: [
        ("2026-10-01 00:00:00+00", 1_790_812_800.0),
        ("2026-10-01 02:00:00+02", 1_790_812_800.0),
        ("2026-09-30 22:30:00-01:30", 1_790_812_800.0),
        ("1969-12-31 23:59:59.5+00", -0.5),
        ("2026-10-01 00:00:00.000001+00", 1_790_812_800.000001),
    ])
    func timestampsParseWithTheirOffset(text: String, seconds: Double) throws {
        let date = try #require(Date(postgresText: text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_000_5)
    }

    @Test func timestampsRoundTripThroughTheirTextForm() throws {
        for seconds in [0.0, -86_400.25, 1_790_812_800.123456, 4_102_444_799.999999] {
            let date = Date(timeIntervalSince1970: seconds)
            let text = try #require(date.postgresText)
            let back = try #require(Date(postgresText: text.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "+00")))
            #expect(abs(back.timeIntervalSince1970 - seconds) < 0.000_001, "\(text)")
        }
    }

    @Test func datesRejectDaysThatDoNotExist() {
        #expect(PostgresDate(year: 2026, month: 4, day: 31) == nil)
        #expect(PostgresDate(year: 2025, month: 2, day: 29) == nil)
        #expect(PostgresDate(year: 2028, month: 2, day: 29) != nil)
        #expect(PostgresDate(postgresText: "2026-13-01") == nil)
        for vreemd in ["2026-+1-05", "+026-01-05", "2026-01--5", "2026-1-05", "２０２６-01-05"] {
            #expect(PostgresDate(postgresText: vreemd) == nil, "\(vreemd)")  // digits only, no signs
        }
        #expect(PostgresDate(postgresText: "2026-10-01")?.description == "2026-10-01")
        #expect(PostgresDate(daysSinceEpoch: 0).description == "1970-01-01")
    }

    @Test func byteaTravelsAsHexAndOnlyHexReadsBack() throws {
        let bytes = Data((0...255).map { UInt8($0) } + [0, 0xff, 0x10])
        let text = try #require(bytes.postgresText)
        #expect(text.hasPrefix("\\x00010203") && Data(postgresText: text) == bytes)
        #expect(Data(postgresText: text.uppercased().replacingOccurrences(of: "\\X", with: "\\x")) == bytes, "either case")
        #expect(Data(postgresText: "\\x") == Data())
        for vreemd in ["", "\\", "x00", "\\x0", "\\x0g", "\\xé0", "\\x00 1"] { #expect(Data(postgresText: vreemd) == nil, "\(vreemd)") }
    }

    @Test func arraysBecomeQuotedLiterals() {
        #expect(["a", "b\"c", "d\\e"].postgresText == #"{"a","b\"c","d\\e"}"#)
        #expect([Optional("x"), nil].postgresText == #"{"x",NULL}"#)
    }

    @Test func queriesNeverInlineInterpolatedValues() {
        let naam = "Robert'); DROP TABLE events;--"
        let query: PostgresQuery = "SELECT * FROM t WHERE naam = \(naam) AND n = \(3)"
        #expect(query.sql == "SELECT * FROM t WHERE naam = $1 AND n = $2")
        #expect(query.binds == [naam, "3"])
    }
}
