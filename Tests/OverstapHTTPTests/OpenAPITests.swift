import Foundation
import Overstap
@testable import OverstapHTTP
import Testing
@testable import OverstapOpslag

/// The OpenAPI document and the router describe the same API.
@Suite struct OpenAPITests {
    static let methoden = ["get", "put", "post", "delete", "patch", "head", "options"]

    var document: [String: Any] { (try? JSONSerialization.jsonObject(with: OverstapAPI.openAPI)) as? [String: Any] ?? [:] }

    /// (METHOD path) → x-rollen, from the document.
    var gedocumenteerd: [String: Set<String>?] {
        var operaties: [String: Set<String>?] = [:]
        for (pad, item) in document["paths"] as? [String: [String: Any]] ?? [:] {
            for (methode, operatie) in item where Self.methoden.contains(methode) {
                let rollen = ((operatie as? [String: Any])?["x-rollen"] as? [String]).map(Set.init)
                operaties.updateValue(rollen, forKey: "\(methode.uppercased()) \(pad)")  // nil: an open route
            }
        }
        return operaties
    }

    @Test func theDocumentListsExactlyTheRoutesTheRouterServesWithTheirRoles() async throws {
        try await APITest.met { t in
            let routes = Dictionary(uniqueKeysWithValues: t.api.routes.map {
                ("\($0.methode.rawValue) \($0.pad)", $0.rollen.map { Set($0.map(\.rawValue)) })
            })
            #expect(gedocumenteerd.count == routes.count && !routes.isEmpty)
            #expect(Set(gedocumenteerd.keys) == Set(routes.keys))
            for (operatie, rollen) in routes {
                #expect(gedocumenteerd[operatie] == rollen, "\(operatie): roles differ")
            }
        }
    }

    @Test func everyDocumentedOperationIsRoutedAndNoOtherMethodIs() async throws {
        try await APITest.met { t in
            let admin = try await t.admin()
            let id = UUID().uuidString.lowercased()
            for operatie in gedocumenteerd.keys {
                let delen = operatie.split(separator: " ")
                let pad = delen[1].replacingOccurrences(of: "{id}", with: id)
                let antwoord = try await admin.verzoek(.init(rawValue: String(delen[0])), pad)
                // Whatever the handler makes of an empty request, it is not the router's "no such route".
                #expect(antwoord.json["detail"] as? String != "deze route bestaat niet", "\(operatie) is not routed")
            }
            // A method a documented path does not have is a 405 whose Allow names what it has.
            for pad in Set(gedocumenteerd.keys.map { String($0.split(separator: " ")[1]) }) {
                let gebruikt = Set(gedocumenteerd.keys.filter { $0.hasSuffix(" " + pad) }.map { String($0.split(separator: " ")[0]) })
                for methode in ["GET", "POST", "PUT", "DELETE", "PATCH", "TRACE"] where !gebruikt.contains(methode) {
                    let antwoord = try await admin.verzoek(.init(rawValue: methode), pad.replacingOccurrences(of: "{id}", with: id))
                    let allow = Set((antwoord.header("Allow") ?? "").components(separatedBy: ", "))
                    #expect(antwoord.status == 405 && allow.subtracting(["HEAD", "OPTIONS"]) == gebruikt,
                            "\(methode) \(pad): \(antwoord.status), Allow \(antwoord.header("Allow") ?? "-")")
                }
            }
        }
    }

    var schemas: [String: Any] { (document["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:] }

    /// A property's schema without the `null` it may also be (`anyOf: [schema, {type: null}]`),
    /// its `$ref` followed, and whether it may be `null`.
    func kern(_ schema: Any?) -> (schema: [String: Any], nullbaar: Bool) {
        let eigen = opgelost(schema)
        guard let keuzes = eigen["anyOf"] as? [[String: Any]] else { return (eigen, false) }
        let zonderNull = keuzes.filter { $0["type"] as? String != "null" }
        return (zonderNull.count == 1 ? opgelost(zonderNull[0]) : eigen, zonderNull.count < keuzes.count)
    }

    /// A schema with its `$ref` followed.
    func opgelost(_ schema: Any?) -> [String: Any] {
        guard let schema = schema as? [String: Any] else { return [:] }
        guard let ref = schema["$ref"] as? String else { return schema }
        return opgelost(schemas[String(ref.dropFirst("#/components/schemas/".count))])
    }

    /// Each type a client may post (the catalogue's, minus those Overstap records itself) has one
    /// variant of `GebeurtenisVerzoek`, chosen by `type`, and one example of the request body.
    @Test func theDocumentedEventTypesAreTheCataloguesThatClientsMayRecord() throws {
        let verzoek = opgelost(schemas["GebeurtenisVerzoek"])
        let mapping = try #require((verzoek["discriminator"] as? [String: Any])?["mapping"] as? [String: String])
        let catalogus = Set(GebeurtenisType.allCases.filter { !Lezer.systeemtypen.contains($0) }.map(\.rawValue))
        #expect(Set(mapping.keys) == catalogus)
        #expect((verzoek["oneOf"] as? [[String: String]])?.compactMap { $0["$ref"] }.sorted() == mapping.values.sorted())
        for (type, ref) in mapping {
            let variant = opgelost(["$ref": ref])
            #expect(((variant["properties"] as? [String: Any])?["type"] as? [String: Any])?["const"] as? String == type)
        }
        #expect(Set(voorbeelden.keys) == catalogus)
    }

    /// The request examples of `POST …/gebeurtenissen`, by type: (day, payload).
    var voorbeelden: [String: (datum: String, gegevens: [String: Any])] {
        let paden = document["paths"] as? [String: [String: Any]] ?? [:]
        let post = (paden["/v1/leerlingen/{id}/gebeurtenissen"]?["post"] as? [String: Any]) ?? [:]
        let inhoud = ((post["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any]
        var uit: [String: (String, [String: Any])] = [:]
        for (type, voorbeeld) in inhoud?["examples"] as? [String: [String: Any]] ?? [:] {
            guard let waarde = voorbeeld["value"] as? [String: Any], let datum = waarde["datum"] as? String,
                let gegevens = waarde["gegevens"] as? [String: Any] else { continue }
            uit[type] = (datum, gegevens)
        }
        return uit
    }

    /// What the document says of each payload is what the decoder does (`Gebeurtenis.decode`, the
    /// one reader of input): every example decodes; without a required property it does not,
    /// without an optional one it does; every value of an enum decodes, another does not; a
    /// property the schema does not list is refused; and so on into nested objects.
    @Test func everyEventPayloadSchemaSaysWhatTheDecoderAccepts() throws {
        var aanmelding = APITest.aanmelding()["gegevens"] as? [String: Any] ?? [:]
        aanmelding["persoonsgegevens"] = ["naam": "Sam", "geboortedatum": "2010-03-04", "leerlingnummer": "1",
                                          "ondersteuningsbehoefte": "rust"]
        let gevallen = voorbeelden.mapValues(\.gegevens).merging(["aanmelding": aanmelding]) { a, _ in a }
        var getoetst = 0
        for (type, voorbeeld) in gevallen {
            let schema = type == "aanmelding" ? opgelost(schemas["Aanmelding"])
                : opgelost((opgelost(["$ref": "#/components/schemas/\(type.split(separator: "_").map(\.capitalized).joined())Verzoek"])["properties"]
                            as? [String: Any])?["gegevens"])
            func leest(_ gegevens: [String: Any]) -> Bool {
                guard let data = try? JSONSerialization.data(withJSONObject: gegevens) else { return false }
                return (try? Gebeurtenis.decode(type: type, payload: data)) != nil
            }
            #expect(leest(voorbeeld), "\(type): the example does not decode")
            /// Probes `schema` at `pad` within the payload `geheel`.
            func toets(_ schema: [String: Any], _ pad: [String]) {
                func met(_ sleutel: String, _ waarde: Any?) -> [String: Any] { zet(geheel: voorbeeld, pad + [sleutel], waarde) }
                let plaats = "\(type) \((pad).joined(separator: "."))"
                #expect(schema["additionalProperties"] as? Bool == false, "\(plaats): additionalProperties")
                #expect(!leest(met("onbekendVeld", 1)), "\(plaats): an unlisted property is accepted")
                let verplicht = Set(schema["required"] as? [String] ?? [])
                for (naam, deel) in schema["properties"] as? [String: Any] ?? [:] {
                    getoetst += 1
                    // Required by a rule rather than by the reader: refused with a 400 (`RegelFout.persoonsgegevensOntbreken`).
                    let doorRegel = ["aanmelding", "overdracht_zorgteam"].contains(type) && pad.isEmpty && naam == "persoonsgegevens"
                    #expect(leest(met(naam, nil)) != (verplicht.contains(naam) && !doorRegel), "\(plaats).\(naam): required or not")
                    let (eigen, nullbaar) = kern(deel)
                    #expect(leest(met(naam, NSNull())) == (nullbaar || doorRegel), "\(plaats).\(naam): null accepted or not")
                    #expect(!nullbaar || !verplicht.contains(naam), "\(plaats).\(naam): required and null")
                    let keuzes = (eigen["enum"] as? [String]) ?? (opgelost(eigen["items"])["enum"] as? [String])
                    if let keuzes {
                        for keuze in keuzes {
                            #expect(leest(met(naam, eigen["type"] as? String == "array" ? [keuze] : keuze)), "\(plaats).\(naam) = \(keuze)")
                        }
                        #expect(!leest(met(naam, eigen["type"] as? String == "array" ? ["zzz"] : "zzz")), "\(plaats).\(naam): another value")
                    }
                    if eigen["type"] as? String == "object" {
                        // An object the example leaves out is probed through the example of
                        // another type with the same schema (the count below keeps that honest).
                        if waarde(in: voorbeeld, pad + [naam]) != nil { toets(eigen, pad + [naam]) }
                    }
                }
            }
            toets(schema, [])
        }
        #expect(getoetst > 40)
    }

    @Test func everyProblemStatusARouteCanGiveIsDocumented() {
        let paden = document["paths"] as? [String: [String: [String: Any]]] ?? [:]
        let antwoorden = paden.values.flatMap(\.values).flatMap { ($0["responses"] as? [String: Any] ?? [:]).keys }
        #expect(Set(antwoorden).isSuperset(of: ["200", "201", "204", "400", "401", "403", "404", "409", "412", "413", "415", "422"]))
        #expect(document["openapi"] as? String == "3.1.0")
        #expect((document["info"] as? [String: Any])?["version"] as? String == OverstapAPI.versie)
    }
}

/// `geheel` with the value at `pad` set (`nil`: removed).
func zet(geheel: [String: Any], _ pad: [String], _ waarde: Any?) -> [String: Any] {
    guard let eerste = pad.first else { return geheel }
    var kopie = geheel
    if pad.count == 1 {
        kopie[eerste] = waarde
    } else {
        kopie[eerste] = zet(geheel: geheel[eerste] as? [String: Any] ?? [:], Array(pad.dropFirst()), waarde)
    }
    return kopie
}

/// The value at `pad` in `geheel`, if any.
func waarde(in geheel: [String: Any], _ pad: [String]) -> Any? {
    guard let eerste = pad.first else { return geheel }
    return pad.count == 1 ? geheel[eerste] : (geheel[eerste] as? [String: Any]).flatMap { waarde(in: $0, Array(pad.dropFirst())) }
}
