import Foundation
import TenureCore
import Testing

/// `METRICS.md`, Cohorts, on the worked example plus C: 5000 from 2026-01-20, contracting to 3000 on 2026-03-01, and D:
/// 4000 from 2026-04-10, churning on 2026-04-25 (joined and gone within its own month).
@Suite struct CohortTests {
    let ledger: RevenueLedger = {
        func account(_ steps: [(String, Int)]) -> [Movement] {
            AccountRevenueFacts(
                wonAt: date(steps[0].0),
                paidAt: date(steps[0].0),
                streams: [Steps(steps: steps.map { (date($0.0), $0.1) })]
            ).movements
        }
        return RevenueLedger(movements: [
            "A": account([("2026-01-10", 10000), ("2026-02-05", 15000), ("2026-03-15", 0), ("2026-04-02", 10000)]),
            "B": account([("2026-02-20", 20000)]),
            "C": account([("2026-01-20", 5000), ("2026-03-01", 3000)]),
            "D": account([("2026-04-10", 4000), ("2026-04-25", 0)]),
        ])
    }()
    let asOf = date("2026-05-15T12:00:00Z")

    @Test func logoRetentionIsTheShareStillPayingAtEachMonthEnd() {
        let cohorts = ledger.cohorts(from: CalendarMonth("2026-01")!, to: CalendarMonth("2026-06")!, basis: .logo, asOf: asOf)
        #expect(cohorts.map(\.month.description) == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"], "months after as_of are omitted")
        #expect(cohorts.map(\.size) == [2, 1, 0, 1, 0])
        // January (A, C): both pay at the end of Jan and Feb; A has churned at the end of March, reactivated by April.
        #expect(cohorts[0].values == [1, 1, 0.5, 1])
        #expect(cohorts[1].values == [1, 1, 1])
        #expect(cohorts[2].values == [nil, nil], "an empty cohort has no rate")
        #expect(cohorts[3].values == [0], "D joined and churned within April")
        #expect(cohorts[4].values == [], "May has not ended at as_of")
    }

    @Test func revenueRetentionComparesWithTheFirstMonthEnd() {
        let cohorts = ledger.cohorts(from: CalendarMonth("2026-01")!, to: CalendarMonth("2026-04")!, basis: .revenue, asOf: asOf)
        // January's MRR: 15000 at the end of January, 20000 (15000 + 5000) at the end of February, 3000, then 13000.
        #expect(cohorts[0].values == [1, 20000.0 / 15000.0, 3000.0 / 15000.0, 13000.0 / 15000.0])
        #expect(cohorts[1].values == [1, 1, 1])
        #expect(cohorts[3].values == [nil], "April's cohort had no MRR at the end of April")
    }

    @Test func aMonthEndsJustBeforeTheNextBegins() {
        // As of 2026-03-01T00:00Z February has just ended: January's cohort has two values, C's contraction at exactly
        // 2026-03-01 is not part of February's end.
        let cohorts = ledger.cohorts(from: CalendarMonth("2026-01")!, to: CalendarMonth("2026-01")!, basis: .revenue, asOf: date("2026-03-01"))
        #expect(cohorts.map(\.values) == [[1, 20000.0 / 15000.0]])
    }
}
