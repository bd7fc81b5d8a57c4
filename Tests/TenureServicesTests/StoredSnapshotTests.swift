import Foundation
import TenureCore
import Testing

@testable import TenureServices

/// Stored snapshots are written by `JSONWriter` in `JSONEncoder`'s default form (older rows by `JSONEncoder` itself)
/// and read back by a hand-written reader: all of them must agree on every field.
@Suite struct StoredSnapshotTests {
    static let everyField = SubscriptionSnapshot(
        effectiveAt: Date(timeIntervalSince1970: 1_700_000_000.25),
        order: "1 evt_1",
        status: "past_due",
        items: [
            StripeSubscriptionItem(
                id: "si_priced",
                price: StripePrice(unitAmount: Rational(25, 2), interval: "year", intervalCount: 2),
                quantity: 3,
                discounts: [
                    StripeDiscount(
                        id: "di_item",
                        duration: "repeating",
                        percentOff: Rational(33, 2),
                        amountOff: nil,
                        end: Date(timeIntervalSince1970: 1.8e9)
                    )
                ]
            ),
            StripeSubscriptionItem(id: "si_metered", price: nil, quantity: 1, discounts: []),
        ],
        discounts: [
            StripeDiscount(id: "di_forever", duration: "forever", percentOff: nil, amountOff: 500, end: nil),
            StripeDiscount(id: "di_once", duration: "once", percentOff: Rational(10), amountOff: nil, end: nil),
        ],
        cancelAtPeriodEnd: true,
        cancelAt: Date(timeIntervalSince1970: 1_750_000_000),
        currentPeriodEnd: Date(timeIntervalSince1970: 1_720_000_000.5),
        deleted: false
    )

    static let bare = SubscriptionSnapshot(
        effectiveAt: Date(timeIntervalSinceReferenceDate: 0),
        order: "",
        status: "canceled",
        items: [],
        discounts: [],
        cancelAtPeriodEnd: false,
        cancelAt: nil,
        currentPeriodEnd: nil,
        deleted: true
    )

    static func published() throws -> SubscriptionSnapshot {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../Fixtures/stripe/subscription.json"
        )
        let object = try #require(JSONValue.parse(Array(try Data(contentsOf: file))))
        return StripeSubscriptionParser.snapshot(object, effectiveAt: Date(timeIntervalSince1970: 1_680_000_000), order: "0 evt", deleted: false)
    }

    @Test func whatJSONEncoderStoresReadsBackAsJSONDecoderReadsIt() throws {
        for snapshot in [Self.everyField, Self.bare, try Self.published()] {
            let stored = Array(try JSONEncoder().encode(snapshot))
            let read = try #require(SubscriptionSnapshot(stored: stored), "\(String(decoding: stored, as: UTF8.self))")
            #expect(read == snapshot)
            #expect(read == (try JSONDecoder().decode(SubscriptionSnapshot.self, from: Data(stored))))
            let written = try StoredSnapshot.terms(of: snapshot)
            #expect(SubscriptionSnapshot(stored: written) == snapshot, "what Tenure stores now reads back as what it stored before")
            #expect(JSONValue.parse(written) == JSONValue.parse(stored))
        }
    }

    @Test func textThatIsNotAStoredSnapshotIsRefusedNotGuessed() throws {
        var fields = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.everyField)) as? [String: Any])
        let stored = { (fields: [String: Any]) in Array(try JSONSerialization.data(withJSONObject: fields)) }
        #expect(SubscriptionSnapshot(stored: try stored(fields)) != nil, "the unchanged fields read")
        for (key, value) in [("status", 1 as Any), ("effectiveAt", "yesterday"), ("items", [["id": "si_1"]]), ("deleted", NSNull())] {
            var broken = fields
            broken[key] = value
            #expect(SubscriptionSnapshot(stored: try stored(broken)) == nil, "\(key): \(value)")
        }
        fields["discounts"] = [["id": "di_1", "duration": "forever", "percentOff": "1/0"]]
        #expect(SubscriptionSnapshot(stored: try stored(fields))?.discounts.first?.percentOff == nil, "not a rational: no percentage")
        #expect(SubscriptionSnapshot(stored: Array("{".utf8)) == nil)
        #expect(SubscriptionSnapshot(stored: Array("[]".utf8)) == nil)
    }
}
