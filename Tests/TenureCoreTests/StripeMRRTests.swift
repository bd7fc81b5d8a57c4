import Foundation
import TenureCore
import Testing

@Suite struct StripeMRRTests {
    func item(
        _ amount: String,
        _ interval: String = "month",
        count: Int = 1,
        quantity: Int = 1,
        discounts: [StripeDiscount] = []
    ) -> StripeSubscriptionItem {
        StripeSubscriptionItem(
            id: "si_\(amount)",
            price: StripePrice(unitAmount: Rational(decimal: amount)!, interval: interval, intervalCount: count),
            quantity: quantity,
            discounts: discounts
        )
    }

    func snapshot(_ items: [StripeSubscriptionItem], status: String = "active", discounts: [StripeDiscount] = []) -> SubscriptionSnapshot {
        SubscriptionSnapshot(
            effectiveAt: date("2026-01-01"),
            order: "",
            status: status,
            items: items,
            discounts: discounts,
            cancelAtPeriodEnd: false,
            cancelAt: nil,
            currentPeriodEnd: nil,
            deleted: false
        )
    }

    @Test func aYearlyPlanOf120000IsAnMRROf10000() {
        #expect(snapshot([item("120000", "year")]).mrr(at: date("2026-02-01")) == 10000)
    }

    @Test func twoItemsWithQuantityThreeBilledEveryTwoMonths() {
        // (1000 × 3 + 500 × 3) ÷ 2 = 2250
        #expect(snapshot([item("1000", count: 2, quantity: 3), item("500", count: 2, quantity: 3)]).mrr(at: date("2026-02-01")) == 2250)
    }

    @Test func weeklyAndDailyPricesAreNormalizedExactlyAndRoundedOnce() {
        #expect(snapshot([item("1000", "week")]).mrr(at: date("2026-02-01")) == 4333)  // 4333.33
        #expect(snapshot([item("100", "day")]).mrr(at: date("2026-02-01")) == 3042)  // 3041.67
        #expect(snapshot([item("0.5", quantity: 3)]).mrr(at: date("2026-02-01")) == 2)  // 1.5 → 2
    }

    @Test func onlyActiveAndPastDueCount() {
        for status in ["trialing", "incomplete", "incomplete_expired", "unpaid", "paused", "canceled"] {
            #expect(snapshot([item("1000")], status: status).mrr(at: date("2026-02-01")) == 0)
        }
        #expect(snapshot([item("1000")], status: "past_due").mrr(at: date("2026-02-01")) == 1000)
    }

    @Test func discountsApplyItemsFirstPercentagesBeforeAmountsUntilTheirEnd() {
        let tenPercent = StripeDiscount(id: "di_1", duration: "forever", percentOff: Rational(10), amountOff: nil, end: nil)
        let fiveOff = StripeDiscount(id: "di_2", duration: "repeating", percentOff: nil, amountOff: 500, end: date("2026-04-01"))
        let once = StripeDiscount(id: "di_3", duration: "once", percentOff: Rational(50), amountOff: nil, end: nil)
        let subscription = snapshot([item("10000", discounts: [tenPercent]), item("2000")], discounts: [fiveOff, once])
        #expect(subscription.mrr(at: date("2026-02-01")) == 10500)  // 9000 + 2000 − 500
        #expect(subscription.mrr(at: date("2026-04-01")) == 11000)  // the repeating discount has ended
        let yearlyAmountOff = StripeDiscount(id: "di_4", duration: "forever", percentOff: nil, amountOff: 12000, end: nil)
        #expect(snapshot([item("120000", "year")], discounts: [yearlyAmountOff]).mrr(at: date("2026-02-01")) == 9000)
        let huge = StripeDiscount(id: "di_5", duration: "forever", percentOff: nil, amountOff: 1_000_000, end: nil)
        #expect(snapshot([item("1000")], discounts: [huge]).mrr(at: date("2026-02-01")) == 0)
    }

    @Test func unpricedItemsCountZeroAndAreListed() {
        let metered = StripeSubscriptionItem(id: "si_metered", price: nil, quantity: 1, discounts: [])
        let subscription = snapshot([item("1000"), metered])
        #expect(subscription.mrr(at: date("2026-02-01")) == 1000)
        #expect(subscription.unpricedItems == ["si_metered"])
    }

    @Test func theStateAtAnInstantIsTheLatestSnapshotAndPastDueChurnsAfterTheSetting() {
        func at(_ day: String, _ status: String, _ amount: String) -> SubscriptionSnapshot {
            var snapshot = snapshot([item(amount)], status: status)
            snapshot.effectiveAt = date(day)
            return snapshot
        }
        let snapshots = [
            at("2026-01-01", "active", "1000"), at("2026-02-01", "past_due", "1000"), at("2026-02-05", "past_due", "1000"),
            at("2026-03-01", "active", "2000"),
        ]
        let stream = StripeSubscriptionStream(snapshots: snapshots.reversed(), pastDueChurnDays: 10)
        #expect(stream.mrr(at: date("2026-02-10")) == 1000)
        #expect(stream.mrr(at: date("2026-02-11")) == 0)
        #expect(stream.mrr(at: date("2026-03-01")) == 2000)
        #expect(stream.changePoints.contains(date("2026-02-11")))
        #expect(StripeSubscriptionStream(snapshots: snapshots, pastDueChurnDays: nil).mrr(at: date("2026-02-20")) == 1000)
    }
}
