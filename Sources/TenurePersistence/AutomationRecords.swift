import Foundation
import SQLiteStore
import TenureCore
import TenureJSON
import TenureServices

struct SQLAutomationRecords: AutomationRecords {
    let db: any SQLConnection

    func insert(_ stored: StoredAutomation) async throws {
        try await db.query(
            "INSERT INTO automations (name, trigger_type, definition, status, updated_at, id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            values(stored) + [stored.automation.id, stored.automation.createdAt.stored]
        )
    }

    func update(_ stored: StoredAutomation) async throws {
        try await db.query(
            "UPDATE automations SET name = ?, trigger_type = ?, definition = ?, status = ?, updated_at = ? WHERE id = ?",
            values(stored) + [stored.automation.id]
        )
    }

    func delete(id: String, at now: Date) async throws {
        try await db.query("UPDATE automations SET deleted_at = ?, updated_at = ? WHERE id = ?", [now.stored, now.stored, id])
    }

    func find(id: String) async throws -> StoredAutomation? {
        let found: StoredAutomation?? = try await db.first(
            "SELECT * FROM automations WHERE id = ? AND deleted_at IS NULL",
            [id],
            decode
        )
        return found ?? nil
    }

    func all() async throws -> [StoredAutomation] {
        let all: [StoredAutomation?] = try await db.map("SELECT * FROM automations WHERE deleted_at IS NULL ORDER BY seq", [], decode)
        return all.compactMap { $0 }
    }

    private func values(_ stored: StoredAutomation) -> [any SQLiteBindable] {
        let automation = stored.automation
        return [
            automation.name, automation.trigger.rawValue, StoredJSON.text(stored.definition), automation.status.rawValue, automation.updatedAt.stored,
        ]
    }

    private func decode(_ row: Row) -> StoredAutomation? {
        guard let definition = row.string("definition").flatMap(StoredJSON.value),
            let parsed = try? AutomationDefinition.parseStored(definition, name: row.string("name") ?? "", trigger: row.string("trigger_type") ?? "")
        else { return nil }
        let automation = Automation(
            id: row.string("id") ?? "",
            name: parsed.name,
            trigger: parsed.trigger,
            conditions: parsed.conditions,
            actions: parsed.actions,
            status: row.string("status").flatMap(Automation.Status.init(rawValue:)) ?? .disabled,
            createdAt: row.date("created_at") ?? .distantPast,
            updatedAt: row.date("updated_at") ?? .distantPast
        )
        return StoredAutomation(automation: automation, definition: definition)
    }
}

struct SQLAutomationRunRecords: AutomationRunRecords {
    let db: any SQLConnection

    func start(_ runs: [AutomationRun]) async throws {
        for run in runs {
            try await db.query(
                """
                INSERT INTO automation_runs (status, conditions, actions, next_action, resume_at, finished_at, id, automation_id, event_id,
                                             account_id, started_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (automation_id, event_id) DO NOTHING
                """,
                values(run) + [run.id, run.automationID, run.eventID, run.accountID, run.startedAt.stored]
            )
        }
    }

    func update(_ run: AutomationRun) async throws {
        try await db.query(
            "UPDATE automation_runs SET status = ?, conditions = ?, actions = ?, next_action = ?, resume_at = ?, finished_at = ? WHERE id = ?",
            values(run) + [run.id]
        )
    }

    func find(id: String) async throws -> AutomationRun? {
        try await db.first("SELECT * FROM automation_runs WHERE id = ?", [id], decode)
    }

    func lock(id: String) async throws -> AutomationRun? {
        try await db.first("SELECT * FROM automation_runs WHERE id = ?\(db.dialect.lockingRows)", [id], decode)
    }

    func list(_ filter: AutomationRunFilter, _ request: PageRequest) async throws -> Page<AutomationRun> {
        var conditions = Conditions()
        conditions.add("automation_id = ?", ifPresent: filter.automationID)
        conditions.add("status = ?", ifPresent: filter.status?.rawValue)
        conditions.add("event_id = ?", ifPresent: filter.eventID)
        conditions.add("account_id = ?", ifPresent: filter.accountID)
        return try await page(db, select: "SELECT * FROM automation_runs", conditions: conditions, request, decode: decode)
    }

    func due(at now: Date, limit: Int, claiming: Bool) async throws -> [AutomationRun] {
        try await db.map(
            """
            SELECT * FROM automation_runs WHERE status IN ('pending', 'running', 'waiting') AND resume_at <= ?
            ORDER BY resume_at LIMIT ?\(claiming ? db.dialect.claimingRows : "")
            """,
            [now.stored, limit],
            decode
        )
    }

    func cancel(unfinishedOf automationID: String, at now: Date) async throws {
        for var run in try await db.map(
            "SELECT * FROM automation_runs WHERE automation_id = ? AND status IN ('pending', 'running', 'waiting')",
            [automationID],
            decode
        ) {
            run.finish(.canceled, at: now)
            try await update(run)
        }
    }

    private func values(_ run: AutomationRun) -> [any SQLiteBindable] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let conditions = (try? encoder.encode(run.conditions)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        let actions = (try? encoder.encode(run.actions)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        return [run.status.rawValue, conditions, actions, run.nextAction, run.resumeAt?.stored, run.finishedAt?.stored]
    }

    private func decode(_ row: Row) -> AutomationRun {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        var run = AutomationRun(
            id: row.string("id") ?? "",
            automationID: row.string("automation_id") ?? "",
            eventID: row.string("event_id") ?? "",
            accountID: row.string("account_id"),
            at: row.date("started_at") ?? .distantPast
        )
        run.status = row.string("status").flatMap(AutomationRun.Status.init(rawValue:)) ?? .failed
        run.conditions = (try? decoder.decode([AutomationRun.ConditionResult].self, from: Data((row.string("conditions") ?? "[]").utf8))) ?? []
        run.actions = (try? decoder.decode([AutomationRun.ActionResult].self, from: Data((row.string("actions") ?? "[]").utf8))) ?? []
        run.nextAction = row.int("next_action") ?? 0
        run.resumeAt = row.date("resume_at")
        run.finishedAt = row.date("finished_at")
        return run
    }
}
