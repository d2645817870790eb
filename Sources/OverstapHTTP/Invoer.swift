import Foundation
import Hummingbird
import Overstap
import OverstapOpslag

/// A JSON request body read field by field, so that every error names its field.
struct Invoer {
    private var velden: [String: Any]
    private var gelezen: Set<String> = []

    /// Reads the body: JSON only (415 otherwise), at most `maxUploadSize` (413), an object (400).
    static func lees(_ request: Request, _ context: APIContext) async throws -> Invoer {
        let type = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard type == "application/json" else {
            throw Probleem(.unsupportedMediaType, "stuur de body als application/json")
        }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any] else {
            throw Probleem.ongeldig("(body)", "is geen geldig JSON-object")
        }
        return Invoer(velden: object)
    }

    mutating func tekst(_ veld: String) throws -> String {
        guard let waarde = try optioneel(veld) else { throw Probleem.ongeldig(veld, "ontbreekt") }
        guard let tekst = waarde as? String else { throw Probleem.ongeldig(veld, "moet tekst zijn") }
        return tekst
    }

    /// A date within `Datum.geldigBereik`.
    mutating func datum(_ veld: String) throws -> Datum {
        let tekst = try tekst(veld)
        do { return try Datum.uitInvoer(tekst) } catch { throw Probleem.ongeldig(veld, error.reden) }
    }

    /// A nested object, as JSON bytes for the event catalogue to decode.
    mutating func object(_ veld: String) throws -> Data {
        guard let waarde = try optioneel(veld) else { throw Probleem.ongeldig(veld, "ontbreekt") }
        guard waarde is [String: Any] else { throw Probleem.ongeldig(veld, "moet een object zijn") }
        return try JSONSerialization.data(withJSONObject: waarde)
    }

    mutating func uuid(_ veld: String) throws -> UUID? {
        guard let waarde = try optioneel(veld) else { return nil }
        guard let tekst = waarde as? String, let id = UUID(uuidString: tekst) else { throw Probleem.ongeldig(veld, "is geen UUID") }
        return id
    }

    /// Refuses fields nobody asked for: a typo must not silently drop data.
    func klaar() throws {
        if let onbekend = velden.keys.filter({ !gelezen.contains($0) }).sorted().first {
            throw Probleem.ongeldig(onbekend, "is onbekend")
        }
    }

    private mutating func optioneel(_ veld: String) throws -> Any? {
        gelezen.insert(veld)
        guard let waarde = velden[veld], !(waarde is NSNull) else { return nil }
        return waarde
    }
}

/// Query parameters, checked the same way.
struct Vraag {
    let parameters: [String: String]

    init(_ request: Request) {
        // Hummingbird has percent-decoded the values already; the last of a repeated key wins.
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
        self.parameters = parameters
    }

    /// A date within `Datum.geldigBereik`, if given.
    func datum(_ naam: String) throws -> Datum? {
        guard let tekst = parameters[naam] else { return nil }
        do { return try Datum.uitInvoer(tekst) } catch { throw Probleem.ongeldig(naam, error.reden) }
    }

    /// An identifier (`Tekstsoort.kenmerk`, NFC), if given.
    func kenmerk(_ naam: String) throws -> String? {
        try parameters[naam].map { try Vraag.kenmerk($0, naam) }
    }

    /// `tekst` as an identifier named `naam`, or a 400 saying why not.
    static func kenmerk(_ tekst: String, _ naam: String) throws -> String {
        do { return try Tekstsoort.kenmerk.controleer(tekst) } catch { throw Probleem.ongeldig(naam, error.reden) }
    }

    /// One of an enumeration's raw values, if given; a 400 naming the allowed values otherwise.
    func keuze<Waarde: RawRepresentable & CaseIterable>(_ naam: String, _: Waarde.Type) throws -> Waarde?
    where Waarde.RawValue == String {
        guard let tekst = parameters[naam] else { return nil }
        guard let waarde = Waarde(rawValue: tekst) else {
            throw Probleem.ongeldig(naam, "moet een van " + Waarde.allCases.map(\.rawValue).joined(separator: ", ") + " zijn")
        }
        return waarde
    }

    func getal(_ naam: String, standaard: Int, bereik: ClosedRange<Int>) throws -> Int {
        guard let tekst = parameters[naam] else { return standaard }
        guard let getal = Int(tekst), bereik.contains(getal) else {
            throw Probleem.ongeldig(naam, "moet een geheel getal van \(bereik.lowerBound) tot en met \(bereik.upperBound) zijn")
        }
        return getal
    }

    /// The region of a list: the reader's own, or (for an admin, who has none) the one asked for.
    func regio(voor lezer: Lezer) throws -> String {
        // Well-formed without it; only a reader without a region of its own (an admin) must name one.
        guard let regio = try kenmerk("regio") ?? lezer.regio else {
            throw Probleem.onverwerkbaar("regio", "ontbreekt: uw token hoort bij geen regio")
        }
        guard lezer.magRegio(regio) else { throw Probleem.geenToegang("deze lijst hoort bij een andere regio") }
        return regio
    }
}
