import Foundation
import TenureCore

/// The dashboard's metrics: the headline summary and cohort retention.
public struct MetricsService: Sendable {
    let storage: any Storage

    public init(storage: any Storage) { self.storage = storage }

    /// `GET /v1/metrics/summary`: every number read in one transaction, each from the metric it summarizes.
    public func summary(asOf: Date) async throws -> MetricsSummary {
        try await storage.read { tx in
            let ledger = RevenueLedger(movements: try tx.ledger.movements(of: nil, asOf: asOf))
            let pipeline = MetricsSummary.window(days: MetricsSummary.pipelineDays, before: asOf)
            let support = MetricsSummary.window(days: MetricsSummary.supportDays, before: asOf)
            let won = try WonAccount.all(asOf: asOf, in: tx)
            let flagged = try tx.health.accountsFlagged([.high, .critical], asOf: asOf)
            var health: MetricsSummary.BandCounts = [:]
            var atRiskAccounts = 0
            for account in won where account.stage == .customer {
                health[account.facts.band, default: 0] += 1
                if flagged.contains(account.facts.id) { atRiskAccounts += 1 }
            }
            return MetricsSummary(
                asOf: asOf,
                ledger: ledger,
                committedMRR: try CommittedMRR(asOf: asOf, won: won, in: tx),
                pipeline: try PipelineMetrics(from: pipeline.from, to: pipeline.to, asOf: asOf, in: tx),
                avgFirstResponseHours: SupportMetrics.avgFirstResponseHours(
                    of: try tx.cases.firstResponses(openedFrom: support.from, to: support.to),
                    from: support.from,
                    to: support.to,
                    asOf: asOf
                ),
                health: health,
                atRiskAccounts: atRiskAccounts,
                lifetimeValue: try LifetimeValue(ledger: ledger, asOf: asOf, in: tx)
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
