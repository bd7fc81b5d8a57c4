import Foundation
import HTTPTypes
import TenureCore
import TenureJSON
import TenureServices
import Testing

/// Stripe events built from the object shapes Stripe publishes (`Tests/Fixtures/stripe/`, copied from
/// `../shared/fixtures/stripe/` with Stripe's MIT license), with the fields a test sets.
enum StripeFixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/stripe")

    /// The published object; a missing fixture fails the test rather than passing on `{}`.
    static func object(_ name: String) -> [String: Any] {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("\(name).json")),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else {
            Issue.record("missing Stripe fixture \(name).json under \(folder.path)")
            return [:]
        }
        return object
    }

    static func seconds(_ text: String) -> Int { Int(Timestamp.parseInstantOrDate(text)?.timeIntervalSince1970 ?? 0) }

    /// A price item: unit amount per `interval` × `count`, `quantity` units.
    static func item(_ amount: Int, _ interval: String = "month", count: Int = 1, quantity: Int = 1, id: String = UUID().uuidString) -> [String: Any]
    {
        var item = (object("subscription")["items"] as? [String: Any])?["data"].flatMap { ($0 as? [[String: Any]])?.first } ?? [:]
        var price = item["price"] as? [String: Any] ?? [:]
        var recurring = price["recurring"] as? [String: Any] ?? [:]
        recurring["interval"] = interval
        recurring["interval_count"] = count
        price["recurring"] = recurring
        price["unit_amount"] = amount
        price["unit_amount_decimal"] = String(amount)
        item["price"] = price
        item["quantity"] = quantity
        item["id"] = "si_\(id)"
        return item
    }

    static func subscription(
        _ id: String,
        customer: String,
        status: String = "active",
        items: [[String: Any]],
        metadata: [String: Any] = [:],
        changes: [String: Any] = [:]
    ) -> [String: Any] {
        var subscription = object("subscription")
        subscription["id"] = id
        subscription["customer"] = customer
        subscription["status"] = status
        subscription["metadata"] = metadata
        subscription["currency"] = "usd"
        var list = subscription["items"] as? [String: Any] ?? [:]
        list["data"] = items
        subscription["items"] = list
        for (key, value) in changes { subscription[key] = value }
        return subscription
    }

    static func invoice(_ id: String, customer: String, paid: Int, due: Int? = nil) -> [String: Any] {
        var invoice = object("invoice")
        invoice["id"] = id
        invoice["customer"] = customer
        invoice["amount_paid"] = paid
        invoice["amount_due"] = due ?? paid
        invoice["currency"] = "usd"
        return invoice
    }

    /// The charge a `charge.refunded` event carries: `refunded` of it given back so far.
    static func refundedCharge(_ id: String, customer: String, refunded: Int) -> [String: Any] {
        var charge = object("charge")
        charge["id"] = id
        charge["customer"] = customer
        charge["currency"] = "usd"
        charge["amount_refunded"] = refunded
        return charge
    }

    static func event(_ id: String, _ type: String, created: String, _ object: [String: Any]) -> String {
        var event = Self.object("event")
        event["id"] = id
        event["type"] = type
        event["created"] = seconds(created)
        event["data"] = ["object": object]
        let data = (try? JSONSerialization.data(withJSONObject: event, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

extension TestApp {
    /// Posts a Stripe event signed as Stripe signs.
    @discardableResult
    func stripe(_ body: String, secret: String = TestApp.stripeSecret, timestamp: Date = Date()) async throws -> TestReply {
        let header = StripeSignature.header(timestamp: Int64(timestamp.timeIntervalSince1970), body: Array(body.utf8), secret: secret)
        return try await send(.post, "/v1/webhooks/stripe", body, key: nil, headers: [HTTPField.Name("Stripe-Signature")!: header])
    }
}
