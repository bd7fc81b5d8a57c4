import Foundation

/// What a stage change recorded on a deal says happened (`EVENTS.md`): each transition that joined the history (not the
/// first entry, nor a repeat of the stage in force) is a stage change, and the first entry into a closed stage is a win
/// or a loss, even as the first entry.
public enum StageEvents {
    public static func between(_ before: StageHistory, _ after: StageHistory) -> [(type: EventType, transition: StageTransition)] {
        let known = Set(before.transitions.map { "\($0.to.rawValue)@\($0.at.timeIntervalSince1970)" })
        var events: [(EventType, StageTransition)] = []
        for (index, transition) in after.transitions.enumerated()
        where !known.contains("\(transition.to.rawValue)@\(transition.at.timeIntervalSince1970)") {
            if index > 0 { events.append((.opportunityStageChanged, transition)) }
        }
        for (stage, type) in [(PipelineStage.closedWon, EventType.opportunityClosedWon), (.closedLost, .opportunityClosedLost)] {
            if before.entered(stage) == nil, let first = after.entered(stage) { events.append((type, first)) }
        }
        return events
    }
}
