import Foundation
import HTTPTypes
import TenureCore
import TenureServices
import Testing

/// Deliveries shaped after `../shared/fixtures/crm/` (HubSpot, Pipedrive, Salesforce), with the values each test
/// gives, posted to the test app signed or authenticated as each CRM does.
enum CRMDeliveries {
    static let hubspotSecret = "hs-client-secret-\(UInt32.random(in: 1000...9999))"
    static let oldHubSpotSecret = "hs-client-secret-previous"
    static let pipedriveCredentials = "pipedrive-hook:s3cret-\(UInt16.random(in: 100...999))"
    static let salesforceOrganization = "00D5g00000\(UInt16.random(in: 10000...60000))EAC"
    static let publicURL = "https://tenure.example.test"

    /// A fresh CRM id, so no two tests (nor two runs) share values.
    static func id(_ prefix: String = "") -> String { prefix + String(UInt64.random(in: 1_000_000_000...99_999_999_999)) }

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    static func json(_ value: Any) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    // MARK: HubSpot

    /// Posts `body` to `/v1/webhooks/hubspot` signed with v3 over the public URL (`query` included).
    @discardableResult
    static func hubspot(
        _ app: TestApp,
        _ body: String,
        secret: String = hubspotSecret,
        timestamp: Date = Date(),
        query: String = "",
        headers: HTTPFields? = nil
    ) async throws -> TestReply {
        let stamp = String(millis(timestamp))
        let path = "/v1/webhooks/hubspot" + query
        let signature = HubSpotSignature.sign(method: "POST", uri: publicURL + path, body: Array(body.utf8), timestamp: stamp, secret: secret)
        let signed: HTTPFields = [HTTPField.Name("X-HubSpot-Signature-v3")!: signature, HTTPField.Name("X-HubSpot-Request-Timestamp")!: stamp]
        return try await app.send(.post, path, body, key: nil, headers: headers ?? signed)
    }

    /// A deal workflow's "Send a webhook" body, properties at the top level (as the fixture) or under `properties`.
    static func workflow(
        deal: String,
        stage: String?,
        modified: Date,
        company: String? = nil,
        companyName: String? = nil,
        domain: String? = nil,
        amount: Any? = nil,
        currency: String? = nil,
        created: Date? = nil,
        lostReason: String? = nil,
        nested: Bool = false
    ) -> String {
        var properties: [String: Any] = ["hs_object_id": deal, "dealname": "Deal \(deal)", "pipeline": "default"]
        properties["dealstage"] = stage
        properties["hs_lastmodifieddate"] = Timestamp.format(modified)
        properties["amount"] = amount
        properties["deal_currency_code"] = currency
        properties["createdate"] = created.map(Timestamp.format)
        properties["closed_lost_reason"] = lostReason ?? NSNull()
        properties["company_id"] = company
        properties["company_name"] = companyName
        properties["company_domain"] = domain
        if nested { return json(["properties": properties.mapValues { ["value": $0] }, "objectId": Int(deal) ?? 0]) }
        return json(properties)
    }

    /// One webhooks-API event (`deal.propertyChange` unless told otherwise).
    static func event(
        deal: String,
        property: String,
        value: String,
        at: Date,
        eventID: Int = Int.random(in: 1_000_000...9_999_999),
        type: String = "deal.propertyChange"
    ) -> [String: Any] {
        [
            "eventId": eventID, "subscriptionId": Int.random(in: 100_000...999_999), "portalId": 62515, "appId": 1_160_452,
            "occurredAt": millis(at), "subscriptionType": type, "attemptNumber": 0, "objectId": Int(deal) ?? 0,
            "propertyName": property, "propertyValue": value, "changeSource": "CRM_UI", "sourceId": "userId:75231486",
        ]
    }

    // MARK: Pipedrive

    @discardableResult
    static func pipedrive(_ app: TestApp, _ body: String, credentials: String? = pipedriveCredentials) async throws -> TestReply {
        var headers: HTTPFields = [:]
        if let credentials { headers[.authorization] = "Basic " + Data(credentials.utf8).base64EncodedString() }
        return try await app.send(.post, "/v1/webhooks/pipedrive", body, key: nil, headers: headers)
    }

    /// A webhooks v2 `change.deal` (or `create.deal`) as the fixture, with the values given.
    static func pipedriveDeal(
        deal: Int,
        status: String,
        at: Date,
        organization: Int? = nil,
        stageID: Int = 1,
        value: Any = 24000,
        currency: String = "USD",
        lostReason: String? = nil,
        action: String = "change",
        eventID: String = UUID().uuidString.lowercased()
    ) -> String {
        let time = Timestamp.format(at)
        var data: [String: Any] = [
            "id": deal, "title": "Deal \(deal)", "owner_id": 18_487_521, "stage_id": stageID, "pipeline_id": 1, "value": value,
            "currency": currency, "add_time": "2026-01-10T10:00:00Z", "update_time": time, "status": status, "is_deleted": false,
            "expected_close_date": "2026-03-01", "label_ids": [Int](), "custom_fields": [String: Any](),
        ]
        data["org_id"] = organization ?? NSNull()
        data["lost_reason"] = lostReason ?? NSNull()
        data["won_time"] = status == "won" ? time : NSNull()
        data["lost_time"] = status == "lost" ? time : NSNull()
        data["stage_change_time"] = status == "open" ? time : "2026-01-10T10:00:00Z"
        return json([
            "meta": [
                "action": action, "entity": "deal", "company_id": "12882925", "id": eventID, "entity_id": String(deal),
                "timestamp": time, "version": "2.0", "webhook_id": "991", "attempt": 1,
            ],
            "data": data, "previous": ["status": "open"],
        ])
    }

    static func pipedriveOrganization(_ organization: Int, name: String, at: Date, eventID: String = UUID().uuidString.lowercased()) -> String {
        json([
            "meta": [
                "action": "change", "entity": "organization", "id": eventID, "entity_id": String(organization), "timestamp": Timestamp.format(at),
            ],
            "data": ["id": organization, "name": name, "update_time": Timestamp.format(at)],
        ])
    }

    // MARK: Salesforce

    @discardableResult
    static func salesforce(_ app: TestApp, _ body: String, contentType: String = "text/xml; charset=utf-8") async throws -> TestReply {
        try await app.send(.post, "/v1/webhooks/salesforce", body, key: nil, contentType: contentType)
    }

    static func envelope(_ notifications: [String], organization: String = salesforceOrganization) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" \
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
         <soapenv:Body>
          <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
           <OrganizationId>\(organization)</OrganizationId>
           <ActionId>04k5g000000CaRkAAK</ActionId>
           <SessionId xsi:nil="true"/>
           <EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/61.0/\(organization)</EnterpriseUrl>
           \(notifications.joined(separator: "\n"))
          </notifications>
         </soapenv:Body>
        </soapenv:Envelope>
        """
    }

    /// One Notification of an sObject with `fields` (nil values sent as `xsi:nil`).
    static func notification(_ type: String, id: String = id("04l"), fields: [(String, String?)]) -> String {
        let body = fields.map { name, value in
            value.map { "<sf:\(name)>\(escaped($0))</sf:\(name)>" } ?? "<sf:\(name) xsi:nil=\"true\"/>"
        }.joined()
        return """
            <Notification><Id>\(id)</Id><sObject xmlns:sf="urn:sobject.enterprise.soap.sforce.com" xsi:type="sf:\(type)">\(body)</sObject></Notification>
            """
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }

    static func opportunity(
        _ id: String,
        account: String?,
        stage: String,
        modified: Date,
        closed: Bool = false,
        won: Bool = false,
        amount: String = "24000.0",
        lossReason: String? = nil,
        notification: String = id("04l")
    ) -> String {
        Self.notification(
            "Opportunity",
            id: notification,
            fields: [
                ("Id", id), ("AccountId", account), ("Amount", amount), ("CloseDate", "2026-03-02"),
                ("CreatedDate", "2026-01-10T10:00:00.000Z"), ("IsClosed", String(closed)), ("IsWon", String(won)),
                ("LastModifiedDate", Timestamp.format(modified)), ("Name", "Opportunity \(id)"), ("OwnerId", "0055g00000DanaQAAA"),
                ("StageName", stage), ("Loss_Reason__c", lossReason),
            ]
        )
    }

    static func isAck(_ reply: TestReply) -> Bool {
        reply.status == .ok && reply.headers[.contentType]?.hasPrefix("text/xml") == true && reply.text.contains("<Ack>true</Ack>")
    }

    static func isFault(_ reply: TestReply, _ status: HTTPResponse.Status) -> Bool {
        reply.status == status && reply.headers[.contentType]?.hasPrefix("text/xml") == true && reply.text.contains("<soapenv:Fault>")
    }
}

extension TestApp {
    /// The opportunity with `externalID`, in full (stage history included).
    func opportunity(externalID: String) async throws -> [String: Any] {
        let listed = try #require(try await send(.get, "/v1/opportunities?external_id=\(externalID)").data.first, "no opportunity \(externalID)")
        return try await send(.get, "/v1/opportunities/\(listed["id"] as? String ?? "")").json
    }

    func account(externalID: String) async throws -> [String: Any]? {
        try await send(.get, "/v1/accounts?external_id=\(externalID)").data.first
    }

    /// `to@at` for each step of a deal's stage history.
    func stageHistory(externalID: String) async throws -> [String] {
        let history = try await opportunity(externalID: externalID)["stage_history"] as? [[String: Any]] ?? []
        return history.map { "\($0["to"] as? String ?? "")@\($0["at"] as? String ?? "")" }
    }

    func webhookEvents(_ source: String) async throws -> [[String: Any]] {
        try await send(.get, "/v1/webhook-events?source=\(source)&limit=100").data
    }
}
