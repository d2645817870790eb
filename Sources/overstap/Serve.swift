import ArgumentParser
import Dispatch
import EventStore
import Foundation
import Logging

/// `overstap serve`: the long-running service.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the service until SIGINT or SIGTERM.",
        discussion: """
            For now the service checks that the database is reachable and fully migrated, then keeps \
            the read models (timeline, cases) up to date as events arrive, until a signal asks it to \
            stop. The HTTP API arrives with later work.
            """)

    func run() async throws {
        let logger = Logger(label: "overstap.serve")
        try await Omgeving.met { omgeving in
            let who: String = try await omgeving.database.pool.query("SELECT current_user AS who").first!.decode("who")
            logger.info("overstap is running; stop with Ctrl-C or SIGTERM", metadata: ["db.role": "\(who)"])
            try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask {
                    try await omgeving.projectie.run()
                    return nil
                }
                group.addTask { await shutdownSignal() }
                let signal = try await group.next() ?? nil
                logger.info("shutting down", metadata: ["signal": "\(signal ?? "-")"])
                group.cancelAll()
                _ = try? await group.waitForAll()
            }
        }
    }
}

enum ServeError: Error, CustomStringConvertible {
    case notMigrated(pending: Int)

    var description: String {
        switch self {
        case .notMigrated(let pending):
            "the database lacks \(pending) migration(s). Hint: run `overstap migrate` first"
        }
    }
}

/// Waits for SIGINT or SIGTERM and returns its name.
func shutdownSignal() async -> String {
    await withCheckedContinuation { continuation in
        let resumed = ResumeOnce(continuation)
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { resumed.resume(name) }
            source.resume()
            signalSources.append(source)
        }
    }
}

// Kept alive for the life of the process; only touched from `shutdownSignal` before it suspends.
nonisolated(unsafe) private var signalSources: [DispatchSourceSignal] = []

/// Resumes a continuation at most once, whichever signal arrives first.
private final class ResumeOnce: @unchecked Sendable {
    // @unchecked: `continuation` is only read and cleared under `lock`.
    private var continuation: CheckedContinuation<String, Never>?
    private let lock = NSLock()
    init(_ continuation: CheckedContinuation<String, Never>) { self.continuation = continuation }
    func resume(_ value: String) {
        lock.lock()
        let pending = continuation
        continuation = nil
        lock.unlock()
        pending?.resume(returning: value)
    }
}
