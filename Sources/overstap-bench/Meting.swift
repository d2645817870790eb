import Foundation
import OverstapCLI

/// One figure of the benchmark: our path and its raw PostgreSQL baseline, measured in the same run.
struct Figuur: Encodable {
    /// Stable name for tools (`a_append_8`, `e_tijdlijn_p99`, …).
    let naam: String
    let omschrijving: String
    let eenheid: String
    let ons: Double
    let ruw: Double?
    /// How fast we are against raw: 1.0 is as fast, 0.5 half as fast. For rates ours ÷ raw, for
    /// latencies raw ÷ ours.
    let verhouding: Double?

    init(_ naam: String, _ omschrijving: String, eenheid: String, ons: Double, ruw: Double?) {
        self.naam = naam
        self.omschrijving = omschrijving
        self.eenheid = eenheid
        self.ons = ons
        self.ruw = ruw
        let latentie = eenheid == "ms" || eenheid == "s"
        verhouding = ruw.flatMap { ruw in
            guard ruw > 0, ons > 0 else { return nil }
            return latentie ? ruw / ons : ons / ruw
        }
    }
}

/// Timing helpers: throughput of concurrent workers over a fixed time, and latency percentiles.
enum Meting {
    /// Runs `werk` in `werkers` tasks until `duur` has passed; each call returns how many items it
    /// did. Returns items per second and the latency of each call.
    static func doorvoer(
        werkers: Int, duur: Duration, _ werk: @escaping @Sendable (_ werker: Int, _ ronde: Int) async throws -> Int
    ) async throws -> (perSeconde: Double, latenties: [Double]) {
        let klok = ContinuousClock()
        let start = klok.now
        let einde = start + duur
        let resultaten = try await withThrowingTaskGroup(of: (Int, [Double]).self) { group in
            for werker in 0..<werkers {
                group.addTask {
                    var aantal = 0
                    var latenties: [Double] = []
                    var ronde = 0
                    while klok.now < einde {
                        let begin = klok.now
                        aantal += try await werk(werker, ronde)
                        latenties.append(ms(klok.now - begin))
                        ronde += 1
                    }
                    return (aantal, latenties)
                }
            }
            return try await group.reduce(into: [(Int, [Double])]()) { $0.append($1) }
        }
        let seconden = seconds(klok.now - start)
        return (Double(resultaten.map(\.0).reduce(0, +)) / seconden, resultaten.flatMap(\.1))
    }

    /// Milliseconds of `n` sequential calls of `werk`.
    static func latenties(_ n: Int, _ werk: (Int) async throws -> Void) async throws -> [Double] {
        let klok = ContinuousClock()
        var uitkomst: [Double] = []
        for i in 0..<n {
            let begin = klok.now
            try await werk(i)
            uitkomst.append(ms(klok.now - begin))
        }
        return uitkomst
    }

    /// Seconds `werk` takes, and its result.
    static func tijd<T>(_ werk: () async throws -> T) async throws -> (Double, T) {
        let klok = ContinuousClock()
        let begin = klok.now
        let resultaat = try await werk()
        return (seconds(klok.now - begin), resultaat)
    }

    /// The `p`-th percentile (0…100) of `waarden`, nearest rank.
    static func percentiel(_ p: Double, _ waarden: [Double]) -> Double {
        guard !waarden.isEmpty else { return 0 }
        let gesorteerd = waarden.sorted()
        let rang = Int((p / 100 * Double(gesorteerd.count)).rounded(.up)) - 1
        return gesorteerd[min(max(rang, 0), gesorteerd.count - 1)]
    }

    static func seconds(_ duur: Duration) -> Double {
        Double(duur.components.seconds) + Double(duur.components.attoseconds) / 1e18
    }

    static func ms(_ duur: Duration) -> Double { seconds(duur) * 1000 }
}
