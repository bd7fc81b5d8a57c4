import Foundation
import TenureCore
import Testing

/// INSIGHTS.md, "Churn reasons": Stripe's details read, and the reason a churn movement takes.
struct ChurnReasonTests {
    @Test(
        arguments: [
            ("payment_failed", "too_expensive", ChurnReason.paymentFailure),
            ("payment_disputed", nil, .paymentFailure),
            ("cancellation_requested", "too_expensive", .price),
            (nil, "switched_service", .competitor),
            (nil, "missing_features", .productFit),
            (nil, "too_complex", .productFit),
            (nil, "low_quality", .productFit),
            (nil, "unused", .productFit),
            (nil, "customer_service", .other),
            (nil, "other", .other),
        ] as [(String?, String?, ChurnReason)]
    )
    func stripesDetailsMapToAReason(reason: String?, feedback: String?, expected: ChurnReason) {
        #expect(ChurnReason.stripe(reason: reason, feedback: feedback) == expected)
    }

    @Test func stripeDetailsThatSayNothingGiveNoReason() {
        #expect(ChurnReason.stripe(reason: nil, feedback: nil) == nil)
        #expect(ChurnReason.stripe(reason: "cancellation_requested", feedback: nil) == nil)
    }

    @Test func ofStreamsStoppingTogetherTheOneWithTheMostMRRGivesTheReason_thenTheOldest() {
        let start = date("2026-01-01")
        let stop = date("2026-05-10")
        func facts(_ streams: [Steps]) -> AccountRevenueFacts {
            AccountRevenueFacts(wonAt: start, paidAt: start, streams: streams)
        }
        let small = Steps(steps: [(start, 1000), (stop, 0)], reason: .price)
        let large = Steps(steps: [(start, 5000), (stop, 0)], reason: .competitor)
        let equal = Steps(steps: [(start, 1000), (stop, 0)], reason: .budget)
        let silent = Steps(steps: [(start, 9000), (stop, 0)], reason: nil)
        #expect(facts([small, large]).churnReason(at: stop) == .competitor)
        #expect(facts([small, equal]).churnReason(at: stop) == .price, "equal MRR: the oldest")
        #expect(facts([equal, small]).churnReason(at: stop) == .budget)
        #expect(facts([small, silent]).churnReason(at: stop) == .unknown, "the largest says nothing: unknown")
        // A stream that stopped earlier is not one stopping now.
        let earlier = Steps(steps: [(start, 8000), (date("2026-03-01"), 0)], reason: .budget)
        let later = Steps(steps: [(start, 100), (stop, 0)], reason: .other)
        #expect(facts([earlier, later]).churnReason(at: stop) == .other)
        #expect(facts([earlier, later]).movements.last?.kind == .churn)
    }

    @Test func aManualContractGivesItsReasonOnlyWhenItsCancellationStopsIt() {
        let cancelled = ManualContract(
            startDate: date("2026-01-01"),
            endDate: date("2026-12-31"),
            interval: .month,
            recurringAmount: 1000,
            autoRenew: true,
            cancelEffective: date("2026-05-10"),
            cancelReason: .budget
        )
        #expect(cancelled.stopReason(at: date("2026-05-10")) == .budget)
        var expired = cancelled
        expired.autoRenew = false
        expired.cancelEffective = nil
        #expect(expired.stopReason(at: date("2027-01-01")) == nil, "an end not renewed says nothing")
    }

    @Test func aPastDueRunLongEnoughToChurnIsAPaymentFailure_aDeletionItsDetails() {
        func snapshot(_ at: String, _ status: String, deleted: Bool = false, reason: ChurnReason? = nil) -> SubscriptionSnapshot {
            SubscriptionSnapshot(
                effectiveAt: date(at),
                order: at,
                status: status,
                items: [
                    StripeSubscriptionItem(
                        id: "si",
                        price: StripePrice(unitAmount: Rational(2000), interval: "month", intervalCount: 1),
                        quantity: 1,
                        discounts: []
                    )
                ],
                discounts: [],
                cancelAtPeriodEnd: false,
                cancelAt: nil,
                currentPeriodEnd: nil,
                deleted: deleted,
                cancellationReason: reason
            )
        }
        let pastDue = StripeSubscriptionStream(
            snapshots: [snapshot("2026-01-01", "active"), snapshot("2026-03-01", "past_due")],
            pastDueChurnDays: 30
        )
        let churn = date("2026-03-31")
        #expect(pastDue.mrr(at: churn) == 0 && pastDue.mrr(before: churn) == 2000)
        #expect(pastDue.stopReason(at: churn) == .paymentFailure)
        let deleted = StripeSubscriptionStream(
            snapshots: [snapshot("2026-01-01", "active"), snapshot("2026-04-02", "canceled", deleted: true, reason: .competitor)],
            pastDueChurnDays: nil
        )
        #expect(deleted.stopReason(at: date("2026-04-02")) == .competitor)
    }

    @Test func aBreakdownCountsTheSpansChurnsOnce_andOrdersReasonsByMRRThenLogosThenName() {
        let churns = [
            ReasonedChurn(at: date("2026-05-01"), mrr: 100, reason: .price),
            ReasonedChurn(at: date("2026-05-02"), mrr: 100, reason: .budget),
            ReasonedChurn(at: date("2026-05-03"), mrr: 50, reason: .other),
            ReasonedChurn(at: date("2026-05-04"), mrr: 50, reason: .other),
            ReasonedChurn(at: date("2026-05-05"), mrr: 100, reason: .paymentFailure),
            ReasonedChurn(at: date("2026-06-01"), mrr: 999, reason: .price),
        ]
        let may = ChurnBreakdown(period: "2026-05", start: date("2026-05-01"), end: date("2026-06-01"), partial: false, churns: churns)
        #expect(may.churned == .init(mrr: 400, logos: 5))
        #expect(may.involuntary == .init(mrr: 100, logos: 1) && may.voluntary == .init(mrr: 300, logos: 4))
        #expect(may.byReason.map(\.reason) == [.other, .budget, .paymentFailure, .price], "100 twice beats 100 once; then by name")
        let partial = ChurnBreakdown(period: "2026-05", start: date("2026-05-01"), end: date("2026-06-01"), partial: true, churns: churns)
        #expect(partial.churned.logos == 6, "a partial period includes its end")
    }
}
