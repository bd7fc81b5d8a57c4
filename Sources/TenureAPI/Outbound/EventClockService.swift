import Foundation
import Logging
import ServiceLifecycle
import TenureServices

/// Ticks the event clock (`EventClock`): what came due since the last tick is emitted within `interval` of its time.
/// Once an hour, deletes the events past their retention (`EventLog.prune`).
struct EventClockService: Service {
    let eventClock: EventClock
    let log: EventLog
    let clock: Clock
    let logger: Logger
    var interval: Duration = .seconds(30)
    var pruneEvery: Duration = .seconds(3600)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var lastPrune = ContinuousClock.now - pruneEvery
            while !Task.isCancelled {
                do {
                    try await eventClock.tick()
                    if ContinuousClock.now - lastPrune >= pruneEvery {
                        lastPrune = ContinuousClock.now
                        try await log.prune(now: clock.now())
                    }
                } catch {
                    logger.error("events.clock_failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
