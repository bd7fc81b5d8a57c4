import Foundation
import HTTPTypes
import TenureCore
import TenureServices
import TenureTestSupport
import Testing

/// `POST /v1/webhooks/pipedrive` (`INTEGRATIONS.md`, Pipedrive) through the real app: webhooks v2 with HTTP Basic.
@Suite(.temporaryFolder) struct PipedriveWebhookTests {
    typealias CRM = CRMDeliveries
    let t0 = Date(timeIntervalSince1970: Double(Int(Date().timeIntervalSince1970) - 86_400 * 20))

    static func number() -> Int { Int.random(in: 1000...999_999) }

    @Test func aWonDealMakesAPlaceholderAccountThatTheOrganizationNamesInAnyOrder() async throws {
        try await TestApp.run { app in
            let (deal, organization) = (Self.number(), Self.number())
            let reply = try await CRM.pipedrive(
                app,
                CRM.pipedriveDeal(deal: deal, status: "won", at: t0, organization: organization, value: "18250.5")
            )
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.json["status"] as? String == "processed")
            #expect(try await app.account(externalID: String(organization))?["name"] as? String == "Pipedrive organization \(organization)")
            let opportunity = try await app.opportunity(externalID: String(deal))
            #expect(opportunity["stage"] as? String == "closed_won")
            #expect(opportunity["amount"] as? Int == 1_825_050)
            #expect(try await app.stageHistory(externalID: String(deal)).last == "closed_won@\(Timestamp.format(t0))")
            // The organization's name, older than the deal, still replaces the placeholder.
            let named = try await CRM.pipedrive(app, CRM.pipedriveOrganization(organization, name: "Larch & Lime", at: t0.addingTimeInterval(-60)))
            #expect(named.json["status"] as? String == "processed")
            #expect(try await app.account(externalID: String(organization))?["name"] as? String == "Larch & Lime")
            // Organization first: the deal keeps its name.
            let (other, otherOrganization) = (Self.number(), Self.number())
            try await CRM.pipedrive(app, CRM.pipedriveOrganization(otherOrganization, name: "Birch Partners", at: t0))
            try await CRM.pipedrive(
                app,
                CRM.pipedriveDeal(deal: other, status: "won", at: t0.addingTimeInterval(60), organization: otherOrganization)
            )
            #expect(try await app.account(externalID: String(otherOrganization))?["name"] as? String == "Birch Partners")
            let events = try await app.webhookEvents("pipedrive")
            #expect(Set(events.compactMap { $0["type"] as? String }) == ["change.deal", "change.organization"])
        }
    }

    @Test func openDealsMapTheirStageIDOnceTheMapNamesIt() async throws {
        try await TestApp.run { app in
            let deal = Self.number()
            let stageID = Int.random(in: 10...99)
            let reply = try await CRM.pipedrive(
                app,
                CRM.pipedriveDeal(deal: deal, status: "open", at: t0, organization: Self.number(), stageID: stageID)
            )
            #expect(reply.status == .ok)
            #expect(reply.json["status"] as? String == "failed")
            #expect((try await app.webhookEvents("pipedrive").first?["error"] as? String)?.hasPrefix("unmapped_stage") == true)
            let put = try await app.send(.put, "/v1/settings/crm-mapping", #"{"pipedrive": {"stages": {"\#(stageID)": "proposal"}}}"#)
            #expect(put.status == .ok, "\(put.text)")
            #expect(try await app.opportunity(externalID: String(deal))["stage"] as? String == "proposal")
            #expect(try await app.webhookEvents("pipedrive").first?["status"] as? String == "processed")
        }
    }

    @Test func aLostDealWithoutAReasonIsUnspecified() async throws {
        try await TestApp.run { app in
            let (quiet, explained) = (Self.number(), Self.number())
            try await CRM.pipedrive(app, CRM.pipedriveDeal(deal: quiet, status: "lost", at: t0, organization: Self.number()))
            try await CRM.pipedrive(
                app,
                CRM.pipedriveDeal(deal: explained, status: "lost", at: t0, organization: Self.number(), lostReason: "Budget cut")
            )
            #expect(try await app.opportunity(externalID: String(quiet))["lost_reason"] as? String == "unspecified")
            #expect(try await app.opportunity(externalID: String(explained))["lost_reason"] as? String == "Budget cut")
        }
    }

    @Test func aDealWithoutOrganizationFailsUnlessItIsKnown() async throws {
        try await TestApp.run { app in
            let deal = Self.number()
            let orphan = try await CRM.pipedrive(app, CRM.pipedriveDeal(deal: deal, status: "won", at: t0))
            #expect(orphan.status == .ok)
            #expect(orphan.json["status"] as? String == "failed")
            #expect((try await app.webhookEvents("pipedrive").first?["error"] as? String)?.hasPrefix("no_account") == true)
            try await CRM.pipedrive(app, CRM.pipedriveDeal(deal: deal, status: "lost", at: t0, organization: Self.number(), action: "create"))
            let known = try await CRM.pipedrive(app, CRM.pipedriveDeal(deal: deal, status: "won", at: t0.addingTimeInterval(60)))
            #expect(known.json["status"] as? String == "processed")
            #expect(try await app.opportunity(externalID: String(deal))["stage"] as? String == "closed_won")
        }
    }

    @Test func anotherCurrencyIsIgnoredAndOtherEntitiesToo() async throws {
        try await TestApp.run { app in
            let eur = try await CRM.pipedrive(
                app,
                CRM.pipedriveDeal(deal: Self.number(), status: "won", at: t0, organization: Self.number(), currency: "EUR")
            )
            #expect(eur.json["status"] as? String == "ignored")
            let person = CRM.json(["meta": ["action": "change", "entity": "person", "id": UUID().uuidString], "data": ["id": 3]])
            #expect(try await CRM.pipedrive(app, person).json["status"] as? String == "ignored")
            let deleted = CRM.json(["meta": ["action": "delete", "entity": "deal", "id": UUID().uuidString], "data": NSNull()])
            #expect(try await CRM.pipedrive(app, deleted).json["status"] as? String == "ignored")
            #expect(try await app.send(.get, "/v1/opportunities").data.isEmpty)
        }
    }

    @Test func everyCredentialFailureIs401AndStoresNothing() async throws {
        try await TestApp.run { app in
            let body = CRM.pipedriveDeal(deal: Self.number(), status: "won", at: t0, organization: Self.number())
            let before = try await app.snapshot()
            let user = CRM.pipedriveCredentials.prefix { $0 != ":" }
            for credentials in [nil, "\(user):wrong", "\(user)", "someone:\(CRM.pipedriveCredentials.split(separator: ":")[1])"] {
                let reply = try await CRM.pipedrive(app, body, credentials: credentials)
                #expect(reply.status == .unauthorized)
                #expect(reply.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
            }
            #expect(try await app.snapshot() == before)
            #expect(try await CRM.pipedrive(app, body, credentials: "rotated-hook:an0ther-pa55").status == .ok)
        }
        var arguments = TestArguments()
        arguments.webhookSecrets.pipedrive = []
        try await TestApp.run(arguments: arguments) { app in
            let reply = try await CRM.pipedrive(app, CRM.pipedriveDeal(deal: Self.number(), status: "won", at: t0, organization: 1))
            #expect(reply.status == .unauthorized)
        }
    }

    @Test func malformedDeliveriesAre400AndStoreNothing() async throws {
        try await TestApp.run { app in
            let before = try await app.snapshot()
            let noID = CRM.json(["meta": ["action": "change", "entity": "deal"], "data": ["id": 1]])
            let noDealID = CRM.json(["meta": ["action": "change", "entity": "deal", "id": "x"], "data": ["title": "no id"]])
            for body in ["{", "[]", noID, noDealID] {
                #expect(try await CRM.pipedrive(app, body).status == .badRequest, "\(body)")
            }
            #expect(try await app.snapshot() == before)
        }
    }
}

extension PipedriveWebhookTests {
    @Test func anOversizedDeliveryIs413AndStoresNothing() async throws {
        try await TestApp.run { app in
            let before = try await app.snapshot()
            var body = CRMDeliveries.pipedriveDeal(deal: Self.number(), status: "won", at: t0, organization: Self.number())
            body.removeLast()
            body += #", "padding": ""# + String(repeating: "x", count: 1 << 20) + #""}"#
            #expect(try await CRMDeliveries.pipedrive(app, body).status == .contentTooLarge)
            #expect(try await app.snapshot() == before)
        }
    }
}
