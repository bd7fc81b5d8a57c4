import Foundation
import SQLiteStore
import TenureCore
import TenureServices

struct SQLTaskRecords: TaskRecords {
    let db: any SQLConnection

    func insert(_ task: SuccessTask) async throws {
        try await db.query(
            """
            INSERT INTO tasks (account_id, playbook, title, owner, status, due_at, flag_id, completed_at, updated_at, id, created_at, automation_id,
                               lead_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            values(task) + [task.id, task.createdAt.stored, task.automationID, task.leadID]
        )
    }

    func update(_ task: SuccessTask) async throws {
        try await db.query(
            """
            UPDATE tasks SET account_id = ?, playbook = ?, title = ?, owner = ?, status = ?, due_at = ?, flag_id = ?, completed_at = ?,
                             updated_at = ?
            WHERE id = ?
            """,
            values(task) + [task.id]
        )
    }

    func find(id: String) async throws -> SuccessTask? { try await db.first("SELECT * FROM tasks WHERE id = ?", [id], decode) }

    func open(account accountID: String, playbook: RiskFlagCode) async throws -> SuccessTask? {
        try await db.first("SELECT * FROM tasks WHERE account_id = ? AND playbook = ? AND status = 'open'", [accountID, playbook.rawValue], decode)
    }

    func openFollowUp(lead leadID: String) async throws -> SuccessTask? {
        try await db.first("SELECT * FROM tasks WHERE lead_id = ? AND status = 'open'", [leadID], decode)
    }

    func list(_ filter: TaskFilter, _ request: PageRequest) async throws -> Page<SuccessTask> {
        var conditions = Conditions()
        conditions.add("account_id = ?", ifPresent: filter.accountID)
        conditions.add("owner = ?", ifPresent: filter.owner)
        conditions.add("status = ?", ifPresent: filter.status?.rawValue)
        conditions.add("automation_id = ?", ifPresent: filter.automationID)
        conditions.add("lead_id = ?", ifPresent: filter.leadID)
        guard filter.byDueDate else { return try await page(db, select: "SELECT * FROM tasks", conditions: conditions, request, decode: decode) }
        return try await page(db, select: "SELECT * FROM tasks", conditions: conditions, orderedBy: "due_at", request, decode: decode)
    }

    private func values(_ task: SuccessTask) -> [any SQLiteBindable] {
        [
            task.accountID, task.playbookName, task.title, task.owner, task.status.rawValue, task.dueAt.stored, task.flagID,
            task.completedAt?.stored, task.updatedAt.stored,
        ]
    }

    private func decode(_ row: Row) -> SuccessTask {
        SuccessTask(
            id: row.string("id") ?? "",
            accountID: row.string("account_id"),
            playbook: row.string("playbook").flatMap(RiskFlagCode.init(rawValue:)),
            title: row.string("title") ?? "",
            owner: row.string("owner"),
            status: row.string("status").flatMap(TaskStatus.init(rawValue:)) ?? .open,
            dueAt: row.date("due_at") ?? .distantPast,
            flagID: row.string("flag_id"),
            createdAt: row.date("created_at") ?? .distantPast,
            completedAt: row.date("completed_at"),
            updatedAt: row.date("updated_at") ?? .distantPast,
            automationID: row.string("automation_id"),
            leadID: row.string("lead_id")
        )
    }
}
