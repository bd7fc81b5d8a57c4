import Foundation
import TenureCore
import Testing

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
