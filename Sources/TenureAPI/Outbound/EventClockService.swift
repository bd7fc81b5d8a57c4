import Foundation
import Logging
import ServiceLifecycle
import TenureServices

/// Ticks the event clock (`EventClock`): what came due since the last tick is emitted within `interval` of its time.
struct EventClockService: Service {
    let eventClock: EventClock
    let logger: Logger
    var interval: Duration = .seconds(30)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await eventClock.tick()
                } catch {
                    logger.error("events.clock_failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
