import Foundation
import HTTPTypes
import TenureCore
import TenureServices
import TenureTestSupport
import Testing

/// `POST /v1/webhooks/hubspot` (`INTEGRATIONS.md`, HubSpot) through the real app: workflows and webhooks-API batches,
/// signed with v3.
@Suite(.temporaryFolder) struct HubSpotWebhookTests {
    typealias CRM = CRMDeliveries
    let t0 = Date(timeIntervalSince1970: Double(Int(Date().timeIntervalSince1970) - 86_400 * 30))

    @Test func aWorkflowCreatesTheAccountAndTheDealAtTheCRMsTimes() async throws {
        try await TestApp.run { app in
            let (deal, company) = (CRM.id(), CRM.id())
            let body = CRM.workflow(
                deal: deal,
                stage: "closedwon",
                modified: t0.addingTimeInterval(3600),
                company: company,
                companyName: "Fennel & Finch",
                domain: "fennel-finch.example",
                amount: "18250.5",
                currency: "USD",
                created: t0
            )
            let reply = try await CRM.hubspot(app, body)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.json["status"] as? String == "processed")
            let account = try #require(try await app.account(externalID: company))
            #expect(account["name"] as? String == "Fennel & Finch")
            #expect(account["domain"] as? String == "fennel-finch.example")
            let opportunity = try await app.opportunity(externalID: deal)
            #expect(opportunity["amount"] as? Int == 1_825_050)
            #expect(opportunity["account_id"] as? String == account["id"] as? String)
            #expect(
                try await app.stageHistory(externalID: deal) == [
                    "prospecting@\(Timestamp.format(t0))", "closed_won@\(Timestamp.format(t0.addingTimeInterval(3600)))",
                ]
            )
            let events = try await app.webhookEvents("hubspot")
            #expect(events.map { $0["type"] as? String } == ["workflow.deal"])
            #expect((events.first?["event_id"] as? String)?.hasPrefix("workflow:") == true)
            // The same body again is the same event.
            #expect(try await CRM.hubspot(app, body).json["status"] as? String == "duplicate")
            #expect(try await app.webhookEvents("hubspot").count == 1)
        }
    }

    @Test func wrappedPropertiesAndAssociatedCompaniesAreRead() async throws {
        try await TestApp.run { app in
            let (deal, company) = (CRM.id(), CRM.id())
            var body = CRM.workflow(deal: deal, stage: "qualifiedtobuy", modified: t0, amount: 9600.75, nested: true)
            body.removeLast()
            body += #","associations":{"associatedCompanyIds":[\#(company)]}}"#
            #expect(try await CRM.hubspot(app, body).json["status"] as? String == "processed")
            let account = try #require(try await app.account(externalID: company))
            #expect(account["name"] as? String == "HubSpot company \(company)")
            #expect(try await app.opportunity(externalID: deal)["amount"] as? Int == 960_075)
            #expect(try await app.opportunity(externalID: deal)["stage"] as? String == "discovery")
        }
    }

    @Test func propertyChangesWaitForTheirDealThenApplyInOrder() async throws {
        try await TestApp.run { app in
            let (deal, company) = (CRM.id(), CRM.id())
            let batch = CRM.json([
                CRM.event(deal: deal, property: "dealstage", value: "contractsent", at: t0.addingTimeInterval(7200)),
                CRM.event(deal: deal, property: "amount", value: "31000", at: t0.addingTimeInterval(7200)),
                CRM.event(deal: deal, property: "email", value: "x", at: t0, type: "contact.creation"),
                CRM.event(deal: deal, property: "hs_next_step", value: "call", at: t0),
            ])
            let reply = try await CRM.hubspot(app, batch)
            #expect(reply.status == .ok, "\(reply.text)")
            let results = reply.json["results"] as? [[String: Any]] ?? []
            #expect(results.map { $0["status"] as? String } == ["pending", "pending", "ignored", "ignored"])
            #expect(results.allSatisfy { ($0["event_id"] as? String)?.hasPrefix("62515:") == true })
            #expect(try await app.send(.get, "/v1/opportunities?external_id=\(deal)").data.isEmpty)
            // The workflow that creates the deal applies what waited for it.
            let created = CRM.workflow(deal: deal, stage: "appointmentscheduled", modified: t0.addingTimeInterval(60), company: company, created: t0)
            #expect(try await CRM.hubspot(app, created).json["status"] as? String == "processed")
            let opportunity = try await app.opportunity(externalID: deal)
            #expect(opportunity["stage"] as? String == "proposal")
            #expect(opportunity["amount"] as? Int == 3_100_000)
            #expect(
                try await app.stageHistory(externalID: deal) == [
                    "prospecting@\(Timestamp.format(t0))", "proposal@\(Timestamp.format(t0.addingTimeInterval(7200)))",
                ]
            )
            let statuses = try await app.webhookEvents("hubspot").compactMap { $0["status"] as? String }
            #expect(statuses.sorted() == ["ignored", "ignored", "processed", "processed", "processed"])
            // A repeat of the batch is four duplicates.
            let repeated = try await CRM.hubspot(app, batch).json["results"] as? [[String: Any]] ?? []
            #expect(repeated.map { $0["status"] as? String } == Array(repeating: "duplicate", count: 4))
        }
    }

    @Test func aLostReasonSentApartIsTheDealsReason() async throws {
        try await TestApp.run { app in
            let deal = CRM.id()
            try await CRM.hubspot(app, CRM.workflow(deal: deal, stage: "qualifiedtobuy", modified: t0, company: CRM.id()))
            let lost = t0.addingTimeInterval(600)
            let batch = CRM.json([
                CRM.event(deal: deal, property: "closed_lost_reason", value: "Went with a competitor", at: lost, eventID: 2),
                CRM.event(deal: deal, property: "dealstage", value: "closedlost", at: lost, eventID: 1),
            ])
            #expect(try await CRM.hubspot(app, batch).status == .ok)
            let opportunity = try await app.opportunity(externalID: deal)
            #expect(opportunity["stage"] as? String == "closed_lost")
            #expect(opportunity["lost_reason"] as? String == "Went with a competitor")
            #expect(try await app.stageHistory(externalID: deal).count == 3)
        }
    }

    @Test func anUnmappedStageFailsUntilTheMapNamesIt() async throws {
        try await TestApp.run { app in
            let deal = CRM.id()
            let workflow = try await CRM.hubspot(app, CRM.workflow(deal: deal, stage: "custom-stage-7", modified: t0, company: CRM.id()))
            #expect(workflow.status == .unprocessableContent)
            #expect(workflow.errorFields == ["unmapped_stage"])
            let batch = try await CRM.hubspot(
                app,
                CRM.json([CRM.event(deal: deal, property: "dealstage", value: "Custom-Stage-7 ", at: t0.addingTimeInterval(60))])
            )
            let results = batch.json["results"] as? [[String: Any]] ?? []
            #expect(results.first?["status"] as? String == "failed")
            #expect((results.first?["error"] as? String)?.hasPrefix("unmapped_stage") == true)
            #expect(try await app.send(.get, "/v1/opportunities?external_id=\(deal)").data.isEmpty)
            let events = try await app.webhookEvents("hubspot")
            #expect(events.allSatisfy { ($0["error"] as? String)?.hasPrefix("unmapped_stage:") == true && $0["status"] as? String == "failed" })
            let put = try await app.send(
                .put,
                "/v1/settings/crm-mapping",
                #"{"hubspot": {"stages": {"custom-stage-7": "solution_fit", "closedwon": "closed_won"}}}"#
            )
            #expect(put.status == .ok, "\(put.text)")
            #expect(try await app.opportunity(externalID: deal)["stage"] as? String == "solution_fit")
            let replayed = try await app.webhookEvents("hubspot")
            #expect(replayed.map { $0["status"] as? String } == ["processed", "processed"])
            #expect(replayed.map { $0["attempts"] as? Int } == [2, 2])
        }
    }

    @Test func everyAuthenticationFailureIs401AndStoresNothing() async throws {
        try await TestApp.run { app in
            let body = CRM.workflow(deal: CRM.id(), stage: "closedwon", modified: t0, company: CRM.id())
            let before = try await app.snapshot()
            let stamp = String(CRM.millis(Date()))
            let v1 = HTTPFields([HTTPField(name: HTTPField.Name("X-HubSpot-Signature")!, value: "abc")])
            let rejections = [
                try await CRM.hubspot(app, body, secret: "not-the-secret"),
                try await CRM.hubspot(app, body, timestamp: Date().addingTimeInterval(-310)),
                try await CRM.hubspot(app, body, timestamp: Date().addingTimeInterval(310)),
                try await CRM.hubspot(app, body, headers: v1),
                try await CRM.hubspot(app, body, headers: [HTTPField.Name("X-HubSpot-Request-Timestamp")!: stamp]),
                try await app.send(.post, "/v1/webhooks/hubspot?x=1", body, key: nil, headers: try Self.signed(body, path: "/v1/webhooks/hubspot")),
            ]
            for reply in rejections {
                #expect(reply.status == .unauthorized)
                #expect(reply.json["type"] as? String == "https://tenure.dev/problems/invalid-signature")
            }
            #expect(try await app.snapshot() == before)
            // The previous secret (rotation) and a query string, signed as HubSpot signs them, pass.
            #expect(try await CRM.hubspot(app, body, secret: CRM.oldHubSpotSecret, query: "?portal=62515").status == .ok)
        }
    }

    static func signed(_ body: String, path: String) throws -> HTTPFields {
        let stamp = String(CRM.millis(Date()))
        let signature = HubSpotSignature.sign(
            method: "POST",
            uri: CRM.publicURL + path,
            body: Array(body.utf8),
            timestamp: stamp,
            secret: CRM.hubspotSecret
        )
        return [HTTPField.Name("X-HubSpot-Signature-v3")!: signature, HTTPField.Name("X-HubSpot-Request-Timestamp")!: stamp]
    }

    @Test func withoutAConfiguredSecretEveryDeliveryIs401() async throws {
        var arguments = TestArguments()
        arguments.webhookSecrets.hubspot = []
        try await TestApp.run(arguments: arguments) { app in
            let reply = try await CRM.hubspot(app, CRM.workflow(deal: CRM.id(), stage: "closedwon", modified: t0))
            #expect(reply.status == .unauthorized)
        }
    }

    @Test func signedButMalformedDeliveriesAre400AndStoreNothing() async throws {
        try await TestApp.run { app in
            let before = try await app.snapshot()
            let tooMany = CRM.json((0..<101).map { CRM.event(deal: String($0 + 1), property: "amount", value: "1", at: t0, eventID: $0) })
            let noEventID = CRM.json([CRM.event(deal: CRM.id(), property: "amount", value: "1", at: t0).filter { $0.key != "eventId" }])
            for body in ["not json", #"{"dealname": "no id"}"#, "42", tooMany, noEventID] {
                let reply = try await CRM.hubspot(app, body)
                #expect(reply.status == .badRequest, "\(body.prefix(40)): \(reply.text)")
            }
            let huge = #"{"hs_object_id": "1", "dealname": ""# + String(repeating: "x", count: 1 << 20) + #""}"#
            #expect(try await CRM.hubspot(app, huge).status == .contentTooLarge)
            #expect(try await app.snapshot() == before)
        }
    }

    @Test func twentyConcurrentCopiesHaveOneEffect() async throws {
        try await TestApp.run { app in
            let deal = CRM.id()
            let body = CRM.workflow(deal: deal, stage: "closedwon", modified: t0, company: CRM.id(), companyName: "Twenty Copies Ltd", created: t0)
            let statuses = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 { group.addTask { try await CRM.hubspot(app, body).json["status"] as? String ?? "none" } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.sorted() == Array(repeating: "duplicate", count: 19) + ["processed"])
            #expect(try await app.stageHistory(externalID: deal) == ["prospecting@\(Timestamp.format(t0))", "closed_won@\(Timestamp.format(t0))"])
            #expect(try await app.send(.get, "/v1/accounts?limit=100").data.filter { $0["name"] as? String == "Twenty Copies Ltd" }.count == 1)
        }
    }

    @Test func shuffledSnapshotsGiveTheHistoryOfInOrderDelivery() async throws {
        try await TestApp.run { app in
            let stages = [
                "appointmentscheduled", "qualifiedtobuy", "qualifiedtobuy", "presentationscheduled", "qualifiedtobuy", "contractsent",
                "decisionmakerboughtin", "closedwon",
            ]
            let (inOrder, shuffled, company) = (CRM.id(), CRM.id(), CRM.id())
            func snapshots(_ deal: String) -> [String] {
                stages.enumerated().map { index, stage in
                    CRM.workflow(deal: deal, stage: stage, modified: t0.addingTimeInterval(Double(index) * 3600), company: company, created: t0)
                }
            }
            for body in snapshots(inOrder) { #expect(try await CRM.hubspot(app, body).status == .ok) }
            var generator = SystemRandomNumberGenerator()
            for body in snapshots(shuffled).shuffled(using: &generator) + snapshots(shuffled).shuffled(using: &generator) {
                #expect(try await CRM.hubspot(app, body).status == .ok)
            }
            let expected = try await app.stageHistory(externalID: inOrder)
            #expect(expected.map { $0.prefix { $0 != "@" } } == ["prospecting", "discovery", "solution_fit", "discovery", "proposal", "closed_won"])
            #expect(try await app.stageHistory(externalID: shuffled) == expected)
        }
    }

    @Test func aRealCompanyNameReplacesThePlaceholderInAnyOrder() async throws {
        try await TestApp.run { app in
            let (deal, company) = (CRM.id(), CRM.id())
            try await CRM.hubspot(app, CRM.workflow(deal: deal, stage: "qualifiedtobuy", modified: t0.addingTimeInterval(600), company: company))
            #expect(try await app.account(externalID: company)?["name"] as? String == "HubSpot company \(company)")
            // Older, but the first real name.
            try await CRM.hubspot(app, CRM.workflow(deal: deal, stage: "qualifiedtobuy", modified: t0, company: company, companyName: "Quill Works"))
            #expect(try await app.account(externalID: company)?["name"] as? String == "Quill Works")
            // Newer, without a name: the real one stays.
            try await CRM.hubspot(
                app,
                CRM.workflow(deal: deal, stage: "presentationscheduled", modified: t0.addingTimeInterval(1200), company: company)
            )
            #expect(try await app.account(externalID: company)?["name"] as? String == "Quill Works")
        }
    }

    @Test func anotherCurrencyIsIgnored() async throws {
        try await TestApp.run { app in
            let deal = CRM.id()
            let reply = try await CRM.hubspot(
                app,
                CRM.workflow(deal: deal, stage: "closedwon", modified: t0, company: CRM.id(), amount: "100", currency: "EUR")
            )
            #expect(reply.json["status"] as? String == "ignored")
            #expect(try await app.send(.get, "/v1/opportunities?external_id=\(deal)").data.isEmpty)
        }
    }
}
