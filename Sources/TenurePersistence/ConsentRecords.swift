import Foundation
import SQLiteStore
import TenureCore
import TenureServices

struct SQLConsentRecords: ConsentRecords {
    let db: any SQLConnection

    func insert(_ consent: Consent) async throws {
        try await db.query(
            """
            INSERT INTO consents (id, contact_id, email, channel, purpose, status, source_kind, source_detail, source_campaign, occurred_at,
                                  recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                consent.id, consent.contactID, consent.email, consent.channel.rawValue, consent.purpose.rawValue, consent.status.rawValue,
                consent.source.kind.rawValue, consent.source.detail, consent.source.campaign, consent.occurredAt.stored,
                consent.recordedAt.stored,
            ]
        )
    }

    func find(id: String) async throws -> Consent? {
        try await db.first("SELECT * FROM consents WHERE id = ?", [id], decode)
    }

    func list(_ filter: ConsentFilter, _ request: PageRequest) async throws -> Page<Consent> {
        var conditions = Conditions()
        for person in filter.people { Self.add(person, to: &conditions) }
        conditions.add("channel = ?", ifPresent: filter.channel?.rawValue)
        conditions.add("purpose = ?", ifPresent: filter.purpose?.rawValue)
        conditions.add("status = ?", ifPresent: filter.status?.rawValue)
        return try await page(db, select: "SELECT * FROM consents", conditions: conditions, orderedBy: "occurred_at", request, decode: decode)
    }

    func of(_ person: ConsentPerson) async throws -> [Consent] {
        var conditions = Conditions()
        Self.add(person, to: &conditions)
        return try await db.map("SELECT * FROM consents \(conditions.sql) ORDER BY occurred_at, seq", conditions.parameters, decode)
    }

    /// Records with any of the person's contact ids or emails (none when they have neither).
    private static func add(_ person: ConsentPerson, to conditions: inout Conditions) {
        var either: [String] = []
        if !person.contactIDs.isEmpty { either.append("contact_id IN (\(placeholders(for: person.contactIDs)))") }
        if !person.emails.isEmpty { either.append("email IN (\(placeholders(for: person.emails)))") }
        conditions.add(either.isEmpty ? "1 = 0" : "(" + either.joined(separator: " OR ") + ")", values: person.contactIDs + person.emails)
    }

    private func decode(_ row: Row) -> Consent {
        Consent(
            id: row.string("id") ?? "",
            contactID: row.string("contact_id"),
            email: row.string("email"),
            channel: row.string("channel").flatMap(ConsentChannel.init(rawValue:)) ?? .email,
            purpose: row.string("purpose").flatMap(ConsentPurpose.init(rawValue:)) ?? .all,
            status: row.string("status").flatMap(ConsentStatus.init(rawValue:)) ?? .withdrawn,
            source: ConsentSource(
                kind: row.string("source_kind").flatMap(ConsentSourceKind.init(rawValue:)) ?? .other,
                detail: row.string("source_detail"),
                campaign: row.string("source_campaign")
            ),
            occurredAt: row.date("occurred_at") ?? .distantPast,
            recordedAt: row.date("recorded_at") ?? .distantPast
        )
    }
}
