import Foundation
import HTTPTypes
import Hummingbird
import TenureCore
import TenureJSON
import TenureServices

/// `POST /v1/webhooks/hubspot`, `/pipedrive` and `/salesforce` (`INTEGRATIONS.md`): each CRM's own deliveries,
/// authenticated as that CRM allows, split into events, and answered as that CRM needs to stop retrying.
struct CRMWebhookController {
    let webhooks: WebhookService
    let secrets: WebhookSecrets
    let gate: Gate
    let counters: WebhookCounters

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("/v1/webhooks/hubspot", gate.open) { call in try await hubspot(call) }
        routes.post("/v1/webhooks/pipedrive", gate.open) { call in try await pipedrive(call) }
        routes.post("/v1/webhooks/salesforce", gate.open.soapEndpoint) { call in try await salesforce(call) }
        return routes
    }

    /// The webhooks API's batch answers 200 with each event's status (HubSpot retries any other 4xx); a workflow's
    /// single event answers its status, or 422 when it failed (workflows show it in the action's history).
    func hubspot(_ call: Call) async throws -> Reply {
        let headers = call.request.headers
        let timestamp = headers[.hubspotTimestamp]
        do {
            try HubSpotSignature.verify(
                method: call.request.method.rawValue,
                uri: signedURI(call.request),
                body: call.body,
                timestamp: timestamp,
                signature: headers[.hubspotSignature],
                secrets: secrets.hubspot,
                now: call.now
            )
        } catch let rejection as WebhookRejection {
            counters.count(.hubspot, "rejected")
            throw Problem(.unauthorized, "invalid-signature", detail: rejection.reason)
        }
        let (deliveries, isBatch) = try malformedIs400 { try HubSpotEvent.deliveries(body: call.body, timestamp: timestamp, now: call.now) }
        let outcomes = try await webhooks.receive(deliveries)
        guard isBatch else { return try WebhookController.reply(to: outcomes[0], source: .hubspot, counters) }
        let results = zip(deliveries, outcomes).map { delivery, outcome in
            counters.count(.hubspot, outcome.status)
            return EventResult(eventId: delivery.eventID, status: outcome.status, error: outcome.error)
        }
        return try .json(["results": results])
    }

    /// Always 200 with the status, `failed` included: Pipedrive retries anything else and bans a webhook that fails.
    func pipedrive(_ call: Call) async throws -> Reply {
        guard PipedriveEvent.isAuthorized(call.request.headers[.authorization], credentials: secrets.pipedrive) else {
            counters.count(.pipedrive, "rejected")
            var problem = Problem(
                .unauthorized,
                "invalid-credentials",
                detail: "HTTP Basic credentials of a configured Pipedrive webhook are required."
            )
            problem.headers[.wwwAuthenticate] = #"Basic realm="Tenure", charset="UTF-8""#
            throw problem
        }
        let delivery = try malformedIs400 { try PipedriveEvent.delivery(body: call.body, now: call.now) }
        let outcome = try await webhooks.receive(delivery)
        counters.count(.pipedrive, outcome.status)
        return WebhookController.statusReply(outcome.status)
    }

    /// `Ack` once every notification is stored, `failed` ones too (unacknowledged, Salesforce retries for 24 hours
    /// and then drops the message); errors are SOAP faults.
    func salesforce(_ call: Call) async throws -> Reply {
        let message = try malformedIs400 { try SalesforceNotification.message(body: call.body, now: call.now) }
        guard SalesforceNotification.isAllowed(message.organizationID, in: secrets.salesforceOrganizations) else {
            counters.count(.salesforce, "rejected")
            throw Problem(.forbidden, "unknown-organization", detail: "Organization \(message.organizationID) is not in TENURE_SALESFORCE_ORG_IDS.")
        }
        for outcome in try await webhooks.receive(message.deliveries) { counters.count(.salesforce, outcome.status) }
        return Reply(status: .ok, headers: ["Content-Type": "text/xml; charset=utf-8"], body: Array(Self.acknowledgement.utf8))
    }

    static let acknowledgement = """
        <?xml version="1.0" encoding="UTF-8"?>
        <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>\
        <notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse>\
        </soapenv:Body></soapenv:Envelope>
        """

    /// The URI HubSpot signed: `TENURE_PUBLIC_URL` (else `http://{Host}`) with the request's path and query.
    func signedURI(_ request: Request) -> String {
        let base = request.publicBase(secrets.publicURL)
        return base + (request.head.path ?? "")
    }

    func malformedIs400<T>(_ read: () throws -> T) throws -> T {
        do {
            return try read()
        } catch let malformed as MalformedDelivery {
            throw Problem.badRequest(malformed.reason)
        }
    }

    struct EventResult: Encodable {
        var eventId: String
        var status: String
        var error: String?
    }
}

extension HTTPField.Name {
    static let hubspotSignature = Self("X-HubSpot-Signature-v3")!
    static let hubspotTimestamp = Self("X-HubSpot-Request-Timestamp")!
}
