import Foundation
import SQLiteStore
import TenureCore
import TenureServices

struct SQLiteOpportunityRecords: OpportunityRecords {
    let db: Connection

    private static let columns =
        "seq, id, account_id, name, amount, currency, close_date, owner, type, external_id, created_at, updated_at, crm_synced_at"

    func insert(_ opportunity: Opportunity) throws {
        try db.query(
            """
            INSERT INTO opportunities (id, account_id, name, amount, currency, close_date, owner, type, external_id, created_at,
                                       updated_at, crm_synced_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [opportunity.id] + values(opportunity) + [opportunity.createdAt.stored, opportunity.updatedAt.stored, opportunity.crmSyncedAt?.stored]
        )
    }

    func update(_ opportunity: Opportunity) throws {
        try db.query(
            """
            UPDATE opportunities SET account_id = ?, name = ?, amount = ?, currency = ?, close_date = ?, owner = ?, type = ?,
                                     external_id = ?, updated_at = ?, crm_synced_at = ?
            WHERE id = ?
            """,
            values(opportunity) + [opportunity.updatedAt.stored, opportunity.crmSyncedAt?.stored, opportunity.id]
        )
    }

    func find(id: String) throws -> Opportunity? {
        try db.first("SELECT \(Self.columns) FROM opportunities WHERE id = ?", [id]).map(decode)
    }

    func find(externalID: String) throws -> Opportunity? {
        try db.first("SELECT \(Self.columns) FROM opportunities WHERE external_id = ?", [externalID]).map(decode)
    }

    func list(_ filter: OpportunityFilter, _ request: PageRequest) throws -> Page<Opportunity> {
        var conditions = Conditions()
        conditions.add("account_id = ?", ifPresent: filter.accountID)
        conditions.add("owner = ?", ifPresent: filter.owner)
        conditions.add("external_id = ?", ifPresent: filter.externalID)
        conditions.add("created_at <= ?", ifPresent: filter.createdBefore?.stored)
        return try page(db, select: "SELECT \(Self.columns) FROM opportunities", conditions: conditions, request, decode: decode)
    }

    func all(createdBefore asOf: Date) throws -> [Opportunity] {
        try db.map("SELECT \(Self.columns) FROM opportunities WHERE created_at <= ? ORDER BY seq", [asOf.stored], decode)
    }

    func addChange(_ change: StageChange, to opportunityID: String) throws {
        try db.query(
            "INSERT INTO stage_changes (opportunity_id, stage, at, tiebreak, lost_reason) VALUES (?, ?, ?, ?, ?)",
            [opportunityID, change.stage.rawValue, change.at.stored, change.order, change.lostReason]
        )
    }

    func changes(of ids: [String]?) throws -> [String: [StageChange]] {
        let select = "SELECT opportunity_id, stage, at, tiebreak, lost_reason FROM stage_changes"
        var changes: [String: [StageChange]] = [:]
        func add(_ row: Row) {
            guard let id = row.string("opportunity_id"), let stage = row.string("stage").flatMap(PipelineStage.init(rawValue:)) else { return }
            changes[id, default: []].append(
                StageChange(
                    stage: stage,
                    at: row.date("at") ?? .distantPast,
                    order: row.string("tiebreak") ?? "",
                    lostReason: row.string("lost_reason")
                )
            )
        }
        if let ids {
            for id in ids { try db.forEachRow("\(select) WHERE opportunity_id = ?", [id], add) }
        } else {
            try db.forEachRow(select, add)
        }
        return changes
    }

    func lastActivities(of ids: [String]?, asOf: Date) throws -> [String: Date] {
        let sql = "SELECT opportunity_id, max(occurred_at) AS at FROM activities WHERE opportunity_id = ? AND occurred_at <= ?"
        var latest: [String: Date] = [:]
        func add(_ row: Row) { if let id = row.string("opportunity_id"), let at = row.date("at") { latest[id] = at } }
        if let ids {
            for id in ids { try db.forEachRow(sql, [id, asOf.stored], add) }
        } else {
            try db.forEachRow(
                "SELECT opportunity_id, max(occurred_at) AS at FROM activities WHERE opportunity_id IS NOT NULL AND occurred_at <= ? GROUP BY opportunity_id",
                [asOf.stored],
                add
            )
        }
        return latest
    }

    func setContractEndDate(_ date: Date?, of opportunityID: String) throws {
        try db.query("UPDATE opportunities SET contract_end_date = ? WHERE id = ?", [date?.stored, opportunityID])
    }

    func contractEndDate(account accountID: String) throws -> Date? {
        try db.first("SELECT max(contract_end_date) AS at FROM opportunities WHERE account_id = ?", [accountID])?.date("at")
    }

    func moveAccount(from source: String, to target: String) throws {
        try db.query("UPDATE opportunities SET account_id = ? WHERE account_id = ?", [target, source])
    }

    private func values(_ opportunity: Opportunity) -> [any SQLiteBindable] {
        [
            opportunity.accountID, opportunity.name, opportunity.amount, opportunity.currency, opportunity.closeDate, opportunity.owner,
            opportunity.type.rawValue, opportunity.externalID,
        ]
    }

    private func decode(_ row: Row) -> Opportunity {
        Opportunity(
            id: row.string("id") ?? "",
            accountID: row.string("account_id") ?? "",
            name: row.string("name") ?? "",
            amount: row.int("amount") ?? 0,
            currency: row.string("currency") ?? "",
            closeDate: row.string("close_date"),
            owner: row.string("owner"),
            type: row.string("type").flatMap(OpportunityType.init(rawValue:)) ?? .newBusiness,
            externalID: row.string("external_id"),
            createdAt: row.date("created_at") ?? .distantPast,
            updatedAt: row.date("updated_at") ?? .distantPast,
            crmSyncedAt: row.date("crm_synced_at")
        )
    }
}

struct SQLiteSettingsRecords: SettingsRecords {
    let db: Connection

    func value(_ name: String) throws -> [UInt8]? {
        try db.first("SELECT value FROM settings WHERE name = ?", [name])?.blob("value")
    }

    func setValue(_ name: String, _ value: [UInt8]) throws {
        try db.query(
            "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            [name, String(decoding: value, as: UTF8.self)]
        )
    }
}

struct SQLiteWebhookEventRecords: WebhookEventRecords {
    let db: Connection

    func insert(_ event: WebhookEvent) throws {
        try db.query(
            """
            INSERT INTO webhook_events (id, source, event_id, type, occurred_at, received_at, status, error, attempts, payload)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                event.id, event.source.rawValue, event.eventID, event.type, event.occurredAt?.stored, event.receivedAt.stored, event.status.rawValue,
                event.error, event.attempts, event.payload,
            ]
        )
    }

    func update(_ event: WebhookEvent) throws {
        try db.query(
            "UPDATE webhook_events SET status = ?, error = ?, attempts = ?, occurred_at = ?, waiting_for = ? WHERE id = ?",
            [event.status.rawValue, event.error, event.attempts, event.occurredAt?.stored, event.waitingFor, event.id]
        )
    }

    func find(id: String) throws -> WebhookEvent? {
        try db.first("SELECT * FROM webhook_events WHERE id = ?", [id]).map(decode)
    }

    func find(source: WebhookSource, eventID: String) throws -> WebhookEvent? {
        try db.first("SELECT * FROM webhook_events WHERE source = ? AND event_id = ?", [source.rawValue, eventID]).map(decode)
    }

    func list(_ filter: WebhookEventFilter, _ request: PageRequest) throws -> Page<WebhookEvent> {
        var conditions = Conditions()
        conditions.add("source = ?", ifPresent: filter.source?.rawValue)
        conditions.add("status = ?", ifPresent: filter.status?.rawValue)
        conditions.add("type = ?", ifPresent: filter.type)
        conditions.add("seq < ?", request.after?.seq ?? Int64.max)
        let rows = try db.query(
            "SELECT * FROM webhook_events \(conditions.sql) ORDER BY seq DESC LIMIT ?",
            conditions.parameters + [request.limit + 1]
        )
        let next = rows.count > request.limit ? rows[request.limit - 1].int("seq").map { PageCursor(seq: Int64($0)) } : nil
        return Page(items: rows.prefix(request.limit).map(decode), next: next)
    }

    func pending(waitingFor key: String) throws -> [WebhookEvent] {
        try db.map("SELECT * FROM webhook_events WHERE waiting_for = ? AND status = 'pending' ORDER BY occurred_at, event_id", [key], decode)
    }

    private func decode(_ row: Row) -> WebhookEvent {
        var event = WebhookEvent(
            id: row.string("id") ?? "",
            source: row.string("source").flatMap(WebhookSource.init(rawValue:)) ?? .crm,
            eventID: row.string("event_id") ?? "",
            type: row.string("type") ?? "",
            occurredAt: row.date("occurred_at"),
            receivedAt: row.date("received_at") ?? .distantPast,
            status: row.string("status").flatMap(WebhookStatus.init(rawValue:)) ?? .failed,
            error: row.string("error"),
            attempts: row.int("attempts") ?? 1,
            payload: row.blob("payload") ?? []
        )
        event.waitingFor = row.string("waiting_for")
        return event
    }
}
