import Foundation
import TenureCore

/// A metric over a slice of the company and, when grouped, over each group of it (`INSIGHTS.md`, "Slices"): the one
/// definition of the metric evaluated over a subset, never a second formula.
public struct Sliced<Value: Sendable>: Sendable {
    public var total: Value
    public var groupBy: SliceDimension?
    public var groups: [(value: String?, metric: Value)]

    /// `compute` over the items `slice` admits (every item, when the slice is the whole company and `complete`: the
    /// items are every one there is, not only those a restricted key may see), then over each group's: by value
    /// ascending, those without one last. Each item is in one group, so additive figures sum to the total; an item
    /// without slice values (a merged account's) is in no slice. The groups are the values among `universe` (every
    /// account's, when the items are only some accounts' records), else among the items.
    static func evaluate<Item>(
        _ slice: Slice,
        groupBy: SliceDimension?,
        items: [Item],
        complete: Bool = true,
        values: (Item) -> SliceValues?,
        universe: [String: SliceValues]? = nil,
        _ compute: ([Item]) throws -> Value
    ) rethrows -> Sliced<Value> {
        let whole = slice.isEverything && complete
        guard !whole || groupBy != nil else { return Sliced(total: try compute(items), groupBy: nil, groups: []) }
        var admitted: [Item] = []
        var members: [String?: [Item]] = [:]
        for item in items {
            guard let value = values(item), slice.admits(value) else { continue }
            if !whole { admitted.append(item) }
            if let groupBy { members[value[groupBy], default: []].append(item) }
        }
        let total = try compute(whole ? items : admitted)
        guard let groupBy else { return Sliced(total: total, groupBy: nil, groups: []) }
        var present = Set(members.keys)
        for value in universe?.values ?? [:].values where slice.admits(value) { present.insert(value[groupBy]) }
        let order = present.compactMap { $0 }.sorted() + (present.contains(nil) ? [nil] : [])
        let groups = try order.map { value in (value, try compute(members[value] ?? [])) }
        return Sliced(total: total, groupBy: groupBy, groups: groups)
    }
}

/// Some of the deals, read in place.
typealias DealSelection = LazyMapSequence<[Int], PipelineFacts>

extension Transaction {
    /// `metric` of the revenue ledger (every account's movements up to `asOf`) over the slice and each of its groups.
    func slicedLedger<Value>(
        asOf: Date,
        _ slice: Slice,
        groupBy: SliceDimension?,
        _ metric: (RevenueLedger) -> Value
    ) async throws -> Sliced<Value> {
        let movements = try await ledger.movements(of: nil, asOf: asOf)
        let values = try await sliceValues(for: slice, groupBy: groupBy)
        func measured(_ accounts: [(key: String, value: [Movement])]) -> Value { metric(RevenueLedger(histories: accounts.map(\.value))) }
        return Sliced.evaluate(slice, groupBy: groupBy, items: Array(movements), values: { values[$0.key] }, universe: values, measured)
    }

    /// `metric` of the deals known at `asOf` (of `accounts` when given: a key restricted to an owner) over the slice and
    /// each of its groups, a deal sliced by its own owner and its account's segment and industry. The deals are handed
    /// over without being copied.
    func slicedDeals<Value>(
        asOf: Date,
        _ slice: Slice,
        groupBy: SliceDimension?,
        accounts: Set<String>? = nil,
        _ metric: (DealSelection) -> Value
    ) async throws -> Sliced<Value> {
        var deals = try await opportunities.pipelineFacts(asOf: asOf)
        if let accounts { deals.removeAll { !accounts.contains($0.accountID) } }
        var values: [SliceValues] = []
        if !slice.isEverything || groupBy != nil {
            let byAccount = try await self.accounts.sliceValues()
            let none = SliceValues(segment: nil, industry: nil, owner: nil)
            values = deals.map { deal in
                var dealValues = byAccount[deal.accountID] ?? none
                dealValues.owner = SliceValues.key(deal.owner)
                return dealValues
            }
        }
        func measured(_ chosen: [Int]) -> Value { metric(chosen.lazy.map { deals[$0] }) }
        return Sliced.evaluate(slice, groupBy: groupBy, items: Array(deals.indices), values: { values[$0] }, measured)
    }

    /// The accounts' slice values, of `visible` ones only when given; none when neither the slice nor a grouping nor a
    /// restriction needs them (the whole company, as one).
    func sliceValues(for slice: Slice, groupBy: SliceDimension?, visible: Set<String>? = nil) async throws -> [String: SliceValues] {
        guard !slice.isEverything || groupBy != nil || visible != nil else { return [:] }
        let values = try await accounts.sliceValues()
        return visible.map { set in values.filter { set.contains($0.key) } } ?? values
    }
}
