import Foundation

/// What the pipeline metrics need of one deal.
public struct PipelineFacts: Sendable {
    public var amount: Int
    public var createdAt: Date
    public var history: StageHistory
    /// The latest linked activity at or before `as_of`.
    public var lastActivityAt: Date?
    /// The deal's account (what a key kept to one owner sees it by).
    public var accountID: String
    /// What a slice of the pipeline chooses it by: its account's segment and industry, and its own owner.
    public var slice: SliceValues
    /// What the forecast needs: the month it is due to close in and the category a person set.
    public var closeDate: Date?
    public var forecastOverride: ForecastCategory?

    public init(
        amount: Int,
        createdAt: Date,
        history: StageHistory,
        lastActivityAt: Date?,
        accountID: String = "",
        slice: SliceValues = SliceValues(segment: nil, industry: nil, owner: nil),
        closeDate: Date? = nil,
        forecastOverride: ForecastCategory? = nil
    ) {
        self.accountID = accountID
        self.slice = slice
        self.closeDate = closeDate
        self.forecastOverride = forecastOverride
        self.amount = amount
        self.createdAt = createdAt
        self.history = history
        self.lastActivityAt = lastActivityAt
    }
}

/// `GET /v1/metrics/pipeline` (`METRICS.md`, Pipeline): every field, from the facts dated up to `asOf`.
public struct PipelineMetrics: Sendable, Equatable {
    public struct Conversion: Sendable, Equatable {
        public var from: PipelineStage
        public var to: PipelineStage
        public var reached: Int
        public var advanced: Int
        public var rate: Double?
    }

    public struct LostReason: Sendable, Equatable {
        public var reason: String
        public var count: Int

        public init(reason: String, count: Int) {
            self.reason = reason
            self.count = count
        }
    }

    /// The deals open at `asOf` in one stage: a board's column.
    public struct OpenStage: Sendable, Equatable {
        public var stage: PipelineStage
        public var count = 0
        public var value = 0
        public var stalledCount = 0

        public init(stage: PipelineStage, count: Int = 0, value: Int = 0, stalledCount: Int = 0) {
            self.stage = stage
            self.count = count
            self.value = value
            self.stalledCount = stalledCount
        }
    }

    public var openCount = 0
    public var openPipelineValue = 0
    public var weightedPipelineValue = 0.0
    public var wonCount = 0
    public var lostCount = 0
    public var winRate: Double?
    public var winRateStage3Plus: Double?
    public var avgDealSize: Double?
    public var avgSalesCycleDays: Double?
    public var pipelineVelocityPerDay: Double?
    public var stageConversion: [Conversion] = []
    public var avgDaysInStage: [PipelineStage: Double?] = [:]
    public var lostReasons: [LostReason] = []
    public var stalledCount = 0
    /// `openCount`, `openPipelineValue` and `stalledCount` by stage, every open stage in pipeline order.
    public var openByStage = PipelineStage.open.map { OpenStage(stage: $0) }

    /// Computes the metrics of the window `[from, to)` as of `asOf`.
    public init(_ deals: [PipelineFacts], from: Date, to: Date, asOf: Date, settings: PipelineSettings) {
        var wonAmounts: [Int] = []
        var cycleDays: [Double] = []
        var lostAfterStage3 = 0
        var reasons: [String: Int] = [:]
        var furthest: [Int] = []
        var stays: [PipelineStage: [Double]] = [:]
        let window = from..<to
        for deal in deals where deal.createdAt <= asOf {
            let history = deal.history.asOf(asOf)
            // Closed by `asOf`, created and last moved before the window: it adds to no figure (most deals of a year).
            if deal.createdAt < from, (history.current?.at ?? deal.createdAt) < from, history.stage?.isClosed == true { continue }
            if let state = OpportunityState(
                history: deal.history,
                createdAt: deal.createdAt,
                lastActivityAt: deal.lastActivityAt,
                asOf: asOf,
                settings: settings
            ),
                state.isOpen
            {
                openCount += 1
                openPipelineValue += deal.amount
                weightedPipelineValue += Double(deal.amount) * state.probability
                if state.stalled { stalledCount += 1 }
                if let column = openByStage.firstIndex(where: { $0.stage == state.stage }) {
                    openByStage[column].count += 1
                    openByStage[column].value += deal.amount
                    if state.stalled { openByStage[column].stalledCount += 1 }
                }
            }
            if let won = history.entered(.closedWon), window.contains(won.at) {
                wonAmounts.append(deal.amount)
                cycleDays.append(won.at.timeIntervalSince(deal.createdAt) / 86_400)
            }
            if let lost = history.entered(.closedLost), window.contains(lost.at) {
                lostCount += 1
                reasons[lost.lostReason ?? "unknown", default: 0] += 1
                if history.transitions.contains(where: { $0.at <= lost.at && ($0.to == .solutionFit || $0.to == .proposal) }) {
                    lostAfterStage3 += 1
                }
            }
            if window.contains(deal.createdAt), let progress = history.furthestProgress { furthest.append(progress) }
            for stay in history.stays where !stay.stage.isClosed {
                if let end = stay.end, window.contains(end) { stays[stay.stage, default: []].append(end.timeIntervalSince(stay.start) / 86_400) }
            }
        }
        wonCount = wonAmounts.count
        winRate = ratio(wonCount, wonCount + lostCount)
        winRateStage3Plus = ratio(wonCount, wonCount + lostAfterStage3)
        avgDealSize = mean(wonAmounts.map(Double.init))
        avgSalesCycleDays = mean(cycleDays)
        if let avgDealSize, let winRate, let avgSalesCycleDays, avgSalesCycleDays > 0 {
            pipelineVelocityPerDay = Double(openCount) * avgDealSize * winRate / avgSalesCycleDays
        }
        let ordered: [PipelineStage] = [.prospecting, .discovery, .solutionFit, .proposal, .closedWon]
        stageConversion = zip(ordered, ordered.dropFirst()).map { from, to in
            let reachedFrom = furthest.filter { $0 >= from.progress ?? 0 }.count
            let reachedTo = furthest.filter { $0 >= to.progress ?? 0 }.count
            return Conversion(from: from, to: to, reached: reachedFrom, advanced: reachedTo, rate: ratio(reachedTo, reachedFrom))
        }
        for stage in PipelineStage.open { avgDaysInStage[stage] = mean(stays[stage] ?? []) }
        lostReasons = reasons.map { LostReason(reason: $0.key, count: $0.value) }
            .sorted { ($1.count, $0.reason) < ($0.count, $1.reason) }
    }
}

/// `numerator ÷ denominator`, or nil when the denominator is 0.
public func ratio(_ numerator: Int, _ denominator: Int) -> Double? {
    denominator == 0 ? nil : Double(numerator) / Double(denominator)
}

/// The arithmetic mean, or nil for no values. Summed in ascending order, so that the same values give the same last
/// digit in whatever order their rows were read (rows committed concurrently, on PostgreSQL, come back in commit order).
public func mean(_ values: [Double]) -> Double? {
    values.isEmpty ? nil : values.sorted().reduce(0, +) / Double(values.count)
}

/// The middle value, or with an even count the mean of the middle two; nil for no values.
public func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
