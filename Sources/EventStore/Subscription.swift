import Logging
import Postgres
import Synchronization

/// What a subscriber wants after a page.
public enum SubscriptionControl: Sendable {
    /// Keep delivering.
    case `continue`
    /// Return from `subscribe`.
    case stop
}

extension EventStore {
    /// Delivers every committed event after `position` in global order, page by page, then keeps
    /// following new ones: woken by NOTIFY, and by polling every `pollInterval` in case a wake-up
    /// was missed. Each wake-up re-queries from the last event delivered, so no event is skipped
    /// or delivered twice. Returns when `handle` says `.stop`; throws `CancellationError` when the
    /// task is cancelled.
    public func subscribe(
        after position: GlobalPosition, pageSize: Int = 1000, pollInterval: Duration = .seconds(1),
        _ handle: ([RecordedEvent]) async throws -> SubscriptionControl
    ) async throws {
        var last = position
        try await follow(pollInterval: pollInterval) {
            let page = try await pool.withConnection { try await Self.page(after: last, limit: pageSize, on: $0) }
            guard let newest = page.events.last else { return page.isCaughtUp ? .caughtUp : .behindHorizon }
            last = newest.globalPosition
            return try await handle(page.events) == .stop ? .stop : .more
        }
    }

    enum FollowStep {
        /// Delivered a page; ask again at once.
        case more
        /// Nothing committed lies beyond; wait for a wake-up or the poll.
        case caughtUp
        /// Committed events wait for earlier transactions to finish; ask again shortly.
        case behindHorizon
        /// The subscriber is done.
        case stop
    }

    /// How long to wait before asking again while behind the horizon.
    static let horizonRetry = Duration.milliseconds(5)

    /// Runs `step` until it says `.stop`, waiting for a wake-up whenever it has caught up.
    func follow(pollInterval: Duration, _ step: () async throws -> FollowStep) async throws {
        let signal = WakeSignal()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in await listenForWakeUps(signal) }
            defer { group.cancelAll() }
            while true {
                try Task.checkCancellation()
                switch try await step() {
                case .more: continue
                case .stop: return
                case .caughtUp: await signal.wait(timeout: pollInterval)
                case .behindHorizon: try await Task.sleep(for: Self.horizonRetry)
                }
            }
        }
    }

    /// Keeps a LISTEN connection open until cancelled, reconnecting after failures.
    private func listenForWakeUps(_ signal: WakeSignal) async {
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(pool.configuration)
                signal.signal()  // whatever was appended while we were not listening
                do {
                    try await connection.listen(to: Self.notificationChannel) { _ in signal.signal() }
                } catch {
                    await connection.close()
                    throw error
                }
                await connection.close()
            } catch {
                logger.info("event listener lost its connection; polling until it is back",
                            metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}

/// A wake-up that may arrive before anyone waits for it (then the next wait returns at once).
final class WakeSignal: Sendable {
    private struct State: Sendable {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    /// Wakes the waiter, or the next one to wait.
    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns on a signal, after `timeout`, or when the task is cancelled.
    func wait(timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                if (try? await Task.sleep(for: timeout)) != nil { self.signal() }
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let ready = state.withLock { state -> Bool in
                        if state.pending {
                            state.pending = false
                            return true
                        }
                        state.waiter = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            } onCancel: {
                signal()
            }
            group.cancelAll()
        }
    }
}
