import Foundation

/// Why a payload was refused; names the event type and the field, never the value.
public enum GebeurtenisFout: Error, Equatable, Sendable, CustomStringConvertible {
    case onbekendType(String)
    case onbekendeSchemaversie(type: String, versie: Int)
    case ongeldigVeld(type: String, veld: String, reden: String)
    case onbekendVeld(type: String, veld: String)

    public var description: String {
        switch self {
        case .onbekendType(let type):
            "onbekend gebeurtenistype '\(type)'"
        case .onbekendeSchemaversie(let type, let versie):
            "schemaversie \(versie) van '\(type)' is onbekend"
        case .ongeldigVeld(let type, let veld, let reden):
            "\(type): veld '\(veld)' \(reden)"
        case .onbekendVeld(let type, let veld):
            "\(type): onbekend veld '\(veld)'"
        }
    }
}

/// The event catalogue (DESIGN §3): every type's wire name (the raw value, as stored in the log and
/// sent over HTTP) and the schema version its payload is written in. Adding a type without its
/// version, decoder or `Gebeurtenis` case does not compile.
public enum GebeurtenisType: String, CaseIterable, Sendable {
    case aanmelding
    case toestemmingGegeven = "toestemming_gegeven"
    case toestemmingIngetrokken = "toestemming_ingetrokken"
    case coachToegewezen = "coach_toegewezen"
    case welkomstgesprek
    case mboAanmelding = "mbo_aanmelding"
    case intakegesprek
    case overstaptafelBesproken = "overstaptafel_besproken"
    case gestart
    case noShowGesignaleerd = "no_show_gesignaleerd"
    case contactmoment
    case stageGestart = "stage_gestart"
    case stageBeeindigd = "stage_beeindigd"
    case stagebezoek
    case signaal
    case signaalOpgelost = "signaal_opgelost"
    case evaluatiegesprek
    case afbouwGestart = "afbouw_gestart"
    case overdrachtZorgteam = "overdracht_zorgteam"
    case afgesloten
    case leerlingVergeten = "leerling_vergeten"
    case opleidingGewijzigd = "opleiding_gewijzigd"
    case diplomaBehaald = "diploma_behaald"
    case nameting

    /// The schema version new payloads of this type are written in (and the only one read).
    public var schemaversie: Int {
        switch self {
        case .aanmelding, .toestemmingGegeven, .toestemmingIngetrokken, .coachToegewezen, .welkomstgesprek,
             .mboAanmelding, .intakegesprek, .overstaptafelBesproken, .gestart, .noShowGesignaleerd, .contactmoment,
             .stageGestart, .stageBeeindigd, .stagebezoek, .signaal, .signaalOpgelost, .evaluatiegesprek,
             .afbouwGestart, .overdrachtZorgteam, .afgesloten, .leerlingVergeten, .opleidingGewijzigd, .diplomaBehaald,
             .nameting:
            1
        }
    }

    /// Decodes a payload of this type with `json`.
    fileprivate func lees(_ payload: Data, _ json: JSONDecoder) throws -> Gebeurtenis {
        switch self {
        case .aanmelding: .aanmelding(try json.decode(Aanmelding.self, from: payload))
        case .toestemmingGegeven: .toestemmingGegeven(try json.decode(Toestemming.self, from: payload))
        case .toestemmingIngetrokken: .toestemmingIngetrokken(try json.decode(Toestemming.self, from: payload))
        case .coachToegewezen: .coachToegewezen(try json.decode(CoachToegewezen.self, from: payload))
        case .welkomstgesprek: .welkomstgesprek(try json.decode(Gesprek.self, from: payload))
        case .mboAanmelding: .mboAanmelding(try json.decode(Opleiding.self, from: payload))
        case .intakegesprek: .intakegesprek(try json.decode(Intakegesprek.self, from: payload))
        case .overstaptafelBesproken: .overstaptafelBesproken(try json.decode(OverstaptafelBesproken.self, from: payload))
        case .gestart: .gestart(try json.decode(Opleiding.self, from: payload))
        case .noShowGesignaleerd: .noShowGesignaleerd(try json.decode(NoShowGesignaleerd.self, from: payload))
        case .contactmoment: .contactmoment(try json.decode(Contactmoment.self, from: payload))
        case .stageGestart: .stageGestart(try json.decode(Stage.self, from: payload))
        case .stageBeeindigd: .stageBeeindigd(try json.decode(Stage.self, from: payload))
        case .stagebezoek: .stagebezoek(try json.decode(Stagebezoek.self, from: payload))
        case .signaal: .signaal(try json.decode(Signaal.self, from: payload))
        case .signaalOpgelost: .signaalOpgelost(try json.decode(Signaal.self, from: payload))
        case .evaluatiegesprek: .evaluatiegesprek(try json.decode(Evaluatiegesprek.self, from: payload))
        case .afbouwGestart: .afbouwGestart(try json.decode(AfbouwGestart.self, from: payload))
        case .overdrachtZorgteam: .overdrachtZorgteam(try json.decode(OverdrachtZorgteam.self, from: payload))
        case .afgesloten: .afgesloten(try json.decode(Afgesloten.self, from: payload))
        case .leerlingVergeten: .leerlingVergeten(try json.decode(LeerlingVergeten.self, from: payload))
        case .opleidingGewijzigd: .opleidingGewijzigd(try json.decode(Opleiding.self, from: payload))
        case .diplomaBehaald: .diplomaBehaald(try json.decode(DiplomaBehaald.self, from: payload))
        case .nameting: .nameting(try json.decode(Nameting.self, from: payload))
        }
    }
}

extension Gebeurtenis {
    /// The type and the payload.
    private var onderdelen: (soort: GebeurtenisType, payload: any Encodable) {
        switch self {
        case .aanmelding(let p): (.aanmelding, p)
        case .toestemmingGegeven(let p): (.toestemmingGegeven, p)
        case .toestemmingIngetrokken(let p): (.toestemmingIngetrokken, p)
        case .coachToegewezen(let p): (.coachToegewezen, p)
        case .welkomstgesprek(let p): (.welkomstgesprek, p)
        case .mboAanmelding(let p): (.mboAanmelding, p)
        case .intakegesprek(let p): (.intakegesprek, p)
        case .overstaptafelBesproken(let p): (.overstaptafelBesproken, p)
        case .gestart(let p): (.gestart, p)
        case .noShowGesignaleerd(let p): (.noShowGesignaleerd, p)
        case .contactmoment(let p): (.contactmoment, p)
        case .stageGestart(let p): (.stageGestart, p)
        case .stageBeeindigd(let p): (.stageBeeindigd, p)
        case .stagebezoek(let p): (.stagebezoek, p)
        case .signaal(let p): (.signaal, p)
        case .signaalOpgelost(let p): (.signaalOpgelost, p)
        case .evaluatiegesprek(let p): (.evaluatiegesprek, p)
        case .afbouwGestart(let p): (.afbouwGestart, p)
        case .overdrachtZorgteam(let p): (.overdrachtZorgteam, p)
        case .afgesloten(let p): (.afgesloten, p)
        case .leerlingVergeten(let p): (.leerlingVergeten, p)
        case .opleidingGewijzigd(let p): (.opleidingGewijzigd, p)
        case .diplomaBehaald(let p): (.diplomaBehaald, p)
        case .nameting(let p): (.nameting, p)
        }
    }

    /// The catalogue entry of this event.
    public var soort: GebeurtenisType { onderdelen.soort }

    /// The wire name, e.g. `overdracht_zorgteam`.
    public var type: String { onderdelen.soort.rawValue }

    /// The payload as a JSON object (keys sorted).
    public func payloadJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(onderdelen.payload), as: UTF8.self)
    }

    /// Whether the payload carries personal data (a `persoonsgegevens` object).
    public var heeftPersoonsgegevens: Bool {
        (try? payloadJSON() != payloadZonderPersoonsgegevens()) ?? true
    }

    /// The payload without its `persoonsgegevens`: what read models keep.
    public func payloadZonderPersoonsgegevens() throws -> String {
        try PayloadJSON.zonderPersoonsgegevens(try payloadJSON())
    }

    /// Reads a payload from outside: every text normalised to NFC and checked by its field's
    /// `Tekstsoort`, every date within `Datum.geldigBereik`; a malformed, missing, out-of-range or
    /// unknown field is a `GebeurtenisFout` that names it (never its value).
    public static func decode(type: String, schemaversie: Int = 1, payload: Data) throws -> Gebeurtenis {
        let decoder = try self.decoder(type: type, schemaversie: schemaversie)
        guard let ruw = try? JSONSerialization.jsonObject(with: payload), ruw is [String: Any] else {
            throw GebeurtenisFout.ongeldigVeld(type: type, veld: "(payload)", reden: "is geen geldig JSON-object")
        }
        let invoer = try gecontroleerd(ruw, type: type)
        let json = JSONDecoder()
        json.userInfo[.invoer] = true
        let gebeurtenis = try lees(try JSONSerialization.data(withJSONObject: invoer), type: type, met: decoder, json)
        if let onbekend = onbekendVeld(in: invoer,
                                       bekend: try JSONSerialization.jsonObject(with: Data(try gebeurtenis.payloadJSON().utf8)))
        {
            throw GebeurtenisFout.onbekendVeld(type: type, veld: onbekend)
        }
        return gebeurtenis
    }

    /// Reads a payload from the log or a read model: it was checked in full by `decode` when it was
    /// written, so the costly search for unknown fields (an encode and two more parses) is skipped.
    public static func lees(type: String, schemaversie: Int = 1, opgeslagen payload: Data) throws -> Gebeurtenis {
        try lees(payload, type: type, met: try decoder(type: type, schemaversie: schemaversie), JSONDecoder())
    }

    private static func decoder(type: String, schemaversie: Int) throws -> GebeurtenisType {
        guard let soort = GebeurtenisType(rawValue: type) else { throw GebeurtenisFout.onbekendType(type) }
        guard schemaversie == soort.schemaversie else {
            throw GebeurtenisFout.onbekendeSchemaversie(type: type, versie: schemaversie)
        }
        return soort
    }

    private static func lees(
        _ payload: Data, type: String, met soort: GebeurtenisType, _ json: JSONDecoder
    ) throws -> Gebeurtenis {
        do {
            return try soort.lees(payload, json)
        } catch let error as DecodingError {
            throw fout(error, type: type)
        }
    }

    private static func fout(_ error: DecodingError, type: String) -> GebeurtenisFout {
        func pad(_ path: [CodingKey], _ last: CodingKey? = nil) -> String {
            let keys = path + (last.map { [$0] } ?? [])
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .ongeldigVeld(type: type, veld: pad(context.codingPath, key), reden: "ontbreekt")
        case .valueNotFound(_, let context):
            return .ongeldigVeld(type: type, veld: pad(context.codingPath), reden: "mag niet leeg zijn")
        case .typeMismatch(let expected, let context):
            return .ongeldigVeld(type: type, veld: pad(context.codingPath), reden: "heeft het verkeerde type (verwacht \(naam(expected)))")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .ongeldigVeld(type: type, veld: "(payload)", reden: "is geen geldig JSON-object")
        case .dataCorrupted(let context):
            let reden = context.debugDescription.hasPrefix("Cannot initialize")
                ? "heeft een onbekende waarde" : context.debugDescription
            return .ongeldigVeld(type: type, veld: pad(context.codingPath), reden: reden)
        @unknown default:
            return .ongeldigVeld(type: type, veld: "(payload)", reden: "is ongeldig")
        }
    }

    private static func naam(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "tekst"
        case is Bool.Type: "true/false"
        case is Int.Type, is Double.Type: "getal"
        case is [Any].Type: "lijst"
        default: "object"
        }
    }

    /// The first key in `invoer` that decoding ignored (a non-null value absent from the re-encoding).
    private static func onbekendVeld(in invoer: Any, bekend: Any, pad: String = "") -> String? {
        if let object = invoer as? [String: Any], let known = bekend as? [String: Any] {
            for (key, value) in object.sorted(by: { $0.key < $1.key }) {
                let sub = pad.isEmpty ? key : pad + "." + key
                guard let knownValue = known[key] else {
                    if value is NSNull { continue }
                    return sub
                }
                if let found = onbekendVeld(in: value, bekend: knownValue, pad: sub) { return found }
            }
        } else if let list = invoer as? [Any], let known = bekend as? [Any], list.count == known.count {
            for (index, element) in list.enumerated() {
                if let found = onbekendVeld(in: element, bekend: known[index], pad: "\(pad)[\(index)]") { return found }
            }
        }
        return nil
    }
}
