import Foundation
import TenureCore
import TenureJSON

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A Salesforce Outbound Message (`INTEGRATIONS.md`, Salesforce): SOAP 1.1 `notifications` holding up to 100
/// `Notification`s, each an `sObject` with the fields the outbound message selects. Each notification is one event,
/// stored as JSON `{organization_id, notification_id, type, fields}` so a replay reads it again without the envelope.
public struct SalesforceNotification: CRMFormat {
    public static let crm = CRM.salesforce
    static let envelopeNamespace = "http://schemas.xmlsoap.org/soap/envelope/"
    static let outboundNamespace = "http://soap.sforce.com/2005/09/outbound"
    static let instanceNamespace = "http://www.w3.org/2001/XMLSchema-instance"
    static let dealFields = CRMReadContext.DealFieldNames(
        name: "Name",
        amount: "Amount",
        currency: "CurrencyIsoCode",
        closeDate: "CloseDate",
        createdAt: ["CreatedDate"],
        owner: "OwnerId"
    )

    public init() {}

    /// A message's organization and its notifications as deliveries, oldest first.
    public struct Message: Sendable {
        public var organizationID: String
        public var deliveries: [WebhookDelivery]
    }

    /// Reads the envelope by namespace, never by prefix; a DOCTYPE (and so any entity) is refused before parsing.
    public static func message(body: [UInt8], now: Date) throws -> Message {
        guard !declaresDocumentType(body) else { throw MalformedDelivery("A DOCTYPE is not accepted.") }
        let reader = EnvelopeReader()
        let parser = XMLParser(data: Data(body))
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        guard parser.parse(), reader.failure == nil else {
            throw MalformedDelivery(reader.failure ?? "The body is not well-formed XML.")
        }
        guard let organizationID = reader.organizationID?.trimmingWhitespace().nilIfEmpty else {
            throw MalformedDelivery("The body must be a SOAP notifications message with an OrganizationId.")
        }
        let deliveries = try reader.notifications.map { notification in
            guard let id = notification.id?.trimmingWhitespace().nilIfEmpty, let type = notification.type else {
                throw MalformedDelivery("Each Notification needs an Id and an sObject with an xsi:type.")
            }
            let fields = JSONValue.object(JSONObject(notification.fields.mapValues { $0.map(JSONValue.string) ?? .null }))
            let payload = JSONValue.object([
                "organization_id": .string(organizationID), "notification_id": .string(id), "type": .string(type), "fields": fields,
            ])
            let time = fields["LastModifiedDate"].crmTime ?? fields["SystemModstamp"].crmTime
            return WebhookDelivery(
                source: .salesforce,
                eventID: id,
                type: type,
                occurredAt: time.crmTime(receivedAt: now),
                payload: (try? JSONWriter().encode(payload)) ?? [],
                parsed: payload
            )
        }
        return Message(
            organizationID: organizationID,
            deliveries: deliveries.sorted { ($0.occurredAt ?? now, $0.eventID) < ($1.occurredAt ?? now, $1.eventID) }
        )
    }

    /// Whether `body` holds `<!DOCTYPE` or `<!ENTITY` in any case (and so could declare entities), found on the bytes.
    static func declaresDocumentType(_ body: [UInt8]) -> Bool {
        let keywords = ["DOCTYPE", "ENTITY"].map { Array($0.utf8) }
        var index = body.startIndex
        while let open = body[index...].firstIndex(of: UInt8(ascii: "<")) {
            index = open + 1
            guard index < body.endIndex, body[index] == UInt8(ascii: "!") else { continue }
            let rest = body[(index + 1)...]
            if keywords.contains(where: { keyword in
                rest.count >= keyword.count && zip(rest, keyword).allSatisfy { $0 & 0xDF == $1 }
            }) {
                return true
            }
        }
        return false
    }

    /// Whether `organizationID` is one of `allowed`: 15- and 18-character ids compare by their first 15 characters,
    /// case-sensitively (the 18-character form only adds a case-safe checksum).
    public static func isAllowed(_ organizationID: String, in allowed: [String]) -> Bool {
        let id = organizationID.prefix(15)
        guard id.count == 15, [15, 18].contains(organizationID.count) else { return false }
        return allowed.contains { $0.count >= 15 && $0.prefix(15) == id }
    }

    public func read(_ payload: JSONValue, of event: WebhookEvent, context: CRMReadContext) throws -> CRMReading {
        let fields = payload["fields"]
        var change = CRMChange(occurredAt: event.crmOccurredAt, order: event.eventID)
        switch event.type {
        case "Account":
            guard let id = fields["Id"].crmText else { throw ValidationError("Id", "is required") }
            var company = company(id)
            company.name = fields["Name"].crmText
            company.domain = fields["Website"].crmText
            company.industry = fields["Industry"].crmText
            company.employeeCount = fields["NumberOfEmployees"].crmText.flatMap { Int($0) }
            company.owner = fields["OwnerId"].crmText
            change.company = company
        case "Opportunity":
            guard let id = fields["Id"].crmText else { throw ValidationError("Id", "is required") }
            change.company = fields["AccountId"].crmText.map(company)
            change.deal = try context.deal(id, fields, Self.dealFields, of: event)
            let reason = context.mapping.lostReasonField.flatMap { fields[$0].crmText } ?? StageChange.unspecifiedLostReason
            if fields["IsClosed"].crmText == "true" {
                change.stage = CRMChange.Stage(fields["IsWon"].crmText == "true" ? .closedWon : .closedLost, lostReason: reason)
            } else if let name = fields["StageName"].crmText {
                change.stage = CRMChange.Stage(try context.stage(name, of: Self.crm), lostReason: reason)
            }
        default:
            return .ignored("Tenure reads only Opportunity and Account notifications")
        }
        return .change(change)
    }
}

/// Reads a SOAP `notifications` envelope with namespaces resolved: the organization, and each notification's id,
/// `sObject` type and fields (`xsi:nil` ones as nil).
private final class EnvelopeReader: NSObject, XMLParserDelegate {
    struct Notification {
        var id: String?
        var type: String?
        var fields: [String: String?] = [:]
    }

    var organizationID: String?
    var notifications: [Notification] = []
    var failure: String?
    private var path: [(namespace: String?, name: String)] = []
    private var prefixes: [String: [String]] = [:]
    private var text = ""
    private var isNil = false

    func parser(_ parser: XMLParser, didStartMappingPrefix prefix: String, toURI namespaceURI: String) {
        prefixes[prefix, default: []].append(namespaceURI)
    }

    func parser(_ parser: XMLParser, didEndMappingPrefix prefix: String) { _ = prefixes[prefix]?.popLast() }

    func parser(
        _ parser: XMLParser,
        didStartElement name: String,
        namespaceURI: String?,
        qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        let parent = path
        path.append((namespaceURI, name))
        text = ""
        isNil = attribute("nil", in: attributes) == "true"
        if path.count == 1, namespaceURI != SalesforceNotification.envelopeNamespace || name != "Envelope" {
            failure = "The body must be a SOAP 1.1 Envelope."
            parser.abortParsing()
        }
        if name == "Notification", namespaceURI == SalesforceNotification.outboundNamespace, parent.last?.name == "notifications" {
            notifications.append(Notification())
        }
        if name == "sObject", parent.last?.name == "Notification", let type = attribute("type", in: attributes) {
            notifications[notifications.count - 1].type = String(type.split(separator: ":").last ?? "")
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let parent = path.count >= 2 ? path[path.count - 2].name : nil
        let grandparent = path.count >= 3 ? path[path.count - 3].name : nil
        let isOutbound = namespaceURI == SalesforceNotification.outboundNamespace
        if isOutbound, name == "OrganizationId", parent == "notifications" {
            organizationID = text
        } else if isOutbound, name == "Id", parent == "Notification", !notifications.isEmpty {
            notifications[notifications.count - 1].id = text
        } else if parent == "sObject", grandparent == "Notification", !notifications.isEmpty {
            notifications[notifications.count - 1].fields[name] = .some(isNil ? nil : text.trimmingWhitespace())
        }
        path.removeLast()
        text = ""
        isNil = false
    }

    /// The value of the XML Schema instance attribute `name` (`xsi:type`, `xsi:nil`), whatever prefix it was given.
    private func attribute(_ name: String, in attributes: [String: String]) -> String? {
        for (key, value) in attributes {
            let parts = key.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[1] == name, prefixes[String(parts[0])]?.last == SalesforceNotification.instanceNamespace else { continue }
            return value
        }
        return nil
    }
}
