import Foundation
import TenureCore
import TenureJSON

/// Reads a Stripe subscription object into a `SubscriptionSnapshot` (`WEBHOOKS.md`, MRR of a Stripe subscription):
/// each item's `price` (never the legacy `plan`), discount objects only, current period end by which fields exist.
enum StripeSubscriptionParser {
    static func snapshot(_ object: JSONValue, effectiveAt: Date, order: String, deleted: Bool) -> SubscriptionSnapshot {
        let items = object["items"]["data"].array.map(item)
        let itemPeriodEnds = object["items"]["data"].array.compactMap { $0["current_period_end"].date }
        let details = object["cancellation_details"]
        return SubscriptionSnapshot(
            effectiveAt: effectiveAt,
            order: order,
            status: object["status"].string ?? "incomplete",
            items: items,
            discounts: discounts(legacy: object["discount"], list: object["discounts"]),
            cancelAtPeriodEnd: object["cancel_at_period_end"].bool ?? false,
            cancelAt: object["cancel_at"].date,
            currentPeriodEnd: object["current_period_end"].date ?? itemPeriodEnds.min(),
            deleted: deleted,
            cancellationReason: ChurnReason.stripe(reason: details["reason"].string, feedback: details["feedback"].string),
            cancellationComment: details["comment"].string.flatMap { $0.isEmpty ? nil : String($0.prefix(2_000)) }
        )
    }

    /// When a deletion takes effect: `ended_at`, else the event's time.
    static func deletionTime(_ object: JSONValue, eventCreated: Date) -> Date { object["ended_at"].date ?? eventCreated }

    private static func item(_ item: JSONValue) -> StripeSubscriptionItem {
        StripeSubscriptionItem(
            id: item["id"].string ?? "",
            price: price(item["price"]),
            quantity: item["quantity"].int ?? 1,
            discounts: discounts(legacy: .null, list: item["discounts"])
        )
    }

    /// A licensed per-unit recurring price; anything else (tiered, metered, no amount) is unpriced.
    private static func price(_ price: JSONValue) -> StripePrice? {
        let recurring = price["recurring"]
        guard price["billing_scheme"].string ?? "per_unit" == "per_unit", recurring["usage_type"].string ?? "licensed" == "licensed",
            let interval = recurring["interval"].string, let amount = price["unit_amount_decimal"].rational ?? price["unit_amount"].rational
        else { return nil }
        return StripePrice(unitAmount: amount, interval: interval, intervalCount: recurring["interval_count"].int ?? 1)
    }

    /// The legacy `discount` and the object entries of `discounts`, each id once; bare `di_…` strings are ignored.
    private static func discounts(legacy: JSONValue, list: JSONValue) -> [StripeDiscount] {
        var seen: Set<String> = []
        return ([legacy] + list.array).filter(\.isObject).compactMap { discount in
            let id = discount["id"].string ?? UUID().uuidString
            guard seen.insert(id).inserted else { return nil }
            let coupon = discount["source"]["coupon"].isObject ? discount["source"]["coupon"] : discount["coupon"]
            guard coupon.isObject else { return nil }
            return StripeDiscount(
                id: id,
                duration: coupon["duration"].string ?? "once",
                percentOff: coupon["percent_off"].rational,
                amountOff: coupon["amount_off"].int,
                end: discount["end"].date
            )
        }
    }
}
