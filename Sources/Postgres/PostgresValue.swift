import Foundation

/// A Swift value that can be sent to PostgreSQL as a bind in text format.
public protocol PostgresEncodable: Sendable {
    /// The value in PostgreSQL's text format; `nil` is NULL.
    var postgresText: String? { get }
}

/// A Swift value that can be read from a result column in text format.
public protocol PostgresDecodable: Sendable {
    /// Parses PostgreSQL's text format; `nil` when the text is not a valid value of this type.
    init?(postgresText: String)
    /// The value for SQL NULL, if this type admits one.
    static var postgresNull: Self? { get }
    /// A short type name for decode errors.
    static var postgresTypeName: String { get }
}

extension PostgresDecodable {
    public static var postgresNull: Self? { nil }
    public static var postgresTypeName: String { String(describing: Self.self) }
}

extension String: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { self }
    public init?(postgresText: String) { self = postgresText }
}

/// Integers travel in decimal.
public protocol PostgresInteger: FixedWidthInteger, PostgresEncodable, PostgresDecodable {}

extension PostgresInteger {
    public var postgresText: String? { String(self) }
    public init?(postgresText: String) { self.init(postgresText, radix: 10) }
}

extension Int: PostgresInteger {}
extension Int64: PostgresInteger {}
extension Int32: PostgresInteger {}
extension UInt64: PostgresInteger {}

extension Double: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Bool: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { self ? "t" : "f" }
    public init?(postgresText: String) {
        switch postgresText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: return nil
        }
    }
}

extension UUID: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { uuidString.lowercased() }
    public init?(postgresText: String) { self.init(uuidString: postgresText) }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresText: String? { self?.postgresText }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init?(postgresText: String) {
        guard let value = Wrapped(postgresText: postgresText) else { return nil }
        self = .some(value)
    }
    public static var postgresNull: Self? { .some(.none) }
    public static var postgresTypeName: String { Wrapped.postgresTypeName + "?" }
}

/// An array sent as a PostgreSQL array literal (`{"a","b"}`); cast it in SQL (`$1::uuid[]`).
extension Array: PostgresEncodable where Element: PostgresEncodable {
    public var postgresText: String? {
        // Built as UTF-8 bytes: a quote or backslash byte is never part of a multi-byte character.
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var text: [UInt8] = [UInt8(ascii: "{")]
        for (index, element) in enumerated() {
            if index > 0 { text.append(UInt8(ascii: ",")) }
            guard let value = element.postgresText else {
                text += "NULL".utf8
                continue
            }
            text.append(quote)
            for byte in value.utf8 {
                if byte == quote || byte == backslash { text.append(backslash) }
                text.append(byte)
            }
            text.append(quote)
        }
        text.append(UInt8(ascii: "}"))
        return String(decoding: text, as: UTF8.self)
    }
}

/// `prefix`, then `bytes` as lower-case hex digits, two per byte (UTF-8).
func hexDigits(_ bytes: some Collection<UInt8>, after prefix: [UInt8] = []) -> [UInt8] {
    let digits = Array("0123456789abcdef".utf8)
    var text = prefix
    text.reserveCapacity(prefix.count + 2 * bytes.count)
    for byte in bytes { text += [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]] }
    return text
}

/// `bytea`, exchanged in hex format (`\x0a1b…`).
extension Data: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(decoding: hexDigits(self, after: [UInt8(ascii: "\\"), UInt8(ascii: "x")]), as: UTF8.self) }

    public init?(postgresText text: String) {
        // Straight from the string's own bytes, without copying the text: lists decode a snapshot per case.
        var text = text
        guard let bytes = text.withUTF8({ Self.hex($0) }) else { return nil }
        self.init(bytes)
    }

    /// The bytes of `\x` and hex digits (either case); `nil` for anything else.
    private static func hex(_ utf8: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var invalid = false
        let bytes = [UInt8](unsafeUninitializedCapacity: utf8.count / 2 - 1) { buffer, count in
            var index = 2
            while index < utf8.count {
                guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else {
                    invalid = true
                    break
                }
                buffer[count] = high << 4 | low
                count += 1
                index += 2
            }
        }
        return invalid ? nil : bytes
    }
    public static var postgresTypeName: String { "bytea" }
}
