import Foundation
import TenureCore

/// What the company's won accounts add to the summary at an instant: committed MRR, and the customers counted by the
/// band of their latest evaluation and by an open `high` or `critical` flag.
struct WonFigures: Sendable, Equatable {
    var committedMRR: CommittedMRR
    var health: MetricsSummary.BandCounts
    var atRiskAccounts: Int

    /// Every account evaluated at `asOf`.
    init(_ accounts: [WonAccountFacts], asOf: Date, pastDueChurnDays: Int?) {
        var committed: [CommittedAccount] = []
        committed.reserveCapacity(accounts.count)
        var health: MetricsSummary.BandCounts = [:]
        var atRisk = 0
        for account in accounts where account.wonAt <= asOf {
            let stage = lifecycleStage(wonAt: account.wonAt, paidAt: account.paidAt, movements: account.movements, at: asOf)
            let band = account.evaluations.last { $0.evaluatedAt <= asOf }?.band
            if stage == .customer {
                health[band, default: 0] += 1
                if account.flags.contains(where: { RiskSeverity.puttingAtRisk.contains($0.severity) && $0.isOpen(at: asOf) }) { atRisk += 1 }
            }
            committed.append(CommittedAccount(account, stage: stage, band: band, asOf: asOf, pastDueChurnDays: pastDueChurnDays))
        }
        committedMRR = CommittedMRR(committed)
        self.health = health
        atRiskAccounts = atRisk
    }
}

/// The won accounts' figures at any instant, each kept for the span between two of their change points, where it cannot
/// change: a dashboard that asks for the summary of "now" again and again evaluates every won account once per span,
/// not once per request. Made once per version of the won accounts' facts (`MetricsService`).
final class WonFiguresMemo: @unchecked Sendable {
    // Safe: `kept` is only touched under `lock`.
    private let accounts: [WonAccountFacts]
    private let pastDueChurnDays: Int?
    /// Every instant at which some account's figures may change, ascending, without repeats.
    private let changePoints: [Date]
    private let lock = NSLock()
    /// Figures by span: span `i` runs from `changePoints[i - 1]` until `changePoints[i]`.
    private var kept: [Int: WonFigures] = [:]

    /// Enough spans for a dashboard's recent instants and a few fixed ones.
    private static let spansKept = 64
    /// An instant this close to a change point is evaluated afresh: a change point computed as an end less 365 days is
    /// rounded in floating point, so the figures may change a hair's breadth away from it.
    private static let margin: TimeInterval = 0.001

    init(_ accounts: [WonAccountFacts], pastDueChurnDays: Int?) {
        self.accounts = accounts
        self.pastDueChurnDays = pastDueChurnDays
        var points: [Date] = []
        for account in accounts { points += account.changePoints(pastDueChurnDays: pastDueChurnDays) }
        var ascending: [Date] = []
        for point in points.sorted() where point != ascending.last { ascending.append(point) }
        changePoints = ascending
    }

    func figures(at asOf: Date) -> WonFigures {
        let span = spanIndex(of: asOf)
        let nearChange =
            (span > 0 && asOf.timeIntervalSince(changePoints[span - 1]) < Self.margin)
            || (span < changePoints.count && changePoints[span].timeIntervalSince(asOf) < Self.margin)
        if !nearChange, let figures = lock.withLock({ kept[span] }) { return figures }
        let figures = WonFigures(accounts, asOf: asOf, pastDueChurnDays: pastDueChurnDays)
        if !nearChange {
            lock.withLock {
                if kept.count >= Self.spansKept { kept.removeAll() }
                kept[span] = figures
            }
        }
        return figures
    }

    /// The number of change points at or before `asOf`.
    private func spanIndex(of asOf: Date) -> Int {
        var low = 0
        var high = changePoints.count
        while low < high {
            let middle = (low + high) / 2
            if changePoints[middle] <= asOf { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

extension WonAccountFacts {
    /// Every instant at which what the account adds to `WonFigures` may change: its win and payment, each movement,
    /// evaluation, and risk flag raised or closed; each contract's start and stop, or its snapshots, discount ends and
    /// past-due churns; and each known end, and the instant it comes within `scheduledEndHorizon`.
    func changePoints(pastDueChurnDays: Int?) -> [Date] {
        var points = [wonAt] + [paidAt].compactMap { $0 } + movements.map(\.at) + evaluations.map(\.evaluatedAt)
        for flag in flags where RiskSeverity.puttingAtRisk.contains(flag.severity) {
            points += [flag.since] + [flag.closedAt].compactMap { $0 }
        }
        var ends: [Date] = []
        for terms in contracts {
            switch terms {
            case .manual(let terms):
                guard let terms else { continue }
                points += terms.changePoints
                ends += [terms.stopsAt].compactMap { $0 }
            case .stripe(let snapshots):
                points += StripeSubscriptionStream(snapshots: snapshots, pastDueChurnDays: pastDueChurnDays).changePoints
                ends += snapshots.compactMap(\.plannedEnd)
            }
        }
        return points + ends + ends.map { $0.addingTimeInterval(-scheduledEndHorizon) }
    }
}

extension CommittedAccount {
    /// A won account at `asOf`, in lifecycle stage `stage`, with the band of its latest evaluation. A churned account's
    /// Stripe subscriptions cannot be committed revenue.
    init(_ facts: WonAccountFacts, stage: LifecycleStage, band: HealthBand?, asOf: Date, pastDueChurnDays: Int?) {
        let committed = facts.contracts.compactMap { terms -> CommittedContract? in
            switch terms {
            case .manual(let terms):
                // Incomplete terms commit nothing.
                guard let terms else { return nil }
                return CommittedContract(
                    monthlyAmount: terms.monthlyAmount,
                    liveMRR: terms.mrr(at: asOf),
                    startsLater: terms.startDate > asOf,
                    stopped: terms.stopsAt.map { $0 <= max(asOf, terms.startDate) } ?? false,
                    hasScheduledEnd: terms.isLive(at: asOf) && terms.scheduledEnd(asOf: asOf) != nil
                )
            case .stripe(let snapshots):
                guard stage != .churned else { return nil }
                let stream = StripeSubscriptionStream(snapshots: snapshots, pastDueChurnDays: pastDueChurnDays)
                let mrr = stream.mrr(at: asOf)
                return CommittedContract(
                    monthlyAmount: mrr,
                    liveMRR: mrr,
                    startsLater: false,
                    stopped: false,
                    hasScheduledEnd: stream.scheduledEnd(asOf: asOf) != nil
                )
            }
        }
        self.init(stage: stage, mrr: facts.movements.mrr(at: asOf), band: band, contracts: committed)
    }
}
