import Foundation

/// Who a routing rule names: one owner, or a pool taken in turn (round robin).
public enum Assignee: Sendable, Equatable {
    case owner(String)
    case pool([String])
}

/// What a lead must be for a routing rule to take it: each listed field one of its values (case-insensitive), the score
/// now within the bounds.
public struct RoutingCondition: Sendable, Equatable {
    public var lists: [LeadField: [String]]
    public var minScore: Int?
    public var maxScore: Int?

    public init(lists: [LeadField: [String]] = [:], minScore: Int? = nil, maxScore: Int? = nil) {
        self.lists = lists
        self.minScore = minScore
        self.maxScore = maxScore
    }

    public func holds(for lead: Lead, score: Int) -> Bool {
        for (field, values) in lists {
            guard let value = lead.value(of: field)?.lowercased(), values.contains(where: { $0.lowercased() == value }) else { return false }
        }
        return score >= (minScore ?? .min) && score <= (maxScore ?? .max)
    }
}

public struct RoutingRule: Sendable, Equatable {
    public var name: String
    public var when: RoutingCondition
    public var assignee: Assignee

    public init(name: String, when: RoutingCondition, assignee: Assignee) {
        self.name = name
        self.when = when
        self.assignee = assignee
    }
}

/// `GET/PUT /v1/settings/lead-routing`.
public struct LeadRoutingSettings: Sendable, Equatable {
    public var rules: [RoutingRule]
    public var fallback: Assignee?
    /// The follow-up task is due this many hours after the routing; nil: no task.
    public var followUpHours: Int?

    public init(rules: [RoutingRule], fallback: Assignee?, followUpHours: Int?) {
        self.rules = rules
        self.fallback = fallback
        self.followUpHours = followUpHours
    }

    public static let defaults = LeadRoutingSettings(rules: [], fallback: nil, followUpHours: 2)
    /// The name routing gives the fallback, in assignments and in the round-robin counters.
    public static let fallbackName = "fallback"

    /// Each pool's members, by the name of the rule that has it.
    public var pools: [String: [String]] {
        var pools: [String: [String]] = [:]
        for rule in rules { if case .pool(let members) = rule.assignee { pools[rule.name] = members } }
        if case .pool(let members) = fallback { pools[Self.fallbackName] = members }
        return pools
    }
}

/// Where each pool stands: the k of its next lead, with the pool it counts for.
public struct RoundRobin: Sendable, Equatable, Codable {
    public struct Counter: Sendable, Equatable, Codable {
        public var pool: [String]
        public var next: Int
    }

    public var counters: [String: Counter]

    public init(counters: [String: Counter] = [:]) { self.counters = counters }

    /// The counters kept by new settings: a rule of the same name and pool continues, any other starts at 0.
    public func kept(for settings: LeadRoutingSettings) -> RoundRobin {
        RoundRobin(counters: counters.filter { name, counter in settings.pools[name] == counter.pool })
    }

    /// The member whose turn it is in the pool `name`, moving the counter on.
    mutating func take(_ name: String, from pool: [String]) -> String {
        var counter = counters[name].flatMap { $0.pool == pool ? $0 : nil } ?? Counter(pool: pool, next: 0)
        let member = pool[counter.next % pool.count]
        counter.next += 1
        counters[name] = counter
        return member
    }
}

/// Who routing gives a lead: the owner and the rule's name (`fallback`).
public struct Routing: Sendable, Equatable {
    public var owner: String
    public var rule: String
}

extension LeadRoutingSettings {
    /// The first rule that takes `lead` (its score now is `score`), else the fallback; nil when neither names anyone.
    public func route(_ lead: Lead, score: Int, turns: inout RoundRobin) -> Routing? {
        let chosen =
            rules.first { $0.when.holds(for: lead, score: score) }.map { ($0.name, $0.assignee) }
            ?? fallback.map { (Self.fallbackName, $0) }
        guard let (name, assignee) = chosen else { return nil }
        switch assignee {
        case .owner(let owner): return Routing(owner: owner, rule: name)
        case .pool(let pool): return Routing(owner: turns.take(name, from: pool), rule: name)
        }
    }
}
