import Foundation
import TenureCore
import Testing

/// Committed MRR by hand (`METRICS.md`).
@Suite struct CommittedMRRTests {
    func contract(_ amount: Int, live: Int = 0, later: Bool = false, stopped: Bool = false, ending: Bool = false) -> CommittedContract {
        CommittedContract(monthlyAmount: amount, liveMRR: live, startsLater: later, stopped: stopped, hasScheduledEnd: ending)
    }

    @Test func committedAddsSignedRevenueAndAtRiskCountsEachMinorUnitOnce() {
        let cmrr = CommittedMRR([
            // A red customer with a contract that also ends: its MRR counts once.
            CommittedAccount(stage: .customer, mrr: 1_000, band: .red, contracts: [contract(1_000, live: 1_000, ending: true)]),
            // A green customer with one ending contract and one starting next month.
            CommittedAccount(
                stage: .customer,
                mrr: 800,
                band: .green,
                contracts: [contract(300, live: 300, ending: true), contract(500, live: 500), contract(200, later: true)]
            ),
            // Won, not paid: what it would bill if converted now; a contract cancelled before it started counts nothing.
            CommittedAccount(stage: .pendingPayment, mrr: 0, band: nil, contracts: [contract(400), contract(900, stopped: true)]),
            CommittedAccount(stage: .prospect, mrr: 0, band: nil, contracts: [contract(700, later: true)]),
        ])
        #expect(cmrr.mrr == 1_800)
        #expect(cmrr.committed == 600)
        #expect(cmrr.atRisk == 1_300)
        #expect(cmrr.value == 1_100)
    }
}
