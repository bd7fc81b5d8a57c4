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
            return MetricsSummary(
                asOf: asOf,
                ledger: ledger,
                committedMRR: try CommittedMRR(asOf: asOf, ledger: ledger, in: tx),
                pipeline: try PipelineMetrics(from: pipeline.from, to: pipeline.to, asOf: asOf, in: tx),
                support: try SupportMetrics(from: support.from, to: support.to, asOf: asOf, in: tx),
                health: try tx.health.bandCounts(asOf: asOf),
                atRiskAccounts: try tx.health.customersFlagged([.high, .critical], asOf: asOf),
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
