import Foundation

/// The thresholds of the growth signals, in `/v1/settings/health` (a PUT without them keeps them).
public struct GrowthSettings: Sendable, Equatable, Codable {
    public var expansionSeatRatio: Double
    public var promoterDays: Int
    public var usageGrowthRatio: Double

    public init(expansionSeatRatio: Double, promoterDays: Int, usageGrowthRatio: Double) {
        self.expansionSeatRatio = expansionSeatRatio
        self.promoterDays = promoterDays
        self.usageGrowthRatio = usageGrowthRatio
    }

    public static let defaults = GrowthSettings(expansionSeatRatio: 0.9, promoterDays: 90, usageGrowthRatio: 1.25)
    /// Surveys are read for the last 180 days (the sentiment window): a promoter is looked for within them.
    public static let maximumPromoterDays = 180

    /// The settings a PUT gives, each kept as `kept`'s when absent: ratios above 0 (seats up to 1), days 1…180.
    public static func validated(
        expansionSeatRatio: Double?,
        promoterDays: Int?,
        usageGrowthRatio: Double?,
        kept: GrowthSettings,
        _ validator: inout Validator
    ) -> GrowthSettings {
        if let expansionSeatRatio, !(expansionSeatRatio > 0 && expansionSeatRatio <= 1) {
            validator.add("expansion_seat_ratio", "must be above 0 and at most 1")
        }
        validator.range(promoterDays, "promoter_days", 1...maximumPromoterDays)
        if let usageGrowthRatio, !(usageGrowthRatio > 0 && usageGrowthRatio <= 100) {
            validator.add("usage_growth_ratio", "must be above 0 and at most 100")
        }
        return GrowthSettings(
            expansionSeatRatio: expansionSeatRatio ?? kept.expansionSeatRatio,
            promoterDays: promoterDays ?? kept.promoterDays,
            usageGrowthRatio: usageGrowthRatio ?? kept.usageGrowthRatio
        )
    }
}

/// A customer well placed to grow (`INSIGHTS.md`, "Growth signals"): over the adoption window of `HEALTH.md` (the 30
/// dates before `as_of`), every date's seats nearly all used, more users than the 30 dates before, or an executive
/// whose latest NPS is a promoter's.
enum GrowthSignals {
    static func raised(by inputs: HealthInputs, asOf: Date, settings: GrowthSettings) -> [RiskFlagCode] {
        let tolerance = 1e-9
        let day = 86_400.0
        let start = asOf.addingTimeInterval(-30 * day)
        var flags: [RiskFlagCode] = []
        // The 30 dates of the window, each needing a record of its own.
        let firstDate = start.startOfUTCDay < start ? start.startOfUTCDay.addingTimeInterval(day) : start
        let dates = (0..<30).map { firstDate.addingTimeInterval(Double($0) * day) }
        let nearlyFull = Set(
            inputs.usage.filter {
                $0.licensedSeats > 0 && Double($0.activeUsers) >= settings.expansionSeatRatio * Double($0.licensedSeats) - tolerance
            }
            .map(\.day)
        )
        if dates.allSatisfy(nearlyFull.contains) { flags.append(.expansionSeats) }

        let executives = inputs.executiveContactIDs
        var latest: [String: SurveyResponse] = [:]
        for response in inputs.surveys where response.kind == .nps && response.at <= asOf {
            guard let contact = response.contactID, executives.contains(contact) else { continue }
            if latest[contact].map({ response.at >= $0.at }) ?? true { latest[contact] = response }
        }
        let promoterSince = asOf.addingTimeInterval(-Double(settings.promoterDays) * day)
        if latest.values.contains(where: { $0.at > promoterSince && $0.score >= 9 }) { flags.append(.promoterExecutive) }

        func meanUsers(from: Date, to: Date) -> Double? {
            mean(inputs.usage.filter { $0.day >= from && $0.day < to }.map { Double($0.activeUsers) })
        }
        if let now = meanUsers(from: start, to: asOf), let before = meanUsers(from: start.addingTimeInterval(-30 * day), to: start), before > 0,
            now >= settings.usageGrowthRatio * before - tolerance
        {
            flags.append(.usageGrowth)
        }
        return flags
    }
}
