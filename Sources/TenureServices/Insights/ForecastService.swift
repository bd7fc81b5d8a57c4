import Foundation
import TenureCore
import TenureJSON

/// Revenue targets and the forecast against them (`INSIGHTS.md`, "Forecast").
public struct ForecastService: Sendable {
    let storage: any Storage
    let clock: Clock
    /// Months one forecast may span.
    public static let maxMonths = 120

    public init(storage: any Storage, clock: Clock) {
        self.storage = storage
        self.clock = clock
    }

    /// `GET /v1/metrics/forecast`: deals sliced by their account's segment and industry and their own owner. The target
    /// is the company's, the owners' sum when sliced by owner alone, each owner group's own, and none for a slice or
    /// group by segment or industry (targets have neither).
    public func forecast(
        from: CalendarMonth,
        to: CalendarMonth,
        asOf: Date,
        slice: Slice,
        groupBy: SliceDimension?
    ) async throws -> Sliced<[ForecastMonth]> {
        guard from.adding(Self.maxMonths) > to else { throw ValidationError("from", "must be at most \(Self.maxMonths) months before to") }
        return try await storage.read { tx in
            let settings = try await pipelineSettings(in: tx)
            let targets = try await tx.targets.list(from: from, to: to, owner: nil)
            /// The company's target of `month`, or the sum of `owners`' (nil when none of them has one).
            func target(_ month: CalendarMonth, owners: Set<String>?) -> Int? {
                let matching = targets.filter { target in
                    guard target.period == month else { return false }
                    guard let owners else { return target.owner == nil }
                    return target.owner.map(owners.contains) ?? false
                }
                return matching.isEmpty ? nil : matching.reduce(0) { $0 + $1.amount }
            }
            func targeted(_ months: [ForecastMonth], owners: Set<String>?) -> [ForecastMonth] {
                months.map { month in
                    var month = month
                    month.target = target(month.month, owners: owners)
                    return month
                }
            }
            var forecast = try await tx.slicedDeals(asOf: asOf, slice, groupBy: groupBy) {
                ForecastMonth.months(from: from, to: to, deals: $0, asOf: asOf, settings: settings)
            }
            guard slice.values[.segment] == nil, slice.values[.industry] == nil else { return forecast }
            forecast.total = targeted(forecast.total, owners: slice.values[.owner])
            if groupBy == .owner {
                forecast.groups = forecast.groups.map { value, months in (value, value.map { targeted(months, owners: [$0]) } ?? months) }
            }
            return forecast
        }
    }

    // MARK: Targets

    /// The targets of `from`…`to` (either open), of one owner when given.
    public func targets(from: CalendarMonth?, to: CalendarMonth?, owner: String?) async throws -> [ForecastTarget] {
        try await storage.read { tx in try await tx.targets.list(from: from, to: to, owner: owner.map { SliceValues.key($0) }) }
    }

    /// `PUT /v1/targets`: each (period, owner) stored, or deleted by an `amount` of null; all or none.
    public func updateTargets(_ body: JSONValue, by actor: Actor) async throws -> [ForecastTarget] {
        let changes = try Self.targetChanges(body)
        let now = clock.now()
        return try await storage.write { tx in
            for change in changes {
                if let amount = change.amount {
                    try await tx.targets.upsert(ForecastTarget(period: change.period, owner: change.owner, amount: amount), at: now)
                } else {
                    try await tx.targets.delete(period: change.period, owner: change.owner)
                }
            }
            try await tx.audit(actor, "targets.update", "targets", nil, at: now)
            return try await tx.targets.list(from: nil, to: nil, owner: nil)
        }
    }

    private struct TargetChange {
        var period: CalendarMonth
        var owner: String?
        var amount: Int?
    }

    /// `{"targets": [{period, owner?, amount}]}`, every problem named by its path.
    private static func targetChanges(_ body: JSONValue) throws -> [TargetChange] {
        var validator = Validator()
        JSONReading.rejectUnknownKeys(body, allowed: ["targets"], at: nil, &validator)
        var seen: Set<String> = []
        let changes = JSONReading.list(JSONReading.member(body, "targets"), at: "targets", &validator, limit: 1_000) {
            item,
            at,
            validator -> TargetChange? in
            JSONReading.rejectUnknownKeys(item, allowed: ["period", "owner", "amount"], at: at, &validator)
            let period = item["period"].string.flatMap(CalendarMonth.init)
            if period == nil { validator.add("\(at).period", "must be a month, YYYY-MM") }
            var owner: String?
            switch JSONReading.member(item, "owner") {
            case nil, .null: owner = nil
            case .string(let text):
                owner = SliceValues.key(text)
                if owner == nil { validator.add("\(at).owner", "must be null (the company's) or a non-empty name") }
            default: validator.add("\(at).owner", "must be null (the company's) or a non-empty name")
            }
            var amount: Int?
            switch JSONReading.member(item, "amount") {
            case .null: amount = nil
            case let value?:
                amount = JSONReading.integer(value)
                if (amount ?? -1) < 0 { validator.add("\(at).amount", "must be an integer ≥ 0, or null to delete") }
            case nil: validator.add("\(at).amount", "is required (null deletes the target)")
            }
            guard let period else { return nil }
            if !seen.insert("\(period) \(owner ?? "")").inserted { validator.add("\(at).period", "names a period and owner given before") }
            return TargetChange(period: period, owner: owner, amount: amount)
        }
        if changes == nil { validator.add("targets", "is required") }
        try validator.check()
        return changes ?? []
    }
}
