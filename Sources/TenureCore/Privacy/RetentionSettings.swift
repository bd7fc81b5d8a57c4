import Foundation

/// How long personal records are kept (`PRIVACY.md`, "Retention"): nil keeps them forever.
public struct RetentionSettings: Sendable, Equatable, Codable {
    public var activitiesDays: Int?
    public var webhookPayloadsDays: Int?
    public var auditLogDays: Int?
    public var accessLogDays: Int?
    public var leadsDays: Int?

    public init(
        activitiesDays: Int? = nil,
        webhookPayloadsDays: Int? = nil,
        auditLogDays: Int? = nil,
        accessLogDays: Int? = nil,
        leadsDays: Int? = nil
    ) {
        self.activitiesDays = activitiesDays
        self.webhookPayloadsDays = webhookPayloadsDays
        self.auditLogDays = auditLogDays
        self.accessLogDays = accessLogDays
        self.leadsDays = leadsDays
    }

    /// Each setting with its name and the shortest period it may have: a year for what proves what happened, 30 days
    /// for payloads and leads.
    public static var limits: [(name: String, keyPath: WritableKeyPath<RetentionSettings, Int?> & Sendable, minimum: Int)] {
        [
            ("activities_days", \.activitiesDays, 365),
            ("webhook_payloads_days", \.webhookPayloadsDays, 30),
            ("audit_log_days", \.auditLogDays, 365),
            ("access_log_days", \.accessLogDays, 365),
            ("leads_days", \.leadsDays, 30),
        ]
    }

    /// Every setting at or above its minimum.
    public func check(_ validator: inout Validator) {
        for (name, keyPath, minimum) in Self.limits {
            if let days = self[keyPath: keyPath], days < minimum { validator.add(name, "must be null or an integer of at least \(minimum)") }
        }
    }

    /// Records whose time is before this are expired as of `asOf`: exactly `days` old stays.
    public static func cutoff(days: Int?, asOf: Date) -> Date? {
        days.map { asOf.addingTimeInterval(-Double($0) * 86_400) }
    }
}
