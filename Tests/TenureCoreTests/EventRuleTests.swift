import Foundation
import TenureCore
import Testing

/// The pure rules of `EVENTS.md`: what a ledger rewrite and a stage change emit, the retry schedule, the failing rule,
/// and which targets are refused.
@Suite struct EventRuleTests {
    static func day(_ n: Int) -> Date { date(n) }
    func day(_ n: Int) -> Date { Self.date(n) }
    static func date(_ n: Int) -> Date { Date(timeIntervalSince1970: 1_767_225_600 + Double(n) * 86_400) }  // 2026-01-01 + n days

    let won = Self.date(10)
    let paid = Self.date(12)
    let now = Self.date(100)

    func movement(_ kind: MovementKind, _ at: Date, _ from: Int, _ to: Int) -> Movement {
        Movement(kind: kind, at: at, amount: to - from, from: from, to: to)
    }

    @Test func theSecondDoorBooksTheFirstMovementAndMakesACustomer() {
        let before = LedgerState(wonAt: won, paidAt: nil, movements: [])
        let after = LedgerState(wonAt: won, paidAt: paid, movements: [movement(.new, paid, 0, 50_000)])
        #expect(
            RevenueEvent.due(after, emitted: before.emitted(asOf: now), now: now).events == [
                .mrr(movement(.new, paid, 0, 50_000), booked: true),
                .stage(.accountBecameCustomer, at: paid, previous: .pendingPayment),
            ]
        )
    }

    @Test func anEarlierPaymentMovesOnlyPastTimes_reversingAndBookingButNoStageEvent() {
        let before = LedgerState(wonAt: won, paidAt: paid, movements: [movement(.new, paid, 0, 50_000)])
        let after = LedgerState(wonAt: won, paidAt: day(11), movements: [movement(.new, day(11), 0, 50_000)])
        let events = RevenueEvent.due(after, emitted: before.emitted(asOf: now), now: now).events
        #expect(events == [.mrr(movement(.new, paid, 0, 50_000), booked: false), .mrr(movement(.new, day(11), 0, 50_000), booked: true)])
        // Σ booked − Σ reversed = the MRR the rewrite added: none.
        let net = events.reduce(0) { sum, event in
            guard case .mrr(let movement, let booked) = event else { return sum }
            return sum + (booked ? movement.amount : -movement.amount)
        }
        #expect(net == 0)
    }

    @Test func aFutureMovementIsNotEmittedByTheWrite() {
        let before = LedgerState(wonAt: won, paidAt: paid, movements: [movement(.new, paid, 0, 50_000)])
        let after = LedgerState(wonAt: won, paidAt: paid, movements: [movement(.new, paid, 0, 50_000), movement(.churn, day(120), 50_000, 0)])
        #expect(RevenueEvent.due(after, emitted: before.emitted(asOf: now), now: now).events.isEmpty)
        // At the churn's own instant it would be.
        #expect(RevenueEvent.due(after, emitted: before.emitted(asOf: day(120)), now: day(120)).events.count == 2)
    }

    @Test func theClockBooksAFutureChurnWhenItsTimeComes_andAWriteAfterItSaysNothingAgain() {
        let ledger = LedgerState(wonAt: won, paidAt: paid, movements: [movement(.new, paid, 0, 50_000), movement(.churn, day(120), 50_000, 0)])
        let written = RevenueEvent.due(ledger, emitted: EmittedRevenue(stage: .pendingPayment, movements: []), now: now)
        #expect(
            written.events == [
                .mrr(movement(.new, paid, 0, 50_000), booked: true), .stage(.accountBecameCustomer, at: paid, previous: .pendingPayment),
            ]
        )
        let clock = RevenueEvent.due(ledger, emitted: written.emitted, now: day(121))
        #expect(
            clock.events == [.mrr(movement(.churn, day(120), 50_000, 0), booked: true), .stage(.accountChurned, at: day(120), previous: .customer)]
        )
        #expect(RevenueEvent.due(ledger, emitted: clock.emitted, now: day(130)).events.isEmpty)
    }

    @Test func churnAndReactivationFollowTheStageNow() {
        let customer = LedgerState(wonAt: won, paidAt: paid, movements: [movement(.new, paid, 0, 50_000)])
        let churned = LedgerState(wonAt: won, paidAt: paid, movements: customer.movements + [movement(.churn, day(40), 50_000, 0)])
        let back = LedgerState(wonAt: won, paidAt: paid, movements: churned.movements + [movement(.reactivation, day(60), 0, 20_000)])
        #expect(
            RevenueEvent.due(churned, emitted: customer.emitted(asOf: now), now: now).events == [
                .mrr(movement(.churn, day(40), 50_000, 0), booked: true), .stage(.accountChurned, at: day(40), previous: .customer),
            ]
        )
        #expect(
            RevenueEvent.due(back, emitted: churned.emitted(asOf: now), now: now).events == [
                .mrr(movement(.reactivation, day(60), 0, 20_000), booked: true), .stage(.accountReactivated, at: day(60), previous: .churned),
            ]
        )
    }

    @Test func aBackfilledCustomerWhoAlreadyLeftBecomesACustomerAndChurns() {
        let before = LedgerState(wonAt: won, paidAt: nil, movements: [])
        let after = LedgerState(wonAt: won, paidAt: paid, movements: [movement(.new, paid, 0, 50_000), movement(.churn, day(40), 50_000, 0)])
        let stages = RevenueEvent.due(after, emitted: before.emitted(asOf: now), now: now).events.filter {
            if case .stage = $0 { true } else { false }
        }
        #expect(
            stages == [
                .stage(.accountBecameCustomer, at: paid, previous: .pendingPayment), .stage(.accountChurned, at: day(40), previous: .pendingPayment),
            ]
        )
    }

    @Test func aStageChangeJoinsTheHistory_aRepeatDoesNot_andTheFirstClosedWonIsAWin() {
        let created = StageHistory(changes: [StageChange(stage: .prospecting, at: day(1))])
        let moved = StageHistory(changes: [StageChange(stage: .prospecting, at: day(1)), StageChange(stage: .proposal, at: day(5))])
        let repeated = StageHistory(
            changes: moved.transitions.map { StageChange(stage: $0.to, at: $0.at) } + [StageChange(stage: .proposal, at: day(6))]
        )
        let wonHistory = StageHistory(
            changes: moved.transitions.map { StageChange(stage: $0.to, at: $0.at) } + [StageChange(stage: .closedWon, at: day(9))]
        )
        #expect(StageEvents.between(StageHistory(changes: []), created).isEmpty)
        #expect(StageEvents.between(created, moved).map(\.type) == [.opportunityStageChanged])
        #expect(StageEvents.between(moved, repeated).isEmpty)
        let won = StageEvents.between(moved, wonHistory)
        #expect(won.map(\.type) == [.opportunityStageChanged, .opportunityClosedWon])
        #expect(won.map(\.transition.from) == [.proposal, .proposal])
        // A deal created already won is a win, not a stage change.
        #expect(
            StageEvents.between(StageHistory(changes: []), StageHistory(changes: [StageChange(stage: .closedWon, at: day(2))])).map(\.type) == [
                .opportunityClosedWon
            ]
        )
    }

    @Test func retriesWaitTheScheduleThenGiveUp() {
        let schedule = DeliverySchedule()
        let start = day(0)
        let waits = (1...7).map { schedule.nextAttempt(afterFailures: $0, at: start)!.timeIntervalSince(start) }
        #expect(waits == [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000])
        let total: TimeInterval = waits.reduce(0, +)
        #expect(total == 99_305, "27 h 35 min (and the first 5 s)")
        #expect(schedule.nextAttempt(afterFailures: 8, at: start) == nil)
        let scaled = DeliverySchedule(scale: 0.0001)
        let second: TimeInterval = scaled.nextAttempt(afterFailures: 2, at: start)!.timeIntervalSince(start)
        #expect(abs(second - 0.03) < 1e-6)
    }

    @Test func anEndpointFailingForThreeDaysIsDisabled() {
        let schedule = DeliverySchedule()
        let since = day(0)
        #expect(!schedule.disables(failingSince: since, failureAt: since.addingTimeInterval(3 * 86_400 - 1)))
        #expect(schedule.disables(failingSince: since, failureAt: since.addingTimeInterval(3 * 86_400)))
    }

    @Test(arguments: [
        ("http://127.0.0.1/x", false), ("https://10.1.2.3/", false), ("http://172.16.0.1", false), ("http://172.32.0.1", true),
        ("http://192.168.1.1", false), ("http://169.254.169.254/latest", false), ("http://100.64.0.1", false), ("http://100.128.0.1", true),
        ("http://0.0.0.0", false), ("http://224.0.0.1", false), ("http://[::1]/", false), ("http://[fe80::1]/", false), ("http://[fd00::1]/", false),
        ("http://[::ffff:127.0.0.1]/", false), ("http://[2606:4700::1111]/", true), ("http://localhost:8080/", false),
        ("http://api.localhost/", false), ("https://hooks.example.com/tenure", true), ("http://8.8.8.8/", true),
    ])
    func privateTargetsAreRefused(url: String, allowed: Bool) {
        #expect((DeliveryTarget.problem(with: url, allowPrivate: false) == nil) == allowed, "\(url)")
        #expect(DeliveryTarget.problem(with: url, allowPrivate: true) == nil, "\(url)")
    }

    @Test(arguments: [
        "ftp://example.com/", "example.com/hook", "https://user:pw@example.com/", "https://" + String(repeating: "a", count: 2_040) + ".com",
        "http:///x",
    ])
    func badURLsAreRefusedEvenWhenPrivateTargetsAreAllowed(url: String) {
        #expect(DeliveryTarget.problem(with: url, allowPrivate: true) != nil, "\(url)")
    }
}
