import Foundation

public enum RiskSeverity: String, Codable, CaseIterable, Sendable {
    /// A growth signal's: something to act on, nothing at risk.
    case info
    case low, medium, high, critical

    /// The severities whose open flag puts a customer at risk (the summary's `at_risk_accounts`).
    public static let puttingAtRisk: [RiskSeverity] = [.high, .critical]

    /// A playbook task is due 1 day after the flag was raised for `critical`, 2 days for `high`, 7 days otherwise.
    public var taskDueDays: Int {
        switch self {
        case .critical: 1
        case .high: 2
        case .medium, .low, .info: 7
        }
    }
}

/// Whether a flag warns of a risk (`HEALTH.md`) or signals room to grow (`INSIGHTS.md`, "Growth signals").
public enum FlagKind: String, Codable, CaseIterable, Sendable {
    case risk, growth
}

/// The flags of `HEALTH.md` and `INSIGHTS.md`, each with its severity and what to do (the title of its playbook task).
public enum RiskFlagCode: String, Codable, CaseIterable, Sendable {
    case renewalExecSilence = "renewal_exec_silence"
    case singleThreaded = "single_threaded"
    case championGap = "champion_gap"
    case adoptionEmergency = "adoption_emergency"
    case paymentFailed = "payment_failed"
    case healthRed = "health_red"
    case expansionSeats = "expansion_seats"
    case promoterExecutive = "promoter_executive"
    case usageGrowth = "usage_growth"

    public var kind: FlagKind {
        switch self {
        case .expansionSeats, .promoterExecutive, .usageGrowth: .growth
        default: .risk
        }
    }

    public static let risks = allCases.filter { $0.kind == .risk }

    public var severity: RiskSeverity {
        switch self {
        case .renewalExecSilence, .paymentFailed, .healthRed: .high
        case .singleThreaded: .medium
        case .championGap: .low
        case .adoptionEmergency: .critical
        case .expansionSeats, .promoterExecutive, .usageGrowth: .info
        }
    }

    public var action: String {
        switch self {
        case .renewalExecSilence: "Quick outreach to the executives"
        case .singleThreaded: "Build a second executive relationship"
        case .championGap: "Turn engaged users into champions"
        case .adoptionEmergency: "Emergency help"
        case .paymentFailed: "Fix billing with the customer"
        case .healthRed: "Review the account"
        case .expansionSeats: "Offer more seats"
        case .promoterExecutive: "Ask the executive for a reference"
        case .usageGrowth: "Talk about the next tier"
        }
    }

    /// When a playbook task for a flag raised at `raisedAt` is due.
    public func taskDue(raisedAt: Date) -> Date { raisedAt.addingTimeInterval(Double(severity.taskDueDays) * 86_400) }

    /// The flags a customer's evaluation raises at `asOf`; a rule whose inputs have no data raises nothing.
    static func raised(by inputs: HealthInputs, evaluation: HealthEvaluation, asOf: Date, settings: HealthSettings) -> [RiskFlagCode] {
        /// "In the last N days" is (asOf − N days, asOf].
        func inLast(_ days: Int, _ date: Date?) -> Bool { date.map { $0 > asOf.addingTimeInterval(-Double(days) * 86_400) && $0 <= asOf } ?? false }
        // Ratios are compared with a tolerance far below any meaningful difference, so 0.7 × 1 counts as 0.7.
        let tolerance = 1e-9
        let ratio = HealthEvaluation.adoptionRatio(inputs.usage, asOf: asOf)
        let earlier = HealthEvaluation.adoptionRatio(inputs.usage, asOf: asOf, daysBack: 30)
        let windowEnd = asOf.addingTimeInterval(Double(settings.renewalWindowDays) * 86_400)
        var flags: [RiskFlagCode] = []
        if let renewal = inputs.renewalDate, renewal >= asOf, renewal < windowEnd, !inLast(settings.execSilenceDays, inputs.lastExecutiveContact) {
            flags.append(.renewalExecSilence)
        }
        if inputs.strongRelationships(.executive) < inputs.executivesRequired { flags.append(.singleThreaded) }
        if let ratio, ratio >= settings.championAdoption - tolerance, inputs.strongRelationships(.user) == 0 { flags.append(.championGap) }
        if let ratio, let earlier, earlier > 0, ratio <= earlier * (1 - settings.adoptionDrop) + tolerance,
            !inLast(settings.userSilenceDays, inputs.lastUserContact)
        {
            flags.append(.adoptionEmergency)
        }
        if inputs.billing.unresolvedFailedPayment { flags.append(.paymentFailed) }
        if evaluation.band == .red { flags.append(.healthRed) }
        return flags + GrowthSignals.raised(by: inputs, asOf: asOf, settings: settings.growth)
    }
}

extension BillingFacts {
    /// A payment failed in (asOf − 30 days, asOf] with no successful payment after it (up to `asOf`).
    public static func hasUnresolvedFailure(_ payments: [(status: PaymentStatus, at: Date)], asOf: Date) -> Bool {
        let known = payments.filter { $0.at <= asOf }
        let lastSuccess = known.filter { $0.status == .paid }.map(\.at).max() ?? .distantPast
        return known.contains { $0.status == .failed && $0.at > asOf.addingTimeInterval(-30 * 86_400) && $0.at > lastSuccess }
    }
}

extension HealthSettings {
    /// The whole settings object of `PUT /v1/settings/health`, checked: weights ≥ 0 and not all 0, bands within 0–100
    /// with green above yellow, day counts ≥ 1 and ratios within 0–1.
    /// Weights are relative; the bound keeps their weighted sum finite.
    public static let maxWeight = 1_000.0

    public static func validated(
        weights: [String: Double]?,
        green: Double?,
        yellow: Double?,
        renewalWindowDays: Int?,
        execSilenceDays: Int?,
        userSilenceDays: Int?,
        championAdoption: Double?,
        adoptionDrop: Double?
    ) throws -> HealthSettings {
        var validator = Validator()
        let checked: [HealthComponent: Double] = validator.everyCase(weights, "weights", of: "component") {
            (0...HealthSettings.maxWeight).contains($0) ? nil : "must be from 0 to \(Int(HealthSettings.maxWeight))"
        }
        if checked.count == HealthComponent.allCases.count, checked.values.reduce(0, +) == 0 { validator.add("weights", "must not all be 0") }
        validator.required(green, "bands.green")
        validator.required(yellow, "bands.yellow")
        validator.range(green, "bands.green", 0...100)
        validator.range(yellow, "bands.yellow", 0...100)
        if let green, let yellow, green <= yellow { validator.add("bands.green", "must be greater than bands.yellow") }
        for (value, field) in [
            (renewalWindowDays, "renewal_window_days"), (execSilenceDays, "exec_silence_days"), (userSilenceDays, "user_silence_days"),
        ] {
            validator.required(value, field)
            validator.range(value, field, 1...3650)
        }
        for (value, field) in [(championAdoption, "champion_adoption"), (adoptionDrop, "adoption_drop")] {
            validator.required(value, field)
            validator.range(value, field, 0...1)
        }
        try validator.check()
        return HealthSettings(
            weights: checked,
            green: green ?? 70,
            yellow: yellow ?? 40,
            renewalWindowDays: renewalWindowDays ?? 90,
            execSilenceDays: execSilenceDays ?? 15,
            userSilenceDays: userSilenceDays ?? 30,
            championAdoption: championAdoption ?? 0.7,
            adoptionDrop: adoptionDrop ?? 0.25
        )
    }
}
