import Foundation

/// `GET /v1/metrics/support` (`METRICS.md`, Support) over the window [from, to), as of `asOf`.
public struct SupportMetrics: Sendable, Equatable {
    public var casesOpened: Int
    public var casesResolved: Int
    public var resolvedSameDay: Int
    public var avgFirstResponseHours: Double?
    public var avgResolutionHours: Double?
    public var slaComplianceRate: Double?

    public init(cases: [SupportCase], from: Date, to: Date, asOf: Date, targets: SupportTargets) {
        func inWindow(_ date: Date) -> Bool { date >= from && date < to && date <= asOf }
        let opened = cases.filter { inWindow($0.openedAt) }
        let resolved = cases.compactMap { item in item.resolvedAt(asOf: asOf).flatMap { inWindow($0) ? (item, $0) : nil } }
        casesOpened = opened.count
        casesResolved = resolved.count
        resolvedSameDay = resolved.filter { Timestamp.formatDate($0.0.openedAt) == Timestamp.formatDate($0.1) }.count
        avgFirstResponseHours = Self.avgFirstResponseHours(of: opened.map { ($0.openedAt, $0.firstResponseAt) }, from: from, to: to, asOf: asOf)
        avgResolutionHours = mean(resolved.map { $0.1.timeIntervalSince($0.0.openedAt) / 3_600 })
        // Judged: due by asOf, or already answered.
        let judged = opened.filter { $0.firstResponseDue(targets) <= asOf || $0.firstResponse(asOf: asOf) != nil }
        slaComplianceRate = ratio(judged.filter { !$0.breached(targets, asOf: asOf) }.count, judged.count)
    }

    /// The mean hours from opening to the first response of the cases opened in `[from, to)` by `asOf`, the
    /// responses counted as of `asOf` (other cases are skipped).
    public static func avgFirstResponseHours(of cases: [(openedAt: Date, firstResponseAt: Date?)], from: Date, to: Date, asOf: Date) -> Double? {
        mean(
            cases.compactMap { item in
                guard item.openedAt >= from, item.openedAt < to, item.openedAt <= asOf, let response = item.firstResponseAt, response <= asOf else {
                    return nil
                }
                return response.timeIntervalSince(item.openedAt) / 3_600
            }
        )
    }
}
