import Foundation
import SQLiteStore
import TenureCore
import TenureServices

struct SQLSegmentRecords: SegmentRecords {
    let db: any SQLConnection

    func insert(_ segment: SavedSegment) async throws {
        try await db.query(
            "INSERT INTO segments (id, name, resource, filter, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            [segment.id, segment.name, segment.resource.rawValue, segment.filter, segment.createdAt.stored, segment.updatedAt.stored]
        )
    }

    func update(_ segment: SavedSegment) async throws {
        try await db.query(
            "UPDATE segments SET name = ?, resource = ?, filter = ?, updated_at = ? WHERE id = ?",
            [segment.name, segment.resource.rawValue, segment.filter, segment.updatedAt.stored, segment.id]
        )
    }

    func delete(id: String) async throws { try await db.query("DELETE FROM segments WHERE id = ?", [id]) }

    func find(id: String) async throws -> SavedSegment? { try await db.first("SELECT * FROM segments WHERE id = ?", [id], decode) }

    func list(_ request: PageRequest) async throws -> Page<SavedSegment> {
        try await page(db, select: "SELECT * FROM segments", conditions: Conditions(), request, decode: decode)
    }

    func members(of resource: SegmentResource, _ filter: SegmentFilter, asOf: Date, _ request: PageRequest) async throws -> Page<String> {
        var query = SegmentQuery(resource: resource, asOf: asOf, dialect: db.dialect)
        var conditions = Conditions()
        switch resource {
        case .accounts: conditions.add("merged_into IS NULL")
        case .contacts: break
        case .leads: conditions.add("created_at <= ?", asOf.stored)
        }
        conditions.add(query.compile(filter), values: query.parameters)
        return try await page(db, select: "SELECT seq, id FROM \(resource.rawValue)", conditions: conditions, request) { $0.string("id") ?? "" }
    }

    private func decode(_ row: Row) -> SavedSegment {
        SavedSegment(
            id: row.string("id") ?? "",
            name: row.string("name") ?? "",
            resource: row.string("resource").flatMap(SegmentResource.init(rawValue:)) ?? .accounts,
            filter: row.string("filter") ?? "{}",
            createdAt: row.date("created_at") ?? .distantPast,
            updatedAt: row.date("updated_at") ?? .distantPast
        )
    }
}

/// A segment's filter as a SQL condition on its resource's table, as of an instant: each leaf is false when its value is
/// null (but `exists`), so `not` of a leaf on a null field holds.
struct SegmentQuery {
    let resource: SegmentResource
    let asOf: Date
    let dialect: SQLDialect
    private(set) var parameters: [any SQLiteBindable] = []

    init(resource: SegmentResource, asOf: Date, dialect: SQLDialect) {
        self.resource = resource
        self.asOf = asOf
        self.dialect = dialect
    }

    mutating func compile(_ filter: SegmentFilter) -> String {
        switch filter {
        case .and(let nodes): return nodes.isEmpty ? "1 = 1" : "(" + nodes.map { compile($0) }.joined(separator: " AND ") + ")"
        case .or(let nodes): return nodes.isEmpty ? "1 = 0" : "(" + nodes.map { compile($0) }.joined(separator: " OR ") + ")"
        case .not(let node): return "NOT " + compile(node)
        case .field(let name, let op, let value):
            let kind = SegmentFields.kind(of: name, in: resource) ?? .text
            return leaf(expression(of: name), kind: kind, op, value)
        case .engagement(let count, let op, let value): return leaf(engagementCount(count), kind: .number, op, .number(value))
        case .activity(let count, let op, let value): return leaf(activityCount(count), kind: .number, op, .number(value))
        }
    }

    /// `expression op value`, false on null.
    private mutating func leaf(_ expression: String, kind: FieldKind, _ op: FilterOp, _ value: FilterValue) -> String {
        let compared = kind == .text ? "lower(\(expression))" : expression
        let sql: String
        switch op {
        case .exists:
            return value == .bool(false) ? "(\(expression)) IS NULL" : "(\(expression)) IS NOT NULL"
        case .eq, .ne, .gt, .gte, .lt, .lte:
            let symbol = [FilterOp.eq: "=", .ne: "<>", .gt: ">", .gte: ">=", .lt: "<", .lte: "<="][op] ?? "="
            sql = "\(compared) \(symbol) ?"
            parameters.append(bound(value))
        case .in:
            guard case .list(let items) = value, !items.isEmpty else { return "(\(compared) IS NULL AND 1 = 0)" }
            sql = "\(compared) IN (\(placeholders(for: items)))"
            parameters.append(contentsOf: items.map(bound))
        case .contains:
            guard case .text(let needle) = value else { return "(\(compared) IS NULL AND 1 = 0)" }
            sql = "\(compared) LIKE ? ESCAPE '\\'"
            parameters.append(dialect.pattern(containing: needle.lowercased()))
        }
        return "COALESCE(\(sql), FALSE)"
    }

    private func bound(_ value: FilterValue) -> any SQLiteBindable {
        switch value {
        case .text(let text): text.lowercased()
        case .number(let number): number
        case .bool(let flag): flag ? 1 : 0
        case .instant(let instant): instant.stored
        case .list: ""
        }
    }

    /// The SQL of a field of the resource (a contact's `account.<field>`: of its account).
    private mutating func expression(of field: String) -> String {
        if resource == .contacts, field.hasPrefix("account.") {
            let inner = accountExpression(String(field.dropFirst("account.".count)), table: "a")
            return "(SELECT \(inner) FROM accounts a WHERE a.id = contacts.account_id)"
        }
        return resource == .accounts ? accountExpression(field, table: "accounts") : "\(resource.rawValue).\(field)"
    }

    /// An account's field; its lifecycle stage, MRR and health band as of `asOf`.
    private mutating func accountExpression(_ field: String, table: String) -> String {
        let at = asOf.stored
        switch field {
        case "lifecycle_stage":
            let latestKind =
                "(SELECT m.kind FROM mrr_movements m WHERE m.account_id = \(table).id AND m.at <= ? ORDER BY m.at DESC, m.seq DESC LIMIT 1)"
            parameters.append(contentsOf: [at, at, at])
            return """
                CASE WHEN \(table).won_at IS NULL OR \(table).won_at > ? THEN 'prospect' \
                WHEN \(table).paid_at IS NULL OR \(table).paid_at > ? THEN 'pending_payment' \
                WHEN COALESCE(\(latestKind), '') = 'churn' THEN 'churned' ELSE 'customer' END
                """
        case "mrr":
            parameters.append(at)
            return
                "COALESCE((SELECT m.to_mrr FROM mrr_movements m WHERE m.account_id = \(table).id AND m.at <= ? ORDER BY m.at DESC, m.seq DESC LIMIT 1), 0)"
        case "health_band":
            parameters.append(at)
            return
                "COALESCE((SELECT h.band FROM health_scores h WHERE h.account_id = \(table).id AND h.evaluated_at <= ? ORDER BY h.day DESC LIMIT 1), 'unscored')"
        default: return "\(table).\(field)"
        }
    }

    /// How many of the member's engagement events of the kind fall in the window: a contact's include its converted
    /// leads', an account's its contacts'.
    private mutating func engagementCount(_ count: EngagementCount) -> String {
        let condition = count.condition(asOf: asOf, columnsOf: "e.")
        let (matching, values) = (condition.clauses.joined(separator: " AND "), condition.parameters)
        let sources: [String] =
            switch resource {
            case .leads: ["engagement_events e WHERE e.lead_id = leads.id"]
            case .contacts:
                [
                    "engagement_events e WHERE e.contact_id = contacts.id",
                    "engagement_events e JOIN leads l ON l.id = e.lead_id WHERE l.contact_id = contacts.id",
                ]
            case .accounts:
                [
                    "engagement_events e JOIN contacts c ON c.id = e.contact_id WHERE c.account_id = accounts.id",
                    "engagement_events e JOIN leads l ON l.id = e.lead_id JOIN contacts c ON c.id = l.contact_id WHERE c.account_id = accounts.id",
                ]
            }
        for _ in sources { parameters.append(contentsOf: values) }
        return "(" + sources.map { "(SELECT count(*) FROM \($0) AND \(matching))" }.joined(separator: " + ") + ")"
    }

    /// How many of the member's activities of the type fall in the window.
    private mutating func activityCount(_ count: ActivityCount) -> String {
        let member = resource == .accounts ? "v.account_id = accounts.id" : "v.contact_id = contacts.id"
        var sql = "(SELECT count(*) FROM activities v WHERE \(member) AND v.type = ? AND v.occurred_at <= ?"
        parameters.append(contentsOf: [count.type.rawValue, asOf.stored] as [any SQLiteBindable])
        if let days = count.windowDays {
            sql += " AND v.occurred_at > ?"
            parameters.append(asOf.addingTimeInterval(-Double(days) * 86_400).stored)
        }
        return sql + ")"
    }
}
