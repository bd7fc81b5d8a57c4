import Foundation
import TenureCore
import Testing

/// Cases as of an instant and `METRICS.md`'s support metrics over a hand-built week.
@Suite struct SupportMetricsTests {
    func supportCase(
        _ priority: CasePriority,
        opened: String,
        response: String? = nil,
        transitions: [(CaseStatus, String)] = []
    ) -> SupportCase {
        SupportCase(
            id: "case_\(opened)",
            accountID: "acc",
            subject: "s",
            priority: priority,
            openedAt: date(opened),
            contactID: nil,
            externalID: nil,
            firstResponseAt: response.map(date),
            transitions: transitions.map { CaseTransition(to: $0.0, at: date($0.1)) },
            createdAt: date(opened)
        )
    }

    @Test func aCaseIsReadAsOfAnInstant() {
        let item = supportCase(
            .high,
            opened: "2026-03-01T10:00:00Z",
            response: "2026-03-01T13:00:00Z",
            transitions: [(.resolved, "2026-03-02T00:00:00Z"), (.open, "2026-03-03T00:00:00Z"), (.resolved, "2026-03-04T00:00:00Z")]
        )
        #expect(item.status(at: date("2026-03-01T12:00:00Z")) == .open)
        #expect(item.firstResponse(asOf: date("2026-03-01T12:00:00Z")) == nil)
        #expect(item.resolvedAt(asOf: date("2026-03-02T12:00:00Z")) == date("2026-03-02"))
        #expect(item.status(at: date("2026-03-03T12:00:00Z")) == .open)
        #expect(item.resolvedAt(asOf: date("2026-03-05")) == date("2026-03-04"))
        #expect(!item.breached(.defaults, asOf: date("2026-03-05")), "answered after 3 h of a 4 h target")
        #expect(supportCase(.high, opened: "2026-03-01T10:00:00Z", response: "2026-03-01T14:01:00Z").breached(.defaults, asOf: date("2026-03-05")))
        let unanswered = supportCase(.urgent, opened: "2026-03-01T10:00:00Z")
        #expect(!unanswered.breached(.defaults, asOf: date("2026-03-01T11:00:00Z")), "due at 11:00, not late yet")
        #expect(unanswered.breached(.defaults, asOf: date("2026-03-01T11:00:01Z")))
    }

    @Test func theWeekOfCases() {
        let cases = [
            // Opened in the window, answered in 2 h (8 h target), resolved the same day after 5 h.
            supportCase(
                .normal,
                opened: "2026-03-02T09:00:00Z",
                response: "2026-03-02T11:00:00Z",
                transitions: [(.resolved, "2026-03-02T14:00:00Z")]
            ),
            // Answered 1 h 30 m after opening against a 1 h target: breached; resolved the next day (24 h), reopened after the window.
            supportCase(
                .urgent,
                opened: "2026-03-03T12:00:00Z",
                response: "2026-03-03T13:30:00Z",
                transitions: [(.resolved, "2026-03-04T12:00:00Z"), (.open, "2026-03-10T00:00:00Z")]
            ),
            // Unanswered low case, target 24 h passed by as_of: judged and breached.
            supportCase(.low, opened: "2026-03-05T00:00:00Z"),
            // Unanswered high case whose 4 h target has not come by as_of: not judged.
            supportCase(.high, opened: "2026-03-08T22:00:00Z"),
            // Opened before the window, resolved in it after 48 h.
            supportCase(
                .normal,
                opened: "2026-02-27T00:00:00Z",
                response: "2026-02-27T01:00:00Z",
                transitions: [(.resolved, "2026-03-01T00:00:00Z")]
            ),
            // Opened after as_of: unknown yet.
            supportCase(.low, opened: "2026-03-09T12:00:00Z"),
        ]
        let metrics = SupportMetrics(cases: cases, from: date("2026-03-01"), to: date("2026-03-10"), asOf: date("2026-03-09"), targets: .defaults)
        #expect(metrics.casesOpened == 4)
        #expect(metrics.casesResolved == 3, "the urgent case is still resolved as of 2026-03-09")
        #expect(metrics.resolvedSameDay == 1)
        #expect(metrics.avgFirstResponseHours == 1.75)  // (2 + 1.5) ÷ 2
        #expect(metrics.avgResolutionHours == (5 + 24 + 48) / 3.0)
        #expect(metrics.slaComplianceRate == 1.0 / 3)  // judged: normal (ok), urgent (late), low (late)
        let later = SupportMetrics(cases: cases, from: date("2026-03-01"), to: date("2026-03-10"), asOf: date("2026-03-11"), targets: .defaults)
        #expect(later.casesResolved == 2, "reopened on 2026-03-10, so not finally resolved in the window")
        let empty = SupportMetrics(cases: [], from: date("2026-03-01"), to: date("2026-03-10"), asOf: date("2026-03-09"), targets: .defaults)
        #expect(empty.avgFirstResponseHours == nil && empty.slaComplianceRate == nil && empty.casesOpened == 0)
    }

    @Test func targetsAreValidatedWhole() throws {
        #expect(try SupportTargets.validated(["urgent": 1, "high": 4, "normal": 8, "low": 24]) == .defaults)
        #expect(throws: ValidationError.self) { try SupportTargets.validated(["urgent": 0, "high": 4, "normal": 8, "low": 24]) }
        #expect(throws: ValidationError.self) { try SupportTargets.validated(["urgent": 1]) }
        #expect(throws: ValidationError.self) { try SupportTargets.validated(nil) }
    }
}
