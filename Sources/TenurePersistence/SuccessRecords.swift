import Foundation
import SQLiteStore
import TenureCore
import TenureJSON
import TenureServices

struct SQLiteUsageRecords: UsageRecords {
    let db: Connection

    func upsert(_ usage: [AccountUsage], at now: Date) throws {
        for item in usage {
            try db.query(
                """
                INSERT INTO usage_records (account_id, day, active_users, licensed_seats, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (account_id, day) DO UPDATE SET
                    active_users = excluded.active_users, licensed_seats = excluded.licensed_seats, updated_at = excluded.updated_at
                """,
                [item.accountID, item.record.day.stored, item.record.activeUsers, item.record.licensedSeats, now.stored]
            )
        }
    }

    func of(account accountID: String, from: Date, to: Date) throws -> [UsageRecord] {
        try db.query(
            "SELECT day, active_users, licensed_seats FROM usage_records WHERE account_id = ? AND day >= ? AND day < ? ORDER BY day",
            [accountID, from.stored, to.stored]
        ).map(decode)
    }

    func list(account accountID: String, from: Date?, to: Date?, _ request: PageRequest) throws -> Page<UsageRecord> {
        var conditions = Conditions()
        conditions.add("account_id = ?", accountID)
        conditions.add("day >= ?", ifPresent: from?.stored)
        conditions.add("day < ?", ifPresent: to?.stored)
        conditions.add("day > ?", ifPresent: request.after?.key)
        let rows = try db.query(
            "SELECT day, active_users, licensed_seats FROM usage_records \(conditions.sql) ORDER BY day LIMIT ?",
            conditions.parameters + [request.limit + 1]
        )
        let items = rows.prefix(request.limit).map(decode)
        return Page(items: items, next: rows.count > request.limit ? items.last.map { PageCursor(key: $0.day.stored, seq: 0) } : nil)
    }

    private func decode(_ row: Row) -> UsageRecord {
        UsageRecord(day: row.date("day") ?? .distantPast, activeUsers: row.int("active_users") ?? 0, licensedSeats: row.int("licensed_seats") ?? 0)
    }
}

struct SQLiteCaseRecords: CaseRecords {
    let db: Connection

    func insert(_ item: SupportCase, at now: Date) throws {
        try db.query(
            """
            INSERT INTO cases (account_id, subject, priority, opened_at, contact_id, external_id, first_response_at, status, transitions,
                               changed_at, updated_at, id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            try values(item, now) + [item.id, item.createdAt.stored]
        )
    }

    func update(_ item: SupportCase, at now: Date) throws {
        try db.query(
            """
            UPDATE cases SET account_id = ?, subject = ?, priority = ?, opened_at = ?, contact_id = ?, external_id = ?, first_response_at = ?,
                             status = ?, transitions = ?, changed_at = ?, updated_at = ?
            WHERE id = ?
            """,
            try values(item, now) + [item.id]
        )
    }

    func find(id: String) throws -> SupportCase? { try db.first("SELECT * FROM cases WHERE id = ?", [id], decode) }

    func find(externalID: String) throws -> SupportCase? { try db.first("SELECT * FROM cases WHERE external_id = ?", [externalID], decode) }

    func list(_ filter: CaseFilter, _ request: PageRequest) throws -> Page<SupportCase> {
        var conditions = Conditions()
        conditions.add("account_id = ?", ifPresent: filter.accountID)
        conditions.add("external_id = ?", ifPresent: filter.externalID)
        conditions.add("opened_at <= ?", ifPresent: filter.openedBy?.stored)
        return try page(db, select: "SELECT * FROM cases", conditions: conditions, request, decode: decode)
    }

    func of(account accountID: String, openedBy asOf: Date) throws -> [SupportCase] {
        try db.map("SELECT * FROM cases WHERE account_id = ? AND opened_at <= ? ORDER BY seq", [accountID, asOf.stored], decode)
    }

    func touched(from: Date, to: Date) throws -> [SupportCase] {
        // A case opened before the window counts in it only through a resolve or reopen at or after `from`.
        try db.map(
            "SELECT * FROM cases WHERE opened_at < ? AND (opened_at >= ? OR changed_at >= ?) ORDER BY seq",
            [to.stored, from.stored, from.stored],
            decode
        )
    }

    func firstResponses(openedFrom from: Date, to: Date) throws -> [(openedAt: Date, firstResponseAt: Date?)] {
        try db.map("SELECT opened_at, first_response_at FROM cases WHERE opened_at >= ? AND opened_at < ?", [from.stored, to.stored]) { row in
            (row.date("opened_at") ?? .distantPast, row.date("first_response_at"))
        }
    }

    private func values(_ item: SupportCase, _ now: Date) throws -> [any SQLiteBindable] {
        let transitions = String(decoding: try JSONEncoder().encode(item.transitions.map { [$0.to.rawValue, String($0.at.stored)] }), as: UTF8.self)
        return [
            item.accountID, item.subject, item.priority.rawValue, item.openedAt.stored, item.contactID, item.externalID, item.firstResponseAt?.stored,
            item.transitions.last?.to.rawValue ?? CaseStatus.open.rawValue, transitions,
            max(item.openedAt, item.transitions.map(\.at).max() ?? item.openedAt).stored, now.stored,
        ]
    }

    /// Transitions are stored as `[["resolved", "<unix ms>"], …]`, read back with the single-pass parser (`JSONDecoder`
    /// was most of the support figures' time in the summary).
    private func decode(_ row: Row) throws -> SupportCase {
        guard case .array(let pairs)? = JSONValue.parse(row.blob("transitions") ?? Array("[]".utf8)) else {
            throw UnreadableRecord(description: "the stored transitions of case \(row.string("id") ?? "") do not read back")
        }
        return SupportCase(
            id: row.string("id") ?? "",
            accountID: row.string("account_id") ?? "",
            subject: row.string("subject") ?? "",
            priority: row.string("priority").flatMap(CasePriority.init(rawValue:)) ?? .normal,
            openedAt: row.date("opened_at") ?? .distantPast,
            contactID: row.string("contact_id"),
            externalID: row.string("external_id"),
            firstResponseAt: row.date("first_response_at"),
            transitions: pairs.compactMap { pair in
                let pair = pair.array
                guard pair.count == 2, let to = pair[0].string.flatMap(CaseStatus.init(rawValue:)), let ms = pair[1].string.flatMap({ Int64($0) })
                else { return nil }
                return CaseTransition(to: to, at: Date(unixMilliseconds: ms))
            },
            createdAt: row.date("created_at") ?? .distantPast
        )
    }
}

struct SQLiteSurveyRecords: SurveyRecords {
    let db: Connection

    func insert(_ survey: Survey) throws {
        try db.query(
            "INSERT INTO surveys (id, account_id, kind, score, responded_at, contact_id, comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                survey.id, survey.accountID, survey.kind.rawValue, survey.score, survey.respondedAt.stored, survey.contactID, survey.comment,
                survey.createdAt.stored,
            ]
        )
    }

    func list(_ filter: SurveyFilter, _ request: PageRequest) throws -> Page<Survey> {
        var conditions = Conditions()
        conditions.add("account_id = ?", ifPresent: filter.accountID)
        conditions.add("kind = ?", ifPresent: filter.kind?.rawValue)
        return try page(db, select: "SELECT * FROM surveys", conditions: conditions, request, decode: decode)
    }

    func of(account accountID: String, after from: Date, upTo to: Date) throws -> [Survey] {
        try db.query(
            "SELECT * FROM surveys WHERE account_id = ? AND responded_at > ? AND responded_at <= ? ORDER BY responded_at, seq",
            [accountID, from.stored, to.stored]
        ).map(decode)
    }

    private func decode(_ row: Row) -> Survey {
        Survey(
            id: row.string("id") ?? "",
            accountID: row.string("account_id") ?? "",
            kind: row.string("kind").flatMap(SurveyKind.init(rawValue:)) ?? .nps,
            score: row.int("score") ?? 0,
            respondedAt: row.date("responded_at") ?? .distantPast,
            contactID: row.string("contact_id"),
            comment: row.string("comment"),
            createdAt: row.date("created_at") ?? .distantPast
        )
    }
}

struct SQLiteTaskRecords: TaskRecords {
    let db: Connection

    func insert(_ task: SuccessTask) throws {
        try db.query(
            """
            INSERT INTO tasks (account_id, playbook, title, owner, status, due_at, flag_id, completed_at, updated_at, id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            values(task) + [task.id, task.createdAt.stored]
        )
    }

    func update(_ task: SuccessTask) throws {
        try db.query(
            """
            UPDATE tasks SET account_id = ?, playbook = ?, title = ?, owner = ?, status = ?, due_at = ?, flag_id = ?, completed_at = ?,
                             updated_at = ?
            WHERE id = ?
            """,
            values(task) + [task.id]
        )
    }

    func find(id: String) throws -> SuccessTask? { try db.first("SELECT * FROM tasks WHERE id = ?", [id], decode) }

    func open(account accountID: String, playbook: RiskFlagCode) throws -> SuccessTask? {
        try db.first("SELECT * FROM tasks WHERE account_id = ? AND playbook = ? AND status = 'open'", [accountID, playbook.rawValue], decode)
    }

    func list(_ filter: TaskFilter, _ request: PageRequest) throws -> Page<SuccessTask> {
        var conditions = Conditions()
        conditions.add("account_id = ?", ifPresent: filter.accountID)
        conditions.add("owner = ?", ifPresent: filter.owner)
        conditions.add("status = ?", ifPresent: filter.status?.rawValue)
        return try page(db, select: "SELECT * FROM tasks", conditions: conditions, request, decode: decode)
    }

    private func values(_ task: SuccessTask) -> [any SQLiteBindable] {
        [
            task.accountID, task.playbook.rawValue, task.title, task.owner, task.status.rawValue, task.dueAt.stored, task.flagID,
            task.completedAt?.stored, task.updatedAt.stored,
        ]
    }

    private func decode(_ row: Row) -> SuccessTask {
        SuccessTask(
            id: row.string("id") ?? "",
            accountID: row.string("account_id") ?? "",
            playbook: row.string("playbook").flatMap(RiskFlagCode.init(rawValue:)) ?? .healthRed,
            title: row.string("title") ?? "",
            owner: row.string("owner"),
            status: row.string("status").flatMap(TaskStatus.init(rawValue:)) ?? .open,
            dueAt: row.date("due_at") ?? .distantPast,
            flagID: row.string("flag_id"),
            createdAt: row.date("created_at") ?? .distantPast,
            completedAt: row.date("completed_at"),
            updatedAt: row.date("updated_at") ?? .distantPast
        )
    }
}
