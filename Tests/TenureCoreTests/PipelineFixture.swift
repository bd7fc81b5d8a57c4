import Foundation
import TenureCore

/// A hand-built pipeline of 13 deals over the first quarter of 2026, whose metrics were computed by hand
/// (see `PipelineMetricsTests`). Day n is 2026-01-01 + n days; the window is [day 0, day 90) = Q1 2026.
enum PipelineFixture {
    struct Deal {
        var name: String
        var amount: Int
        var created: Int
        var createdStage: PipelineStage = .prospecting
        var moves: [(PipelineStage, Int, String?)] = []
        var activityDays: [Int] = []
    }

    static func day(_ n: Int) -> Date { Date(timeIntervalSince1970: 1_767_225_600 + Double(n) * 86_400) }

    static let deals: [Deal] = [
        // Forward through every stage, won.
        Deal(
            name: "O1",
            amount: 1000,
            created: 0,
            moves: [(.discovery, 10, nil), (.solutionFit, 20, nil), (.proposal, 30, nil), (.closedWon, 40, nil)]
        ),
        // Back from solution_fit to discovery, then won.
        Deal(
            name: "O2",
            amount: 2000,
            created: 5,
            moves: [(.discovery, 15, nil), (.solutionFit, 25, nil), (.discovery, 35, nil), (.proposal, 45, nil), (.closedWon, 60, nil)]
        ),
        // Skips discovery; lost after stage 3.
        Deal(name: "O3", amount: 3000, created: 0, moves: [(.solutionFit, 10, nil), (.closedLost, 50, "price")]),
        // Lost before stage 3.
        Deal(name: "O4", amount: 4000, created: 20, moves: [(.discovery, 30, nil), (.closedLost, 40, "timing")]),
        // Still open, stalled by time (no change since day 50).
        Deal(name: "O5", amount: 5000, created: 30, moves: [(.discovery, 40, nil), (.solutionFit, 50, nil)]),
        // Open; its last change (day 65) is stale but an activity on day 85 un-stalls it.
        Deal(name: "O6", amount: 6000, created: 60, moves: [(.discovery, 65, nil)], activityDays: [85]),
        // Open, new.
        Deal(name: "O7", amount: 7000, created: 80),
        // Created directly in proposal, won.
        Deal(name: "O8", amount: 8000, created: 10, createdStage: .proposal, moves: [(.closedWon, 70, nil)]),
        // Created before the window, lost in it before stage 3.
        Deal(name: "O9", amount: 9000, created: -30, moves: [(.discovery, 5, nil), (.closedLost, 15, "price")]),
        // Won before the window.
        Deal(name: "O10", amount: 10000, created: -60, moves: [(.closedWon, -20, nil)]),
        // Open in proposal, last change 20 days before the end: not stalled (21 days needed).
        Deal(name: "O11", amount: 11000, created: 50, moves: [(.discovery, 55, nil), (.solutionFit, 60, nil), (.proposal, 70, nil)]),
        // Lost after stage 3.
        Deal(name: "O12", amount: 12000, created: 20, moves: [(.discovery, 22, nil), (.solutionFit, 24, nil), (.closedLost, 69, "price")]),
        // Open, two days old.
        Deal(name: "O13", amount: 13000, created: 88),
    ]

    static var facts: [PipelineFacts] { deals.map { facts($0, asOf: day(90)) } }

    static func facts(_ deal: Deal, asOf: Date) -> PipelineFacts {
        let changes =
            [StageChange(stage: deal.createdStage, at: day(deal.created))]
            + deal.moves.map { StageChange(stage: $0.0, at: day($0.1), lostReason: $0.2) }
        return PipelineFacts(
            amount: deal.amount,
            createdAt: day(deal.created),
            history: StageHistory(changes: changes),
            lastActivityAt: deal.activityDays.map(day).filter { $0 <= asOf }.max()
        )
    }
}
