import Foundation
import Testing

/// Gives each test its own temporary folder, deleted when the test ends, whatever it left there (a database, its WAL,
/// a backup): `@Suite(.temporaryFolder)`, then `TemporaryFolder.path("tenure.sqlite")` inside the test.
public struct TemporaryFolder: TestTrait, SuiteTrait, TestScoping {
    @TaskLocal static var current: URL?
    @TaskLocal static var cleanups: Cleanups?

    public var isRecursive: Bool { true }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        // The suite's own scope runs its tests; each test (and each case of an argument list) gets a folder of its own.
        guard testCase != nil else { return try await function() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cleanups = Cleanups()
        do {
            try await Self.$cleanups.withValue(cleanups) { try await Self.$current.withValue(folder) { try await function() } }
            await cleanups.run()
        } catch {
            await cleanups.run()
            throw error
        }
    }

    /// Runs `cleanup` when the test ends (e.g. drops a database the test created on a server).
    public static func whenTestEnds(_ cleanup: @escaping @Sendable () async -> Void) {
        precondition(cleanups != nil, "a suite that makes databases is marked @Suite(.temporaryFolder)")
        cleanups?.add(cleanup)
    }

    /// A new path for `name` in a folder of its own inside the test's folder (so two calls never share a file).
    public static func path(_ name: String) -> String {
        precondition(current != nil, "a suite that writes files is marked @Suite(.temporaryFolder)")
        let root = current ?? FileManager.default.temporaryDirectory
        let folder = root.appendingPathComponent(UUID().uuidString)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name).path
    }
}

extension Trait where Self == TemporaryFolder {
    /// Each test gets a temporary folder, deleted when it ends.
    public static var temporaryFolder: Self { TemporaryFolder() }
}

/// What a test asked to be done when it ends, in reverse order.
final class Cleanups: @unchecked Sendable {
    // Safe: `actions` is only touched under `lock`.
    private let lock = NSLock()
    private var actions: [@Sendable () async -> Void] = []

    func add(_ action: @escaping @Sendable () async -> Void) { lock.withLock { actions.append(action) } }

    func run() async {
        let actions = lock.withLock { self.actions.reversed() }
        for action in actions { await action() }
    }
}
