import Foundation
import TenureCore
import Testing

@Suite struct StageRuleTests {
    let created = StageHistory(changes: [StageChange(stage: .discovery, at: PipelineFixture.day(10))])
    let now = PipelineFixture.day(100)

    @Test func forwardBackwardAndSkippingMovesAreRecorded() throws {
        for stage in [PipelineStage.prospecting, .solutionFit, .proposal, .closedWon] {
            #expect(try StageMoveRule.check(history: created, to: stage, at: PipelineFixture.day(20), lostReason: nil, now: now) != .unchanged)
        }
    }

    @Test func closedStagesAreFinal() {
        let won = StageHistory(
            changes: created.transitions.map { StageChange(stage: $0.to, at: $0.at) } + [StageChange(stage: .closedWon, at: PipelineFixture.day(20))]
        )
        #expect(throws: ClosedStageError(stage: .closedWon)) {
            try StageMoveRule.check(history: won, to: .proposal, at: PipelineFixture.day(30), lostReason: nil, now: now)
        }
    }

    @Test func closedLostNeedsAReason() {
        #expect(throws: ValidationError("lost_reason", "is required to close a deal as lost")) {
            try StageMoveRule.check(history: created, to: .closedLost, at: PipelineFixture.day(20), lostReason: " ", now: now)
        }
    }

    @Test func atMayBeInThePastButNotBeforeTheLatestChangeNorInTheFuture() throws {
        #expect(try StageMoveRule.check(history: created, to: .proposal, at: PipelineFixture.day(10), lostReason: nil, now: now) != .unchanged)
        #expect(throws: ValidationError.self) {
            try StageMoveRule.check(history: created, to: .proposal, at: PipelineFixture.day(9), lostReason: nil, now: now)
        }
        #expect(throws: ValidationError.self) {
            try StageMoveRule.check(history: created, to: .proposal, at: PipelineFixture.day(101), lostReason: nil, now: now)
        }
    }

    @Test func aMoveToTheCurrentStageRecordsNothing() throws {
        #expect(try StageMoveRule.check(history: created, to: .discovery, at: PipelineFixture.day(20), lostReason: nil, now: now) == .unchanged)
    }

    @Test func historyIsTheSameWhateverOrderChangesWereRecordedIn() {
        let changes = [
            StageChange(stage: .prospecting, at: PipelineFixture.day(0)), StageChange(stage: .discovery, at: PipelineFixture.day(5)),
            StageChange(stage: .solutionFit, at: PipelineFixture.day(9)), StageChange(stage: .closedWon, at: PipelineFixture.day(12)),
            StageChange(stage: .closedWon, at: PipelineFixture.day(14)),
        ]
        let expected = StageHistory(changes: changes)
        #expect(expected.transitions.map(\.to) == [.prospecting, .discovery, .solutionFit, .closedWon])
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 { #expect(StageHistory(changes: changes.shuffled(using: &generator)) == expected) }
    }
}
