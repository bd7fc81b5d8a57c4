import Foundation

/// First-response targets in hours per priority (`GET/PUT /v1/settings/support`).
public struct SupportTargets: Sendable, Equatable, Codable {
    public var firstResponseHours: [CasePriority: Double]

    public static let defaults = SupportTargets(
        firstResponseHours: Dictionary(uniqueKeysWithValues: CasePriority.allCases.map { ($0, $0.defaultTargetHours) })
    )

    public init(firstResponseHours: [CasePriority: Double]) { self.firstResponseHours = firstResponseHours }

    public func hours(_ priority: CasePriority) -> Double { firstResponseHours[priority] ?? priority.defaultTargetHours }

    /// Every priority needs a target greater than 0 and at most a year.
    public static func validated(_ hours: [String: Double]?) throws -> SupportTargets {
        var validator = Validator()
        let checked: [CasePriority: Double] = validator.everyCase(hours, "first_response_hours", of: "priority") {
            $0 > 0 && $0 <= 8_760 ? nil : "must be > 0 and at most 8760"
        }
        try validator.check()
        return SupportTargets(firstResponseHours: checked)
    }
}
