import Foundation
import Logging
import TenureCore
import TenureServices
import TenureTestSupport
import Testing

@testable import TenurePersistence

/// The score a write judges from counts the database makes (`EngagementRecords.counts`) is the score the rules give from
/// the events themselves, at every window's edge: the one definition of a rule's count, kept in two places, agrees.
@Suite(.temporaryFolder) struct EngagementCountTests {
    static func at(_ text: String) -> Date { Timestamp.parseInstantOrDate(text) ?? .distantPast }

    @Test func databaseCountsGiveTheScoreTheEventsGive_atEveryEdge() async throws {
        let storage = try await SQLiteStorage(
            path: TemporaryFolder.path("counts.sqlite"),
            durability: .normal,
            migrate: true,
            logger: Logger(label: "test")
        )
        var lead = Lead(id: "lead_edges", name: "Edge Case", email: "edge@case.example", status: .new, createdAt: Self.at("2026-08-01T00:00:00Z"))
        lead.title = "VP Growth"
        lead.role = .executive
        let specs: [(EngagementType, String, String?, String?)] = [
            (.contentDownload, "2026-08-15T12:00:00Z", nil, "Case_Study"),
            (.pageView, "2026-09-23T10:00:00Z", "https://x.example/Pricing?plan=team", nil),
            (.pageView, "2026-09-29T11:00:00Z", "https://x.example/blog/pricing-tips", nil),
            (.emailOpened, "2026-09-28T09:00:00Z", nil, nil), (.emailOpened, "2026-09-29T09:00:00Z", nil, nil),
            (.emailOpened, "2026-09-30T08:00:00Z", nil, nil), (.webinarAttended, "2026-10-01T00:00:00Z", nil, nil),
        ]
        let events = specs.enumerated().map { index, spec in
            EngagementEvent(
                id: "eng_\(index)",
                type: spec.0,
                occurredAt: Self.at(spec.1),
                leadID: lead.id,
                contactID: nil,
                url: spec.2,
                asset: spec.3,
                createdAt: Self.at("2026-12-01T00:00:00Z")
            )
        }
        let stored = lead
        try await storage.write { tx in
            try await tx.leads.insert(stored)
            try await tx.engagement.insert(events)
        }
        let settings = LeadScoringSettings.defaults
        let instants = [
            "2026-08-01T00:00:00Z", "2026-08-15T11:59:59Z", "2026-08-15T12:00:00Z", "2026-09-23T09:59:59Z", "2026-09-23T10:00:00Z",
            "2026-09-30T07:59:59Z", "2026-09-30T08:00:00Z", "2026-09-30T09:59:59Z", "2026-09-30T10:00:00Z", "2026-09-30T23:59:59.999Z",
            "2026-10-01T00:00:00Z", "2026-11-30T00:00:00Z", "2026-11-30T00:00:00.001Z", "2026-12-01T00:00:00Z",
        ]
        for text in instants {
            let asOf = Self.at(text)
            let counts = try await storage.read { tx in
                try await tx.engagement.counts(leads: [stored.id], countedBy: settings.behaviorRules, asOf: asOf)
            }
            let fromCounts = settings.currentScore(stored, counts: counts[stored.id] ?? settings.behaviorRules.map { _ in 0 }, asOf: asOf)
            let fromEvents = settings.score(stored, events: events.map(ScoredEvent.init), asOf: asOf).score
            #expect(fromCounts == fromEvents, "\(text)")
        }
        await storage.close()
    }
}
