import Foundation
import TenureCore
import TenureJSON
import TenureServices

/// A Stripe subscription's terms as one event described them: a row of `subscription_snapshots`. The terms are the
/// snapshot in `JSONEncoder`'s default form (as rows written before `StoredTerms` were: keys are property names, dates
/// seconds since 2001 and rationals `"n/d"`), members sorted so the same snapshot is always the same bytes.
struct StoredSnapshot: Sendable, Equatable {
    var contractID: String
    var eventID: String
    var effectiveAt: Date
    var order: String
    var terms: [UInt8]

    init(contractID: String, eventID: String, effectiveAt: Date, order: String, terms: [UInt8]) {
        self.contractID = contractID
        self.eventID = eventID
        self.effectiveAt = effectiveAt
        self.order = order
        self.terms = terms
    }

    /// The row that stores `snapshot` of contract `contractID`, as event `eventID` described it.
    init(_ snapshot: SubscriptionSnapshot, of contractID: String, event eventID: String) throws {
        self.init(
            contractID: contractID,
            eventID: eventID,
            effectiveAt: snapshot.effectiveAt,
            order: snapshot.order,
            terms: try StoredTerms(snapshot).bytes
        )
    }

    /// The snapshot as it was stored, read with the single-pass parser (`JSONDecoder` took most of the time of
    /// committed MRR and of every ledger refresh; a test holds the two equal for every field); throws `UnreadableRecord`
    /// when it does not read back.
    func readBack() throws -> SubscriptionSnapshot {
        guard let snapshot = SubscriptionSnapshot(stored: terms) else {
            throw UnreadableRecord(description: "the stored subscription snapshot of event \(eventID) does not read back")
        }
        return snapshot
    }
}

extension SubscriptionSnapshot {
    init?(stored bytes: [UInt8]) {
        guard let json = JSONValue.parse(bytes), let effectiveAt = json["effectiveAt"].referenceDate, let order = json["order"].string,
            let status = json["status"].string, let items = json["items"].each(StripeSubscriptionItem.init(stored:)),
            let discounts = json["discounts"].each(StripeDiscount.init(stored:)), let cancelAtPeriodEnd = json["cancelAtPeriodEnd"].bool,
            let deleted = json["deleted"].bool
        else { return nil }
        self.init(
            effectiveAt: effectiveAt,
            order: order,
            status: status,
            items: items,
            discounts: discounts,
            cancelAtPeriodEnd: cancelAtPeriodEnd,
            cancelAt: json["cancelAt"].referenceDate,
            currentPeriodEnd: json["currentPeriodEnd"].referenceDate,
            deleted: deleted,
            cancellationReason: json["cancellationReason"].string.flatMap(ChurnReason.init(rawValue:)),
            cancellationComment: json["cancellationComment"].string
        )
        interval = json["interval"].string
    }
}

extension StripeSubscriptionItem {
    fileprivate init?(stored json: JSONValue) {
        let price = json["price"] == .null ? nil : StripePrice(stored: json["price"])
        guard let id = json["id"].string, let quantity = json["quantity"].int, json["price"] == .null || price != nil,
            let discounts = json["discounts"].each(StripeDiscount.init(stored:))
        else { return nil }
        self.init(id: id, price: price, quantity: quantity, discounts: discounts)
    }
}

extension StripePrice {
    fileprivate init?(stored json: JSONValue) {
        guard let amount = json["unitAmount"].string.flatMap(Rational.init(description:)), let interval = json["interval"].string,
            let count = json["intervalCount"].int
        else { return nil }
        self.init(unitAmount: amount, interval: interval, intervalCount: count)
    }
}

extension StripeDiscount {
    fileprivate init?(stored json: JSONValue) {
        guard let id = json["id"].string, let duration = json["duration"].string else { return nil }
        self.init(
            id: id,
            duration: duration,
            percentOff: json["percentOff"].string.flatMap(Rational.init(description:)),
            amountOff: json["amountOff"].int,
            end: json["end"].referenceDate
        )
    }
}

extension JSONValue {
    /// A date as `JSONEncoder` writes one by default: seconds since 2001-01-01.
    fileprivate var referenceDate: Date? {
        switch self {
        case .integer(let seconds): Date(timeIntervalSinceReferenceDate: Double(seconds))
        case .number(let seconds): Date(timeIntervalSinceReferenceDate: seconds)
        default: nil
        }
    }

    /// Each element read by `element`; nil unless this is an array and every element reads.
    fileprivate func each<T>(_ element: (JSONValue) -> T?) -> [T]? {
        guard case .array(let values) = self else { return nil }
        var result: [T] = []
        for value in values {
            guard let read = element(value) else { return nil }
            result.append(read)
        }
        return result
    }
}
