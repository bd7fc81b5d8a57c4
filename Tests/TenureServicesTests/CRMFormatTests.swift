import Foundation
import TenureCore
import TenureJSON
import Testing

@testable import TenureServices

/// The pure parts of the three adapters (`INTEGRATIONS.md`): HubSpot's signature, Pipedrive's Basic credentials,
/// Salesforce's envelope and organization ids, and what each format's event says.
@Suite struct CRMFormatTests {
    static let hubspotSecret = "hubspot-client-secret-example"
    static let uri = "https://tenure.example.com/v1/webhooks/hubspot?portal=62515&tag=a:b"
    static let body = Array(#"[{"eventId":1}]"#.utf8)
    static let timestamp = "1772463845312"
    /// Computed with Python's `hmac` over `POST` + URI + body + timestamp.
    static let expected = "t+tc4jNbDRaFErTNH5hpxIQ5BJx6hBOX9XXSMzQdOds="
    static let now = Date(unixMilliseconds: 1_772_463_845_312)

    func verifyHubSpot(
        uri: String = uri,
        signature: String? = expected,
        timestamp: String? = timestamp,
        secrets: [String] = [hubspotSecret],
        now: Date = now
    ) throws {
        try HubSpotSignature.verify(method: "POST", uri: uri, body: Self.body, timestamp: timestamp, signature: signature, secrets: secrets, now: now)
    }

    @Test func hubspotSignsLikePythonsHMAC() throws {
        #expect(
            HubSpotSignature.sign(method: "POST", uri: Self.uri, body: Self.body, timestamp: Self.timestamp, secret: Self.hubspotSecret)
                == Self.expected
        )
        try verifyHubSpot()
        try verifyHubSpot(secrets: ["an-old-secret", Self.hubspotSecret])
        // HubSpot decodes its listed escapes before signing: the URI as the server sees it matches too.
        try verifyHubSpot(uri: "https://tenure.example.com/v1/webhooks/hubspot?portal=62515&tag=a%3Ab")
        #expect(HubSpotSignature.decodingListedEscapes(Array("/a%2fb%2Fc%20d%3a%40%zz%3".utf8)) == Array("/a/b/c%20d:@%zz%3".utf8))
        try verifyHubSpot(now: Self.now.addingTimeInterval(300))
        try verifyHubSpot(now: Self.now.addingTimeInterval(-300))
    }

    @Test func hubspotRefusesAnythingElse() {
        let refusals: [() throws -> Void] = [
            { try verifyHubSpot(signature: "u+tc4jNbDRaFErTNH5hpxIQ5BJx6hBOX9XXSMzQdOds=") },
            { try verifyHubSpot(signature: nil) },
            { try verifyHubSpot(timestamp: nil) },
            { try verifyHubSpot(timestamp: "1772463845313") },
            { try verifyHubSpot(uri: "https://tenure.example.com/v1/webhooks/hubspot") },
            { try verifyHubSpot(secrets: []) },
            { try verifyHubSpot(secrets: ["another-secret"]) },
            { try verifyHubSpot(now: Self.now.addingTimeInterval(301)) },
            { try verifyHubSpot(now: Self.now.addingTimeInterval(-301)) },
        ]
        for refusal in refusals { #expect(throws: WebhookRejection.self) { try refusal() } }
    }

    @Test func pipedriveChecksEveryConfiguredPair() {
        let pairs = ["pipedrive:s3cret", "rotated:n3w:pass"]
        func basic(_ text: String) -> String { "Basic " + Data(text.utf8).base64EncodedString() }
        #expect(PipedriveEvent.isAuthorized(basic("pipedrive:s3cret"), credentials: pairs))
        #expect(PipedriveEvent.isAuthorized(basic("rotated:n3w:pass"), credentials: pairs))
        #expect(PipedriveEvent.isAuthorized("basic " + Data("pipedrive:s3cret".utf8).base64EncodedString(), credentials: pairs))
        for wrong in [basic("pipedrive:s3cre"), basic("pipedrive:s3cret "), basic("Pipedrive:s3cret"), "Bearer x", "Basic !!", ""] {
            #expect(!PipedriveEvent.isAuthorized(wrong, credentials: pairs))
        }
        #expect(!PipedriveEvent.isAuthorized(nil, credentials: pairs))
        #expect(!PipedriveEvent.isAuthorized(basic("pipedrive:s3cret"), credentials: []))
    }

    @Test func salesforceOrganizationsCompareByTheirFirst15CharactersCaseSensitively() {
        let allowed = ["00D5g000004AcmeEAC"]
        #expect(SalesforceNotification.isAllowed("00D5g000004AcmeEAC", in: allowed))
        #expect(SalesforceNotification.isAllowed("00D5g000004Acme", in: allowed))
        #expect(SalesforceNotification.isAllowed("00D5g000004AcmeXYZ", in: allowed))
        #expect(SalesforceNotification.isAllowed("00D5g000004Acme", in: ["00D5g000004Acme"]))
        #expect(!SalesforceNotification.isAllowed("00d5g000004acme", in: allowed))
        #expect(!SalesforceNotification.isAllowed("00D5g000004Acm", in: allowed))
        #expect(!SalesforceNotification.isAllowed("00D5g000004AcmeEACX", in: allowed))
        #expect(!SalesforceNotification.isAllowed("00D5g000004AcmeEAC", in: []))
    }

    static func envelope(_ notifications: String, organization: String = "00D5g000004AcmeEAC", soap: String = "soapenv", sf: String = "sf") -> String
    {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <\(soap):Envelope xmlns:\(soap)="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
         <\(soap):Body>
          <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
           <OrganizationId>\(organization)</OrganizationId>
           <ActionId>04k5g000000CaRkAAK</ActionId>
           <SessionId xsi:nil="true"/>
           \(notifications)
          </notifications>
         </\(soap):Body>
        </\(soap):Envelope>
        """
    }

    static func opportunity(_ id: String, notification: String, modified: String, stage: String = "Closed Won", sf: String = "sf") -> String {
        """
        <Notification><Id>\(notification)</Id>
         <sObject xmlns:\(sf)="urn:sobject.enterprise.soap.sforce.com" xsi:type="\(sf):Opportunity">
          <\(sf):Id>\(id)</\(sf):Id><\(sf):AccountId>0015g00000AcmeXAAA</\(sf):AccountId><\(sf):Amount>18250.5</\(sf):Amount>
          <\(sf):LastModifiedDate>\(modified)</\(sf):LastModifiedDate><\(sf):StageName>\(stage)</\(sf):StageName>
          <\(sf):Name>Acme &amp; Co — Platform</\(sf):Name><\(sf):Loss_Reason__c xsi:nil="true"/>
         </sObject>
        </Notification>
        """
    }

    @Test func salesforceNotificationsAreReadByNamespaceOldestFirst() throws {
        let body = Self.envelope(
            Self.opportunity("006A", notification: "04lB", modified: "2026-03-02T15:04:05.000Z", sf: "x")
                + Self.opportunity("006A", notification: "04lA", modified: "2026-03-01T15:04:05.000Z", stage: "Proposal/Price Quote"),
            soap: "env"
        )
        let message = try SalesforceNotification.message(body: Array(body.utf8), now: Self.now)
        #expect(message.organizationID == "00D5g000004AcmeEAC")
        #expect(message.deliveries.map(\.eventID) == ["04lA", "04lB"])
        #expect(message.deliveries.map(\.type) == ["Opportunity", "Opportunity"])
        let fields = try #require(message.deliveries.last?.parsed)["fields"]
        #expect(fields["Name"].string == "Acme & Co — Platform")
        #expect(fields["Amount"].string == "18250.5")
        #expect(fields["Loss_Reason__c"] == .null)
        #expect(message.deliveries.first?.occurredAt == Timestamp.parseInstant("2026-03-01T15:04:05Z"))
    }

    @Test func salesforceRefusesWhatIsNoOutboundMessage() {
        let doctype = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" + Self.envelope("")
        let lowercase = "<!doctype x>" + Self.envelope("")
        #expect(SalesforceNotification.declaresDocumentType(Array("<!-- a comment --><![CDATA[x]]><a/>".utf8)) == false)
        #expect(SalesforceNotification.declaresDocumentType(Array("<a><!EnTiTy".utf8)))
        let wrongNamespace = Self.envelope("").replacingOccurrences(of: "http://schemas.xmlsoap.org/soap/envelope/", with: "urn:other")
        let noOrganization = Self.envelope("", organization: "")
        for body in [doctype, lowercase, wrongNamespace, noOrganization, "<unclosed>", "{}", ""] {
            #expect(throws: MalformedDelivery.self) { try SalesforceNotification.message(body: Array(body.utf8), now: Self.now) }
        }
        // The outbound namespace, not its prefix, makes a notification: one in another namespace is not read.
        let foreign = Self.envelope("<o:Notification xmlns:o=\"urn:other\"><o:Id>1</o:Id></o:Notification>")
        #expect((try? SalesforceNotification.message(body: Array(foreign.utf8), now: Self.now))?.deliveries.count == 0)
    }

    @Test func aTimeAfterReceiptCountsAsReceipt() throws {
        let body = Self.envelope(Self.opportunity("006A", notification: "04lA", modified: "2030-01-01T00:00:00Z"))
        #expect(try SalesforceNotification.message(body: Array(body.utf8), now: Self.now).deliveries.first?.occurredAt == Self.now)
    }

    @Test func hubspotSplitsABatchAndIdentifiesEachEvent() throws {
        let body = #"""
            [{"eventId": 3816279341, "subscriptionId": 2281646, "portalId": 62515, "occurredAt": 1772463845312,
              "subscriptionType": "deal.propertyChange", "objectId": 18273645501, "propertyName": "amount", "propertyValue": "24000"},
             {"eventId": 3816279340, "subscriptionId": 2281645, "portalId": 62515, "occurredAt": 1772463845000,
              "subscriptionType": "deal.propertyChange", "objectId": 18273645501, "propertyName": "dealstage", "propertyValue": "closedwon"}]
            """#
        let (events, isBatch) = try HubSpotEvent.deliveries(body: Array(body.utf8), timestamp: nil, now: Self.now.addingTimeInterval(60))
        #expect(isBatch)
        #expect(events.map(\.eventID) == ["62515:2281646:3816279341:18273645501", "62515:2281645:3816279340:18273645501"])
        #expect(events.map(\.occurredAt) == [Date(unixMilliseconds: 1_772_463_845_312), Date(unixMilliseconds: 1_772_463_845_000)])
        #expect(JSONValue.parse(events[0].payload)?["propertyValue"].string == "24000")
        let missing = #"[{"eventId": 1, "portalId": 2, "objectId": 3, "subscriptionType": "deal.propertyChange"}]"#
        #expect(throws: MalformedDelivery.self) { try HubSpotEvent.deliveries(body: Array(missing.utf8), timestamp: nil, now: Self.now) }
        let tooMany =
            "["
            + Array(repeating: #"{"eventId":1,"subscriptionId":1,"portalId":1,"objectId":1,"subscriptionType":"x"}"#, count: 101)
            .joined(separator: ",") + "]"
        #expect(throws: MalformedDelivery.self) { try HubSpotEvent.deliveries(body: Array(tooMany.utf8), timestamp: nil, now: Self.now) }
    }

    @Test func aWorkflowIsOneEventIdentifiedByItsBody() throws {
        let body = Array(#"{"properties": {"hs_object_id": {"value": "42"}, "dealstage": "closedwon"}}"#.utf8)
        let (events, isBatch) = try HubSpotEvent.deliveries(body: body, timestamp: "1772463845312", now: Self.now.addingTimeInterval(5))
        #expect(!isBatch)
        #expect(events.first?.eventID == "workflow:" + "\(events.first?.eventID.dropFirst(9) ?? "")")
        #expect(events.first?.eventID.count == 9 + 64)
        #expect(events.first?.occurredAt == Self.now)  // the request's timestamp when hs_lastmodifieddate is absent
        let other = try HubSpotEvent.deliveries(body: body + [32], timestamp: "1772463845312", now: Self.now)
        #expect(other.events.first?.eventID != events.first?.eventID)
        #expect(throws: MalformedDelivery.self) {
            try HubSpotEvent.deliveries(body: Array(#"{"dealname": "x"}"#.utf8), timestamp: nil, now: Self.now)
        }
        #expect(throws: MalformedDelivery.self) { try HubSpotEvent.deliveries(body: Array("nope".utf8), timestamp: nil, now: Self.now) }
    }
}
