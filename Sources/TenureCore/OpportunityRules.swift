import Foundation

/// The rules of `POST /v1/opportunities/{id}/stage`, which records what a person does now.
public enum StageMoveRule {
    public enum Outcome: Equatable {
        /// Record the move.
        case move(StageChange)
        /// Already in that stage: nothing to record.
        case unchanged
    }

    /// Checks a manual move against the history: closed stages are final (conflict), `closed_lost` needs a reason,
    /// `at` may be in the past but not before the latest change and not in the future.
    public static func check(
        history: StageHistory,
        to stage: PipelineStage,
        at: Date,
        lostReason: String?,
        now: Date
    ) throws -> Outcome {
        guard let current = history.current else { return .move(StageChange(stage: stage, at: at, lostReason: lostReason)) }
        if current.to.isClosed { throw ClosedStageError(stage: current.to) }
        if stage == current.to { return .unchanged }
        var validator = Validator()
        if stage == .closedLost, lostReason?.trimmingWhitespace().isEmpty ?? true {
            validator.add("lost_reason", "is required to close a deal as lost")
        }
        if at > now { validator.add("at", "must not be in the future") }
        if at < current.at { validator.add("at", "must not be before the latest stage change (\(Timestamp.format(current.at)))") }
        try validator.check()
        return .move(StageChange(stage: stage, at: at, lostReason: stage == .closedLost ? lostReason : nil))
    }
}

/// A move out of a closed stage: a closed deal is reopened by creating a new opportunity.
public struct ClosedStageError: Error, Equatable {
    public let stage: PipelineStage

    public init(stage: PipelineStage) { self.stage = stage }
}

/// What an opportunity is at an instant, derived from its history and linked activities.
public struct OpportunityState: Sendable, Equatable {
    public var stage: PipelineStage
    public var probability: Double
    public var daysInStage: Double
    public var lastActivityAt: Date?
    public var stalled: Bool
    public var isOpen: Bool { !stage.isClosed }

    /// Nil when the deal did not exist yet at `asOf`.
    public init?(history: StageHistory, createdAt: Date, lastActivityAt: Date?, asOf: Date, settings: PipelineSettings) {
        let known = history.asOf(asOf)
        guard createdAt <= asOf, let current = known.current else { return nil }
        stage = current.to
        probability = settings.probability(current.to)
        daysInStage = asOf.timeIntervalSince(current.at) / 86_400
        self.lastActivityAt = lastActivityAt
        let lastTouch = max(current.at, createdAt, lastActivityAt ?? createdAt)
        stalled = !current.to.isClosed && asOf.timeIntervalSince(lastTouch) >= Double(settings.stallDays) * 86_400
    }
}
