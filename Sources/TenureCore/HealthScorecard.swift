import Foundation

/// The five components of the health score (`HEALTH.md`).
public enum HealthComponent: String, Codable, CaseIterable, Sendable {
    case adoption, relationships, support, sentiment, billing
}

public enum HealthBand: String, Codable, CaseIterable, Sendable {
    case green, yellow, red
}

/// One component's score (nil without data) and the inputs that explain it.
public struct ComponentScore: Sendable, Equatable {
    public var component: HealthComponent
    public var weight: Double
    public var score: Double?
    public var inputs: [String: Double?]
}

/// The scorecard of `HEALTH.md`, evaluated at `asOf`; component scores are exact, the total rounded half up once.
public struct HealthEvaluation: Sendable, Equatable {
    public var components: [ComponentScore]
    public var score: Int?
    public var band: HealthBand?
    /// The risk flags this evaluation raises, in the order of `RiskFlagCode.allCases`.
    public var flags: [RiskFlagCode] = []

    public init(_ inputs: HealthInputs, asOf: Date, settings: HealthSettings, targets: SupportTargets = .defaults) {
        let day = 86_400.0
        func daysSince(_ date: Date?) -> Double? { date.map { asOf.timeIntervalSince($0) / day } }
        let ratio = Self.adoptionRatio(inputs.usage, asOf: asOf)
        let users = inputs.strongRelationships(.user)
        let executives = inputs.strongRelationships(.executive)
        let userDays = daysSince(inputs.lastUserContact)
        let executiveDays = daysSince(inputs.lastExecutiveContact)
        let relationships =
            (users >= 2 ? 25 : users == 1 ? 12.5 : 0) + (executives >= inputs.executivesRequired ? 25 : executives >= 1 ? 12.5 : 0)
            + (userDays.map { $0 <= 30 ? 25 : $0 <= 60 ? 12.5 : 0 } ?? 0) + (executiveDays.map { $0 <= 15 ? 25 : $0 <= 45 ? 12.5 : 0 } ?? 0)
        let open = inputs.cases.filter(\.isOpen)
        let breached = inputs.cases.filter {
            $0.openedAt > asOf.addingTimeInterval(-90 * day) && $0.openedAt <= asOf
                && $0.breached(targetHours: targets.hours($0.priority), asOf: asOf)
        }.count
        let penalty = open.reduce(0.0) { sum, item in
            sum + (item.priority == .urgent ? 35 : item.priority == .high ? 20 : 10)
        }
        let support = max(0, 100 - penalty - 15 * Double(breached))
        let (sentiment, nps, csat) = Self.sentiment(inputs.surveys, asOf: asOf)
        components = [
            ComponentScore(
                component: .adoption,
                weight: settings.weights[.adoption] ?? 0,
                score: ratio.map { min(100, $0 * 125) },
                inputs: ["ratio": ratio]
            ),  // ratio ÷ 0.8 × 100
            ComponentScore(
                component: .relationships,
                weight: settings.weights[.relationships] ?? 0,
                score: relationships,
                inputs: [
                    "strong_users": Double(users), "strong_executives": Double(executives), "executives_required": Double(inputs.executivesRequired),
                    "days_since_user_contact": userDays, "days_since_executive_contact": executiveDays,
                ]
            ),
            ComponentScore(
                component: .support,
                weight: settings.weights[.support] ?? 0,
                score: support,
                inputs: ["open_cases": Double(open.count), "breached_cases_90d": Double(breached)]
            ),
            ComponentScore(component: .sentiment, weight: settings.weights[.sentiment] ?? 0, score: sentiment, inputs: ["nps": nps, "csat": csat]),
            ComponentScore(
                component: .billing,
                weight: settings.weights[.billing] ?? 0,
                score: Self.billing(inputs.billing),
                inputs: [
                    "live_contracts": Double(inputs.billing.liveContractStatuses.count),
                    "unresolved_failed_payment": inputs.billing.unresolvedFailedPayment ? 1 : 0,
                    "scheduled_end": inputs.billing.hasScheduledEnd ? 1 : 0,
                ]
            ),
        ]
        let scored = components.filter { $0.score != nil }
        let totalWeight = scored.reduce(0) { $0 + $1.weight }
        if !scored.isEmpty, totalWeight > 0 {
            let exact = scored.reduce(0) { $0 + $1.weight * ($1.score ?? 0) } / totalWeight
            // Half up, once; the tolerance keeps an exact .5 that binary floating point lands just under from rounding down.
            let rounded = Int((exact + 0.5 + 1e-9).rounded(.down))
            score = rounded
            band = settings.band(rounded)
        }
        flags = RiskFlagCode.raised(by: inputs, evaluation: self, asOf: asOf, settings: settings)
    }

    /// Mean of min(1, active ÷ seats) over the records dated D with asOf − 30 d ≤ D 00:00Z < asOf and seats > 0.
    public static func adoptionRatio(_ usage: [UsageRecord], asOf: Date, daysBack: Double = 0) -> Double? {
        let end = asOf.addingTimeInterval(-daysBack * 86_400)
        let start = end.addingTimeInterval(-30 * 86_400)
        let ratios = usage.filter { $0.day >= start && $0.day < end && $0.licensedSeats > 0 }
            .map { Double(min($0.activeUsers, $0.licensedSeats)) / Double($0.licensedSeats) }
        // Rounded to 12 places, so thirty days at 8 of 10 seats is exactly 0.8 (and scores exactly 100), not 0.7999….
        return mean(ratios).map { ($0 * 1e12).rounded() / 1e12 }
    }

    /// The NPS part (each contact's latest response in the last 180 days; anonymous ones one by one) and the CSAT part.
    static func sentiment(_ surveys: [SurveyResponse], asOf: Date) -> (score: Double?, nps: Double?, csat: Double?) {
        let recent = surveys.filter { $0.at > asOf.addingTimeInterval(-180 * 86_400) && $0.at <= asOf }
        var latestByContact: [String: SurveyResponse] = [:]
        var anonymous: [SurveyResponse] = []
        for response in recent where response.kind == .nps {
            guard let contact = response.contactID else {
                anonymous.append(response)
                continue
            }
            if latestByContact[contact].map({ response.at >= $0.at }) ?? true { latestByContact[contact] = response }
        }
        let nps = Array(latestByContact.values) + anonymous
        let npsValue: Double? =
            nps.isEmpty
            ? nil : (Double(nps.filter { $0.score >= 9 }.count) - Double(nps.filter { $0.score <= 6 }.count)) / Double(nps.count) * 100
        let csatMean = mean(recent.filter { $0.kind == .csat }.map { Double($0.score) })
        let parts = [npsValue.map { ($0 + 100) / 2 }, csatMean.map { ($0 - 1) / 4 * 100 }].compactMap { $0 }
        return (mean(parts), npsValue, csatMean)
    }

    /// 100, or the lowest that applies: 40 for a Stripe contract in another status than active, 20 for an unresolved
    /// failed payment, 0 for a scheduled end; no live contract → no data.
    static func billing(_ facts: BillingFacts) -> Double? {
        guard !facts.liveContractStatuses.isEmpty else { return nil }
        var score = 100.0
        if facts.liveContractStatuses.contains(where: { $0 != "active" }) { score = min(score, 40) }
        if facts.unresolvedFailedPayment { score = min(score, 20) }
        if facts.hasScheduledEnd { score = 0 }
        return score
    }
}
