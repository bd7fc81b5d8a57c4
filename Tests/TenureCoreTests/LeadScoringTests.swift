import Foundation
import TenureCore
import Testing

/// `LEADS.md`, "Scoring": the worked example at every instant it names, each window's edges, absence after creation,
/// the MQL instant, url patterns and routing's round robin.
@Suite struct LeadScoringTests {
    static func at(_ text: String) -> Date { Timestamp.parseInstantOrDate(text) ?? .distantPast }

    static func lead(title: String? = "VP Marketing", segment: Segment? = .midMarket, created: String = "2026-08-01T00:00:00Z") -> Lead {
        var lead = Lead(id: "lead_1", name: "Wren Okafor", email: "wren@lumen.example", status: .new, createdAt: at(created))
        lead.title = title
        lead.role = ContactRole.derived(fromTitle: title)
        lead.segment = segment
        return lead
    }

    static func event(_ type: EngagementType, _ occurred: String, url: String? = nil, asset: String? = nil) -> ScoredEvent {
        ScoredEvent(type: type, occurredAt: at(occurred), path: url.map(URLPattern.path(of:)), asset: asset)
    }

    /// The chapter's events, in no particular order.
    static let example: [ScoredEvent] = [
        event(.emailOpened, "2026-09-29T09:00:00Z"),
        event(.contentDownload, "2026-08-15T12:00:00Z", asset: "Case_Study"),
        event(.pageView, "2026-09-23T10:00:00Z", url: "https://lumen.example/Pricing?plan=team"),
        event(.emailOpened, "2026-09-28T09:00:00Z"),
        event(.emailOpened, "2026-09-30T08:00:00Z"),
        event(.pageView, "2026-09-29T11:00:00Z", url: "https://lumen.example/blog/pricing-tips"),
    ]

    @Test(arguments: [
        ("2026-08-01T00:00:00Z", 25),
        ("2026-08-15T12:00:00Z", 40),
        ("2026-09-23T09:59:59Z", 40),
        ("2026-09-23T10:00:00Z", 65),
        ("2026-09-30T07:59:59Z", 65),
        ("2026-09-30T08:00:00Z", 75),
        ("2026-09-30T09:59:59Z", 75),
        ("2026-09-30T10:00:00Z", 50),
        ("2026-09-30T23:59:59Z", 50),
        ("2026-10-01T00:00:00Z", 40),
    ])
    func theWorkedExample(asOf: String, score: Int) {
        let result = LeadScoringSettings.defaults.score(Self.lead(), events: Self.example, asOf: Self.at(asOf))
        #expect(result.score == score, "\(asOf)")
        #expect(result.fitScore == 25)
        #expect(result.mqlAt == (Self.at(asOf) >= Self.at("2026-09-23T10:00:00Z") ? Self.at("2026-09-23T10:00:00Z") : nil), "\(asOf)")
    }

    @Test func firedRulesExplainTheScore_fitFirstInTheSettingsOrder() {
        let result = LeadScoringSettings.defaults.score(Self.lead(), events: Self.example, asOf: Self.at("2026-09-30T09:59:59Z"))
        #expect(result.fired.map(\.key) == ["executive", "target_segment", "pricing_page", "case_study", "emails_this_month"])
        #expect(result.fired.map(\.kind) == [.fit, .fit, .behavior, .behavior, .behavior])
        #expect(result.fired.map(\.count) == [nil, nil, 1, 1, 3])
        #expect(result.fired.map(\.points).reduce(0, +) == result.score)
    }

    @Test(arguments: [("2026-09-30T09:59:59Z", 20, false), ("2026-09-30T10:00:00Z", 0, true)])
    func onlyAWebinar_thenSixtyDaysOfNothing(asOf: String, score: Int, inactive: Bool) {
        let lead = Self.lead(title: "Analyst", segment: .smb)
        let events = [Self.event(.webinarAttended, "2026-08-01T10:00:00Z")]
        let result = LeadScoringSettings.defaults.score(lead, events: events, asOf: Self.at(asOf))
        #expect(result.score == score)
        #expect(result.fired.contains { $0.key == "inactive_60d" } == inactive)
    }

    @Test(arguments: [
        ("2026-09-29T23:59:59Z", false),  // created less than 60 days before: absence not judged yet
        ("2026-09-30T00:00:00Z", true),  // created exactly 60 days before
    ])
    func absenceIsJudgedOnlyOverAWindowAfterCreation(asOf: String, fires: Bool) {
        let lead = Self.lead(title: nil, segment: nil)
        let result = LeadScoringSettings.defaults.score(lead, events: [], asOf: Self.at(asOf))
        #expect(result.score == (fires ? -20 : 0), "\(asOf)")
    }

    @Test(arguments: [
        ("2026-09-30T12:00:00Z", true),  // 7 days minus 2 hours after the view
        ("2026-10-07T09:59:59Z", true),
        ("2026-10-07T10:00:00Z", false),  // exactly 7 days: out of (as_of − 7 d, as_of]
        ("2026-09-30T09:59:59Z", false),  // before the view
    ])
    func theSevenDayWindow_atItsEdges(asOf: String, fires: Bool) {
        let events = [Self.event(.pageView, "2026-09-30T10:00:00Z", url: "/pricing/enterprise")]
        let result = LeadScoringSettings.defaults.score(Self.lead(), events: events, asOf: Self.at(asOf))
        #expect(result.fired.contains { $0.key == "pricing_page" } == fires, "\(asOf)")
    }

    @Test func theMonthWindowStartsAtTheMonthsFirstInstant() {
        let events = [
            Self.event(.emailOpened, "2026-10-31T23:59:59Z"), Self.event(.emailOpened, "2026-11-01T00:00:00Z"),
            Self.event(.emailOpened, "2026-11-02T00:00:00Z"), Self.event(.emailOpened, "2026-11-03T00:00:00Z"),
        ]
        let settings = LeadScoringSettings.defaults
        #expect(settings.score(Self.lead(), events: events, asOf: Self.at("2026-11-03T00:00:00Z")).fired.contains { $0.key == "emails_this_month" })
        #expect(!settings.score(Self.lead(), events: events, asOf: Self.at("2026-11-02T23:59:59Z")).fired.contains { $0.key == "emails_this_month" })
    }

    @Test func theMQLInstantIsTheFirstChangeThatReachesTheThreshold_evenIfTheScoreFallsAgain() {
        let result = LeadScoringSettings.defaults.score(Self.lead(), events: Self.example, asOf: Self.at("2026-12-01T00:00:00Z"))
        #expect(result.score < 50)
        #expect(result.mqlAt == Self.at("2026-09-23T10:00:00Z"))
        #expect(result.mql)
        let keys = LeadScoringSettings.defaults.firedKeys(Self.lead(), events: Self.example, upTo: Self.at("2026-12-01T00:00:00Z"))
        #expect(keys == ["executive", "target_segment", "pricing_page", "case_study", "emails_this_month", "inactive_60d"])
    }

    @Test(arguments: [
        ("/pricing*", "https://x.io/Pricing?p=1", true),
        ("/pricing*", "https://x.io/blog/pricing-tips", false),
        ("/pricing*", "http://x.io:8080/pricing#plans", true),
        ("/pricing", "https://x.io/pricing/team", false),
        ("*/case-*", "https://x.io/resources/case-acme", true),
        ("/a*b*c", "/abc", true),
        ("/a*b*c", "/acb", false),
        ("/ab*ba", "/aba", false),
        ("/", "https://x.io", true),
    ])
    func urlPatternsMatchTheWholePath(pattern: String, url: String, matches: Bool) {
        #expect(URLPattern(pattern).matches(path: URLPattern.path(of: url)) == matches)
    }

    @Test func roundRobinTakesThePoolInTurn_andAPutKeepsItOnlyForTheSameNameAndPool() {
        let settings = LeadRoutingSettings(
            rules: [RoutingRule(name: "emea", when: RoutingCondition(lists: [.country: ["de", "fr"]]), assignee: .pool(["ana", "ben", "cy"]))],
            fallback: .owner("dana"),
            followUpHours: 2
        )
        var turns = RoundRobin()
        var german = Self.lead()
        german.country = "DE"
        let owners = (0..<4).map { _ in settings.route(german, score: 0, turns: &turns)?.owner }
        #expect(owners == ["ana", "ben", "cy", "ana"])
        let fallback = settings.route(Self.lead(), score: 0, turns: &turns)
        #expect(fallback?.owner == "dana" && fallback?.rule == "fallback")
        #expect(turns.kept(for: settings).counters["emea"]?.next == 4)
        var changed = settings
        changed.rules[0].assignee = .pool(["ana", "ben"])
        #expect(turns.kept(for: changed).counters["emea"] == nil)
    }
}
