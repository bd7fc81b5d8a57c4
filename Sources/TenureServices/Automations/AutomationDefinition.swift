import Foundation
import TenureCore
import TenureJSON

/// Reads an automation's definition from its JSON body, checked whole: every problem is named by its path
/// (`conditions[0].op`, `actions[2].type`), and nothing is stored unless there are none.
package struct AutomationDefinition {
    package var name: String
    package var trigger: EventType
    package var conditions: [AutomationCondition]
    package var actions: [AutomationAction]
    package var status: Automation.Status

    static func read(_ body: JSONValue, allowPrivate: Bool) throws -> AutomationDefinition {
        var validator = Validator()
        guard body.isObject else { throw ValidationError("body", "must be a JSON object") }
        let name = body["name"].string?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if name.isEmpty { validator.add("name", "is required") }
        validator.maxLength(name, "name", 200)
        let trigger = EventType(rawValue: body["trigger"].string ?? "")
        if trigger == nil { validator.add("trigger", body["trigger"] == .null ? "is required" : "is not an event type of the catalogue") }
        let conditions = readConditions(body["conditions"], at: "conditions", &validator)
        var actions: [AutomationAction] = []
        switch body["actions"] {
        case .array(let items) where (1...20).contains(items.count):
            for (index, item) in items.enumerated() {
                if let action = readAction(item, at: "actions[\(index)]", allowPrivate: allowPrivate, &validator) { actions.append(action) }
            }
        case .null: validator.add("actions", "is required")
        default: validator.add("actions", "must be a list of 1 to 20 actions")
        }
        var status = Automation.Status.enabled
        if let text = body["status"].string {
            if let parsed = Automation.Status(rawValue: text) { status = parsed } else { validator.add("status", "must be enabled or disabled") }
        } else if body["status"] != .null {
            validator.add("status", "must be enabled or disabled")
        }
        try validator.check()
        guard let trigger else { throw ValidationError("trigger", "is required") }
        return AutomationDefinition(name: name, trigger: trigger, conditions: conditions, actions: actions, status: status)
    }

    /// A stored definition, read back: its URLs were checked when it was given (and are checked again at delivery).
    package static func parseStored(_ definition: JSONValue, name: String, trigger: String) throws -> AutomationDefinition {
        let members = JSONObject(members: [
            ("name", .string(name)), ("trigger", .string(trigger)), ("conditions", definition["conditions"]), ("actions", definition["actions"]),
        ])
        return try read(.object(members), allowPrivate: true)
    }

    static func readConditions(_ value: JSONValue, at path: String, _ validator: inout Validator) -> [AutomationCondition] {
        guard value != .null else { return [] }
        guard case .array(let items) = value else {
            validator.add(path, "must be a list of conditions")
            return []
        }
        return items.enumerated().compactMap { index, item in
            let at = "\(path)[\(index)]"
            guard item.isObject else {
                validator.add(at, "must be an object")
                return nil
            }
            let field = item["field"].string ?? ""
            let root = field.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
            if field.isEmpty {
                validator.add("\(at).field", "is required")
            } else if !AutomationCondition.roots.contains(root) || field.split(separator: ".").count < 2 {
                validator.add("\(at).field", "must be a path under event, data or account")
            }
            let op = AutomationCondition.Op(rawValue: item["op"].string ?? "")
            if op == nil { validator.add("\(at).op", "must be one of \(AutomationCondition.Op.allCases.map(\.rawValue).joined(separator: ", "))") }
            let conditionValue = conditionValue(item["value"])
            switch (op, conditionValue) {
            case (.in, .list), (.exists, _), (nil, _): break
            case (.in, _): validator.add("\(at).value", "must be a list for in")
            case (_, .null), (_, .list): validator.add("\(at).value", "must be a string, a number or a boolean")
            default: break
            }
            guard let op else { return nil }
            return AutomationCondition(field: field, op: op, value: conditionValue)
        }
    }

    static func conditionValue(_ value: JSONValue) -> AutomationCondition.Value {
        switch value {
        case .string(let text): .string(text)
        case .integer(let number): .number(Double(number))
        case .number(let number): .number(number)
        case .bool(let bool): .bool(bool)
        case .array(let items): .list(items.map(conditionValue))
        case .object, .null: .null
        }
    }

    private static func readAction(_ item: JSONValue, at path: String, allowPrivate: Bool, _ validator: inout Validator) -> AutomationAction? {
        guard item.isObject else {
            validator.add(path, "must be an object")
            return nil
        }
        func text(_ key: String, required: Bool, max: Int) -> String? {
            let value = item[key].string?.trimmingCharacters(in: .whitespacesAndNewlines)
            if required, value?.isEmpty ?? true { validator.add("\(path).\(key)", "is required") }
            if item[key] != .null, item[key].string == nil { validator.add("\(path).\(key)", "must be a string") }
            if let value, value.count > max { validator.add("\(path).\(key)", "must be at most \(max) characters") }
            return value
        }
        func number(_ key: String) -> Double? {
            switch item[key] {
            case .integer(let value): Double(value)
            case .number(let value): value
            default: nil
            }
        }
        switch item["type"].string ?? "" {
        case "create_task":
            let title = text("title", required: true, max: 500)
            let due = number("due_in_hours") ?? 24
            if item["due_in_hours"] != .null, number("due_in_hours").map({ $0 <= 0 || $0 > 8_760 }) ?? true {
                validator.add("\(path).due_in_hours", "must be a number of hours above 0 and at most 8760")
            }
            let assignee = text("assignee", required: false, max: 320)
            return .createTask(title: title ?? "", dueInHours: due, assignee: assignee == "account_owner" ? nil : assignee)
        case "set_field":
            let field = item["field"].string ?? ""
            if !AutomationAction.settableFields.contains(field) { validator.add("\(path).field", "must be owner or segment") }
            let value = item["value"].string
            if item["value"] != .null, value == nil { validator.add("\(path).value", "must be a string or null") }
            if field == "segment", let value, Segment(rawValue: value) == nil {
                validator.add("\(path).value", "must be one of \(Segment.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if field == "segment" || field == "owner", let value, value.count > 320 { validator.add("\(path).value", "is too long") }
            return .setField(field: field, value: value)
        case "add_tag":
            let tag = text("tag", required: true, max: AccountTags.maxLength)
            return .addTag(tag ?? "")
        case "notify":
            let url = text("url", required: true, max: DeliveryTarget.maxURLLength) ?? ""
            if !url.isEmpty, let problem = DeliveryTarget.problem(with: url, allowPrivate: allowPrivate) { validator.add("\(path).url", problem) }
            let message = text("text", required: true, max: 4_000)
            return .notify(url: url, text: message ?? "")
        case "wait":
            let hours = number("hours")
            if hours.map({ $0 <= 0 || $0 > AutomationAction.maxWaitHours }) ?? true {
                validator.add("\(path).hours", "must be above 0 and at most \(Int(AutomationAction.maxWaitHours))")
            }
            return .wait(hours: hours ?? 0, conditions: readConditions(item["conditions"], at: "\(path).conditions", &validator))
        case "":
            validator.add("\(path).type", "is required")
            return nil
        default:
            validator.add("\(path).type", "must be one of \(AutomationAction.types.joined(separator: ", "))")
            return nil
        }
    }
}

/// The value at a condition's path in the documents an automation sees: `event`, `data` (as recorded) and `account` (its
/// `GET` now).
struct AutomationDocuments: Sendable {
    var event: JSONValue
    var account: JSONValue

    func value(at path: String) -> AutomationCondition.Value? {
        var parts = path.split(separator: ".").map(String.init)
        guard !parts.isEmpty else { return nil }
        let root = parts.removeFirst()
        var current: JSONValue
        switch root {
        case "event": current = event
        case "data": current = event["data"]
        case "account": current = account
        default: return nil
        }
        for part in parts {
            guard current.isObject else { return nil }
            current = current[part]
        }
        return current == .null ? nil : AutomationDefinition.conditionValue(current)
    }

    func results(of conditions: [AutomationCondition]) -> [AutomationRun.ConditionResult] {
        conditions.map { AutomationRun.ConditionResult($0, actual: value(at: $0.field)) }
    }

    /// `text` with each `{{path}}` replaced by the value there (empty when missing).
    func render(_ text: String) -> String {
        var output = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            output += rest[..<open.lowerBound]
            let path = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            switch value(at: path) {
            case .string(let text): output += text
            case .number(let number): output += number.rounded() == number ? String(Int64(number)) : String(number)
            case .bool(let bool): output += String(bool)
            case .list(let items): output += items.map { "\($0)" }.joined(separator: ", ")
            case .null, nil: break
            }
            rest = rest[close.upperBound...]
        }
        return output + rest
    }
}
