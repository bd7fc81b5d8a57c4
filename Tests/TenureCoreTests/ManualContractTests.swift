import Foundation
import TenureCore
import Testing

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
