import Foundation

/// What one contract contributes to committed MRR at an instant.
public struct CommittedContract: Sendable, Equatable {
    /// Its MRR once live: a manual contract's monthly amount, a Stripe subscription's MRR at the instant.
    public var monthlyAmount: Int
    /// Its own MRR at the instant (0 unless live).
    public var liveMRR: Int
    /// A manual contract whose start date is after the instant.
    public var startsLater: Bool
    /// Cancelled or expired before it could bill: by the instant, or before its own start.
    public var stopped: Bool
    public var hasScheduledEnd: Bool

    public init(monthlyAmount: Int, liveMRR: Int, startsLater: Bool, stopped: Bool, hasScheduledEnd: Bool) {
        self.monthlyAmount = monthlyAmount
        self.liveMRR = liveMRR
        self.startsLater = startsLater
        self.stopped = stopped
        self.hasScheduledEnd = hasScheduledEnd
    }
}

/// One account as committed MRR reads it.
public struct CommittedAccount: Sendable, Equatable {
    public var stage: LifecycleStage
    public var mrr: Int
    /// The band of its latest stored evaluation.
    public var band: HealthBand?
    public var contracts: [CommittedContract]

    public init(stage: LifecycleStage, mrr: Int, band: HealthBand?, contracts: [CommittedContract]) {
        self.stage = stage
        self.mrr = mrr
        self.band = band
        self.contracts = contracts
    }
}

/// `cmrr = mrr + committed − at_risk` (`METRICS.md`, Committed MRR).
public struct CommittedMRR: Sendable, Equatable {
    public private(set) var mrr = 0
    /// Signed but not live: future manual contracts of won accounts, and every contract of `pending_payment` accounts.
    public private(set) var committed = 0
    /// Customers unlikely to renew: live contracts with a scheduled end, and the whole MRR of red customers, once each.
    public private(set) var atRisk = 0

    public var value: Int { mrr + committed - atRisk }

    public init(_ accounts: [CommittedAccount]) {
        for account in accounts {
            mrr += account.mrr
            let waiting = account.contracts.filter { !$0.stopped }
            switch account.stage {
            case .pendingPayment: committed += waiting.reduce(0) { $0 + $1.monthlyAmount }
            case .customer, .churned: committed += waiting.filter(\.startsLater).reduce(0) { $0 + $1.monthlyAmount }
            case .prospect: break
            }
            guard account.stage == .customer else { continue }
            let ending = account.contracts.filter(\.hasScheduledEnd).reduce(0) { $0 + $1.liveMRR }
            atRisk += account.band == .red ? account.mrr : min(account.mrr, ending)
        }
    }
}
