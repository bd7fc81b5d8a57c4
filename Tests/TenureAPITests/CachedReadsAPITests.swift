import Foundation
import SQLiteStore
import TenureTestSupport
import Testing

/// Through the API: readers share one copy of every movement and won account, of every deal's pipeline facts, of every contract with its
/// subscription snapshots and of every evaluation's band and risk flag (`ReadCache`): each change to them, whoever makes
/// it, shows in the next read, and a read as of an earlier instant sees only what had happened by then.
@Suite(.temporaryFolder) struct CachedReadsAPITests {
    func mrrEnd(_ app: TestApp, asOf: String = "2026-06-01") async throws -> [Int] {
        let reply = try await app.send(.get, "/v1/metrics/revenue?from=2026-01&to=2026-05&as_of=\(asOf)")
        try #require(reply.status == .ok, "\(reply.text)")
        return (reply.json["data"] as? [[String: Any]] ?? []).map { $0["mrr_end"] as? Int ?? -1 }
    }

    @Test func everyChangeToTheMovementsShowsInTheNextRead() async throws {
        try await TestApp.run { app in
            let (account, deal) = try await LifecycleAPITests.prospect(app, "Cached")
            try await LifecycleAPITests.win(app, deal, at: "2026-01-05T00:00:00Z")
            try await app.send(
                .post,
                "/v1/payments",
                #"{"account_id": "\#(account)", "amount": 100, "currency": "usd", "paid_at": "2026-01-05T00:00:00Z", "reference": "w1"}"#
            )
            #expect(try await mrrEnd(app) == [0, 0, 0, 0, 0])
            let contract =
                #"{"account_id": "\#(account)", "start_date": "2026-02-10", "billing_interval": "month", "recurring_amount": 1000, "currency": "usd"}"#
            let first = try await app.send(.post, "/v1/contracts", contract).json["id"] as? String ?? ""
            #expect(try await mrrEnd(app) == [0, 1000, 1000, 1000, 1000], "a new contract")
            try await app.send(.post, "/v1/contracts", contract.replacingOccurrences(of: "2026-02-10", with: "2026-04-01"))
            #expect(try await mrrEnd(app) == [0, 1000, 1000, 2000, 2000], "another")
            #expect(try await mrrEnd(app, asOf: "2026-03-15") == [0, 1000, 1000], "as of an instant before the second starts")
            try await app.send(.post, "/v1/contracts/\(first)/cancel", #"{"effective_date": "2026-03-01"}"#)
            #expect(try await mrrEnd(app) == [0, 1000, 0, 1000, 1000], "a cancellation")

            // A change made outside the server (another process, or another node) shows too.
            try await app.database.execute("DELETE FROM mrr_movements WHERE at >= 1775001600000")  // 2026-04-01 in stored milliseconds
            #expect(try await mrrEnd(app) == [0, 1000, 0, 0, 0])
        }
    }

    func pipeline(_ app: TestApp, asOf: String = "2026-06-01") async throws -> [Int] {
        let reply = try await app.send(.get, "/v1/metrics/pipeline?from=2026-01-01&to=2026-06-01&as_of=\(asOf)")
        try #require(reply.status == .ok, "\(reply.text)")
        return ["open_count", "won_count", "lost_count", "stalled_count"].map { reply.json[$0] as? Int ?? -1 }
    }

    @Test func everyChangeToTheDealsShowsInTheNextPipelineRead() async throws {
        try await TestApp.run { app in
            let account = try await app.createAccount("Deals")
            func deal(_ name: String, created: String) async throws -> String {
                let reply = try await app.send(
                    .post,
                    "/v1/opportunities",
                    #"{"account_id": "\#(account)", "name": "\#(name)", "amount": 1000, "currency": "usd", "stage": "discovery", "created_at": "\#(created)"}"#
                )
                return try #require(reply.json["id"] as? String, "\(reply.text)")
            }
            let first = try await deal("First", created: "2026-02-01T00:00:00Z")
            #expect(try await pipeline(app) == [1, 0, 0, 1], "open, and stalled: nothing logged for 4 months")
            try await app.send(
                .post,
                "/v1/activities",
                #"{"account_id": "\#(account)", "opportunity_id": "\#(first)", "type": "call", "occurred_at": "2026-05-25T00:00:00Z"}"#
            )
            #expect(try await pipeline(app) == [1, 0, 0, 0], "a call on the deal")
            #expect(try await pipeline(app, asOf: "2026-05-20") == [1, 0, 0, 1], "as of before the call")
            let second = try await deal("Second", created: "2026-05-01T00:00:00Z")
            #expect(try await pipeline(app) == [2, 0, 0, 1], "a new deal, stalled since its creation a month ago")
            #expect(try await pipeline(app, asOf: "2026-04-01") == [1, 0, 0, 1], "as of before it was created")
            try await app.send(.post, "/v1/opportunities/\(second)/stage", #"{"stage": "closed_won", "at": "2026-05-10T00:00:00Z"}"#)
            #expect(try await pipeline(app) == [1, 1, 0, 0], "a win")
            try await app.send(
                .post,
                "/v1/opportunities/\(first)/stage",
                #"{"stage": "closed_lost", "at": "2026-05-30T00:00:00Z", "lost_reason": "price"}"#
            )
            #expect(try await pipeline(app) == [0, 1, 1, 0], "a loss")

            // A change made outside the server (another process, or another node) shows too.
            try await app.database.execute("DELETE FROM stage_changes WHERE stage = 'closed_lost'")
            #expect(try await pipeline(app) == [1, 1, 0, 0])
        }
    }

    func cmrr(_ app: TestApp, asOf: String = "2026-06-01") async throws -> [Int] {
        let reply = try await app.send(.get, "/v1/metrics/summary?as_of=\(asOf)")
        let cmrr = try #require(reply.json["cmrr"] as? [String: Int], "\(reply.text)")
        return ["value", "committed", "at_risk"].map { cmrr[$0] ?? -1 }
    }

    @Test func everyChangeToTheContractsShowsInTheNextCommittedMRR() async throws {
        try await TestApp.run { app in
            let (account, deal) = try await LifecycleAPITests.prospect(app, "Contracts", stripeCustomer: "cus_cached")
            try await LifecycleAPITests.win(app, deal, at: "2026-01-05T00:00:00Z")
            #expect(try await cmrr(app) == [0, 0, 0])
            let contract =
                #"{"account_id": "\#(account)", "start_date": "2026-08-01", "billing_interval": "month", "recurring_amount": 1000, "currency": "usd"}"#
            let manual = try await app.send(.post, "/v1/contracts", contract).json["id"] as? String ?? ""
            #expect(try await cmrr(app) == [1000, 1000, 0], "a contract of an account waiting for its payment")
            let subscription = StripeFixture.subscription(
                "sub_cached",
                customer: "cus_cached",
                items: [StripeFixture.item(3000)],
                changes: [
                    "current_period_end": StripeFixture.seconds("2026-09-01"), "cancel_at_period_end": false, "cancel_at": NSNull(),
                    "canceled_at": NSNull(), "ended_at": NSNull(),
                ]
            )
            try await app.stripe(StripeFixture.event("evt_c1", "customer.subscription.created", created: "2026-03-01", subscription))
            try await app.stripe(
                StripeFixture.event(
                    "evt_c2",
                    "invoice.paid",
                    created: "2026-03-01",
                    StripeFixture.invoice("in_c", customer: "cus_cached", paid: 3000)
                )
            )
            #expect(try await cmrr(app) == [4000, 1000, 0], "a live subscription, and the contract that starts later")
            var cancelling = subscription
            cancelling["cancel_at_period_end"] = true
            try await app.stripe(StripeFixture.event("evt_c3", "customer.subscription.updated", created: "2026-05-01", cancelling))
            #expect(try await cmrr(app) == [1000, 1000, 3000], "a snapshot with a scheduled end")
            #expect(try await cmrr(app, asOf: "2026-04-01") == [4000, 1000, 0], "as of before it")
            let cancelled = try await app.send(.post, "/v1/contracts/\(manual)/cancel", #"{"effective_date": "2026-08-01"}"#)
            try #require(cancelled.status == .ok, "\(cancelled.text)")
            #expect(try await cmrr(app) == [0, 0, 3000], "a contract cancelled from its start")

            // A change made outside the server (another process, or another node) shows too, even to a snapshot already
            // read back once (`SnapshotMemo`).
            try await app.database.execute(
                #"UPDATE subscription_snapshots SET terms = replace(terms, '"cancelAtPeriodEnd":true', '"cancelAtPeriodEnd":false') WHERE event_id = 'evt_c3'"#
            )
            #expect(try await cmrr(app) == [3000, 0, 0])
        }
    }

    @Test func aWinBeforeAnyPaymentShowsInTheNextCommittedMRR() async throws {
        try await TestApp.run { app in
            let (account, deal) = try await LifecycleAPITests.prospect(app, "Waiting")
            let contract =
                #"{"account_id": "\#(account)", "start_date": "2026-08-01", "billing_interval": "month", "recurring_amount": 1000, "currency": "usd"}"#
            try await HealthDriftTests.post(app, "/v1/contracts", contract)
            #expect(try await cmrr(app) == [0, 0, 0], "a prospect's contract is not committed")
            try await LifecycleAPITests.win(app, deal, at: "2026-01-05T00:00:00Z")
            #expect(try await cmrr(app) == [1000, 1000, 0], "won and waiting for its payment, without a single movement")

            // A change made outside the server (another process, or another node) shows too.
            try await app.database.execute("UPDATE accounts SET won_at = NULL WHERE id = '\(account)'")
            #expect(try await cmrr(app) == [0, 0, 0])
        }
    }

    @Test func everyEvaluationAndFlagShowsInTheNextSummary() async throws {
        try await TestApp.run { app in
            let account = try await SummaryAPITests.customer(app, "Scored", since: "2026-01-05", mrr: 1000)
            func health(asOf: String = "2026-06-01") async throws -> [Int] {
                let reply = try await app.send(.get, "/v1/metrics/summary?as_of=\(asOf)")
                let bands = try #require(reply.json["health"] as? [String: Int], "\(reply.text)")
                return ["green", "yellow", "red", "unscored"].map { bands[$0] ?? -1 } + [reply.json["at_risk_accounts"] as? Int ?? -1]
            }
            #expect(try await health() == [0, 0, 0, 1, 0], "not evaluated yet")
            try await HealthDriftTests.post(app, "/v1/health/evaluate?as_of=2026-05-01", "")
            let evaluated = try await health()
            #expect(evaluated.prefix(4).reduce(0, +) == 1 && evaluated[3] == 0, "scored: \(evaluated)")
            #expect(try await health(asOf: "2026-04-30") == [0, 0, 0, 1, 0], "as of before the evaluation")

            // Changes made outside the server (another process, or another node) show too.
            try await app.database.execute("UPDATE health_scores SET band = 'red' WHERE account_id = '\(account)'")
            #expect(try await health() == [0, 0, 1, 0, 0])
            try await app.database.execute(
                """
                INSERT INTO risk_flags (id, account_id, code, severity, since) VALUES
                    ('flg_outside', '\(account)', 'payment_failed', 'critical', 1775001600000)
                """  // 2026-04-01 in stored milliseconds
            )
            #expect(try await health() == [0, 0, 1, 0, 1], "an open critical flag")
            #expect(try await health(asOf: "2026-03-31") == [0, 0, 0, 1, 0], "as of before the evaluation and the flag")
            try await app.database.execute("UPDATE risk_flags SET closed_at = 1777593600000 WHERE id = 'flg_outside'")  // 2026-05-01
            #expect(try await health() == [0, 0, 1, 0, 0], "closed")
            try await app.database.execute("DELETE FROM health_scores")
            #expect(try await health() == [0, 0, 0, 1, 0], "unscored again")
        }
    }
}
