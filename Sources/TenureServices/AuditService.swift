import Foundation
import TenureCore

/// The audit log, newest first.
public struct AuditService: Sendable {
    let storage: any Storage

    public init(storage: any Storage) { self.storage = storage }

    public func list(page: PageRequest) async throws -> Page<AuditEntry> {
        try await storage.read { tx in try await tx.auditLog.list(page) }
    }
}

/// One write made through the API.
public struct AuditEntry: Sendable, Equatable {
    public var at: Date
    public var keyName: String
    public var action: String
    public var resource: String
    public var resourceID: String?

    public init(at: Date, keyName: String, action: String, resource: String, resourceID: String?) {
        self.at = at
        self.keyName = keyName
        self.action = action
        self.resource = resource
        self.resourceID = resourceID
    }
}
