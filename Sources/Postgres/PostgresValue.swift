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
        var text = "{"
        for (index, element) in enumerated() {
            if index > 0 { text += "," }
            guard let value = element.postgresText else {
                text += "NULL"
                continue
            }
            text += "\""
            for character in value.unicodeScalars {
                if character == "\"" || character == "\\" { text += "\\" }
                text.unicodeScalars.append(character)
            }
            text += "\""
        }
        return text + "}"
    }
}
