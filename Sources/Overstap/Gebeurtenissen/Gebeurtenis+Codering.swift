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

extension Gebeurtenis {
    /// The wire name of each type and the schema version its payload is written in.
    public static let schemaversies: [String: Int] = Dictionary(
        uniqueKeysWithValues: decoders.keys.map { ($0, 1) })

    private static let decoders: [String: @Sendable (Data, JSONDecoder) throws -> Gebeurtenis] = [
        "aanmelding": { .aanmelding(try $1.decode(Aanmelding.self, from: $0)) },
        "toestemming_gegeven": { .toestemmingGegeven(try $1.decode(Toestemming.self, from: $0)) },
        "toestemming_ingetrokken": { .toestemmingIngetrokken(try $1.decode(Toestemming.self, from: $0)) },
        "coach_toegewezen": { .coachToegewezen(try $1.decode(CoachToegewezen.self, from: $0)) },
        "welkomstgesprek": { .welkomstgesprek(try $1.decode(Gesprek.self, from: $0)) },
        "mbo_aanmelding": { .mboAanmelding(try $1.decode(Opleiding.self, from: $0)) },
        "intakegesprek": { .intakegesprek(try $1.decode(Intakegesprek.self, from: $0)) },
        "overstaptafel_besproken": { .overstaptafelBesproken(try $1.decode(OverstaptafelBesproken.self, from: $0)) },
        "gestart": { .gestart(try $1.decode(Opleiding.self, from: $0)) },
        "no_show_gesignaleerd": { .noShowGesignaleerd(try $1.decode(NoShowGesignaleerd.self, from: $0)) },
        "contactmoment": { .contactmoment(try $1.decode(Contactmoment.self, from: $0)) },
        "stage_gestart": { .stageGestart(try $1.decode(Stage.self, from: $0)) },
        "stage_beeindigd": { .stageBeeindigd(try $1.decode(Stage.self, from: $0)) },
        "stagebezoek": { .stagebezoek(try $1.decode(Stagebezoek.self, from: $0)) },
        "signaal": { .signaal(try $1.decode(Signaal.self, from: $0)) },
        "signaal_opgelost": { .signaalOpgelost(try $1.decode(Signaal.self, from: $0)) },
        "evaluatiegesprek": { .evaluatiegesprek(try $1.decode(Evaluatiegesprek.self, from: $0)) },
        "afbouw_gestart": { .afbouwGestart(try $1.decode(AfbouwGestart.self, from: $0)) },
        "overdracht_zorgteam": { .overdrachtZorgteam(try $1.decode(OverdrachtZorgteam.self, from: $0)) },
        "afgesloten": { .afgesloten(try $1.decode(Afgesloten.self, from: $0)) },
        "leerling_vergeten": { .leerlingVergeten(try $1.decode(LeerlingVergeten.self, from: $0)) },
    ]

    /// The wire name and the payload.
    private var onderdelen: (type: String, payload: any Encodable) {
        switch self {
        case .aanmelding(let p): ("aanmelding", p)
        case .toestemmingGegeven(let p): ("toestemming_gegeven", p)
        case .toestemmingIngetrokken(let p): ("toestemming_ingetrokken", p)
        case .coachToegewezen(let p): ("coach_toegewezen", p)
        case .welkomstgesprek(let p): ("welkomstgesprek", p)
        case .mboAanmelding(let p): ("mbo_aanmelding", p)
        case .intakegesprek(let p): ("intakegesprek", p)
        case .overstaptafelBesproken(let p): ("overstaptafel_besproken", p)
        case .gestart(let p): ("gestart", p)
        case .noShowGesignaleerd(let p): ("no_show_gesignaleerd", p)
        case .contactmoment(let p): ("contactmoment", p)
        case .stageGestart(let p): ("stage_gestart", p)
        case .stageBeeindigd(let p): ("stage_beeindigd", p)
        case .stagebezoek(let p): ("stagebezoek", p)
        case .signaal(let p): ("signaal", p)
        case .signaalOpgelost(let p): ("signaal_opgelost", p)
        case .evaluatiegesprek(let p): ("evaluatiegesprek", p)
        case .afbouwGestart(let p): ("afbouw_gestart", p)
        case .overdrachtZorgteam(let p): ("overdracht_zorgteam", p)
        case .afgesloten(let p): ("afgesloten", p)
        case .leerlingVergeten(let p): ("leerling_vergeten", p)
        }
    }

    /// The wire name, e.g. `overdracht_zorgteam`.
    public var type: String { onderdelen.type }

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

    private static func decoder(type: String, schemaversie: Int) throws -> @Sendable (Data, JSONDecoder) throws -> Gebeurtenis {
        guard let decoder = decoders[type] else { throw GebeurtenisFout.onbekendType(type) }
        guard schemaversie == schemaversies[type] else {
            throw GebeurtenisFout.onbekendeSchemaversie(type: type, versie: schemaversie)
        }
        return decoder
    }

    private static func lees(
        _ payload: Data, type: String, met decoder: @Sendable (Data, JSONDecoder) throws -> Gebeurtenis, _ json: JSONDecoder
    ) throws -> Gebeurtenis {
        do {
            return try decoder(payload, json)
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
