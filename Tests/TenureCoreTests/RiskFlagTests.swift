import Foundation
import TenureCore
import Testing

/// Each risk flag of `HEALTH.md`: raised, and not raised just on the other side of its threshold.
@Suite struct RiskFlagTests {
    let asOf = date("2026-06-01")

    func daysBefore(_ days: Double) -> Date { asOf.addingTimeInterval(-days * 86_400) }

    func flags(_ inputs: HealthInputs, settings: HealthSettings = .defaults) -> Set<RiskFlagCode> {
        Set(HealthEvaluation(inputs, asOf: asOf, settings: settings).flags)
    }

    /// Two strong executives and two strong users, so only the flag under test can appear.
    let wellConnected: [(role: ContactRole, strength: RelationshipStrength)] = [
        (.executive, .strong), (.executive, .strong), (.user, .strong), (.user, .veryStrong),
    ]

    /// Thirty days of `active` of 100 seats ending the day before `end`.
    func usage(_ active: Int, daysBefore end: Double = 0) -> [UsageRecord] {
        (1...30).map { UsageRecord(day: daysBefore(end + Double($0)), activeUsers: active, licensedSeats: 100) }
    }

    @Test func renewalExecutiveSilenceNeedsARenewalInTheWindowAndNoExecutiveContactInTheLast15Days() {
        func raised(renewal: Date?, lastExecutive: Date?) -> Bool {
            flags(healthInputs(contacts: wellConnected, lastExecutive: lastExecutive, renewalDate: renewal)).contains(.renewalExecSilence)
        }
        let in89Days = asOf.addingTimeInterval(89 * 86_400)
        #expect(raised(renewal: in89Days, lastExecutive: daysBefore(15)), "15 days ago is not within the last 15 days")
        #expect(!raised(renewal: in89Days, lastExecutive: daysBefore(14)))
        #expect(raised(renewal: in89Days, lastExecutive: nil))
        #expect(raised(renewal: asOf, lastExecutive: nil), "a renewal today is in [as_of, as_of + 90 d)")
        #expect(!raised(renewal: asOf.addingTimeInterval(90 * 86_400), lastExecutive: nil), "90 days ahead is outside")
        #expect(!raised(renewal: daysBefore(1), lastExecutive: nil))
        #expect(!raised(renewal: nil, lastExecutive: nil), "no renewal date, no flag")
    }

    @Test func singleThreadedCountsStrongExecutivesAgainstTheSegment() {
        let one: [(role: ContactRole, strength: RelationshipStrength)] = [(.executive, .veryStrong), (.executive, .medium)]
        #expect(flags(healthInputs(segment: .enterprise, contacts: one)).contains(.singleThreaded))
        #expect(!flags(healthInputs(segment: .smb, contacts: one)).contains(.singleThreaded))
        #expect(!flags(healthInputs(segment: .enterprise, contacts: wellConnected)).contains(.singleThreaded))
        #expect(flags(healthInputs(segment: nil, contacts: [])).contains(.singleThreaded))
    }

    @Test func championGapIsHighAdoptionWithoutAStrongUser() {
        let executives: [(role: ContactRole, strength: RelationshipStrength)] = [(.executive, .strong), (.user, .medium)]
        #expect(flags(healthInputs(usage: usage(70), contacts: executives)).contains(.championGap), "0.7 exactly")
        #expect(!flags(healthInputs(usage: usage(69), contacts: executives)).contains(.championGap))
        #expect(!flags(healthInputs(usage: usage(90), contacts: executives + [(.user, .strong)])).contains(.championGap))
        #expect(!flags(healthInputs(contacts: executives)).contains(.championGap), "no usage, no data")
    }

    @Test func adoptionEmergencyIsADropOfAQuarterWithNoRecentUserContact() {
        let dropToThreeQuarters = usage(60) + usage(80, daysBefore: 30)
        #expect(flags(healthInputs(usage: dropToThreeQuarters, contacts: wellConnected)).contains(.adoptionEmergency), "0.6 ≤ 0.75 × 0.8")
        let smallerDrop = usage(61) + usage(80, daysBefore: 30)
        #expect(!flags(healthInputs(usage: smallerDrop, contacts: wellConnected)).contains(.adoptionEmergency))
        #expect(
            !flags(healthInputs(usage: dropToThreeQuarters, contacts: wellConnected, lastUser: daysBefore(29))).contains(.adoptionEmergency),
            "a user spoken to in the last 30 days"
        )
        #expect(flags(healthInputs(usage: dropToThreeQuarters, contacts: wellConnected, lastUser: daysBefore(30))).contains(.adoptionEmergency))
        #expect(
            !flags(healthInputs(usage: usage(0) + usage(0, daysBefore: 30), contacts: wellConnected)).contains(.adoptionEmergency),
            "earlier ratio 0"
        )
        #expect(!flags(healthInputs(usage: usage(10), contacts: wellConnected)).contains(.adoptionEmergency), "no earlier window, no data")
        var settings = HealthSettings.defaults
        settings.adoptionDrop = 0.2
        #expect(
            flags(healthInputs(usage: usage(64) + usage(80, daysBefore: 30), contacts: wellConnected), settings: settings).contains(
                .adoptionEmergency
            )
        )
    }

    @Test func paymentFailedIsAFailureOfTheLast30DaysWithoutALaterSuccess() {
        func unresolved(_ payments: [(status: PaymentStatus, at: Date)]) -> Bool { BillingFacts.hasUnresolvedFailure(payments, asOf: asOf) }
        #expect(unresolved([(.paid, daysBefore(40)), (.failed, daysBefore(29))]))
        #expect(!unresolved([(.failed, daysBefore(30))]), "30 days ago is outside the last 30 days")
        #expect(!unresolved([(.failed, daysBefore(10)), (.paid, daysBefore(9))]))
        #expect(
            unresolved([(.paid, daysBefore(11)), (.failed, daysBefore(10)), (.paid, asOf.addingTimeInterval(3_600))]),
            "a success after as_of is not known yet"
        )
        let billing = BillingFacts(liveContractStatuses: ["past_due"], hasScheduledEnd: false, unresolvedFailedPayment: true)
        #expect(flags(healthInputs(contacts: wellConnected, billing: billing)).contains(.paymentFailed))
        #expect(!flags(healthInputs(contacts: wellConnected)).contains(.paymentFailed))
    }

    @Test func healthRedFollowsTheBand() {
        // Relationships 0 and support 100 with weights 25 and 15: 37.5 → 38, red.
        #expect(flags(healthInputs(contacts: [])).contains(.healthRed))
        // One strong executive (25) with support 100: (25 × 25 + 15 × 100) ÷ 40 = 53.1 → yellow.
        #expect(!flags(healthInputs(contacts: [(.executive, .strong)])).contains(.healthRed))
    }

    @Test func severitiesGiveTheTaskDueDates() {
        let raised = date("2026-06-01T10:00:00Z")
        #expect(RiskFlagCode.adoptionEmergency.taskDue(raisedAt: raised) == date("2026-06-02T10:00:00Z"))
        #expect(RiskFlagCode.paymentFailed.taskDue(raisedAt: raised) == date("2026-06-03T10:00:00Z"))
        #expect(RiskFlagCode.singleThreaded.taskDue(raisedAt: raised) == date("2026-06-08T10:00:00Z"))
        #expect(RiskFlagCode.championGap.taskDue(raisedAt: raised) == date("2026-06-08T10:00:00Z"))
    }

    @Test func settingsAreValidatedWhole() throws {
        func settings(
            weights: [String: Double] = ["adoption": 30, "relationships": 25, "support": 15, "sentiment": 15, "billing": 15],
            green: Double = 70,
            yellow: Double = 40,
            drop: Double = 0.25
        ) throws -> HealthSettings {
            try HealthSettings.validated(
                weights: weights,
                green: green,
                yellow: yellow,
                renewalWindowDays: 90,
                execSilenceDays: 15,
                userSilenceDays: 30,
                championAdoption: 0.7,
                adoptionDrop: drop
            )
        }
        #expect(try settings() == .defaults)
        func fields(_ body: () throws -> HealthSettings) -> [String] {
            do {
                _ = try body()
                return []
            } catch let error as ValidationError {
                return error.errors.map(\.field)
            } catch { return ["?"] }
        }
        #expect(
            fields { try settings(weights: ["adoption": -1, "relationships": 1, "support": 1, "sentiment": 1, "billing": 1]) } == ["weights.adoption"]
        )
        #expect(fields { try settings(weights: ["adoption": 0, "relationships": 0, "support": 0, "sentiment": 0, "billing": 0]) } == ["weights"])
        #expect(fields { try settings(weights: ["adoption": 1]) }.count == 4)
        // Found by schemathesis: weights of 1e308 overflowed the weighted sum and crashed the on-the-fly health.
        let huge = ["adoption": 1e308, "relationships": 1e308, "support": 1, "sentiment": 1, "billing": 1]
        #expect(fields { try settings(weights: huge) } == ["weights.adoption", "weights.relationships"])
        #expect(fields { try settings(weights: ["adoption": 1_000, "relationships": 0, "support": 0, "sentiment": 0, "billing": 0]) } == [])
        #expect(fields { try settings(green: 40, yellow: 40) } == ["bands.green"])
        #expect(fields { try settings(green: 101) } == ["bands.green"])
        #expect(fields { try settings(yellow: -1) } == ["bands.yellow"])
        #expect(fields { try settings(drop: 1.5) } == ["adoption_drop"])
    }
}
