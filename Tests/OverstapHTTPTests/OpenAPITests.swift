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
            for pad in Set(gedocumenteerd.keys.map { String($0.split(separator: " ")[1]) }) {
                let gebruikt = Set(gedocumenteerd.keys.filter { $0.hasSuffix(" " + pad) }.map { String($0.split(separator: " ")[0]) })
                for methode in ["GET", "POST", "PUT", "DELETE", "PATCH"] where !gebruikt.contains(methode) {
                    let antwoord = try await admin.verzoek(.init(rawValue: methode), pad.replacingOccurrences(of: "{id}", with: id))
                    #expect(antwoord.status == 404, "\(methode) \(pad) answers although it is not documented")
                }
            }
        }
    }

    /// The types a client may post are the catalogue's, minus those Overstap records itself.
    @Test func theDocumentedEventTypesAreTheCataloguesThatClientsMayRecord() throws {
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let verzoek = try #require(schemas["GebeurtenisVerzoek"] as? [String: Any])
        let type = try #require((verzoek["properties"] as? [String: Any])?["type"] as? [String: Any])
        let gedocumenteerd = Set(try #require(type["enum"] as? [String]))
        let catalogus = Set(GebeurtenisType.allCases.filter { !Lezer.systeemtypen.contains($0) }.map(\.rawValue))
        #expect(gedocumenteerd == catalogus)
    }

    @Test func everyProblemStatusARouteCanGiveIsDocumented() {
        let paden = document["paths"] as? [String: [String: [String: Any]]] ?? [:]
        let antwoorden = paden.values.flatMap(\.values).flatMap { ($0["responses"] as? [String: Any] ?? [:]).keys }
        #expect(Set(antwoorden).isSuperset(of: ["200", "201", "204", "400", "401", "403", "404", "409", "412", "413", "415", "422"]))
        #expect(document["openapi"] as? String == "3.0.3")
        #expect((document["info"] as? [String: Any])?["version"] as? String == OverstapAPI.versie)
    }
}
