import Foundation
import TenureCore

/// Every account's movements beside its slice values, joined once per state of both: a sliced or grouped revenue
/// metric takes its accounts' histories from here instead of looking each of 100,000 accounts up again per request.
public struct SlicedHistories: Sendable {
    /// Every account not merged away (those with slice values) and its movements in time order, possibly none.
    public let accounts: [(values: SliceValues, movements: [Movement])]
    /// Per dimension, every value among `accounts` with the positions of its accounts that have movements.
    public let groups: [SliceDimension: [String?: [Int]]]
    /// The latest movement's instant: as of any later instant, every movement counts.
    public let latest: Date

    public init(movements: [String: [Movement]], values: [String: SliceValues]) {
        var accounts: [(values: SliceValues, movements: [Movement])] = []
        accounts.reserveCapacity(values.count)
        var groups: [SliceDimension: [String?: [Int]]] = [:]
        var latest = Date.distantPast
        for (id, value) in values {
            let history = movements[id] ?? []
            for dimension in SliceDimension.allCases {
                // An account without movements still makes its value one of the groups.
                groups[dimension, default: [:]][value[dimension], default: []].append(contentsOf: history.isEmpty ? [] : [accounts.count])
            }
            if let last = history.last?.at, last > latest { latest = last }
            accounts.append((value, history))
        }
        self.accounts = accounts
        self.groups = groups
        self.latest = latest
    }

    /// An account's movements at or before `asOf`.
    public func movements(at position: Int, asOf: Date) -> [Movement] {
        let history = accounts[position].movements
        guard latest > asOf else { return history }
        return Array(history.prefix { $0.at <= asOf })
    }
}
