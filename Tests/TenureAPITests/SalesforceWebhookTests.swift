import Foundation
import HTTPTypes
import TenureCore
import TenureServices
import TenureTestSupport
import Testing

/// `POST /v1/webhooks/salesforce` (`INTEGRATIONS.md`, Salesforce) through the real app: Outbound Messages from an
/// allowed organization, acknowledged once stored, errors as SOAP faults.
@Suite(.temporaryFolder) struct SalesforceWebhookTests {
    typealias CRM = CRMDeliveries
    let t0 = Date(timeIntervalSince1970: Double(Int(Date().timeIntervalSince1970) - 86_400 * 10))

    @Test func aWonOpportunityIsAcknowledgedAndItsAccountNamedLater() async throws {
        try await TestApp.run { app in
            let (opportunity, account) = (CRM.id("0065g0000"), CRM.id("0015g0000"))
            let message = CRM.envelope([
                CRM.opportunity(opportunity, account: account, stage: "Closed Won", modified: t0, closed: true, won: true, amount: "18250.5")
            ])
            let reply = try await CRM.salesforce(app, message)
            #expect(CRM.isAck(reply), "\(reply.status) \(reply.text)")
            #expect(try await app.account(externalID: account)?["name"] as? String == "Salesforce account \(account)")
            let deal = try await app.opportunity(externalID: opportunity)
            #expect(deal["stage"] as? String == "closed_won")
            #expect(deal["amount"] as? Int == 1_825_050)
            #expect(deal["close_date"] as? String == "2026-03-02")
            let named = CRM.envelope([
                CRM.notification(
                    "Account",
                    fields: [
                        ("Id", account), ("Name", "Sorrel Systems"), ("Website", "https://www.sorrel-systems.example/about"),
                        ("Industry", "Software"), ("NumberOfEmployees", "240"), ("OwnerId", "0055g00000DanaQAAA"),
                        ("LastModifiedDate", Timestamp.format(t0.addingTimeInterval(-3600))),
                    ]
                )
            ])
            #expect(CRM.isAck(try await CRM.salesforce(app, named)))
            let renamed = try #require(try await app.account(externalID: account))
            #expect(renamed["name"] as? String == "Sorrel Systems")
            #expect(renamed["domain"] as? String == "sorrel-systems.example")
            #expect(renamed["industry"] as? String == "Software")
            #expect(renamed["employee_count"] as? Int == 240)
            let events = try await app.webhookEvents("salesforce")
            #expect(Set(events.compactMap { $0["type"] as? String }) == ["Opportunity", "Account"])
            #expect(events.allSatisfy { $0["status"] as? String == "processed" })
        }
    }

    @Test func aMessageOfManyNotificationsStoresEachAndAcknowledgesFailuresToo() async throws {
        try await TestApp.run { app in
            let (opportunity, account) = (CRM.id("0065g0000"), CRM.id("0015g0000"))
            let notifications = [
                CRM.opportunity(opportunity, account: account, stage: "Needs Analysis", modified: t0.addingTimeInterval(3600)),
                CRM.opportunity(opportunity, account: account, stage: "Prospecting", modified: t0),
                CRM.opportunity(opportunity, account: account, stage: "Our Own Stage", modified: t0.addingTimeInterval(7200)),
                CRM.notification("Lead", fields: [("Id", CRM.id("00Q"))]),
            ]
            let message = CRM.envelope(notifications)
            #expect(CRM.isAck(try await CRM.salesforce(app, message)))
            #expect(try await app.opportunity(externalID: opportunity)["stage"] as? String == "discovery")
            let statuses = try await app.webhookEvents("salesforce").compactMap { $0["status"] as? String }
            #expect(statuses.sorted() == ["failed", "ignored", "processed", "processed"])
            // Redelivered (Salesforce retries until acknowledged): stored events are duplicates; the failed one tries again.
            #expect(CRM.isAck(try await CRM.salesforce(app, message)))
            #expect(try await app.webhookEvents("salesforce").count == 4)
            let put = #"{"salesforce": {"stages": {"Prospecting": "prospecting", "Needs Analysis": "discovery", "our own stage": "proposal"}}}"#
            #expect(try await app.send(.put, "/v1/settings/crm-mapping", put).status == .ok)
            #expect(try await app.opportunity(externalID: opportunity)["stage"] as? String == "proposal")
        }
    }

    @Test func theLostReasonComesFromTheConfiguredField() async throws {
        try await TestApp.run { app async throws in
            let (lost, other) = (CRM.id("0065g0000"), CRM.id("0065g0000"))
            let message = CRM.envelope([
                CRM.opportunity(lost, account: CRM.id("001"), stage: "Closed Lost", modified: t0, closed: true, lossReason: "No budget this year"),
                CRM.opportunity(other, account: CRM.id("001"), stage: "Closed Lost", modified: t0, closed: true),
            ])
            #expect(CRM.isAck(try await CRM.salesforce(app, message)))
            #expect(try await app.opportunity(externalID: lost)["lost_reason"] as? String == "No budget this year")
            #expect(try await app.opportunity(externalID: other)["lost_reason"] as? String == "unspecified")
        }
    }

    @Test func anUnknownOrganizationIs403AndStoresNothing() async throws {
        try await TestApp.run { app in
            let before = try await app.snapshot()
            let opportunity = CRM.opportunity(CRM.id("006"), account: CRM.id("001"), stage: "Closed Won", modified: t0, closed: true, won: true)
            let lowercase = String(CRM.salesforceOrganization.prefix(15)).lowercased()
            for organization in ["00D5g000009ZZZZEAC", lowercase, "", "00D5g0000"] {
                let reply = try await CRM.salesforce(app, CRM.envelope([opportunity], organization: organization))
                #expect(CRM.isFault(reply, organization.isEmpty ? .badRequest : .forbidden), "\(organization): \(reply.text)")
            }
            #expect(try await app.snapshot() == before)
            // The 15-character form of the allowed id passes.
            let short = CRM.envelope([opportunity], organization: String(CRM.salesforceOrganization.prefix(15)))
            #expect(CRM.isAck(try await CRM.salesforce(app, short)))
        }
    }

    @Test func whatIsNoOutboundMessageIsASOAPFaultAndStoresNothing() async throws {
        try await TestApp.run { app in
            let before = try await app.snapshot()
            let valid = CRM.envelope([CRM.opportunity(CRM.id("006"), account: CRM.id("001"), stage: "Closed Won", modified: t0)])
            let doctype = valid.replacingOccurrences(
                of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                with: "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            )
            for body in [doctype, "<notifications/>", "<soapenv:Envelope", "{\"json\": true}"] {
                #expect(CRM.isFault(try await CRM.salesforce(app, body), .badRequest), "\(body.prefix(30))")
            }
            #expect(CRM.isFault(try await CRM.salesforce(app, valid, contentType: "application/json"), .unsupportedMediaType))
            let huge = valid.replacingOccurrences(of: "<ActionId>", with: "<!--" + String(repeating: "x", count: 1 << 20) + "--><ActionId>")
            #expect(CRM.isFault(try await CRM.salesforce(app, huge), .contentTooLarge))
            #expect(try await app.snapshot() == before)
        }
    }
}
