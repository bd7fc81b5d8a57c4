import Foundation

/// One event sent to one endpoint (or one `notify` of an automation run), with every attempt.
public struct EventDelivery: Sendable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable { case pending, succeeded, failed }
    public enum FailureReason: String, Sendable, Codable {
        case exhausted
        case endpointDisabled = "endpoint_disabled"
        case endpointDeleted = "endpoint_deleted"
    }

    public var id: String
    public var endpointID: String
    public var eventID: String
    public var eventSequence: Int
    public var eventType: EventType
    public var accountID: String?
    public var status: Status
    public var failureReason: FailureReason?
    public var attempts: [DeliveryAttempt]
    /// Failed attempts of the scheduled run (a manual attempt is not one of them).
    public var failures: Int
    public var nextAttemptAt: Date?
    /// The pending attempt is a manual retry: it goes now, outside the order.
    public var manual: Bool
    public var createdAt: Date
    /// A notification of an automation run (`notify`): sent unsigned to `url` with `body`, to no endpoint.
    public var automationRunID: String?
    public var url: String?
    public var body: String?

    public init(id: String, endpointID: String, event: (id: String, sequence: Int, type: EventType, accountID: String?), at now: Date) {
        self.id = id
        self.endpointID = endpointID
        eventID = event.id
        eventSequence = event.sequence
        eventType = event.type
        accountID = event.accountID
        status = .pending
        attempts = []
        failures = 0
        nextAttemptAt = now
        manual = false
        createdAt = now
    }
}

/// One request of a delivery and how it ended.
public struct DeliveryAttempt: Sendable, Equatable, Codable {
    public enum Failure: String, Sendable, Codable {
        case timeout, connection, tls
        case privateAddress = "private_address"
    }

    public var at: Date
    /// The response's status, if one came.
    public var statusCode: Int?
    public var durationMS: Int
    public var error: Failure?
    public var manual: Bool

    public init(at: Date, statusCode: Int?, durationMS: Int, error: Failure?, manual: Bool) {
        self.at = at
        self.statusCode = statusCode
        self.durationMS = durationMS
        self.error = error
        self.manual = manual
    }

    /// 2xx; a redirect is a failure (never followed).
    public var succeeded: Bool { error == nil && (200..<300).contains(statusCode ?? 0) }
}
