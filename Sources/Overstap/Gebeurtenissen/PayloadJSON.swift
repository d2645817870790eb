import Foundation

/// Payload JSON as objects, and without its personal part.
package enum PayloadJSON {
    package static func object(_ tekst: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(tekst.utf8)) as? [String: Any] ?? [:]
    }

    package static func tekst(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: .sortedKeys), as: UTF8.self)
    }

    /// What read models and the decide step read: the payload minus `persoonsgegevens`. This runs
    /// for every event a projection or a decision reads, so it cuts the member out of the text (one
    /// scan of the top-level object that respects strings and nesting) instead of parsing and
    /// writing the whole object.
    package static func zonderPersoonsgegevens(_ tekst: String) throws -> String {
        let b = Array(tekst.utf8)
        var scan = Scan(b)
        guard var lid = try scan.lid(Self.persoonsgegevens) else { return tekst }
        // One separating comma goes with it: the one before, or else the one after.
        if let voor = b[..<lid.lowerBound].lastIndex(where: { !Scan.isWit($0) }), b[voor] == UInt8(ascii: ",") {
            lid = voor..<lid.upperBound
        } else if let na = b[lid.upperBound...].firstIndex(where: { !Scan.isWit($0) }), b[na] == UInt8(ascii: ",") {
            lid = lid.lowerBound..<(na + 1)
        }
        return String(decoding: b[..<lid.lowerBound] + b[lid.upperBound...], as: UTF8.self)
    }

    private static let persoonsgegevens = Array("\"persoonsgegevens\"".utf8)

    /// A scan over the members of one JSON object.
    private struct Scan {
        let b: [UInt8]
        var i = 0

        init(_ b: [UInt8]) { self.b = b }

        static func isWit(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

        /// The range of the top-level member whose key is `sleutel` (quoted, as written), key
        /// through value; `nil` when the object has none.
        mutating func lid(_ sleutel: [UInt8]) throws -> Range<Int>? {
            try verwacht("{")
            if try teken() == UInt8(ascii: "}") { return nil }
            while true {
                let begin = i
                i = try eindeString()
                let gevonden = b[begin..<i].elementsEqual(sleutel)
                try verwacht(":")
                _ = try teken()
                i = try eindeWaarde()
                if gevonden { return begin..<i }
                switch try teken() {
                case UInt8(ascii: ","): i += 1; _ = try teken()
                case UInt8(ascii: "}"): return nil
                default: throw Self.fout
                }
            }
        }

        /// The next character that is not white space (the scan stands on it).
        private mutating func teken() throws -> UInt8 {
            while i < b.count, Self.isWit(b[i]) { i += 1 }
            guard i < b.count else { throw Self.fout }
            return b[i]
        }

        private mutating func verwacht(_ c: Unicode.Scalar) throws {
            guard try teken() == UInt8(ascii: c) else { throw Self.fout }
            i += 1
        }

        /// Just past the string that starts at `i`.
        private func eindeString(vanaf start: Int? = nil) throws -> Int {
            var j = (start ?? i) + 1
            guard (start ?? i) < b.count, b[start ?? i] == UInt8(ascii: "\"") else { throw Self.fout }
            while j < b.count, b[j] != UInt8(ascii: "\"") { j += b[j] == UInt8(ascii: "\\") ? 2 : 1 }
            guard j < b.count else { throw Self.fout }
            return j + 1
        }

        /// Just past the value that starts at `i`: a string, an object or array with everything
        /// nested in it, or a number or literal.
        private func eindeWaarde() throws -> Int {
            switch b[i] {
            case UInt8(ascii: "\""):
                return try eindeString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var diepte = 0
                var j = i
                while j < b.count {
                    switch b[j] {
                    case UInt8(ascii: "\""): j = try eindeString(vanaf: j); continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): diepte += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        diepte -= 1
                        if diepte == 0 { return j + 1 }
                    default: break
                    }
                    j += 1
                }
                throw Self.fout
            default:
                let einde = b[i...].firstIndex { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "}") || $0 == UInt8(ascii: "]") || Self.isWit($0) }
                guard let einde, einde > i else { throw Self.fout }
                return einde
            }
        }

        static let fout = GebeurtenisFout.ongeldigVeld(type: "payload", veld: "payload", reden: "geen geldig JSON-object")
    }
}
