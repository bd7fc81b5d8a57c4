import Foundation
import TenureServices

/// A metric made of rows (revenue, churn, cohorts, forecast), sliced: `{data, group_by?, groups?: [{value, data}]}`.
struct SeriesBody<Row: Encodable & Sendable>: Encodable, Sendable {
    var data: [Row]
    var groupBy: String?
    var groups: [Group]?

    struct Group: Encodable, Sendable {
        @Nullable var value: String?
        var data: [Row]
    }

    init<Value>(_ sliced: Sliced<[Value]>, _ row: (Value) -> Row) {
        data = sliced.total.map(row)
        groupBy = sliced.groupBy?.rawValue
        groups = sliced.groupBy.map { _ in sliced.groups.map { Group(value: $0.value, data: $0.metric.map(row)) } }
    }
}

/// A metric made of fields (LTV, pipeline, support, summary, trials), sliced: its fields, then `group_by` and `groups`,
/// each group the same fields with its `value`.
struct FieldsBody<Resource: Encodable & Sendable>: Encodable, Sendable {
    var resource: Resource
    var groupBy: String?
    var groups: [Group]?

    struct Group: Encodable, Sendable {
        var value: String?
        var resource: Resource

        func encode(to encoder: any Encoder) throws {
            try resource.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(value, forKey: .value)
        }
    }

    enum Keys: String, CodingKey {
        case value, groupBy, groups
    }

    init<Value>(_ sliced: Sliced<Value>, _ resource: (Value) -> Resource) {
        self.resource = resource(sliced.total)
        groupBy = sliced.groupBy?.rawValue
        groups = sliced.groupBy.map { _ in sliced.groups.map { Group(value: $0.value, resource: resource($0.metric)) } }
    }

    func encode(to encoder: any Encoder) throws {
        try resource.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(groupBy, forKey: .groupBy)
        try container.encodeIfPresent(groups, forKey: .groups)
    }
}
