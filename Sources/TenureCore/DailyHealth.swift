import Foundation

/// One stored evaluation: an account's health on a UTC day, evaluated at `evaluatedAt`.
public struct DailyHealth: Sendable, Equatable {
    public var accountID: String
    public var day: Date
    public var evaluatedAt: Date
    public var score: Int?
    public var band: HealthBand?
    /// Each component's exact score; absent or nil without data.
    public var components: [HealthComponent: Double]

    public init(accountID: String, day: Date, evaluatedAt: Date, score: Int?, band: HealthBand?, components: [HealthComponent: Double]) {
        self.accountID = accountID
        self.day = day
        self.evaluatedAt = evaluatedAt
        self.score = score
        self.band = band
        self.components = components
    }

    public init(accountID: String, _ evaluation: HealthEvaluation, asOf: Date) {
        self.init(
            accountID: accountID,
            day: asOf.startOfUTCDay,
            evaluatedAt: asOf,
            score: evaluation.score,
            band: evaluation.band,
            components: Dictionary(uniqueKeysWithValues: evaluation.components.compactMap { item in item.score.map { (item.component, $0) } })
        )
    }
}
