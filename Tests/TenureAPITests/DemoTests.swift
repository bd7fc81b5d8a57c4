import Foundation
import Logging
import TenureCore
import TenureDemo
import TenurePersistence
import TenureServices
import TenureTestSupport
import Testing

/// `tenure demo`: the same company for the same seed, every event accepted, and data for every part of the dashboard.
@Suite(.temporaryFolder) struct DemoTests {
    static let now = Timestamp.parseInstantOrDate("2026-11-20T09:00:00Z")!

    static func load(seed: UInt64, accounts: Int = 60, on backend: TestDatabase.Backend = TestDatabase.backend) async throws -> TestDatabase {
        let database = TestDatabase.fresh(on: backend)
        let storage = try await database.openStorage(logger: Logger(label: "test"))
        do {
            let services = Services(storage: storage, clock: Clock { now }, currency: "usd")
            let tally = try await DemoCompany(services: services, seed: seed).load(accounts: accounts)
            #expect(tally.accounts == accounts && tally.won > 0 && tally.stripeEvents > 0 && tally.crmEvents == tally.won)
            #expect(tally.usageRecords > 0 && tally.cases > 0 && tally.surveys > 0 && tally.evaluations > 0 && tally.activities > 0)
            #expect(tally.leads > 0 && tally.engagement > tally.leads)
            let marked = try await storage.read { tx in try await tx.settings.value("crm_contract_blocks_applied") }
            #expect(marked != nil, "a server's first start on the demo has no stored contract blocks to reapply")
            let again = await #expect(throws: (any Error).self) { try await DemoCompany(services: services, seed: seed).load(accounts: 1) }
            #expect("\(again.map { "\($0)" } ?? "")".contains("already has accounts"))
        } catch {
            await storage.close()
            throw error
        }
        await storage.close()
        return database
    }

    /// The numbers a dashboard shows, as of the demo's `now`, and the lists of accounts, customers and their health, each
    /// item on a line of its own in text order: the demo loads accounts concurrently, so their insertion order (which
    /// lists follow) is not the seed's.
    static func figures(_ database: TestDatabase, withKeys: Bool = true) async throws -> [String] {
        try await TestApp.run(arguments: TestArguments(database: database), withKeys: withKeys) { app in
            let asOf = "as_of=2026-11-20T09:00:00Z"
            var figures: [String] = []
            for path in [
                "/v1/metrics/summary?\(asOf)", "/v1/metrics/cohorts?\(asOf)", "/v1/metrics/revenue?from=2024-11&to=2026-11&\(asOf)",
                "/v1/metrics/pipeline?to=2026-11-20T09:00:00Z", "/v1/renewals?\(asOf)", "/v1/metrics/support?to=2026-11-20T09:00:00Z",
                "/v1/accounts?limit=500&\(asOf)", "/v1/customers?limit=500&\(asOf)", "/v1/health?limit=500&\(asOf)",
            ] {
                let reply = try await app.send(.get, path)
                try #require(reply.status == .ok, "\(path): \(reply.text)")
                let ids = #""[a-z_]*id":"[a-z]+_[0-9a-z]+""#
                if ["/v1/accounts", "/v1/customers", "/v1/health?"].contains(where: path.hasPrefix) {
                    let items = try reply.data.map {
                        String(decoding: try JSONSerialization.data(withJSONObject: $0, options: .sortedKeys), as: UTF8.self)
                    }
                    figures.append(
                        items.map { $0.replacingOccurrences(of: ids, with: "", options: .regularExpression) }.sorted().joined(separator: "\n")
                    )
                } else {
                    figures.append(reply.text.replacingOccurrences(of: ids, with: "", options: .regularExpression))
                }
            }
            return figures
        }
    }

    /// `SCALE.md` rule 1: the same requests give byte-identical JSON on both backends (ids aside).
    @Test(.enabled(if: TestDatabase.postgresIsAvailable)) func theSameCompanyAnswersTheSameOnSQLiteAndPostgreSQL() async throws {
        let sqlite = try await Self.figures(try await Self.load(seed: 11, on: .sqlite))
        let postgres = try await Self.figures(try await Self.load(seed: 11, on: .postgres))
        for (one, other) in zip(sqlite, postgres) where one != other {
            let same = zip(one, other).prefix { $0 == $1 }.count
            Issue.record("differs: \(one.dropFirst(max(0, same - 200)).prefix(400)) … \(other.dropFirst(max(0, same - 200)).prefix(400))")
        }
        #expect(sqlite.count == postgres.count && !sqlite.isEmpty)
    }

    @Test func theSameSeedGivesTheSameCompanyAndEveryPartHasData() async throws {
        let first = try await Self.load(seed: 7)
        let second = try await Self.load(seed: 7)
        let figures = try await Self.figures(first)
        let again = try await Self.figures(second)
        for (one, other) in zip(figures, again) where one != other {
            let same = zip(one, other).prefix { $0 == $1 }.count
            Issue.record("differs: \(one.dropFirst(max(0, same - 200)).prefix(400)) … \(other.dropFirst(max(0, same - 200)).prefix(400))")
        }
        #expect(try await Self.figures(try await Self.load(seed: 8)) != figures, "another seed, another company")

        try await TestApp.run(arguments: TestArguments(database: first), withKeys: false) { app in
            let failed = try await app.send(.get, "/v1/webhook-events?status=failed").data.count
            let pending = try await app.send(.get, "/v1/webhook-events?status=pending").data.count
            #expect(failed == 0 && pending == 0, "every CRM and Stripe event was applied")
            let summary = try await app.send(.get, "/v1/metrics/summary").json
            #expect((summary["mrr"] as? Int ?? 0) > 0 && (summary["customers"] as? Int ?? 0) > 0 && (summary["open_pipeline_value"] as? Int ?? 0) > 0)
            #expect(
                summary["win_rate"] as? Double != nil && summary["avg_first_response_hours"] as? Double != nil && summary["ltv"] as? Double != nil
            )
            let health = try #require(summary["health"] as? [String: Int])
            #expect((health["green"] ?? 0) > 0 && (health["yellow"] ?? 0) + (health["red"] ?? 0) > 0 && health["unscored"] == 0)
            let rows = try await app.send(.get, "/v1/metrics/revenue?from=2024-11&to=2026-11").data
            let sum = { (field: String) in rows.reduce(0) { $0 + ($1[field] as? Int ?? 0) } }
            #expect(sum("new") > 0 && sum("expansion") > 0 && sum("contraction") < 0 && sum("churn") < 0 && sum("reactivation") > 0)
            for row in rows {
                let movements = ["new", "expansion", "reactivation", "contraction", "churn"].reduce(0) { $0 + (row[$1] as? Int ?? 0) }
                #expect((row["mrr_start"] as? Int ?? 0) + movements == row["mrr_end"] as? Int)
            }
            #expect(try await app.send(.get, "/v1/renewals").data.count > 0)
            #expect(try await app.send(.get, "/v1/risks").data.count > 0)
            #expect(try await app.send(.get, "/v1/tasks?status=open").data.count > 0)
            // A live funnel: leads from every channel, MQLs, deals, won and paying customers, spend and CAC.
            let funnel = try await app.send(.get, "/v1/metrics/funnel?from=2025-11-01T00:00:00Z&to=2026-11-20T00:00:00Z").json
            let total = try #require(funnel["total"] as? [String: Any])
            #expect((total["leads"] as? Int ?? 0) > 0 && (total["mqls"] as? Int ?? 0) > 0 && (total["sqls"] as? Int ?? 0) > 0)
            #expect((total["customers"] as? Int ?? 0) > 0 && total["cac"] as? Double != nil, "\(total)")
            #expect(try await app.send(.get, "/v1/leads?sort=-score&limit=5").data.count == 5)
            // The leads page's inbox: the open leads, best first.
            let inbox = try await app.send(.get, "/v1/leads?status=new,working&status=qualified&sort=-score&limit=500").data
            let scores = inbox.compactMap { $0["score"] as? Int }
            #expect(!inbox.isEmpty && scores == scores.sorted(by: >))
            #expect(Set(inbox.compactMap { $0["status"] as? String }).isSubset(of: ["new", "working", "qualified"]))
            var byStatus = 0
            for status in ["new", "working", "qualified"] { byStatus += try await app.send(.get, "/v1/leads?status=\(status)&limit=500").data.count }
            #expect(inbox.count == byStatus)
            #expect(try await app.send(.get, "/v1/leads?status=new,closed").errorFields == ["status"])
            let lift = try await app.send(.get, "/v1/metrics/lead-scoring?from=2025-11-01T00:00:00Z&to=2026-11-20T00:00:00Z").json
            #expect((lift["won"] as? Int ?? 0) > 0)
            let segment = try #require(try await app.send(.get, "/v1/segments").data.first?["id"] as? String)
            #expect(try await app.send(.get, "/v1/segments/\(segment)/members").status == .ok)
            // Insights: trials, churn reasons, targets, near-duplicates.
            let trials = try await app.send(.get, "/v1/metrics/trials?from=2024-01-01&to=2026-11-20").json
            #expect((trials["trials_started"] as? Int ?? 0) > 0 && (trials["converted"] as? Int ?? 0) > 0, "\(trials)")
            let churn = try await app.send(.get, "/v1/metrics/churn?from=2024-11&to=2026-11").json["total"] as? [String: Any] ?? [:]
            let reasons = (churn["by_reason"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }
            #expect(reasons.count >= 2, "Stripe's and the cancellations' reasons: \(churn)")
            let forecast = try await app.send(.get, "/v1/metrics/forecast?group_by=owner").json
            #expect((forecast["data"] as? [[String: Any]])?.first?["target"] as? Int != nil && (forecast["groups"] as? [Any])?.isEmpty == false)
            #expect(try await app.send(.get, "/v1/duplicates?object=accounts").data.count > 0)
            #expect(try await app.send(.get, "/v1/duplicates?object=contacts").data.count > 0)
            let bySegment =
                try await app.send(.get, "/v1/metrics/revenue?from=2026-01&to=2026-06&group_by=segment").json["groups"] as? [[String: Any]]
            #expect(Set(bySegment?.compactMap { $0["value"] as? String } ?? []) == ["smb", "mid_market", "enterprise"])
        }
    }
}
