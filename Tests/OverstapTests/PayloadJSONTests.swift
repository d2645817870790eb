import Foundation
@testable import Overstap
import Testing
@testable import OverstapOpslag

/// Cutting `persoonsgegevens` out of payload text must give what parsing the object, dropping the
/// member and writing it again gives, for any valid JSON object.
@Suite struct PayloadJSONTests {
    static let voorbeelden = [
        #"{"persoonsgegevens": "v1:abc+/=", "regio": "Utrecht"}"#,
        #"{"regio": "Utrecht", "persoonsgegevens": "v1:abc"}"#,
        #"{"a": 1, "persoonsgegevens": "v1:x", "b": [1, {"c": "}"}]}"#,
        #"{"persoonsgegevens": "v1:x"}"#,
        #"{"regio": "Utrecht"}"#,
        #"{}"#,
        #"{ "b" : {"persoonsgegevens": {"naam": "Sam"}} , "persoonsgegevens" : {"naam": "Sam \"de\" V, {x}"} , "c":true }"#,
        #"{"tekst": "\"persoonsgegevens\": \"v1:zo niet\\", "n": -1.5e3, "x": null, "persoonsgegevens": "v1:y"}"#,
        #"{"lijst": ["persoonsgegevens", "]", "["], "persoonsgegevens": [1, [2, [3]]], "z": false}"#,
        "{\n\t\"persoonsgegevens\":\"v1:q\",\n\t\"é\": \"ü ✓\"\n}",
    ]

    @Test(arguments: voorbeelden)
    func cutsTheMemberLikeAParserWould(_ tekst: String) throws {
        var verwacht = try PayloadJSON.object(tekst)
        verwacht["persoonsgegevens"] = nil
        let uitkomst = try PayloadJSON.zonderPersoonsgegevens(tekst)
        #expect(try PayloadJSON.tekst(try PayloadJSON.object(uitkomst)) == PayloadJSON.tekst(verwacht))
        #expect(!uitkomst.contains("Sam \\\"de"))
    }

    @Test(arguments: [#"{"a": "open"#, #"["persoonsgegevens"]"#, #"{"a" 1}"#, #"{"a": 1"#, ""])
    func refusesWhatIsNoObject(_ tekst: String) {
        #expect(throws: GebeurtenisFout.self) { try PayloadJSON.zonderPersoonsgegevens(tekst) }
    }
}
