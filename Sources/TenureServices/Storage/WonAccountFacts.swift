import Foundation
import TenureCore

/// Every won account's facts, and the version of the data they were read from.
public struct WonAccounts: Sendable {
    public var accounts: [WonAccountFacts]
    /// Equal for two reads of the same data: what is derived from `accounts` may be kept under it.
    public var version: DataVersion

    public init(_ accounts: [WonAccountFacts], version: DataVersion) {
        self.accounts = accounts
        self.version = version
    }
}

/// A backend's token for one state of some data: two reads with equal tokens read the same thing. A backend that cannot
/// tell gives each read a new one (`unique()`), so nothing is kept across reads.
public struct DataVersion: Hashable, Sendable {
    private let value: UInt64

    private static let counter = Counter()

    /// A token no other call gives.
    public static func unique() -> DataVersion { DataVersion(value: counter.next()) }
}

/// Safe: `value` is only touched under `lock`.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value: UInt64 = 0

    func next() -> UInt64 {
        lock.withLock {
            value += 1
            return value
        }
    }
}

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
