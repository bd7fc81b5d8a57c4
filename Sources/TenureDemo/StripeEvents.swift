import Foundation
import TenureCore
import TenureJSON

/// Stripe events in the shapes Stripe publishes (event, subscription with items and prices, invoice), as the demo's
/// billing system would send them.
struct StripeEvents {
    let customer: String
    let currency: String
    private var sequence = 0

    init(customer: String, currency: String) {
        self.customer = customer
        self.currency = currency
    }

    /// A per-seat subscription: `quantity` seats at `unitAmount` a `interval`, its period running from `anchor`.
    struct Subscription {
        var id: String
        var quantity: Int
        var unitAmount: Int
        var interval: String
        var anchor: Date
        var status = "active"
        var cancelAtPeriodEnd = false
        var endedAt: Date?
        /// `cancellation_details`: reason and feedback.
        var cancellation: [String: String] = [:]

        var periodAmount: Int { quantity * unitAmount }

        /// The billing period containing `instant`.
        func period(at instant: Date) -> (start: Date, end: Date) {
            let months = interval == "year" ? 12 : 1
            var start = anchor
            while start.addingMonths(months) <= instant { start = start.addingMonths(months) }
            return (start, start.addingMonths(months))
        }

        func object(customer: String, currency: String, at instant: Date) -> [String: Any] {
            let period = period(at: instant)
            let price: [String: Any] = [
                "id": "price_demo_seat_\(interval)", "object": "price", "active": true, "currency": currency, "billing_scheme": "per_unit",
                "type": "recurring", "product": "prod_demo_platform", "unit_amount": unitAmount, "unit_amount_decimal": String(unitAmount),
                "recurring": ["interval": interval, "interval_count": 1, "usage_type": "licensed"] as [String: Any],
            ]
            let item: [String: Any] = [
                "id": "si_\(id.dropFirst(4))", "object": "subscription_item", "quantity": quantity, "price": price,
                "current_period_start": Int(period.start.timeIntervalSince1970), "current_period_end": Int(period.end.timeIntervalSince1970),
            ]
            return [
                "id": id, "object": "subscription", "customer": customer, "status": status, "currency": currency, "livemode": false,
                "collection_method": "charge_automatically", "created": Int(anchor.timeIntervalSince1970),
                "start_date": Int(anchor.timeIntervalSince1970), "cancel_at_period_end": cancelAtPeriodEnd, "cancel_at": NSNull(),
                "ended_at": endedAt.map { Int($0.timeIntervalSince1970) as Any } ?? NSNull(), "metadata": [String: Any](),
                "cancellation_details": [
                    "reason": cancellation["reason"] ?? NSNull(), "feedback": cancellation["feedback"] ?? NSNull(), "comment": NSNull(),
                ] as [String: Any],
                "items": ["object": "list", "data": [item], "has_more": false, "url": "/v1/subscription_items?subscription=\(id)"] as [String: Any],
            ]
        }
    }

    mutating func subscription(_ type: String, _ subscription: Subscription, at instant: Date) -> (id: String, type: String, payload: [UInt8]) {
        event(type, subscription.object(customer: customer, currency: currency, at: instant), at: instant)
    }

    mutating func invoice(
        _ type: String,
        _ subscription: Subscription,
        at instant: Date,
        reason: String
    ) -> (id: String, type: String, payload: [UInt8]) {
        let paid = type == "invoice.paid"
        let object: [String: Any] = [
            "id": "in_\(customer.dropFirst(4))_\(sequence)", "object": "invoice", "customer": customer, "subscription": subscription.id,
            "currency": currency, "amount_due": subscription.periodAmount, "amount_paid": paid ? subscription.periodAmount : 0,
            "amount_remaining": paid ? 0 : subscription.periodAmount, "status": paid ? "paid" : "open", "billing_reason": reason,
            "created": Int(instant.timeIntervalSince1970), "livemode": false,
        ]
        return event(type, object, at: instant)
    }

    private mutating func event(_ type: String, _ object: [String: Any], at instant: Date) -> (id: String, type: String, payload: [UInt8]) {
        sequence += 1
        let id = "evt_\(customer.dropFirst(4))_\(sequence)"
        let event: [String: Any] = [
            "id": id, "object": "event", "api_version": "2025-03-31.basil", "created": Int(instant.timeIntervalSince1970), "livemode": false,
            "pending_webhooks": 1, "type": type, "data": ["object": object],
            "request": ["id": NSNull(), "idempotency_key": NSNull()] as [String: Any],
        ]
        return (id, type, Array((try? JSONSerialization.data(withJSONObject: event, options: [.sortedKeys])) ?? Data()))
    }
}
