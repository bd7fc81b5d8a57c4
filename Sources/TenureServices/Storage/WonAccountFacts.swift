import Foundation
import TenureCore

/// A won account with its first verified payment, every movement in time order, what committed MRR reads of each
/// contract, every evaluation's band in day order, and every risk flag.
public struct WonAccountFacts: Sendable {
    public var id: String
    public var wonAt: Date
    public var paidAt: Date?
    public var movements: [Movement]
    public var contracts: [CommittedTerms]
    public var evaluations: [BandEvaluation]
    public var flags: [RiskFlag]

    public init(
        id: String,
        wonAt: Date,
        paidAt: Date?,
        movements: [Movement],
        contracts: [CommittedTerms],
        evaluations: [BandEvaluation],
        flags: [RiskFlag]
    ) {
        self.id = id
        self.wonAt = wonAt
        self.paidAt = paidAt
        self.movements = movements
        self.contracts = contracts
        self.evaluations = evaluations
        self.flags = flags
    }
}

/// The band of an evaluation, from the instant it was made.
public struct BandEvaluation: Sendable {
    public var evaluatedAt: Date
    public var band: HealthBand?

    public init(evaluatedAt: Date, band: HealthBand?) {
        self.evaluatedAt = evaluatedAt
        self.band = band
    }
}

/// What committed MRR reads of a contract: a manual contract's terms (nil while incomplete), or a Stripe subscription's
/// snapshots.
public enum CommittedTerms: Sendable {
    case manual(ManualContract?)
    case stripe([SubscriptionSnapshot])
}
