import Foundation
import TenureCore

/// The fields a client sends for an activity.
public struct ActivityInput: Sendable {
    public var accountID: String?
    public var type: String?
    public var occurredAt: String?
    public var contactID: String?
    public var opportunityID: String?
    public var direction: String?
    public var subject: String?
    public var purpose: String?

    public init(
        accountID: String?,
        type: String?,
        occurredAt: String?,
        contactID: String?,
        opportunityID: String?,
        direction: String?,
        subject: String?,
        purpose: String? = nil
    ) {
        self.accountID = accountID
        self.type = type
        self.occurredAt = occurredAt
        self.contactID = contactID
        self.opportunityID = opportunityID
        self.direction = direction
        self.subject = subject
        self.purpose = purpose
    }
}

/// Decoded from a request body as the API's decoder presents its keys (`account_id` as `accountId`).
extension ActivityInput: Decodable {
    enum CodingKeys: String, CodingKey {
        case accountID = "accountId"
        case type
        case occurredAt
        case contactID = "contactId"
        case opportunityID = "opportunityId"
        case direction
        case subject
        case purpose
    }
}

public struct ActivityService: Sendable {
    /// The most activities one batch may hold.
    public static let maxBatch = 10_000

    let storage: any Storage
    let clock: Clock

    public init(storage: any Storage, clock: Clock) {
        self.storage = storage
        self.clock = clock
    }

    public func create(_ input: ActivityInput, by actor: Actor) async throws -> Activity {
        try await createBatch([input], by: actor, fieldPrefix: nil)[0]
    }

    /// Stores every activity or none: the first invalid one fails the batch with its index in the field names.
    public func createBatch(_ inputs: [ActivityInput], by actor: Actor) async throws -> [Activity] {
        guard !inputs.isEmpty else { throw ValidationError("activities", "must hold at least one activity") }
        guard inputs.count <= Self.maxBatch else { throw ValidationError("activities", "must hold at most \(Self.maxBatch) activities") }
        return try await createBatch(inputs, by: actor, fieldPrefix: "activities")
    }

    public func list(_ filter: ActivityFilter, page: PageRequest) async throws -> Page<Activity> {
        try await storage.read { tx in try await tx.activities.list(filter, page) }
    }

    private func createBatch(_ inputs: [ActivityInput], by actor: Actor, fieldPrefix: String?) async throws -> [Activity] {
        let now = clock.now()
        let activities = try await inputs.enumerated().asyncMap { index, input in
            try await ValidationError.item(index, of: fieldPrefix) { try validated(input, now: now) }
        }
        try await storage.write { tx in
            var knownAccounts: Set<String> = []
            for (index, activity) in activities.enumerated() {
                try await ValidationError.item(index, of: fieldPrefix) { try await checkReferences(activity, knownAccounts: &knownAccounts, in: tx) }
            }
            try await tx.activities.insert(activities)
            let action = fieldPrefix == nil ? "activity.create" : "activity.batch_create"
            try await tx.audit(actor, action, "activity", activities.count == 1 ? activities[0].id : nil, at: now)
        }
        return activities
    }

    func validated(_ input: ActivityInput, now: Date) throws -> Activity {
        var validator = Validator()
        validator.required(input.accountID, "account_id")
        validator.required(input.type, "type")
        let type = ActivityType.parse(input.type, "type", &validator)
        let direction = ActivityDirection.parse(input.direction, "direction", &validator)
        let purpose = ConsentPurpose.parse(input.purpose, "purpose", &validator)
        if purpose == .all { validator.add("purpose", "must be one of " + ConsentPurpose.specific.map(\.rawValue).joined(separator: ", ")) }
        let occurredAt = pastInstant(input.occurredAt, "occurred_at", now: now, validator: &validator) ?? now
        validator.maxLength(input.subject, "subject", 2_000)
        try validator.check()
        return Activity(
            id: Identifier.make("act", at: now),
            accountID: input.accountID ?? "",
            type: type ?? .note,
            occurredAt: occurredAt,
            contactID: input.contactID,
            opportunityID: input.opportunityID,
            direction: direction,
            subject: input.subject,
            createdAt: now,
            purpose: purpose ?? type?.defaultPurpose
        )
    }

    func checkReferences(_ activity: Activity, knownAccounts: inout Set<String>, in tx: any Transaction) async throws {
        if !knownAccounts.contains(activity.accountID) {
            try await requireLiveAccount(activity.accountID, in: tx)
            knownAccounts.insert(activity.accountID)
        }
        try await requireContact(activity.contactID, of: activity.accountID, in: tx)
        if let opportunityID = activity.opportunityID {
            guard let opportunity = try await tx.opportunities.find(id: opportunityID) else {
                throw ValidationError("opportunity_id", "no opportunity has this id")
            }
            guard opportunity.accountID == activity.accountID else { throw ValidationError("opportunity_id", "belongs to another account") }
        }
    }
}
