import Foundation
import TenureCore

/// The dashboard's metrics: the headline summary and cohort retention.
public struct MetricsService: Sendable {
    let storage: any Storage
    /// Months of cohorts one request may ask for.
    public static let maxCohortMonths = 120
    /// The won accounts' figures per version of their facts and per `past_due_churn_days`.
    private let wonFigures = VersionedMemo<Int?, WonFiguresMemo>()

    public init(storage: any Storage) { self.storage = storage }

    /// `GET /v1/metrics/summary`: every number read in one transaction, each from the metric it summarizes. The reads
    /// come first; then the won accounts' figures (kept per span of instants where they cannot change) and the ledger's
    /// on one thread, the pipeline's and LTV on another.
    public func summary(asOf: Date) async throws -> MetricsSummary {
        try await storage.read { tx in
            let ledger = RevenueLedger(movements: try await tx.ledger.movements(of: nil, asOf: asOf))
            let pipeline = MetricsSummary.window(days: MetricsSummary.pipelineDays, before: asOf)
            let support = MetricsSummary.window(days: MetricsSummary.supportDays, before: asOf)
            let deals = try await tx.opportunities.pipelineFacts(asOf: asOf)
            let pipelineSettings = try await pipelineSettings(in: tx)
            let revenueSettings = try await RevenueBook.settings(in: tx)
            let spend = try await tx.acquisitionSpend.byMonth()
            let pastDueChurnDays = revenueSettings.pastDueChurnDays
            let wonAccounts = try await tx.wonAccounts()
            let wonFigures = self.wonFigures.value(at: wonAccounts.version, for: pastDueChurnDays) {
                WonFiguresMemo(wonAccounts.accounts, pastDueChurnDays: pastDueChurnDays)
            }
            let firstResponses = try await tx.cases.firstResponses(openedFrom: support.from, to: support.to)

            let (won, rest) = concurrently {
                (figures: wonFigures.figures(at: asOf), ledger: MetricsSummary.LedgerFigures(ledger, asOf: asOf))
            } _: {
                (
                    pipeline: PipelineMetrics(deals, from: pipeline.from, to: pipeline.to, asOf: asOf, settings: pipelineSettings),
                    lifetimeValue: LifetimeValue(ledger: ledger, asOf: asOf, settings: revenueSettings, spend: spend)
                )
            }
            return MetricsSummary(
                asOf: asOf,
                ledger: won.ledger,
                committedMRR: won.figures.committedMRR,
                pipeline: rest.pipeline,
                avgFirstResponseHours: SupportMetrics.avgFirstResponseHours(of: firstResponses, from: support.from, to: support.to, asOf: asOf),
                health: won.figures.health,
                atRiskAccounts: won.figures.atRiskAccounts,
                lifetimeValue: rest.lifetimeValue
            )
        }
    }

    /// `GET /v1/metrics/trials`: every subscription that began as a trial, with its account's payments.
    public func trials(from: Date, to: Date, asOf: Date) async throws -> TrialMetrics {
        try await storage.read { tx in
            let contracts = try await tx.contracts.trials()
            let snapshots = try await tx.contracts.snapshots(of: contracts.map(\.id))
            var payments: [String: [Payment]] = [:]
            var trials: [Trial] = []
            for contract in contracts {
                if payments[contract.accountID] == nil { payments[contract.accountID] = try await tx.payments.of(account: contract.accountID) }
                let trial = Trial(
                    accountID: contract.accountID,
                    snapshots: snapshots[contract.id] ?? [],
                    payments: payments[contract.accountID] ?? []
                )
                if let trial { trials.append(trial) }
            }
            return TrialMetrics(trials, from: from, to: to, asOf: asOf)
        }
    }

    /// `GET /v1/metrics/cohorts`: the cohorts of the months `from`…`to`.
    public func cohorts(from: CalendarMonth, to: CalendarMonth, basis: CohortBasis, asOf: Date) async throws -> [Cohort] {
        guard from.adding(Self.maxCohortMonths) > to else {
            throw ValidationError("from", "must be at most \(Self.maxCohortMonths) months before to")
        }
        return try await storage.read { tx in
            RevenueLedger(movements: try await tx.ledger.movements(of: nil, asOf: asOf)).cohorts(from: from, to: to, basis: basis, asOf: asOf)
        }
    }
}
