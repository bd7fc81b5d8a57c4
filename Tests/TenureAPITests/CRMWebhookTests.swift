import Foundation
import HTTPTypes
import SQLiteStore
import TenureServices
import TenureTestSupport
import Testing

/// `POST /v1/webhooks/crm` through the real app, signed as a CRM would sign.
@Suite(.temporaryFolder) struct CRMWebhookTests {
    static func closedWon(
        type: String = "opportunity.closed_won",
        stage: String? = nil,
        occurredAt: String = "2026-03-02T15:04:05Z",
        opportunity: String = "0065g00000PlatAAA",
        lostReason: String? = nil,
        currency: String = "usd",
        account: String = #""external_id": "0015g00000AcmeAAA", "name": "Acme Corp", "domain": "acme.com""#
    ) -> String {
        let stageField = stage.map { #""stage": "\#($0)", "# } ?? ""
        let reason = lostReason.map { #", "lost_reason": "\#($0)""# } ?? ""
        return """
            {"type": "\(type)", \(stageField)"occurred_at": "\(occurredAt)",
             "account": {\(account), "segment": "enterprise", "owner": "dana@seller.example"},
             "opportunity": {"external_id": "\(opportunity)", "name": "Acme — Platform", "amount": 2400000, "currency": "\(currency)",
                             "created_at": "2026-01-10T10:00:00Z", "owner": "dana@seller.example", "type": "new_business"\(reason)},
             "contract": {"start_date": "2026-03-01", "end_date": "2027-02-28", "billing_interval": "year", "recurring_amount": 2400000},
             "billing": {"stripe_customer_id": "cus_Q1acme"}}
            """
    }

    /// Posts `body` signed with `secret` (or with the headers given).
    @discardableResult
    static func deliver(
        _ app: TestApp,
        _ body: String,
        id: String = "msg_\(UUID().uuidString)",
        secret: String = TestApp.crmSecret,
        timestamp: Date = Date(),
        signature: String? = nil,
        signedBody: String? = nil
    ) async throws -> TestReply {
        let seconds = Int64(timestamp.timeIntervalSince1970)
        let signed = StandardWebhookSignature.sign(id: id, timestamp: seconds, body: Array((signedBody ?? body).utf8), secret: secret) ?? ""
        let headers: HTTPFields = [
            HTTPField.Name("webhook-id")!: id, HTTPField.Name("webhook-timestamp")!: String(seconds),
            HTTPField.Name("webhook-signature")!: signature ?? signed,
        ]
        return try await app.send(.post, "/v1/webhooks/crm", body, key: nil, headers: headers)
    }

    @Test func closedWonUpsertsAccountAndOpportunityAndLinksStripe() async throws {
        try await TestApp.run { app in
            let reply = try await Self.deliver(app, Self.closedWon())
            #expect(reply.status == .ok)
            #expect(reply.json["status"] as? String == "processed")
            let account = try #require(try await app.send(.get, "/v1/accounts?external_id=0015g00000AcmeAAA").data.first)
            #expect(account["domain"] as? String == "acme.com")
            #expect(account["stripe_customer_id"] as? String == "cus_Q1acme")
            #expect(account["segment"] as? String == "enterprise")
            let opportunity = try #require(try await app.send(.get, "/v1/opportunities?account_id=\(account["id"] as? String ?? "")").data.first)
            let detail = try await app.send(.get, "/v1/opportunities/\(opportunity["id"] as? String ?? "")").json
            #expect(detail["stage"] as? String == "closed_won")
            #expect(detail["amount"] as? Int == 2_400_000)
            #expect(detail["created_at"] as? String == "2026-01-10T10:00:00Z")
            let history = detail["stage_history"] as? [[String: Any]] ?? []
            #expect(history.compactMap { $0["to"] as? String } == ["prospecting", "closed_won"])
            #expect(history.compactMap { $0["at"] as? String } == ["2026-01-10T10:00:00Z", "2026-03-02T15:04:05Z"])
            let events = try await app.send(.get, "/v1/webhook-events?source=crm").data
            #expect(events.first?["status"] as? String == "processed")
            #expect(events.first?["type"] as? String == "opportunity.closed_won")
        }
    }

    @Test func everySignatureFailureIs401AndStoresNothing() async throws {
        try await TestApp.run { app in
            let body = Self.closedWon()
            let before = try await app.snapshot()
            let wrongSecret = "whsec_" + Data("not-the-secret".utf8).base64EncodedString()
            var tampered = Array(body.utf8)
            tampered[40] ^= 1
            let reformatted = body.replacingOccurrences(of: ", ", with: ",")
            let rejections = [
                try await Self.deliver(app, String(decoding: tampered, as: UTF8.self), signedBody: body),
                try await Self.deliver(app, body, secret: wrongSecret),
                // ±301 s exactly is tested with a fixed clock in StandardWebhookSignatureTests; here a margin absorbs a slow machine.
                try await Self.deliver(app, body, timestamp: Date().addingTimeInterval(-310)),
                try await Self.deliver(app, body, timestamp: Date().addingTimeInterval(310)),
                try await Self.deliver(app, reformatted, signedBody: body),
                try await app.send(.post, "/v1/webhooks/crm", body, key: nil),
            ]
            for reply in rejections {
                #expect(reply.status == .unauthorized)
                #expect(reply.json["type"] as? String == "https://tenure.dev/problems/invalid-signature")
            }
            #expect(try await app.snapshot() == before)
            #expect(try await Self.deliver(app, body, timestamp: Date().addingTimeInterval(-290)).status == .ok)
        }
    }

    @Test func twoSignaturesWithOneValidAndRotatedSecretsPass() async throws {
        try await TestApp.run { app in
            let body = Self.closedWon()
            let id = "msg_rotation"
            let seconds = Int64(Date().timeIntervalSince1970)
            let valid = StandardWebhookSignature.sign(id: id, timestamp: seconds, body: Array(body.utf8), secret: TestApp.crmSecret) ?? ""
            let twoSignatures = try await Self.deliver(app, body, id: id, signature: "v1,aW52YWxpZA== \(valid)")
            #expect(twoSignatures.json["status"] as? String == "processed")
            let rotated = try await Self.deliver(app, Self.closedWon(opportunity: "opp-2"), secret: TestApp.rotatedCRMSecret)
            #expect(rotated.json["status"] as? String == "processed")
        }
    }

    @Test func signedButMalformedBodiesAre400AndStoreNothing() async throws {
        try await TestApp.run { app in
            let before = try await app.snapshot()
            #expect(try await Self.deliver(app, "not json").status == .badRequest)
            #expect(try await Self.deliver(app, #"{"occurred_at": "2026-03-02T15:04:05Z"}"#).status == .badRequest)
            #expect(try await app.snapshot() == before)
        }
    }

    @Test func hundredConcurrentDuplicatesApplyOnce() async throws {
        try await TestApp.run { app in
            let body = Self.closedWon()
            let statuses = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<100 {
                    group.addTask { try await Self.deliver(app, body, id: "msg_same").json["status"] as? String ?? "?" }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == "processed" }.count == 1)
            #expect(statuses.filter { $0 == "duplicate" }.count == 99)
            let opportunities = try await app.send(.get, "/v1/opportunities").data
            #expect(opportunities.count == 1)
            let detail = try await app.send(.get, "/v1/opportunities/\(opportunities.first?["id"] as? String ?? "")").json
            #expect((detail["stage_history"] as? [[String: Any]])?.count == 2, "created, then one closed_won")
            #expect(try await app.send(.get, "/v1/webhook-events").data.count == 1)
        }
    }

    @Test func shuffledStageChangesGiveTheSameHistoryAsInOrder() async throws {
        let events: [(String, String?, String)] = [
            ("opportunity.stage_changed", "discovery", "2026-01-15T00:00:00Z"), ("opportunity.stage_changed", "solution_fit", "2026-02-01T00:00:00Z"),
            ("opportunity.stage_changed", "discovery", "2026-02-10T00:00:00Z"), ("opportunity.stage_changed", "proposal", "2026-02-20T00:00:00Z"),
            ("opportunity.closed_won", nil, "2026-03-02T15:04:05Z"),
        ]
        func history(_ order: [Int]) async throws -> [String] {
            try await TestApp.run { (app: TestApp) async throws -> [String] in
                for index in order {
                    let (type, stage, at) = events[index]
                    let reply = try await Self.deliver(app, Self.closedWon(type: type, stage: stage, occurredAt: at), id: "msg_\(index)")
                    #expect(reply.json["status"] as? String == "processed")
                }
                let id = try await app.send(.get, "/v1/opportunities").data.first?["id"] as? String ?? ""
                let transitions = try await app.send(.get, "/v1/opportunities/\(id)").json["stage_history"] as? [[String: Any]] ?? []
                return transitions.map { "\($0["from"] as? String ?? "-")→\($0["to"] as? String ?? "")@\($0["at"] as? String ?? "")" }
            }
        }
        let inOrder = try await history([0, 1, 2, 3, 4])
        #expect(inOrder.count == 6)
        #expect(inOrder.last == "proposal→closed_won@2026-03-02T15:04:05Z")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5 {
            #expect(try await history(Array(0..<5).shuffled(using: &generator)) == inOrder)
        }
        #expect(try await history([4, 3, 2, 1, 0]) == inOrder)
    }

    @Test func invalidContentIsStoredAsFailedAnswered422AndRetriedOnRedelivery() async throws {
        try await TestApp.run { app in
            let lost = Self.closedWon(type: "opportunity.closed_lost")
            let reply = try await Self.deliver(app, lost, id: "msg_lost")
            #expect(reply.status == .unprocessableContent)
            #expect(reply.errorFields == ["opportunity.lost_reason"])
            #expect(try await app.send(.get, "/v1/accounts").data.isEmpty, "effects rolled back")
            let failed = try #require(try await app.send(.get, "/v1/webhook-events?status=failed").data.first)
            #expect(failed["error"] as? String == "opportunity.lost_reason: is required for closed_lost")
            let again = try await Self.deliver(app, lost, id: "msg_lost")
            #expect(again.status == .unprocessableContent, "a redelivery of a failed id tries again")
            let replay = try await app.send(.post, "/v1/webhook-events/\(failed["id"] as? String ?? "")/replay")
            #expect(replay.json["status"] as? String == "failed")
            #expect(replay.json["attempts"] as? Int == 3)
            let unknownStage = try await Self.deliver(app, Self.closedWon(type: "opportunity.stage_changed", stage: "negotiation"))
            #expect(unknownStage.errorFields == ["stage"])
        }
    }

    @Test func storageFailureIs503SoTheSenderRetriesAndTheRetryApplies() async throws {
        try await TestApp.run { app in
            let refused = try await app.database.whileLocked { try await Self.deliver(app, Self.closedWon(), id: "msg_retry") }
            #expect(refused.status == .serviceUnavailable)
            #expect(try await app.send(.get, "/v1/webhook-events").data.isEmpty, "a 503 stored nothing")
            #expect(try await Self.deliver(app, Self.closedWon(), id: "msg_retry").json["status"] as? String == "processed")
        }
    }

    @Test func unhandledTypesAndOtherCurrenciesAreIgnored() async throws {
        try await TestApp.run { app in
            #expect(try await Self.deliver(app, #"{"type": "contact.updated"}"#).json["status"] as? String == "ignored")
            #expect(try await Self.deliver(app, Self.closedWon(currency: "eur")).json["status"] as? String == "ignored")
            #expect(try await app.send(.get, "/v1/opportunities").data.isEmpty)
            let ignored = try await app.send(.get, "/v1/webhook-events?status=ignored").data
            #expect(ignored.count == 2)
            #expect(try await app.send(.get, "/v1/webhook-events", key: TestApp.writeKey).status == .forbidden)
            let processedReplay = try await app.send(.post, "/v1/webhook-events/\(ignored.first?["id"] as? String ?? "")/replay")
            #expect(processedReplay.json["attempts"] as? Int == 1, "replaying an applied event is a no-op")
        }
    }

    @Test func accountIsFoundByExternalIdThenDomainAndTheLatestEventWins() async throws {
        try await TestApp.run { app in
            let byDomain = try await app.createAccount("Acme (manual)", domain: "acme.com")
            let newer = Self.closedWon(
                type: "opportunity.stage_changed",
                stage: "discovery",
                occurredAt: "2026-02-01T00:00:00Z",
                account: #""external_id": "crm-acme", "name": "Acme Newer", "domain": "www.acme.com""#
            )
            #expect(try await Self.deliver(app, newer).json["status"] as? String == "processed")
            let older = Self.closedWon(
                type: "opportunity.stage_changed",
                stage: "prospecting",
                occurredAt: "2026-01-20T00:00:00Z",
                account: #""external_id": "crm-acme", "name": "Acme Older", "domain": "acme.com""#
            )
            #expect(try await Self.deliver(app, older).json["status"] as? String == "processed")
            let accounts = try await app.send(.get, "/v1/accounts").data
            #expect(accounts.count == 1)
            #expect(accounts.first?["id"] as? String == byDomain, "matched by domain, then linked by external id")
            #expect(accounts.first?["name"] as? String == "Acme Newer", "an older event does not overwrite newer values")
            #expect(accounts.first?["external_id"] as? String == "crm-acme")
        }
    }

    @Test func aCRMChangeOfTheDealsAmountIsAForecastChange_onceAndNotOnARepeat() async throws {
        try await TestApp.run { app in
            let first = Self.closedWon(type: "opportunity.stage_changed", stage: "discovery", occurredAt: "2026-02-01T00:00:00Z")
            #expect(try await Self.deliver(app, first).json["status"] as? String == "processed")
            let raised = Self.closedWon(type: "opportunity.stage_changed", stage: "discovery", occurredAt: "2026-02-03T00:00:00Z")
                .replacingOccurrences(of: #""amount": 2400000"#, with: #""amount": 2650000"#)
            #expect(try await Self.deliver(app, raised, id: "msg_raised").json["status"] as? String == "processed")
            #expect(try await Self.deliver(app, raised, id: "msg_raised").status == .ok)
            let changes = try await EventLogTests.events(app, "&type=opportunity.forecast_changed")
            let previous = changes.map { NSDictionary(dictionary: ($0["data"] as? [String: Any])?["previous"] as? [String: Any] ?? [:]) }
            #expect(previous == [NSDictionary(dictionary: ["amount": 2_400_000])], "the first delivery created the deal; the repeat changed nothing")
        }
    }
}
