import Foundation
import HTTPTypes
import SQLiteStore
import TenureTestSupport
import Testing

@Suite(.temporaryFolder) struct RenewalAndContractBlockTests {
    @Test func theCRMContractBlockCreatesThenUpdatesTheDealsManualContract() async throws {
        try await TestApp.run { app in
            let withoutBilling = CRMWebhookTests.closedWon().replacingOccurrences(
                of: #",\s*"billing": \{[^}]*\}"#,
                with: "",
                options: .regularExpression
            )
            #expect(!withoutBilling.contains("stripe_customer_id"))
            #expect(try await CRMWebhookTests.deliver(app, withoutBilling).json["status"] as? String == "processed")
            let account = try #require(try await app.send(.get, "/v1/accounts").data.first?["id"] as? String)
            var contracts = try await app.send(.get, "/v1/contracts?account_id=\(account)&as_of=2026-06-01").data
            #expect(contracts.count == 1)
            #expect(contracts.first?["mrr"] as? Int == 200_000)
            #expect(contracts.first?["start_date"] as? String == "2026-03-01")
            #expect(try await LifecycleAPITests.account(app, account)["lifecycle_stage"] as? String == "pending_payment")
            let repeated = withoutBilling.replacingOccurrences(of: #""recurring_amount": 2400000"#, with: #""recurring_amount": 3600000"#)
            #expect(try await CRMWebhookTests.deliver(app, repeated).json["status"] as? String == "processed")
            contracts = try await app.send(.get, "/v1/contracts?account_id=\(account)&as_of=2026-06-01").data
            #expect(contracts.count == 1, "a repeated Closed Won updates the deal's contract")
            #expect(contracts.first?["mrr"] as? Int == 300_000)
            try await app.send(
                .post,
                "/v1/payments",
                #"{"account_id": "\#(account)", "amount": 3600000, "currency": "usd", "paid_at": "2026-03-05T00:00:00Z", "reference": "inv-1"}"#
            )
            let view = try await LifecycleAPITests.account(app, account)
            #expect(view["lifecycle_stage"] as? String == "customer")
            #expect(view["mrr"] as? Int == 300_000)
        }
    }

    @Test func contractBlocksStoredBeforeContractsExistedAreAppliedOnStart() async throws {
        let arguments = TestArguments()
        let body = CRMWebhookTests.closedWon().replacingOccurrences(of: #",\s*"billing": \{[^}]*\}"#, with: "", options: .regularExpression)
        try await TestApp.run(arguments: arguments) { (app: TestApp) async throws in
            #expect(try await CRMWebhookTests.deliver(app, body).json["status"] as? String == "processed")
        }
        // As an older Tenure left it: the event stored, no contract.
        try await arguments.database.execute(
            "DELETE FROM contracts",
            "DELETE FROM mrr_movements",
            "DELETE FROM settings WHERE name = 'crm_contract_blocks_applied'"
        )
        try await TestApp.run(arguments: arguments, withKeys: false) { (app: TestApp) async throws in
            #expect(try await app.send(.get, "/v1/contracts?as_of=2026-06-01").data.compactMap { $0["mrr"] as? Int } == [200_000])
        }
    }

    @Test func withStripeBillingTheBlockOnlyRecordsTheRenewalDate() async throws {
        try await TestApp.run { app in
            #expect(try await CRMWebhookTests.deliver(app, CRMWebhookTests.closedWon()).json["status"] as? String == "processed")
            let account = try #require(try await app.send(.get, "/v1/accounts").data.first?["id"] as? String)
            #expect(try await app.send(.get, "/v1/contracts?account_id=\(account)").data.isEmpty)
            let subscription = StripeFixture.subscription("sub_r", customer: "cus_Q1acme", items: [StripeFixture.item(200_000)])
            try await app.stripe(StripeFixture.event("evt_r", "customer.subscription.created", created: "2026-03-02", subscription))
            try await app.stripe(
                StripeFixture.event(
                    "evt_rp",
                    "invoice.paid",
                    created: "2026-03-02",
                    StripeFixture.invoice("in_r", customer: "cus_Q1acme", paid: 200_000)
                )
            )
            let view = try await LifecycleAPITests.account(app, account)
            #expect(view["mrr"] as? Int == 200_000)
            #expect(view["renewal_date"] as? String == "2027-02-28", "a monthly subscription renews on the CRM contract's end date")
        }
    }

    @Test func renewalsListsContractsRenewingSoonWithTheLastExecutiveContact() async throws {
        try await TestApp.run { app in
            let (account, deal) = try await LifecycleAPITests.prospect(app)
            try await LifecycleAPITests.win(app, deal, at: "2026-01-05T00:00:00Z")
            try await app.send(
                .post,
                "/v1/payments",
                #"{"account_id": "\#(account)", "amount": 100, "currency": "usd", "paid_at": "2026-01-05T00:00:00Z", "reference": "r"}"#
            )
            try await app.send(
                .post,
                "/v1/contracts",
                #"{"account_id": "\#(account)", "start_date": "2026-01-05", "end_date": "2027-01-04", "billing_interval": "year", "recurring_amount": 120000, "currency": "usd"}"#
            )
            let ceo =
                try await app.send(.post, "/v1/contacts", #"{"account_id": "\#(account)", "name": "Pat", "title": "CEO"}"#).json["id"] as? String
                ?? ""
            try await app.send(
                .post,
                "/v1/activities",
                #"{"account_id": "\#(account)", "contact_id": "\#(ceo)", "type": "meeting", "occurred_at": "2026-11-01T00:00:00Z"}"#
            )
            let soon = try await app.send(.get, "/v1/renewals?as_of=2026-11-11").data
            #expect(soon.count == 1)
            #expect(soon.first?["renewal_date"] as? String == "2027-01-04")
            #expect(soon.first?["days_since_executive_contact"] as? Double == 10)
            #expect(try await app.send(.get, "/v1/renewals?as_of=2026-06-01").data.isEmpty, "outside 90 days")
            #expect(try await app.send(.get, "/v1/renewals?as_of=2026-06-01&within_days=365").data.count == 1)
            #expect(try await app.send(.get, "/v1/renewals?within_days=-1").status == .badRequest)
        }
    }

    @Test func ltvAndCACFollowTheDefinitions() async throws {
        try await TestApp.run { app in
            // Two customers from January, one churning in March: months Jan–Jun 2026 form W for as_of 2026-07-15.
            for (name, cancel) in [("Keep", nil), ("Leave", "2026-03-01")] as [(String, String?)] {
                let (account, deal) = try await LifecycleAPITests.prospect(app, name)
                try await LifecycleAPITests.win(app, deal, at: "2026-01-02T00:00:00Z")
                try await app.send(
                    .post,
                    "/v1/payments",
                    #"{"account_id": "\#(account)", "amount": 100, "currency": "usd", "paid_at": "2026-01-02T00:00:00Z", "reference": "r"}"#
                )
                let contract = try await app.send(
                    .post,
                    "/v1/contracts",
                    #"{"account_id": "\#(account)", "start_date": "2026-01-02", "billing_interval": "month", "recurring_amount": 10000, "currency": "usd"}"#
                )
                if let cancel {
                    try await app.send(.post, "/v1/contracts/\(contract.json["id"] as? String ?? "")/cancel", #"{"effective_date": "\#(cancel)"}"#)
                }
            }
            #expect(
                try await app.send(.post, "/v1/acquisition-spend", #"{"period": "2026-01", "amount": 30000, "currency": "usd", "channel": "ads"}"#)
                    .status == .created
            )
            try await app.send(.post, "/v1/acquisition-spend", #"{"period": "2026-01", "amount": 10000, "currency": "usd"}"#)
            #expect(
                try await app.send(.post, "/v1/acquisition-spend", #"{"period": "2026-1", "amount": 1, "currency": "usd"}"#).errorFields == ["period"]
            )
            let ltv = try await app.send(.get, "/v1/metrics/ltv?as_of=2026-07-15").json
            // ARPA 10000; monthly churn rates of the months with customers at their start (Feb–Jun): Mar 0.5, others 0 → 0.1.
            #expect(ltv["arpa"] as? Double == 10000)
            #expect(abs((ltv["avg_customer_churn_rate"] as? Double ?? 0) - 0.1) < 1e-12)
            #expect(abs((ltv["ltv"] as? Double ?? 0) - 100_000) < 1e-6)
            #expect(ltv["cac"] as? Double == 20000, "40000 of spend over 2 new customers")
            #expect(abs((ltv["ltv_cac_ratio"] as? Double ?? 0) - 5) < 1e-9)
            #expect(ltv["ltv_cac_healthy"] as? Bool == true)
            #expect(ltv["cac_payback_months"] as? Double == 2)
            #expect(ltv["ltv_reason"] is NSNull)
        }
    }
}
