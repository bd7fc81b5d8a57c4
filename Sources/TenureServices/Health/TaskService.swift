import Foundation
import TenureCore
import TenureJSON

/// A task someone writes: `POST /v1/tasks`.
public struct TaskInput: Decodable, Sendable {
    public var accountId: String?
    public var title: String?
    public var dueAt: String?
    public var owner: String?
}

/// Tasks, from whatever made them (a flag's playbook, an automation, a routed lead, a person), and the playbooks that
/// decide what a flag's task says (`INSIGHTS.md`, "Growth signals, playbooks, tasks").
public struct TaskService: Sendable {
    let storage: any Storage
    let clock: Clock

    public init(storage: any Storage, clock: Clock) {
        self.storage = storage
        self.clock = clock
    }

    public func list(_ filter: TaskFilter, page: PageRequest) async throws -> Page<SuccessTask> {
        try await storage.read { tx in try await tx.tasks.list(filter, page) }
    }

    /// A manual task: open, for the account's owner unless it names one; any number may be open at one account.
    public func create(_ input: TaskInput, by actor: Actor) async throws -> SuccessTask {
        let now = clock.now()
        var validator = Validator()
        validator.required(input.accountId, "account_id")
        validator.required(input.title, "title")
        validator.maxLength(input.title, "title", 500)
        validator.maxLength(input.owner, "owner", 200)
        validator.required(input.dueAt, "due_at")
        let dueAt = input.dueAt.flatMap(Timestamp.parseInstantOrDate)
        if input.dueAt != nil, dueAt == nil { validator.add("due_at", "must be an RFC 3339 instant or a date (YYYY-MM-DD)") }
        let owner = input.owner?.trimmingCharacters(in: .whitespaces)
        if owner?.isEmpty == true { validator.add("owner", "must not be empty") }
        try validator.check()
        return try await storage.write { tx in
            let accountID = input.accountId ?? ""
            try await requireLiveAccount(accountID, in: tx)
            let account = try await tx.accounts.find(id: accountID)
            let task = SuccessTask(
                id: Identifier.make("tsk", at: now),
                accountID: accountID,
                playbook: nil,
                title: input.title ?? "",
                owner: owner ?? account?.owner,
                status: .open,
                dueAt: dueAt ?? now,
                flagID: nil,
                createdAt: now,
                completedAt: nil,
                updatedAt: now
            )
            try await tx.tasks.insert(task)
            tx.emit(NewEvent(.taskCreated, account: accountID, at: now, subject: EventSubject(.task, task.id)), now: now)
            try await tx.audit(actor, "task.create", "task", task.id, at: now)
            return task
        }
    }

    /// Marks a task done or open again; reopening when the playbook already has another open task is a conflict.
    public func update(_ id: String, status text: String?, by actor: Actor) async throws -> SuccessTask {
        var validator = Validator()
        validator.required(text, "status")
        let status = TaskStatus.parse(text, "status", &validator)
        try validator.check()
        let now = clock.now()
        return try await storage.write { tx in
            guard var task = try await tx.tasks.find(id: id) else { throw ServiceError.notFound(resource: "task", id: id) }
            guard let status, status != task.status else { return task }
            if status == .open, let playbook = task.playbook, let account = task.accountID,
                let other = try await tx.tasks.open(account: account, playbook: playbook)
            {
                throw ServiceError.conflict("task \(other.id) of this playbook is already open", existingID: other.id)
            }
            if status == .open, let lead = task.leadID, let other = try await tx.tasks.openFollowUp(lead: lead) {
                throw ServiceError.conflict("task \(other.id), this lead's follow-up, is already open", existingID: other.id)
            }
            task.status = status
            task.completedAt = status == .done ? now : nil
            task.updatedAt = now
            try await tx.tasks.update(task)
            try await tx.audit(actor, "task.update", "task", id, at: now)
            return task
        }
    }

    // MARK: Playbooks

    public func playbooks() async throws -> JSONValue {
        try await storage.read { tx in Self.json(try await HealthBook.playbooks(in: tx)) }
    }

    /// Replaces the company's playbooks whole; a code left out follows its built-in playbook again.
    public func updatePlaybooks(_ body: JSONValue, by actor: Actor) async throws -> JSONValue {
        let playbooks = try Self.playbooks(body)
        let now = clock.now()
        try await storage.write { tx in
            try await tx.replaceSettings(playbooks, as: HealthBook.playbooksName, by: actor, at: now)
        }
        return Self.json(playbooks)
    }

    /// `{"playbooks": [{flag, title?, due_in_days?, assignee?, enabled?}]}`: a title or a due time left out is the
    /// built-in one's, the assignee the account owner, enabled true.
    static func playbooks(_ body: JSONValue) throws -> Playbooks {
        var validator = Validator()
        JSONReading.rejectUnknownKeys(body, allowed: ["playbooks"], at: nil, &validator)
        var flags: Set<RiskFlagCode> = []
        let list = JSONReading.list(JSONReading.member(body, "playbooks"), at: "playbooks", &validator) { item, at, validator -> Playbook? in
            JSONReading.rejectUnknownKeys(item, allowed: ["flag", "title", "due_in_days", "assignee", "enabled"], at: at, &validator)
            let flag = RiskFlagCode(rawValue: item["flag"].string ?? "")
            if flag == nil {
                validator.add("\(at).flag", "must be one of " + RiskFlagCode.allCases.map(\.rawValue).joined(separator: ", "))
            } else if let flag, !flags.insert(flag).inserted {
                validator.add("\(at).flag", "must not appear twice")
            }
            let title = text(item, "title", at: at, &validator)
            let assignee = text(item, "assignee", at: at, &validator)
            var days: Int?
            if let given = JSONReading.member(item, "due_in_days") {
                days = JSONReading.integer(given)
                if !(0...Playbook.maximumDueInDays).contains(days ?? -1) {
                    validator.add("\(at).due_in_days", "must be an integer from 0 to \(Playbook.maximumDueInDays)")
                }
            }
            var enabled = true
            if let given = JSONReading.member(item, "enabled") {
                if let value = given.bool { enabled = value } else { validator.add("\(at).enabled", "must be true or false") }
            }
            guard let flag else { return nil }
            let builtIn = Playbook.builtIn(flag)
            return Playbook(
                flag: flag,
                title: title ?? builtIn.title,
                dueInDays: days ?? builtIn.dueInDays,
                assignee: assignee.map(Playbook.Assignee.init) ?? builtIn.assignee,
                enabled: enabled
            )
        }
        if list == nil { validator.add("playbooks", "is required") }
        try validator.check()
        return Playbooks(custom: list ?? [])
    }

    /// A text member: absent is nil, anything but a non-empty string of at most 500 characters is a problem.
    private static func text(_ item: JSONValue, _ key: String, at: String, _ validator: inout Validator) -> String? {
        guard let given = JSONReading.member(item, key) else { return nil }
        guard let text = given.string?.trimmingCharacters(in: .whitespaces), !text.isEmpty, text.count <= 500 else {
            validator.add("\(at).\(key)", "must be a non-empty string of at most 500 characters")
            return nil
        }
        return text
    }

    static func json(_ playbooks: Playbooks) -> JSONValue {
        .object(
            JSONObject(members: [
                (
                    "playbooks",
                    .array(
                        playbooks.all.map { playbook, custom in
                            .object(
                                JSONObject(members: [
                                    ("flag", .string(playbook.flag.rawValue)), ("title", .string(playbook.title)),
                                    ("due_in_days", JSONReading.number(playbook.dueInDays)), ("assignee", .string(playbook.assignee.name)),
                                    ("enabled", .bool(playbook.enabled)), ("custom", .bool(custom)),
                                ])
                            )
                        }
                    )
                )
            ])
        )
    }
}
