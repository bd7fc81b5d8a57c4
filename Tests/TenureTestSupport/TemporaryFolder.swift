import Foundation
import Testing

/// Gives each test its own temporary folder, deleted when the test ends, whatever it left there (a database, its WAL,
/// a backup): `@Suite(.temporaryFolder)`, then `TemporaryFolder.path("tenure.sqlite")` inside the test.
public struct TemporaryFolder: TestTrait, SuiteTrait, TestScoping {
    @TaskLocal static var current: URL?

    public var isRecursive: Bool { true }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        // The suite's own scope runs its tests; each test (and each case of an argument list) gets a folder of its own.
        guard testCase != nil else { return try await function() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await Self.$current.withValue(folder) { try await function() }
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
