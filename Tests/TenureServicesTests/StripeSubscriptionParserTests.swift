import Foundation
import TenureCore
import TenureJSON
import Testing

@testable import TenureServices

@Suite struct StripeSubscriptionParserTests {
    static var fixture: [String: Any] {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../Fixtures/stripe/subscription.json"
        )
        return ((try? JSONSerialization.jsonObject(with: Data(contentsOf: file))) as? [String: Any]) ?? [:]
    }

    func parse(_ object: [String: Any]) throws -> SubscriptionSnapshot {
        let value = try #require(JSONValue.parse(Array(try JSONSerialization.data(withJSONObject: object))))
        return StripeSubscriptionParser.snapshot(value, effectiveAt: Date(timeIntervalSince1970: 0), order: "1", deleted: false)
    }

    @Test func theFullPublishedShapeParsesFromPriceNotFromTheLegacyPlan() throws {
        #expect(!Self.fixture.isEmpty)
        let snapshot = try parse(Self.fixture)
        #expect(snapshot.items.count == 1)
        #expect(snapshot.items.first?.price == StripePrice(unitAmount: Rational(2000), interval: "month", intervalCount: 1))
        #expect(snapshot.mrr(at: Date(timeIntervalSince1970: 1)) == 2000, "the plan's interval_count 797691627 is ignored")
        #expect(snapshot.currentPeriodEnd == Date(timeIntervalSince1970: 976_287_773), "taken from the items when the subscription has none")
    }

    @Test func everyFieldTenureDoesNotNeedMayBeNullOrAbsent() throws {
        var nulls = Self.fixture.mapValues { _ in NSNull() as Any }
        nulls["items"] = Self.fixture["items"]
        nulls["status"] = "active"
        #expect(try parse(nulls).mrr(at: Date(timeIntervalSince1970: 1)) == 2000)
        let bare: [String: Any] = [
            "id": "sub_1", "status": "active",
            "items": ["data": [["id": "si_1", "price": ["unit_amount": 500, "recurring": ["interval": "week"]]]]],
        ]
        #expect(try parse(bare).mrr(at: Date(timeIntervalSince1970: 1)) == 2167)  // 500 × 52 ÷ 12
        #expect(try parse(["id": "sub_2"]).mrr(at: Date(timeIntervalSince1970: 1)) == 0)
    }

    @Test func onlyDiscountObjectsCountEachOnceWithTheCouponUnderSourceOrAtTheTop() throws {
        var object = Self.fixture
        let coupon: [String: Any] = ["id": "co_1", "object": "coupon", "duration": "forever", "percent_off": 10]
        let discount: [String: Any] = ["id": "di_1", "object": "discount", "end": NSNull(), "source": ["type": "coupon", "coupon": coupon]]
        object["discount"] = discount
        object["discounts"] = [discount, "di_2", ["id": "di_3", "object": "discount", "coupon": ["duration": "repeating", "amount_off": 100]]]
        let snapshot = try parse(object)
        #expect(snapshot.discounts.map(\.id) == ["di_1", "di_3"])
        #expect(snapshot.mrr(at: Date(timeIntervalSince1970: 1)) == 1700)  // 2000 × 0.9 − 100
    }

    @Test func tieredAndMeteredPricesAreUnpriced() throws {
        var object = Self.fixture
        var items = object["items"] as? [String: Any] ?? [:]
        var item = (items["data"] as? [[String: Any]])?.first ?? [:]
        var price = item["price"] as? [String: Any] ?? [:]
        price["billing_scheme"] = "tiered"
        item["price"] = price
        items["data"] = [item]
        object["items"] = items
        let snapshot = try parse(object)
        #expect(snapshot.mrr(at: Date(timeIntervalSince1970: 1)) == 0)
        #expect(snapshot.unpricedItems == ["si_QXhVnC2h0Jczwc"])
    }
}
