import Foundation
import TenureCore

public protocol SettingsRecords {
    func value(_ name: String) async throws -> [UInt8]?
    func setValue(_ name: String, _ value: [UInt8]) async throws
}

extension SettingsRecords {
    /// The stored settings `name`, or `defaults` when none were stored.
    func decoded<T: Decodable>(_ name: String, defaults: T) async throws -> T {
        guard let stored = try await value(name) else { return defaults }
        return try JSONDecoder().decode(T.self, from: Data(stored))
    }

    func store<T: Encodable>(_ settings: T, as name: String) async throws {
        try await setValue(name, Array(try JSONEncoder().encode(settings)))
    }
}
