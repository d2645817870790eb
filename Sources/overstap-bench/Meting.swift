import Foundation
import OverstapCLI

/// One figure of the benchmark: our path and its raw PostgreSQL baseline, measured in the same run,
/// most of them three times in turn (ours, raw, ours, …): the median and the worst of each.
struct Figuur: Encodable {
    /// Stable name for tools (`a_append_8`, `e_tijdlijn_p99`, …).
    let naam: String
    let omschrijving: String
    let eenheid: String
    /// Ours: the median of the runs.
    let ons: Double
    /// Ours: the worst run (lowest rate, highest time); the same as `ons` for a figure run once.
    let onsSlechtst: Double
    /// Raw PostgreSQL: the median of the runs.
    let ruw: Double?
    /// Raw PostgreSQL: the worst run.
    let ruwSlechtst: Double?
    /// For figure a: the bench's own raw client (libpq from Swift), beside pgbench in `ruw`.
    let ruwKlant: Double?
    /// How many times it was measured.
    let runs: Int
    /// How fast we are against raw: 1.0 is as fast, 0.5 half as fast. For rates ours ÷ raw, for
    /// latencies raw ÷ ours; medians.
    let verhouding: Double?
    /// Our worst run against raw's median: a cliff in one run shows here.
    let verhoudingSlechtst: Double?

    init(_ naam: String, _ omschrijving: String, eenheid: String, ons: Double, ruw: Double?) {
        self.init(naam, omschrijving, eenheid: eenheid, ons: Drie([ons], eenheid: eenheid), ruw: ruw.map { Drie([$0], eenheid: eenheid) })
    }

    init(_ naam: String, _ omschrijving: String, eenheid: String, ons: Drie, ruw: Drie?, ruwKlant: Drie? = nil) {
        self.naam = naam
        self.omschrijving = omschrijving
        self.eenheid = eenheid
        (self.ons, onsSlechtst, runs) = (ons.mediaan, ons.slechtst, ons.runs)
        (self.ruw, ruwSlechtst, self.ruwKlant) = (ruw?.mediaan, ruw?.slechtst, ruwKlant?.mediaan)
        let latentie = Drie.isTijd(eenheid)
        func deel(_ ons: Double, _ ruw: Double?) -> Double? {
            ruw.flatMap { ruw in
                guard ruw > 0, ons > 0 else { return nil }
                return latentie ? ruw / ons : ons / ruw
            }
        }
        verhouding = deel(ons.mediaan, ruw?.mediaan)
        verhoudingSlechtst = deel(ons.slechtst, ruw?.mediaan)
    }
}

/// The runs of one side of a figure: their median and their worst.
struct Drie {
    let mediaan: Double
    let slechtst: Double
    let runs: Int

    /// Times (`ms`, `s`) are worst when highest, rates when lowest.
    static func isTijd(_ eenheid: String) -> Bool { eenheid == "ms" || eenheid == "s" }

    init(_ waarden: [Double], eenheid: String) {
        let gesorteerd = waarden.sorted()
        mediaan = gesorteerd.isEmpty ? 0 : gesorteerd[(gesorteerd.count - 1) / 2]
        slechtst = (Self.isTijd(eenheid) ? gesorteerd.last : gesorteerd.first) ?? 0
        runs = waarden.count
    }
}

/// Timing helpers: throughput of concurrent workers over a fixed time, and latency percentiles.
enum Meting {
    /// How many times a figure that can be repeated is measured.
    static let runs = 3

    /// Measures ours and raw `runs` times in turn (ours, raw, ours, raw, …), so that both meet the
    /// machine in the same states; each closure returns one measurement in `eenheid`.
    static func beurtelings(
        eenheid: String, ons: @escaping () async throws -> Double, ruw: @escaping () async throws -> Double
    ) async throws -> (ons: Drie, ruw: Drie) {
        let drie = try await beurtelings(eenheid: eenheid, [ons, ruw])
        return (drie[0], drie[1])
    }

    /// Measures every side `runs` times in turn (each side once per round, in the order given);
    /// returns each side's median and worst, in that order.
    static func beurtelings(eenheid: String, _ kanten: [() async throws -> Double]) async throws -> [Drie] {
        var metingen = kanten.map { _ in [Double]() }
        for _ in 0..<runs {
            for (index, kant) in kanten.enumerated() { metingen[index].append(try await kant()) }
        }
        return metingen.map { Drie($0, eenheid: eenheid) }
    }

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

    /// Runs blocking `werk` (a child process) on a thread of its own, never on the cooperative pool.
    static func eigenDraad<T: Sendable>(_ werk: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try werk() }) }
        }
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
