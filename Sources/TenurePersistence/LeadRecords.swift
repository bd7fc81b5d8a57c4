import Foundation
import SQLiteStore
import TenureCore
import TenureServices

struct SQLLeadRecords: LeadRecords {
    let db: any SQLConnection

    private static let fields =
        "name, email, company, domain, title, role, country, segment, industry, employee_count, source, campaign, status, owner, updated_at, qualified_at, disqualified_at, disqualify_reason, converted_at, account_id, contact_id, opportunity_id, erased_at"

    func insert(_ lead: Lead) async throws {
        try await db.query(
            "INSERT INTO leads (\(Self.fields), id, created_at) VALUES (\(placeholders(for: values(lead))), ?, ?)",
            values(lead) + [lead.id, lead.createdAt.stored]
        )
    }

    func update(_ lead: Lead) async throws {
        let assignments = Self.fields.split(separator: ",").map { "\($0.trimmingCharacters(in: .whitespaces)) = ?" }.joined(separator: ", ")
        try await db.query("UPDATE leads SET \(assignments) WHERE id = ?", values(lead) + [lead.id])
    }

    func find(id: String) async throws -> Lead? { try await db.first("SELECT * FROM leads WHERE id = ?", [id], decode) }

    func find(ids: [String]) async throws -> [String: Lead] {
        var found: [String: Lead] = [:]
        for chunk in ids.chunks(of: 500) {
            for lead in try await db.map("SELECT * FROM leads WHERE id IN (\(placeholders(for: chunk)))", chunk, decode) { found[lead.id] = lead }
        }
        return found
    }

    func open(email: String) async throws -> Lead? {
        try await db.first("SELECT * FROM leads WHERE email = ? AND status IN ('new', 'working', 'qualified')", [email], decode)
    }

    func latest(email: String) async throws -> Lead? {
        try await db.first("SELECT * FROM leads WHERE email = ? ORDER BY created_at DESC, seq DESC LIMIT 1", [email], decode)
    }

    func list(_ filter: LeadFilter, _ request: PageRequest) async throws -> Page<Lead> {
        try await page(db, select: "SELECT * FROM leads", conditions: Self.conditions(filter), request, decode: decode)
    }

    func all(_ filter: LeadFilter) async throws -> [(lead: Lead, position: PageCursor)] {
        let conditions = Self.conditions(filter)
        return try await db.map("SELECT * FROM leads \(conditions.sql) ORDER BY seq", conditions.parameters) {
            (decode($0), PageCursor(seq: Int64($0.int("seq") ?? 0)))
        }
    }

    func assign(_ leadID: String, _ assignment: LeadAssignment) async throws {
        try await db.query(
            "INSERT INTO lead_assignments (lead_id, owner, at, trigger, rule) VALUES (?, ?, ?, ?, ?)",
            [leadID, assignment.owner, assignment.at.stored, assignment.trigger.rawValue, assignment.rule]
        )
    }

    func assignments(of leadIDs: [String]) async throws -> [String: [LeadAssignment]] {
        var found: [String: [LeadAssignment]] = [:]
        func add(_ row: Row) {
            let assignment = LeadAssignment(
                owner: row.string("owner"),
                at: row.date("at") ?? .distantPast,
                trigger: row.string("trigger").flatMap(AssignmentTrigger.init(rawValue:)) ?? .manual,
                rule: row.string("rule")
            )
            found[row.string("lead_id") ?? "", default: []].append(assignment)
        }
        if leadIDs.count > Self.lookupLimit {
            // Many leads (a list sorted by score): one pass over every assignment rather than thousands of lookups.
            let wanted = Set(leadIDs)
            try await db.forEachRow("SELECT * FROM lead_assignments ORDER BY seq") { if wanted.contains($0.string("lead_id") ?? "") { add($0) } }
        } else {
            for chunk in leadIDs.chunks(of: 500) {
                try await db.forEachRow("SELECT * FROM lead_assignments WHERE lead_id IN (\(placeholders(for: chunk))) ORDER BY seq", chunk, add)
            }
        }
        return found
    }

    /// Past this many ids, a read goes through the whole table once instead of looking each id up.
    static let lookupLimit = 5_000

    private static func conditions(_ filter: LeadFilter) -> Conditions {
        var conditions = Conditions()
        if !filter.statuses.isEmpty {
            conditions.add("status IN (\(placeholders(for: filter.statuses)))", values: filter.statuses.map(\.rawValue))
        }
        conditions.add("lower(trim(owner)) = ?", ifPresent: filter.owner?.trimmingWhitespace().lowercased())
        conditions.add("source = ?", ifPresent: filter.source?.trimmingWhitespace().lowercased())
        conditions.add("campaign = ?", ifPresent: filter.campaign?.trimmingWhitespace().lowercased())
        conditions.add("email = ?", ifPresent: filter.email)
        conditions.add("created_at >= ?", ifPresent: filter.createdFrom?.stored)
        conditions.add("created_at < ?", ifPresent: filter.createdBefore?.stored)
        conditions.add("created_at <= ?", ifPresent: filter.createdUpTo?.stored)
        return conditions
    }

    private func values(_ lead: Lead) -> [any SQLiteBindable] {
        [
            lead.name, lead.email.isEmpty ? nil : lead.email, lead.company, lead.domain, lead.title, lead.role.rawValue, lead.country,
            lead.segment?.rawValue, lead.industry,
            lead.employeeCount, lead.source, lead.campaign, lead.status.rawValue, lead.owner, lead.updatedAt.stored, lead.qualifiedAt?.stored,
            lead.disqualifiedAt?.stored, lead.disqualifyReason, lead.convertedAt?.stored, lead.accountID, lead.contactID, lead.opportunityID,
            lead.erasedAt?.stored,
        ]
    }

    private func decode(_ row: Row) -> Lead {
        var lead = Lead(
            id: row.string("id") ?? "",
            name: row.string("name") ?? "",
            email: row.string("email") ?? "",
            status: row.string("status").flatMap(LeadStatus.init(rawValue:)) ?? .new,
            createdAt: row.date("created_at") ?? .distantPast
        )
        lead.company = row.string("company")
        lead.domain = row.string("domain")
        lead.title = row.string("title")
        lead.role = row.string("role").flatMap(ContactRole.init(rawValue:)) ?? .user
        lead.country = row.string("country")
        lead.segment = row.string("segment").flatMap(Segment.init(rawValue:))
        lead.industry = row.string("industry")
        lead.employeeCount = row.int("employee_count")
        lead.source = row.string("source")
        lead.campaign = row.string("campaign")
        lead.owner = row.string("owner")
        lead.updatedAt = row.date("updated_at") ?? lead.createdAt
        lead.qualifiedAt = row.date("qualified_at")
        lead.disqualifiedAt = row.date("disqualified_at")
        lead.disqualifyReason = row.string("disqualify_reason")
        lead.convertedAt = row.date("converted_at")
        lead.accountID = row.string("account_id")
        lead.contactID = row.string("contact_id")
        lead.opportunityID = row.string("opportunity_id")
        lead.erasedAt = row.date("erased_at")
        return lead
    }
}

struct SQLEngagementRecords: EngagementRecords {
    let db: any SQLConnection

    func insert(_ events: [EngagementEvent]) async throws {
        // Many rows a statement: a batch of 10,000 is 20 statements, not 10,000.
        for chunk in stride(from: 0, to: events.count, by: 500).map({ events[$0..<min($0 + 500, events.count)] }) {
            let rows = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", ")
            let values: [any SQLiteBindable] = chunk.flatMap { event -> [any SQLiteBindable] in
                [
                    event.id, event.type.rawValue, event.occurredAt.stored, event.leadID, event.contactID, event.url, event.path, event.asset,
                    event.createdAt.stored,
                ]
            }
            try await db.query(
                "INSERT INTO engagement_events (id, type, occurred_at, lead_id, contact_id, url, path, asset, created_at) VALUES \(rows)",
                values
            )
        }
    }

    func list(_ filter: EngagementFilter, _ request: PageRequest) async throws -> Page<EngagementEvent> {
        var conditions = Conditions()
        conditions.add("lead_id = ?", ifPresent: filter.leadID)
        if let contact = filter.contactID {
            conditions.add("(contact_id = ? OR lead_id IN (SELECT id FROM leads WHERE contact_id = ?))", contact, contact)
        }
        conditions.add("type = ?", ifPresent: filter.type?.rawValue)
        return try await page(
            db,
            select: "SELECT * FROM engagement_events",
            conditions: conditions,
            orderedBy: "occurred_at",
            request,
            decode: decode
        )
    }

    func scored(leads leadIDs: [String]?) async throws -> [String: [ScoredEvent]] {
        var found: [String: [ScoredEvent]] = [:]
        // Many leads (a list sorted by score): one pass over every lead's events rather than thousands of index lookups.
        let wanted = (leadIDs?.count ?? 0) > SQLLeadRecords.lookupLimit ? leadIDs.map(Set.init) : nil
        let chunks: [[String]?] = wanted != nil || leadIDs == nil ? [nil] : (leadIDs ?? []).chunks(of: 500)
        for chunk in chunks {
            let condition = chunk.map { "lead_id IN (\(placeholders(for: $0)))" } ?? "lead_id IS NOT NULL"
            let sql = "SELECT lead_id, type, occurred_at, path, asset FROM engagement_events WHERE \(condition)"
            try await db.forEachRow(sql, chunk ?? []) { row in
                let lead = row.string("lead_id") ?? ""
                guard wanted?.contains(lead) ?? true, let type = row.string("type").flatMap(EngagementType.init(rawValue:)) else { return }
                let event = ScoredEvent(
                    type: type,
                    occurredAt: row.date("occurred_at") ?? .distantPast,
                    path: row.string("path"),
                    asset: row.string("asset")
                )
                found[lead, default: []].append(event)
            }
        }
        return found
    }

    func counts(leads leadIDs: [String], countedBy rules: [BehaviorRule], asOf: Date) async throws -> [String: [Int]] {
        var found: [String: [Int]] = [:]
        // One query a rule: each reads a range of the (lead_id, type, occurred_at) index, the rows themselves only for a
        // url pattern or an asset.
        for (index, rule) in rules.enumerated() {
            let conditions = rule.counted.condition(asOf: asOf)
            for chunk in leadIDs.chunks(of: 500) {
                var chunked = conditions
                chunked.add("lead_id IN (\(placeholders(for: chunk)))", values: chunk)
                try await db.forEachRow("SELECT lead_id, count(*) AS n FROM engagement_events \(chunked.sql) GROUP BY lead_id", chunked.parameters) {
                    row in
                    found[row.string("lead_id") ?? "", default: Array(repeating: 0, count: rules.count)][index] = row.int("n") ?? 0
                }
            }
        }
        return found
    }

    private func decode(_ row: Row) -> EngagementEvent {
        EngagementEvent(
            id: row.string("id") ?? "",
            type: row.string("type").flatMap(EngagementType.init(rawValue:)) ?? .pageView,
            occurredAt: row.date("occurred_at") ?? .distantPast,
            leadID: row.string("lead_id"),
            contactID: row.string("contact_id"),
            url: row.string("url"),
            asset: row.string("asset"),
            createdAt: row.date("created_at") ?? .distantPast
        )
    }
}

extension EngagementCount {
    /// What an engagement event (its columns prefixed `columnsOf`) meets to be counted as of `asOf`: the SQL form of
    /// `BehaviorRule.counts` and its window, which a test holds to the Swift form.
    func condition(asOf: Date, columnsOf prefix: String = "") -> Conditions {
        var conditions = Conditions()
        conditions.add("\(prefix)type = ?", ifPresent: type?.rawValue)
        conditions.add("\(prefix)occurred_at <= ?", asOf.stored)
        if let start = window.start(asOf: asOf) {
            conditions.add("\(prefix)occurred_at \(window == .month ? ">=" : ">") ?", start.stored)
        }
        conditions.add("\(prefix)path LIKE ? ESCAPE '\\'", ifPresent: urlPattern?.likePattern)
        conditions.add("lower(\(prefix)asset) = ?", ifPresent: asset?.lowercased())
        return conditions
    }
}
