import Foundation
import HTTPTypes
import Logging
import TenurePersistence
import TenurePostgres
import TenureServices
import TenureTestSupport
import Testing

/// `SCALE.md`, rules 2 to 6: two Tenure nodes on one PostgreSQL database, each with its own pool and caches, answer as
/// one node would when the same work reaches both at the same instant.
@Suite(.temporaryFolder, .enabled(if: TestDatabase.postgresIsAvailable)) struct TwoNodeTests {
    typealias Fixture = StripeFixture

    /// Runs `body` with two nodes serving one new PostgreSQL database.
    static func withTwoNodes(_ body: @Sendable (TestApp, TestApp) async throws -> Void) async throws {
        let database = TestDatabase.fresh(on: .postgres)
        try await TestApp.run(arguments: TestArguments(database: database)) { a in
            try await TestApp.run(arguments: TestArguments(database: database), withKeys: false) { b in try await body(a, b) }
        }
    }

    /// Sends `copies` requests at once, alternating between the nodes (`request` is given the node and the copy's
    /// number); the replies in that order.
    static func both(
        _ a: TestApp,
        _ b: TestApp,
        copies: Int = 10,
        _ request: @escaping @Sendable (TestApp, Int) async throws -> TestReply
    ) async throws -> [TestReply] {
        try await withThrowingTaskGroup(of: (Int, TestReply).self) { group in
            for copy in 0..<copies { group.addTask { (copy, try await request(copy % 2 == 0 ? a : b, copy)) } }
            return try await group.reduce(into: [(Int, TestReply)]()) { $0.append($1) }.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    @Test func theSameCRMDeliveryAtBothNodesIsAppliedOnce() async throws {
        try await Self.withTwoNodes { a, b in
            let body = CRMWebhookTests.closedWon()
            let replies = try await Self.both(a, b) { node, _ in try await CRMWebhookTests.deliver(node, body, id: "msg_both") }
            let statuses = replies.map { $0.json["status"] as? String ?? "\($0.status.code)" }
            #expect(statuses.filter { $0 == "processed" }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == "duplicate" }.count == 9, "\(statuses)")
            #expect(try await a.send(.get, "/v1/accounts").data.count == 1)
            #expect(try await b.send(.get, "/v1/opportunities").data.count == 1)
            #expect(try await b.send(.get, "/v1/webhook-events").data.count == 1)
        }
    }

    @Test func theSameStripeDeliveryAtBothNodesMakesOnePayment() async throws {
        try await Self.withTwoNodes { a, b in
            let account = try await StripeWebhookTests.wonAccount(a)
            let paid = Fixture.event("evt_both", "invoice.paid", created: "2026-01-03", Fixture.invoice("in_both", customer: "cus_acme", paid: 9900))
            let statuses = try await Self.both(a, b, copies: 20) { node, _ in try await node.stripe(paid) }.map {
                $0.json["status"] as? String ?? "?"
            }
            #expect(statuses.filter { $0 == "processed" }.count == 1 && statuses.filter { $0 == "duplicate" }.count == 19, "\(statuses)")
            #expect(try await b.send(.get, "/v1/payments?account_id=\(account)").data.count == 1)
        }
    }

    @Test func concurrentStripeEventsForOneAccountOnBothNodesLeaveWhatOneNodeWould() async throws {
        let events = (1...6).flatMap { month in
            let created = "2026-0\(month)-05"
            let subscription = Fixture.subscription("sub_h", customer: "cus_acme", items: [Fixture.item(1000 * month, id: "si_h")])
            return [
                Fixture.event("evt_sub_\(month)", "customer.subscription.updated", created: created, subscription),
                Fixture.event(
                    "evt_in_\(month)",
                    "invoice.paid",
                    created: created,
                    Fixture.invoice("in_\(month)", customer: "cus_acme", paid: 1000 * month)
                ),
            ]
        }
        @Sendable func figures(_ app: TestApp, _ account: String) async throws -> [String] {
            let revenue = try await app.send(.get, "/v1/metrics/revenue?from=2026-01&to=2026-07&as_of=2026-07-01").text
            let view = try await LifecycleAPITests.account(app, account, asOf: "2026-07-01")
            return [revenue, "\(view["mrr"] ?? "")", "\(view["lifecycle_stage"] ?? "")"]
        }
        let oneNode = try await TestApp.run(arguments: TestArguments(database: .fresh(on: .sqlite))) { app in
            let account = try await StripeWebhookTests.wonAccount(app)
            for event in events { try await app.stripe(event) }
            return try await figures(app, account)
        }
        try await Self.withTwoNodes { a, b in
            let account = try await StripeWebhookTests.wonAccount(a)
            let replies = try await Self.both(a, b, copies: events.count) { node, copy in try await node.stripe(events.reversed()[copy]) }
            #expect(replies.allSatisfy { $0.json["status"] as? String == "processed" }, "\(replies.map(\.text))")
            #expect(try await figures(a, account) == oneNode)
            #expect(try await figures(b, account) == oneNode, "each node's caches see the other's writes")
        }
    }

    @Test func aPendingEventOnOneNodeIsAppliedWhenTheOtherLinksItsCustomer() async throws {
        try await Self.withTwoNodes { a, b in
            let (account, deal) = try await LifecycleAPITests.prospect(a)
            try await LifecycleAPITests.win(a, deal, at: "2026-01-02T00:00:00Z")
            let paid = Fixture.event("evt_wait", "invoice.paid", created: "2026-01-03", Fixture.invoice("in_wait", customer: "cus_late", paid: 500))
            let link = #"{"stripe_customer_id": "cus_late"}"#
            let replies = try await Self.both(a, b, copies: 2) { node, copy in
                copy == 0 ? try await node.stripe(paid) : try await node.send(.patch, "/v1/accounts/\(account)", link)
            }
            #expect(replies[1].status == .ok, "\(replies[1].text)")
            #expect(try await b.send(.get, "/v1/webhook-events?status=pending").data.isEmpty, "whichever committed first, the event applied")
            #expect(try await a.send(.get, "/v1/payments?account_id=\(account)").data.count == 1)
            #expect(try await LifecycleAPITests.account(b, account)["lifecycle_stage"] as? String == "customer")
        }
    }

    @Test func theSameDomainCreatedOnBothNodesIsOneAccountAndA409NamingIt() async throws {
        try await Self.withTwoNodes { a, b in
            let replies = try await Self.both(a, b, copies: 6) { node, copy in
                try await node.send(.post, "/v1/accounts", #"{"name": "Acme \#(copy)", "domain": "acme.example"}"#)
            }
            let created = replies.filter { $0.status == .created }
            #expect(created.count == 1)
            let conflicts = replies.filter { $0.status == .conflict }
            #expect(conflicts.count == 5, "\(replies.map(\.status.code))")
            #expect(conflicts.allSatisfy { $0.json["existing_id"] as? String == created.first?.json["id"] as? String })
        }
    }

    @Test func oneIdempotencyKeyOnBothNodesCreatesOnce() async throws {
        try await Self.withTwoNodes { a, b in
            let headers: HTTPFields = [.idempotencyKey: "both-nodes-1"]
            let replies = try await Self.both(a, b, copies: 6) { node, _ in
                try await node.send(.post, "/v1/accounts", #"{"name": "Initech"}"#, headers: headers)
            }
            #expect(try await a.send(.get, "/v1/accounts").data.count == 1)
            let created = replies.filter { $0.status == .created }
            #expect(!created.isEmpty && created.allSatisfy { $0.body == created[0].body }, "each copy replays the first response")
            #expect(replies.allSatisfy { $0.status == .created || $0.status == .conflict }, "\(replies.map(\.status.code))")
        }
    }

    @Test func twoNodesStartingOnAnEmptyDatabaseMigrateItOnce() async throws {
        let url = try await TestCluster.shared.database(TestDatabase.fresh(on: .postgres).name, migrated: false)
        let logger = Logger(label: "test")
        let storages = try await withThrowingTaskGroup(of: PostgresStorage.self) { group in
            for _ in 0..<2 { group.addTask { try await PostgresStorage(url: url, poolSize: 2, migrate: true, logger: logger) } }
            return try await group.reduce(into: [PostgresStorage]()) { $0.append($1) }
        }
        #expect(storages.map(\.applied.count).sorted() == [0, PostgresMigrator.tenure.plan.migrations.count])
        // Then both serve: a read through each node's pool (which waits for its first connection, unlike /readyz's
        // 2 s probe, which a loaded machine can outlast on a pool that has not connected yet).
        for storage in storages {
            #expect(try await storage.read { tx in try await tx.apiKeys.count() } == 0)
            await storage.close()
        }
    }

    @Test func theDailyEvaluationStartedOnBothNodesRunsOnce() async throws {
        let database = TestDatabase.fresh(on: .postgres)
        try await TestApp.run(arguments: TestArguments(database: database)) { app in
            _ = try await SummaryAPITests.customer(app, "Scored", since: "2026-01-05", mrr: 1000)
        }
        let logger = Logger(label: "test")
        let ran = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    let storage = try await database.openStorage(logger: logger)
                    do {
                        let ran = try await HealthService(storage: storage, clock: .system).evaluateTodayIfMissing()
                        await storage.close()
                        return ran
                    } catch {
                        await storage.close()
                        throw error
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(ran.sorted { !$0 && $1 } == [false, true], "one node evaluated, the other found today's evaluation")
        let evaluations = try await database.withConnection { db in try await db.first("SELECT count(*) AS n FROM health_scores")?.int("n") }
        #expect(evaluations == 1)
    }

    @Test func readinessFollowsTheDatabaseWithoutARestart() async throws {
        let database = TestDatabase.fresh(on: .postgres)
        try await TestApp.run(arguments: TestArguments(database: database)) { app in
            #expect(try await app.send(.get, "/readyz", key: nil).status == .ok)
            try await TestCluster.shared.drop(database.name)
            #expect(try await app.send(.get, "/readyz", key: nil).status == .serviceUnavailable, "the database is gone")
            _ = try await TestCluster.shared.database(database.name)
            var ready = false
            for _ in 0..<60 where !ready {
                ready = try await app.send(.get, "/readyz", key: nil).status == .ok
                if !ready { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(ready, "ready again once the database is back")
            // Requests reach it again: the new database has no keys, so the key is refused (401), not 503.
            #expect(try await app.send(.get, "/v1/accounts").status == .unauthorized)
        }
    }
}
