import Foundation
import Logging
import SQLiteStore
import TenureTestSupport
import Testing

@testable import TenurePersistence

/// `ReadCache`: one copy per state of its sources, made once however many readers find it stale.
@Suite(.temporaryFolder) struct ReadCacheTests {
    @Test func readersThatFindTheCopyStaleWaitForOneToMakeIt() async throws {
        let path = TemporaryFolder.path("tenure.sqlite")
        await (try await SQLiteStorage(path: path, durability: .normal, migrate: true, logger: Logger(label: "test"))).close()
        let cache = ReadCache<Int>(sources: "ledger")
        let made = Made()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    guard let connection = try? Connection(path: path, readOnly: true) else { return made.failed() }
                    let value = try? await cache.value(in: connection) {
                        try await Task.sleep(for: .milliseconds(200))  // long enough for the other readers to find it stale too
                        return made.one()
                    }
                    if value != 1 { made.failed() }
                }
            }
        }
        #expect(made.count == 1 && !made.failure, "one copy made, every reader given it")
    }
}

/// Counts the copies made by concurrent readers.
private final class Made: @unchecked Sendable {
    // Safe: touched only under `lock`.
    private let lock = NSLock()
    private var made = 0
    private var failures = 0

    var count: Int { lock.withLock { made } }
    var failure: Bool { lock.withLock { failures > 0 } }

    func one() -> Int {
        lock.withLock {
            made += 1
            return made
        }
    }
    func failed() { lock.withLock { failures += 1 } }
}
