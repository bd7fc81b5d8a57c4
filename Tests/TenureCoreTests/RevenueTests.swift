import Foundation
import TenureCore
import Testing

/// A stream with given MRR steps, for tests of the ledger.
struct Steps: RevenueStream {
    let steps: [(Date, Int)]
    var changePoints: [Date] { steps.map(\.0) }
    func mrr(at instant: Date) -> Int { steps.last { $0.0 <= instant }?.1 ?? 0 }
}

func date(_ text: String) -> Date { Timestamp.parseInstantOrDate(text)! }

@Suite struct RevenueWorkedExampleTests {
    /// `METRICS.md`, Worked example: account A 10000 (Jan 10) → 15000 (Feb 5) → 0 (Mar 15) → 10000 (Apr 2); B 20000 (Feb 20).
    let ledger: RevenueLedger = {
        let a = AccountRevenueFacts(
            wonAt: date("2026-01-01"),
            paidAt: date("2026-01-10"),
            streams: [Steps(steps: [(date("2026-01-10"), 10000), (date("2026-02-05"), 15000), (date("2026-03-15"), 0), (date("2026-04-02"), 10000)])]
        )
        let b = AccountRevenueFacts(wonAt: date("2026-02-20"), paidAt: date("2026-02-01"), streams: [Steps(steps: [(date("2026-02-01"), 20000)])])
        return RevenueLedger(movements: ["A": a.movements, "B": b.movements])
    }()

    @Test func everyRowOfTheTable() {
        let rows = ledger.series(from: CalendarMonth("2026-01")!, to: CalendarMonth("2026-04")!, interval: .month, asOf: date("2026-06-01"))
        #expect(rows.map(\.period) == ["2026-01", "2026-02", "2026-03", "2026-04"])
        #expect(rows.map(\.mrrStart) == [0, 10000, 35000, 20000])
        #expect(rows.map(\.new) == [10000, 20000, 0, 0])
        #expect(rows.map(\.expansion) == [0, 5000, 0, 0])
        #expect(rows.map(\.reactivation) == [0, 0, 0, 10000])
        #expect(rows.map(\.contraction) == [0, 0, 0, 0])
        #expect(rows.map(\.churn) == [0, 0, -15000, 0])
        #expect(rows.map(\.mrrEnd) == [10000, 35000, 20000, 30000])
        #expect(rows.map(\.customersStart) == [0, 1, 2, 1])
        #expect(rows.map(\.churnedCustomers) == [0, 0, 1, 0])
        #expect(rows.map(\.customerChurnRate) == [nil, 0, 0.5, 0])
        #expect(rows.map(\.nrr) == [nil, 1.5, 20000.0 / 35000.0, 1.0])
        for (row, next) in zip(rows, rows.dropFirst()) { #expect(row.mrrEnd == next.mrrStart) }
        for row in rows { #expect(row.mrrStart + row.netNewMRR == row.mrrEnd) }
    }

    @Test func quartersAndYearsSumTheMonths() {
        let quarters = ledger.series(from: CalendarMonth("2026-01")!, to: CalendarMonth("2026-06")!, interval: .quarter, asOf: date("2026-08-01"))
        #expect(quarters.map(\.period) == ["2026-Q1", "2026-Q2"])
        #expect(quarters[0].new == 30000 && quarters[0].expansion == 5000 && quarters[0].churn == -15000 && quarters[0].mrrEnd == 20000)
        #expect(quarters[0].churnedCustomers == 0, "A joined within the quarter, so its churn does not count")
        #expect(quarters[1].reactivatedCustomers == 1)
        let year = ledger.series(from: CalendarMonth("2026-03")!, to: CalendarMonth("2026-03")!, interval: .year, asOf: date("2026-05-01"))
        #expect(year.map(\.period) == ["2026"])
        #expect(year[0].partial && year[0].mrrEnd == 30000)
    }

    @Test func movementsAreClassified() {
        #expect(ledger.movements["A"]?.map(\.kind) == [.new, .expansion, .churn, .reactivation])
        #expect(ledger.movements["B"]?.map(\.kind) == [.new])
        #expect(ledger.movements["B"]?.first?.at == date("2026-02-20"), "revenue counts from the conversion on")
    }

    @Test func periodsAfterAsOfAreOmittedAndTheOpenOneIsPartial() {
        let rows = ledger.series(from: CalendarMonth("2026-01")!, to: CalendarMonth("2026-12")!, interval: .month, asOf: date("2026-03-20T12:00:00Z"))
        #expect(rows.map(\.period) == ["2026-01", "2026-02", "2026-03"])
        #expect(rows.map(\.partial) == [false, false, true])
        #expect(rows[2].mrrEnd == 20000)
    }
}

@Suite struct LifecycleTests {
    let contract = ManualContract(
        startDate: date("2026-01-01"),
        endDate: nil,
        interval: .month,
        recurringAmount: 5000,
        autoRenew: true,
        cancelEffective: date("2026-05-01")
    )

    func stage(_ facts: AccountRevenueFacts, _ at: String) -> LifecycleStage {
        lifecycleStage(wonAt: facts.wonAt, paidAt: facts.paidAt, movements: facts.movements, at: date(at))
    }

    @Test func closedWonWithoutPaymentIsPendingPayment() {
        let facts = AccountRevenueFacts(wonAt: date("2026-01-05"), paidAt: nil, streams: [contract])
        #expect(stage(facts, "2026-01-01") == .prospect)
        #expect(stage(facts, "2026-02-01") == .pendingPayment)
        #expect(facts.movements.isEmpty)
    }

    @Test func paymentThenClosedWonEqualsClosedWonThenPayment() {
        let paidFirst = AccountRevenueFacts(wonAt: date("2026-01-20"), paidAt: date("2026-01-10"), streams: [contract])
        let wonFirst = AccountRevenueFacts(wonAt: date("2026-01-10"), paidAt: date("2026-01-20"), streams: [contract])
        #expect(paidFirst.convertedAt == wonFirst.convertedAt)
        #expect(paidFirst.movements == wonFirst.movements)
        #expect(stage(paidFirst, "2026-01-15") == .prospect, "paid but not won yet: only Closed Won opens the door")
        #expect(stage(paidFirst, "2026-01-20") == .customer)
        #expect(paidFirst.movements.first == Movement(kind: .new, at: date("2026-01-20"), amount: 5000, from: 0, to: 5000))
    }

    @Test func churnThenReactivation() {
        let second = ManualContract(
            startDate: date("2026-07-01"),
            endDate: nil,
            interval: .quarter,
            recurringAmount: 30000,
            autoRenew: true,
            cancelEffective: nil
        )
        let facts = AccountRevenueFacts(wonAt: date("2026-01-01"), paidAt: date("2026-01-01"), streams: [contract, second])
        #expect(stage(facts, "2026-04-30") == .customer)
        #expect(stage(facts, "2026-05-01") == .churned)
        #expect(stage(facts, "2026-07-01") == .customer)
        #expect(facts.movements.map(\.kind) == [.new, .churn, .reactivation])
        #expect(facts.movements.map(\.amount) == [5000, -5000, 10000])
    }

    @Test func sameInstantChangesAreOneMovement() {
        let upgradeOut = ManualContract(
            startDate: date("2026-01-01"),
            endDate: nil,
            interval: .month,
            recurringAmount: 5000,
            autoRenew: true,
            cancelEffective: date("2026-03-01")
        )
        let upgradeIn = ManualContract(
            startDate: date("2026-03-01"),
            endDate: nil,
            interval: .month,
            recurringAmount: 8000,
            autoRenew: true,
            cancelEffective: nil
        )
        let facts = AccountRevenueFacts(wonAt: date("2026-01-01"), paidAt: date("2026-01-01"), streams: [upgradeOut, upgradeIn])
        #expect(facts.movements.map(\.kind) == [.new, .expansion])
        #expect(facts.movements.last?.amount == 3000)
    }
}

@Suite struct ManualContractTests {
    @Test func mrrIsTheRecurringAmountPerMonthRoundedHalfAwayFromZero() {
        func mrr(_ amount: Int, _ interval: BillingInterval) -> Int {
            ManualContract(
                startDate: date("2026-01-01"),
                endDate: nil,
                interval: interval,
                recurringAmount: amount,
                autoRenew: true,
                cancelEffective: nil
            )
            .monthlyAmount
        }
        #expect(mrr(120000, .year) == 10000)
        #expect(mrr(100, .quarter) == 33)
        #expect(mrr(50, .quarter) == 17)  // 16.67
        #expect(mrr(18, .year) == 2)  // 1.5 → 2, half away from zero
        #expect(mrr(30, .year) == 3)  // 2.5 → 3
    }

    @Test func aContractThatDoesNotRenewStopsTheDayAfterItsEnd() {
        let contract = ManualContract(
            startDate: date("2026-03-01"),
            endDate: date("2027-02-28"),
            interval: .year,
            recurringAmount: 2_400_000,
            autoRenew: false,
            cancelEffective: nil
        )
        #expect(contract.mrr(at: date("2027-02-28T23:59:59Z")) == 200_000)
        #expect(contract.mrr(at: date("2027-03-01")) == 0)
        #expect(contract.renewalDate(asOf: date("2026-06-01")) == date("2027-02-28"))
        #expect(contract.scheduledEnd(asOf: date("2026-06-01")) == date("2027-03-01"))
    }

    @Test func anAutoRenewingContractRenewsByWholeTerms() {
        let contract = ManualContract(
            startDate: date("2026-03-01"),
            endDate: date("2027-02-28"),
            interval: .year,
            recurringAmount: 2_400_000,
            autoRenew: true,
            cancelEffective: nil
        )
        #expect(contract.mrr(at: date("2028-06-01")) == 200_000)
        #expect(contract.renewalDate(asOf: date("2027-03-05")) == date("2028-02-28"))
        #expect(contract.scheduledEnd(asOf: date("2026-06-01")) == nil)
    }
}

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

@Suite struct CalculatorTests {
    @Test func theCoffeeShopIs5798Point52() {
        let simple = CLVCalculator.simple(averagePurchaseValue: 5.90, purchaseFrequency: 4.2, periodsPerYear: 52, lifespanYears: 4.5)
        #expect(CLVCalculator.result(simple: simple, discounted: nil, cac: nil).simpleCLV == 5798.52)
    }

    @Test func discountedCashFlowsAndTheCACRatio() {
        let flows = [CLVCalculator.CashFlow(revenue: 1100, cost: 0), CLVCalculator.CashFlow(revenue: 1210, cost: 0)]
        let discounted = CLVCalculator.discounted(flows, rate: 0.10)
        let result = CLVCalculator.result(simple: 100, discounted: discounted, cac: 500)
        #expect(result.discountedCLV == 2000)
        #expect(result.discountedCLVCACRatio == 4)
        #expect(result.simpleCLVCACRatio == 0.2)
        #expect(result.healthy == true, "judged on the discounted CLV when given")
    }
}
