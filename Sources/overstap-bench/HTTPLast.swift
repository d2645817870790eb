import EventStore
import Foundation
import OverstapCLI
import Logging
import Overstap
import OverstapHTTP
import OverstapOpslag
import Postgres
import Proces

/// g. Over HTTP through the real server, loaded by `wrk` from another process, against the same
/// query through libpq at the same concurrency.
struct HTTPLast {
    let dienst: Dienst
    var api: OverstapAPI { dienst.api }
    let duur: Duration
    let verbindingen = 8
    let voortgang: @Sendable (String) -> Void

    var pool: PostgresPool { api.trajecten.store.pool }

    static var wrk: String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            .map { "\($0)/wrk" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func figuren() async throws -> [Figuur] {
        guard let wrk = Self.wrk else {
            voortgang("g. skipped: wrk is not installed (apt-get install wrk)")
            return []
        }
        let logger = {
            var logger = Logger(label: "overstap.bench")
            logger.logLevel = .critical  // the server is cancelled at the end, which Hummingbird logs as errors
            return logger
        }()
        let (poorten, melding) = AsyncStream.makeStream(of: Int.self)
        let dienst = self.dienst
        return try await withThrowingTaskGroup(of: Void.self, returning: [Figuur].self) { group in
            group.addTask {
                // The server alone: the measured lists read a read model that holds still.
                try await dienst.draai(host: "127.0.0.1", port: 0, logger: logger, projectie: false) {
                    melding.yield($0.localAddress?.port ?? 0)
                }
            }
            defer { group.cancelAll() }
            var iterator = poorten.makeAsyncIterator()
            guard let poort = await iterator.next() else { return [] }
            let regio = Natie.regio(0)
            let token = try await api.tokens.maak(voor: Lezer(rol: .coordinator, regio: regio), omschrijving: "bench", door: "bench").token
            let inRegio = try await pool.query("SELECT traject_id FROM trajecten WHERE regio = \(regio) LIMIT 500")
                .map { try $0.decode("traject_id", as: TrajectID.self) }
            var figuren: [Figuur] = []

            voortgang("g. HTTP timeline (wrk, \(verbindingen) connections)")
            figuren += try await paar("tijdlijn", "GET /v1/leerlingen/{id}/tijdlijn", http: {
                try await laad(wrk, poort: poort, pad: nil, ids: inRegio, token: token)
            }, ruw: {
                try await Meting.doorvoer(werkers: verbindingen, duur: duur) { w, ronde in
                    _ = try await pool.query(Natie.ruweTijdlijn(inRegio[(w * 7919 + ronde) % inRegio.count]))
                    return 1
                }
            })

            voortgang("g. HTTP risicolijst (wrk, \(verbindingen) connections)")
            figuren += try await paar("risicolijst", "GET /v1/risicolijst (one region)", http: {
                try await laad(wrk, poort: poort, pad: "/v1/risicolijst?peildatum=\(Natie.peildatum)&paginaGrootte=50", ids: [], token: token)
            }, ruw: {
                try await Meting.doorvoer(werkers: verbindingen, duur: duur) { _, _ in
                    _ = try await pool.query(Natie.ruweRegio(regio))
                    return 1
                }
            })
            figuren += try await onderLijsten(wrk, poort: poort, token: token, regio: regio)
            return figuren
        }
    }

    /// h. `/ready` and a write (an aanmelding) while 32 connections ask for a past peildatum's
    /// risicolijst (every case folded from its timeline), against the same requests on an idle
    /// server in the same run: the bulkheads of `serve` keep both answering (issue 12). The load
    /// (wrk) and the measuring client (curl) are other processes, waited for on threads of their
    /// own, so that the server in this process keeps both cores of the cooperative pool.
    private func onderLijsten(_ wrk: String, poort: Int, token: String, regio: String) async throws -> [Figuur] {
        voortgang("h. /ready and a write, idle and under 32 past-peildatum lists at once")
        let basis = "http://127.0.0.1:\(poort)"
        let aanmelding = #"{"datum":"\#(Natie.peildatum)","gegevens":{"regio":"\#(regio)","vsoSchool":"Bench","uitstroomprofiel":"vervolgonderwijs","beoogdeOpleiding":{"instelling":"MBO Bench","opleiding":"Entree"},"verwachteStartdatum":"2027-09-01","persoonsgegevens":{"naam":"Bench","geboortedatum":"2010-01-01","leerlingnummer":"1"}}}"#
        func meet() async throws -> (gereed: [Double], schrijven: [Double]) {
            var gereed: [Double] = [], schrijven: [Double] = []
            for _ in 0..<20 { gereed.append(try await curl(basis + "/ready", verwacht: 200)) }
            for _ in 0..<10 { schrijven.append(try await curl(basis + "/v1/leerlingen", verwacht: 201, token: token, body: aanmelding)) }
            return (gereed, schrijven)
        }
        let rustig = try await meet()
        let verleden = Natie.peildatum.plus(dagen: -200)
        // The load runs until the measurement is done (at most 10 minutes), however long that takes.
        let last = try spawn([wrk, "-t2", "-c32", "-d600s", "-H", "Authorization: Bearer \(token)",
                              basis + "/v1/risicolijst?peildatum=\(verleden)&paginaGrootte=5"])
        let belast: (gereed: [Double], schrijven: [Double])
        do {
            try await Task.sleep(for: .seconds(1))  // the lists are queued
            belast = try await meet()
        } catch {
            kill(last, SIGKILL)
            _ = try? await Meting.eigenDraad { try waitForExit(last, wrk) }
            throw error
        }
        // Still running (not yet reaped: WNOHANG answers 0), as it must be for the figure to mean anything.
        guard waitpid(last, nil, WNOHANG) == 0 else {
            throw CLIFout("the list load (wrk) ended before the measurement did. Hint: run wrk by hand")
        }
        kill(last, SIGKILL)
        _ = try await Meting.eigenDraad { try waitForExit(last, wrk) }
        return [
            Figuur("h_gereed_p99", "GET /ready p99 under 32 past-peildatum lists at once (raw: the same on an idle server)",
                   eenheid: "ms", ons: Meting.percentiel(99, belast.gereed), ruw: Meting.percentiel(99, rustig.gereed)),
            Figuur("h_schrijven_p99", "POST /v1/leerlingen p99 under 32 past-peildatum lists at once (raw: idle server)",
                   eenheid: "ms", ons: Meting.percentiel(99, belast.schrijven), ruw: Meting.percentiel(99, rustig.schrijven)),
        ]
    }

    /// One request through curl; its total time in ms (curl's own clock, without the process start).
    private func curl(_ url: String, verwacht: Int, token: String? = nil, body: String? = nil) async throws -> Double {
        let uitvoer = FileManager.default.temporaryDirectory.appendingPathComponent("overstap-curl-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: uitvoer) }
        var opdracht = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", "--max-time", "30"]
        if let token { opdracht += ["-H", "Authorization: Bearer \(token)"] }
        if let body { opdracht += ["-H", "Content-Type: application/json", "--data", body] }
        let volledig = ["/usr/bin/env"] + opdracht + [url]
        let status = try await Meting.eigenDraad { try spawnAndWait(volledig, outputPath: uitvoer) }
        let delen = ((try? String(contentsOfFile: uitvoer, encoding: .utf8)) ?? "").split(separator: " ")
        guard status == 0, delen.count == 2, Int(delen[0]) == verwacht, let seconden = Double(delen[1]) else {
            throw CLIFout("\(url) did not answer \(verwacht) (\(delen.first ?? "no answer")). Hint: is curl installed?")
        }
        return seconden * 1000
    }

    /// The two figures of one route, `http` (wrk: requests/s, p99 ms) and `ruw` (the same query
    /// through libpq) measured `Meting.runs` times in turn.
    private func paar(
        _ naam: String, _ wat: String, http: () async throws -> (Double, Double),
        ruw: () async throws -> (perSeconde: Double, latenties: [Double])
    ) async throws -> [Figuur] {
        var (ons, raw): ([(Double, Double)], [(Double, Double)]) = ([], [])
        for _ in 0..<Meting.runs {
            ons.append(try await http())
            let r = try await ruw()
            raw.append((r.perSeconde, Meting.percentiel(99, r.latenties)))
        }
        return [
            Figuur("g_\(naam)_rps", "\(wat) over HTTP (raw: the same query through libpq), \(verbindingen) connections",
                   eenheid: "requests/s", ons: Drie(ons.map(\.0), eenheid: "requests/s"), ruw: Drie(raw.map(\.0), eenheid: "requests/s")),
            Figuur("g_\(naam)_p99", "\(wat) over HTTP, p99 (raw: the same query through libpq)", eenheid: "ms",
                   ons: Drie(ons.map(\.1), eenheid: "ms"), ruw: Drie(raw.map(\.1), eenheid: "ms")),
        ]
    }

    /// Runs wrk; returns requests/s and p99 in ms.
    private func laad(_ wrk: String, poort: Int, pad: String?, ids: [TrajectID], token: String) async throws -> (Double, Double) {
        let map = FileManager.default.temporaryDirectory.appendingPathComponent("overstap-bench-\(UUID())")
        try FileManager.default.createDirectory(at: map, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: map) }
        let script = map.appendingPathComponent("verzoek.lua")
        let paden = pad.map { [$0] } ?? ids.map { "/v1/leerlingen/\($0.pad)/tijdlijn" }
        try """
            local paden = {\(paden.map { "\"\($0)\"" }.joined(separator: ","))}
            request = function()
              return wrk.format("GET", paden[math.random(#paden)], {["Authorization"] = "Bearer \(token)"})
            end
            """.write(to: script, atomically: true, encoding: .utf8)
        let uitvoer = map.appendingPathComponent("wrk.txt").path
        let seconden = max(1, Int(Meting.seconds(duur)))
        let opdracht = [wrk, "-t2", "-c\(verbindingen)", "-d\(seconden)s", "--latency", "-s", script.path, "http://127.0.0.1:\(poort)"]
        // On a thread of its own: the server under load runs in this process's cooperative pool.
        let status = try await Meting.eigenDraad { try spawnAndWait(opdracht, outputPath: uitvoer) }
        let tekst = (try? String(contentsOfFile: uitvoer, encoding: .utf8)) ?? ""
        guard status == 0, let rps = Self.getal(na: "Requests/sec:", in: tekst), let p99 = Self.latentie(na: "99%", in: tekst) else {
            throw CLIFout("wrk failed (status \(status)). Hint: run it by hand: \(wrk) -t2 -c8 -d5s http://127.0.0.1:\(poort)/health")
        }
        if tekst.contains("Non-2xx") { throw CLIFout("the server answered errors under load. Hint: see the wrk output in the log") }
        return (rps, p99)
    }

    private static func getal(na label: String, in tekst: String) -> Double? {
        tekst.split(separator: "\n").first { $0.contains(label) }
            .flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
    }

    /// A wrk latency like `1.23ms`, `850.00us` or `1.01s`, in ms.
    private static func latentie(na label: String, in tekst: String) -> Double? {
        guard let regel = tekst.split(separator: "\n").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }),
            let waarde = regel.split(separator: " ").last
        else { return nil }
        for (eenheid, factor) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where waarde.hasSuffix(eenheid) {
            return Double(waarde.dropLast(eenheid.count)).map { $0 * factor }
        }
        return nil
    }
}
