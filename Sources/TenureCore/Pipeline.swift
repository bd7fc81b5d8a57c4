import Foundation

/// The stages of a deal, in pipeline order (`PRODUCT.md`).
public enum PipelineStage: String, Codable, CaseIterable, Sendable {
    case prospecting, discovery
    case solutionFit = "solution_fit"
    case proposal
    case closedWon = "closed_won"
    case closedLost = "closed_lost"

    public static let open: [PipelineStage] = [.prospecting, .discovery, .solutionFit, .proposal]

    public var isClosed: Bool { self == .closedWon || self == .closedLost }

    /// Position in prospecting < discovery < solution_fit < proposal < closed_won; `closed_lost` is no stage reached.
    public var progress: Int? { self == .closedLost ? nil : PipelineStage.allCases.firstIndex(of: self) }
}

public enum OpportunityType: String, Codable, CaseIterable, Sendable {
    case newBusiness = "new_business"
    case renewal, expansion
}

/// `GET/PUT /v1/settings/pipeline`.
public struct PipelineSettings: Sendable, Equatable, Codable {
    public var stageProbabilities: [PipelineStage: Double]
    public var stallDays: Int
    public var forecastThresholds: ForecastThresholds

    public init(stageProbabilities: [PipelineStage: Double], stallDays: Int, forecastThresholds: ForecastThresholds = .defaults) {
        self.stageProbabilities = stageProbabilities
        self.stallDays = stallDays
        self.forecastThresholds = forecastThresholds
    }

    public static let defaults = PipelineSettings(
        stageProbabilities: [.prospecting: 0.1, .discovery: 0.2, .solutionFit: 0.4, .proposal: 0.7, .closedWon: 1, .closedLost: 0],
        stallDays: 21
    )

    public func probability(_ stage: PipelineStage) -> Double { stageProbabilities[stage] ?? 0 }

    /// Checks a whole settings object as sent to PUT: every stage a probability in 0…1, `stall_days` 1…3650, forecast
    /// thresholds in 0…1 with `best_case` ≤ `commit` (`kept` when not sent).
    public static func validated(
        stageProbabilities: [String: Double]?,
        stallDays: Int?,
        forecastThresholds: [String: Double]?,
        kept: ForecastThresholds
    ) throws -> PipelineSettings {
        var validator = Validator()
        var thresholds = kept
        if let given = forecastThresholds {
            let known = ["best_case", "commit"]
            for key in given.keys where !known.contains(key) { validator.add("forecast_thresholds.\(key)", "is not a threshold") }
            for key in known {
                guard let value = given[key] else {
                    validator.add("forecast_thresholds.\(key)", "is required")
                    continue
                }
                if !(0...1).contains(value) { validator.add("forecast_thresholds.\(key)", "must be between 0.0 and 1.0") }
            }
            thresholds = ForecastThresholds(bestCase: given["best_case"] ?? kept.bestCase, commit: given["commit"] ?? kept.commit)
            if thresholds.bestCase > thresholds.commit { validator.add("forecast_thresholds.best_case", "must not be above commit") }
        }
        let probabilities: [PipelineStage: Double] = validator.everyCase(stageProbabilities, "stage_probabilities", of: "stage") {
            (0...1).contains($0) ? nil : "must be between 0.0 and 1.0"
        }
        validator.required(stallDays, "stall_days")
        validator.range(stallDays, "stall_days", 1...3650)
        try validator.check()
        return PipelineSettings(stageProbabilities: probabilities, stallDays: stallDays ?? defaults.stallDays, forecastThresholds: thresholds)
    }
}

/// One recorded move of a deal into a stage. `order` breaks ties between moves at the same instant.
public struct StageChange: Sendable, Equatable {
    /// The lost reason of a CRM's deal lost without one (no CRM requires a reason).
    public static let unspecifiedLostReason = "unspecified"

    public var stage: PipelineStage
    public var at: Date
    public var order: String
    public var lostReason: String?

    public init(stage: PipelineStage, at: Date, order: String = "", lostReason: String? = nil) {
        self.stage = stage
        self.at = at
        self.order = order
        self.lostReason = lostReason
    }
}

/// A step of the presented history: `from` is the stage before (nil for the first).
public struct StageTransition: Sendable, Equatable {
    public var from: PipelineStage?
    public var to: PipelineStage
    public var at: Date
    public var lostReason: String?

    public init(from: PipelineStage?, to: PipelineStage, at: Date, lostReason: String? = nil) {
        self.from = from
        self.to = to
        self.at = at
        self.lostReason = lostReason
    }
}

/// Everything Tenure knows of one deal's movement: when it was created and every recorded stage change.
/// The history is the changes sorted by time (then `order`), with repeats of the stage already in effect dropped (but
/// for a lost reason they bring), so the same changes give the same history whatever order they were recorded in.
public struct StageHistory: Sendable, Equatable {
    public var transitions: [StageTransition]

    public init(changes: [StageChange]) {
        var transitions: [StageTransition] = []
        for change in changes.sorted(by: { ($0.at, $0.order) < ($1.at, $1.order) }) {
            guard change.stage == transitions.last?.to else {
                transitions.append(StageTransition(from: transitions.last?.to, to: change.stage, at: change.at, lostReason: change.lostReason))
                continue
            }
            // A repeat of the stage in force adds nothing but a lost reason given later (HubSpot sends it apart).
            if let reason = change.lostReason, reason != StageChange.unspecifiedLostReason { transitions[transitions.count - 1].lostReason = reason }
        }
        self.transitions = transitions
    }

    /// The history as it was known at `instant`: only changes at or before it.
    public func asOf(_ instant: Date) -> StageHistory {
        guard let last = transitions.last, last.at > instant else { return self }
        var copy = self
        copy.transitions = transitions.filter { $0.at <= instant }
        return copy
    }

    public var current: StageTransition? { transitions.last }
    public var stage: PipelineStage? { current?.to }

    /// The first move into `stage`, if any.
    public func entered(_ stage: PipelineStage) -> StageTransition? { transitions.first { $0.to == stage } }

    /// The furthest stage ever entered, in pipeline order (`closed_lost` does not count).
    public var furthestProgress: Int? { transitions.lazy.compactMap(\.to.progress).max() }

    /// Each stay in a stage: its stage, when it started, and when it ended (nil while it lasts). Lazy: the pipeline
    /// metrics walk the stays of every deal once.
    public var stays: some Sequence<(stage: PipelineStage, start: Date, end: Date?)> {
        transitions.indices.lazy.map { [transitions] index in
            (transitions[index].to, transitions[index].at, index + 1 < transitions.count ? transitions[index + 1].at : nil)
        }
    }
}
