import Foundation
import TenureCore
import Testing

@Suite struct RevenueWorkedExampleTests {
    /// `METRICS.md`, Worked example: account A 10000 (Jan 10) → 15000 (Feb 5) → 0 (Mar 15) → 10000 (Apr 2); B 20000 (Feb 20).
    static let movements: [String: [Movement]] = {
        let a = AccountRevenueFacts(
            wonAt: date("2026-01-01"),
            paidAt: date("2026-01-10"),
            streams: [Steps(steps: [(date("2026-01-10"), 10000), (date("2026-02-05"), 15000), (date("2026-03-15"), 0), (date("2026-04-02"), 10000)])]
        )
        let b = AccountRevenueFacts(wonAt: date("2026-02-20"), paidAt: date("2026-02-01"), streams: [Steps(steps: [(date("2026-02-01"), 20000)])])
        return ["A": a.movements, "B": b.movements]
    }()
    let ledger = RevenueLedger(movements: Self.movements)

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
        #expect(Self.movements["A"]?.map(\.kind) == [.new, .expansion, .churn, .reactivation])
        #expect(Self.movements["B"]?.map(\.kind) == [.new])
        #expect(Self.movements["B"]?.first?.at == date("2026-02-20"), "revenue counts from the conversion on")
    }

    @Test func periodsAfterAsOfAreOmittedAndTheOpenOneIsPartial() {
        let rows = ledger.series(from: CalendarMonth("2026-01")!, to: CalendarMonth("2026-12")!, interval: .month, asOf: date("2026-03-20T12:00:00Z"))
        #expect(rows.map(\.period) == ["2026-01", "2026-02", "2026-03"])
        #expect(rows.map(\.partial) == [false, false, true])
        #expect(rows[2].mrrEnd == 20000)
    }
}
