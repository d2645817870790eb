import Foundation
import Hummingbird

/// `?pagina=1&paginaGrootte=50` on every list, and the links to the neighbouring pages.
struct Paginering {
    let pagina: Int
    let grootte: Int

    init(_ vraag: Vraag) throws {
        pagina = try vraag.getal("pagina", standaard: 1, bereik: 1...1_000_000)
        grootte = try vraag.getal("paginaGrootte", standaard: 50, bereik: 1...500)
        self.vraag = vraag
    }

    private let vraag: Vraag

    /// The requested page of `alles`.
    func van<T: Encodable>(_ alles: [T], _ request: Request) -> Pagina<T> { van(alles, request) { $0 } }

    /// The requested page of `alles`, its items shown as `weergave` makes them (only the page's
    /// items are made: a list of hundreds shows fifty).
    func van<T, U: Encodable>(_ alles: [T], _ request: Request, _ weergave: (T) -> U) -> Pagina<U> {
        let laatste = max(1, (alles.count + grootte - 1) / grootte)
        let begin = min(alles.count, (pagina - 1) * grootte)
        func link(_ nummer: Int) -> Pagina<U>.Link {
            var parameters = vraag.parameters
            parameters["pagina"] = String(nummer)
            let query = parameters.sorted { $0.key < $1.key }.map { "\(Self.codeer($0.key))=\(Self.codeer($0.value))" }
            return .init(href: request.uri.path + "?" + query.joined(separator: "&"))
        }
        return Pagina(
            resultaten: alles[begin..<min(alles.count, begin + grootte)].map(weergave),
            paginering: .init(pagina: pagina, paginaGrootte: grootte, totaal: alles.count, aantalPaginas: laatste),
            links: .init(self: link(pagina), first: link(1), last: link(laatste),
                         next: pagina < laatste ? link(pagina + 1) : nil, prev: pagina > 1 ? link(min(pagina - 1, laatste)) : nil))
    }

    /// `tekst` percent-encoded but for RFC 3986's unreserved characters (ASCII letters and digits
    /// and `-._~`; `.alphanumerics` would let letters such as `â` through unencoded).
    private static func codeer(_ tekst: String) -> String {
        tekst.addingPercentEncoding(withAllowedCharacters: onversleuteld) ?? tekst
    }

    private static let onversleuteld = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}

/// One page of a list, with HAL-style `_links`.
struct Pagina<T: Encodable>: Encodable {
    struct Info: Encodable {
        var pagina: Int
        var paginaGrootte: Int
        var totaal: Int
        var aantalPaginas: Int
    }
    struct Link: Encodable { var href: String }
    struct Links: Encodable {
        var `self`: Link
        var first: Link
        var last: Link
        var next: Link?
        var prev: Link?
    }

    var resultaten: [T]
    var paginering: Info
    var links: Links

    enum CodingKeys: String, CodingKey {
        case resultaten, paginering
        case links = "_links"
    }
}

/// A page with a summary beside it (`overzicht`, `norm`, …) under `sleutel`.
struct PaginaMet<T: Encodable, Extra: Encodable>: Encodable {
    var pagina: Pagina<T>
    var sleutel: String
    var extra: Extra

    func encode(to encoder: any Encoder) throws {
        try pagina.encode(to: encoder)
        var container = encoder.container(keyedBy: Sleutel.self)
        try container.encode(extra, forKey: Sleutel(stringValue: sleutel))
    }

    private struct Sleutel: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
