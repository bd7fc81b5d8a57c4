import Foundation
import TenureCore
import Testing

/// INSIGHTS.md, "Growth signals": each rule at the edges of its window, as the chapter's example says.
struct GrowthSignalTests {
    static func growth(_ inputs: HealthInputs, at asOf: String, settings: HealthSettings = .defaults) -> Set<RiskFlagCode> {
        Set(HealthEvaluation(inputs, asOf: date(asOf), settings: settings).flags.filter { $0.kind == .growth })
    }

    /// One record a day from `from` through `through`.
    static func usage(_ from: String, _ through: String, users: Int, seats: Int) -> [UsageRecord] {
        var records: [UsageRecord] = []
        var day = date(from)
        while day <= date(through) {
            records.append(UsageRecord(day: day, activeUsers: users, licensedSeats: seats))
            day = day.addingTimeInterval(86_400)
        }
        return records
    }

    @Test func expansionSeats_needsEveryOneOfTheThirtyDatesNearlyFull() {
        let full = Self.usage("2026-09-15", "2026-10-14", users: 45, seats: 50)
        #expect(Self.growth(healthInputs(usage: full), at: "2026-10-15").contains(.expansionSeats), "45 of 50 every date 09-15…10-14")
        let withShortDay = [UsageRecord(day: date("2026-09-14"), activeUsers: 44, licensedSeats: 50)] + full
        #expect(!Self.growth(healthInputs(usage: withShortDay), at: "2026-10-14").contains(.expansionSeats), "44 on 09-14")
        #expect(!Self.growth(healthInputs(usage: full), at: "2026-10-16").contains(.expansionSeats), "no record on 10-15")
        #expect(
            !Self.growth(healthInputs(usage: Self.usage("2026-09-15", "2026-10-14", users: 44, seats: 50)), at: "2026-10-15").contains(
                .expansionSeats
            )
        )
        #expect(
            !Self.growth(healthInputs(usage: Self.usage("2026-09-15", "2026-10-14", users: 0, seats: 0)), at: "2026-10-15").contains(.expansionSeats)
        )
        var lower = HealthSettings.defaults
        lower.growth.expansionSeatRatio = 0.8
        let most = Self.usage("2026-09-15", "2026-10-14", users: 40, seats: 50)
        #expect(Self.growth(healthInputs(usage: most), at: "2026-10-15", settings: lower).contains(.expansionSeats))
    }

    @Test func promoterExecutive_isAnExecutivesLatestNPSOfNineOrTen_inTheLast90Days() {
        func inputs(_ responses: [(String, Int, String)]) -> HealthInputs {
            var inputs = healthInputs(surveys: responses.map { SurveyResponse(kind: .nps, score: $0.1, contactID: $0.0, at: date($0.2)) })
            inputs.executiveContactIDs = ["con_exec"]
            return inputs
        }
        let nine = inputs([("con_exec", 9, "2026-07-20T10:00:00Z")])
        #expect(Self.growth(nine, at: "2026-07-20T10:00:00Z").contains(.promoterExecutive))
        #expect(Self.growth(nine, at: "2026-10-18T09:59:59Z").contains(.promoterExecutive))
        #expect(!Self.growth(nine, at: "2026-10-18T10:00:00Z").contains(.promoterExecutive), "90 days later it has ended")
        #expect(!Self.growth(nine, at: "2026-07-20T09:59:59Z").contains(.promoterExecutive), "not before it was given")
        let changed = inputs([("con_exec", 10, "2026-07-01"), ("con_exec", 6, "2026-07-10")])
        #expect(!Self.growth(changed, at: "2026-07-15").contains(.promoterExecutive), "the latest is a 6")
        #expect(!Self.growth(inputs([("con_user", 10, "2026-07-01")]), at: "2026-07-15").contains(.promoterExecutive), "a user's")
    }

    @Test func usageGrowth_isAQuarterMoreUsersThanTheThirtyDatesBefore() {
        let usage = Self.usage("2026-08-16", "2026-09-14", users: 20, seats: 100) + Self.usage("2026-09-15", "2026-10-14", users: 25, seats: 100)
        #expect(Self.growth(healthInputs(usage: usage), at: "2026-10-15").contains(.usageGrowth))
        #expect(!Self.growth(healthInputs(usage: usage), at: "2026-10-14").contains(.usageGrowth), "09-14's 20 is in the window")
        let fromNothing = Self.usage("2026-08-16", "2026-09-14", users: 0, seats: 100) + Self.usage("2026-09-15", "2026-10-14", users: 25, seats: 100)
        #expect(!Self.growth(healthInputs(usage: fromNothing), at: "2026-10-15").contains(.usageGrowth), "from no users: no ratio")
    }

    @Test func growthSignalsAreInfo_andTheirBuiltInPlaybooksWriteNoTask() {
        for code in RiskFlagCode.allCases where code.kind == .growth {
            #expect(code.severity == .info)
            #expect(!Playbook.builtIn(code).enabled)
        }
        #expect(RiskFlagCode.risks.allSatisfy { Playbook.builtIn($0).enabled })
    }
}
