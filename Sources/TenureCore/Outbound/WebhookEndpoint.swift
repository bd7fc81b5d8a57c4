import Foundation

/// A URL that receives events (`EVENTS.md`, "Webhook endpoints").
public struct WebhookEndpoint: Sendable, Equatable {
    public enum Status: String, Sendable, Codable { case enabled, disabled }
    public enum DisabledReason: String, Sendable, Codable { case failing, manual }

    public var id: String
    public var url: String
    /// Catalogue types, or `["*"]`: every type, future ones too.
    public var enabledEvents: [String]
    public var description: String?
    public var status: Status
    public var disabledReason: DisabledReason?
    /// `whsec_` + base64 of 32 random bytes.
    public var secret: String
    /// The secret before the last rotation, which also signs until `previousSecretExpiresAt`.
    public var previousSecret: String?
    public var previousSecretExpiresAt: Date?
    /// The first failure of the unbroken run of failures that is going on, if one is.
    public var failingSince: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, url: String, enabledEvents: [String], description: String?, secret: String, at now: Date) {
        self.id = id
        self.url = url
        self.enabledEvents = enabledEvents
        self.description = description
        status = .enabled
        self.secret = secret
        createdAt = now
        updatedAt = now
    }

    public func receives(_ type: EventType) -> Bool {
        status == .enabled && (enabledEvents.contains("*") || enabledEvents.contains(type.rawValue))
    }

    /// The secrets that sign a request made at `now`: the current one, and the previous one during its overlap.
    public func signingSecrets(at now: Date) -> [String] {
        guard let previousSecret, let expires = previousSecretExpiresAt, now < expires else { return [secret] }
        return [secret, previousSecret]
    }

    /// How long the previous secret keeps signing after a rotation.
    public static let rotationOverlap: TimeInterval = 24 * 3600
}
