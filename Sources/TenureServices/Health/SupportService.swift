import Foundation
import TenureCore

/// One usage record as a client sends it.
public struct UsageInput: Sendable {
    public var accountID: String?
    public var date: String?
    public var activeUsers: Int?
    public var licensedSeats: Int?

    public init(accountID: String?, date: String?, activeUsers: Int?, licensedSeats: Int?) {
        self.accountID = accountID
        self.date = date
        self.activeUsers = activeUsers
        self.licensedSeats = licensedSeats
    }
}

/// Decoded from a request body as the API's decoder presents its keys (`account_id` as `accountId`).
extension UsageInput: Decodable {
    enum CodingKeys: String, CodingKey {
        case accountID = "accountId"
        case date
        case activeUsers
        case licensedSeats
    }
}

/// A new support case as a client sends it.
public struct CaseInput: Sendable {
    public var accountID: String?
    public var subject: String?
    public var priority: String?
    public var openedAt: String?
    public var contactID: String?
    public var externalID: String?

    public init(accountID: String?, subject: String?, priority: String?, openedAt: String?, contactID: String?, externalID: String?) {
        self.accountID = accountID
        self.subject = subject
        self.priority = priority
        self.openedAt = openedAt
        self.contactID = contactID
        self.externalID = externalID
    }
}

/// Decoded from a request body as the API's decoder presents its keys (`account_id` as `accountId`).
extension CaseInput: Decodable {
    enum CodingKeys: String, CodingKey {
        case accountID = "accountId"
        case subject
        case priority
        case openedAt
        case contactID = "contactId"
        case externalID = "externalId"
    }
}

/// The support targets as a client sends them, whole (`PUT /v1/settings/support`).
public struct SupportTargetsInput: Decodable, Sendable {
    public var firstResponseHours: [String: Double]?
}

/// A survey response as a client sends it.
public struct SurveyInput: Sendable {
    public var accountID: String?
    public var kind: String?
    public var score: Int?
    public var respondedAt: String?
    public var contactID: String?
    public var comment: String?

    public init(accountID: String?, kind: String?, score: Int?, respondedAt: String?, contactID: String?, comment: String?) {
        self.accountID = accountID
        self.kind = kind
        self.score = score
        self.respondedAt = respondedAt
        self.contactID = contactID
        self.comment = comment
    }
}

/// Decoded from a request body as the API's decoder presents its keys (`account_id` as `accountId`).
extension SurveyInput: Decodable {
    enum CodingKeys: String, CodingKey {
        case accountID = "accountId"
        case kind
        case score
        case respondedAt
        case contactID = "contactId"
        case comment
    }
}

/// What happens to a case: its first response, a resolve or a reopen.
public enum CaseEvent: String, Sendable {
    case respond, resolve, reopen
}

/// The inputs of the health score that customers and products send: usage, support cases and surveys.
public struct SupportService: Sendable {
    public static let maxUsageBatch = 10_000

    let storage: any Storage
    let clock: Clock

    public init(storage: any Storage, clock: Clock) {
        self.storage = storage
        self.clock = clock
    }

    /// Stores every record or none; a later record for the same account and day replaces the earlier one.
    public func recordUsage(_ inputs: [UsageInput], by actor: Actor) async throws -> [AccountUsage] {
        guard !inputs.isEmpty else { throw ValidationError("records", "must hold at least one record") }
        guard inputs.count <= Self.maxUsageBatch else { throw ValidationError("records", "must hold at most \(Self.maxUsageBatch) records") }
        let now = clock.now()
        let usage = try await inputs.enumerated().asyncMap { index, input in
            var validator = Validator()
            validator.required(input.accountID, "account_id")
            validator.required(input.date, "date")
            let day = calendarDate(input.date, "date", &validator)
            if let day, day > now { validator.add("date", "must not be in the future") }
            validator.required(input.activeUsers, "active_users")
            validator.range(input.activeUsers, "active_users", 0...Int(Int32.max))
            validator.required(input.licensedSeats, "licensed_seats")
            validator.range(input.licensedSeats, "licensed_seats", 0...Int(Int32.max))
            try await ValidationError.item(index, of: "records") { try validator.check() }
            return AccountUsage(
                accountID: input.accountID ?? "",
                record: UsageRecord(day: day ?? now, activeUsers: input.activeUsers ?? 0, licensedSeats: input.licensedSeats ?? 0)
            )
        }
        try await storage.write { tx in
            var known: Set<String> = []
            for (index, item) in usage.enumerated() where !known.contains(item.accountID) {
                try await ValidationError.item(index, of: "records") { try await requireLiveAccount(item.accountID, in: tx) }
                known.insert(item.accountID)
            }
            try await tx.usage.upsert(usage, at: now)
            try await tx.audit(actor, "usage.record", "usage", nil, at: now)
        }
        return usage
    }

    public func usage(account accountID: String, from: Date?, to: Date?, page: PageRequest) async throws -> Page<UsageRecord> {
        try await storage.read { tx in
            guard try await tx.accounts.find(id: accountID) != nil else { throw ServiceError.notFound(resource: "account", id: accountID) }
            return try await tx.usage.list(account: accountID, from: from, to: to, page)
        }
    }

    public func openCase(_ input: CaseInput, by actor: Actor) async throws -> SupportCase {
        let now = clock.now()
        var validator = Validator()
        validator.required(input.accountID, "account_id")
        validator.required(input.subject, "subject")
        validator.maxLength(input.subject, "subject", 500)
        validator.required(input.priority, "priority")
        let priority = CasePriority.parse(input.priority, "priority", &validator)
        let openedAt = pastInstant(input.openedAt, "opened_at", now: now, validator: &validator) ?? now
        validator.maxLength(input.externalID, "external_id", 255)
        try validator.check()
        let item = SupportCase(
            id: Identifier.make("case", at: now),
            accountID: input.accountID ?? "",
            subject: input.subject ?? "",
            priority: priority ?? .normal,
            openedAt: openedAt,
            contactID: input.contactID,
            externalID: input.externalID,
            createdAt: now
        )
        try await storage.write { tx in
            try await requireLiveAccount(item.accountID, in: tx)
            try await requireContact(item.contactID, of: item.accountID, in: tx)
            if let externalID = item.externalID, let existing = try await tx.cases.find(externalID: externalID) {
                throw ServiceError.conflict("a case with external_id \(externalID) already exists", existingID: existing.id)
            }
            try await tx.cases.insert(item, at: now)
            tx.emit(NewEvent(.caseOpened, account: item.accountID, at: item.openedAt, subject: EventSubject(.case, item.id)), now: now)
            try await tx.audit(actor, "case.create", "case", item.id, at: now)
        }
        return item
    }

    /// Records a first response (a later one changes nothing), a resolve or a reopen at `at` (default now), which may not
    /// precede the case's latest event. Resolving a resolved case or reopening an open one is a conflict.
    public func apply(_ event: CaseEvent, toCase id: String, at text: String?, by actor: Actor) async throws -> SupportCase {
        let now = clock.now()
        var validator = Validator()
        let at = pastInstant(text, "at", now: now, validator: &validator) ?? now
        try validator.check()
        return try await storage.write { tx in
            guard var item = try await tx.cases.find(id: id) else { throw ServiceError.notFound(resource: "case", id: id) }
            let current = item.transitions.last?.to ?? .open
            switch event {
            case .respond:
                guard item.firstResponseAt == nil else { return item }
                guard at >= item.openedAt else { throw ValidationError("at", "must not be before the case was opened") }
                item.firstResponseAt = at
            case .resolve, .reopen:
                let target: CaseStatus = event == .resolve ? .resolved : .open
                guard current != target else { throw ServiceError.conflict("case \(id) is already \(target.rawValue)") }
                guard at >= item.latestEvent else { throw ValidationError("at", "must not be before the case's latest change") }
                item.transitions.append(CaseTransition(to: target, at: at))
            }
            try await tx.cases.update(item, at: now)
            try await tx.audit(actor, "case.\(event.rawValue)", "case", id, at: now)
            return item
        }
    }

    public func getCase(_ id: String) async throws -> SupportCase {
        try await storage.read { tx in
            guard let item = try await tx.cases.find(id: id) else { throw ServiceError.notFound(resource: "case", id: id) }
            return item
        }
    }

    /// Cases opened by `asOf` in their state then, with the targets that decide whether each breached. The status and
    /// breach filters are judged per page, so a filtered page may be short; its cursor never skips a case.
    public func cases(
        _ filter: CaseFilter,
        status: CaseStatus?,
        breached: Bool?,
        asOf: Date,
        page: PageRequest
    ) async throws -> (page: Page<SupportCase>, targets: SupportTargets) {
        var filter = filter
        filter.openedBy = asOf
        return try await storage.read { [filter] tx in
            let targets = try await HealthBook.targets(in: tx)
            let page = try await tx.cases.list(filter, page).filtered { item in
                (status.map { item.status(at: asOf) == $0 } ?? true) && (breached.map { item.breached(targets, asOf: asOf) == $0 } ?? true)
            }
            return (page, targets)
        }
    }

    public func recordSurvey(_ input: SurveyInput, by actor: Actor) async throws -> Survey {
        let now = clock.now()
        var validator = Validator()
        validator.required(input.accountID, "account_id")
        validator.required(input.kind, "kind")
        let kind = SurveyKind.parse(input.kind, "kind", &validator)
        validator.required(input.score, "score")
        if let kind { validator.range(input.score, "score", Survey.scale(kind)) }
        let respondedAt = pastInstant(input.respondedAt, "responded_at", now: now, validator: &validator) ?? now
        validator.maxLength(input.comment, "comment", 5_000)
        try validator.check()
        let survey = Survey(
            id: Identifier.make("srv", at: now),
            accountID: input.accountID ?? "",
            kind: kind ?? .nps,
            score: input.score ?? 0,
            respondedAt: respondedAt,
            contactID: input.contactID,
            comment: input.comment,
            createdAt: now
        )
        try await storage.write { tx in
            try await requireLiveAccount(survey.accountID, in: tx)
            try await requireContact(survey.contactID, of: survey.accountID, in: tx)
            try await tx.surveys.insert(survey)
            try await tx.audit(actor, "survey.create", "survey", survey.id, at: now)
        }
        return survey
    }

    public func surveys(_ filter: SurveyFilter, page: PageRequest) async throws -> Page<Survey> {
        try await storage.read { tx in try await tx.surveys.list(filter, page) }
    }

    public func targets() async throws -> SupportTargets {
        try await storage.read { tx in try await HealthBook.targets(in: tx) }
    }

    /// Replaces the targets whole with `input`, once every field is valid.
    public func updateTargets(_ input: SupportTargetsInput, by actor: Actor) async throws -> SupportTargets {
        let targets = try SupportTargets.validated(input.firstResponseHours)
        let now = clock.now()
        try await storage.write { tx in
            try await tx.replaceSettings(targets, as: HealthBook.supportSettingsName, by: actor, at: now)
        }
        return targets
    }

    /// Over the cases of `accounts` when given (a key restricted to an owner), sliced by their accounts (the same metrics
    /// over a subset).
    public func metrics(
        from: Date,
        to: Date,
        asOf: Date,
        accounts: Set<String>? = nil,
        slice: Slice = Slice(),
        groupBy: SliceDimension? = nil
    ) async throws -> Sliced<SupportMetrics> {
        try await storage.read { tx in
            let cases = try await tx.cases.touched(from: from, to: to)
            let targets = try await HealthBook.targets(in: tx)
            let values = try await tx.sliceValues(for: slice, groupBy: groupBy, visible: accounts)
            return Sliced.evaluate(
                slice,
                groupBy: groupBy,
                items: cases,
                complete: accounts == nil,
                values: { values[$0.accountID] },
                universe: values
            ) { chosen in
                SupportMetrics(cases: chosen, from: from, to: to, asOf: asOf, targets: targets)
            }
        }
    }
}

/// A contact given with a record must be one of the account's.
func requireContact(_ contactID: String?, of accountID: String, in tx: any Transaction) async throws {
    guard let contactID else { return }
    guard let contact = try await tx.contacts.find(id: contactID) else { throw ValidationError("contact_id", "no contact has this id") }
    guard contact.accountID == accountID else { throw ValidationError("contact_id", "belongs to another account") }
    if let into = contact.mergedInto { throw ValidationError("contact_id", "was merged into \(into)") }
}
