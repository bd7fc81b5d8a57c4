import Foundation

/// What a stage change recorded on a deal says happened (`EVENTS.md`): each transition that joined the history (not the
/// first entry, nor a repeat of the stage in force) is a stage change, and the first entry into a closed stage is a win
/// or a loss, even as the first entry.
public enum StageEvents {
    public static func between(_ before: StageHistory, _ after: StageHistory) -> [(type: EventType, transition: StageTransition)] {
        var events: [(EventType, StageTransition)] = []
        for transition in after.transitions.dropFirst()
        where !before.transitions.contains(where: { $0.to == transition.to && $0.at == transition.at }) {
            events.append((.opportunityStageChanged, transition))
        }
        for (stage, type) in [(PipelineStage.closedWon, EventType.opportunityClosedWon), (.closedLost, .opportunityClosedLost)] {
            if before.entered(stage) == nil, let first = after.entered(stage) { events.append((type, first)) }
        }
        return events
    }
}
