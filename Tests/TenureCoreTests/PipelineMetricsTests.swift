import Foundation
import TenureCore
import Testing

@Suite struct PipelineMetricsTests {
    let settings = PipelineSettings.defaults

    @Test func everyFieldOfTheQuarterMatchesTheHandComputation() {
        let metrics = PipelineMetrics(
            PipelineFixture.facts,
            from: PipelineFixture.day(0),
            to: PipelineFixture.day(90),
            asOf: PipelineFixture.day(90),
            settings: settings
        )
        // Open at the end: O5 (solution_fit), O6 (discovery), O7, O13 (prospecting), O11 (proposal).
        #expect(metrics.openCount == 5)
        #expect(metrics.openPipelineValue == 42_000)
        #expect(abs(metrics.weightedPipelineValue - 12_900) < 1e-9)  // 5000·.4 + 6000·.2 + 7000·.1 + 11000·.7 + 13000·.1
        #expect(metrics.wonCount == 3)  // O1, O2, O8 (O10 was won before the window)
        #expect(metrics.lostCount == 4)  // O3, O4, O9, O12
        #expect(metrics.winRate == 3.0 / 7.0)
        #expect(metrics.winRateStage3Plus == 3.0 / 5.0)  // lost after solution_fit or proposal: O3, O12
        #expect(metrics.avgDealSize == 11_000.0 / 3.0)
        #expect(metrics.avgSalesCycleDays == 155.0 / 3.0)  // 40, 55, 60 days
        #expect(abs((metrics.pipelineVelocityPerDay ?? 0) - 165_000.0 / 1_085.0) < 1e-9)  // 5 × 11000/3 × 3/7 ÷ 155/3
        #expect(metrics.stalledCount == 1)  // O5 only: O6 has a recent activity, O11's change is 20 days old
        #expect(
            metrics.openByStage == [
                .init(stage: .prospecting, count: 2, value: 20_000, stalledCount: 0),  // O7, O13
                .init(stage: .discovery, count: 1, value: 6_000, stalledCount: 0),  // O6
                .init(stage: .solutionFit, count: 1, value: 5_000, stalledCount: 1),  // O5
                .init(stage: .proposal, count: 1, value: 11_000, stalledCount: 0),  // O11
            ]
        )
        #expect(
            metrics.stageConversion.map { [$0.from.rawValue, $0.to.rawValue, "\($0.reached)", "\($0.advanced)"] } == [
                ["prospecting", "discovery", "11", "9"], ["discovery", "solution_fit", "9", "7"], ["solution_fit", "proposal", "7", "4"],
                ["proposal", "closed_won", "4", "3"],
            ]
        )
        #expect(metrics.stageConversion.map(\.rate) == [9.0 / 11.0, 7.0 / 9.0, 4.0 / 7.0, 3.0 / 4.0])
        #expect(metrics.avgDaysInStage[.prospecting] == 97.0 / 9.0)
        #expect(metrics.avgDaysInStage[.discovery] == 67.0 / 8.0)
        #expect(metrics.avgDaysInStage[.solutionFit] == 23.0)
        #expect(metrics.avgDaysInStage[.proposal] == 85.0 / 3.0)
        #expect(metrics.lostReasons == [.init(reason: "price", count: 3), .init(reason: "timing", count: 1)])
    }

    @Test func asOfInThePastSeesOnlyTheChangesUpToThen() {
        let asOf = PipelineFixture.day(45)
        let facts = PipelineFixture.deals.map { PipelineFixture.facts($0, asOf: asOf) }
        let metrics = PipelineMetrics(facts, from: PipelineFixture.day(0), to: PipelineFixture.day(90), asOf: asOf, settings: settings)
        // Open on day 45: O2 and O8 (proposal), O3 and O12 (solution_fit), O5 (discovery).
        #expect(metrics.openCount == 5)
        #expect(metrics.openPipelineValue == 30_000)
        #expect(abs(metrics.weightedPipelineValue - 14_000) < 1e-9)
        #expect(metrics.wonCount == 1)
        #expect(metrics.lostCount == 2)
        #expect(metrics.winRate == 1.0 / 3.0)
        #expect(metrics.winRateStage3Plus == 1.0)
        // O3 and O8 untouched for 35 days; O12 for exactly 21 days, the boundary.
        #expect(metrics.stalledCount == 3)
        #expect(metrics.openByStage.map(\.count) == [0, 1, 2, 2])
        #expect(metrics.openByStage[1].value == 5_000 && metrics.openByStage.map(\.value).reduce(0, +) == metrics.openPipelineValue)
        #expect(metrics.openByStage.map(\.stalledCount) == [0, 0, 2, 1])  // O3, O12 and O8
    }

    @Test func emptyWindowsAnswerNullRates() {
        let metrics = PipelineMetrics(
            [],
            from: PipelineFixture.day(0),
            to: PipelineFixture.day(90),
            asOf: PipelineFixture.day(90),
            settings: settings
        )
        #expect(metrics.winRate == nil)
        #expect(metrics.avgDealSize == nil)
        #expect(metrics.pipelineVelocityPerDay == nil)
        #expect(metrics.stageConversion.allSatisfy { $0.rate == nil && $0.reached == 0 })
        #expect(metrics.avgDaysInStage[.proposal] == .some(nil))
    }
}
