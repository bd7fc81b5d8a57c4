import Foundation
import TenureCore
import TenureJSON

/// The scoring and routing settings as JSON (`LEADS.md`): read whole with every problem named by its path
/// (`behavior_rules[2].window`), written back in the same shape; stored as that JSON.
enum LeadSettingsJSON {
    static let scoringName = "lead_scoring"
    static let routingName = "lead_routing"
    /// The round-robin counters, kept apart from the settings a PUT replaces.
    static let turnsName = "lead_routing_turns"

    // MARK: Scoring

    static func scoring(_ body: JSONValue) throws -> LeadScoringSettings {
        var validator = Validator()
        let defaults = LeadScoringSettings.defaults
        JSONReading.rejectUnknownKeys(body, allowed: ["fit_rules", "behavior_rules", "mql_threshold", "auto_qualify"], at: nil, &validator)
        var keys: Set<String> = []
        let fit = JSONReading.list(JSONReading.member(body, "fit_rules"), at: "fit_rules", &validator) { item, at, validator in
            fitRule(item, at: at, keys: &keys, &validator)
        }
        let behavior = JSONReading.list(JSONReading.member(body, "behavior_rules"), at: "behavior_rules", &validator) { item, at, validator in
            behaviorRule(item, at: at, keys: &keys, &validator)
        }
        var threshold = defaults.mqlThreshold
        if let given = JSONReading.member(body, "mql_threshold") {
            if let value = JSONReading.integer(given) { threshold = value } else { validator.add("mql_threshold", "must be an integer") }
        }
        var autoQualify = defaults.autoQualify
        if let given = JSONReading.member(body, "auto_qualify") {
            if let value = given.bool { autoQualify = value } else { validator.add("auto_qualify", "must be true or false") }
        }
        try validator.check()
        return LeadScoringSettings(
            fitRules: fit ?? defaults.fitRules,
            behaviorRules: behavior ?? defaults.behaviorRules,
            mqlThreshold: threshold,
            autoQualify: autoQualify
        )
    }

    private static func fitRule(_ item: JSONValue, at: String, keys: inout Set<String>, _ validator: inout Validator) -> FitRule? {
        JSONReading.rejectUnknownKeys(item, allowed: ["key", "field", "in", "points"], at: at, &validator)
        let key = ruleKey(item, at: at, keys: &keys, &validator)
        let field = LeadField(rawValue: item["field"].string ?? "").flatMap { LeadField.fit.contains($0) ? $0 : nil }
        if field == nil { validator.add("\(at).field", "must be one of " + LeadField.fit.map(\.rawValue).joined(separator: ", ")) }
        let values = item["in"].array.compactMap(\.string)
        if values.isEmpty || values.count != item["in"].array.count { validator.add("\(at).in", "must be a non-empty list of strings") }
        let points = JSONReading.integer(item["points"])
        if points == nil { validator.add("\(at).points", "must be an integer") }
        guard let key, let field, let points else { return nil }
        return FitRule(key: key, field: field, values: values, points: points)
    }

    private static func behaviorRule(_ item: JSONValue, at: String, keys: inout Set<String>, _ validator: inout Validator) -> BehaviorRule? {
        JSONReading.rejectUnknownKeys(
            item,
            allowed: ["key", "type", "url_pattern", "asset", "window", "min_count", "max_count", "points"],
            at: at,
            &validator
        )
        let key = ruleKey(item, at: at, keys: &keys, &validator)
        let typeName = item["type"].string ?? ""
        let type = EngagementType(rawValue: typeName)
        if type == nil, typeName != "any" {
            validator.add("\(at).type", "must be any or one of " + EngagementType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let pattern = optionalText(item["url_pattern"], at: "\(at).url_pattern", &validator).map(URLPattern.init)
        let asset = optionalText(item["asset"], at: "\(at).asset", &validator)
        var window = ScoringWindow.always
        switch item["window"] {
        case .null: break
        case .string("month"): window = .month
        case let value:
            if let days = JSONReading.integer(value), (1...3650).contains(days) {
                window = .days(days)
            } else {
                validator.add("\(at).window", "must be a JSONReading.number of days (1 to 3650), \"month\" or null")
            }
        }
        let minCount = count(item["min_count"], at: "\(at).min_count", &validator)
        let maxCount = count(item["max_count"], at: "\(at).max_count", &validator)
        if let minCount, let maxCount, maxCount < minCount { validator.add("\(at).max_count", "must not be below min_count") }
        let points = JSONReading.integer(item["points"])
        if points == nil { validator.add("\(at).points", "must be an integer") }
        guard let key, let points, type != nil || typeName == "any" else { return nil }
        return BehaviorRule(
            key: key,
            type: type,
            urlPattern: pattern,
            asset: asset,
            window: window,
            minCount: minCount,
            maxCount: maxCount,
            points: points
        )
    }

    static func json(_ settings: LeadScoringSettings) -> JSONValue {
        let fit: [JSONValue] = settings.fitRules.map { rule in
            .object([
                "key": .string(rule.key), "field": .string(rule.field.rawValue), "in": .array(rule.values.map(JSONValue.string)),
                "points": JSONReading.number(rule.points),
            ])
        }
        let behavior: [JSONValue] = settings.behaviorRules.map { rule in
            let window: JSONValue =
                switch rule.window {
                case .days(let days): JSONReading.number(days)
                case .month: .string("month")
                case .always: .null
                }
            return .object(
                JSONObject(members: [
                    ("key", .string(rule.key)), ("type", .string(rule.type?.rawValue ?? "any")),
                    ("url_pattern", rule.urlPattern.map { .string($0.text) } ?? .null),
                    ("asset", rule.asset.map(JSONValue.string) ?? .null), ("window", window),
                    ("min_count", rule.minCount.map(JSONReading.number) ?? .null),
                    ("max_count", rule.maxCount.map(JSONReading.number) ?? .null), ("points", JSONReading.number(rule.points)),
                ])
            )
        }
        return .object(
            JSONObject(members: [
                ("fit_rules", .array(fit)), ("behavior_rules", .array(behavior)), ("mql_threshold", JSONReading.number(settings.mqlThreshold)),
                ("auto_qualify", .bool(settings.autoQualify)),
            ])
        )
    }

    // MARK: Routing

    static let conditionLists: [String: LeadField] = [
        "segment": .segment, "industry": .industry, "country": .country, "source": .source, "campaign": .campaign, "domain": .domain,
    ]

    static func routing(_ body: JSONValue) throws -> LeadRoutingSettings {
        var validator = Validator()
        JSONReading.rejectUnknownKeys(body, allowed: ["rules", "fallback", "follow_up_hours"], at: nil, &validator)
        var names: Set<String> = []
        let rules =
            JSONReading.list(JSONReading.member(body, "rules"), at: "rules", &validator) { item, at, validator -> RoutingRule? in
                JSONReading.rejectUnknownKeys(item, allowed: ["name", "when", "owner", "pool"], at: at, &validator)
                let name = item["name"].string?.trimmingWhitespace() ?? ""
                if name.isEmpty || name.count > 200 {
                    validator.add("\(at).name", "is required (at most 200 characters)")
                } else if !names.insert(name).inserted || name == LeadRoutingSettings.fallbackName {
                    validator.add("\(at).name", "must be unique (and not \(LeadRoutingSettings.fallbackName))")
                }
                let when = condition(item["when"], at: "\(at).when", &validator)
                let assignee = assignee(item, at: at, &validator)
                guard let when, let assignee else { return nil }
                return RoutingRule(name: name, when: when, assignee: assignee)
            } ?? []
        let fallback = body["fallback"] == .null ? nil : assignee(body["fallback"], at: "fallback", &validator)
        var hours = LeadRoutingSettings.defaults.followUpHours
        if let given = JSONReading.member(body, "follow_up_hours") {
            if given == .null {
                hours = nil
            } else if let value = JSONReading.integer(given), (1...720).contains(value) {
                hours = value
            } else {
                validator.add("follow_up_hours", "must be null or 1 to 720")
            }
        }
        try validator.check()
        return LeadRoutingSettings(rules: rules, fallback: fallback, followUpHours: hours)
    }

    private static func condition(_ value: JSONValue, at: String, _ validator: inout Validator) -> RoutingCondition? {
        guard value != .null else { return RoutingCondition() }
        guard value.isObject else {
            validator.add(at, "must be an object")
            return nil
        }
        JSONReading.rejectUnknownKeys(value, allowed: Set(conditionLists.keys).union(["min_score", "max_score"]), at: at, &validator)
        var condition = RoutingCondition()
        for (key, field) in conditionLists where value[key] != .null {
            let texts = value[key].array.compactMap(\.string)
            guard case .array(let items) = value[key], texts.count == items.count else {
                validator.add("\(at).\(key)", "must be a list of strings")
                continue
            }
            condition.lists[field] = field == .domain ? texts.map { DomainName.normalize($0) ?? $0.lowercased() } : texts
        }
        for key in ["min_score", "max_score"] where value[key] != .null {
            guard let bound = JSONReading.integer(value[key]) else {
                validator.add("\(at).\(key)", "must be an integer")
                continue
            }
            if key == "min_score" { condition.minScore = bound } else { condition.maxScore = bound }
        }
        return condition
    }

    private static func assignee(_ value: JSONValue, at: String, _ validator: inout Validator) -> Assignee? {
        let owner = value["owner"].string?.trimmingWhitespace()
        let pool = value["pool"].array.compactMap { $0.string?.trimmingWhitespace() }.filter { !$0.isEmpty }
        switch (value["owner"], value["pool"]) {
        case (.null, .array(let items)) where !items.isEmpty && pool.count == items.count: return .pool(pool)
        case (.string, .null) where !(owner ?? "").isEmpty: return .owner(owner ?? "")
        default:
            validator.add(at, "must name exactly one of owner (a name) or pool (a non-empty list of names)")
            return nil
        }
    }

    static func json(_ settings: LeadRoutingSettings) -> JSONValue {
        func assignee(_ assignee: Assignee) -> [(String, JSONValue)] {
            switch assignee {
            case .owner(let owner): [("owner", .string(owner))]
            case .pool(let pool): [("pool", .array(pool.map(JSONValue.string)))]
            }
        }
        let rules: [JSONValue] = settings.rules.map { rule in
            var when: [(String, JSONValue)] = conditionLists.sorted { $0.key < $1.key }.compactMap { key, field in
                rule.when.lists[field].map { (key, .array($0.map(JSONValue.string))) }
            }
            if let bound = rule.when.minScore { when.append(("min_score", JSONReading.number(bound))) }
            if let bound = rule.when.maxScore { when.append(("max_score", JSONReading.number(bound))) }
            return .object(
                JSONObject(members: [("name", .string(rule.name)), ("when", .object(JSONObject(members: when)))] + assignee(rule.assignee))
            )
        }
        return .object(
            JSONObject(members: [
                ("rules", .array(rules)), ("fallback", settings.fallback.map { .object(JSONObject(members: assignee($0))) } ?? .null),
                ("follow_up_hours", settings.followUpHours.map(JSONReading.number) ?? .null),
            ])
        )
    }

    // MARK: Reading

    private static func count(_ value: JSONValue, at: String, _ validator: inout Validator) -> Int? {
        guard value != .null else { return nil }
        guard let count = JSONReading.integer(value), count >= 0 else {
            validator.add(at, "must be null or an integer ≥ 0")
            return nil
        }
        return count
    }

    private static func optionalText(_ value: JSONValue, at: String, _ validator: inout Validator) -> String? {
        switch value {
        case .null: return nil
        case .string(let text) where !text.isEmpty && text.count <= 500: return text
        default:
            validator.add(at, "must be null or a non-empty string")
            return nil
        }
    }

    private static func ruleKey(_ item: JSONValue, at: String, keys: inout Set<String>, _ validator: inout Validator) -> String? {
        let key = item["key"].string ?? ""
        guard !key.isEmpty, key.count <= 100, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            validator.add("\(at).key", "must be 1 to 100 letters, digits, _ or -")
            return nil
        }
        guard keys.insert(key).inserted else {
            validator.add("\(at).key", "must be unique among the rules")
            return nil
        }
        return key
    }

}
