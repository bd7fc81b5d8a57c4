import Foundation
import TenureCore
import TenureJSON

/// A segment's members, as their own list shows them.
public enum SegmentMembers: Sendable {
    case accounts(Page<AccountView>)
    case contacts(Page<ContactView>)
    case leads(Page<LeadView>)
}

/// Saved segments (`LEADS.md`, "Segments"): a filter over accounts, contacts or leads, checked whole when saved and
/// evaluated by the database when its members are read.
public struct SegmentService: Sendable {
    let storage: any Storage
    let clock: Clock

    public init(storage: any Storage, clock: Clock) {
        self.storage = storage
        self.clock = clock
    }

    public func create(_ body: JSONValue, by actor: Actor) async throws -> SavedSegment {
        let now = clock.now()
        let (name, resource, filter) = try Self.read(body, current: nil)
        let segment = SavedSegment(
            id: Identifier.make("seg", at: now),
            name: name,
            resource: resource,
            filter: filter,
            createdAt: now,
            updatedAt: now
        )
        try await storage.write { tx in
            try await tx.segments.insert(segment)
            try await tx.audit(actor, "segment.create", "segment", segment.id, at: now)
        }
        return segment
    }

    public func get(_ id: String) async throws -> SavedSegment {
        try await storage.read { tx in try await Self.find(id, in: tx) }
    }

    public func list(page: PageRequest) async throws -> Page<SavedSegment> {
        try await storage.read { tx in try await tx.segments.list(page) }
    }

    /// Changes `name`, `resource` and `filter` (the filter is checked against the resource it ends with).
    public func update(_ id: String, _ body: JSONValue, by actor: Actor) async throws -> SavedSegment {
        let now = clock.now()
        return try await storage.write { tx in
            var segment = try await Self.find(id, in: tx)
            (segment.name, segment.resource, segment.filter) = try Self.read(body, current: segment)
            segment.updatedAt = now
            try await tx.segments.update(segment)
            try await tx.audit(actor, "segment.update", "segment", id, at: now)
            return segment
        }
    }

    public func delete(_ id: String, by actor: Actor) async throws {
        let now = clock.now()
        try await storage.write { tx in
            _ = try await Self.find(id, in: tx)
            try await tx.segments.delete(id: id)
            try await tx.audit(actor, "segment.delete", "segment", id, at: now)
        }
    }

    public func members(_ id: String, asOf: Date, page: PageRequest) async throws -> SegmentMembers {
        try await storage.read { tx in
            let segment = try await Self.find(id, in: tx)
            guard let stored = JSONValue.parse(Array(segment.filter.utf8)) else { throw UnreadableRecord(description: "segment \(id) filter") }
            var filter = try SegmentFilterReader(resource: segment.resource).read(stored)
            if filter.usesScores { filter = try await Self.scoresResolved(filter, asOf: asOf, in: tx) }
            let ids = try await tx.segments.members(of: segment.resource, filter, asOf: asOf, page)
            switch segment.resource {
            case .accounts:
                let accounts = try await tx.accounts.find(ids: ids.items)
                let views = try await accountViews(ids.items.compactMap { accounts[$0] }, asOf: asOf, in: tx)
                return .accounts(Page(items: views, next: ids.next, positions: ids.positions))
            case .contacts:
                let contacts = Dictionary(uniqueKeysWithValues: try await tx.contacts.find(ids: ids.items).map { ($0.id, $0) })
                let lastContacted = try await tx.contacts.lastContacted(ids.items, asOf: asOf)
                let views = ids.items.compactMap { contacts[$0] }.map { ContactView(contact: $0, lastContactedAt: lastContacted[$0.id]) }
                return .contacts(Page(items: views, next: ids.next, positions: ids.positions))
            case .leads:
                let leads = try await tx.leads.find(ids: ids.items)
                let views = try await LeadBook.views(ids.items.compactMap { leads[$0] }, asOf: asOf, in: tx)
                return .leads(Page(items: views, next: ids.next, positions: ids.positions))
            }
        }
    }

    /// A lead's scores are computed on read: each node asking for one becomes the list of the leads (created ≤ as_of)
    /// it holds for, which the database then treats as any other condition.
    static func scoresResolved(_ filter: SegmentFilter, asOf: Date, in tx: any Transaction) async throws -> SegmentFilter {
        var query = LeadFilter()
        query.createdUpTo = asOf
        let leads = try await tx.leads.all(query).map(\.lead)
        let scores = zip(leads, try await LeadBook.views(leads, asOf: asOf, in: tx).map(\.score))
        func resolved(_ node: SegmentFilter) -> SegmentFilter {
            switch node {
            case .and(let nodes): return .and(nodes.map(resolved))
            case .or(let nodes): return .or(nodes.map(resolved))
            case .not(let inner): return .not(resolved(inner))
            case .field(let name, let op, let value) where SegmentFields.scores.contains(name):
                let ids = scores.filter { _, score in
                    let actual: FilterValue =
                        switch name {
                        case "fit_score": .number(score.fitScore)
                        case "behavior_score": .number(score.behaviorScore)
                        case "mql": .bool(score.mql)
                        default: .number(score.score)
                        }
                    return op.holds(actual, value)
                }.map { lead, _ in FilterValue.text(lead.id) }
                return ids.isEmpty ? .or([]) : .field("id", .in, .list(ids))
            case .field, .engagement, .activity: return node
            }
        }
        return resolved(filter)
    }

    static func find(_ id: String, in tx: any Transaction) async throws -> SavedSegment {
        guard let segment = try await tx.segments.find(id: id) else { throw ServiceError.notFound(resource: "segment", id: id) }
        return segment
    }

    /// The segment's name, resource and filter (as canonical JSON) from a body; a PATCH keeps what it does not name.
    static func read(_ body: JSONValue, current: SavedSegment?) throws -> (String, SegmentResource, String) {
        var validator = Validator()
        JSONReading.rejectUnknownKeys(body, allowed: ["name", "resource", "filter"], at: nil, &validator)
        var name = current?.name ?? ""
        if current == nil || body["name"] != .null {
            name = body["name"].string?.trimmingWhitespace() ?? ""
            if name.isEmpty || name.count > 200 { validator.add("name", "is required (at most 200 characters)") }
        }
        var resource = current?.resource
        if current == nil || body["resource"] != .null {
            resource = SegmentResource(rawValue: body["resource"].string ?? "")
            if resource == nil { validator.add("resource", "must be one of accounts, contacts, leads") }
        }
        var filterJSON = current.flatMap { JSONValue.parse(Array($0.filter.utf8)) } ?? .null
        if current == nil || body["filter"] != .null { filterJSON = body["filter"] }
        try validator.check()
        guard let resource else { throw ValidationError("resource", "must be one of accounts, contacts, leads") }
        _ = try SegmentFilterReader(resource: resource).read(filterJSON)
        return (name, resource, String(decoding: try JSONWriter().encode(filterJSON), as: UTF8.self))
    }
}

extension FilterOp {
    /// Whether `actual op expected` holds, for values computed in Swift (a lead's scores).
    func holds(_ actual: FilterValue, _ expected: FilterValue) -> Bool {
        switch (self, actual, expected) {
        case (.eq, _, _): actual == expected
        case (.ne, _, _): actual != expected
        case (.in, _, .list(let items)): items.contains(actual)
        case (.exists, _, .bool(let flag)): flag
        case (.gt, .number(let a), .number(let b)): a > b
        case (.gte, .number(let a), .number(let b)): a >= b
        case (.lt, .number(let a), .number(let b)): a < b
        case (.lte, .number(let a), .number(let b)): a <= b
        default: false
        }
    }
}

/// Reads a filter's JSON for one resource: anything but the chapter's nodes, an unknown field, a value of the wrong
/// kind, or nesting deeper than 8 levels is a 422 naming its path (`filter.and[2].op`).
struct SegmentFilterReader {
    let resource: SegmentResource

    func read(_ value: JSONValue) throws -> SegmentFilter {
        var validator = Validator()
        let filter = node(value, at: "filter", depth: 1, &validator)
        try validator.check()
        guard let filter else { throw ValidationError("filter", "is required") }
        return filter
    }

    private func node(_ value: JSONValue, at path: String, depth: Int, _ validator: inout Validator) -> SegmentFilter? {
        guard depth <= SegmentFilter.maximumDepth else {
            validator.add(path, "nests deeper than \(SegmentFilter.maximumDepth) levels")
            return nil
        }
        guard case .object(let object) = value else {
            validator.add(path, value == .null ? "is required" : "must be a filter object")
            return nil
        }
        let keys = Set(object.members.map(\.key))
        for combinator in ["and", "or"] where keys.contains(combinator) {
            guard keys == [combinator], case .array(let items) = value[combinator], !items.isEmpty else {
                validator.add("\(path).\(combinator)", "must be the node's only key, with a non-empty list of filters")
                return nil
            }
            let nodes = items.enumerated().compactMap { node($1, at: "\(path).\(combinator)[\($0)]", depth: depth + 1, &validator) }
            guard nodes.count == items.count else { return nil }
            return combinator == "and" ? .and(nodes) : .or(nodes)
        }
        if keys.contains("not") {
            guard keys == ["not"] else {
                validator.add("\(path).not", "must be the node's only key")
                return nil
            }
            return node(value["not"], at: "\(path).not", depth: depth + 1, &validator).map(SegmentFilter.not)
        }
        let op = FilterOp(rawValue: value["op"].string ?? "")
        if op == nil { validator.add("\(path).op", "must be one of " + FilterOp.allCases.map(\.rawValue).joined(separator: ", ")) }
        if keys.contains("engagement") || keys.contains("activity") {
            return count(value, keys: keys, op: op, at: path, &validator)
        }
        guard keys.isSubset(of: ["field", "op", "value"]) else {
            validator.add(path, "must be and, or, not, a field condition, an engagement or an activity count")
            return nil
        }
        let field = value["field"].string ?? ""
        guard let kind = SegmentFields.kind(of: field, in: resource) else {
            validator.add("\(path).field", "is not a field of \(resource.rawValue)")
            return nil
        }
        guard let op, let checked = self.value(value["value"], kind: kind, op: op, at: "\(path).value", &validator) else { return nil }
        return .field(field, op, checked)
    }

    private func count(_ value: JSONValue, keys: Set<String>, op: FilterOp?, at path: String, _ validator: inout Validator) -> SegmentFilter? {
        let isEngagement = keys.contains("engagement")
        let name = isEngagement ? "engagement" : "activity"
        guard keys.isSubset(of: [name, "op", "value"]) else {
            validator.add(path, "an \(name) count takes \(name), op and value")
            return nil
        }
        if !isEngagement, resource == .leads { validator.add("\(path).activity", "leads have no activities") }
        let spec = value[name]
        let allowed: Set<String> = isEngagement ? ["type", "window_days", "url_pattern", "asset"] : ["type", "window_days"]
        JSONReading.rejectUnknownKeys(spec, allowed: allowed, at: "\(path).\(name)", &validator)
        var window: Int?
        if spec["window_days"] != .null {
            window = JSONReading.integer(spec["window_days"])
            if !(1...3650).contains(window ?? 0) { validator.add("\(path).\(name).window_days", "must be 1 to 3650") }
        }
        let number = JSONReading.integer(value["value"])
        if let op, [.contains, .exists, .in].contains(op) { validator.add("\(path).op", "a count takes eq, ne, gt, gte, lt or lte") }
        if number == nil { validator.add("\(path).value", "must be an integer") }
        if isEngagement {
            let type = EngagementType(rawValue: spec["type"].string ?? "")
            if type == nil {
                validator.add("\(path).engagement.type", "must be one of " + EngagementType.allCases.map(\.rawValue).joined(separator: ", "))
            }
            for key in ["url_pattern", "asset"] where spec[key] != .null && spec[key].string == nil {
                validator.add("\(path).engagement.\(key)", "must be a string")
            }
            guard let type, let op, let number else { return nil }
            let count = EngagementCount(
                type: type,
                window: window.map(ScoringWindow.days) ?? .always,
                urlPattern: spec["url_pattern"].string.map(URLPattern.init),
                asset: spec["asset"].string
            )
            return .engagement(count, op, number)
        }
        let type = ActivityType(rawValue: spec["type"].string ?? "")
        if type == nil { validator.add("\(path).activity.type", "must be one of " + ActivityType.allCases.map(\.rawValue).joined(separator: ", ")) }
        guard let type, let op, let number, resource != .leads else { return nil }
        return .activity(ActivityCount(type: type, windowDays: window), op, number)
    }

    /// The value of a field condition, of the field's kind: a list for `in`, a boolean for `exists`.
    private func value(_ value: JSONValue, kind: FieldKind, op: FilterOp, at path: String, _ validator: inout Validator) -> FilterValue? {
        switch op {
        case .exists:
            guard let flag = value.bool else {
                validator.add(path, "must be true or false for exists")
                return nil
            }
            return .bool(flag)
        case .in:
            guard case .array(let items) = value, !items.isEmpty, items.count <= 1_000 else {
                validator.add(path, "must be a list of 1 to 1,000 values for in")
                return nil
            }
            let values = items.enumerated().compactMap { scalar($1, kind: kind, at: "\(path)[\($0)]", &validator) }
            return values.count == items.count ? .list(values) : nil
        case .contains:
            guard kind == .text, let text = value.string else {
                validator.add(path, "contains takes a text field and a string")
                return nil
            }
            return .text(text)
        case .gt, .gte, .lt, .lte:
            guard kind == .number || kind == .instant else {
                validator.add(path, "\(op.rawValue) compares numbers and instants only")
                return nil
            }
            return scalar(value, kind: kind, at: path, &validator)
        case .eq, .ne:
            return scalar(value, kind: kind, at: path, &validator)
        }
    }

    private func scalar(_ value: JSONValue, kind: FieldKind, at path: String, _ validator: inout Validator) -> FilterValue? {
        switch kind {
        case .text:
            if let text = value.string { return .text(text) }
        case .number:
            if let number = JSONReading.integer(value) { return .number(number) }
        case .bool:
            if let flag = value.bool { return .bool(flag) }
        case .instant:
            if let instant = value.string.flatMap(Timestamp.parseInstantOrDate) { return .instant(instant) }
        }
        validator.add(
            path,
            "must be \(["text": "a string", "number": "an integer", "bool": "true or false", "instant": "an RFC 3339 instant"]["\(kind)"] ?? "a value")"
        )
        return nil
    }
}
