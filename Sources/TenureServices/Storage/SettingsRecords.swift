import Foundation
import TenureCore

public protocol SettingsRecords {
    func value(_ name: String) throws -> [UInt8]?
    func setValue(_ name: String, _ value: [UInt8]) throws
}

extension SettingsRecords {
    /// The stored settings `name`, or `defaults` when none were stored.
    func decoded<T: Decodable>(_ name: String, defaults: T) throws -> T {
        guard let stored = try value(name) else { return defaults }
        return try JSONDecoder().decode(T.self, from: Data(stored))
    }

    func store<T: Encodable>(_ settings: T, as name: String) throws {
        try setValue(name, Array(try JSONEncoder().encode(settings)))
    }
}
