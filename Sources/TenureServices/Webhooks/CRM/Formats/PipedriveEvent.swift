import Crypto
import Foundation
import TenureCore
import TenureJSON

/// A Pipedrive webhooks v2 delivery `{meta, data, previous}` (`INTEGRATIONS.md`, Pipedrive): a deal or an
/// organization created or changed. Pipedrive signs nothing; the endpoint checks HTTP Basic.
public struct PipedriveEvent: CRMFormat {
    public static let crm = CRM.pipedrive
    /// v2's actions, with v1's names for the same.
    static let creates: Set<String> = ["create", "added"]
    static let changes: Set<String> = ["change", "updated"]
    static let dealFields = CRMReadContext.DealFieldNames(
        name: "title",
        amount: "value",
        currency: "currency",
        closeDate: "expected_close_date",
        createdAt: ["add_time"],
        owner: "owner_id"
    )

    public init() {}

    /// Whether `authorization` is HTTP Basic with one of the `user:password` pairs of `credentials`. Compared as
    /// SHA-256 digests in constant time, so neither the length nor a common prefix of a pair shows in the timing.
    public static func isAuthorized(_ authorization: String?, credentials: [String]) -> Bool {
        guard let authorization, authorization.count > 6, authorization.prefix(6).lowercased() == "basic ",
            let decoded = Data(base64Encoded: String(authorization.dropFirst(6)).trimmingWhitespace())
        else { return false }
        let given = Array(SHA256.hash(data: decoded))
        var matched = false
        for pair in credentials where pair.contains(":") {
            // Every pair is compared, whichever matches.
            let difference = zip(given, SHA256.hash(data: Data(pair.utf8))).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) }
            matched = matched || difference == 0
        }
        return matched
    }

    /// The one event of a request: id `meta.id`, type `{meta.action}.{meta.entity}`, its time the one its status says.
    public static func delivery(body: [UInt8], now: Date) throws -> WebhookDelivery {
        guard let json = JSONValue.parse(body), json.isObject else { throw MalformedDelivery("The body must be a Pipedrive webhook's JSON object.") }
        let meta = json["meta"]
        guard let id = meta["id"].crmText, let action = meta["action"].crmText, let entity = meta["entity"].crmText else {
            throw MalformedDelivery("meta.id, meta.action and meta.entity are required.")
        }
        if entity == "deal", creates.union(changes).contains(action), json["data"]["id"].crmText == nil {
            throw MalformedDelivery("A deal's data.id is required.")
        }
        return WebhookDelivery(
            source: .pipedrive,
            eventID: id,
            type: "\(action).\(entity)",
            occurredAt: time(of: json).crmTime(receivedAt: now),
            payload: body,
            parsed: json
        )
    }

    /// A deal's time is when it entered its status (`won_time`, `lost_time`, `stage_change_time`); each falls back
    /// to `update_time`, then to `meta.timestamp`.
    static func time(of json: JSONValue) -> Date? {
        let data = json["data"]
        let statusTime: Date? =
            switch data["status"].crmText {
            case "won": data["won_time"].crmTime
            case "lost": data["lost_time"].crmTime
            case "open": data["stage_change_time"].crmTime
            default: nil
            }
        return statusTime ?? data["update_time"].crmTime ?? json["meta"]["timestamp"].crmTime
    }

    public func read(_ payload: JSONValue, of event: WebhookEvent, context: CRMReadContext) throws -> CRMReading {
        let meta = payload["meta"]
        let action = meta["action"].crmText ?? ""
        guard Self.creates.union(Self.changes).contains(action) else {
            return .ignored("Tenure reads only created and changed deals and organizations")
        }
        let data = payload["data"]
        var change = CRMChange(occurredAt: event.crmOccurredAt, order: event.eventID)
        switch meta["entity"].crmText {
        case "organization":
            guard let id = data["id"].crmText ?? meta["entity_id"].crmText else { throw ValidationError("data.id", "is required") }
            var company = company(id)
            company.name = data["name"].crmText
            change.company = company
        case "deal":
            guard let id = data["id"].crmText else { throw ValidationError("data.id", "is required") }
            if let organization = data["org_id"].crmText {
                var company = company(organization)
                // Webhooks v1 sent the organization as an object with its name.
                company.name = data["org_id"]["name"].crmText
                change.company = company
            }
            change.deal = try context.deal(id, data, Self.dealFields, path: "data.", of: event)
            switch data["status"].crmText {
            case "won": change.stage = CRMChange.Stage(.closedWon)
            case "lost": change.stage = CRMChange.Stage(.closedLost, lostReason: data["lost_reason"].crmText ?? StageChange.unspecifiedLostReason)
            case "open":
                guard let stageID = data["stage_id"].crmText else { throw ValidationError("data.stage_id", "is required for an open deal") }
                change.stage = CRMChange.Stage(try context.stage(stageID, of: Self.crm))
            case "deleted": return .ignored("Tenure does not delete deals")
            default: throw ValidationError("data.status", "must be open, won or lost")
            }
        default:
            return .ignored("Tenure reads only deals and organizations")
        }
        return .change(change)
    }
}
