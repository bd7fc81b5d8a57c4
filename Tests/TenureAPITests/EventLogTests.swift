import Foundation
import HTTPTypes
import Logging
import NIOConcurrencyHelpers
import TenureCore
import TenureServices
import TenureTestSupport
import Testing

/// EVENTS.md, "Events": an outbox written with each change, the resource as its GET answered at `occurred_at`, only
/// changes emit, backfills keep their own time, rewrites book and reverse MRR.
@Suite(.temporaryFolder) struct EventLogTests {
    static func events(_ app: TestApp, _ query: String = "") async throws -> [[String: Any]] {
        let reply = try await app.send(.get, "/v1/events?limit=500" + query, key: TestApp.readKey)
        try #require(reply.status == .ok, "\(reply.text)")
        return reply.data
    }

    static func types(_ events: [[String: Any]]) -> [String] { events.compactMap { $0["type"] as? String } }

    /// A customer since `paidAt` of a monthly contract of `mrr` from 2026-02-01, won that day; its id and its contract's.
    static func customer(_ app: TestApp, _ name: String, mrr: Int, paidAt: String) async throws -> (account: String, contract: String) {
        let (account, deal) = try await LifecycleAPITests.prospect(app, name)
        let contract =
            try await app.send(
                .post,
                "/v1/contracts",
                #"{"account_id": "\#(account)", "start_date": "2026-02-01", "billing_interval": "month", "recurring_amount": \#(mrr), "currency": "usd"}"#
            ).json["id"] as? String ?? ""
        try await LifecycleAPITests.win(app, deal, at: "2026-02-01T00:00:00Z")
        let paid = try await app.send(
            .post,
            "/v1/payments",
            #"{"account_id": "\#(account)", "amount": \#(mrr), "currency": "usd", "paid_at": "\#(paidAt)", "reference": "first"}"#
        )
        try #require(paid.status == .created, "\(paid.text)")
        return (account, contract)
    }

    @Test func anAccountCreatedIsAnEventShowingTheAccountAsItsGetAnswers() async throws {
        try await TestApp.run { app in
            let reply = try await app.send(.post, "/v1/accounts", #"{"name": "Fjord Ltd", "owner": "ana"}"#, headers: [.requestID: "req-fjord-1"])
            let id = try #require(reply.json["id"] as? String)
            let events = try await Self.events(app)
            #expect(Self.types(events) == ["account.created"])
            let event = try #require(events.first)
            #expect(event["object"] as? String == "event")
            #expect(event["account_id"] as? String == id)
            #expect(event["sequence"] as? Int != nil)
            #expect((event["source"] as? [String: Any])?["kind"] as? String == "api")
            #expect((event["source"] as? [String: Any])?["id"] as? String == "req-fjord-1")
            let occurredAt = try #require(event["occurred_at"] as? String)
            let object = try #require((event["data"] as? [String: Any])?["object"] as? [String: Any])
            let asOf = try await app.send(.get, "/v1/accounts/\(id)?as_of=\(occurredAt)").json
            #expect(NSDictionary(dictionary: object) == NSDictionary(dictionary: asOf))
            // The same bytes on every read: GET /v1/events/{id} answers what the list shows.
            let one = try await app.send(.get, "/v1/events/\(event["id"] as? String ?? "")", key: TestApp.readKey)
            #expect(NSDictionary(dictionary: one.json) == NSDictionary(dictionary: event))
            #expect(try await app.send(.get, "/v1/events/evt_unknown", key: TestApp.readKey).status == .notFound)
        }
    }

    @Test func anUpdateNamesTheFieldsItChangedAsTheyWere_andAnUpdateChangingNothingEmitsNothing() async throws {
        try await TestApp.run { app in
            let id = try await app.send(.post, "/v1/accounts", #"{"name": "Gale", "owner": "ana", "segment": "smb"}"#).json["id"] as? String ?? ""
            try await app.send(.patch, "/v1/accounts/\(id)", #"{"owner": "bo", "segment": "smb"}"#)
            try await app.send(.patch, "/v1/accounts/\(id)", #"{"owner": "bo"}"#)
            let events = try await Self.events(app)
            #expect(Self.types(events) == ["account.created", "account.updated"])
            let data = try #require(events.last?["data"] as? [String: Any])
            #expect(NSDictionary(dictionary: data["previous"] as? [String: Any] ?? [:]) == NSDictionary(dictionary: ["owner": "ana"]))
            #expect((data["object"] as? [String: Any])?["owner"] as? String == "bo")
        }
    }

    @Test func theOneDoorEmitsTheDealTheWinThePaymentTheMovementAndTheNewCustomerWithTheirOwnTimes() async throws {
        try await TestApp.run { app in
            let (account, deal) = try await LifecycleAPITests.prospect(app, "Harbor")
            try await app.send(
                .post,
                "/v1/contracts",
                #"{"account_id": "\#(account)", "start_date": "2026-02-01", "billing_interval": "month", "recurring_amount": 30000, "currency": "usd"}"#
            )
            try await LifecycleAPITests.win(app, deal, at: "2026-02-01T00:00:00Z")
            let before = try await Self.events(app)
            let payment = try await app.send(
                .post,
                "/v1/payments",
                #"{"account_id": "\#(account)", "amount": 30000, "currency": "usd", "paid_at": "2026-02-03T00:00:00Z", "reference": "wire 7"}"#
            )
            #expect(payment.status == .created)
            let events = try await Self.events(app, "&account_id=\(account)")
            #expect(
                Self.types(events) == [
                    "account.created", "opportunity.created", "contract.created", "opportunity.stage_changed", "opportunity.closed_won",
                    "opportunity.forecast_changed", "payment.succeeded", "mrr.changed", "account.became_customer",
                ]
            )
            let byType = Dictionary(events.map { ($0["type"] as? String ?? "", $0) }) { first, _ in first }
            #expect(byType["opportunity.created"]?["occurred_at"] as? String == "2026-01-02T00:00:00Z")
            #expect(byType["opportunity.closed_won"]?["occurred_at"] as? String == "2026-02-01T00:00:00Z")
            #expect(byType["account.became_customer"]?["occurred_at"] as? String == "2026-02-03T00:00:00Z")
            let movement = try #require((byType["mrr.changed"]?["data"] as? [String: Any])?["object"] as? [String: Any])
            #expect(movement["kind"] as? String == "new")
            #expect(movement["amount"] as? Int == 30000)
            #expect(movement["mrr_after"] as? Int == 30000)
            #expect(movement["status"] as? String == "booked")
            let previous = (byType["account.became_customer"]?["data"] as? [String: Any])?["previous"] as? [String: Any]
            #expect(previous?["lifecycle_stage"] as? String == "pending_payment")
            let closedWon = (byType["opportunity.closed_won"]?["data"] as? [String: Any])
            #expect((closedWon?["previous"] as? [String: Any])?["stage"] as? String == "prospecting")
            #expect((closedWon?["object"] as? [String: Any])?["stage"] as? String == "closed_won")
            // Sequences are commit order; the payment's events come after those before it.
            let sequences = events.compactMap { $0["sequence"] as? Int }
            #expect(sequences == sequences.sorted())
            // starting_after tails the log from an event; filters by type.
            let last = try #require(before.last?["id"] as? String)
            #expect(
                Self.types(try await Self.events(app, "&starting_after=\(last)")) == ["payment.succeeded", "mrr.changed", "account.became_customer"]
            )
            #expect(Self.types(try await Self.events(app, "&type=mrr.changed,payment.succeeded")) == ["payment.succeeded", "mrr.changed"])
            #expect(try await app.send(.get, "/v1/events?type=mrr.exploded", key: TestApp.readKey).status == .badRequest)
            #expect(try await app.send(.get, "/v1/events?starting_after=evt_nope", key: TestApp.readKey).status == .unprocessableContent)
        }
    }

    @Test func anEarlierPaymentRewritesThePastWithoutAStageEvent_andBookedMinusReversedIsTheMRRNow() async throws {
        try await TestApp.run { app in
            let (account, deal) = try await LifecycleAPITests.prospect(app, "Isle")
            try await app.send(
                .post,
                "/v1/contracts",
                #"{"account_id": "\#(account)", "start_date": "2026-02-01", "billing_interval": "month", "recurring_amount": 40000, "currency": "usd"}"#
            )
            try await LifecycleAPITests.win(app, deal, at: "2026-02-01T00:00:00Z")
            for (day, reference) in [("2026-02-20", "late"), ("2026-02-05", "early")] {
                let reply = try await app.send(
                    .post,
                    "/v1/payments",
                    #"{"account_id": "\#(account)", "amount": 100, "currency": "usd", "paid_at": "\#(day)T00:00:00Z", "reference": "\#(reference)"}"#
                )
                try #require(reply.status == .created, "\(reply.text)")
            }
            let events = try await Self.events(app, "&account_id=\(account)")
            #expect(Self.types(events).filter { $0 == "account.became_customer" }.count == 1)
            let movements = events.filter { $0["type"] as? String == "mrr.changed" }.compactMap {
                ($0["data"] as? [String: Any])?["object"] as? [String: Any]
            }
            // The rewrite's two events are in time order: the new movement (Feb 5) before the vanished one (Feb 20).
            #expect(movements.map { $0["status"] as? String ?? "" } == ["booked", "booked", "reversed"])
            #expect(movements.map { $0["at"] as? String ?? "" } == ["2026-02-20T00:00:00Z", "2026-02-05T00:00:00Z", "2026-02-20T00:00:00Z"])
            let net = movements.reduce(0) { $0 + ($1["status"] as? String == "booked" ? 1 : -1) * ($1["amount"] as? Int ?? 0) }
            #expect(net == (try await LifecycleAPITests.account(app, account)["mrr"] as? Int))
        }
    }

    @Test func aDuplicateStripeDeliveryAndAnIdempotentReplayEmitNothing() async throws {
        try await TestApp.run { app in
            let account = try await app.send(.post, "/v1/accounts", #"{"name": "Juniper", "stripe_customer_id": "cus_juniper9"}"#).json["id"]
            let invoice = StripeFixture.invoice("in_juniper1", customer: "cus_juniper9", paid: 9900)
            let event = StripeFixture.event("evt_juniper_paid", "invoice.paid", created: "2026-03-01T10:00:00Z", invoice)
            #expect(try await app.stripe(event).status == .ok)
            let first = try await Self.events(app)
            #expect(Self.types(first) == ["account.created", "payment.succeeded"])
            let webhookSource = first.last?["source"] as? [String: Any]
            #expect(webhookSource?["kind"] as? String == "webhook")
            #expect(try await app.stripe(event).status == .ok)
            let body = #"{"name": "Kestrel"}"#
            for _ in 0..<2 { try await app.send(.post, "/v1/accounts", body, headers: [.idempotencyKey: "kestrel-once"]) }
            let after = try await Self.events(app)
            #expect(Self.types(after) == ["account.created", "payment.succeeded", "account.created"], "\(String(describing: account))")
        }
    }

    @Test func aCancelledContractChurnsTheCustomerWithTheChurnsTime() async throws {
        try await TestApp.run { app in
            let (account, contract) = try await Self.customer(app, "Lumen", mrr: 20000, paidAt: "2026-02-01T00:00:00Z")
            let cancel = try await app.send(.post, "/v1/contracts/\(contract)/cancel", #"{"effective_date": "2026-04-01"}"#)
            try #require(cancel.status == .ok, "\(cancel.text)")
            let events = try await Self.events(app, "&account_id=\(account)&type=contract.canceled,contract.updated,account.churned,mrr.changed")
            #expect(Self.types(events) == ["mrr.changed", "contract.updated", "contract.canceled", "mrr.changed", "account.churned"])
            #expect(events.last?["occurred_at"] as? String == "2026-04-01T00:00:00Z")
        }
    }

    @Test func aMergeShowsTheKeptAccountAndTheTombstone() async throws {
        try await TestApp.run { app in
            let kept = try await app.send(.post, "/v1/accounts", #"{"name": "Orchard Labs", "domain": "orchard.example"}"#).json["id"] as? String
            let gone = try await app.send(.post, "/v1/accounts", #"{"name": "Orchard", "industry": "Farming"}"#).json["id"] as? String
            let merge = try await app.send(.post, "/v1/accounts/\(kept ?? "")/merge", #"{"source_id": "\#(gone ?? "")"}"#)
            try #require(merge.status == .ok, "\(merge.text)")
            let events = try await Self.events(app, "&type=account.merged")
            try #require(events.count == 1)
            let data = events[0]["data"] as? [String: Any]
            let object = data?["object"] as? [String: Any]
            let tombstone = data?["merged_account"] as? [String: Any]
            #expect(object?["id"] as? String == kept)
            #expect(object?["industry"] as? String == "Farming", "the kept account as it is after the merge")
            #expect(tombstone?["id"] as? String == gone)
            #expect(tombstone?["merged_into"] as? String == kept)
            #expect(events[0]["account_id"] as? String == kept)
            let again = try await app.send(.get, "/v1/events/\(events[0]["id"] as? String ?? "")", key: TestApp.readKey)
            #expect(((again.json["data"] as? [String: Any])?["merged_account"] as? [String: Any])?["id"] as? String == gone)
            let created = try await Self.events(app, "&type=account.created")
            #expect(((created.first?["data"] as? [String: Any])?.keys).map(Set.init) == ["object", "previous"], "no merged_account elsewhere")
        }
    }

    /// A clock the test moves.
    final class SettableClock: Sendable {
        private let instant: NIOLockedValueBox<Date>

        init(_ text: String) { instant = NIOLockedValueBox(Timestamp.parseInstantOrDate(text) ?? Date()) }

        func set(_ text: String) { instant.withLockedValue { $0 = Timestamp.parseInstantOrDate(text) ?? $0 } }

        var clock: Clock { Clock { [instant] in instant.withLockedValue { $0 } } }
    }

    /// Runs `body` with an app whose time the test moves from `start`, and the event clock of its storage, ticked once.
    static func withEventClock(
        at start: String,
        _ body: @Sendable (TestApp, SettableClock, EventClock) async throws -> Void
    ) async throws {
        let time = SettableClock(start)
        var arguments = TestArguments()
        arguments.clock = time.clock
        let database = arguments.database
        try await TestApp.run(arguments: arguments) { app in
            let storage = try await database.openStorage(logger: Logger(label: "clock"))
            let eventClock = EventClock(storage: storage, clock: time.clock)
            try await eventClock.tick()
            do {
                try await body(app, time, eventClock)
            } catch {
                await storage.close()
                throw error
            }
            await storage.close()
        }
    }

    @Test func futureFactsAreEmittedByTheClockWhenTheirTimeComes_once() async throws {
        try await Self.withEventClock(at: "2026-03-10T12:00:00Z") { app, time, eventClock in
            let (account, contract) = try await Self.customer(app, "Mesa", mrr: 20000, paidAt: "2026-02-02T00:00:00Z")
            try await app.send(.post, "/v1/contracts/\(contract)/cancel", #"{"effective_date": "2026-04-01"}"#)
            let filter = "&account_id=\(account)&type=mrr.changed,account.churned"
            #expect(Self.types(try await Self.events(app, filter)) == ["mrr.changed"], "the stop is in the future: not yet")
            time.set("2026-03-31T23:59:00Z")
            try await eventClock.tick()
            #expect(Self.types(try await Self.events(app, filter)) == ["mrr.changed"])
            time.set("2026-04-01T00:00:20Z")
            try await eventClock.tick()
            let due = try await Self.events(app, filter)
            #expect(Self.types(due) == ["mrr.changed", "mrr.changed", "account.churned"])
            #expect(due.last?["occurred_at"] as? String == "2026-04-01T00:00:00Z")
            #expect((due.last?["source"] as? [String: Any])?["kind"] as? String == "clock")
            // Said once: another tick, and a write that rewrites the account's ledger, say nothing more of it.
            try await eventClock.tick()
            try await app.send(
                .post,
                "/v1/payments",
                #"{"account_id": "\#(account)", "amount": 500, "currency": "usd", "paid_at": "2026-02-03T00:00:00Z", "reference": "x"}"#
            )
            #expect(Self.types(try await Self.events(app, filter)).count == 3)
            // The contract: cancelled for a future date at the write, its status and MRR changed by the clock at the stop.
            let changes = try await Self.events(app, "&account_id=\(account)&type=contract.canceled,contract.updated")
            #expect(Self.types(changes) == ["contract.updated", "contract.canceled", "contract.updated"])
            let previous = changes.map { ($0["data"] as? [String: Any])?["previous"] as? [String: Any] ?? [:] }
            #expect(Set(previous[0].keys) == ["cancel_effective_date", "scheduled_end"])
            #expect(previous[2] as NSDictionary == ["status": "active", "mrr": 20000, "scheduled_end": "2026-04-01T00:00:00Z"])
            #expect(changes[2]["occurred_at"] as? String == "2026-04-01T00:00:00Z")
            #expect((changes[2]["source"] as? [String: Any])?["kind"] as? String == "clock")
            // An urgent case unanswered at its 1-hour target is breached then; one answered in time is not.
            let late = try await app.send(.post, "/v1/cases", #"{"account_id": "\#(account)", "subject": "Down", "priority": "urgent"}"#)
            let answered = try await app.send(.post, "/v1/cases", #"{"account_id": "\#(account)", "subject": "Slow", "priority": "urgent"}"#)
            try await app.send(.post, "/v1/cases/\(answered.json["id"] as? String ?? "")/respond", "{}")
            time.set("2026-04-01T01:00:10Z")
            try await eventClock.tick()
            #expect(Self.types(try await Self.events(app, "&type=case.breached")).isEmpty, "not yet: opened at 00:00:20")
            time.set("2026-04-01T01:00:40Z")
            try await eventClock.tick()
            let breached = try await Self.events(app, "&type=case.breached")
            #expect(
                breached.compactMap { ($0["data"] as? [String: Any])?["object"] as? [String: Any] }.map { $0["id"] as? String } == [
                    late.json["id"] as? String
                ]
            )
            #expect(breached.first?["occurred_at"] as? String == "2026-04-01T01:00:20Z")
        }
    }

    /// A Stripe subscription's own events, from what its view shows before and after each snapshot.
    @Test func aStripeSubscriptionIsUpdatedAndCanceledByItsSnapshots_notByARepeat() async throws {
        try await Self.withEventClock(at: "2026-05-10T12:00:00Z") { app, time, eventClock in
            let account = try await app.send(.post, "/v1/accounts", #"{"name": "Quarry", "stripe_customer_id": "cus_quarry4"}"#).json["id"] as? String
            let plain: [String: Any] = ["cancel_at_period_end": false, "cancel_at": NSNull()]
            func send(_ id: String, _ type: String, _ created: String, _ amount: Int, _ changes: [String: Any] = [:]) async throws {
                let subscription = StripeFixture.subscription(
                    "sub_quarry",
                    customer: "cus_quarry4",
                    items: [StripeFixture.item(amount, id: "quarry")],
                    changes: plain.merging(changes) { $1 }
                )
                let event = StripeFixture.event(id, type, created: created, subscription)
                let reply = try await app.stripe(event, timestamp: time.clock.now())
                try #require(reply.status == .ok, "\(reply.text)")
            }
            try await send("evt_quarry_1", "customer.subscription.created", "2026-05-01T00:00:00Z", 12000)
            try await send("evt_quarry_2", "customer.subscription.updated", "2026-05-03T00:00:00Z", 15500)
            try await send("evt_quarry_2", "customer.subscription.updated", "2026-05-03T00:00:00Z", 15500)
            try await send("evt_quarry_3", "customer.subscription.updated", "2026-05-04T00:00:00Z", 15500)
            let cancelAt = StripeFixture.seconds("2026-06-01T00:00:00Z")
            try await send("evt_quarry_4", "customer.subscription.updated", "2026-05-05T00:00:00Z", 15500, ["cancel_at": cancelAt])
            time.set("2026-06-01T00:00:30Z")
            try await eventClock.tick()
            let ended: [String: Any] = ["cancel_at": cancelAt, "status": "canceled", "ended_at": cancelAt, "canceled_at": cancelAt]
            try await send("evt_quarry_5", "customer.subscription.deleted", "2026-06-01T00:00:00Z", 15500, ended)
            let events = try await Self.events(app, "&account_id=\(account ?? "")&type=contract.created,contract.updated,contract.canceled")
            #expect(Self.types(events) == ["contract.created", "contract.updated", "contract.updated", "contract.canceled", "contract.updated"])
            let previous = events.map { ($0["data"] as? [String: Any])?["previous"] as? [String: Any] ?? [:] }
            #expect(previous[1] as NSDictionary == ["mrr": 12000], "the price went up; the repeat and an unchanged snapshot said nothing")
            #expect(previous[2] as NSDictionary == ["scheduled_end": NSNull()], "cancel_at set")
            #expect(previous[4] as NSDictionary == ["status": "active", "mrr": 15500], "deleted; it had a stop before: no second contract.canceled")
            let object = (events[4]["data"] as? [String: Any])?["object"] as? [String: Any]
            #expect(object?["status"] as? String == "canceled")
        }
    }

    @Test func eventsAreKeptNinetyDays_andLongerWhileADeliveryOfThemIsPending() async throws {
        let time = SettableClock("2026-01-10T09:00:00Z")
        var arguments = TestArguments()
        arguments.clock = time.clock
        let database = arguments.database
        try await TestApp.run(arguments: arguments) { app in
            _ = try await app.createAccount("Old")
            let old = try #require(try await Self.events(app).last?["id"] as? String)
            // No worker runs in this test: the delivery of the next event stays pending.
            try await app.send(.post, "/v1/webhook-endpoints", #"{"url": "https://hooks.example.com/x", "enabled_events": ["account.created"]}"#)
            _ = try await app.createAccount("Waiting")
            let waiting = try #require(try await Self.events(app).last?["id"] as? String)
            let storage = try await database.openStorage(logger: Logger(label: "retention"))
            let log = Services(storage: storage, clock: time.clock, currency: "usd").events
            #expect(try await log.prune(now: time.clock.now().addingTimeInterval(89 * 86_400)) == 0)
            #expect(try await log.prune(now: time.clock.now().addingTimeInterval(91 * 86_400)) == 1)
            await storage.close()
            #expect(try await app.send(.get, "/v1/events/\(old)", key: TestApp.readKey).status == .notFound)
            #expect(try await app.send(.get, "/v1/events/\(waiting)", key: TestApp.readKey).status == .ok)
        }
    }
}
