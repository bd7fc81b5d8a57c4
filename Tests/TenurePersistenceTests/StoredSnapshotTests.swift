import Foundation
import TenureCore
import TenureDemo
import TenureJSON
import Testing

@testable import TenurePersistence
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
            let written = try StoredTerms(snapshot).bytes
            #expect(SubscriptionSnapshot(stored: written) == snapshot, "what Tenure stores now reads back as what it stored before")
            #expect(JSONValue.parse(written) == JSONValue.parse(stored))
        }
    }

    /// The stored form is written by hand (`StoredTerms`): it must stay the bytes `JSONEncoder` writes with sorted keys
    /// (and `JSONWriter` with them), for any snapshot.
    @Test func theStoredFormIsJSONEncodersWithSortedKeysByteForByte() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var random = SplitMix64(seed: 7)
        let snapshots = [Self.everyField, Self.bare, try Self.published()] + (0..<500).map { _ in Self.randomSnapshot(&random) }
        for snapshot in snapshots {
            let written = try StoredTerms(snapshot).bytes
            let reference = Array(try encoder.encode(snapshot))
            #expect(written == reference, "\(String(decoding: written, as: UTF8.self))\n\(String(decoding: reference, as: UTF8.self))")
            #expect(written == (try JSONWriter().encode(snapshot)))
            #expect(SubscriptionSnapshot(stored: written) == snapshot)
        }
    }

    static func randomSnapshot(_ random: inout SplitMix64) -> SubscriptionSnapshot {
        func text() -> String {
            let pieces = ["a", "Z", "_", " ", "\"", "\\", "/", "\n", "\t", "\u{01}", "\u{1F}", "\u{7F}", "é", "€", "😀", "1"]
            return (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
        }
        func date() -> Date {
            let fractions = [0, 0.25, 0.5, 0.1, 1.0 / 3, 0.999_999]
            let seconds = Double(Int.random(in: -2_000_000_000...4_000_000_000, using: &random))
            return Date(timeIntervalSince1970: seconds + fractions.randomElement(using: &random)!)
        }
        func maybe<T>(_ value: () -> T) -> T? { Bool.random(using: &random) ? value() : nil }
        func rational() -> Rational {
            Rational(Int128(Int.random(in: -100_000...100_000, using: &random)), Int128(Int.random(in: 1...1_000, using: &random)))
        }
        func discounts() -> [StripeDiscount] {
            (0..<Int.random(in: 0...2, using: &random)).map { _ in
                StripeDiscount(
                    id: text(),
                    duration: text(),
                    percentOff: maybe(rational),
                    amountOff: maybe { Int.random(in: -5_000...5_000, using: &random) },
                    end: maybe(date)
                )
            }
        }
        let items = (0..<Int.random(in: 0...3, using: &random)).map { _ in
            StripeSubscriptionItem(
                id: text(),
                price: maybe { StripePrice(unitAmount: rational(), interval: text(), intervalCount: Int.random(in: -2...24, using: &random)) },
                quantity: Int.random(in: -3...1_000, using: &random),
                discounts: discounts()
            )
        }
        return SubscriptionSnapshot(
            effectiveAt: date(),
            order: text(),
            status: text(),
            items: items,
            discounts: discounts(),
            cancelAtPeriodEnd: Bool.random(using: &random),
            cancelAt: maybe(date),
            currentPeriodEnd: maybe(date),
            deleted: Bool.random(using: &random)
        )
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
