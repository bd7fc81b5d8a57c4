import Foundation
import SQLiteStore
import TenureCore
import TenureJSON
import TenureServices

struct SQLWebhookEndpointRecords: WebhookEndpointRecords {
    let db: any SQLConnection

    func insert(_ endpoint: WebhookEndpoint) async throws {
        try await db.query(
            """
            INSERT INTO webhook_endpoints (url, enabled_events, description, status, disabled_reason, secret, previous_secret,
                                           previous_secret_expires_at, failing_since, updated_at, id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            values(endpoint) + [endpoint.id, endpoint.createdAt.stored]
        )
    }

    func update(_ endpoint: WebhookEndpoint) async throws {
        try await db.query(
            """
            UPDATE webhook_endpoints SET url = ?, enabled_events = ?, description = ?, status = ?, disabled_reason = ?, secret = ?,
                   previous_secret = ?, previous_secret_expires_at = ?, failing_since = ?, updated_at = ?
            WHERE id = ?
            """,
            values(endpoint) + [endpoint.id]
        )
    }

    func delete(id: String, at now: Date) async throws {
        try await db.query("UPDATE webhook_endpoints SET deleted_at = ?, updated_at = ? WHERE id = ?", [now.stored, now.stored, id])
    }

    func find(id: String) async throws -> WebhookEndpoint? {
        try await db.first("SELECT * FROM webhook_endpoints WHERE id = ? AND deleted_at IS NULL", [id], decode)
    }

    func lock(id: String) async throws -> WebhookEndpoint? {
        try await db.first("SELECT * FROM webhook_endpoints WHERE id = ? AND deleted_at IS NULL\(db.dialect.lockingRows)", [id], decode)
    }

    func all() async throws -> [WebhookEndpoint] {
        try await db.map("SELECT * FROM webhook_endpoints WHERE deleted_at IS NULL ORDER BY seq", [], decode)
    }

    func sharing() async throws -> [WebhookEndpoint] {
        try await db.map("SELECT * FROM webhook_endpoints WHERE deleted_at IS NULL ORDER BY seq\(db.dialect.sharingRows)", [], decode)
    }

    private func values(_ endpoint: WebhookEndpoint) -> [any SQLiteBindable] {
        [
            endpoint.url, StoredJSON.text(.array(endpoint.enabledEvents.map(JSONValue.string))), endpoint.description,
            endpoint.status.rawValue, endpoint.disabledReason?.rawValue, endpoint.secret, endpoint.previousSecret,
            endpoint.previousSecretExpiresAt?.stored, endpoint.failingSince?.stored, endpoint.updatedAt.stored,
        ]
    }

    private func decode(_ row: Row) -> WebhookEndpoint {
        var endpoint = WebhookEndpoint(
            id: row.string("id") ?? "",
            url: row.string("url") ?? "",
            enabledEvents: row.string("enabled_events").flatMap(StoredJSON.value)?.array.compactMap(\.string) ?? [],
            description: row.string("description"),
            secret: row.string("secret") ?? "",
            at: row.date("created_at") ?? .distantPast
        )
        endpoint.status = row.string("status").flatMap(WebhookEndpoint.Status.init(rawValue:)) ?? .disabled
        endpoint.disabledReason = row.string("disabled_reason").flatMap(WebhookEndpoint.DisabledReason.init(rawValue:))
        endpoint.previousSecret = row.string("previous_secret")
        endpoint.previousSecretExpiresAt = row.date("previous_secret_expires_at")
        endpoint.failingSince = row.date("failing_since")
        endpoint.updatedAt = row.date("updated_at") ?? .distantPast
        return endpoint
    }
}

struct SQLWebhookDeliveryRecords: WebhookDeliveryRecords {
    let db: any SQLConnection

    func insert(_ deliveries: [EventDelivery]) async throws {
        for delivery in deliveries {
            try await db.query(
                """
                INSERT INTO webhook_deliveries (status, failure_reason, attempts, failures, next_attempt_at, manual, id, endpoint_id, event_id,
                                                event_sequence, event_type, account_id, created_at, automation_run_id, url, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                values(delivery)
                    + [
                        delivery.id, delivery.endpointID, delivery.eventID, delivery.eventSequence, delivery.eventType.rawValue,
                        delivery.accountID ?? "", delivery.createdAt.stored, delivery.automationRunID, delivery.url, delivery.body,
                    ]
            )
        }
    }

    func update(_ delivery: EventDelivery) async throws {
        try await db.query(
            """
            UPDATE webhook_deliveries SET status = ?, failure_reason = ?, attempts = ?, failures = ?, next_attempt_at = ?, manual = ?
            WHERE id = ?
            """,
            values(delivery) + [delivery.id]
        )
    }

    func find(id: String) async throws -> EventDelivery? {
        try await db.first("SELECT * FROM webhook_deliveries WHERE id = ?", [id], decode)
    }

    func lock(id: String) async throws -> EventDelivery? {
        try await db.first("SELECT * FROM webhook_deliveries WHERE id = ?\(db.dialect.lockingRows)", [id], decode)
    }

    func list(_ filter: DeliveryFilter, _ request: PageRequest) async throws -> Page<EventDelivery> {
        var conditions = Conditions()
        conditions.add("endpoint_id = ?", ifPresent: filter.endpointID)
        conditions.add("status = ?", ifPresent: filter.status?.rawValue)
        conditions.add("event_id = ?", ifPresent: filter.eventID)
        conditions.add("event_type = ?", ifPresent: filter.eventType?.rawValue)
        return try await page(db, select: "SELECT * FROM webhook_deliveries", conditions: conditions, request, decode: decode)
    }

    func due(at now: Date, limit: Int, excluding: Set<String>, claiming: Bool) async throws -> [EventDelivery] {
        let excluded = Array(excluding)
        return try await db.map(
            """
            SELECT d.* FROM webhook_deliveries d
            WHERE d.status = 'pending' AND d.next_attempt_at <= ?
              AND (d.url IS NOT NULL OR EXISTS (
                  SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id AND e.status = 'enabled' AND e.deleted_at IS NULL))\(excluded.isEmpty ? "" : " AND d.endpoint_id NOT IN (\(placeholders(for: excluded)))")
              AND (d.manual = 1 OR d.url IS NOT NULL OR NOT EXISTS (
                  SELECT 1 FROM webhook_deliveries p
                  WHERE p.status = 'pending' AND p.endpoint_id = d.endpoint_id AND p.account_id = d.account_id
                    AND p.event_sequence < d.event_sequence AND p.manual = 0))
            ORDER BY d.next_attempt_at LIMIT ?\(claiming ? db.dialect.claimingRows : "")
            """,
            [now.stored] + excluded + [limit],
            decode
        )
    }

    func fail(pendingOf endpointID: String, reason: EventDelivery.FailureReason) async throws {
        try await db.query(
            "UPDATE webhook_deliveries SET status = 'failed', failure_reason = ?, next_attempt_at = NULL WHERE endpoint_id = ? AND status = 'pending'",
            [reason.rawValue, endpointID]
        )
    }

    func pendingCount() async throws -> Int {
        try await db.first("SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'pending'", []) { $0.int("n") ?? 0 } ?? 0
    }

    private func values(_ delivery: EventDelivery) -> [any SQLiteBindable] {
        let attempts = String(decoding: (try? JSONEncoder().encode(delivery.attempts)) ?? Data("[]".utf8), as: UTF8.self)
        return [
            delivery.status.rawValue, delivery.failureReason?.rawValue, attempts, delivery.failures, delivery.nextAttemptAt?.stored,
            delivery.manual ? 1 : 0,
        ]
    }

    private func decode(_ row: Row) -> EventDelivery {
        var delivery = EventDelivery(
            id: row.string("id") ?? "",
            endpointID: row.string("endpoint_id") ?? "",
            event: (
                row.string("event_id") ?? "", row.int("event_sequence") ?? 0,
                row.string("event_type").flatMap(EventType.init(rawValue:)) ?? .accountCreated,
                row.string("account_id").flatMap { $0.isEmpty ? nil : $0 }
            ),
            at: row.date("created_at") ?? .distantPast
        )
        delivery.status = row.string("status").flatMap(EventDelivery.Status.init(rawValue:)) ?? .failed
        delivery.failureReason = row.string("failure_reason").flatMap(EventDelivery.FailureReason.init(rawValue:))
        delivery.attempts = (try? JSONDecoder().decode([DeliveryAttempt].self, from: Data((row.string("attempts") ?? "[]").utf8))) ?? []
        delivery.failures = row.int("failures") ?? 0
        delivery.nextAttemptAt = row.date("next_attempt_at")
        delivery.manual = row.int("manual") == 1
        delivery.automationRunID = row.string("automation_run_id")
        delivery.url = row.string("url")
        delivery.body = row.string("body")
        return delivery
    }
}
