import Foundation
import Logging
import ServiceLifecycle
import TenureServices

/// Runs automations in the background: due runs (new ones, and waits whose time came) start within a second, a few at
/// once; each step commits on its own (`AutomationRunner`).
struct AutomationWorker: Service {
    let runner: AutomationRunner
    let documents: AutomationDocumentsReader
    let logger: Logger
    var batch = 16
    var idlePoll: Duration = .milliseconds(200)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var claimed: [String] = []
                do {
                    claimed = try await runner.claim(limit: batch)
                } catch {
                    logger.error("automations.claim_failed", metadata: ["error": "\(error)"])
                }
                await withTaskGroup(of: Void.self) { group in
                    for id in claimed {
                        group.addTask {
                            do {
                                try await runner.advance(id) { event in try await documents.read(event) }
                            } catch {
                                // Left claimed: the run is taken up again when the claim lapses.
                                logger.error("automations.advance_failed", metadata: ["run.id": "\(id)", "error": "\(error)"])
                            }
                        }
                    }
                }
                if claimed.isEmpty { try? await Task.sleep(for: idlePoll) }
            }
        }
    }
}
