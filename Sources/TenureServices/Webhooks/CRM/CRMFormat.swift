import Foundation
import TenureCore
import TenureJSON

/// One CRM's own format (`INTEGRATIONS.md`): what one stored event of that CRM says in Tenure's terms. Pure: the stage
/// map comes from the settings, the time from the delivery.
public protocol CRMFormat: Sendable {
    static var crm: CRM { get }
    /// The change `event` says, read from its stored `payload`; throws `ValidationError` for content that cannot be
    /// applied (`unmapped_stage`), and the event is stored `failed`.
    func read(_ payload: JSONValue, of event: WebhookEvent, context: CRMReadContext) throws -> CRMReading
}

/// What reading a CRM's event needs besides the event: its stage map and the reporting currency.
public struct CRMReadContext: Sendable {
    public var mapping: CRMMapping.Table
    /// Lowercase ISO 4217: amounts without a currency are in it.
    public var currency: String

    public init(mapping: CRMMapping.Table, currency: String) {
        self.mapping = mapping
        self.currency = currency
    }

    /// The Tenure stage of the CRM's stage `name`, or the `unmapped_stage` failure.
    func stage(_ name: String, of crm: CRM) throws -> PipelineStage {
        guard let stage = mapping.stage(name) else {
            throw ValidationError("unmapped_stage", "\(crm.rawValue) stage \"\(name)\" has no Tenure stage in /v1/settings/crm-mapping")
        }
        return stage
    }

    /// A deal's currency, lowercased; the reporting currency when none is given.
    func currency(_ value: JSONValue) -> String { value.crmText?.lowercased() ?? currency }

    /// Where a CRM keeps a deal's fields, under its own names (`createdAt`: the first present wins).
    struct DealFieldNames {
        var name: String
        var amount: String
        var currency: String
        var closeDate: String
        var createdAt: [String]
        var owner: String
    }

    /// The deal `id` read from `fields` (`path` prefixes the names in errors): its amount in major units of its currency,
    /// a creation time never after the receipt of `event`.
    func deal(_ id: String, _ fields: JSONValue, _ names: DealFieldNames, path: String = "", of event: WebhookEvent) throws -> CRMChange.Deal {
        let currency = currency(fields[names.currency])
        var deal = CRMChange.Deal(externalID: id)
        deal.name = fields[names.name].crmText
        deal.amount = try fields[names.amount].crmAmount(path + names.amount, currency: currency)
        deal.currency = currency
        deal.closeDate = fields[names.closeDate].crmDate
        deal.createdAt = names.createdAt.lazy.compactMap { fields[$0].crmTime }.first.map { min($0, event.receivedAt) }
        deal.owner = fields[names.owner].crmText
        return deal
    }
}

extension CRMFormat {
    /// The company `id` as the CRM names it, with the placeholder name its account takes until the real one comes.
    func company(_ id: String) -> CRMChange.Company {
        var company = CRMChange.Company(externalID: id)
        company.placeholderName = Self.crm.placeholderName(company: id)
        return company
    }
}

/// Applies the events of one CRM format through `CRMSync`, with the stage map stored in the settings.
struct CRMFormatHandler<Format: CRMFormat>: WebhookEventHandler {
    let format: Format
    let sync: CRMSync

    func read(_ event: WebhookEvent, parsed: JSONValue?) throws -> JSONValue {
        guard let payload = parsed ?? JSONValue.parse(event.payload) else { throw ValidationError("body", "is not JSON") }
        return payload
    }

    func apply(_ payload: JSONValue, of event: WebhookEvent, in tx: any Transaction) async throws -> WebhookApplication {
        let context = CRMReadContext(mapping: try await CRMMappingSettings.load(in: tx)[Format.crm], currency: sync.currency)
        switch try format.read(payload, of: event, context: context) {
        case .ignored(let reason): return .ignored(reason)
        case .change(let change): return try await sync.apply(change, in: tx)
        }
    }
}

/// Where the stage maps are stored (in the shape of `GET /v1/settings/crm-mapping`).
enum CRMMappingSettings {
    static let name = "crm_mapping"

    /// The stored value last decoded: every CRM event reads the mapping, and decoding it each time showed.
    private static let lastDecoded = LastDecoded()

    static func load(in tx: any Transaction) async throws -> CRMMapping {
        guard let stored = try await tx.settings.value(name) else { return .defaults }
        return try lastDecoded.value(of: stored) { try JSONDecoder().decode(CRMMapping.self, from: Data(stored)) }
    }
}

/// One stored value and what it decoded to.
private final class LastDecoded: @unchecked Sendable {
    // Safe: `last` is only touched under `lock`.
    private let lock = NSLock()
    private var last: (stored: [UInt8], mapping: CRMMapping)?

    func value(of stored: [UInt8], _ decode: () throws -> CRMMapping) throws -> CRMMapping {
        if let last = lock.withLock({ last }), last.stored == stored { return last.mapping }
        let mapping = try decode()
        lock.withLock { last = (stored, mapping) }
        return mapping
    }
}
