import Foundation
import TenureCore
import Testing

/// Each component's scoring rules at their boundaries (`HEALTH.md`).
@Suite struct HealthScorecardTests {
    let asOf = date("2026-06-01")
    func score(_ component: HealthComponent, _ inputs: HealthInputs) -> Double? {
        HealthEvaluation(inputs, asOf: asOf, settings: .defaults).components.first { $0.component == component }?.score
    }

    func daysBefore(_ days: Double) -> Date { asOf.addingTimeInterval(-days * 86_400) }

    @Test func adoptionReachesFullMarksAtARatioOfExactly0Point8() {
        let usage = (1...30).map { UsageRecord(day: daysBefore(Double($0)), activeUsers: 8, licensedSeats: 10) }
        #expect(score(.adoption, healthInputs(usage: usage)) == 100)
        let lower = (1...30).map { UsageRecord(day: daysBefore(Double($0)), activeUsers: 4, licensedSeats: 10) }
        #expect(score(.adoption, healthInputs(usage: lower)) == 50)
        let over = [UsageRecord(day: daysBefore(1), activeUsers: 15, licensedSeats: 10)]
        #expect(score(.adoption, healthInputs(usage: over)) == 100, "each ratio is capped at 1")
    }

    @Test func adoptionReadsTheThirtyDaysBeforeAsOfOnly() {
        let inside = UsageRecord(day: daysBefore(30), activeUsers: 8, licensedSeats: 10)
        let outside = UsageRecord(day: daysBefore(31), activeUsers: 0, licensedSeats: 10)
        let today = UsageRecord(day: asOf, activeUsers: 0, licensedSeats: 10)
        let noSeats = UsageRecord(day: daysBefore(2), activeUsers: 0, licensedSeats: 0)
        #expect(HealthEvaluation.adoptionRatio([inside, outside, today, noSeats], asOf: asOf) == 0.8)
        #expect(score(.adoption, healthInputs(usage: [outside])) == nil, "no record in the window is no data")
    }

    @Test func userRecencyIsFullAt30DaysAndHalfAt31() {
        #expect(score(.relationships, healthInputs(lastUser: daysBefore(30))) == 25)
        #expect(score(.relationships, healthInputs(lastUser: daysBefore(31))) == 12.5)
        #expect(score(.relationships, healthInputs(lastUser: daysBefore(60))) == 12.5)
        #expect(score(.relationships, healthInputs(lastUser: daysBefore(61))) == 0)
    }

    @Test func executiveRecencyIsFullAt15DaysAndHalfAt16() {
        #expect(score(.relationships, healthInputs(lastExecutive: daysBefore(15))) == 25)
        #expect(score(.relationships, healthInputs(lastExecutive: daysBefore(16))) == 12.5)
        #expect(score(.relationships, healthInputs(lastExecutive: daysBefore(45))) == 12.5)
        #expect(score(.relationships, healthInputs(lastExecutive: daysBefore(46))) == 0)
    }

    @Test func enterpriseNeedsTwoStrongExecutivesOthersOne() {
        let one: [(role: ContactRole, strength: RelationshipStrength)] = [(.executive, .strong), (.executive, .medium)]
        let two: [(role: ContactRole, strength: RelationshipStrength)] = [(.executive, .strong), (.executive, .veryStrong)]
        #expect(score(.relationships, healthInputs(segment: .enterprise, contacts: one)) == 12.5)
        #expect(score(.relationships, healthInputs(segment: .enterprise, contacts: two)) == 25)
        #expect(score(.relationships, healthInputs(segment: .midMarket, contacts: one)) == 25)
    }

    @Test func usersScore25ForTwoStrongAndHalfForOne() {
        #expect(score(.relationships, healthInputs(contacts: [(.user, .strong), (.user, .veryStrong)])) == 25)
        #expect(score(.relationships, healthInputs(contacts: [(.user, .strong), (.user, .weak)])) == 12.5)
        #expect(score(.relationships, healthInputs(contacts: [])) == 0)
    }

    @Test func supportSubtractsOpenCasesAndBreachesOfTheLast90Days() {
        let answeredOnTime = CaseFacts(
            priority: .urgent,
            openedAt: daysBefore(10),
            firstResponseAt: daysBefore(10).addingTimeInterval(3_600),
            isOpen: false
        )
        let answeredAMinuteLate = CaseFacts(
            priority: .urgent,
            openedAt: daysBefore(10),
            firstResponseAt: daysBefore(10).addingTimeInterval(3_660),
            isOpen: false
        )
        #expect(score(.support, healthInputs(cases: [answeredOnTime])) == 100)
        #expect(score(.support, healthInputs(cases: [answeredAMinuteLate])) == 85)
        let open = [
            CaseFacts(priority: .low, openedAt: daysBefore(1), firstResponseAt: daysBefore(1), isOpen: true),
            CaseFacts(priority: .high, openedAt: daysBefore(1), firstResponseAt: daysBefore(1), isOpen: true),
            CaseFacts(priority: .urgent, openedAt: daysBefore(1), firstResponseAt: daysBefore(1), isOpen: true),
        ]
        #expect(score(.support, healthInputs(cases: open)) == 35)  // 100 − 10 − 20 − 35
        let oldBreach = CaseFacts(priority: .urgent, openedAt: daysBefore(91), firstResponseAt: nil, isOpen: false)
        #expect(score(.support, healthInputs(cases: [oldBreach])) == 100)
        let unanswered = CaseFacts(priority: .low, openedAt: daysBefore(2), firstResponseAt: nil, isOpen: true)
        #expect(score(.support, healthInputs(cases: [unanswered])) == 75, "open (−10) and past its 24 h target (−15)")
        #expect(score(.support, healthInputs(cases: Array(repeating: unanswered, count: 5))) == 0, "floor 0")
    }

    @Test func npsWithOnlyPassivesIsFifty() {
        let passives = (0..<4).map { SurveyResponse(kind: .nps, score: 7 + $0 % 2, contactID: "c\($0)", at: daysBefore(5)) }
        #expect(score(.sentiment, healthInputs(surveys: passives)) == 50)
    }

    @Test func eachContactCountsWithItsLatestNPSAndCSATIsAveraged() {
        let surveys = [
            SurveyResponse(kind: .nps, score: 2, contactID: "a", at: daysBefore(100)),
            SurveyResponse(kind: .nps, score: 10, contactID: "a", at: daysBefore(10)),  // a is now a promoter
            SurveyResponse(kind: .nps, score: 3, contactID: nil, at: daysBefore(10)),
            SurveyResponse(kind: .nps, score: 3, contactID: nil, at: daysBefore(11)),  // anonymous ones count one by one
            SurveyResponse(kind: .nps, score: 10, contactID: "b", at: daysBefore(181)),  // too old
            SurveyResponse(kind: .csat, score: 5, contactID: nil, at: daysBefore(3)),
            SurveyResponse(kind: .csat, score: 3, contactID: nil, at: daysBefore(3)),
        ]
        // NPS = 1/3 promoters − 2/3 detractors = −33.3…; part (−33.3 + 100) ÷ 2 = 33.3…; CSAT mean 4 → 75.
        let expected = ((-100.0 / 3 + 100) / 2 + 75) / 2
        #expect(abs((score(.sentiment, healthInputs(surveys: surveys)) ?? 0) - expected) < 1e-9)
        #expect(score(.sentiment, healthInputs()) == nil)
    }

    @Test func billingTakesTheLowestValueThatApplies() {
        func billing(_ statuses: [String], scheduled: Bool = false, failed: Bool = false) -> Double? {
            score(
                .billing,
                healthInputs(billing: BillingFacts(liveContractStatuses: statuses, hasScheduledEnd: scheduled, unresolvedFailedPayment: failed))
            )
        }
        #expect(billing([]) == nil)
        #expect(billing(["active"]) == 100)
        #expect(billing(["active", "past_due"]) == 40)
        #expect(billing(["past_due"], failed: true) == 20)
        #expect(billing(["active"], scheduled: true, failed: true) == 0)
    }

    @Test func theScoreRenormalizesOverComponentsWithDataAndRoundsHalfUpOnce() {
        // Relationships 12.5 (one strong user), support 100, no adoption, sentiment or billing data:
        // (25 × 12.5 + 15 × 100) ÷ 40 = 45.3125 → 45, yellow.
        let evaluation = HealthEvaluation(healthInputs(contacts: [(.user, .strong)]), asOf: asOf, settings: .defaults)
        #expect(evaluation.score == 45)
        #expect(evaluation.band == .yellow)
        #expect(evaluation.components.map(\.score) == [nil, 12.5, 100, nil, nil])
        var settings = HealthSettings.defaults
        settings.weights = [.relationships: 1, .support: 1]
        #expect(HealthEvaluation(healthInputs(contacts: [(.user, .strong)]), asOf: asOf, settings: settings).score == 56)  // 56.25
        #expect(settings.band(70) == .green && settings.band(69) == .yellow && settings.band(39) == .red)
    }
}
