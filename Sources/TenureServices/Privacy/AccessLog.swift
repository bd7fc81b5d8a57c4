import Foundation
import TenureCore

/// One read of personal data that answered 2xx (`PRIVACY.md`, "Access control"): who read what, never an email.
public struct AccessEntry: Sendable, Equatable {
    public var at: Date
    public var keyName: String
    public var action: String
    public var resource: String
    public var resourceID: String?
    /// How many records the read returned.
    public var count: Int

    public init(at: Date, keyName: String, action: String, resource: String, resourceID: String?, count: Int) {
        self.at = at
        self.keyName = keyName
        self.action = action
        self.resource = resource
        self.resourceID = resourceID
        self.count = count
    }
}

public struct AccessLogFilter: Sendable {
    public var keyName: String?
    public var action: String?
    public var resourceID: String?

    public init(keyName: String? = nil, action: String? = nil, resourceID: String? = nil) {
        self.keyName = keyName
        self.action = action
        self.resourceID = resourceID
    }
}

public protocol AccessLogRecords {
    func append(_ entry: AccessEntry) async throws
    /// Newest first.
    func list(_ filter: AccessLogFilter, _ page: PageRequest) async throws -> Page<AccessEntry>
}

/// The log of personal-data reads: each written before the read answers.
public struct AccessLogService: Sendable {
    let storage: any Storage

    public init(storage: any Storage) { self.storage = storage }

    public func record(_ entry: AccessEntry) async throws {
        try await storage.write { tx in try await tx.accessLog.append(entry) }
    }

    public func list(_ filter: AccessLogFilter, page: PageRequest) async throws -> Page<AccessEntry> {
        try await storage.read { tx in try await tx.accessLog.list(filter, page) }
    }
}
