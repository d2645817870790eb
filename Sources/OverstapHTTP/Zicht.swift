import HTTPTypes
import Hummingbird
import NIOCore
import Overstap
import OverstapOpslag

/// Zicht (issue 16): the regional monitor, and the receiving mbo's own students.
extension OverstapAPI {
    var zichtRoutes: [Route] {
        [
            Route(.get, "/v1/monitor", rollen: [.coordinator, .admin], monitor),
            Route(.get, "/v1/monitor/csv", rollen: [.coordinator, .admin]) { try await monitor($0, $1, formaat: .csv) },
            Route(.get, "/v1/mbo/leerlingen", rollen: [.mbo], registreertLezing: true, mboLeerlingen),
        ]
    }

    @Sendable func monitor(_ request: Request, _ context: APIContext) async throws -> Response {
        try await monitor(request, context, formaat: try lijstformaat(request))
    }

    /// `GET /v1/monitor?schooljaar=2025-2026[&regio=…][&peildatum=…][&bekendOp=…][&deelbaar=true]`:
    /// the cohort's figures, split, with the two school years before it (`Overzichten.monitor`), as
    /// JSON, CSV, xlsx or a page to print. A coordinator sees the own region as it is, or with
    /// `deelbaar=true` safe to share; an admin names a region or none (the national roll-up) and
    /// always gets it safe to share (`Monitoren.deelbaar()`, decision 0019). Default school year:
    /// the one the peildatum falls in.
    func monitor(_ request: Request, _ context: APIContext, formaat: Lijstformaat) async throws -> Response {
        let vraag = Vraag(request)
        let lezer = try context.ingelogd
        let scheidingsteken = try vraag.keuze("scheidingsteken", Tabel.Scheidingsteken.self) ?? .komma
        let regio = try vraag.kenmerk("regio") ?? lezer.regio
        if let regio, !lezer.magRegio(regio) { throw Probleem.geenToegang("deze monitor hoort bij een andere regio") }
        let peildatum = try vraag.datum("peildatum") ?? vandaag()
        let bekendOp = try vraag.datum("bekendOp")
        let schooljaar = try vraag.schooljaar("schooljaar") ?? Schooljaar(peildatum)
        let gevraagd = try vraag.keuze("deelbaar", JaNee.self) == .ja
        let deelbaar = lezer.rol == .admin || gevraagd
        var koppen = try await bijgewerkt(peilkoppen(peildatum: peildatum, bekendOp: bekendOp))
        koppen[.vary] = "Accept"
        let (monitor, vergelijking) = try await overzichten.monitor(regio: regio, schooljaar: schooljaar, op: peildatum,
                                                                    bekendOp: bekendOp, deelbaar: deelbaar)
        let naam = "monitor-\(regio ?? "landelijk")-\(schooljaar)-\(peildatum)"
        switch formaat {
        case .json:
            return try JSON.response(MonitorWeergave(monitor, vergelijking: vergelijking, regio: regio, bekendOp: bekendOp), headers: koppen)
        case .html:
            koppen[.contentType] = "text/html; charset=utf-8"
            return Response(status: .ok, headers: koppen, body: .init(byteBuffer: ByteBuffer(
                string: Afdruk.monitor(monitor, vergelijking: vergelijking, regio: regio, bekendOp: bekendOp))))
        case .xlsx:
            (koppen[.contentType], koppen[.contentDisposition]) = (Rekenblad.mediatype, bijlage(naam + ".xlsx"))
            return Response(status: .ok, headers: koppen, body: .init(byteBuffer: ByteBuffer(
                bytes: try Rekenblad.xlsx(blad: "monitor", kop: Monitor.kolommen, rijen: monitor.rijen(vergelijking: vergelijking),
                                          getalkolommen: Monitor.getalkolommen))))
        case .csv:
            (koppen[.contentType], koppen[.contentDisposition]) = ("text/csv; charset=utf-8", bijlage(naam + ".csv"))
            return Response(status: .ok, headers: koppen, body: .init(byteBuffer: ByteBuffer(string: Tabel.csv(
                Monitor.kolommen, monitor.rijen(vergelijking: vergelijking), scheidingsteken: scheidingsteken,
                getalkolommen: Monitor.getalkolommen))))
        }
    }

    /// `GET /v1/mbo/leerlingen[?peildatum=…]`: the students who applied to or follow a programme at
    /// the reader's institution (`Traject.isToegankelijk`), with the name where their consent for
    /// `mbo` allows it (each read registered); students who went elsewhere are absent.
    @Sendable func mboLeerlingen(_ request: Request, _ context: APIContext) async throws -> Response {
        let lezer = try context.ingelogd
        guard let regio = lezer.regio else { throw Probleem.geenToegang("uw token hoort bij geen regio") }
        let vraag = Vraag(request)
        let peildatum = try vraag.datum("peildatum") ?? vandaag()
        let pagina = try Paginering(vraag)
        let koppen = try await bijgewerkt(peilkoppen(peildatum: peildatum, bekendOp: nil))
        // Who belongs to the institution counts as it is now, as for the case itself.
        let vandaag = vandaag()
        let nu = try await overzichten.trajecten(regio: regio, op: vandaag).filter { $0.isToegankelijk(voor: lezer) }
        let ids = Set(nu.map(\.id))
        let trajecten = peildatum == vandaag ? nu : try await overzichten.trajecten(regio: regio, op: peildatum).filter { ids.contains($0.id) }
        var deze = pagina.van(trajecten, request, MboLeerling.init)
        let namen = try await namen(deze.resultaten.map(\.trajectID), voor: lezer, context, via: "GET /v1/mbo/leerlingen")
        for index in deze.resultaten.indices { deze.resultaten[index].naam = namen[deze.resultaten[index].trajectID] }
        return try JSON.response(deze, headers: koppen)
    }
}

/// `true` or `false` in a query.
enum JaNee: String, CaseIterable { case ja = "true", nee = "false" }

extension Vraag {
    /// A school year `2025-2026`, if given: not of the form `JJJJ-JJJJ` is a 400; of that form but
    /// no school year (the second year is not the next, or it begins outside 1900–2099) a 422.
    func schooljaar(_ naam: String) throws -> Schooljaar? {
        guard let tekst = parameters[naam] else { return nil }
        let cijfer = { (teken: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(teken) }
        let bytes = Array(tekst.utf8)
        guard bytes.count == 9, bytes[4] == UInt8(ascii: "-"), bytes.enumerated().allSatisfy({ $0.offset == 4 || cijfer($0.element) }) else {
            throw Probleem.ongeldig(naam, "is geen schooljaar (JJJJ-JJJJ, bijvoorbeeld 2025-2026)")
        }
        guard let jaar = Schooljaar(tekst), (1900...2099).contains(jaar.beginjaar) else {
            throw Probleem.onverwerkbaar(naam, "is geen schooljaar: het tweede jaar volgt op het eerste, van 1900-1901 tot 2099-2100")
        }
        return jaar
    }
}

/// The monitor as JSON: each figure a count, or `"<5"` where it is hidden.
struct MonitorWeergave: Encodable {
    /// `null` for the national roll-up.
    var regio: String?
    var schooljaar: Schooljaar
    var peildatum: Datum
    var bekendOp: Datum?
    var deelbaar: Bool
    var totaal: CijfersWeergave
    var uitsplitsingen: [UitsplitsingWeergave]
    var vergelijking: [Vergelijking]

    struct UitsplitsingWeergave: Encodable {
        var naar: Uitsplitsing
        var groepen: [GroepWeergave]
    }
    struct GroepWeergave: Encodable {
        var groep: String
        var cijfers: CijfersWeergave
    }
    struct Vergelijking: Encodable {
        var schooljaar: Schooljaar
        var peildatum: Datum
        var cijfers: CijfersWeergave
    }

    init(_ m: Monitor, vergelijking: [Monitor], regio: String?, bekendOp: Datum?) {
        (self.regio, schooljaar, peildatum, self.bekendOp, deelbaar) = (regio, m.schooljaar, m.peildatum, bekendOp, m.isDeelbaar)
        totaal = CijfersWeergave(cijfers: m.totaal)
        uitsplitsingen = m.uitsplitsingen.map { naar, groepen in
            UitsplitsingWeergave(naar: naar, groepen: groepen.map { GroepWeergave(groep: $0.naam, cijfers: CijfersWeergave(cijfers: $0.cijfers)) })
        }
        self.vergelijking = vergelijking.map { Vergelijking(schooljaar: $0.schooljaar, peildatum: $0.peildatum, cijfers: CijfersWeergave(cijfers: $0.totaal)) }
    }

    enum CodingKeys: String, CodingKey { case regio, schooljaar, peildatum, bekendOp, deelbaar, totaal, uitsplitsingen, vergelijking }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(regio, forKey: .regio)  // null, not absent, for the national roll-up
        try c.encode(schooljaar, forKey: .schooljaar)
        try c.encode(peildatum, forKey: .peildatum)
        try c.encodeIfPresent(bekendOp, forKey: .bekendOp)
        try c.encode(deelbaar, forKey: .deelbaar)
        try c.encode(totaal, forKey: .totaal)
        try c.encode(uitsplitsingen, forKey: .uitsplitsingen)
        try c.encode(vergelijking, forKey: .vergelijking)
    }
}

/// One group's figures: `{"aangemeld": 12, "gestart": "<5", "diploma": "x", …}`, every `Maat` present.
struct CijfersWeergave: Encodable {
    var cijfers: Cijfers

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: MaatSleutel.self)
        for maat in Maat.allCases {
            switch cijfers[maat] {
            case .aantal(let n): try c.encode(n, forKey: MaatSleutel(maat))
            case .klein, .verborgen: try c.encode(cijfers[maat].description, forKey: MaatSleutel(maat))
            }
        }
    }

    private struct MaatSleutel: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ maat: Maat) { stringValue = maat.rawValue }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// A student in the mbo's list: no personal data but the name its consent allows.
struct MboLeerling: Encodable {
    var id: String
    var vsoSchool: String
    var fase: Fase
    var faseSinds: Datum
    /// The programme followed now, else the one applied to.
    var opleiding: Opleiding
    var mboAanmeldingOp: Datum?
    var intakeOp: Datum?
    var warmeOverdracht: Bool
    var gestartOp: Datum?
    var naam: String?
    /// The case, to look the name up by; not sent.
    let trajectID: TrajectID

    private enum CodingKeys: String, CodingKey {
        case id, vsoSchool, fase, faseSinds, opleiding, mboAanmeldingOp, intakeOp, warmeOverdracht, gestartOp, naam
    }

    init(_ t: Traject) {
        (id, trajectID, vsoSchool, fase, faseSinds) = (t.id.pad, t.id, t.vsoSchool, t.fase, t.faseSinds)
        opleiding = t.huidigeOpleiding ?? t.beoogdeOpleiding
        (mboAanmeldingOp, intakeOp, warmeOverdracht, gestartOp) = (t.mboAanmeldingOp, t.intakeOp, t.warmeOverdrachtOp != nil, t.gestartOp)
    }
}
