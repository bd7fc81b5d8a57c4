import Foundation
import TenureCore

/// The dashboard's metrics: the headline summary and cohort retention.
public struct MetricsService: Sendable {
    let storage: any Storage

    public init(storage: any Storage) { self.storage = storage }

    /// `GET /v1/metrics/summary`: every number read in one transaction, each from the metric it summarizes. The reads
    /// come first; the company's won accounts and the rest are then computed on two threads.
    public func summary(asOf: Date) async throws -> MetricsSummary {
        try await storage.read { tx in
            let ledger = RevenueLedger(movements: try tx.ledger.movements(of: nil, asOf: asOf))
            let pipeline = MetricsSummary.window(days: MetricsSummary.pipelineDays, before: asOf)
            let support = MetricsSummary.window(days: MetricsSummary.supportDays, before: asOf)
            let deals = try tx.opportunities.pipelineFacts(asOf: asOf)
            let pipelineSettings = try pipelineSettings(in: tx)
            let revenueSettings = try RevenueBook.settings(in: tx)
            let spend = try tx.acquisitionSpend.byMonth()
            let facts = try tx.wonAccounts(asOf: asOf)
            let flagged = try tx.health.accountsFlagged([.high, .critical], asOf: asOf)
            let firstResponses = try tx.cases.firstResponses(openedFrom: support.from, to: support.to)

            let (won, rest) = concurrently {
                var accounts: [CommittedAccount] = []
                accounts.reserveCapacity(facts.count)
                var health: MetricsSummary.BandCounts = [:]
                var atRisk = 0
                for account in facts {
                    let stage = lifecycleStage(wonAt: account.wonAt, paidAt: account.paidAt, movements: account.movements, at: asOf)
                    if stage == .customer {
                        health[account.band, default: 0] += 1
                        if flagged.contains(account.id) { atRisk += 1 }
                    }
                    accounts.append(CommittedAccount(account, stage: stage, asOf: asOf, pastDueChurnDays: revenueSettings.pastDueChurnDays))
                }
                return (committedMRR: CommittedMRR(accounts), health: health, atRisk: atRisk)
            } _: {
                (
                    pipeline: PipelineMetrics(deals, from: pipeline.from, to: pipeline.to, asOf: asOf, settings: pipelineSettings),
                    lifetimeValue: LifetimeValue(ledger: ledger, asOf: asOf, settings: revenueSettings, spend: spend)
                )
            }
            return MetricsSummary(
                asOf: asOf,
                ledger: ledger,
                committedMRR: won.committedMRR,
                pipeline: rest.pipeline,
                avgFirstResponseHours: SupportMetrics.avgFirstResponseHours(of: firstResponses, from: support.from, to: support.to, asOf: asOf),
                health: won.health,
                atRiskAccounts: won.atRisk,
                lifetimeValue: rest.lifetimeValue
            )
        }
    }

    /// `GET /v1/metrics/cohorts`: the cohorts of the months `from`…`to`.
    public func cohorts(from: CalendarMonth, to: CalendarMonth, basis: CohortBasis, asOf: Date) async throws -> [Cohort] {
        try await storage.read { tx in
            RevenueLedger(movements: try tx.ledger.movements(of: nil, asOf: asOf)).cohorts(from: from, to: to, basis: basis, asOf: asOf)
        }
    }
}

/// Runs `first` and `second` at the same time (on two cores when both are free), and returns both results.
func concurrently<A: Sendable, B: Sendable>(_ first: @Sendable () -> A, _ second: @Sendable () -> B) -> (A, B) {
    let results = TwoResults<A, B>()
    DispatchQueue.concurrentPerform(iterations: 2) { part in
        if part == 0 { results.first = first() } else { results.second = second() }
    }
    guard let a = results.first, let b = results.second else { preconditionFailure("concurrentPerform runs every part") }
    return (a, b)
}

/// Safe: each slot is written by one part of `concurrently`, and read once both have finished.
private final class TwoResults<A, B>: @unchecked Sendable {
    var first: A?
    var second: B?
}
