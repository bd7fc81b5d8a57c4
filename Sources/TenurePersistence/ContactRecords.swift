import Foundation
import SQLiteStore
import TenureCore
import TenureServices

struct SQLContactRecords: ContactRecords {
    let db: any SQLConnection

    private static let columns =
        "seq, id, account_id, name, email, title, role, relationship_strength, external_id, created_at, updated_at, phone, erased_at, merged_into"

    func insert(_ contact: Contact) async throws {
        try await db.query(
            """
            INSERT INTO contacts (id, account_id, name, email, title, role, relationship_strength, external_id, created_at, updated_at, phone)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                contact.id, contact.accountID, contact.name, contact.email, contact.title, contact.role.rawValue,
                contact.relationshipStrength.rawValue, contact.externalID, contact.createdAt.stored, contact.updatedAt.stored, contact.phone,
            ]
        )
    }

    func update(_ contact: Contact) async throws {
        try await db.query(
            """
            UPDATE contacts SET account_id = ?, name = ?, email = ?, title = ?, role = ?, relationship_strength = ?, external_id = ?,
                                updated_at = ?, phone = ?, erased_at = ?, merged_into = ?
            WHERE id = ?
            """,
            [
                contact.accountID, contact.name, contact.email, contact.title, contact.role.rawValue, contact.relationshipStrength.rawValue,
                contact.externalID, contact.updatedAt.stored, contact.phone, contact.erasedAt?.stored, contact.mergedInto, contact.id,
            ]
        )
    }

    func identities() async throws -> [(id: String, name: String, email: String?, accountID: String)] {
        try await db.map(
            """
            SELECT c.id, c.name, c.email, c.account_id FROM contacts c JOIN accounts a ON a.id = c.account_id
            WHERE c.erased_at IS NULL AND c.merged_into IS NULL AND a.merged_into IS NULL ORDER BY c.seq
            """
        ) { (id: $0.string("id") ?? "", name: $0.string("name") ?? "", email: $0.string("email"), accountID: $0.string("account_id") ?? "") }
    }

    func find(id: String) async throws -> Contact? {
        try await db.first("SELECT \(Self.columns) FROM contacts WHERE id = ?", [id], decode)
    }

    func find(externalID: String) async throws -> Contact? {
        try await db.first("SELECT \(Self.columns) FROM contacts WHERE external_id = ? ORDER BY seq LIMIT 1", [externalID], decode)
    }

    func find(accountID: String, email: String) async throws -> Contact? {
        try await db.first("SELECT \(Self.columns) FROM contacts WHERE account_id = ? AND email = ?", [accountID, email], decode)
    }

    func list(_ filter: ContactFilter, _ request: PageRequest) async throws -> Page<Contact> {
        var conditions = Conditions()
        conditions.add("merged_into IS NULL")
        conditions.add("account_id = ?", ifPresent: filter.accountID)
        conditions.add("role = ?", ifPresent: filter.role?.rawValue)
        conditions.add("email = ?", ifPresent: filter.email)
        conditions.add("external_id = ?", ifPresent: filter.externalID)
        return try await page(db, select: "SELECT \(Self.columns) FROM contacts", conditions: conditions, request, decode: decode)
    }

    func find(email: String) async throws -> [Contact] {
        try await db.map("SELECT \(Self.columns) FROM contacts WHERE email = ? ORDER BY seq", [email], decode)
    }

    func find(ids: [String]) async throws -> [Contact] {
        guard !ids.isEmpty else { return [] }
        return try await db.map("SELECT \(Self.columns) FROM contacts WHERE id IN (\(placeholders(for: ids))) ORDER BY seq", ids, decode)
    }

    func of(account accountID: String) async throws -> [Contact] {
        try await db.map("SELECT \(Self.columns) FROM contacts WHERE account_id = ? AND merged_into IS NULL ORDER BY seq", [accountID], decode)
    }

    /// The records of `source` that a merge moves, by table; moved onto `target` unless `target` is nil.
    func mergeRecords(of source: String, onto target: String?) async throws -> MergedRecords {
        var moved = MergedRecords()
        for table in MergedRecords.tables {
            let ids = try await db.map("SELECT id FROM \(table) WHERE contact_id = ? ORDER BY seq", [source]) { $0.string("id") ?? "" }
            moved[table] = ids
            if let target, !ids.isEmpty { try await db.query("UPDATE \(table) SET contact_id = ? WHERE contact_id = ?", [target, source]) }
        }
        return moved
    }

    func lastContacted(_ contactIDs: [String], asOf: Date) async throws -> [String: Date] {
        var result: [String: Date] = [:]
        for id in contactIDs {
            let row = try await db.first(
                "SELECT max(occurred_at) AS at FROM activities WHERE contact_id = ? AND occurred_at <= ?",
                [id, asOf.stored]
            )
            result[id] = row?.date("at")
        }
        return result
    }

    func lastContacts(accounts accountIDs: [String], role: ContactRole, asOf: Date) async throws -> [String: Date] {
        guard !accountIDs.isEmpty else { return [:] }
        let latest = try await db.map(
            """
            SELECT a.account_id, max(a.occurred_at) AS at FROM activities a JOIN contacts c ON c.id = a.contact_id
            WHERE a.account_id IN (\(placeholders(for: accountIDs))) AND c.role = ? AND a.occurred_at <= ? GROUP BY a.account_id
            """,
            accountIDs + [role.rawValue, asOf.stored]
        ) { row in (row.string("account_id") ?? "", row.date("at")) }
        return Dictionary(uniqueKeysWithValues: latest.compactMap { id, at in at.map { (id, $0) } })
    }

    private func decode(_ row: Row) -> Contact {
        Contact(
            id: row.string("id") ?? "",
            accountID: row.string("account_id") ?? "",
            name: row.string("name") ?? "",
            email: row.string("email"),
            title: row.string("title"),
            role: row.string("role").flatMap(ContactRole.init(rawValue:)) ?? .user,
            relationshipStrength: row.string("relationship_strength").flatMap(RelationshipStrength.init(rawValue:)) ?? .none,
            externalID: row.string("external_id"),
            createdAt: row.date("created_at") ?? .distantPast,
            updatedAt: row.date("updated_at") ?? .distantPast,
            phone: row.string("phone"),
            erasedAt: row.date("erased_at"),
            mergedInto: row.string("merged_into")
        )
    }
}
