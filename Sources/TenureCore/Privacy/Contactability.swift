import Foundation

/// Whether a person may be contacted on a channel for a purpose at an instant, and the record that decides it
/// (`PRIVACY.md`, "State").
public struct Contactability: Sendable, Equatable {
    public enum Reason: String, Sendable {
        case granted, withdrawn
        case noRecord = "no_record"
    }

    public var allowed: Bool { reason == .granted }
    public var reason: Reason
    /// The record that decides; nil when no record bears on the question.
    public var deciding: Consent?

    /// Of one person's `records`, those with `occurred_at` ≤ `at` that bear on (channel, purpose) — grants for exactly
    /// that pair, withdrawals of that purpose or of `all` on any channel — and the latest of them decides; a withdrawal
    /// wins a tie, then the later recorded. So an email unsubscribe stops marketing SMS and calls at once.
    public init(of records: [Consent], channel: ConsentChannel, purpose: ConsentPurpose, at: Date) {
        let bearing = records.filter { record in
            guard record.occurredAt <= at else { return false }
            switch record.status {
            case .granted: return record.channel == channel && record.purpose == purpose
            case .withdrawn: return record.purpose == purpose || record.purpose == .all
            }
        }
        let deciding = bearing.max { a, b in
            (a.occurredAt, a.status == .withdrawn ? 1 : 0, a.recordedAt) < (b.occurredAt, b.status == .withdrawn ? 1 : 0, b.recordedAt)
        }
        self.deciding = deciding
        reason =
            switch deciding?.status {
            case .granted: .granted
            case .withdrawn: .withdrawn
            case nil: .noRecord
            }
    }
}

/// An outbound email, SMS or call to a person more than 24 hours after the withdrawal that decides against it
/// (`PRIVACY.md`, "Violations").
public struct ConsentViolation: Sendable, Equatable {
    public var activity: Activity
    public var channel: ConsentChannel
    public var purpose: ConsentPurpose
    public var withdrawal: Consent

    /// How long after the withdrawal the activity happened.
    public var hoursAfterWithdrawal: Double { activity.occurredAt.timeIntervalSince(withdrawal.occurredAt) / 3600 }

    /// The grace a withdrawal gives before contacting the person breaks it.
    public static let grace: TimeInterval = 24 * 3600

    /// The violation `activity` is, given its person's `records`: none unless it is an outbound email, SMS or call with a
    /// contact and a purpose, decided against by a withdrawal more than 24 hours before it.
    public static func of(_ activity: Activity, records: [Consent]) -> ConsentViolation? {
        guard activity.direction == .outbound, activity.contactID != nil, let channel = activity.type.consentChannel,
            let purpose = activity.purpose
        else { return nil }
        let state = Contactability(of: records, channel: channel, purpose: purpose, at: activity.occurredAt)
        guard let withdrawal = state.deciding, withdrawal.status == .withdrawn,
            activity.occurredAt.timeIntervalSince(withdrawal.occurredAt) > grace
        else { return nil }
        return ConsentViolation(activity: activity, channel: channel, purpose: purpose, withdrawal: withdrawal)
    }
}

extension ActivityType {
    /// The channel an activity of this type reaches a person on, for those that contact one.
    public var consentChannel: ConsentChannel? {
        switch self {
        case .email: .email
        case .sms: .sms
        case .call: .phone
        case .meeting, .note, .task: nil
        }
    }
}
