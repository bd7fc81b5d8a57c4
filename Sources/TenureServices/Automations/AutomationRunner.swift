import Foundation
import TenureCore
import TenureJSON

/// Moves runs along (`EVENTS.md`, "Runs", "Once"): each step — the conditions, then the actions up to a `wait` — commits
/// with the run's progress, so a crash neither loses nor doubles a task, a field or a tag, and a restart resumes.
public struct AutomationRunner: Sendable {
    let storage: any Storage
    let clock: Clock
    let settings: OutboundSettings
    let accounts: AccountService

    /// How long a claimed run is held from other workers (a run is a few writes; only a worker that stopped leaves one).
    public static let lease: TimeInterval = 30

    /// The event and its account as the conditions see them: the event as `GET /v1/events/{id}` answers it, the account
    /// as its `GET` answers now (null when the event has none).
    public typealias Documents = @Sendable (Event) async throws -> (event: JSONValue, account: JSONValue)

    /// Claims up to `limit` due runs; a read first, since most calls find none.
    public func claim(limit: Int) async throws -> [String] {
        let now = clock.now()
        guard !(try await storage.read { tx in try await tx.automationRuns.due(at: now, limit: limit, claiming: false) }).isEmpty else { return [] }
        return try await storage.write { tx in
            var claimed: [String] = []
            for var run in try await tx.automationRuns.due(at: now, limit: limit, claiming: true) {
                run.resumeAt = now.addingTimeInterval(Self.lease)
                try await tx.automationRuns.update(run)
                claimed.append(run.id)
            }
            return claimed
        }
    }

    /// Takes the run `id` as far as it goes now.
    public func advance(_ id: String, documents: Documents) async throws {
        let found = try await storage.read { tx -> (AutomationRun, Event)? in
            guard let run = try await tx.automationRuns.find(id: id), !run.status.isFinished,
                let event = try await tx.events.find(id: run.eventID)
            else { return nil }
            return (run, event)
        }
        guard let (_, event) = found else { return }
        let seen = try await documents(event)
        let now = clock.now()
        let (accounts, scale) = (self.accounts, settings.schedule.scale)
        try await storage.write { tx in
            guard var run = try await tx.automationRuns.lock(id: id), !run.status.isFinished else { return }
            guard let automation = try await tx.automations.find(id: run.automationID)?.automation, automation.status == .enabled else {
                run.finish(.canceled, at: now)
                return try await tx.automationRuns.update(run)
            }
            let documents = AutomationDocuments(event: seen.event, account: seen.account)
            try await tx.outbox.caused(by: EventSource(.automation, id: run.id)) {
                try await Self.step(&run, automation, documents, event: event, now: now, waitScale: scale, accounts: accounts, in: tx)
            }
            try await tx.automationRuns.update(run)
        }
    }

    private static func step(
        _ run: inout AutomationRun,
        _ automation: Automation,
        _ documents: AutomationDocuments,
        event: Event,
        now: Date,
        waitScale: Double,
        accounts: AccountService,
        in tx: any Transaction
    ) async throws {
        switch run.status {
        case .pending:
            run.conditions = documents.results(of: automation.conditions)
            guard run.conditions.allSatisfy(\.result) else { return run.finish(.notMatched, at: now) }
            run.status = .running
        case .waiting:
            guard case .wait(_, let conditions) = automation.actions[safe: run.nextAction] else { return run.finish(.failed, at: now) }
            guard documents.results(of: conditions).allSatisfy(\.result) else {
                run.actions[run.nextAction].status = .notMatched
                return run.finish(.stopped, at: now)
            }
            run.actions[run.nextAction].status = .succeeded
            run.nextAction += 1
            run.status = .running
        default: break
        }
        while let action = automation.actions[safe: run.nextAction] {
            let index = run.nextAction
            if case .wait(let hours, _) = action {
                run.actions[index].status = .waiting
                run.status = .waiting
                run.resumeAt = now.addingTimeInterval(hours * 3600 * waitScale)
                return
            }
            do {
                let result = try await tx.nested {
                    try await perform(
                        action,
                        of: run,
                        automation: automation,
                        documents: documents,
                        event: event,
                        now: now,
                        accounts: accounts,
                        in: tx
                    )
                }
                run.actions[index].status = .succeeded
                run.actions[index].result = result
            } catch let error as ValidationError {
                run.actions[index].status = .failed
                run.actions[index].error = error.errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
                return run.finish(.failed, at: now)
            } catch let error as ServiceError {
                run.actions[index].status = .failed
                run.actions[index].error = "\(error)"
                return run.finish(.failed, at: now)
            }
            run.nextAction += 1
        }
        run.finish(.completed, at: now)
    }

    private static func perform(
        _ action: AutomationAction,
        of run: AutomationRun,
        automation: Automation,
        documents: AutomationDocuments,
        event: Event,
        now: Date,
        accounts: AccountService,
        in tx: any Transaction
    ) async throws -> [String: AutomationCondition.Value] {
        func account() async throws -> Account {
            guard let id = run.accountID, let account = try await tx.accounts.find(id: id) else {
                throw ValidationError("account", "the event names no account")
            }
            return account
        }
        switch action {
        case .createTask(let title, let dueInHours, let assignee):
            let account = try await account()
            let task = SuccessTask(
                id: Identifier.make("tsk", at: now),
                accountID: account.id,
                playbook: nil,
                title: title,
                owner: assignee ?? account.owner,
                status: .open,
                dueAt: now.addingTimeInterval(dueInHours * 3600),
                flagID: nil,
                createdAt: now,
                completedAt: nil,
                updatedAt: now,
                automationID: automation.id
            )
            try await tx.tasks.insert(task)
            tx.emit(NewEvent(.taskCreated, account: account.id, at: now, subject: EventSubject(.task, task.id)), now: now)
            return ["task_id": .string(task.id)]
        case .setField(let field, let value):
            let before = try await account()
            var changes = AccountChanges()
            let update: FieldUpdate<String> = value.map { .set($0) } ?? .clear
            if field == "owner" { changes.owner = update } else { changes.segment = update }
            _ = try await accounts.update(before.id, changes, at: now, in: tx)
            let previous = field == "owner" ? before.owner : before.segment?.rawValue
            return ["field": .string(field), "previous": previous.map { .string($0) } ?? .null, "value": value.map { .string($0) } ?? .null]
        case .addTag(let tag):
            let before = try await account()
            if !before.tags.contains(where: { $0.lowercased() == tag.lowercased() }) {
                var changes = AccountChanges()
                changes.tags = .set(before.tags + [tag])
                _ = try await accounts.update(before.id, changes, at: now, in: tx)
            }
            return ["tag": .string(tag)]
        case .notify(let url, let text):
            let tenure: [(String, JSONValue)] = [
                ("event_id", .string(event.id)), ("account_id", .optional(run.accountID)), ("automation_id", .string(automation.id)),
                ("run_id", .string(run.id)),
            ]
            let body = JSONValue.object(
                JSONObject(members: [("text", .string(documents.render(text))), ("tenure", .object(JSONObject(members: tenure)))])
            )
            var delivery = EventDelivery(
                id: Identifier.make("whd", at: now),
                endpointID: "",
                event: (event.id, event.sequence, event.type, run.accountID),
                at: now
            )
            delivery.automationRunID = run.id
            delivery.url = url
            delivery.body = String(decoding: try JSONWriter().encode(body), as: UTF8.self)
            try await tx.webhookDeliveries.insert([delivery])
            return ["delivery_id": .string(delivery.id)]
        case .wait:
            return [:]
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
