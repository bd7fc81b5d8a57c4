import Crypto
import Foundation
import TenureCore
import TenureJSON

/// A request whose body is not the format its endpoint reads, or lacks an event or deal id (400, nothing stored).
public struct MalformedDelivery: Error, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// HubSpot's two ways to post (`INTEGRATIONS.md`, HubSpot): the webhooks API's array of events, one event each, and a
/// deal-based workflow's "Send a webhook" object, one event per request.
public struct HubSpotEvent: CRMFormat {
    public static let crm = CRM.hubspot
    public static let maxEvents = 100
    static let workflowType = "workflow.deal"
    static let dealFields = CRMReadContext.DealFieldNames(
        name: "dealname",
        amount: "amount",
        currency: "deal_currency_code",
        closeDate: "closedate",
        createdAt: ["createdate", "created_at"],
        owner: "hubspot_owner_id"
    )

    public init() {}

    /// The events of a request, oldest first. `timestamp` is the request's (`X-HubSpot-Request-Timestamp`, ms).
    public static func deliveries(body: [UInt8], timestamp: String?, now: Date) throws -> (events: [WebhookDelivery], isBatch: Bool) {
        guard let json = JSONValue.parse(body) else {
            throw MalformedDelivery("The body must be JSON: an array of webhook events or a workflow's object.")
        }
        if case .array(let events) = json {
            guard events.count <= maxEvents else { throw MalformedDelivery("A request holds at most \(maxEvents) events.") }
            return (try events.map { try delivery(of: $0, now: now) }, true)
        }
        guard json.isObject else { throw MalformedDelivery("The body must be an array of webhook events or a workflow's object.") }
        let properties = properties(of: json)
        guard properties.dealID != nil else {
            throw MalformedDelivery("A workflow's body needs the deal id: hs_object_id, objectId, dealId or id.")
        }
        let requestTime = timestamp.flatMap(Int64.init).map(Timestamp.unixSecondsOrMilliseconds)
        let id = "workflow:" + SHA256.hash(data: body).hexString
        let occurredAt = (properties["hs_lastmodifieddate"].crmTime ?? requestTime).crmTime(receivedAt: now)
        return ([WebhookDelivery(source: .hubspot, eventID: id, type: workflowType, occurredAt: occurredAt, payload: body, parsed: json)], false)
    }

    /// One webhooks-API event: its id `{portalId}:{subscriptionId}:{eventId}:{objectId}` (HubSpot does not promise
    /// `eventId` unique alone), its time `occurredAt`, its payload the event itself.
    static func delivery(of event: JSONValue, now: Date) throws -> WebhookDelivery {
        let parts = ["portalId", "subscriptionId", "eventId", "objectId"].map { event[$0].crmText }
        guard let type = event["subscriptionType"].crmText, parts.allSatisfy({ $0 != nil }) else {
            throw MalformedDelivery("Each event needs portalId, subscriptionId, eventId, objectId and subscriptionType.")
        }
        return WebhookDelivery(
            source: .hubspot,
            eventID: parts.compactMap { $0 }.joined(separator: ":"),
            type: type,
            occurredAt: event["occurredAt"].crmTime.crmTime(receivedAt: now),
            payload: (try? JSONWriter().encode(event)) ?? [],
            parsed: event
        )
    }

    public func read(_ payload: JSONValue, of event: WebhookEvent, context: CRMReadContext) throws -> CRMReading {
        event.type == Self.workflowType ? try readWorkflow(payload, of: event, context: context) : try readEvent(payload, of: event, context: context)
    }

    /// A webhooks-API event: only `deal.propertyChange` acts, one property at a time, on a deal already known (or
    /// pending until it is: the event names no company).
    func readEvent(_ payload: JSONValue, of event: WebhookEvent, context: CRMReadContext) throws -> CRMReading {
        guard event.type == "deal.propertyChange" else { return .ignored("Tenure acts only on deal.propertyChange events") }
        guard let dealID = payload["objectId"].crmText else { throw ValidationError("objectId", "is required") }
        let property = payload["propertyName"].crmText ?? ""
        let value = payload["propertyValue"]
        var change = CRMChange(occurredAt: event.crmOccurredAt, order: event.eventID)
        change.withoutCompany = .waitForDeal
        var deal = CRMChange.Deal(externalID: dealID)
        switch property {
        case "dealstage":
            guard let name = value.crmText else { throw ValidationError("propertyValue", "is required for dealstage") }
            change.stage = CRMChange.Stage(try context.stage(name, of: Self.crm), lostReason: StageChange.unspecifiedLostReason)
        case "closed_lost_reason":
            change.stage = CRMChange.Stage(.closedLost, lostReason: value.crmText ?? StageChange.unspecifiedLostReason)
        case "amount": deal.amount = try value.crmAmount("propertyValue", currency: context.currency)
        case "dealname": deal.name = value.crmText
        case "closedate": deal.closeDate = value.crmDate
        case "hubspot_owner_id": deal.owner = value.crmText
        default: return .ignored("Tenure does not read the deal property \(property)")
        }
        change.deal = deal
        return .change(change)
    }

    /// A workflow's "Send a webhook": the deal's properties, its company from the `company_*` keys or its first
    /// associated company, its time `hs_lastmodifieddate` (else the request's).
    func readWorkflow(_ payload: JSONValue, of event: WebhookEvent, context: CRMReadContext) throws -> CRMReading {
        let properties = Self.properties(of: payload)
        guard let dealID = properties.dealID else { throw ValidationError("hs_object_id", "is required") }
        var change = CRMChange(occurredAt: event.crmOccurredAt, order: event.eventID)
        let companyID = properties["company_id"].crmText ?? payload["associations"]["associatedCompanyIds"].array.first?.crmText
        if let companyID {
            var company = company(companyID)
            company.name = properties["company_name"].crmText
            company.domain = properties["company_domain"].crmText
            change.company = company
        }
        change.deal = try context.deal(dealID, properties.object, Self.dealFields, of: event)
        if let name = properties["dealstage"].crmText {
            let stage = try context.stage(name, of: Self.crm)
            change.stage = CRMChange.Stage(stage, lostReason: properties["closed_lost_reason"].crmText ?? StageChange.unspecifiedLostReason)
        }
        return .change(change)
    }

    /// A workflow body's deal properties: under `properties` when present, else at the top level.
    struct Properties {
        let object: JSONValue
        let top: JSONValue

        subscript(_ name: String) -> JSONValue { object[name] }

        var dealID: String? { object["hs_object_id"].crmText ?? top["objectId"].crmText ?? top["dealId"].crmText ?? top["id"].crmText }
    }

    static func properties(of body: JSONValue) -> Properties {
        Properties(object: body["properties"].isObject ? body["properties"] : body, top: body)
    }
}
