import Foundation
import HTTPTypes
import Logging
import TenureCore
import TenurePersistence
import TenureServices
import TenureTestSupport
import Testing

/// Committed MRR over stored contracts and evaluations: red customers are at risk once their band is stored.
@Suite(.temporaryFolder) struct CommittedMRRAPITests {
    typealias Drift = HealthDriftTests

    @Test func redCustomersAndScheduledEndsAreAtRisk() async throws {
        try await TestApp.run { app in
            _ = try await Drift.customer(app, "Red")
            let failed = StripeFixture.invoice("in_red", customer: "cus_Red", paid: 0, due: 100000)
            try await app.stripe(StripeFixture.event("evt_red_failed", "invoice.payment_failed", created: "2026-05-20T00:00:00Z", failed))
            let ending = try await Drift.customer(app, "Ending")
            let contract = try #require(try await app.send(.get, "/v1/contracts?account_id=\(ending)").data.first?["id"] as? String)
            try await Drift.post(app, "/v1/contracts/\(contract)/cancel", #"{"effective_date": "2026-09-01"}"#)
            let growing = try await Drift.customer(app, "Growing")
            try await Drift.post(
                app,
                "/v1/contracts",
                #"{"account_id": "\#(growing)", "start_date": "2026-07-01", "billing_interval": "month", "recurring_amount": 50000, "currency": "usd"}"#
            )
            let (pending, deal) = try await LifecycleAPITests.prospect(app, "Pending")
            try await LifecycleAPITests.win(app, deal, at: "2026-02-01T00:00:00Z")
            try await Drift.post(
                app,
                "/v1/contracts",
                #"{"account_id": "\#(pending)", "start_date": "2026-03-01", "billing_interval": "year", "recurring_amount": 24000, "currency": "usd"}"#
            )

            func cmrr() async throws -> [String: Int] {
                try #require(try await app.send(.get, "/v1/metrics/summary?as_of=2026-06-01").json["cmrr"] as? [String: Int])
            }
            let before = try await cmrr()
            #expect(before == ["value": 252_000, "committed": 52_000, "at_risk": 100_000], "only the scheduled end before any evaluation")
            try await Drift.post(app, "/v1/health/evaluate?as_of=2026-06-01", "")
            #expect(try await app.send(.get, "/v1/health?band=red&as_of=2026-06-01").data.count == 2, "billing 20 and billing 0")
            #expect(try await cmrr() == ["value": 152_000, "committed": 52_000, "at_risk": 200_000])
        }
    }
}
