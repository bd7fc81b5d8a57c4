import Foundation
import TenureCore

/// A metric over a slice of the company and, when grouped, over each group of it (`INSIGHTS.md`, "Slices"): the one
/// definition of the metric evaluated over a subset, never a second formula.
public struct Sliced<Value: Sendable>: Sendable {
    public var total: Value
    public var groupBy: SliceDimension?
    public var groups: [(value: String?, metric: Value)]

    /// `compute` over the keys `slice` admits among `values` (nil: every key, when the slice is the whole company), then
    /// over each group's: by value ascending, those without one last. Each key is in one group, so additive figures sum to the total.
    /// `complete`: `values` holds every key there is (not only those a restricted key may see).
    static func evaluate<Key: Hashable>(
        _ slice: Slice,
        groupBy: SliceDimension?,
        values: [Key: SliceValues],
        complete: Bool = true,
        _ compute: (Set<Key>?) throws -> Value
    ) rethrows -> Sliced<Value> {
        let total = try compute(slice.isEverything && complete ? nil : Set(values.filter { slice.admits($0.value) }.keys))
        guard let groupBy else { return Sliced(total: total, groupBy: nil, groups: []) }
        var members: [String?: Set<Key>] = [:]
        for (key, item) in values where slice.admits(item) { members[item[groupBy], default: []].insert(key) }
        let order = members.keys.compactMap { $0 }.sorted() + (members[nil] == nil ? [] : [nil])
        let groups = try order.map { value in (value, try compute(members[value] ?? [])) }
        return Sliced(total: total, groupBy: groupBy, groups: groups)
    }

    /// The same metric, transformed.
    public func map<T>(_ transform: (Value) throws -> T) rethrows -> Sliced<T> {
        Sliced<T>(total: try transform(total), groupBy: groupBy, groups: try groups.map { ($0.value, try transform($0.metric)) })
    }
}

extension Dictionary where Key == String, Value == [Movement] {
    /// The accounts' movements among `accounts` (all of them when nil).
    func only(_ accounts: Set<String>?) -> Self {
        guard let accounts else { return self }
        return filter { accounts.contains($0.key) }
    }
}

extension Transaction {
    /// The accounts' slice values, of `visible` ones only when given; none when neither the slice nor a grouping nor a
    /// restriction needs them (the whole company, as one).
    func sliceValues(for slice: Slice, groupBy: SliceDimension?, visible: Set<String>? = nil) async throws -> [String: SliceValues] {
        guard !slice.isEverything || groupBy != nil || visible != nil else { return [:] }
        let values = try await accounts.sliceValues()
        return visible.map { set in values.filter { set.contains($0.key) } } ?? values
    }
}
