import Foundation

/// Where a deal stands in the forecast (`INSIGHTS.md`, "Forecast"), as Salesforce's forecast categories.
public enum ForecastCategory: String, Codable, CaseIterable, Sendable {
    case pipeline
    case bestCase = "best_case"
    case commit
    case omitted
    case closed

    /// What a person may set on a deal (`closed` only comes of winning).
    public static let settable: [ForecastCategory] = [.pipeline, .bestCase, .commit, .omitted]

    /// A won deal is `closed`, a lost one `omitted`; an open one is its override, else by its stage's probability.
    public init(stage: PipelineStage, probability: Double, override: ForecastCategory?, thresholds: ForecastThresholds) {
        switch stage {
        case .closedWon: self = .closed
        case .closedLost: self = .omitted
        default:
            if let override {
                self = override
            } else {
                self = probability < thresholds.bestCase ? .pipeline : probability < thresholds.commit ? .bestCase : .commit
            }
        }
    }
}

/// The stage probabilities from which an open deal is `best_case`, and `commit`.
public struct ForecastThresholds: Sendable, Equatable, Codable {
    public var bestCase: Double
    public var commit: Double

    public init(bestCase: Double, commit: Double) {
        self.bestCase = bestCase
        self.commit = commit
    }

    public static let defaults = ForecastThresholds(bestCase: 0.4, commit: 0.7)
}

/// One month of `GET /v1/metrics/forecast`: what was won in it, and the open deals due to close in it by category.
public struct ForecastMonth: Sendable, Equatable {
    public var month: CalendarMonth
    public var closed = 0
    public var commit = 0
    public var bestCase = 0
    public var pipeline = 0
    /// Σ amount × stage probability at `as_of` of the open, unslipped deals not omitted.
    public var weighted = 0.0
    public var slipped = 0
    public var slippedCount = 0
    public var target: Int?

    public init(month: CalendarMonth) { self.month = month }

    /// Salesforce's roll-ups: what is won plus what is committed, and plus the best case.
    public var commitForecast: Int { closed + commit }
    public var bestCaseForecast: Int { closed + commit + bestCase }
    public var attainment: Double? { target.flatMap { ratio(closed, $0) } }
    /// The open amount over what is left of the target; nil when nothing is left.
    public var coverage: Double? {
        guard let target, target - closed > 0 else { return nil }
        return Double(commit + bestCase + pipeline) / Double(target - closed)
    }

    /// The months `from`…`to` over `deals` as of `asOf`: a won deal counts in the month it was first won, an open one in
    /// its close date's month (none: in none), slipped when that date is before `asOf`'s UTC date and it is not omitted.
    public static func months(
        from: CalendarMonth,
        to: CalendarMonth,
        deals: [PipelineFacts],
        asOf: Date,
        settings: PipelineSettings
    ) -> [ForecastMonth] {
        var rows: [CalendarMonth: ForecastMonth] = [:]
        var month = from
        while month <= to {
            rows[month] = ForecastMonth(month: month)
            month = month.adding(1)
        }
        let today = asOf.startOfUTCDay
        for deal in deals where deal.createdAt <= asOf {
            let history = deal.history.asOf(asOf)
            guard let stage = history.stage else { continue }
            if stage == .closedWon, let won = history.entered(.closedWon) {
                rows[CalendarMonth(containing: won.at)]?.closed += deal.amount
                continue
            }
            guard !stage.isClosed, let closeDate = deal.closeDate, var row = rows[CalendarMonth(containing: closeDate)] else { continue }
            let probability = settings.probability(stage)
            let category = ForecastCategory(
                stage: stage,
                probability: probability,
                override: deal.forecastOverride,
                thresholds: settings.forecastThresholds
            )
            guard category != .omitted else { continue }
            if closeDate < today {
                row.slipped += deal.amount
                row.slippedCount += 1
            } else {
                switch category {
                case .commit: row.commit += deal.amount
                case .bestCase: row.bestCase += deal.amount
                default: row.pipeline += deal.amount
                }
                row.weighted += Double(deal.amount) * probability
            }
            rows[row.month] = row
        }
        return rows.values.sorted { $0.month < $1.month }
    }
}

/// A revenue target for a month, the company's (no owner) or one person's.
public struct ForecastTarget: Sendable, Equatable {
    public var period: CalendarMonth
    public var owner: String?
    public var amount: Int

    public init(period: CalendarMonth, owner: String?, amount: Int) {
        self.period = period
        self.owner = owner
        self.amount = amount
    }
}
