import Foundation

/// A fit rule: points when the lead's `field` is one of `values` (case-insensitive; null never).
public struct FitRule: Sendable, Equatable {
    public var key: String
    public var field: LeadField
    public var values: [String]
    public var points: Int

    public init(key: String, field: LeadField, values: [String], points: Int) {
        self.key = key
        self.field = field
        self.values = values
        self.points = points
    }

    public func fires(for lead: Lead) -> Bool {
        guard let value = lead.value(of: field)?.lowercased() else { return false }
        return values.contains { $0.lowercased() == value }
    }
}

/// Where a behavior rule counts events, as of an instant.
public enum ScoringWindow: Sendable, Equatable {
    /// (as_of − N days, as_of].
    case days(Int)
    /// [start of as_of's UTC month, as_of].
    case month
    /// Every event ≤ as_of.
    case always

    /// Where the window starts as of `asOf` (nil: it has no start); an instant at the start is inside only for `month`.
    public func start(asOf: Date) -> Date? {
        switch self {
        case .days(let days): asOf.addingTimeInterval(-Double(days) * 86_400)
        case .month: CalendarMonth(containing: asOf).start
        case .always: nil
        }
    }
}

/// A behavior rule: points when the lead's events of `type` (nil: any) matching `urlPattern` and `asset`, in the window,
/// number between `minCount` and `maxCount`.
public struct BehaviorRule: Sendable, Equatable {
    public var key: String
    public var type: EngagementType?
    public var urlPattern: URLPattern?
    public var asset: String?
    public var window: ScoringWindow
    public var minCount: Int?
    public var maxCount: Int?
    public var points: Int

    public init(
        key: String,
        type: EngagementType?,
        urlPattern: URLPattern? = nil,
        asset: String? = nil,
        window: ScoringWindow,
        minCount: Int?,
        maxCount: Int? = nil,
        points: Int
    ) {
        self.key = key
        self.type = type
        self.urlPattern = urlPattern
        self.asset = asset
        self.window = window
        self.minCount = minCount
        self.maxCount = maxCount
        self.points = points
    }

    /// The events it counts.
    public var counted: EngagementCount { EngagementCount(type: type, window: window, urlPattern: urlPattern, asset: asset) }

    /// Whether an event is of the kind this rule counts (wherever it falls).
    public func counts(_ event: ScoredEvent) -> Bool {
        if let type, event.type != type { return false }
        if let asset, event.asset?.lowercased() != asset.lowercased() { return false }
        if let urlPattern, !(event.path.map(urlPattern.matches(path:)) ?? false) { return false }
        return true
    }

    /// How many of the instants of its events (`times`, ascending) fall in its window as of `asOf`.
    func count(_ times: [Date], asOf: Date) -> Int {
        let end = times.partitioningIndex { $0 > asOf }
        switch window {
        case .always: return end
        case .month:
            let start = CalendarMonth(containing: asOf).start
            return end - times.partitioningIndex { $0 >= start }
        case .days(let days):
            let start = asOf.addingTimeInterval(-Double(days) * 86_400)
            return end - times.partitioningIndex { $0 > start }
        }
    }

    /// Whether it fires as of `asOf` for a lead created at `createdAt` whose events it counts `count` times then: a rule
    /// with a `maxCount` judges absence only over a window that starts after the lead was created.
    public func fires(count: Int, createdAt: Date, asOf: Date) -> Bool {
        guard count >= (minCount ?? 0), count <= (maxCount ?? .max) else { return false }
        if maxCount != nil, let start = window.start(asOf: asOf), createdAt > start { return false }
        return true
    }
}

/// What scoring needs of an event: its type, its url's lowercased path, its asset and when.
public struct ScoredEvent: Sendable, Equatable {
    public var type: EngagementType
    public var occurredAt: Date
    public var path: String?
    public var asset: String?

    public init(type: EngagementType, occurredAt: Date, path: String?, asset: String?) {
        self.type = type
        self.occurredAt = occurredAt
        self.path = path
        self.asset = asset
    }

    public init(_ event: EngagementEvent) {
        self.init(type: event.type, occurredAt: event.occurredAt, path: event.path, asset: event.asset)
    }
}

/// `GET/PUT /v1/settings/lead-scoring`.
public struct LeadScoringSettings: Sendable, Equatable {
    public var fitRules: [FitRule]
    public var behaviorRules: [BehaviorRule]
    public var mqlThreshold: Int
    public var autoQualify: Bool

    public init(fitRules: [FitRule], behaviorRules: [BehaviorRule], mqlThreshold: Int, autoQualify: Bool) {
        self.fitRules = fitRules
        self.behaviorRules = behaviorRules
        self.mqlThreshold = mqlThreshold
        self.autoQualify = autoQualify
    }

    /// The chapter's defaults: the seed's table.
    public static let defaults = LeadScoringSettings(
        fitRules: [
            FitRule(key: "executive", field: .role, values: ["executive"], points: 15),
            FitRule(key: "target_segment", field: .segment, values: ["mid_market", "enterprise"], points: 10),
        ],
        behaviorRules: [
            BehaviorRule(key: "pricing_page", type: .pageView, urlPattern: URLPattern("/pricing*"), window: .days(7), minCount: 1, points: 25),
            BehaviorRule(key: "case_study", type: .contentDownload, asset: "case_study", window: .always, minCount: 1, points: 15),
            BehaviorRule(key: "webinar", type: .webinarAttended, window: .always, minCount: 1, points: 20),
            BehaviorRule(key: "emails_this_month", type: .emailOpened, window: .month, minCount: 3, points: 10),
            BehaviorRule(key: "inactive_60d", type: nil, window: .days(60), minCount: 0, maxCount: 0, points: -20),
        ],
        mqlThreshold: 50,
        autoQualify: true
    )
}

/// A rule that fired, with the events it counted (nil for a fit rule).
public struct FiredRule: Sendable, Equatable {
    public enum Kind: String, Sendable { case fit, behavior }

    public var key: String
    public var kind: Kind
    public var points: Int
    public var count: Int?
}

/// A lead's score as of an instant (`LEADS.md`, "Scoring"): the points of the rules that fire, each at most once.
public struct LeadScore: Sendable, Equatable {
    public var fitScore: Int
    public var behaviorScore: Int
    /// Fit rules first, each in the settings' order.
    public var fired: [FiredRule]
    /// The first instant in [created_at, as_of] at which the score reached the threshold.
    public var mqlAt: Date?

    public var score: Int { fitScore + behaviorScore }
    public var mql: Bool { mqlAt != nil }
}

extension LeadScoringSettings {
    /// The score of `lead` as of `asOf` from its `events` (any order; those after `asOf` do not count), with `mqlAt`.
    public func score(_ lead: Lead, events: [ScoredEvent], asOf: Date) -> LeadScore {
        let times = counted(events)
        var score = pointsAt(asOf, lead, times, explained: true)
        score.mqlAt = firstInstant(lead, events, times, upTo: asOf) { $0.score >= mqlThreshold }
        return score
    }

    /// The score as of `asOf` alone from how many events each behavior rule counts then (in the settings' order; the
    /// storage counts them in one pass): what auto-qualification and routing judge.
    public func currentScore(_ lead: Lead, counts: [Int], asOf: Date) -> Int {
        let fit = fitRules.reduce(0) { $0 + ($1.fires(for: lead) ? $1.points : 0) }
        return zip(behaviorRules, counts).reduce(fit) { score, pair in
            score + (pair.0.fires(count: pair.1, createdAt: lead.createdAt, asOf: asOf) ? pair.0.points : 0)
        }
    }

    /// The keys of the rules that fired at some instant of [created_at, end].
    public func firedKeys(_ lead: Lead, events: [ScoredEvent], upTo end: Date) -> Set<String> {
        let times = counted(events)
        var keys: Set<String> = []
        for instant in changeInstants(lead, events, upTo: end) {
            keys.formUnion(pointsAt(instant, lead, times, explained: true).fired.map(\.key))
        }
        return keys
    }

    /// For each behavior rule, the instants of the events it counts, ascending: a window's count is then two binary
    /// searches, so a score at each of a lead's change instants stays cheap however many events it has.
    func counted(_ events: [ScoredEvent]) -> [[Date]] {
        behaviorRules.map { rule in events.filter(rule.counts).map(\.occurredAt).sorted() }
    }

    /// The score at one instant, without `mqlAt`; `explained` lists the fired rules.
    func pointsAt(_ asOf: Date, _ lead: Lead, _ times: [[Date]], explained: Bool) -> LeadScore {
        var score = LeadScore(fitScore: 0, behaviorScore: 0, fired: [], mqlAt: nil)
        for rule in fitRules where rule.fires(for: lead) {
            score.fitScore += rule.points
            if explained { score.fired.append(FiredRule(key: rule.key, kind: .fit, points: rule.points, count: nil)) }
        }
        for (rule, times) in zip(behaviorRules, times) {
            let count = rule.count(times, asOf: asOf)
            guard rule.fires(count: count, createdAt: lead.createdAt, asOf: asOf) else { continue }
            score.behaviorScore += rule.points
            if explained { score.fired.append(FiredRule(key: rule.key, kind: .behavior, points: rule.points, count: count)) }
        }
        return score
    }

    /// The first instant of [created_at, end] at which the score passes `test`.
    func firstInstant(_ lead: Lead, _ events: [ScoredEvent], _ times: [[Date]], upTo end: Date, where test: (LeadScore) -> Bool) -> Date? {
        guard lead.createdAt <= end else { return nil }
        return changeInstants(lead, events, upTo: end).first { test(pointsAt($0, lead, times, explained: false)) }
    }

    /// Every instant of [created_at, end] at which a score can change, ascending: created_at, each event, N days after
    /// either (each window N), each month start.
    func changeInstants(_ lead: Lead, _ events: [ScoredEvent], upTo end: Date) -> [Date] {
        let start = lead.createdAt
        guard start <= end else { return [] }
        let windows = Set(behaviorRules.compactMap { rule -> Int? in if case .days(let days) = rule.window { days } else { nil } })
        var instants: Set<Date> = [start]
        for origin in [start] + events.map(\.occurredAt) where origin <= end {
            if origin >= start { instants.insert(origin) }
            for days in windows {
                let moved = origin.addingTimeInterval(Double(days) * 86_400)
                if moved > start, moved <= end { instants.insert(moved) }
            }
        }
        if behaviorRules.contains(where: { $0.window == .month }) {
            var month = CalendarMonth(containing: start).adding(1)
            while month.start <= end {
                instants.insert(month.start)
                month = month.adding(1)
            }
        }
        return instants.sorted()
    }
}

extension Array {
    /// The index of the first element for which `belongs` holds, in an array where every element for which it holds comes
    /// after every element for which it does not (binary search).
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var (low, high) = (0, count)
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
