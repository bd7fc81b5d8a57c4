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
        for value in universe?.values ?? [:].values where slice.admits(value) && members[value[groupBy]] == nil { members[value[groupBy]] = [] }
        return Sliced(total: total, groupBy: groupBy, groups: try ordered(members).map { ($0.value, try compute($0.items)) })
    }

    /// `metric` of the total's items and, when grouped, of each group's, the total on a second thread.
    static func measured<Items: Sendable>(
        total: Items,
        groupBy: SliceDimension?,
        groups: [String?: Items],
        _ metric: @escaping @Sendable (Items) -> Value
    ) -> Sliced<Value> {
        guard let groupBy else { return Sliced(total: metric(total), groupBy: nil, groups: []) }
        let ordered = ordered(groups)
        let (whole, measured) = concurrently {
            metric(total)
        } _: {
            ordered.map { ($0.value, metric($0.items)) }
        }
        return Sliced(total: whole, groupBy: groupBy, groups: measured)
    }

    /// The groups by value ascending, the one without a value last.
    static func ordered<Items>(_ members: [String?: Items]) -> [(value: String?, items: Items)] {
        members.sorted { first, second in
            guard let a = first.key else { return false }
            guard let b = second.key else { return true }
            return a < b
        }.map { ($0.key, $0.value) }
    }
}

extension Transaction {
    /// `metric` of the revenue ledger (every account's movements up to `asOf`) over the slice and each of its groups:
    /// the histories from the joined copy of every account's.
    func slicedLedger<Value: Sendable>(
        asOf: Date,
        _ slice: Slice,
        groupBy: SliceDimension?,
        _ metric: @escaping @Sendable (RevenueLedger) -> Value
    ) async throws -> Sliced<Value> {
        guard !slice.isEverything || groupBy != nil else {
            return Sliced(total: metric(RevenueLedger(movements: try await ledger.movements(of: nil, asOf: asOf))), groupBy: nil, groups: [])
        }
        let copy = try await slicedHistories()
        var total: [[Movement]] = []
        var members: [String?: [[Movement]]] = [:]
        if slice.isEverything, let groupBy {
            total = Array(try await ledger.movements(of: nil, asOf: asOf).values)
            members = (copy.groups[groupBy] ?? [:]).mapValues { positions in
                positions.map { copy.movements(at: $0, asOf: asOf) }.filter { !$0.isEmpty }
            }
        } else {
            for (position, account) in copy.accounts.enumerated() where slice.admits(account.values) {
                let history = copy.movements(at: position, asOf: asOf)
                if !history.isEmpty { total.append(history) }
                guard let groupBy else { continue }
                // An admitted account without movements still makes its value one of the groups.
                members[account.values[groupBy], default: []].append(contentsOf: history.isEmpty ? [] : [history])
            }
        }
        return Sliced.measured(total: total, groupBy: groupBy, groups: members) { metric(RevenueLedger(histories: $0)) }
    }

    /// `metric` of the deals known at `asOf` (of `accounts` when given: a key restricted to an owner) over the slice and
    /// each of its groups, a deal sliced by its own owner and its account's segment and industry.
    func slicedDeals<Value: Sendable>(
        asOf: Date,
        _ slice: Slice,
        groupBy: SliceDimension?,
        accounts: Set<String>? = nil,
        _ metric: @escaping @Sendable ([PipelineFacts]) -> Value
    ) async throws -> Sliced<Value> {
        var deals = try await opportunities.pipelineFacts(asOf: asOf)
        if let accounts { deals.removeAll { !accounts.contains($0.accountID) } }
        guard !slice.isEverything || groupBy != nil else { return Sliced(total: metric(deals), groupBy: nil, groups: []) }
        var admitted: [PipelineFacts] = []
        var members: [String?: [PipelineFacts]] = [:]
        for deal in deals where slice.admits(deal.slice) {
            if !slice.isEverything { admitted.append(deal) }
            if let groupBy { members[deal.slice[groupBy], default: []].append(deal) }
        }
        return Sliced.measured(total: slice.isEverything ? deals : admitted, groupBy: groupBy, groups: members, metric)
    }

    /// The accounts' slice values, of `visible` ones only when given; none when neither the slice nor a grouping nor a
    /// restriction needs them (the whole company, as one).
    func sliceValues(for slice: Slice, groupBy: SliceDimension?, visible: Set<String>? = nil) async throws -> [String: SliceValues] {
        guard !slice.isEverything || groupBy != nil || visible != nil else { return [:] }
        let values = try await accounts.sliceValues()
        return visible.map { set in values.filter { set.contains($0.key) } } ?? values
    }
}
