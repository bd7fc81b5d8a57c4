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
    ///
    /// Sliced or grouped, each figure is its endpoint's over the slice (the pipeline's by the deal's owner), computed
    /// afresh rather than from the memo of the whole company's.
    public func summary(asOf: Date, slice: Slice = Slice(), groupBy: SliceDimension? = nil) async throws -> Sliced<MetricsSummary> {
        guard !slice.isEverything || groupBy != nil else { return Sliced(total: try await summary(asOf: asOf), groupBy: nil, groups: []) }
        return try await storage.read { tx in
            let movements = try await tx.ledger.movements(of: nil, asOf: asOf)
            let pipelineSettings = try await pipelineSettings(in: tx)
            let revenueSettings = try await RevenueBook.settings(in: tx)
            let wonAccounts = try await tx.wonAccounts().accounts
            let support = MetricsSummary.window(days: MetricsSummary.supportDays, before: asOf)
            let cases = try await tx.cases.touched(from: support.from, to: support.to)
            let supportTargets = try await HealthBook.targets(in: tx)
            let accountValues = try await tx.accounts.sliceValues()
            let pipeline = MetricsSummary.window(days: MetricsSummary.pipelineDays, before: asOf)
            let pipelineFigures = try await tx.slicedDeals(asOf: asOf, slice, groupBy: groupBy) {
                PipelineMetrics($0, from: pipeline.from, to: pipeline.to, asOf: asOf, settings: pipelineSettings)
            }
            var summaries = Sliced.evaluate(slice, groupBy: groupBy, items: Array(accountValues), values: { $0.value }) { chosen -> MetricsSummary in
                let accounts = Set(chosen.map(\.key))
                let ledger = RevenueLedger(histories: movements.filter { accounts.contains($0.key) }.map(\.value))
                let won = WonFigures(
                    wonAccounts.filter { accounts.contains($0.id) },
                    asOf: asOf,
                    pastDueChurnDays: revenueSettings.pastDueChurnDays
                )
                let supportFigures = SupportMetrics(
                    cases: cases.filter { accounts.contains($0.accountID) },
                    from: support.from,
                    to: support.to,
                    asOf: asOf,
                    targets: supportTargets
                )
                return MetricsSummary(
                    asOf: asOf,
                    ledger: MetricsSummary.LedgerFigures(ledger, asOf: asOf),
                    committedMRR: won.committedMRR,
                    pipeline: pipelineFigures.total,
                    avgFirstResponseHours: supportFigures.avgFirstResponseHours,
                    health: won.health,
                    atRiskAccounts: won.atRiskAccounts,
                    lifetimeValue: LifetimeValue(ledger: ledger, asOf: asOf, settings: revenueSettings, spend: [:])
                )
            }
            // Each group's pipeline is its own deals', found by the same value among the deals' groups.
            let pipelines = Dictionary(pipelineFigures.groups.map { ($0.value, $0.metric) }) { first, _ in first }
            let empty = PipelineMetrics([], from: pipeline.from, to: pipeline.to, asOf: asOf, settings: pipelineSettings)
            summaries.groups = summaries.groups.map { value, summary in
                var summary = summary
                summary.pipeline = pipelines[value] ?? empty
                return (value, summary)
            }
            return summaries
        }
    }

    /// The whole company's summary, its won accounts' figures kept per version of their facts.
    private func summary(asOf: Date) async throws -> MetricsSummary {
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
    public func trials(from: Date, to: Date, asOf: Date, slice: Slice = Slice(), groupBy: SliceDimension? = nil) async throws -> Sliced<TrialMetrics>
    {
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
            let values = try await tx.sliceValues(for: slice, groupBy: groupBy)
            return Sliced.evaluate(slice, groupBy: groupBy, items: trials, values: { values[$0.accountID] }, universe: values) { chosen in
                TrialMetrics(chosen, from: from, to: to, asOf: asOf)
            }
        }
    }

    /// `GET /v1/metrics/cohorts`: the cohorts of the months `from`…`to`.
    public func cohorts(
        from: CalendarMonth,
        to: CalendarMonth,
        basis: CohortBasis,
        asOf: Date,
        slice: Slice = Slice(),
        groupBy: SliceDimension? = nil
    ) async throws -> Sliced<[Cohort]> {
        guard from.adding(Self.maxCohortMonths) > to else {
            throw ValidationError("from", "must be at most \(Self.maxCohortMonths) months before to")
        }
        return try await storage.read { tx in
            try await tx.slicedLedger(asOf: asOf, slice, groupBy: groupBy) { $0.cohorts(from: from, to: to, basis: basis, asOf: asOf) }
        }
    }
}
