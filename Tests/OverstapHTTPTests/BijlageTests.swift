@testable import OverstapHTTP
import Testing

/// `Content-Disposition` per RFC 6266 for file names from a region's name (#19).
@Suite struct BijlageTests {
    @Test(arguments: [
        ("risicolijst-Fryslân-2026-11-20.csv",
         "attachment; filename=\"risicolijst-Fryslan-2026-11-20.csv\"; filename*=UTF-8''risicolijst-Frysl%C3%A2n-2026-11-20.csv"),
        ("risicolijst-Frysla\u{302}n.csv",  // decomposed: the same name after NFC at the edge, still safe here
         "attachment; filename=\"risicolijst-Fryslan.csv\"; filename*=UTF-8''risicolijst-Frysla%CC%82n.csv"),
        ("a\"b\\c;d e.csv", "attachment; filename=\"a_b_c_d_e.csv\"; filename*=UTF-8''a%22b%5Cc%3Bd%20e.csv"),
        ("Łódź-日本.xlsx", "attachment; filename=\"_odz-__.xlsx\"; filename*=UTF-8''%C5%81%C3%B3d%C5%BA-%E6%97%A5%E6%9C%AC.xlsx"),
    ])
    func quotesAndNonASCIINeverReachTheHeaderRaw(naam: String, header: String) {
        #expect(bijlage(naam) == header)
        #expect(bijlage(naam).unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 })
    }
}
